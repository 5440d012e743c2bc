import { EXIT_CODES, signalExitCode, ZeroOSError, hex } from '../../errors.js';

/** Permission bits of a mapping, as in a PTE: read, write, execute. */
export const PERM_R = 1;
export const PERM_W = 2;
export const PERM_X = 4;
export const PERM_RW = PERM_R | PERM_W;
export const PERM_RX = PERM_R | PERM_X;
export const PERM_RWX = PERM_R | PERM_W | PERM_X;

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;

export type AccessKind = 'read' | 'write' | 'execute';

/** A mapped range of guest addresses. `end` is exclusive. Addresses are plain numbers (< 2^53). */
export interface Mapping {
  readonly start: number;
  readonly end: number;
  readonly perms: number;
  /** What the range is for: "text", "heap", "stack", "[anon]", ... */
  readonly name: string;
}

export function permString(perms: number): string {
  return (perms & PERM_R ? 'r' : '-') + (perms & PERM_W ? 'w' : '-') + (perms & PERM_X ? 'x' : '-');
}

/**
 * A guest touched an address outside every mapping, or against a mapping's permissions.
 * `pc` is filled in by whoever knows it (the hart for guest accesses); kernel accesses on
 * behalf of a syscall turn this into -EFAULT instead.
 */
export class MemoryFault extends ZeroOSError {
  /** SIGSEGV, as Linux would end the process. */
  readonly exitCode = signalExitCode(11);
  constructor(
    readonly address: bigint,
    readonly access: AccessKind,
    readonly reason: 'unmapped' | 'permission',
    readonly pc?: number,
  ) {
    super(
      `${access} ${reason === 'unmapped' ? 'of unmapped address' : 'violates permissions at'} ${hex(address)}` +
        (pc === undefined ? '' : ` (pc ${hex(pc)})`),
    );
  }
  withPc(pc: number): MemoryFault {
    return new MemoryFault(this.address, this.access, this.reason, pc);
  }
}

/**
 * The guest's physical/virtual memory as the kernel sees it: sparse pages behind mappings
 * with permissions. Host memory grows with the pages the guest touches, not with the
 * size of what is mapped.
 *
 * The hart has its own fast path into the page store; these methods are the slow,
 * checked path used by the loader, the kernel and tests. Every checked access throws
 * `MemoryFault` on a bad address.
 */
export interface GuestMemory {
  /** Maps [start, start+length) (page-aligned) with `perms`. Throws if it overlaps a mapping. */
  map(start: number, length: number, perms: number, name: string): void;
  /** Unmaps every page in the range (mapped or not); splits mappings at the edges; frees their pages. */
  unmap(start: number, length: number): void;
  /** Changes the permissions of every page in the range; all must be mapped. */
  protect(start: number, length: number, perms: number): void;
  /** The mappings in address order, adjacent equal ones merged for display. */
  mappings(): readonly Mapping[];
  /** The mappings that overlap [start, end), in address order: the cost is what it returns. */
  mappingsIn(start: number, end: number): readonly Mapping[];
  /** How many mappings there are (what `mappings()` would list), without listing them. */
  readonly mappingCount: number;
  /** The mapping containing `address`, if any. */
  mappingAt(address: number): Mapping | undefined;
  /** True when every byte of the range is mapped with all of `perms`. */
  isAccessible(address: number, length: number, perms: number): boolean;

  /** Checked reads/writes as user-mode accesses (permission-checked). */
  read(address: number, length: number): Uint8Array;
  write(address: number, data: Uint8Array): void;
  readU8(address: number): number;
  readU16(address: number): number;
  readU32(address: number): number;
  readU64(address: number): bigint;
  writeU8(address: number, value: number): void;
  writeU16(address: number, value: number): void;
  writeU32(address: number, value: number): void;
  writeU64(address: number, value: bigint): void;
  /** Reads a NUL-terminated string of at most `maxLength` bytes (without the NUL). */
  readCString(address: number, maxLength: number): Uint8Array;

  /** Writes ignoring write permission (but the pages must be mapped): the loader's and platform's path. */
  poke(address: number, data: Uint8Array): void;
  /** Zero-fills a mapped range ignoring permissions, releasing host pages where it can. */
  zero(address: number, length: number): void;
  /**
   * Copies whole pages [from, from+length) to [to, to+length) ignoring permissions (both
   * page-aligned and mapped, not overlapping): mremap's move. Only touched pages cost anything.
   */
  copyPages(from: number, to: number, length: number): void;

  /** Host pages currently backing the guest (touched pages). */
  readonly residentPages: number;
}

/**
 * A request to change the address space that cannot be honoured: an unaligned or
 * out-of-range start, an overlap with an existing mapping (`map`), or pages that are not
 * mapped (`protect`). The kernel turns it into -EINVAL / -ENOMEM.
 */
export class MappingError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.layout;
  constructor(
    message: string,
    readonly start: number,
    readonly length: number,
  ) {
    super(`${message}: [${hex(start)}, ${hex(start + length)})`);
  }
}

import { sha256 } from '@noble/hashes/sha2.js';
import { EXIT_CODES, ZeroOSError } from '../errors.js';
import { PAGE_SIZE, type GuestMemory } from '../arch/memory/types.js';
import { HWCAP_RV64IMAC } from '../arch/riscv64/types.js';
import { ELF64_PHDR_SIZE } from './elf/constants.js';

/** Auxiliary vector keys (include/uapi/linux/auxvec.h) the initial stack carries. */
export const AT = {
  NULL: 0,
  PHDR: 3,
  PHENT: 4,
  PHNUM: 5,
  PAGESZ: 6,
  BASE: 7,
  FLAGS: 8,
  ENTRY: 9,
  UID: 11,
  EUID: 12,
  GID: 13,
  EGID: 14,
  HWCAP: 16,
  CLKTCK: 17,
  SECURE: 23,
  RANDOM: 25,
  EXECFN: 31,
} as const;

/** Linux's USER_HZ: what times() and sysconf(_SC_CLK_TCK) count in. */
export const CLOCK_TICKS_PER_SECOND = 100;

/** Domain separator for the AT_RANDOM bytes, so no other use of the seed yields the same bytes. */
const AT_RANDOM_DOMAIN = new TextEncoder().encode('zeroos.at_random');

/** argv, envp and the auxiliary vector do not fit in the stack region. */
export class InitialStackOverflow extends ZeroOSError {
  readonly exitCode = EXIT_CODES.layout;
  constructor(
    readonly needed: number,
    readonly available: number,
  ) {
    super(
      `the initial stack (argv, envp, auxv) needs ${needed} bytes but the stack region holds ${available}: ` +
        'pass fewer or shorter arguments, or give the platform a larger stack',
    );
  }
}

/** An argument or environment string cannot be passed to a C program. */
export class BadProcessArgument extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
  constructor(readonly which: string) {
    super(`${which} contains a NUL byte, which a C string cannot carry`);
  }
}

/** What the program is told about itself through the auxiliary vector. */
export interface InitialStackSpec {
  /** The full argument vector, argv[0] included. */
  readonly argv: readonly string[];
  readonly envp: readonly string[];
  /** AT_EXECFN: the path the program was started from. */
  readonly executablePath: string;
  /** The run's seed; AT_RANDOM's 16 bytes derive from it unless `random` is given. */
  readonly seed: bigint;
  /** The 16 AT_RANDOM bytes, when the run's generator supplies them. */
  readonly random?: Uint8Array;
  readonly entry: number;
  /** AT_PHDR and AT_PHNUM. */
  readonly programHeaders: number;
  readonly programHeaderCount: number;
  /**
   * The program header table's bytes, for an image that does not load them (programHeaders
   * 0, as in a zkVM image whose first section starts at RAM's first byte): they are copied
   * onto the stack and AT_PHDR points at the copy, so musl still finds PT_TLS (Rust std's
   * thread-locals need it).
   */
  readonly programHeaderTable?: Uint8Array;
  /** AT_BASE: the interpreter's load address; 0 for a static executable. */
  readonly interpreterBase?: number;
  /** AT_HWCAP; defaults to the extensions the hart emulates. */
  readonly hwcap?: number;
}

/** The stack as built, for tests, /proc and the debugger. */
export interface InitialStack {
  /** Where sp points: at argc, 16-byte aligned. */
  readonly stackPointer: number;
  readonly argc: number;
  /** Guest addresses of the argv and envp strings. */
  readonly argvAddresses: readonly number[];
  readonly envpAddresses: readonly number[];
  readonly auxv: readonly (readonly [key: number, value: bigint])[];
  readonly randomAddress: number;
  readonly randomBytes: Uint8Array;
  readonly executablePathAddress: number;
}

/**
 * The 16 AT_RANDOM bytes for a seed: the first half of sha256("zeroos.at_random" ‖ seed as
 * u64 little-endian). A function of the seed alone, so runs with one seed see one canary.
 */
export function atRandomBytes(seed: bigint): Uint8Array {
  const input = new Uint8Array(AT_RANDOM_DOMAIN.length + 8);
  input.set(AT_RANDOM_DOMAIN);
  new DataView(input.buffer).setBigUint64(AT_RANDOM_DOMAIN.length, BigInt.asUintN(64, seed), true);
  return sha256(input).slice(0, 16);
}

/**
 * Writes the Linux riscv64 initial process stack below `stack.end` and returns where sp
 * goes. From the top down, as fs/binfmt_elf.c builds it: an 8-byte end marker, the
 * AT_EXECFN string, the envp strings, the argv strings, (align 16) the 16 AT_RANDOM bytes,
 * then (align 16) argc, argv pointers, NULL, envp pointers, NULL and the auxv pairs ending
 * in AT_NULL. The stack pages must already be mapped; permissions are bypassed (poke).
 */
export function buildInitialStack(
  memory: GuestMemory,
  stack: { readonly start: number; readonly end: number },
  spec: InitialStackSpec,
): InitialStack {
  const encoder = new TextEncoder();
  const encode = (text: string, which: string): Uint8Array => {
    const bytes = encoder.encode(text);
    if (bytes.includes(0)) throw new BadProcessArgument(which);
    return bytes;
  };
  const argvBytes = spec.argv.map((arg, i) => encode(arg, `argv[${i}]`));
  const envpBytes = spec.envp.map((entry, i) => encode(entry, `envp[${i}]`));
  const execfnBytes = encode(spec.executablePath, 'the executable path');

  // Addresses first (top down), so nothing is written when it does not fit.
  let cursor = stack.end - 8; // Linux leaves one pointer-sized zero word at the very top.
  cursor -= execfnBytes.length + 1;
  const executablePathAddress = cursor;
  const envpAddresses = placeStrings(envpBytes);
  const argvAddresses = placeStrings(argvBytes);
  function placeStrings(strings: readonly Uint8Array[]): number[] {
    const addresses = new Array<number>(strings.length);
    for (let i = strings.length - 1; i >= 0; i--) {
      cursor -= strings[i]!.length + 1;
      addresses[i] = cursor;
    }
    return addresses;
  }
  cursor = alignDown16(cursor) - 16;
  const randomAddress = cursor;
  const headerCopy = spec.programHeaders === 0 && spec.programHeaderTable !== undefined && spec.programHeaderTable.length > 0 ? spec.programHeaderTable : undefined;
  if (headerCopy) cursor = alignDown16(cursor - headerCopy.length);
  const programHeaders = headerCopy ? cursor : spec.programHeaders;
  const randomBytes = spec.random?.slice(0, 16) ?? atRandomBytes(spec.seed);

  const auxv: (readonly [number, bigint])[] = [
    [AT.HWCAP, BigInt(spec.hwcap ?? HWCAP_RV64IMAC)],
    [AT.PAGESZ, BigInt(PAGE_SIZE)],
    [AT.CLKTCK, BigInt(CLOCK_TICKS_PER_SECOND)],
    [AT.PHDR, BigInt(programHeaders)],
    [AT.PHENT, BigInt(ELF64_PHDR_SIZE)],
    [AT.PHNUM, BigInt(spec.programHeaderCount)],
    [AT.BASE, BigInt(spec.interpreterBase ?? 0)],
    [AT.FLAGS, 0n],
    [AT.ENTRY, BigInt(spec.entry)],
    [AT.UID, 0n],
    [AT.EUID, 0n],
    [AT.GID, 0n],
    [AT.EGID, 0n],
    [AT.SECURE, 0n],
    [AT.RANDOM, BigInt(randomAddress)],
    [AT.EXECFN, BigInt(executablePathAddress)],
    [AT.NULL, 0n],
  ];
  const words = 1 + argvBytes.length + 1 + envpBytes.length + 1 + auxv.length * 2;
  const stackPointer = alignDown16(cursor - words * 8);
  if (stackPointer < stack.start) {
    throw new InitialStackOverflow(stack.end - stackPointer, stack.end - stack.start);
  }

  const image = new Uint8Array(stack.end - stackPointer);
  const view = new DataView(image.buffer);
  const at = (address: number): number => address - stackPointer;
  image.set(execfnBytes, at(executablePathAddress));
  argvBytes.forEach((bytes, i) => image.set(bytes, at(argvAddresses[i]!)));
  envpBytes.forEach((bytes, i) => image.set(bytes, at(envpAddresses[i]!)));
  image.set(randomBytes, at(randomAddress));
  if (headerCopy) image.set(headerCopy, at(programHeaders));
  let slot = 0;
  const push = (value: bigint): void => {
    view.setBigUint64(slot, value, true);
    slot += 8;
  };
  push(BigInt(argvBytes.length));
  for (const address of argvAddresses) push(BigInt(address));
  push(0n);
  for (const address of envpAddresses) push(BigInt(address));
  push(0n);
  for (const [key, value] of auxv) {
    push(BigInt(key));
    push(value);
  }
  memory.poke(stackPointer, image);

  return {
    stackPointer,
    argc: argvBytes.length,
    argvAddresses,
    envpAddresses,
    auxv,
    randomAddress,
    randomBytes,
    executablePathAddress,
  };
}

function alignDown16(address: number): number {
  return Math.floor(address / 16) * 16;
}

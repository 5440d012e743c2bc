import { hex } from '../../errors.js';
import { ADDRESS_LIMIT } from '../layout.js';
import {
  EF_RISCV_FLOAT_ABI_MASK,
  EF_RISCV_RVE,
  EI_CLASS,
  EI_DATA,
  EI_OSABI,
  EI_VERSION,
  ELF64_HEADER_SIZE,
  ELF64_PHDR_SIZE,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFOSABI_LINUX,
  ELFOSABI_SYSV,
  ELF_MAGIC,
  EM_RISCV,
  ET_DYN,
  ET_EXEC,
  EV_CURRENT,
  PF_X,
  PN_XNUM,
  PT_GNU_STACK,
  PT_INTERP,
  PT_LOAD,
  PT_PHDR,
  PT_TLS,
} from './constants.js';
import {
  BadEntryPoint,
  BadProgramHeaderTable,
  BadSegment,
  NoLoadableSegments,
  NotElf,
  OverlappingSegments,
  TruncatedElf,
  UnsupportedElfAbi,
  UnsupportedElfVersion,
  UnsupportedOsAbi,
  WrongByteOrder,
  WrongElfClass,
  WrongElfType,
  WrongMachine,
} from './errors.js';

/**
 * One program header. Fields are numbers; for the headers ZeroOS uses (PT_LOAD, PT_PHDR,
 * PT_TLS, PT_INTERP) the parser has checked they are exact (below 2^53). Other kinds are
 * kept for display only.
 */
export interface ProgramHeader {
  /** Position in the program header table (what error messages call "segment N"). */
  readonly index: number;
  readonly type: number;
  /** PF_X | PF_W | PF_R as in the file (not PERM_*). */
  readonly flags: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly paddr: number;
  readonly filesz: number;
  readonly memsz: number;
  readonly align: number;
}

/** A parsed, validated ELF64 RISC-V executable. Addresses are link-time (before any load bias). */
export interface ElfFile {
  readonly bytes: Uint8Array;
  /** ET_EXEC, or ET_DYN for a position-independent executable. */
  readonly type: number;
  readonly osAbi: number;
  /** RISC-V e_flags (RVC, float ABI). */
  readonly flags: number;
  readonly entry: number;
  readonly programHeaderOffset: number;
  readonly programHeaderCount: number;
  readonly programHeaders: readonly ProgramHeader[];
  /** PT_LOAD headers with a non-zero memory size, in address order. */
  readonly loadSegments: readonly ProgramHeader[];
  /** The dynamic linker a PT_INTERP names; a static executable has none. */
  readonly interpreter?: string;
  /** The PT_PHDR header, when the linker emitted one. */
  readonly phdrSegment?: ProgramHeader;
  /** The thread-local storage template (PT_TLS), when the program has one. */
  readonly tls?: ProgramHeader;
  /** PT_GNU_STACK asked for an executable stack. */
  readonly executableStack: boolean;
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
const LIMIT = BigInt(ADDRESS_LIMIT);

/**
 * Parses and validates an ELF64 little-endian RISC-V executable. Every field read is
 * checked against the file size and the address space before it is used, so malformed
 * input ends in a named `ElfError`, never a RangeError from a DataView.
 */
export function parseElf(bytes: Uint8Array, options: ElfAbiOptions = {}): ElfFile {
  const size = bytes.length;
  for (let i = 0; i < Math.min(ELF_MAGIC.length, size); i++) {
    if (bytes[i] !== ELF_MAGIC[i]) throw new NotElf(bytes.slice(0, 4));
  }
  if (size < ELF64_HEADER_SIZE) throw new TruncatedElf('the ELF header', BigInt(ELF64_HEADER_SIZE), size);

  const elfClass = bytes[EI_CLASS]!;
  if (elfClass !== ELFCLASS64) throw new WrongElfClass(elfClass);
  const encoding = bytes[EI_DATA]!;
  if (encoding !== ELFDATA2LSB) throw new WrongByteOrder(encoding);
  if (bytes[EI_VERSION] !== EV_CURRENT) throw new UnsupportedElfVersion('e_ident[EI_VERSION]', bytes[EI_VERSION]!);
  const osAbi = bytes[EI_OSABI]!;
  if (osAbi !== ELFOSABI_SYSV && osAbi !== ELFOSABI_LINUX) throw new UnsupportedOsAbi(osAbi);

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint16(16, true);
  if (type !== ET_EXEC && type !== ET_DYN) throw new WrongElfType(type);
  const machine = view.getUint16(18, true);
  if (machine !== EM_RISCV) throw new WrongMachine(machine);
  const version = view.getUint32(20, true);
  if (version !== EV_CURRENT) throw new UnsupportedElfVersion('e_version', version);
  const flags = view.getUint32(48, true);
  checkRiscvFlags(flags, options.hwcap ?? 0);

  const rawEntry = view.getBigUint64(24, true);
  const phoff = view.getBigUint64(32, true);
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  if (phnum === 0) throw new NoLoadableSegments();
  if (phnum === PN_XNUM) {
    throw new BadProgramHeaderTable('e_phnum is PN_XNUM (more than 65534 headers), which ZeroOS does not support');
  }
  if (phentsize !== ELF64_PHDR_SIZE) {
    throw new BadProgramHeaderTable(`e_phentsize is ${phentsize}, but an ELF64 program header is ${ELF64_PHDR_SIZE} bytes`);
  }
  const tableEnd = phoff + BigInt(phnum * ELF64_PHDR_SIZE);
  if (tableEnd > BigInt(size)) {
    throw new TruncatedElf(`the program header table (${phnum} entries at offset ${hex(phoff)})`, tableEnd, size);
  }

  const programHeaders: ProgramHeader[] = [];
  let interpreter: string | undefined;
  let phdrSegment: ProgramHeader | undefined;
  let tls: ProgramHeader | undefined;
  let executableStack = false;
  for (let index = 0; index < phnum; index++) {
    const header = readProgramHeader(view, Number(phoff) + index * ELF64_PHDR_SIZE, index, size);
    programHeaders.push(header);
    switch (header.type) {
      case PT_INTERP:
        interpreter ??= readInterpreter(bytes, header);
        break;
      case PT_PHDR:
        phdrSegment ??= header;
        break;
      case PT_TLS:
        tls ??= header;
        break;
      case PT_GNU_STACK:
        executableStack = (header.flags & PF_X) !== 0;
        break;
    }
  }

  const loadSegments = programHeaders
    .filter((header) => header.type === PT_LOAD && header.memsz > 0)
    .sort((a, b) => a.vaddr - b.vaddr);
  if (loadSegments.length === 0) throw new NoLoadableSegments();
  for (let i = 1; i < loadSegments.length; i++) {
    const below = loadSegments[i - 1]!;
    const above = loadSegments[i]!;
    if (above.vaddr < below.vaddr + below.memsz) {
      const [first, second] = below.index < above.index ? [below, above] : [above, below];
      throw new OverlappingSegments(segmentRange(first), segmentRange(second));
    }
  }

  if (phdrSegment && !loadSegments.some((load) => covers(load, phdrSegment.vaddr, phdrSegment.filesz))) {
    throw new BadSegment(phdrSegment.index, 'the program headers (PT_PHDR) are not inside a loadable segment');
  }

  if (rawEntry % 2n !== 0n) throw new BadEntryPoint(rawEntry, 'misaligned');
  const inCode = loadSegments.some(
    (load) => (load.flags & PF_X) !== 0 && rawEntry >= BigInt(load.vaddr) && rawEntry < BigInt(load.vaddr + load.memsz),
  );
  if (!inCode) throw new BadEntryPoint(rawEntry, 'outside-code');

  return {
    bytes,
    type,
    osAbi,
    flags,
    entry: Number(rawEntry),
    programHeaderOffset: Number(phoff),
    programHeaderCount: phnum,
    programHeaders,
    loadSegments,
    ...(interpreter === undefined ? {} : { interpreter }),
    ...(phdrSegment === undefined ? {} : { phdrSegment }),
    ...(tls === undefined ? {} : { tls }),
    executableStack,
  };
}

/** What the hart that will run the program offers, for the ELF's float-ABI check. */
export interface ElfAbiOptions {
  /**
   * The hart's extensions as AT_HWCAP bits (one per letter, 'a' = bit 0; `hart.isa.hwcap`).
   * A hard-float ABI is accepted when they include what it needs: F for lp64f, F and D for
   * lp64d. Without it only the soft-float ABI is accepted (the conservative reading).
   */
  readonly hwcap?: number;
}

const HWCAP_F = 1 << ('f'.charCodeAt(0) - 97);
const HWCAP_D = 1 << ('d'.charCodeAt(0) - 97);

function checkRiscvFlags(flags: number, hwcap: number): void {
  const floatAbi = flags & EF_RISCV_FLOAT_ABI_MASK;
  if (floatAbi === 0x6) {
    throw new UnsupportedElfAbi(flags, 'built for the lp64q (quad-float) hard-float ABI, which needs the Q extension', hwcap);
  }
  if (floatAbi === 0x4 && (hwcap & (HWCAP_F | HWCAP_D)) !== (HWCAP_F | HWCAP_D)) {
    throw new UnsupportedElfAbi(flags, 'built for the lp64d (double-float) hard-float ABI, which needs the F and D extensions', hwcap);
  }
  if (floatAbi === 0x2 && (hwcap & HWCAP_F) === 0) {
    throw new UnsupportedElfAbi(flags, 'built for the lp64f (single-float) hard-float ABI, which needs the F extension', hwcap);
  }
  if (flags & EF_RISCV_RVE) throw new UnsupportedElfAbi(flags, 'built for RV64E (16 registers)', hwcap);
}

function readProgramHeader(view: DataView, at: number, index: number, fileSize: number): ProgramHeader {
  const type = view.getUint32(at, true);
  const flags = view.getUint32(at + 4, true);
  const offset = view.getBigUint64(at + 8, true);
  const vaddr = view.getBigUint64(at + 16, true);
  const paddr = view.getBigUint64(at + 24, true);
  const filesz = view.getBigUint64(at + 32, true);
  const memsz = view.getBigUint64(at + 40, true);
  const align = view.getBigUint64(at + 48, true);

  const used = type === PT_LOAD || type === PT_PHDR || type === PT_TLS || type === PT_INTERP;
  if (used) {
    if (filesz > memsz && type !== PT_INTERP) {
      throw new BadSegment(index, `p_filesz ${hex(filesz)} is larger than p_memsz ${hex(memsz)}`);
    }
    if (type === PT_LOAD || type === PT_INTERP) {
      if (offset + filesz > BigInt(fileSize)) {
        throw new TruncatedElf(`segment ${index}'s file bytes (p_offset ${hex(offset)}, p_filesz ${hex(filesz)})`, offset + filesz, fileSize);
      }
    }
    if (type === PT_LOAD || type === PT_TLS) {
      if (align > 1n && (align & (align - 1n)) !== 0n) {
        throw new BadSegment(index, `p_align ${hex(align)} is not a power of two`);
      }
    }
    if (type === PT_LOAD && align > 1n && vaddr % align !== offset % align) {
      throw new BadSegment(
        index,
        `p_vaddr ${hex(vaddr)} and p_offset ${hex(offset)} disagree modulo p_align ${hex(align)}, so the segment cannot be mapped from its file pages`,
      );
    }
    if (type !== PT_INTERP) {
      if (memsz > MAX_EXACT) throw new BadSegment(index, `p_memsz ${hex(memsz)} is larger than any address space ZeroOS can map`);
      if (vaddr + memsz > LIMIT) {
        throw new BadSegment(
          index,
          `[${hex(vaddr)}, ${hex(vaddr + memsz)}) reaches beyond 0x20000000000000, the end of the address space ZeroOS can map`,
        );
      }
    }
  }
  return {
    index,
    type,
    flags,
    offset: Number(offset),
    vaddr: Number(vaddr),
    paddr: Number(paddr),
    filesz: Number(filesz),
    memsz: Number(memsz),
    align: Number(align),
  };
}

function readInterpreter(bytes: Uint8Array, header: ProgramHeader): string {
  const raw = bytes.subarray(header.offset, header.offset + header.filesz);
  const nul = raw.indexOf(0);
  const path = new TextDecoder('utf-8', { fatal: false }).decode(nul === -1 ? raw : raw.subarray(0, nul));
  return path.length > 0 ? path : 'an unnamed interpreter';
}

/** True when [start, start+length) lies inside the segment's file-backed bytes. */
function covers(load: ProgramHeader, start: number, length: number): boolean {
  return start >= load.vaddr && start + length <= load.vaddr + load.filesz;
}

function segmentRange(header: ProgramHeader): { index: number; start: number; end: number } {
  return { index: header.index, start: header.vaddr, end: header.vaddr + header.memsz };
}

/**
 * The program as `zeroos check` reads it: the ELF validated as the loader would (a file
 * that is no RISC-V executable is the loader's ElfError, exit 65), except that a hard-float
 * or RV64E ABI is a finding to report rather than a reason to stop reading; and the bytes
 * of its executable code, from the section headers (what a zkVM such as Jolt decodes when
 * it builds a program) or, when a stripped file has none, from its executable segments.
 */
import { PERM_R, PERM_W, PERM_X } from '../arch/memory/types.js';
import {
  EF_RISCV_FLOAT_ABI_MASK,
  EF_RISCV_RVC,
  EF_RISCV_RVE,
  PF_R,
  PF_W,
  PF_X,
  UnsupportedElfAbi,
  parseElf,
  type ElfFile,
} from '../platform/elf/index.js';

/** A stretch of executable bytes at its link-time address. */
export interface CodeRegion {
  /** The section's name ('.text'), or 'segment N' when read from program headers. */
  readonly name: string;
  readonly address: number;
  readonly bytes: Uint8Array;
}

/** The floating-point ABI of e_flags. */
export type FloatAbi = 'soft' | 'single' | 'double' | 'quad';

export interface CheckedElf {
  readonly elf: ElfFile;
  readonly floatAbi: FloatAbi;
  /** Built for RV64E (16 registers). */
  readonly rve: boolean;
  /** e_flags says the code may contain compressed instructions. */
  readonly rvc: boolean;
  /** Where the code was read from. */
  readonly codeSource: 'sections' | 'segments';
  readonly code: readonly CodeRegion[];
}

const FLOAT_ABIS: readonly FloatAbi[] = ['soft', 'single', 'double', 'quad'];

/** Parses `bytes` for the check; throws the loader's ElfError when it is no RISC-V executable. */
export function readCheckedElf(bytes: Uint8Array): CheckedElf {
  let elf: ElfFile;
  try {
    elf = parseElf(bytes);
  } catch (error) {
    if (!(error instanceof UnsupportedElfAbi)) throw error;
    // Read on as the ABI-neutral executable it otherwise is: the ABI is reported as a reason.
    const copy = new Uint8Array(bytes); // a copy (Buffer.slice would share the caller's bytes)
    const view = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
    view.setUint32(48, error.flags & ~(EF_RISCV_FLOAT_ABI_MASK | EF_RISCV_RVE), true);
    elf = { ...parseElf(copy), bytes, flags: error.flags };
  }
  const sections = executableSections(bytes);
  return {
    elf,
    floatAbi: FLOAT_ABIS[(elf.flags & EF_RISCV_FLOAT_ABI_MASK) >> 1]!,
    rve: (elf.flags & EF_RISCV_RVE) !== 0,
    rvc: (elf.flags & EF_RISCV_RVC) !== 0,
    ...(sections === undefined ? { codeSource: 'segments', code: executableSegments(elf) } : { codeSource: 'sections', code: sections }),
  };
}

/** PERM_* bits of a program header's p_flags. */
export function segmentPerms(flags: number): number {
  return (flags & PF_R ? PERM_R : 0) | (flags & PF_W ? PERM_W : 0) | (flags & PF_X ? PERM_X : 0);
}

const SHT_NOBITS = 8;
const SHF_ALLOC = 0x2;
const SHF_EXECINSTR = 0x4;
const SECTION_HEADER_SIZE = 64;

/**
 * The allocated executable sections with their bytes, or undefined when the file has no
 * usable section header table (stripped of it, or malformed: the segments then stand in).
 */
function executableSections(bytes: Uint8Array): CodeRegion[] | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = view.getBigUint64(40, true);
  const shentsize = view.getUint16(58, true);
  const shnum = view.getUint16(60, true);
  const shstrndx = view.getUint16(62, true);
  if (shoff === 0n || shnum === 0 || shentsize !== SECTION_HEADER_SIZE) return undefined;
  if (shoff + BigInt(shnum * SECTION_HEADER_SIZE) > BigInt(bytes.length)) return undefined;
  const base = Number(shoff);
  const header = (index: number) => {
    const at = base + index * SECTION_HEADER_SIZE;
    return {
      name: view.getUint32(at, true),
      type: view.getUint32(at + 4, true),
      flags: view.getBigUint64(at + 8, true),
      address: view.getBigUint64(at + 16, true),
      offset: view.getBigUint64(at + 24, true),
      size: view.getBigUint64(at + 32, true),
    };
  };
  const names = shstrndx < shnum ? header(shstrndx) : undefined;
  const nameOf = (offset: number, index: number): string => {
    if (names === undefined || names.offset + names.size > BigInt(bytes.length) || offset >= Number(names.size)) return `section ${index}`;
    const start = Number(names.offset) + offset;
    const end = bytes.indexOf(0, start);
    return new TextDecoder().decode(bytes.subarray(start, end === -1 || end > Number(names.offset + names.size) ? start : end)) || `section ${index}`;
  };
  const regions: CodeRegion[] = [];
  for (let index = 1; index < shnum; index++) {
    const h = header(index);
    if ((h.flags & BigInt(SHF_EXECINSTR | SHF_ALLOC)) !== BigInt(SHF_EXECINSTR | SHF_ALLOC) || h.type === SHT_NOBITS || h.size === 0n) continue;
    if (h.offset + h.size > BigInt(bytes.length) || h.address + h.size > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    regions.push({ name: nameOf(h.name, index), address: Number(h.address), bytes: bytes.subarray(Number(h.offset), Number(h.offset + h.size)) });
  }
  return regions.length === 0 ? undefined : regions.sort((a, b) => a.address - b.address);
}

/** The file bytes of the PT_LOAD segments marked executable. */
function executableSegments(elf: ElfFile): CodeRegion[] {
  return elf.loadSegments
    .filter((segment) => (segment.flags & PF_X) !== 0 && segment.filesz > 0)
    .map((segment) => ({
      name: `segment ${segment.index}`,
      address: segment.vaddr,
      bytes: elf.bytes.subarray(segment.offset, segment.offset + segment.filesz),
    }));
}

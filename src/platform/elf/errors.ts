import { EXIT_CODES, ZeroOSError, hex } from '../../errors.js';
import { permString } from '../../arch/memory/types.js';
import { elfTypeName, machineName } from './constants.js';

/** The executable cannot be run: every subclass says which check it failed and what to do. */
export abstract class ElfError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.badElf;
}

/** The file ends before something its headers promise (the ELF header, the program headers, a segment's bytes). */
export class TruncatedElf extends ElfError {
  constructor(
    /** What was cut off, e.g. "the ELF header". */
    readonly part: string,
    /** The file offset one past the last byte it needs. */
    readonly neededEnd: bigint,
    readonly fileSize: number,
  ) {
    super(
      fileSize === 0
        ? `truncated ELF: the file is empty`
        : `truncated ELF: ${part} needs the file up to offset ${hex(neededEnd)} but it has only ${fileSize} bytes`,
    );
  }
}

/** The file does not start with the ELF magic. */
export class NotElf extends ElfError {
  constructor(readonly firstBytes: Uint8Array) {
    const shown = Array.from(firstBytes.subarray(0, 4), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
    const isScript = firstBytes[0] === 0x23 && firstBytes[1] === 0x21; // "#!"
    super(
      isScript
        ? 'not an ELF executable: it is a script (starts with "#!"); run its interpreter instead'
        : `not an ELF executable: it starts with ${shown}, not the ELF magic 7f 45 4c 46`,
    );
  }
}

/** ELFCLASS32 (or garbage) where a 64-bit ELF is required. */
export class WrongElfClass extends ElfError {
  constructor(readonly elfClass: number) {
    super(
      elfClass === 1
        ? 'a 32-bit ELF (ELFCLASS32): ZeroOS runs 64-bit RISC-V executables; build for riscv64'
        : `unknown ELF class ${elfClass} (expected 2, ELFCLASS64)`,
    );
  }
}

/** Big-endian (or garbage) where RISC-V's little-endian is required. */
export class WrongByteOrder extends ElfError {
  constructor(readonly encoding: number) {
    super(
      encoding === 2
        ? 'a big-endian ELF (ELFDATA2MSB): RISC-V executables are little-endian'
        : `unknown ELF data encoding ${encoding} (expected 1, ELFDATA2LSB)`,
    );
  }
}

export class UnsupportedElfVersion extends ElfError {
  constructor(
    readonly field: 'e_ident[EI_VERSION]' | 'e_version',
    readonly version: number,
  ) {
    super(`unsupported ELF version ${version} in ${field} (expected 1, EV_CURRENT)`);
  }
}

/** An OS ABI other than System V or Linux: the binary expects some other kernel. */
export class UnsupportedOsAbi extends ElfError {
  constructor(readonly osAbi: number) {
    super(`ELF built for OS ABI ${osAbi}; ZeroOS serves the Linux ABI (expected 0, SYSV, or 3, Linux)`);
  }
}

/** Not an executable at all: a relocatable object, a core dump, ... */
export class WrongElfType extends ElfError {
  constructor(readonly elfType: number) {
    super(
      `${elfTypeName(elfType)} is not an executable` +
        (elfType === 1 ? ': link it into a static executable first' : ' (expected ET_EXEC or a static-pie ET_DYN)'),
    );
  }
}

export class WrongMachine extends ElfError {
  constructor(readonly machine: number) {
    super(`an ELF for ${machineName(machine)}, not RISC-V (EM_RISCV, 243): cross-compile for riscv64`);
  }
}

/**
 * RISC-V e_flags the hart cannot honour: a hard-float ABI whose F/D (or Q) extensions the
 * hart lacks, or RV64E. `hwcap` is the hart's extension bits the file was checked against.
 */
export class UnsupportedElfAbi extends ElfError {
  constructor(
    readonly flags: number,
    detail: string,
    readonly hwcap = 0,
  ) {
    super(`${detail} (e_flags ${hex(flags)}); ${advice(hwcap)}`);
  }
}

function advice(hwcap: number): string {
  const f = (hwcap >> 5) & 1;
  const d = (hwcap >> 3) & 1;
  if (f && d) return `ZeroOS runs ${isaNameOfHwcap(hwcap)} here: build for lp64 or lp64d`;
  if (hwcap === 0) return 'ZeroOS emulates RV64IMAC: build for the lp64 soft-float ABI';
  return `ZeroOS runs ${isaNameOfHwcap(hwcap)} here: build for the lp64 soft-float ABI`;
}

/** The ISA string of AT_HWCAP bits ("rv64imac"), for messages. */
export function isaNameOfHwcap(hwcap: number): string {
  let letters = '';
  for (const letter of 'imafdqc') if (hwcap & (1 << (letter.charCodeAt(0) - 97))) letters += letter;
  return `rv64${letters}`;
}

/** The program header table itself is malformed (wrong entry size, too many entries). */
export class BadProgramHeaderTable extends ElfError {
  constructor(detail: string) {
    super(`bad program header table: ${detail}`);
  }
}

/** One program header is inconsistent: sizes, alignment, addresses beyond what can be mapped. */
export class BadSegment extends ElfError {
  constructor(
    readonly index: number,
    detail: string,
  ) {
    super(`bad segment ${index}: ${detail}`);
  }
}

export class NoLoadableSegments extends ElfError {
  constructor() {
    super('the ELF has no loadable (PT_LOAD) segment: nothing to run');
  }
}

/** Two PT_LOAD segments claim the same bytes. */
export class OverlappingSegments extends ElfError {
  constructor(
    readonly first: { readonly index: number; readonly start: number; readonly end: number },
    readonly second: { readonly index: number; readonly start: number; readonly end: number },
  ) {
    super(
      `segment ${first.index} [${hex(first.start)}, ${hex(first.end)}) overlaps ` +
        `segment ${second.index} [${hex(second.start)}, ${hex(second.end)})`,
    );
  }
}

/** A segment (its page-rounded range) does not fit inside an image region of the platform's layout. */
export class SegmentOutsideLayout extends ElfError {
  constructor(
    readonly index: number,
    readonly start: number,
    readonly end: number,
    readonly perms: number,
    imageRegions: readonly { readonly name: string; readonly start: number; readonly end: number }[],
  ) {
    const where =
      imageRegions.length === 0
        ? 'the layout has no image region'
        : 'the image region' +
          (imageRegions.length > 1 ? 's are ' : ' is ') +
          imageRegions.map((region) => `"${region.name}" [${hex(region.start)}, ${hex(region.end)})`).join(', ');
    super(
      `segment ${index} (${permString(perms)}) at [${hex(start)}, ${hex(end)}) lies outside the platform's image: ${where}; ` +
        'link the program for this platform',
    );
  }
}

/** The executable asks for a dynamic linker (PT_INTERP); ZeroOS loads static executables only. */
export class DynamicExecutable extends ElfError {
  constructor(readonly interpreter: string) {
    super(`dynamically linked executable (needs ${interpreter}): build with -static`);
  }
}

/** e_entry does not point at an instruction the hart could fetch, so the first fetch would fault. */
export class BadEntryPoint extends ElfError {
  constructor(
    readonly entry: bigint,
    readonly problem: 'outside-code' | 'misaligned',
  ) {
    super(
      problem === 'misaligned'
        ? `entry point ${hex(entry)} is not 2-byte aligned, so no instruction can start there`
        : `entry point ${hex(entry)} is not inside an executable (PF_X) segment`,
    );
  }
}

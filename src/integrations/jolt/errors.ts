import { EXIT_CODES, ZeroOSError, hex } from '../../errors.js';
import { ElfError } from '../../platform/elf/errors.js';

/**
 * Jolt's emulator would reject this run: one of its memory rules, alignment asserts or
 * decode checks failed. Upstream each is a Rust `assert!`/`panic!` that stops the tracer
 * (no RISC-V trap), so the run ends here too, with Jolt's own message (`joltMessage`,
 * as tracer/src/emulator/mmu.rs and common/src/jolt_device.rs word it) and where it happened.
 */
export class JoltRejected extends ZeroOSError {
  readonly exitCode = EXIT_CODES.zkvmRejected;
  constructor(
    /** Jolt's panic message, verbatim (without the MemoryLayout dump some of them append). */
    readonly joltMessage: string,
    /** The accessing instruction. */
    readonly pc: number,
    /** Which rule: 'io-overflow', 'illegal-device-store', 'stack-overflow', ... */
    readonly rule: string,
    /** What to do about it in ZeroOS's terms (the option to change), when there is something. */
    readonly hint?: string,
  ) {
    super(`Jolt rejects this run at pc ${hex(pc)}: ${joltMessage}${hint ? ` (${hint})` : ''}`);
  }
}

/** One word of an executable section that Jolt cannot decode or expand when it builds the program. */
export interface RejectedWord {
  readonly address: number;
  /** The 32-bit word, or the 16-bit halfword of a compressed instruction. */
  readonly word: number;
  readonly length: 2 | 4;
  /** The mnemonic when it decodes at all ('csrrc', 'csrrs'), else undefined. */
  readonly mnemonic?: string;
  readonly reason: string;
}

/**
 * Jolt decodes and expands every word of the executable sections when it builds a program
 * (crates/jolt-program/src/image/elf.rs), reached or not: one it cannot take fails the build.
 * Reported at load with the first such word (and how many there are).
 */
export class JoltProgramRejected extends ZeroOSError {
  readonly exitCode = EXIT_CODES.zkvmRejected;
  constructor(readonly words: readonly RejectedWord[]) {
    const first = words[0]!;
    const more = words.length > 1 ? ` (and ${words.length - 1} more such word${words.length === 2 ? '' : 's'})` : '';
    super(
      `Jolt rejects this program when it builds it: ${first.mnemonic ?? 'the word'} ${hex(first.word >>> 0, first.length * 2)} at ${hex(first.address)}: ${first.reason}${more}`,
    );
  }
}

/**
 * The program needs floating point: it is built for a hard-float ABI (lp64f/lp64d/lp64q), or
 * its code holds F/D instructions. Jolt proves RV64IMAC programs: its tracer decodes no F/D
 * instruction and has no f registers or fcsr, so such a program cannot be proved (Jolt would
 * fail to build it). Reported at load, before anything runs.
 */
export class JoltFloatRejected extends ZeroOSError {
  readonly exitCode = EXIT_CODES.zkvmRejected;
  constructor(
    /** e_flags when the ABI is the reason. */
    readonly flags: number | undefined,
    /** The F/D words found in the executable sections (empty when the ABI is the reason). */
    readonly words: readonly RejectedWord[],
  ) {
    const abi = flags === undefined ? undefined : FLOAT_ABI_NAMES[(flags >> 1) & 3];
    const first = words[0];
    const what =
      abi !== undefined
        ? `it is built for the ${abi} hard-float ABI (e_flags ${hex(flags!)})`
        : `it has ${words.length} floating-point instruction${words.length === 1 ? '' : 's'} (the first: ${first!.mnemonic ?? 'the word'} ${hex(first!.word >>> 0, first!.length * 2)} at ${hex(first!.address)})`;
    super(`Jolt rejects this program: ${what}, and Jolt proves RV64IMAC programs only (no F/D registers or instructions); build with -march=rv64imac -mabi=lp64`);
  }
}

const FLOAT_ABI_NAMES = ['lp64', 'lp64f (single-float)', 'lp64d (double-float)', 'lp64q (quad-float)'];

/** The program's linked stack or heap size and the option given for it disagree. */
export class JoltSizeMismatch extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
  constructor(
    readonly option: string,
    readonly given: number,
    readonly symbol: string,
    readonly linked: number,
  ) {
    super(
      `--${option} ${given} (${hex(given)}) differs from the program's ${symbol} = ${linked} (${hex(linked)}) it was linked with: drop the option or relink with zeroos linker-script --${option} ${given}`,
    );
  }
}

/** An input file (--input, --trusted-advice, --untrusted-advice) larger than its region. */
export class JoltInputTooLarge extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
  constructor(
    readonly option: string,
    readonly path: string,
    readonly size: number,
    readonly regionSize: number,
    readonly sizeOption: string,
  ) {
    super(
      `--${option} ${path} is ${size} bytes, larger than its region (${regionSize} bytes): raise --${sizeOption} (and link the program with the same value)`,
    );
  }
}

/** Host trap mode: Jolt's stack region cannot hold the Linux initial stack (argv, envp, auxv). */
export class JoltStackTooSmall extends ZeroOSError {
  readonly exitCode = EXIT_CODES.layout;
  constructor(
    readonly needed: number,
    readonly stackSize: number,
  ) {
    super(
      `the Linux initial stack (argv, envp, auxv and the program headers) needs ${needed} bytes but Jolt's stack is ${stackSize} bytes: link and run with a larger --stack-size (e.g. zeroos linker-script --platform jolt --stack-size 65536)`,
    );
  }
}

/** The ELF's section headers (which Jolt loads from) are out of the file's bounds. */
export class BadSectionTable extends ElfError {}

/**
 * A program not linked for Jolt: Jolt loads only sections at or above RAM_START, so an
 * executable linked elsewhere (a Linux binary at 0x10000) would start in empty memory.
 */
export class NotLinkedForJolt extends ElfError {
  constructor(
    readonly entry: number,
    readonly loadedSections: number,
  ) {
    super(
      `the program is not linked for Jolt: ${loadedSections === 0 ? 'none of its sections is' : `its entry point ${hex(entry)} is not`} at or above RAM_START ${hex(0x8000_0000)} ` +
        '(link it with the script of zeroos linker-script --platform jolt; zeroos check --platform jolt says what else it needs)',
    );
  }
}

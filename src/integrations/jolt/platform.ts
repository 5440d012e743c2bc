import { PAGE_SIZE, PERM_RWX } from '../../arch/memory/types.js';
import type { IsaConfig } from '../../arch/riscv64/isa/index.js';
import type { TrapMode } from '../../arch/riscv64/types.js';
import { hex } from '../../errors.js';
import type { BootContext, BootInfo, ExitStatus, HaltContext, Layout, Platform } from '../../kernel/contracts/platform.js';
import type { RunOutcome, RunReport } from '../../kernel/contracts/outcome.js';
import { EXIT_CODES } from '../../errors.js';
import { EF_RISCV_FLOAT_ABI_MASK, UnsupportedElfAbi, parseElf, type ElfFile } from '../../platform/elf/index.js';
import { classifyHalf, classifyWord } from '../../check/encodings.js';
import { buildInitialStack, InitialStackOverflow } from '../../platform/initial-stack.js';
import { JOLT_DEFAULTS, JOLT_RAM_START, JOLT_STACK_CANARY_SIZE, joltProgramSize, type JoltMemoryLayout } from '../../platform/jolt-layout.js';
import { MemoryLayout, type RegionSpec } from '../../platform/layout.js';
import { writeHostOutputFile } from '../../subsystems/vfs/host-output.js';
import type { IntegrationOptionValues } from '../types.js';
import { joltLayoutFor } from './describe.js';
import { JoltDevice } from './device.js';
import { JoltFloatRejected, JoltProgramRejected, JoltSizeMismatch, JoltStackTooSmall, type RejectedWord } from './errors.js';
import { joltRejectedWords, readJoltProgram } from './program.js';
import { NotLinkedForJolt } from './errors.js';

/** The ELF symbols `zeroos linker-script --platform jolt` defines for the sizes it linked with. */
export const JOLT_STACK_SIZE_SYMBOL = '__stack_size';
export const JOLT_HEAP_SIZE_SYMBOL = '__heap_size';

const SP = 2;
const SIGABRT = 6;
const ELF64_PHDR_SIZE = 56;
/** In host trap mode, the part of Jolt's heap (after the stack's last page) that brk gets; mmap gets the rest. */
const BRK_SHARE = 4;

const pageUp = (value: number): number => Math.ceil(value / PAGE_SIZE) * PAGE_SIZE;
const pageDown = (value: number): number => Math.floor(value / PAGE_SIZE) * PAGE_SIZE;

/** What the run gives the Jolt platform. */
export interface JoltPlatformOptions {
  /** The integration's option values (sizes, --output). */
  readonly values: IntegrationOptionValues;
  readonly trapMode: TrapMode;
  /** The instruction set the hart runs: the load check decodes with the same one. */
  readonly isa: IsaConfig;
  /** Bytes placed in the input and advice regions before start. */
  readonly inputs?: { readonly input?: Uint8Array; readonly trustedAdvice?: Uint8Array; readonly untrustedAdvice?: Uint8Array };
}

/** Where a stack or heap size came from. */
type SizeSource = 'program' | 'option' | 'default';

/** How the process ended, as the outcome needs it. */
type Ending =
  | { readonly kind: 'halt'; readonly pc: number }
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'abort' }
  | { readonly kind: 'killed'; readonly signal: number; readonly code: number };

/**
 * Jolt (a16z/jolt ff9f8c13) as a ZeroOS platform: the program loaded as Jolt loads it, its
 * MemoryLayout, the I/O device and memory rules (device.ts) as I/O windows and the
 * alignment policy, and the outcome of a run from the panic and termination words.
 *
 * Memory, in both trap modes: the sections at or above RAM_START in RAM (read, write and
 * execute: Jolt protects nothing), everything below RAM_START Jolt's device (one unbacked
 * window: the I/O regions, the zero padding, the rejected ranges), the stack canary watched,
 * everything at or beyond heap_end rejected.
 *
 * - trap mode 'machine' (bare metal, as ZeroOS itself runs inside a Jolt guest): pc = e_entry,
 *   every register 0 (the guest's _start sets sp), RAM mapped from RAM_START to heap_end.
 * - trap mode 'host' (ZeroOS serves the syscalls): an unmodified static Linux program linked
 *   for Jolt's layout. The Linux initial stack sits at the top of Jolt's stack region (with
 *   a copy of the program headers above it, for AT_PHDR: Jolt loads sections, so the ELF's
 *   own headers are not in memory); Jolt's heap holds the program break (its first quarter,
 *   from the first page after the stack) and the mmap region (the rest, whole pages), so
 *   brk, malloc, mmap and thread stacks stay where Jolt has memory. Heap pages are mapped as
 *   the kernel hands them out: touching one never handed out is SIGSEGV, as on Linux.
 */
export class JoltPlatform implements Platform {
  readonly name = 'jolt';
  #device: JoltDevice;
  #jolt: JoltMemoryLayout;
  #layout: MemoryLayout;
  #stackSource: SizeSource = 'default';
  #heapSource: SizeSource = 'default';
  #ending: Ending | undefined;
  #loaded = false;

  constructor(readonly options: JoltPlatformOptions) {
    // Before the program is known: program size 0 (bootstrap settles the real layout).
    this.#jolt = joltLayoutFor(options.values, 0);
    this.#layout = this.#jolt.layout;
    this.#device = new JoltDevice(this.#jolt);
  }

  /** The I/O device and memory rules of this run (a new one once bootstrap knows the layout). */
  get device(): JoltDevice {
    return this.#device;
  }

  /** The address space the kernel sees (settled by bootstrap). */
  get layout(): Layout {
    return this.#layout;
  }

  /** Jolt's MemoryLayout of this run (settled by bootstrap). */
  get joltLayout(): JoltMemoryLayout {
    return this.#jolt;
  }

  bootstrap(context: BootContext): BootInfo {
    const { memory, hart } = context;
    const elf = parseForJolt(context.executable);
    const program = readJoltProgram(context.executable, elf.entry);
    const loaded = program.sections.filter((section) => section.size > 0);
    const entryLoaded = program.sections.some((s) => s.text && program.entry >= s.address && program.entry < s.address + s.size);
    if (loaded.length === 0 || !entryLoaded) throw new NotLinkedForJolt(program.entry, loaded.length);
    const rejected = joltRejectedWords(program, this.options.isa);
    const float = rejected.flatMap((word) => {
      const mnemonic = floatMnemonic(word);
      return mnemonic === undefined ? [] : [{ ...word, mnemonic }];
    });
    if (float.length > 0) throw new JoltFloatRejected(undefined, float);
    if (rejected.length > 0) throw new JoltProgramRejected(rejected);

    const values = this.sizesFor(program.symbols);
    const jolt = joltLayoutFor(values, joltProgramSize(context.executable));
    this.#jolt = jolt;
    const device = new JoltDevice(jolt);
    this.#device = device;
    device.inputs = this.options.inputs?.input ?? new Uint8Array(0);
    device.trustedAdvice = this.options.inputs?.trustedAdvice ?? new Uint8Array(0);
    device.untrustedAdvice = this.options.inputs?.untrustedAdvice ?? new Uint8Array(0);

    const host = this.options.trapMode === 'host';
    const ramEnd = host ? pageUp(jolt.stackStart) : pageUp(jolt.heapEnd);
    memory.map(JOLT_RAM_START, ramEnd - JOLT_RAM_START, PERM_RWX, 'jolt-ram');
    for (const section of program.sections) if (section.bytes.length > 0) memory.poke(section.address, section.bytes);
    this.#layout = host ? hostLayout(jolt) : jolt.layout;
    this.installRules(context, ramEnd);
    this.#loaded = true;

    const segments = program.sections
      .filter((s) => s.size > 0)
      .map((s) => ({ start: s.address, end: s.address + s.size, perms: PERM_RWX }));
    if (!host) {
      hart.pc = elf.entry;
      return { entry: elf.entry, stackPointer: 0, imageEnd: jolt.stackEnd, programHeaders: 0, loadedSegments: segments };
    }

    // The program headers right below the stack's top, then Linux's initial stack below them.
    const headers = context.executable.subarray(elf.programHeaderOffset, elf.programHeaderOffset + elf.programHeaderCount * ELF64_PHDR_SIZE);
    const stackBottom = jolt.stackEnd + JOLT_STACK_CANARY_SIZE;
    const headersAt = Math.floor((jolt.stackStart - headers.length) / 16) * 16;
    let initial;
    try {
      if (headersAt < stackBottom) throw new InitialStackOverflow(jolt.stackStart - headersAt, jolt.stackSize);
      memory.poke(headersAt, headers);
      initial = buildInitialStack(memory, { start: stackBottom, end: headersAt }, {
        argv: context.argv.length > 0 ? context.argv : [context.executablePath],
        envp: context.envp,
        executablePath: context.executablePath,
        seed: context.seed,
        ...(context.random ? { random: context.random(16) } : {}),
        entry: elf.entry,
        programHeaders: headersAt,
        programHeaderCount: elf.programHeaderCount,
      });
    } catch (error) {
      if (error instanceof InitialStackOverflow) throw new JoltStackTooSmall(error.needed + (jolt.stackStart - headersAt), jolt.stackSize);
      throw error;
    }
    hart.pc = elf.entry;
    hart.setX(SP, BigInt(initial.stackPointer));
    return {
      entry: elf.entry,
      stackPointer: initial.stackPointer,
      // brk starts on the first page after the stack's last one.
      imageEnd: pageUp(jolt.stackStart),
      programHeaders: headersAt,
      loadedSegments: segments,
      auxv: initial.auxv,
    };
  }

  /** A pc stall ends a Jolt run: the outcome from the panic flag and the termination store. */
  onHalt(context: HaltContext): number {
    this.#ending ??= { kind: 'halt', pc: context.pc };
    return this.outcome()!.exitCode;
  }

  /**
   * The process ended (exit_group, a signal, or the halt above). An abort (SIGABRT) sets the
   * panic flag as ZeroOS's __platform_abort does (jolt_panic, then a halt): the run is
   * panicked, exit 80. The output file is written now, whatever the outcome.
   */
  onExit(status: ExitStatus): ExitStatus | undefined {
    let replaced: ExitStatus | undefined;
    if (this.#ending === undefined) {
      if (status.signal === SIGABRT) {
        this.#ending = { kind: 'abort' };
        this.device.panic = true;
        replaced = { code: EXIT_CODES.zkvmPanic };
      } else if (status.signal !== undefined) {
        this.#ending = { kind: 'killed', signal: status.signal, code: status.code };
      } else {
        this.#ending = { kind: 'exit', code: status.code };
      }
    }
    const path = this.options.values['output'];
    if (typeof path === 'string') writeHostOutputFile(path, this.device.outputBytes());
    return replaced;
  }

  /** How the run ended in Jolt's terms, once it has (undefined while it runs). */
  outcome(): RunOutcome | undefined {
    const device = this.device;
    const ending = this.#ending;
    const words = `termination ${device.terminated ? 'stored 1' : 'never stored 1'}, panic ${device.panic ? 1 : 0}`;
    if (ending === undefined) {
      const rejection = device.rejection;
      return rejection === undefined
        ? undefined
        : { name: 'rejected', exitCode: EXIT_CODES.zkvmRejected, detail: `Jolt's emulator would stop here: ${rejection.joltMessage}` };
    }
    switch (ending.kind) {
      case 'abort':
        return { name: 'panicked', exitCode: EXIT_CODES.zkvmPanic, detail: "abort() (SIGABRT) set the panic flag, as ZeroOS's __platform_abort does on Jolt: the proof would show a panic" };
      case 'killed':
        return {
          name: 'killed',
          exitCode: ending.code,
          detail: `killed by signal ${ending.signal} (status ${ending.code}, as Linux gives it; ${words}): on Jolt the run would end without a termination store, which the verifier would likely reject`,
        };
      case 'exit':
        return {
          name: 'exited',
          exitCode: ending.code,
          detail: `exit_group(${ending.code}) in host trap mode (${words})${device.panic ? ': the panic flag is set, so on Jolt the proof would show a panic' : ''}`,
        };
      case 'halt':
        if (device.panic) {
          return { name: 'panicked', exitCode: EXIT_CODES.zkvmPanic, detail: `halted at pc ${hex(ending.pc)} with the panic flag set: the proof would show a panic` };
        }
        if (device.terminated) return { name: 'terminated', exitCode: 0, detail: `halted at pc ${hex(ending.pc)} after a store of 1 to the termination word` };
        return {
          name: 'no-termination',
          exitCode: EXIT_CODES.zkvmNoTermination,
          detail: `halted at pc ${hex(ending.pc)} without a store of 1 to the termination word: Jolt's verifier would likely reject the run (it expects termination = 1 when not panicking; inferred from its public I/O check, not verified)`,
        };
    }
  }

  /** The outcome and the I/O words for --stats, RunStats.reports and RunResult.outcome. */
  report(): RunReport {
    const device = this.device;
    const jolt = this.#jolt;
    const outcome = this.outcome();
    const output = device.outputBytes();
    const outputPath = this.options.values['output'];
    const panicBy = device.panicSetBy;
    const lines: [string, string][] = [
      ['termination', device.terminationBy ? `1 (stored by pc ${hex(device.terminationBy.pc)})` : '0 (no store of 1)'],
      [
        'panic',
        device.panic
          ? `1 (${panicBy ? `set by a store at pc ${hex(panicBy.pc)}` : this.#ending?.kind === 'abort' ? 'set by abort()' : 'set'})`
          : '0',
      ],
      ['output', `${output.length} bytes (trailing zeros trimmed)${typeof outputPath === 'string' ? ` -> ${outputPath}` : ''}`],
      [
        'inputs',
        `input ${device.inputs.length} of ${jolt.maxInputSize} bytes, trusted advice ${device.trustedAdvice.length} of ${jolt.maxTrustedAdviceSize}, untrusted advice ${device.untrustedAdvice.length} of ${jolt.maxUntrustedAdviceSize}`,
      ],
    ];
    if (this.#loaded) {
      lines.push([
        'jolt memory',
        `program size ${hex(jolt.programSize)}, stack ${jolt.stackSize} (${this.#stackSource}), heap ${jolt.heapSize} (${this.#heapSource}), heap_end ${hex(jolt.heapEnd)}`,
      ]);
    }
    return {
      source: 'jolt',
      ...(outcome === undefined ? {} : { outcome }),
      lines,
      data: {
        terminated: device.terminated,
        panic: device.panic,
        output: Buffer.from(output).toString('hex'),
        inputBytes: device.inputs.length,
        trustedAdviceBytes: device.trustedAdvice.length,
        untrustedAdviceBytes: device.untrustedAdvice.length,
        programSize: jolt.programSize,
        stackSize: jolt.stackSize,
        heapSize: jolt.heapSize,
        ...(device.rejection ? { rejection: device.rejection.joltMessage } : {}),
      },
    };
  }

  /** The option values with the stack and heap sizes the program was linked with (an option that differs is a usage error). */
  private sizesFor(symbols: ReadonlyMap<string, number>): IntegrationOptionValues {
    const values: Record<string, number | string | undefined> = { ...this.options.values };
    const settle = (key: 'stackSize' | 'heapSize', option: string, symbol: string): SizeSource => {
      const linked = symbols.get(symbol);
      const given = values[key];
      if (linked !== undefined) {
        if (typeof given === 'number' && given !== linked) throw new JoltSizeMismatch(option, given, symbol, linked);
        values[key] = linked;
        return 'program';
      }
      return typeof given === 'number' ? 'option' : 'default';
    };
    this.#stackSource = settle('stackSize', 'stack-size', JOLT_STACK_SIZE_SYMBOL);
    this.#heapSource = settle('heapSize', 'heap-size', JOLT_HEAP_SIZE_SYMBOL);
    return values;
  }

  /** Jolt's memory rules as the hart's windows and alignment policy, and Jolt's LR/SC rule. */
  private installRules(context: BootContext, ramEnd: number): void {
    const { hart } = context;
    const device = this.device;
    const jolt = this.#jolt;
    hart.reservationRule = 'jolt';
    hart.onMisaligned = (address, size, access, pc) => device.misaligned(address, size, access, pc);
    // Below RAM: Jolt's device. Nothing there is mapped, so every access reaches the hooks.
    hart.addIoWindow({
      start: 0,
      end: JOLT_RAM_START,
      backed: false,
      read: (address, size, pc) => device.readBelowRam(address, size, pc),
      write: (address, size, value, pc) => device.writeBelowRam(address, size, value, pc),
    });
    // Stores whose aligned doubleword falls in (stack_end, stack_end + 128].
    hart.addIoWindow({
      start: jolt.stackEnd + 1,
      end: jolt.stackEnd + JOLT_STACK_CANARY_SIZE + 9,
      write: (address, _size, _value, pc) => device.writeNearCanary(address, pc),
    });
    // At and beyond heap_end: mapped bytes of the last page (machine mode), then nothing.
    const beyond = (address: number, size: number, access: 'read' | 'write', pc: number): boolean =>
      device.beyondHeap(address, size, access, pc);
    if (ramEnd > jolt.heapEnd) {
      hart.addIoWindow({
        start: jolt.heapEnd,
        end: ramEnd,
        read: (address, size, pc) => (beyond(address, size, 'read', pc), undefined),
        write: (address, size, _value, pc) => void beyond(address, size, 'write', pc),
      });
    }
    hart.addIoWindow({
      start: Math.max(ramEnd, jolt.heapEnd),
      end: Number.MAX_SAFE_INTEGER,
      backed: false,
      read: (address, size, pc) => (beyond(address, size, 'read', pc) ? undefined : 0n),
      write: (address, size, _value, pc) => void beyond(address, size, 'write', pc),
    });
  }
}

/**
 * Host trap mode's address space: Jolt's regions, with its heap cut into page-aligned brk
 * and mmap regions (the bytes of the heap that share a page with the stack, and the heap's
 * last partial page, stay outside both).
 */
function hostLayout(jolt: JoltMemoryLayout): MemoryLayout {
  const specs: RegionSpec[] = jolt.layout.regions
    .filter((region) => region.kind !== 'heap')
    .map((region) => ({ name: region.name, kind: region.kind, start: region.start, end: region.end, perms: region.perms, alignment: region.alignment }));
  const heapPages = pageUp(jolt.stackStart);
  const heapPagesEnd = pageDown(jolt.heapEnd);
  const byte = (name: string, start: number, end: number): void => {
    if (end > start) specs.push({ name, kind: 'reserved', start, end, perms: PERM_RWX, alignment: 1 });
  };
  if (heapPagesEnd - heapPages >= 2 * PAGE_SIZE) {
    const split = heapPages + Math.max(PAGE_SIZE, pageDown((heapPagesEnd - heapPages) / BRK_SHARE));
    byte('heap-head', jolt.stackStart, heapPages);
    specs.push({ name: 'heap', kind: 'heap', start: heapPages, end: split, perms: PERM_RWX });
    specs.push({ name: 'mmap', kind: 'mmap', start: split, end: heapPagesEnd, perms: PERM_RWX });
    byte('heap-tail', heapPagesEnd, jolt.heapEnd);
  } else {
    byte('heap-head', jolt.stackStart, jolt.heapEnd);
  }
  return new MemoryLayout(specs);
}

/** The stack and heap sizes Jolt uses when neither the program nor the options give one. */
export const JOLT_DEFAULT_SIZES = { stackSize: JOLT_DEFAULTS.stackSize, heapSize: JOLT_DEFAULTS.heapSize } as const;

/** Parses the ELF; a hard-float ABI is Jolt's own refusal (JoltFloatRejected, exit 82), not an ELF error. */
function parseForJolt(bytes: Uint8Array): ElfFile {
  try {
    return parseElf(bytes);
  } catch (error) {
    if (error instanceof UnsupportedElfAbi && (error.flags & EF_RISCV_FLOAT_ABI_MASK) !== 0) throw new JoltFloatRejected(error.flags, []);
    throw error;
  }
}

const FLOAT_EXTENSIONS = new Set(['F', 'D', 'Q', 'Zfh']);
/** fflags, frm, fcsr. */
const FLOAT_CSRS = new Set([1, 2, 3]);

/** The mnemonic of a rejected word that is a floating-point instruction (or an FP CSR access), by its encoding; else undefined. */
function floatMnemonic(rejected: RejectedWord): string | undefined {
  if (rejected.length === 2) {
    const encoding = classifyHalf(rejected.word);
    return encoding !== undefined && encoding !== 'padding' && FLOAT_EXTENSIONS.has(encoding.extension) ? encoding.mnemonic : undefined;
  }
  const encoding = classifyWord(rejected.word >>> 0);
  if (encoding === undefined) return undefined;
  const float = FLOAT_EXTENSIONS.has(encoding.extension) || (encoding.extension === 'Zicsr' && FLOAT_CSRS.has(rejected.word >>> 20));
  return float ? encoding.mnemonic : undefined;
}

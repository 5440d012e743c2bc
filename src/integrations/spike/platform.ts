import { PAGE_SIZE, PERM_RW, PERM_RWX } from '../../arch/memory/types.js';
import type { TrapMode } from '../../arch/riscv64/types.js';
import { ZeroOSError, hex } from '../../errors.js';
import type { BootContext, BootInfo, HaltContext, Platform, RunDefaults } from '../../kernel/contracts/platform.js';
import { SegmentOutsideLayout } from '../../platform/elf/errors.js';
import { loadElf, type LoadedImage } from '../../platform/elf/loader.js';
import { parseElf } from '../../platform/elf/parser.js';
import { AT, buildInitialStack } from '../../platform/initial-stack.js';
import { LayoutError, MemoryLayout, formatSize } from '../../platform/layout.js';
import { SPIKE_RAM_START, spikeMemoryLayout, type SpikeMemoryConfig, type SpikeMemoryLayout } from '../../platform/linker-script.js';
import { elfSymbols } from './elf-symbols.js';
import { HtifOutsideRam, HtifSymbolsMissing, NotLinkedForSpike, SpikeGuestHang, SpikeLayoutMismatch } from './errors.js';
import type { HtifAddresses } from './htif.js';
import type { CheckedImage, ImageFit, ImageRange } from '../types.js';

/*
 * Spike as ZeroOS's Spike platform sees it (platforms/spike-platform, linker.ld.template):
 *
 *   0x8000_0000  image      .text.boot first, text, data, .bss, then tohost/fromhost
 *                ...        (unused RAM)
 *   heap_start   heap       --heap-size (64 MiB): host trap mode splits it, brk below, mmap above
 *   heap_end     guard      one page at least (unmapped)
 *   stack_bottom stack      --stack-size (8 MiB); the Linux initial stack at its top
 *   stack_top    = RAM end (0x8000_0000 + --memory-size, 128 MiB)
 *
 * Trap mode 'host': a Linux user program (a musl C or Rust std program linked by `zeroos
 * linker-script --platform spike`): segments must lie in the image region, pages carry the
 * segments' permissions, sp points at argc and ZeroOS serves its ecalls; brk and mmap stay
 * inside the heap region. Trap mode 'machine': the bare machine as Spike starts it: all of
 * RAM mapped read-write-execute (M-mode has no paging), pc = e_entry, every register 0,
 * traps to the guest's mtvec as the privileged spec says.
 */

/** 32 MiB more than the RAM a run maps: the memory budget must hold Spike's RAM (machine mode maps all of it). */
const BUDGET_HEADROOM = 32 * 2 ** 20;
const DEFAULT_BUDGET = 2 * 2 ** 30;

const pageDown = (n: number): number => Math.floor(n / PAGE_SIZE) * PAGE_SIZE;

/** The options of one Spike run: the sizes the user gave (undefined: the program's own, else ZeroOS's defaults). */
export interface SpikeRunConfig extends SpikeMemoryConfig {
  readonly trapMode: TrapMode;
}

/** What the run found in the program, for the HTIF window and the report. */
export interface SpikeProgramInfo {
  /** tohost/fromhost, or undefined when the ELF has neither (Spike's warning in `warning`). */
  readonly htif: HtifAddresses | undefined;
  readonly warning?: string;
  /** The layout the run used. */
  readonly spike: SpikeMemoryLayout;
  /** Whether the sizes came from the program's symbols (linked by a Spike script). */
  readonly fromSymbols: boolean;
}

/**
 * The address space the kernel sees on Spike in host trap mode, page-aligned: the image
 * below the heap, the heap split into the program break (lower half) and the mmap region
 * (upper half), the guard, and the stack up to the top of RAM.
 */
export function spikeKernelLayout(spike: SpikeMemoryLayout): MemoryLayout {
  const heapBytes = spike.heapEnd - spike.heapStart;
  const brkEnd = heapBytes >= 2 * PAGE_SIZE ? spike.heapStart + pageDown(heapBytes / 2) : spike.heapEnd;
  const stackStart = pageDown(spike.stackBottom);
  return new MemoryLayout([
    { name: 'image', kind: 'image', start: spike.ramStart, end: spike.heapStart, perms: PERM_RWX },
    { name: 'heap', kind: 'heap', start: spike.heapStart, end: brkEnd, perms: PERM_RW },
    ...(brkEnd < spike.heapEnd ? [{ name: 'mmap', kind: 'mmap' as const, start: brkEnd, end: spike.heapEnd, perms: PERM_RW }] : []),
    { name: 'guard', kind: 'guard', start: spike.heapEnd, end: stackStart, perms: 0 },
    { name: 'stack', kind: 'stack', start: stackStart, end: spike.stackTop, perms: PERM_RW },
  ]);
}

/** Checks the sizes a run can use (the layout's own checks come from spikeMemoryLayout). */
export function spikeRunLayout(config: SpikeMemoryConfig): SpikeMemoryLayout {
  const spike = spikeMemoryLayout(config);
  if (spike.memorySize % PAGE_SIZE !== 0) {
    throw new LayoutError(`Spike memory size ${hex(spike.memorySize)} is not a multiple of 4 KiB (Spike's RAM is whole pages; ZeroOS's default is 128 MiB)`);
  }
  return spike;
}

/** ZeroOS on Spike/HTIF. One object per run: `bootstrap` settles the layout from the program. */
export class SpikePlatform implements Platform {
  readonly name = 'spike';
  readonly runDefaults: RunDefaults;
  #spike: SpikeMemoryLayout;
  #layout: MemoryLayout;
  #program: SpikeProgramInfo | undefined;

  constructor(readonly config: SpikeRunConfig) {
    this.#spike = spikeRunLayout(config);
    this.#layout = spikeKernelLayout(this.#spike);
    // The budget has to hold the RAM (machine mode maps all of it; host pages are only
    // allocated when touched). Spike's own default is 2 GiB of RAM.
    const memory = config.memorySize ?? this.#spike.memorySize;
    this.runDefaults = memory + BUDGET_HEADROOM > DEFAULT_BUDGET ? { memoryLimit: memory + BUDGET_HEADROOM } : {};
  }

  get layout(): MemoryLayout {
    return this.#layout;
  }

  /** What bootstrap found (undefined before it ran). */
  get program(): SpikeProgramInfo | undefined {
    return this.#program;
  }

  bootstrap(context: BootContext): BootInfo {
    const elf = parseElf(context.executable);
    const symbols = elfSymbols(context.executable);
    const { spike, fromSymbols } = this.settleLayout(symbols);
    this.#spike = spike;
    this.#layout = spikeKernelLayout(spike);

    const tohost = symbols.get('tohost');
    const fromhost = symbols.get('fromhost');
    const missing = [tohost === undefined ? 'tohost' : '', fromhost === undefined ? 'fromhost' : ''].filter(Boolean);
    const ram = { start: spike.ramStart, end: spike.ramStart + spike.memorySize };
    for (const [name, address] of [['tohost', tohost], ['fromhost', fromhost]] as const) {
      if (address !== undefined && (address < BigInt(ram.start) || address + 8n > BigInt(ram.end))) throw new HtifOutsideRam(name, address, ram);
    }
    const htif = tohost !== undefined && fromhost !== undefined ? { tohost: Number(tohost), fromhost: Number(fromhost) } : undefined;
    this.#program = {
      htif,
      spike,
      fromSymbols,
      ...(htif ? {} : { warning: `${HtifSymbolsMissing.SPIKE_WARNING} (the run goes on: in host trap mode ZeroOS serves the program's syscalls)` }),
    };
    if (this.config.trapMode === 'host') return this.bootUser(context, elf);
    const info = this.bootMachine(context, elf);
    if (missing.length > 0) throw new HtifSymbolsMissing(missing);
    return info;
  }

  /**
   * On Spike a `j .` is an endless loop, not an exit: the simulator would spin until
   * --instructions runs out and exit 0 without a word. In machine mode (one hart) the run
   * stops with SpikeGuestHang instead; in host mode Linux's meaning stands (another thread
   * may run on; a lone thread is GuestHang).
   */
  onHalt(context: HaltContext): number | undefined {
    if (this.config.trapMode === 'machine') throw new SpikeGuestHang(context.pc, context.instructions);
    return undefined;
  }

  /**
   * `zeroos check`'s question without loading: would the loader take the image (its
   * segments inside the image region in host mode, inside RAM in machine mode), do its
   * layout symbols agree with the options, and (machine mode) can it reach HTIF at all.
   */
  checkImage(image: CheckedImage): ImageFit {
    const problems: string[] = [];
    let symbols = new Map<string, bigint>();
    try {
      symbols = elfSymbols(image.bytes);
      this.#spike = this.settleLayout(symbols).spike;
      this.#layout = spikeKernelLayout(this.#spike);
    } catch (error) {
      if (!(error instanceof ZeroOSError)) throw error;
      problems.push(error.message);
    }
    const { ramStart, memorySize, heapStart } = this.#spike;
    const offers: ImageRange[] =
      this.config.trapMode === 'machine' ? [{ name: 'ram', start: ramStart, end: ramStart + memorySize }] : [{ name: 'image', start: ramStart, end: heapStart }];
    const needs: ImageRange[] = image.segments.map((segment) => ({ name: `segment ${segment.index}`, start: segment.start, end: segment.end }));
    const region = offers[0]!;
    for (const segment of image.segments) {
      if (pageDown(segment.start) >= region.start && segment.end <= region.end) continue;
      const where = this.config.trapMode === 'machine' ? "Spike's RAM" : 'the image region below the heap';
      problems.push(new NotLinkedForSpike(segment.index, segment.start, segment.end, region, where).message);
    }
    if (this.config.trapMode === 'machine') {
      const missing = ['tohost', 'fromhost'].filter((name) => !symbols.has(name));
      if (missing.length > 0) problems.push(new HtifSymbolsMissing(missing).message);
    }
    return {
      fits: problems.length === 0,
      needs,
      offers,
      problems,
      ...(problems.length === 0
        ? {}
        : {
            relink: [
              "relink with ZeroOS's Spike script (the same size options as the run):",
              '  zeroos linker-script --platform spike > spike.ld',
              '  C with musl:  riscv64-linux-musl-gcc -march=rv64imac -mabi=lp64 -mcmodel=medany -static -fno-pie -no-pie -Wl,-T,spike.ld -o prog prog.c',
              '  bare metal:   riscv64-unknown-elf-gcc -march=rv64imac_zicsr -mabi=lp64 -mcmodel=medany -nostdlib -static -Wl,-T,spike.ld -o prog start.S',
            ].join('\n'),
          }),
    };
  }

  /** A Linux user program on Spike's layout, as ZeroOS's host kernel serves it. */
  private bootUser(context: BootContext, elf: ReturnType<typeof parseElf>): BootInfo {
    const { memory, hart } = context;
    const image = this.load(elf, memory, this.#layout, 'the image region below the heap');
    const stack = this.#layout.get('stack')!;
    memory.map(stack.start, stack.size, stack.perms, 'stack');
    const initial = buildInitialStack(memory, stack, {
      argv: context.argv.length > 0 ? context.argv : [context.executablePath],
      envp: context.envp,
      executablePath: context.executablePath,
      seed: context.seed,
      ...(context.random ? { random: context.random(16) } : {}),
      entry: image.entry,
      // A Spike script starts RAM with .text.boot, so no segment carries the program headers:
      // the initial stack then carries a copy (musl finds PT_TLS through AT_PHDR).
      programHeaders: image.programHeaders,
      programHeaderTable: image.programHeaderTable,
      programHeaderCount: image.programHeaderCount,
    });
    hart.pc = image.entry;
    hart.setX(2, BigInt(initial.stackPointer));
    return {
      entry: image.entry,
      stackPointer: initial.stackPointer,
      // brk starts at the heap, not after the image: ZeroOS's heap is the region the linker reserved.
      imageEnd: this.#layout.get('heap')!.start,
      programHeaders: Number(initial.auxv.find(([key]) => key === AT.PHDR)?.[1] ?? 0n),
      loadedSegments: image.segments,
      auxv: initial.auxv,
    };
  }

  /**
   * The machine as Spike's reset ROM leaves it at the entry point (riscv/sim.cc set_rom:
   * auipc t0; addi a1, t0, dtb; csrr a0, mhartid; ld t0, 24(t0); jr t0): RAM, pc = e_entry,
   * t0 = e_entry, a0 = mhartid = 0, every other register 0. a1 would point at Spike's device
   * tree in its boot ROM; there is none here, so it stays 0. The five ROM instructions are
   * not run (nor counted).
   */
  private bootMachine(context: BootContext, elf: ReturnType<typeof parseElf>): BootInfo {
    const { memory, hart } = context;
    const { ramStart, memorySize } = this.#spike;
    const ramEnd = ramStart + memorySize;
    const ram = new MemoryLayout([{ name: 'ram', kind: 'image', start: ramStart, end: ramEnd, perms: PERM_RWX }]);
    const image = this.load(elf, memory, ram, "Spike's RAM");
    // M-mode without PMP sees RAM as plain memory: every page read-write-execute.
    let at = ramStart;
    for (const mapping of memory.mappingsIn(ramStart, ramEnd)) {
      if (mapping.start > at) memory.map(at, mapping.start - at, PERM_RWX, 'ram');
      memory.protect(mapping.start, mapping.end - mapping.start, PERM_RWX);
      at = mapping.end;
    }
    if (at < ramEnd) memory.map(at, ramEnd - at, PERM_RWX, 'ram');
    hart.pc = image.entry;
    hart.setX(5, BigInt(image.entry));
    return { entry: image.entry, stackPointer: 0, imageEnd: image.imageEnd, programHeaders: 0, loadedSegments: image.segments };
  }

  private load(elf: ReturnType<typeof parseElf>, memory: BootContext['memory'], layout: MemoryLayout, where: string): LoadedImage {
    const region = layout.regions.find((r) => r.kind === 'image')!;
    try {
      return loadElf(elf, memory, layout);
    } catch (error) {
      if (error instanceof SegmentOutsideLayout) {
        throw new NotLinkedForSpike(error.index, error.start, error.end, { start: region.start, end: region.end }, where);
      }
      throw error;
    }
  }

  /**
   * The layout of this run: a program linked by a Spike script (ours or ZeroOS's) carries
   * __stack_top, __stack_bottom, __heap_start and __heap_end; sizes not given on the
   * command line are taken from them, and given ones must agree with them, so the program
   * finds its stack and heap where the run put them.
   */
  private settleLayout(symbols: ReadonlyMap<string, bigint>): { spike: SpikeMemoryLayout; fromSymbols: boolean } {
    const linked = ['__stack_top', '__stack_bottom', '__heap_start', '__heap_end'].map((name) => symbols.get(name));
    if (linked.some((value) => value === undefined)) return { spike: this.#spike, fromSymbols: false };
    const [stackTop, stackBottom, heapStart, heapEnd] = linked.map(Number) as [number, number, number, number];
    const config = this.config;
    const spike = spikeRunLayout({
      memorySize: config.memorySize ?? stackTop - SPIKE_RAM_START,
      stackSize: config.stackSize ?? stackTop - stackBottom,
      heapSize: config.heapSize ?? heapEnd - heapStart,
    });
    const differences = [
      ['__stack_top', stackTop, spike.stackTop, '--memory-size', config.memorySize],
      ['__stack_bottom', stackBottom, spike.stackBottom, '--stack-size', config.stackSize],
      ['__heap_end', heapEnd, spike.heapEnd, '--stack-size', config.stackSize],
      ['__heap_start', heapStart, spike.heapStart, '--heap-size', config.heapSize],
    ] as const;
    for (const [symbol, inProgram, inRun, option, given] of differences) {
      if (inProgram === inRun) continue;
      throw new SpikeLayoutMismatch(
        `the program was linked with ${symbol} = ${hex(inProgram)}, but this run puts it at ${hex(inRun)}` +
          (given === undefined ? '' : ` (${option} ${given} = ${formatSize(given)})`) +
          `: run without ${option}, or relink with \`zeroos linker-script --platform spike\` and the same sizes`,
      );
    }
    return { spike, fromSymbols: true };
  }
}

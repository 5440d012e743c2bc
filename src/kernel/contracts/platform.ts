import type { GuestMemory } from '../../arch/memory/types.js';
import type { Hart } from '../../arch/riscv64/types.js';

/** What a region of the address space is for; the kernel's subsystems look regions up by kind. */
export type RegionKind = 'image' | 'heap' | 'mmap' | 'stack' | 'io' | 'guard' | 'reserved';

/** One named region of a platform's memory layout (a linker-script line). `end` is exclusive. */
export interface LayoutRegion {
  readonly name: string;
  readonly kind: RegionKind;
  readonly start: number;
  readonly end: number;
  /** PERM_* bits the guest gets on pages of this region when they are mapped. */
  readonly perms: number;
}

/** The address space a platform offers, as the kernel needs it. */
export interface Layout {
  readonly regions: readonly LayoutRegion[];
  /** The first region of this kind, or undefined. */
  find(kind: RegionKind): LayoutRegion | undefined;
}

/** Settings of a run that a platform may choose and a user may override. */
export interface RunDefaults {
  readonly seed?: bigint;
  readonly epochSeconds?: number;
  readonly nsPerInstruction?: number;
  readonly memoryLimit?: number;
  readonly maxThreads?: number;
}

/** A source of the run's seeded random bytes. */
export interface EntropySource {
  bytes(length: number): Uint8Array;
}

/** Everything a platform's bootstrap hook may use to bring a program up. */
export interface BootContext {
  readonly memory: GuestMemory;
  readonly hart: Hart;
  /** The run's seed: AT_RANDOM, the RNG and the random scheduler derive from it. */
  readonly seed: bigint;
  /** The run's random stream (when a randomness subsystem is loaded): AT_RANDOM comes from it. */
  readonly random?: (length: number) => Uint8Array;
  readonly executable: Uint8Array;
  /** The path the guest sees for its executable (AT_EXECFN, argv[0] default). */
  readonly executablePath: string;
  readonly argv: readonly string[];
  readonly envp: readonly string[];
}

/** What bootstrap established, for the kernel's subsystems (brk, /proc, stats). */
export interface BootInfo {
  readonly entry: number;
  readonly stackPointer: number;
  /** First byte after the loaded image's last segment (page-aligned up): where brk starts. */
  readonly imageEnd: number;
  /** Address of the program headers in guest memory (AT_PHDR), if mapped. */
  readonly programHeaders: number;
  readonly loadedSegments: readonly { readonly start: number; readonly end: number; readonly perms: number }[];
  /**
   * The auxiliary vector handed to the program (key, value pairs ending in AT_NULL), when
   * the platform built a Linux initial stack: /proc/self/auxv shows it, as Linux keeps a copy.
   */
  readonly auxv?: readonly (readonly [key: number, value: bigint])[];
}

/** How a process ended, handed to the platform's exit hook. */
export interface ExitStatus {
  /** The status a parent would see: code & 0xff, or 128 + signal. */
  readonly code: number;
  readonly signal?: number;
}

/** Where a halt happened, for the platform's `onHalt`. */
export interface HaltContext {
  /** The pc of the instruction that jumped to itself (it executed once). */
  readonly pc: number;
  readonly tid: number;
  readonly instructions: number;
}

/**
 * What each zkVM integration implements: a linker-style memory layout, the bootstrap
 * hook that loads the program and builds its initial state, and what exiting and
 * halting mean. The rest of an integration (I/O windows, syscalls, a cost model) comes
 * through its ContainerModule (src/integrations/types.ts).
 */
export interface Platform {
  readonly name: string;
  /**
   * The address space. A platform whose layout depends on the program (Jolt places the
   * stack after the image) may settle it in `bootstrap`: the kernel reads it after load.
   */
  readonly layout: Layout;
  /** Loads the executable and sets up pc, sp and memory. Throws named errors on bad input. */
  bootstrap(context: BootContext): BootInfo;
  /**
   * Whether a jump-to-self (`j .`) ends the run, as on zkVMs such as Jolt. On Linux it is
   * an endless loop (the kernel reports it as a hang).
   */
  readonly haltEndsRun?: boolean;
  /**
   * What a halt means: the exit status the run ends with, or undefined for Linux's meaning
   * (an endless loop: the run stops with GuestHang, or other threads run on). Takes
   * precedence over `haltEndsRun`. A zkVM decides here from its termination and panic words.
   */
  onHalt?(context: HaltContext): number | undefined;
  /**
   * The run settings this platform wants unless the user overrides them: a zkVM fixes
   * its seed, epoch, clock rate and limits here so every prover sees the same run.
   */
  readonly runDefaults?: RunDefaults;
  /**
   * Called once when the process ends (e.g. Jolt writes its output file). May return the
   * status the process ends with instead (Jolt: an abort is a panic, exit 80).
   */
  onExit?(status: ExitStatus, context: BootContext): ExitStatus | void;
}

import type { ContainerModule, Container, Newable } from 'inversify';
import { EXIT_CODES, ZeroOSError, hex } from './errors.js';
import type { TrapMode } from './arch/riscv64/types.js';
import type { Platform } from './kernel/contracts/platform.js';
import type { UnknownSyscallPolicy } from './kernel/contracts/syscall.js';
import { composeContainer } from './kernel/compose.js';
import type { KernelEvents } from './kernel/events.js';
import { Kernel, type ProgramImage, type RunState } from './kernel/kernel.js';
import type { QuantumSource } from './kernel/quantum.js';
import { archModule, ENGINE, ENGINE_NAMES, isEngineName, type EngineName } from './kernel/modules/arch-module.js';
import type { MachineProfile } from './arch/riscv64/csr/index.js';
import type { IsaConfig } from './arch/riscv64/isa/index.js';
import type { Process } from './kernel/process.js';
import { ALLOCATOR, KERNEL_CONFIG, KERNEL_EVENTS, PROCESS, RUN_REPORTER, TRAP_HANDLER, type KernelConfig } from './kernel/tokens.js';
import type { Allocator, AllocatorStats } from './kernel/contracts/allocator.js';
import { MemoryBudget, type MemoryBudgetStats } from './kernel/memory-budget.js';
import type { SyscallTrapHandler } from './kernel/syscall/trap-handler.js';
import { builtinIntegrations, checkIntegrationOptions, isIntegration, type Integration, type IntegrationOptionValues, type IntegrationRegistry, type IntegrationSetup } from './integrations/index.js';
import type { RunOutcome, RunReport } from './kernel/contracts/outcome.js';
import { CostAccounting } from './kernel/cost.js';
import { Console, consoleModule, type ConsoleOptions, type HostOutputFailure } from './subsystems/console/index.js';
import { AddressSpace, memoryModule, type AddressSpaceStats, type AllocatorName } from './subsystems/memory/index.js';
import { processModule } from './subsystems/process/index.js';
import { schedulerModule, type SchedulerName } from './subsystems/scheduler/index.js';
import { signalsModule } from './subsystems/signals/index.js';
import { randomModule } from './subsystems/random/index.js';
import { timeModule } from './subsystems/time/index.js';
import { InputLedger, Vfs, vfsModule, type FilesOptions, type InputRecord, type OutputSummary } from './subsystems/vfs/index.js';

export interface KernelOptions {
  /**
   * Where the program runs: an integration's name ('linux', the default, 'jolt', 'spike',
   * or one registered in `integrations`), an Integration object, or a bare Platform.
   */
  readonly platform?: string | Integration | Platform;
  /** The integration's own options by camelCase name (Jolt: `{ maxInputSize: 8192 }`). */
  readonly platformOptions?: IntegrationOptionValues;
  /** Where names are looked up. Default: the built-in integrations. */
  readonly integrations?: IntegrationRegistry;
  /** The run's seed (AT_RANDOM; later the RNG and the random scheduler). Default 0. */
  readonly seed?: bigint | number;
  /** Stop with InstructionBudgetExhausted after this many instructions. Default: no limit. */
  readonly maxInstructions?: number;
  /** 'fail' (default): an unprovided syscall stops the run with UnknownSyscall. 'enosys': return -ENOSYS and emit an event. */
  readonly unknownSyscall?: UnknownSyscallPolicy;
  /** stdin, stdout, stderr and whether they look like a terminal. Default: no input, output captured. */
  readonly console?: ConsoleOptions;
  /** The allocator behind mmap: 'linked-list' (default), 'buddy', 'bump', or your own class. */
  readonly allocator?: AllocatorName | Newable<Allocator>;
  /** Bytes of address space the guest may hold (like RLIMIT_AS); past it mmap and brk fail with ENOMEM. Default 2 GiB. */
  readonly memoryLimit?: number;
  /** 'cooperative' (default, round-robin) or 'random' (interleaving drawn from the seed). */
  readonly scheduler?: SchedulerName;
  /**
   * Preempt every N instructions; 0: never. Default: 1,000,000 for a Go program (see
   * DEFAULT_GO_QUANTUM), else switch only when a thread blocks, yields or exits.
   */
  readonly quantum?: number;
  /**
   * The execution tier: 'js' (default: hot blocks compiled to JavaScript) or 'interpreter'
   * (every instruction interpreted, the reference). Same output and instruction count on both.
   */
  readonly engine?: EngineName;
  /** Where ecall goes: 'host' (ZeroOS serves syscalls, the default) or 'machine' (the guest's mtvec), if the integration offers it. */
  readonly trapMode?: TrapMode;
  /**
   * The instruction set the platform accepts: extensions registered and instructions or
   * extensions refused with a reason (a refused one stops the run with RefusedInstruction,
   * exit 82). Default: RV64IMAC, nothing refused.
   */
  readonly isa?: IsaConfig;
  /** Machine mode as the platform has it: trap semantics, mstatus model, the CSRs it accepts (e.g. JOLT_MACHINE_PROFILE). */
  readonly machineProfile?: MachineProfile;
  /** Virtual nanoseconds per instruction: the clock rate. Default 1 (a 1 GHz machine). */
  readonly nsPerInstruction?: number;
  /** CLOCK_REALTIME at boot in seconds since 1970. Default 1704067200 (2024-01-01T00:00:00Z). */
  readonly epochSeconds?: number;
  /** Most live threads; clone fails with EAGAIN beyond it. Default 1024. */
  readonly maxThreads?: number;
  /** How many recent syscalls an UnknownSyscall report lists. Default 8. */
  readonly recentSyscalls?: number;
  /** What the guest's file namespace holds: host mounts and files, the cwd, an --out directory, a stdin file. */
  readonly files?: FilesOptions;
  /**
   * Your own ContainerModules, loaded last: `rebind(SCHEDULER).to(Mine)` and the like
   * (services are singletons). An option for a service you rebind (`scheduler`, `quantum`,
   * `allocator`) must still hold in what you bound, or createKernel throws ConfigurationError.
   */
  readonly modules?: readonly ContainerModule[];
}

/** The fixed default for CLOCK_REALTIME at boot: 2024-01-01T00:00:00Z. */
export const DEFAULT_EPOCH_SECONDS = 1_704_067_200;

/**
 * The memory budget when none is given: the same on every machine, so a run that fits
 * here fits everywhere, and a guest that keeps allocating ends in a named outcome long
 * before the host runs out.
 */
export const DEFAULT_MEMORY_LIMIT = 2 * 2 ** 30;

/** How a run ended, with what it printed when output was captured. */
export interface RunResult {
  /** The exit status (0–255), or 128 + signal when a signal ended it. */
  readonly exitCode: number;
  readonly signal?: number;
  readonly instructions: number;
  readonly syscalls: number;
  readonly stdout: Uint8Array;
  readonly stderr: Uint8Array;
  /** What the --out copy-back wrote to the host, once `run()`/`finish()` did it. */
  readonly output?: OutputSummary;
  /** How the run ended in the integration's terms (a zkVM's terminated, panicked, ...), when it has them. */
  readonly outcome?: RunOutcome;
}

/** The statistics `--stats` prints. */
export interface RunStats {
  /** The execution tier that ran: 'js' or 'interpreter'. */
  readonly engine: EngineName;
  readonly instructions: number;
  readonly syscalls: number;
  /** Calls per syscall name, most frequent first. */
  readonly syscallCounts: readonly (readonly [string, number])[];
  readonly residentPages: number;
  /** The settings the run used: seed, epoch, clock rate, limits. */
  readonly settings: KernelConfig;
  /** Virtual time at the end (ns since boot). */
  readonly virtualNs: number;
  readonly memory: AddressSpaceStats;
  /** The run's memory budget: the limit, and current and peak bytes in total and per category (address space, files, pipes, directory entries). */
  readonly budget: MemoryBudgetStats;
  /**
   * The scheduler that ran (the bound service, so a rebound one shows its own name) and the
   * quantum the run used, with where it came from: the scheduler's own (the `quantum`
   * option), the default for a Go executable (DEFAULT_GO_QUANTUM), or none.
   */
  readonly scheduler: { readonly name: string; readonly quantum: number | undefined; readonly quantumSource: QuantumSource };
  /** The allocator that ran (the bound service's own name) and its counters. */
  readonly allocator: { readonly name: string } & AllocatorStats;
  /** The host-backed input files the guest read, with their SHA-256, in the order it first read them. */
  readonly inputs: readonly InputRecord[];
  /** The integration that ran ('linux', 'jolt', ...). */
  readonly platform: string;
  /** The integration's cost of the run (Jolt: trace rows), when it has a cost model. */
  readonly cost?: { readonly model: string; readonly unit: string; readonly total: number };
  /** What the integration reports (outcome, its own --stats lines and data). */
  readonly reports: readonly RunReport[];
  /** Guest writes the host refused (a closed pipe, a full disk): when not empty, the run depended on the host, not only on its inputs. */
  readonly hostOutputErrors: readonly HostOutputFailure[];
}

/**
 * A run option that the composed container does not honour, because a user module
 * rebinds the service the option configures (e.g. `quantum` while SCHEDULER is rebound to a
 * class that ignores it). Refused at createKernel rather than silently dropped.
 */
export class ConfigurationError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
}

/** The run was stopped from outside (the CLI's Ctrl-C, an AbortSignal): where it was. */
export class Interrupted extends ZeroOSError {
  readonly exitCode = EXIT_CODES.interrupted;
  constructor(
    readonly instructions: number,
    readonly pc: number,
    readonly tid: number,
    readonly liveThreads: number,
  ) {
    super(`interrupted after ${instructions} instructions at pc ${hex(pc)} in thread ${tid} (${liveThreads} live thread${liveThreads === 1 ? '' : 's'})`);
  }
}

/** How `runAsync` slices the run and what happens between two slices. */
export interface AsyncRunOptions {
  /**
   * Instructions per slice, or a function asked before each slice (e.g. one that sizes
   * slices to the host's speed). Slicing never changes the run, only how often the host
   * gets a word in.
   */
  readonly slice: number | (() => number);
  /**
   * What runs between two slices: how the host lets its event loop turn, e.g.
   * `() => new Promise((resolve) => setImmediate(resolve))` so a SIGINT handler can run.
   * Given by the caller because the library itself never touches host timers or clocks.
   */
  readonly pause: () => Promise<unknown>;
  /** Stops the run between two slices with `Interrupted`. */
  readonly signal?: AbortSignal;
}

/**
 * A kernel ready to run one guest: the composed container plus the calls a user needs.
 * Everything the CLI does goes through this.
 *
 * `run()` and `runAsync()` finish the run themselves: the --out directory is copied to the
 * host and host resources are released. A caller that drives the run with `runFor` calls
 * `finish()` once it is done (also after an error) for the same.
 */
export class ZeroOS {
  readonly kernel: Kernel;
  readonly events: KernelEvents;
  readonly console: Console;
  readonly process: Process;
  #finished = false;
  #finishError: unknown;
  #output: OutputSummary | undefined;

  constructor(readonly container: Container) {
    this.kernel = container.get(Kernel);
    this.events = container.get(KERNEL_EVENTS);
    this.console = container.get(Console);
    this.process = container.get(PROCESS);
  }

  /** Loads a static RISC-V ELF with its arguments and environment. */
  load(image: ProgramImage): this {
    this.kernel.load(image);
    return this;
  }

  /**
   * Runs to exit, then finishes (copy-back, release). Throws the named error of whatever
   * stopped it otherwise (fault, unknown syscall, budget); the copy-back is attempted then
   * too, and when it fails after a run that ended well, its HostFileError is thrown.
   */
  run(): RunResult {
    try {
      this.kernel.run();
    } catch (error) {
      throw this.finishAfterFailure(error);
    }
    this.endOfRun(undefined);
    return this.finish();
  }

  /**
   * `run()` in slices, with `options.pause()` between them so the host can do other work
   * and interrupt the run (`options.signal`, e.g. on SIGINT): the run then stops with
   * `Interrupted` and is finished all the same. Slicing does not change the run: the same
   * instructions, output and statistics as `run()`.
   */
  async runAsync(options: AsyncRunOptions): Promise<RunResult> {
    try {
      for (;;) {
        if (options.signal?.aborted) throw this.interrupted();
        const slice = typeof options.slice === 'function' ? options.slice() : options.slice;
        if (!(slice >= 1)) throw new ConfigurationError(`a run slice must be at least one instruction, got ${slice}`);
        // The last stretch of a budget goes through run(), so running out of it reads the same.
        if (this.kernel.config.maxInstructions - this.kernel.instructions <= slice) {
          this.kernel.run();
          break;
        }
        if (this.kernel.runFor(slice) === 'exited') break;
        await options.pause();
      }
    } catch (error) {
      throw this.finishAfterFailure(error);
    }
    this.endOfRun(undefined);
    return this.finish();
  }

  /**
   * Runs at most `instructions` more; 'running' means it can be resumed. Call `finish()` when done.
   * When the run ends here (exit, or an error thrown) `process-exit` is emitted.
   */
  runFor(instructions: number): RunState {
    let state: RunState;
    try {
      state = this.kernel.runFor(instructions);
    } catch (error) {
      this.endOfRun(error);
      throw error;
    }
    if (state === 'exited') this.endOfRun(undefined);
    return state;
  }

  /**
   * The run is over: the kernel emits \`process-exit\` (once), with the integration's outcome
   * when it has one. A run finished while the guest still runs was stopped by its driver:
   * it ends as interrupted.
   */
  private endOfRun(error: unknown): void {
    if (this.events.ended) return;
    if (error === undefined && !this.process.exited) error = this.interrupted();
    let outcome: RunOutcome | undefined;
    try {
      outcome = this.reports().find((r) => r.outcome !== undefined)?.outcome;
    } catch {
      outcome = undefined; // a report that fails says nothing about how the run ended
    }
    this.kernel.endOfRun(error, outcome);
  }

  /**
   * Ends the run on the host side, once: copies the --out directory back (HostFileError on
   * failure) and releases host resources (open host files). Later calls return the same
   * result or throw the same error. `run()` and `runAsync()` call it themselves.
   */
  finish(): RunResult {
    if (!this.#finished) {
      this.#finished = true;
      this.endOfRun(undefined);
      const vfs = this.container.get(Vfs);
      try {
        this.#output = vfs.copyOut();
      } catch (error) {
        this.#finishError = error;
      } finally {
        vfs.release();
      }
    }
    if (this.#finishError !== undefined) throw this.#finishError;
    return this.result();
  }

  /** Where the run is now, as the error an interrupted run ends with. */
  interrupted(): Interrupted {
    const live = this.process.liveThreads();
    // The kernel marks the thread on the hart with runningSince.
    const current = live.find((t) => t.runningSince !== undefined) ?? live[0];
    return new Interrupted(this.kernel.instructions, this.kernel.arch.hart.pc, current?.tid ?? 0, live.length);
  }

  /** The result so far (exitCode is -1 while the process has not exited). */
  result(): RunResult {
    const exit = this.process.exit;
    const outcome = this.reports().find((r) => r.outcome !== undefined)?.outcome;
    return {
      exitCode: exit?.code ?? -1,
      ...(exit?.signal === undefined ? {} : { signal: exit.signal }),
      instructions: this.kernel.instructions,
      syscalls: this.trapHandler().totalSyscalls,
      stdout: this.console.stdout,
      stderr: this.console.stderr,
      ...(this.#output === undefined ? {} : { output: this.#output }),
      ...(outcome === undefined ? {} : { outcome }),
    };
  }

  /** The integrations' reports, asked now (after the run: how it ended). */
  reports(): RunReport[] {
    return this.container.isBound(RUN_REPORTER) ? this.container.getAll(RUN_REPORTER).map((r) => r.report()) : [];
  }

  stats(): RunStats {
    const handler = this.trapHandler();
    const allocator = this.container.get(ALLOCATOR);
    const scheduler = this.kernel.scheduler;
    const cost = this.container.get(CostAccounting);
    return {
      engine: this.container.get(ENGINE),
      instructions: this.kernel.instructions,
      syscalls: handler.totalSyscalls,
      syscallCounts: [...handler.counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
      residentPages: this.kernel.arch.memory.residentPages,
      settings: this.container.get(KERNEL_CONFIG),
      virtualNs: this.kernel.clock.now(),
      memory: this.container.get(AddressSpace).stats(),
      budget: this.container.get(MemoryBudget).stats(),
      scheduler: this.kernel.bootInfo
        ? { name: scheduler.name, quantum: this.kernel.quantum.quantum, quantumSource: this.kernel.quantum.source }
        : { name: scheduler.name, quantum: scheduler.quantum === 0 ? undefined : scheduler.quantum, quantumSource: scheduler.quantum === undefined ? 'none' : 'option' },
      // A layout without an mmap region (a bare-metal zkVM's) never initialises the allocator.
      allocator: { name: allocator.name, ...(this.kernel.platform.layout.find('mmap') ? allocator.stats() : UNUSED_ALLOCATOR) },
      inputs: this.container.get(InputLedger).inputs(),
      platform: this.kernel.platform.name,
      ...(cost.model ? { cost: { model: cost.model.name, unit: cost.model.unit, total: cost.total } } : {}),
      reports: this.reports(),
      hostOutputErrors: this.console.hostOutputErrors,
    };
  }

  /** Completes the event streams. */
  dispose(): void {
    this.events.dispose();
  }

  /** The run failed with `error`: finish anyway; the run's error is what the caller gets. */
  private finishAfterFailure(error: unknown): unknown {
    this.endOfRun(error);
    try {
      this.finish();
    } catch {
      // The run's own error says more than a copy-back that failed after it.
    }
    return error;
  }

  private trapHandler(): SyscallTrapHandler {
    return this.container.get(TRAP_HANDLER) as SyscallTrapHandler;
  }
}

/** The default subsystems, in load order. */
export function defaultSubsystems(options: KernelOptions = {}): ContainerModule[] {
  return [
    archModule({
      ...(options.trapMode === undefined ? {} : { trapMode: options.trapMode }),
      ...(options.engine === undefined ? {} : { engine: options.engine }),
      ...(options.isa === undefined ? {} : { isa: options.isa }),
      ...(options.machineProfile === undefined ? {} : { machineProfile: options.machineProfile }),
    }),
    schedulerModule({
      ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
      ...(options.quantum === undefined ? {} : { quantum: options.quantum }),
    }),
    memoryModule(options.allocator === undefined ? {} : { allocator: options.allocator }),
    processModule(),
    signalsModule(),
    randomModule(),
    timeModule(),
    consoleModule(options.console ?? {}),
    vfsModule(options.files ?? {}),
  ];
}

/** The allocator's statistics when the layout gives it no region to manage. */
const UNUSED_ALLOCATOR: AllocatorStats = {
  bytesInUse: 0,
  peakBytesInUse: 0,
  bytesFree: 0,
  freeBlocks: 0,
  largestFreeBlock: 0,
  fragmentation: 0,
  allocations: 0,
  frees: 0,
};

/** Composes a kernel from the default subsystems, the chosen platform and your own modules. */
export function createKernel(options: KernelOptions = {}): ZeroOS {
  if (options.engine !== undefined && !isEngineName(options.engine)) {
    throw new ConfigurationError(`unknown engine "${String(options.engine)}": one of ${ENGINE_NAMES.join(', ')}`);
  }
  const setup = resolvePlatform(options);
  const platform = setup.platform;
  // One place decides the run's settings: the user's options, else the platform's, else ours.
  const defaults = platform.runDefaults ?? {};
  const config: KernelConfig = {
    seed: BigInt.asUintN(64, BigInt(options.seed ?? defaults.seed ?? 0)),
    maxInstructions: options.maxInstructions ?? Number.POSITIVE_INFINITY,
    unknownSyscall: options.unknownSyscall ?? 'fail',
    recentSyscalls: options.recentSyscalls ?? 8,
    nsPerInstruction: options.nsPerInstruction ?? defaults.nsPerInstruction ?? 1,
    maxThreads: options.maxThreads ?? defaults.maxThreads ?? 1024,
    epochSeconds: options.epochSeconds ?? defaults.epochSeconds ?? DEFAULT_EPOCH_SECONDS,
    memoryLimit: options.memoryLimit ?? defaults.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
  };
  const subsystems = defaultSubsystems({
    ...options,
    ...(options.isa === undefined && setup.isa !== undefined ? { isa: setup.isa } : {}),
    ...(options.machineProfile === undefined && setup.machineProfile !== undefined ? { machineProfile: setup.machineProfile } : {}),
  });
  if (setup.module) subsystems.push(setup.module);
  const zeroos = new ZeroOS(composeContainer(config, platform, subsystems, options.modules ?? []));
  checkOptionsHonoured(options, zeroos);
  return zeroos;
}

/** The platform and the integration's parts for a run, from `options.platform`. */
function resolvePlatform(options: KernelOptions): IntegrationSetup {
  const chosen = options.platform ?? 'linux';
  const trapMode = options.trapMode ?? 'host';
  if (typeof chosen === 'object' && !isIntegration(chosen)) {
    if (options.platformOptions !== undefined && Object.keys(options.platformOptions).length > 0) {
      throw new ConfigurationError(`platformOptions need an integration: the platform object "${chosen.name}" takes none`);
    }
    return { platform: chosen };
  }
  const integration = typeof chosen === 'string' ? (options.integrations ?? builtinIntegrations()).get(chosen) : chosen;
  const modes = integration.trapModes ?? ['host'];
  if (!modes.includes(trapMode)) {
    throw new ConfigurationError(`platform ${integration.name} does not offer trap mode "${trapMode}" (it offers ${modes.join(', ')})`);
  }
  const values = options.platformOptions ?? {};
  checkIntegrationOptions(integration, values, 'run');
  return integration.setup({ options: values, trapMode, purpose: 'run' });
}

/**
 * A user module may rebind the service an option configures; the option must then still
 * hold in what was bound (a scheduler of your own that takes `quantum` from
 * SCHEDULER_OPTIONS honours it), or the run is refused rather than run differently.
 */
function checkOptionsHonoured(options: KernelOptions, zeroos: ZeroOS): void {
  const scheduler = zeroos.kernel.scheduler;
  if (options.scheduler !== undefined && scheduler.name !== options.scheduler) {
    throw new ConfigurationError(
      `the scheduler option "${options.scheduler}" has no effect: a module rebinds SCHEDULER to the scheduler "${scheduler.name}" (drop one of the two)`,
    );
  }
  if (options.quantum !== undefined && scheduler.quantum !== options.quantum) {
    throw new ConfigurationError(
      `the quantum option (${options.quantum}) has no effect: the scheduler bound to SCHEDULER ("${scheduler.name}") runs with quantum ${scheduler.quantum ?? 'none'} (take it from SCHEDULER_OPTIONS, or drop the option)`,
    );
  }
  const allocator = zeroos.container.get(ALLOCATOR);
  const wanted = options.allocator;
  if (wanted !== undefined && (typeof wanted === 'string' ? allocator.name !== wanted : !(allocator instanceof wanted))) {
    throw new ConfigurationError(
      `the allocator option "${typeof wanted === 'string' ? wanted : wanted.name}" has no effect: a module rebinds ALLOCATOR to the allocator "${allocator.name}" (drop one of the two)`,
    );
  }
}

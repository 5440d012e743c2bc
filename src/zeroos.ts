import type { ContainerModule, Container, Newable } from 'inversify';
import type { TrapMode } from './arch/riscv64/types.js';
import type { Platform } from './kernel/contracts/platform.js';
import type { UnknownSyscallPolicy } from './kernel/contracts/syscall.js';
import { composeContainer } from './kernel/compose.js';
import type { KernelEvents } from './kernel/events.js';
import { Kernel, type ProgramImage, type RunState } from './kernel/kernel.js';
import { archModule } from './kernel/modules/arch-module.js';
import type { Process } from './kernel/process.js';
import { ALLOCATOR, KERNEL_CONFIG, KERNEL_EVENTS, PROCESS, TRAP_HANDLER, type KernelConfig } from './kernel/tokens.js';
import type { Allocator, AllocatorStats } from './kernel/contracts/allocator.js';
import type { SyscallTrapHandler } from './kernel/syscall/trap-handler.js';
import { createPlatform, type PlatformName } from './platform/index.js';
import { Console, consoleModule, type ConsoleOptions } from './subsystems/console/index.js';
import { AddressSpace, memoryModule, type AddressSpaceStats, type AllocatorName } from './subsystems/memory/index.js';
import { processModule } from './subsystems/process/index.js';
import { schedulerModule, type SchedulerName } from './subsystems/scheduler/index.js';
import { signalsModule } from './subsystems/signals/index.js';
import { randomModule } from './subsystems/random/index.js';
import { timeModule } from './subsystems/time/index.js';
import { InputLedger, vfsModule, type FilesOptions, type InputRecord } from './subsystems/vfs/index.js';

export interface KernelOptions {
  /** A platform object, or the name of a built-in one. Default: 'linux'. */
  readonly platform?: Platform | PlatformName;
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
  /** Preempt every N instructions; default: switch only when a thread blocks, yields or exits. */
  readonly quantum?: number;
  /** Where ecall goes: 'host' (ZeroOS serves syscalls, the default) or 'machine' (the guest's mtvec). */
  readonly trapMode?: TrapMode;
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
  /** Your own ContainerModules, loaded last: `rebind(SCHEDULER).to(Mine)` and the like. */
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
}

/** The statistics `--stats` prints. */
export interface RunStats {
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
  readonly allocator: { readonly name: string } & AllocatorStats;
  /** The host-backed input files the guest read, with their SHA-256, in the order it first read them. */
  readonly inputs: readonly InputRecord[];
}

/**
 * A kernel ready to run one guest: the composed container plus the calls a user needs.
 * Everything the CLI does goes through this.
 */
export class ZeroOS {
  readonly kernel: Kernel;
  readonly events: KernelEvents;
  readonly console: Console;
  readonly process: Process;

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

  /** Runs to exit. Throws the named error of whatever stopped it otherwise (fault, unknown syscall, budget). */
  run(): RunResult {
    this.kernel.run();
    return this.result();
  }

  /** Runs at most `instructions` more; 'running' means it can be resumed. */
  runFor(instructions: number): RunState {
    return this.kernel.runFor(instructions);
  }

  /** The result so far (exitCode is -1 while the process has not exited). */
  result(): RunResult {
    const exit = this.process.exit;
    return {
      exitCode: exit?.code ?? -1,
      ...(exit?.signal === undefined ? {} : { signal: exit.signal }),
      instructions: this.kernel.instructions,
      syscalls: this.trapHandler().totalSyscalls,
      stdout: this.console.stdout,
      stderr: this.console.stderr,
    };
  }

  stats(): RunStats {
    const handler = this.trapHandler();
    const allocator = this.container.get(ALLOCATOR);
    return {
      instructions: this.kernel.instructions,
      syscalls: handler.totalSyscalls,
      syscallCounts: [...handler.counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
      residentPages: this.kernel.arch.memory.residentPages,
      settings: this.container.get(KERNEL_CONFIG),
      virtualNs: this.kernel.clock.now(),
      memory: this.container.get(AddressSpace).stats(),
      allocator: { name: allocator.name, ...allocator.stats() },
      inputs: this.container.get(InputLedger).inputs(),
    };
  }

  /** Completes the event streams. */
  dispose(): void {
    this.events.dispose();
  }

  private trapHandler(): SyscallTrapHandler {
    return this.container.get(TRAP_HANDLER) as SyscallTrapHandler;
  }
}

/** The default subsystems, in load order. */
export function defaultSubsystems(options: KernelOptions = {}): ContainerModule[] {
  return [
    archModule(options.trapMode === undefined ? {} : { trapMode: options.trapMode }),
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

/** Composes a kernel from the default subsystems, the chosen platform and your own modules. */
export function createKernel(options: KernelOptions = {}): ZeroOS {
  const platform =
    typeof options.platform === 'object' ? options.platform : createPlatform(options.platform ?? 'linux');
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
  return new ZeroOS(composeContainer(config, platform, defaultSubsystems(options), options.modules ?? []));
}

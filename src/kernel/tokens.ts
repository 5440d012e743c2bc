import type { ServiceIdentifier } from 'inversify';
import type { Allocator } from './contracts/allocator.js';
import type { Arch } from './contracts/arch.js';
import type { BootContribution } from './contracts/boot.js';
import type { Device } from './contracts/device.js';
import type { EntropySource, Platform } from './contracts/platform.js';
import type { NamedCostModel, RunReporter } from './contracts/outcome.js';
import type { Scheduler } from './contracts/scheduler.js';
import type { SignalDelivery } from './contracts/signals.js';
import type { IntervalTimers } from './contracts/timers.js';
import type { SyscallProvider, SyscallTable, UnknownSyscallPolicy } from './contracts/syscall.js';
import type { TrapHandler } from './contracts/trap-handler.js';
import type { KernelEvents } from './events.js';
import type { MemoryBudget } from './memory-budget.js';
import type { Process } from './process.js';

/**
 * Service tokens. Each names a contract; a subsystem's ContainerModule binds the default
 * implementation and a user replaces it with `rebind(TOKEN).to(Theirs)` in their own module.
 */
export const ARCH = Symbol.for('zeroos.Arch') as ServiceIdentifier<Arch>;
export const TRAP_HANDLER = Symbol.for('zeroos.TrapHandler') as ServiceIdentifier<TrapHandler>;
export const SYSCALL_TABLE = Symbol.for('zeroos.SyscallTable') as ServiceIdentifier<SyscallTable>;
export const SCHEDULER = Symbol.for('zeroos.Scheduler') as ServiceIdentifier<Scheduler>;
export const ALLOCATOR = Symbol.for('zeroos.Allocator') as ServiceIdentifier<Allocator>;
export const PLATFORM = Symbol.for('zeroos.Platform') as ServiceIdentifier<Platform>;
/** Plural: every device bound here is available to the VFS. */
export const DEVICE = Symbol.for('zeroos.Device') as ServiceIdentifier<Device>;
/** Plural: every subsystem contributes its syscalls here; the table collects them once. */
export const SYSCALL_PROVIDER = Symbol.for('zeroos.SyscallProvider') as ServiceIdentifier<SyscallProvider>;
/** Plural: subsystems' steps when a process comes up. */
export const BOOT_CONTRIBUTION = Symbol.for('zeroos.BootContribution') as ServiceIdentifier<BootContribution>;
/** Optional: the signals subsystem, when loaded, turns faults into guest signal handlers. */
export const SIGNAL_DELIVERY = Symbol.for('zeroos.SignalDelivery') as ServiceIdentifier<SignalDelivery>;
/** Optional: timers that raise signals (timer_create, setitimer); the run loop fires them at instruction boundaries. */
export const INTERVAL_TIMERS = Symbol.for('zeroos.IntervalTimers') as ServiceIdentifier<IntervalTimers>;
/** Optional: the run's random stream (the randomness subsystem binds it); AT_RANDOM is drawn from it. */
export const ENTROPY = Symbol.for('zeroos.Entropy') as ServiceIdentifier<EntropySource>;
/** Optional: an integration's cost model (Jolt's trace rows); the kernel meters the run with it. */
export const COST_MODEL = Symbol.for('zeroos.CostModel') as ServiceIdentifier<NamedCostModel>;
/** Plural: integrations' reports (outcome, --stats lines), asked when the run has ended. */
export const RUN_REPORTER = Symbol.for('zeroos.RunReporter') as ServiceIdentifier<RunReporter>;
export const KERNEL_EVENTS = Symbol.for('zeroos.KernelEvents') as ServiceIdentifier<KernelEvents>;
export const PROCESS = Symbol.for('zeroos.Process') as ServiceIdentifier<Process>;
export const KERNEL_CONFIG = Symbol.for('zeroos.KernelConfig') as ServiceIdentifier<KernelConfig>;
/** The run's one memory budget: address space, in-memory files, pipes and directory entries draw from it. */
export const MEMORY_BUDGET = Symbol.for('zeroos.MemoryBudget') as ServiceIdentifier<MemoryBudget>;

/** Settings of one run that several services read. */
export interface KernelConfig {
  readonly seed: bigint;
  /** Instructions the whole run may execute before InstructionBudgetExhausted; Infinity for none. */
  readonly maxInstructions: number;
  readonly unknownSyscall: UnknownSyscallPolicy;
  /** How many recent syscalls an UnknownSyscall error lists. */
  readonly recentSyscalls: number;
  /** Virtual nanoseconds one instruction takes (the clock rate). */
  readonly nsPerInstruction: number;
  /** CLOCK_REALTIME at boot, seconds since 1970. */
  readonly epochSeconds: number;
  /**
   * Bytes the guest may make the host hold (the MemoryBudget): its address space, in-memory
   * file contents, pipe buffers and directory entries together (Infinity: no limit).
   */
  readonly memoryLimit: number;
  /** Most live threads at once. */
  readonly maxThreads: number;
}

/**
 * The public API: what the README documents. Compose and run a kernel, swap a service
 * through its token and contract, read events and statistics, tell outcomes apart by
 * their named errors and exit codes.
 *
 * The parts below it are reachable through subpath exports, for integrations that need
 * them and with no promise that they stay as they are between minor versions:
 * `zeroos/kernel` (the run loop, process model, syscall table and trap handler, core
 * modules), `zeroos/arch` (guest memory and the RV64IMAC hart), `zeroos/platform` (layouts,
 * the ELF loader, the initial stack), `zeroos/subsystems` (each subsystem's module and
 * services: schedulers, allocators, the VFS, signals, ...), `zeroos/integrations` (the
 * registry and the built-in integrations' own parts: `jolt.JoltRejected`,
 * `spike.HtifSyscallProxyRefused`, postcard, ...) and `zeroos/check` (`zeroos check` as a
 * library: checkProgram and its report).
 */

// Compose and run.
export {
  createKernel,
  defaultSubsystems,
  ZeroOS,
  ConfigurationError,
  Interrupted,
  DEFAULT_EPOCH_SECONDS,
  DEFAULT_MEMORY_LIMIT,
  type AsyncRunOptions,
  type KernelOptions,
  type RunResult,
  type RunStats,
} from './zeroos.js';
export type { ProgramImage, RunState } from './kernel/kernel.js';
export { ENGINE_NAMES, DEFAULT_ENGINE, type EngineName } from './kernel/modules/arch-module.js';

// Outcomes: the exit-status table and every named error a run or its setup can end in.
export { ZeroOSError, EXIT_CODES, signalExitCode } from './errors.js';
export {
  Deadlock,
  GuestFault,
  GuestHang,
  InstructionBudgetExhausted,
  KernelPanic,
  KernelStateError,
  UnknownSyscall,
  UnsupportedFeature,
} from './kernel/errors.js';
export { OutOfMemory, type MemoryBudgetStats, type MemoryCategory } from './kernel/memory-budget.js';
export { MemoryFault } from './arch/memory/types.js';
export { IllegalInstruction, MisalignedAccess, RefusedInstruction, type TrapMode } from './arch/riscv64/types.js';
export type { IsaConfig, Refusal } from './arch/riscv64/isa/index.js';
export { CostMeter, type CostModel, type InstructionObserver } from './arch/riscv64/observer.js';
export { JOLT_MACHINE_PROFILE, PRIVILEGED_MACHINE_PROFILE, type MachineProfile } from './arch/riscv64/csr/index.js';
export { ElfError } from './platform/elf/errors.js';
export { LayoutError } from './platform/layout.js';
export { BadProcessArgument, InitialStackOverflow } from './platform/initial-stack.js';
export {
  BUILTIN_INTEGRATIONS,
  DEFAULT_PLATFORM,
  IntegrationLoadError,
  IntegrationOptionError,
  IntegrationRegistry,
  UnknownPlatform,
  builtinIntegrations,
  integrationModule,
  type IntegrationMachine,
  type IntegrationParts,
  isIntegration,
  loadIntegration,
  type Integration,
  type IntegrationContext,
  type IntegrationOption,
  type IntegrationOptionValues,
  type IntegrationSetup,
  type OptionKind,
} from './integrations/index.js';
export type { NamedCostModel, RunOutcome, RunReport, RunReporter } from './kernel/contracts/outcome.js';
export { HostFileError, MountError } from './subsystems/vfs/errors.js';
export { CapturedOutputLimit } from './subsystems/console/console.js';
export { signalName } from './subsystems/signals/signals.js';

// Services a user replaces (`rebind(TOKEN).to(Theirs)`) and the contracts they implement.
export {
  ALLOCATOR,
  ARCH,
  BOOT_CONTRIBUTION,
  COST_MODEL,
  RUN_REPORTER,
  DEVICE,
  ENTROPY,
  KERNEL_CONFIG,
  KERNEL_EVENTS,
  PLATFORM,
  PROCESS,
  SCHEDULER,
  SIGNAL_DELIVERY,
  SYSCALL_PROVIDER,
  SYSCALL_TABLE,
  TRAP_HANDLER,
  type KernelConfig,
} from './kernel/tokens.js';
export { SCHEDULER_NAMES, SCHEDULER_OPTIONS, type SchedulerName, type SchedulerOptions } from './subsystems/scheduler/module.js';
export { ALLOCATOR_NAMES, type AllocatorName } from './subsystems/memory/allocators/factory.js';
export type { Scheduler } from './kernel/contracts/scheduler.js';
export { DEFAULT_GO_QUANTUM, type QuantumSource } from './kernel/quantum.js';
export type { Thread, Process, ThreadState, ProcessExit } from './kernel/process.js';
export type { Allocator, AllocatorStats } from './kernel/contracts/allocator.js';
export type { Device, OpenFile, FileStatus } from './kernel/contracts/device.js';
export type {
  BootContext,
  BootInfo,
  EntropySource,
  ExitStatus,
  HaltContext,
  Layout,
  LayoutRegion,
  Platform,
  RegionKind,
  RunDefaults,
} from './kernel/contracts/platform.js';
export {
  NO_RETURN,
  defineSyscall,
  type ArgSpec,
  type SupportLevel,
  type SyscallContext,
  type SyscallDefinition,
  type SyscallEntry,
  type SyscallProvider,
  type SyscallResult,
  type SyscallTable,
  type UnknownSyscallPolicy,
} from './kernel/contracts/syscall.js';
export type { Arch } from './kernel/contracts/arch.js';
export type { TrapHandler } from './kernel/contracts/trap-handler.js';
export type { BootContribution } from './kernel/contracts/boot.js';
export type { FaultSignal, SignalDelivery } from './kernel/contracts/signals.js';
export { Errno, type ErrnoName } from './kernel/errno.js';

// Options of the run's console and files.
export {
  bytesInput,
  type ConsoleOptions,
  type HostOutputFailure,
  type InputSource,
  type OutputSink,
} from './subsystems/console/console.js';
export type { FilesOptions, HostMount, HostMountMode, OutputDirectory } from './subsystems/vfs/options.js';
export type { OutputSummary } from './subsystems/vfs/vfs.js';
export type { InputRecord } from './subsystems/vfs/input-ledger.js';
export type { AddressSpaceStats } from './subsystems/memory/address-space.js';

// Events (RxJS, hot).
export type {
  FaultEvent,
  InputReadEvent,
  IntegrationEvent,
  KernelEvent,
  KernelEvents,
  MemoryMapEvent,
  ProcessExitEvent,
  ProcessExitReason,
  SignalEvent,
  SyscallEnterEvent,
  SyscallExitEvent,
  SyscallUnfinishedEvent,
  ThreadExitEvent,
  ThreadStartEvent,
  ThreadSwitchEvent,
  UnsupportedSyscallEvent,
} from './kernel/events.js';
export { EVENT_KINDS } from './kernel/events.js';

// Writing an integration (src/integrations/types.ts, docs/platform-adapters.md): the
// building blocks a platform's bootstrap and an adapter loaded by path use.
export { ContainerModule } from 'inversify';
export { LinuxPlatform, type LinuxPlatformOptions } from './platform/linux/linux-platform.js';
export { MemoryLayout, formatSize, type MemoryRegion, type RegionSpec } from './platform/layout.js';
export { loadElf, type LoadedImage } from './platform/elf/loader.js';
export { buildInitialStack } from './platform/initial-stack.js';
export { PERM_R, PERM_W, PERM_X, PERM_RW, PERM_RX, PERM_RWX } from './arch/memory/types.js';
export type { IoWindow } from './arch/riscv64/memory-port.js';
export { StopReason, type Hart } from './arch/riscv64/types.js';

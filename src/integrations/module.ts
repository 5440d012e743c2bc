import { ContainerModule } from 'inversify';
import type { IoWindow } from '../arch/riscv64/memory-port.js';
import type { Hart } from '../arch/riscv64/types.js';
import type { GuestMemory } from '../arch/memory/types.js';
import type { Device } from '../kernel/contracts/device.js';
import type { NamedCostModel, RunReport } from '../kernel/contracts/outcome.js';
import type { BootInfo } from '../kernel/contracts/platform.js';
import type { SyscallProvider } from '../kernel/contracts/syscall.js';
import { Kernel } from '../kernel/kernel.js';
import { CostAccounting } from '../kernel/cost.js';
import { ARCH, BOOT_CONTRIBUTION, COST_MODEL, DEVICE, KERNEL_EVENTS, PROCESS, RUN_REPORTER, SYSCALL_PROVIDER } from '../kernel/tokens.js';
import type { Arch } from '../kernel/contracts/arch.js';
import type { KernelEvents } from '../kernel/events.js';
import type { Process } from '../kernel/process.js';
import { NO_RETURN } from '../kernel/contracts/syscall.js';
import { Errno } from '../kernel/errno.js';

/** What an integration's boot step gets, once the platform has loaded the program. */
export interface IntegrationMachine {
  readonly hart: Hart;
  readonly memory: GuestMemory;
  /** What bootstrap established (entry, stack pointer, image end, segments). */
  readonly info: BootInfo;
  /** Installs an I/O window on the hart (loads and stores in it call its hooks). */
  addIoWindow(window: IoWindow): () => void;
  /** Ends the run with `code` after the current instruction (from a window or instruction hook). */
  endRun(code: number, reason: string): void;
  /** The cost so far under the integration's cost model (0 without one). */
  cost(): number;
  /**
   * Writes `bytes` to the guest's file descriptor `fd` (1: stdout) as a non-blocking
   * write(2) of the guest would: a memory-mapped console (HTIF putchar, a UART word) ends
   * up where the guest's own writes do (captured by the library, printed by the CLI).
   * Returns what write(2) returns: bytes taken, or -EBADF / -EAGAIN (a full pipe).
   */
  writeFd(fd: number, bytes: Uint8Array): number;
  /**
   * Emits an `integration` event (e.g. a cycle-tracking span) in the kernel's stream, at
   * this instruction and thread: `source` names the integration, `data` must be JSON-safe.
   */
  emitEvent(source: string, name: string, data: Readonly<Record<string, unknown>>): void;
}

/** The parts `integrationModule` binds; each is optional. */
export interface IntegrationParts {
  /** Trace rows or cycles per retired instruction: the kernel meters the run with it. */
  readonly costModel?: NamedCostModel;
  /** Runs once the program is loaded, before the first instruction: install windows, read symbols, place inputs. */
  readonly onBoot?: (machine: IntegrationMachine) => void;
  /** What --stats, `RunStats.reports` and `RunResult.outcome` show, asked after the run. */
  readonly report?: () => RunReport;
  /** Syscalls of its own (merged into the table like a subsystem's). */
  readonly syscalls?: readonly SyscallProvider[];
  /** Devices the VFS offers. */
  readonly devices?: readonly Device[];
}

/**
 * An integration's ContainerModule from plain parts, for adapters that do not want to
 * write inversify bindings (or import inversify at all). An integration that needs more
 * (its own services injected into others) writes its ContainerModule directly with the
 * same tokens: BOOT_CONTRIBUTION, COST_MODEL, RUN_REPORTER, SYSCALL_PROVIDER, DEVICE.
 */
export function integrationModule(parts: IntegrationParts): ContainerModule {
  return new ContainerModule(({ bind }) => {
    if (parts.costModel) bind(COST_MODEL).toConstantValue(parts.costModel);
    if (parts.report) {
      const report = parts.report;
      bind(RUN_REPORTER).toConstantValue({ report });
    }
    for (const provider of parts.syscalls ?? []) bind(SYSCALL_PROVIDER).toConstantValue(provider);
    for (const device of parts.devices ?? []) bind(DEVICE).toConstantValue(device);
    if (parts.onBoot) {
      const onBoot = parts.onBoot;
      bind(BOOT_CONTRIBUTION).toDynamicValue((context) => ({
        onBoot(_process, info) {
          const arch = context.get(ARCH);
          // The kernel is resolved when the hook first needs it (it injects the boot steps itself).
          const kernel = () => context.get(Kernel);
          onBoot({
            hart: arch.hart,
            memory: arch.memory,
            info,
            addIoWindow: (window) => arch.hart.addIoWindow(window),
            endRun: (code, reason) => kernel().endRun(code, reason),
            cost: () => context.get(CostAccounting).total,
            writeFd: (fd, bytes) => writeGuestFd(context.get(PROCESS), arch, context.get(KERNEL_EVENTS), fd, bytes),
            emitEvent: (source, name, data) => {
              const live = context.get(PROCESS).liveThreads();
              const tid = (live.find((t) => t.runningSince !== undefined) ?? live[0])?.tid ?? 0;
              context.get(KERNEL_EVENTS).emitIntegration({ instret: arch.hart.instret, tid, source, name, data });
            },
          });
        },
      }));
    }
  });
}

/**
 * IntegrationMachine.writeFd: the fd's open file written from the host (a memory-mapped
 * console, a zkVM's print instruction) as the running thread's non-blocking write(2)
 * would: a refusal (EPIPE, a full disk) is the guest's, as with its own writes.
 */
export function writeGuestFd(process: Process, arch: Arch, events: KernelEvents, fd: number, bytes: Uint8Array): number {
  const file = process.files.get(fd);
  // The thread on the hart (the kernel marks it with runningSince) made the store.
  const live = process.liveThreads();
  const thread = live.find((t) => t.runningSince !== undefined) ?? live[0];
  if (!file?.writable || !file.write || !thread) return -Errno.EBADF;
  const result = file.write({ memory: arch.memory, hart: arch.hart, process, thread, events }, bytes.slice(), true);
  return result === NO_RETURN ? -Errno.EAGAIN : result;
}

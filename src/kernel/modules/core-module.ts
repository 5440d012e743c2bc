import { ContainerModule } from 'inversify';
import { VirtualClock } from '../clock.js';
import { KernelEvents } from '../events.js';
import { FutexTable } from '../futex.js';
import { ThreadWaits } from '../waits.js';
import { MemoryBudget } from '../memory-budget.js';
import { Kernel } from '../kernel.js';
import { CostAccounting } from '../cost.js';
import { ProcessLifecycle } from '../lifecycle.js';
import { Process } from '../process.js';
import { DataSyscallTable } from '../syscall/table.js';
import { SyscallTrapHandler } from '../syscall/trap-handler.js';
import { BOOT_CONTRIBUTION, KERNEL_CONFIG, KERNEL_EVENTS, MEMORY_BUDGET, PROCESS, SYSCALL_TABLE, TRAP_HANDLER, type KernelConfig } from '../tokens.js';

/** The kernel core: the run loop, the process, the event streams, the trap path and the syscall table. */
export function coreModule(config: KernelConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(KERNEL_CONFIG).toConstantValue(config);
    bind(KERNEL_EVENTS).toConstantValue(new KernelEvents());
    const process = new Process();
    process.maxThreads = config.maxThreads;
    bind(PROCESS).toConstantValue(process);
    bind(DataSyscallTable).toSelf().inSingletonScope();
    bind(SYSCALL_TABLE).toService(DataSyscallTable);
    bind(SyscallTrapHandler).toSelf().inSingletonScope();
    bind(TRAP_HANDLER).toService(SyscallTrapHandler);
    bind(VirtualClock).toSelf().inSingletonScope();
    bind(ThreadWaits).toSelf().inSingletonScope();
    bind(FutexTable).toSelf().inSingletonScope();
    bind(ProcessLifecycle).toSelf().inSingletonScope();
    bind(Kernel).toSelf().inSingletonScope();
    bind(CostAccounting).toSelf().inSingletonScope();
    bind(BOOT_CONTRIBUTION).toService(CostAccounting);
    bind(MemoryBudget).toSelf().inSingletonScope();
    bind(MEMORY_BUDGET).toService(MemoryBudget);
  });
}

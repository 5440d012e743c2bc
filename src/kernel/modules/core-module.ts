import { ContainerModule } from 'inversify';
import { KernelEvents } from '../events.js';
import { Kernel } from '../kernel.js';
import { ProcessLifecycle } from '../lifecycle.js';
import { Process } from '../process.js';
import { DataSyscallTable } from '../syscall/table.js';
import { SyscallTrapHandler } from '../syscall/trap-handler.js';
import { KERNEL_CONFIG, KERNEL_EVENTS, PROCESS, SYSCALL_TABLE, TRAP_HANDLER, type KernelConfig } from '../tokens.js';

/** The kernel core: the run loop, the process, the event streams, the trap path and the syscall table. */
export function coreModule(config: KernelConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(KERNEL_CONFIG).toConstantValue(config);
    bind(KERNEL_EVENTS).toConstantValue(new KernelEvents());
    bind(PROCESS).toConstantValue(new Process());
    bind(DataSyscallTable).toSelf().inSingletonScope();
    bind(SYSCALL_TABLE).toService(DataSyscallTable);
    bind(SyscallTrapHandler).toSelf().inSingletonScope();
    bind(TRAP_HANDLER).toService(SyscallTrapHandler);
    bind(ProcessLifecycle).toSelf().inSingletonScope();
    bind(Kernel).toSelf().inSingletonScope();
  });
}

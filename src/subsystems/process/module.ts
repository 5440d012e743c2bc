import { ContainerModule } from 'inversify';
import { SYSCALL_PROVIDER } from '../../kernel/tokens.js';
import { IdentitySyscalls } from './identity.js';
import { ProcessSyscalls } from './syscalls.js';
import { ThreadFactory } from './threads.js';

/** The process subsystem: threads, identity and exit syscalls. */
export function processModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(ThreadFactory).toSelf().inSingletonScope();
    bind(ProcessSyscalls).toSelf().inSingletonScope();
    bind(SYSCALL_PROVIDER).toService(ProcessSyscalls);
    bind(IdentitySyscalls).toSelf().inSingletonScope();
    bind(SYSCALL_PROVIDER).toService(IdentitySyscalls);
  });
}

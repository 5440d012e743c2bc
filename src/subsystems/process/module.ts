import { ContainerModule } from 'inversify';
import { SYSCALL_PROVIDER } from '../../kernel/tokens.js';
import { ProcessSyscalls } from './syscalls.js';

/** The process subsystem: identity and exit syscalls. */
export function processModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(ProcessSyscalls).toSelf().inSingletonScope();
    bind(SYSCALL_PROVIDER).toService(ProcessSyscalls);
  });
}

import { ContainerModule } from 'inversify';
import { SYSCALL_PROVIDER } from '../../kernel/tokens.js';
import { TimeSyscalls } from './syscalls.js';

/** The time subsystem: clocks and sleeps on the kernel's VirtualClock. */
export function timeModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TimeSyscalls).toSelf().inSingletonScope();
    bind(SYSCALL_PROVIDER).toService(TimeSyscalls);
  });
}

import { ContainerModule } from 'inversify';
import { SIGNAL_DELIVERY, SYSCALL_PROVIDER } from '../../kernel/tokens.js';
import { SignalState } from './signals.js';
import { SignalSyscalls } from './syscalls.js';

/** The signals subsystem: dispositions, masks, and signals a guest sends itself. */
export function signalsModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(SignalState).toSelf().inSingletonScope();
    bind(SIGNAL_DELIVERY).toService(SignalState);
    bind(SignalSyscalls).toSelf().inSingletonScope();
    bind(SYSCALL_PROVIDER).toService(SignalSyscalls);
  });
}

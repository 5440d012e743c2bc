import { ContainerModule } from 'inversify';
import { INTERVAL_TIMERS, SYSCALL_PROVIDER } from '../../kernel/tokens.js';
import { TimeSyscalls } from './syscalls.js';
import { TimerSyscalls } from './timer-syscalls.js';
import { PosixTimers } from './timers.js';

/** The time subsystem: clocks, sleeps, POSIX and interval timers on the kernel's VirtualClock. */
export function timeModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TimeSyscalls).toSelf().inSingletonScope();
    bind(SYSCALL_PROVIDER).toService(TimeSyscalls);
    bind(PosixTimers).toSelf().inSingletonScope();
    bind(INTERVAL_TIMERS).toService(PosixTimers);
    bind(TimerSyscalls).toSelf().inSingletonScope();
    bind(SYSCALL_PROVIDER).toService(TimerSyscalls);
  });
}

import { ContainerModule } from 'inversify';
import { BOOT_CONTRIBUTION, SYSCALL_PROVIDER } from '../../kernel/tokens.js';
import { IoSyscalls } from './io-syscalls.js';
import { StandardStreams } from './standard-streams.js';

/** The file subsystem: the fd-based I/O syscalls and the standard streams. */
export function vfsModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(IoSyscalls).toSelf().inSingletonScope();
    bind(SYSCALL_PROVIDER).toService(IoSyscalls);
    bind(StandardStreams).toSelf().inSingletonScope();
    bind(BOOT_CONTRIBUTION).toService(StandardStreams);
  });
}

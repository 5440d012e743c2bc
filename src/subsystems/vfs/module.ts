import { ContainerModule } from 'inversify';
import { BOOT_CONTRIBUTION, DEVICE, SYSCALL_PROVIDER } from '../../kernel/tokens.js';
import { DevRandomDevice, NullDevice, UrandomDevice, ZeroDevice } from './devices.js';
import { EpollSyscalls } from './epoll.js';
import { EventFdSyscalls } from './eventfd.js';
import { DescriptorSyscalls } from './fd-syscalls.js';
import { InputLedger } from './input-ledger.js';
import { IoSyscalls } from './io-syscalls.js';
import { LockTable } from './locks.js';
import { FILES_OPTIONS, type FilesOptions } from './options.js';
import { PathSyscalls } from './path-syscalls.js';
import { BrokenPipes } from './pipe.js';
import { PollSyscalls } from './poll-syscalls.js';
import { SignalWaits } from './signal-waits.js';
import { StandardStreams } from './standard-streams.js';
import { Vfs } from './vfs.js';
import { WaitQueue } from './wait-queue.js';

/**
 * The file subsystem: the VFS (mount tree, in-memory, host, /proc and /sys file
 * systems), pipes, epoll and eventfd, the devices under /dev (null, zero, urandom, random: every Device bound on
 * DEVICE with a node appears there), the fd syscalls, and fds 0–2 at boot.
 */
export function vfsModule(options: FilesOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(FILES_OPTIONS).toConstantValue(options);
    bind(InputLedger).toSelf().inSingletonScope();
    bind(LockTable).toSelf().inSingletonScope();
    bind(WaitQueue).toSelf().inSingletonScope();
    bind(BrokenPipes).toSelf().inSingletonScope();
    bind(Vfs).toSelf().inSingletonScope();
    bind(BOOT_CONTRIBUTION).toService(Vfs);

    bind(NullDevice).toSelf().inSingletonScope();
    bind(DEVICE).toService(NullDevice);
    bind(ZeroDevice).toSelf().inSingletonScope();
    bind(DEVICE).toService(ZeroDevice);
    bind(UrandomDevice).toSelf().inSingletonScope();
    bind(DEVICE).toService(UrandomDevice);
    bind(DevRandomDevice).toSelf().inSingletonScope();
    bind(DEVICE).toService(DevRandomDevice);

    bind(IoSyscalls).toSelf().inSingletonScope();
    bind(SYSCALL_PROVIDER).toService(IoSyscalls);
    bind(DescriptorSyscalls).toSelf().inSingletonScope();
    bind(SYSCALL_PROVIDER).toService(DescriptorSyscalls);
    bind(PathSyscalls).toSelf().inSingletonScope();
    bind(SYSCALL_PROVIDER).toService(PathSyscalls);
    bind(PollSyscalls).toSelf().inSingletonScope();
    bind(SYSCALL_PROVIDER).toService(PollSyscalls);
    bind(SignalWaits).toSelf().inSingletonScope();
    bind(EpollSyscalls).toSelf().inSingletonScope();
    bind(SYSCALL_PROVIDER).toService(EpollSyscalls);
    bind(EventFdSyscalls).toSelf().inSingletonScope();
    bind(SYSCALL_PROVIDER).toService(EventFdSyscalls);
    bind(StandardStreams).toSelf().inSingletonScope();
    bind(BOOT_CONTRIBUTION).toService(StandardStreams);
  });
}

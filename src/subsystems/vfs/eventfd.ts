import { inject, injectable } from 'inversify';
import { NO_RETURN, defineSyscall, type SyscallContext, type SyscallDefinition, type SyscallProvider } from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import { uint } from '../../kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../kernel/syscall/numbers.js';
import { O_CLOEXEC, O_NONBLOCK, O_RDWR, POLLERR, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from './constants.js';
import type { Inode } from './inode.js';
import { FileDescription, type FileServices } from './open-file.js';
import { PollWakeups, type WakeSource } from './poll-wake.js';
import { Vfs } from './vfs.js';

export const EFD_SEMAPHORE = 1;
export const EFD_NONBLOCK = O_NONBLOCK;
export const EFD_CLOEXEC = O_CLOEXEC;

/** The counter's ceiling: it holds at most 2^64 - 2, and writing 2^64 - 1 is EINVAL. */
const ULLONG_MAX = 0xffff_ffff_ffff_ffffn;

/**
 * An eventfd: a 64-bit counter behind a descriptor. read takes the whole count (or 1 with
 * EFD_SEMAPHORE) and blocks while it is 0; write adds and blocks while the sum would pass
 * 2^64 - 2; a read takes 8 bytes (EINVAL for a smaller buffer), a write exactly 8. Readable while the count is not 0, writable while
 * 1 more fits; each change wakes epoll entries (EPOLLIN for a write, EPOLLOUT for a read).
 */
export class EventFd extends FileDescription implements WakeSource {
  readonly wakeups = new PollWakeups();
  private _count: bigint;

  constructor(
    inode: Inode,
    initial: number,
    flags: number,
    services: FileServices,
  ) {
    super(inode, 'anon_inode:[eventfd]', O_RDWR, services);
    this.statusFlags = O_RDWR | (flags & O_NONBLOCK);
    this._count = BigInt(initial);
    this.semaphore = (flags & EFD_SEMAPHORE) !== 0;
  }

  readonly semaphore: boolean;

  get count(): bigint {
    return this._count;
  }

  read(context: SyscallContext, length: number, nonBlocking = false): Uint8Array | number | typeof NO_RETURN {
    if (length < 8) return -Errno.EINVAL;
    if (this._count === 0n) {
      if (nonBlocking || (this.statusFlags ?? 0) & O_NONBLOCK) return -Errno.EAGAIN;
      return this.services.queue.restartWhen(context, 'read on an eventfd at 0', () => this._count !== 0n);
    }
    const value = this.semaphore ? 1n : this._count;
    this._count -= value;
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, value, true);
    this.wakeups.wake(POLLOUT);
    this.services.queue.notify();
    return bytes;
  }

  write(context: SyscallContext, data: Uint8Array, nonBlocking = false): number | typeof NO_RETURN {
    if (data.length !== 8) return -Errno.EINVAL;
    const value = new DataView(data.buffer, data.byteOffset, 8).getBigUint64(0, true);
    if (value === ULLONG_MAX) return -Errno.EINVAL;
    if (ULLONG_MAX - this._count <= value) {
      if (nonBlocking || (this.statusFlags ?? 0) & O_NONBLOCK) return -Errno.EAGAIN;
      return this.services.queue.restartWhen(context, 'write to a full eventfd', () => ULLONG_MAX - this._count > value);
    }
    this._count += value;
    this.wakeups.wake(POLLIN);
    this.services.queue.notify();
    return 8;
  }

  override poll(): number {
    let mask = 0;
    if (this._count > 0n) mask |= POLLIN | POLLRDNORM;
    if (this._count === ULLONG_MAX) mask |= POLLERR;
    if (ULLONG_MAX - 1n > this._count) mask |= POLLOUT | POLLWRNORM;
    return mask;
  }

  override release(): void {
    this.wakeups.wake(0);
    super.release();
  }
}

/**
 * eventfd2 (riscv64 has no plain eventfd): EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC; the
 * descriptor is an anon_inode:[eventfd] file.
 */
@injectable()
export class EventFdSyscalls implements SyscallProvider {
  readonly subsystem = 'vfs';

  constructor(@inject(Vfs) private readonly vfs: Vfs) {}

  syscalls(): readonly SyscallDefinition[] {
    const vfs = this.vfs;
    return [
      defineSyscall({
        name: 'eventfd2',
        nr: NR.eventfd2,
        args: [uint('initval'), uint('flags')],
        support: 'full',
        note: 'a 64-bit counter: read takes it (1 with EFD_SEMAPHORE) and blocks at 0, write adds and blocks at the ceiling (EAGAIN with EFD_NONBLOCK); 8-byte reads and writes',
        handler(context, initial, flags) {
          if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC)) return -Errno.EINVAL;
          const file = new EventFd(vfs.anonInodes.inode, initial, flags, vfs.services);
          const descriptor = context.process.files.install(file, (flags & EFD_CLOEXEC) !== 0);
          if (descriptor === undefined) {
            file.release();
            return -Errno.EMFILE;
          }
          return descriptor;
        },
      }),
    ];
  }
}

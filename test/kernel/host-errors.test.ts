import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerModule, injectable } from 'inversify';
import { describe, expect, it } from 'vitest';
import type { Thread } from '../../src/kernel/process.js';
import { defineSyscall, type SyscallProvider } from '../../src/kernel/contracts/syscall.js';
import { Errno } from '../../src/kernel/errno.js';
import { KernelPanic, hostErrno } from '../../src/kernel/errors.js';
import { int } from '../../src/kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../src/kernel/syscall/numbers.js';
import { SCHEDULER, SYSCALL_PROVIDER } from '../../src/kernel/tokens.js';
import { CooperativeScheduler } from '../../src/subsystems/scheduler/cooperative.js';
import { createKernel } from '../../src/zeroos.js';
import { syscallHarness } from '../support/syscall-harness.js';

/** What Node throws for a host system call that failed. */
function errnoException(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: write`), { code, errno: -1, syscall: 'write' });
}

/** A kernel with io_uring_enter served by a handler that throws `error` (a host file op gone wrong, or a bug). */
function throwing(error: unknown) {
  @injectable()
  class HostBacked implements SyscallProvider {
    readonly subsystem = 'host-backed';
    syscalls() {
      return [
        defineSyscall({
          name: 'io_uring_enter',
          nr: NR.io_uring_enter,
          args: [int('x')],
          support: 'full',
          handler: () => {
            throw error;
          },
        }),
      ];
    }
  }
  return syscallHarness({ modules: [new ContainerModule(({ bind }) => void bind(SYSCALL_PROVIDER).to(HostBacked))] });
}

describe('SyscallTrapHandler', () => {
  describe('when a handler\'s host operation fails (a Node ErrnoException)', () => {
    it.each([
      ['ENOSPC', Errno.ENOSPC],
      ['EDQUOT', Errno.ENOSPC],
      ['EFBIG', Errno.EFBIG],
      ['EIO', Errno.EIO],
      ['EROFS', Errno.EROFS],
      ['EMFILE', Errno.ENFILE],
      ['EBADF', Errno.EIO],
      ['EINVAL', Errno.EIO],
      ['EAGAIN', Errno.EIO],
    ])('should return -errno to the guest for %s (%i), not stop the run', (code, errno) => {
      const h = throwing(errnoException(code));
      expect(h.syscall(NR.io_uring_enter)).toBe(BigInt(-errno));
    });
  });

  describe('when a handler has a bug', () => {
    it.each([
      ['a TypeError', new TypeError('x is undefined')],
      ["a Node error whose code is not an errno (ERR_INVALID_ARG_TYPE)", Object.assign(new TypeError('bad arg'), { code: 'ERR_INVALID_ARG_TYPE' })],
      ['a plain Error', new Error('oops')],
      ['a thrown string', 'oops'],
    ])('should stop with KernelPanic for %s', (_what, error) => {
      const h = throwing(error);
      expect(() => h.syscall(NR.io_uring_enter)).toThrow(KernelPanic);
    });
  });
});

describe('hostErrno', () => {
  it('should read only errno-shaped codes', () => {
    expect(hostErrno(errnoException('EPIPE'))).toBe(Errno.EPIPE);
    expect(hostErrno(Object.assign(new Error('x'), { code: 'EWHATEVER' }))).toBe(Errno.EIO);
    expect(hostErrno(Object.assign(new Error('x'), { code: 'ERR_STREAM_DESTROYED' }))).toBeUndefined();
    expect(hostErrno({ code: 'EPIPE' })).toBeUndefined(); // not an Error
    expect(hostErrno(new Error('EPIPE'))).toBeUndefined();
  });
});

describe('Kernel.runFor', () => {
  describe('when a service the run loop calls throws a raw error (a bug)', () => {
    it('should stop with KernelPanic naming the pc, not let the raw error out', () => {
      class BrokenScheduler extends CooperativeScheduler {
        override pickNext(_current: Thread | undefined): Thread | undefined {
          throw new TypeError('broken scheduler');
        }
      }
      const mine = new ContainerModule(({ rebind }) => void rebind(SCHEDULER).toConstantValue(new BrokenScheduler()));
      const zeroos = createKernel({ modules: [mine] });
      // pthread_join blocks its main thread on a futex: the first switch asks the scheduler.
      const path = '/guests/bin/pthread_join';
      zeroos.load({ executable: readFileSync(join(import.meta.dirname, '..', '..', 'guests', 'bin', 'pthread_join')), path, argv: [path] });
      let error: unknown;
      try {
        zeroos.run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(KernelPanic);
      expect((error as Error).message).toMatch(/^internal error: the run loop failed at pc 0x[0-9a-f]+: broken scheduler$/);
      expect((error as Error).cause).toBeInstanceOf(TypeError);
    });
  });
});

import { ContainerModule, injectable } from 'inversify';
import { describe, expect, it } from 'vitest';
import { defineSyscall, type SyscallProvider } from '../../src/kernel/contracts/syscall.js';
import { Errno } from '../../src/kernel/errno.js';
import { KernelPanic, hostErrno } from '../../src/kernel/errors.js';
import { int } from '../../src/kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../src/kernel/syscall/numbers.js';
import { SYSCALL_PROVIDER } from '../../src/kernel/tokens.js';
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

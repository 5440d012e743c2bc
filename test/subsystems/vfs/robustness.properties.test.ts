import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SYSCALL_NUMBERS as NR } from '../../../src/kernel/syscall/numbers.js';
import { AT_FDCWD, Guest } from './support.js';

/** The file syscalls a guest could throw anything at. */
const CALLS = [
  NR.openat, NR.close, NR.read, NR.write, NR.readv, NR.writev, NR.pread64, NR.pwrite64, NR.preadv, NR.pwritev,
  NR.preadv2, NR.pwritev2, NR.lseek, NR.fstat, NR.newfstatat, NR.statx, NR.faccessat, NR.faccessat2, NR.getdents64,
  NR.mkdirat, NR.unlinkat, NR.renameat2, NR.linkat, NR.symlinkat, NR.readlinkat, NR.ftruncate, NR.truncate,
  NR.fsync, NR.dup, NR.dup3, NR.fcntl, NR.flock, NR.fchmod, NR.fchmodat, NR.fchown, NR.fchownat, NR.utimensat,
  NR.ioctl, NR.pipe2, NR.getcwd, NR.chdir, NR.fchdir, NR.umask, NR.ppoll, NR.pselect6, NR.sendfile,
  NR.copy_file_range, NR.fallocate, NR.close_range, NR.statfs, NR.fstatfs, NR.mmap,
];

const PATHS = ['/tmp/a', '/tmp/d', '/tmp/d/f', '/tmp/l', 'rel', '.', '..', '/', '', '/proc/self/fd/3', '/dev/null', '/proc/self/exe', '/tmp/a/', '//tmp//d/..'];

describe('the file syscalls under arbitrary arguments', () => {
  it('should answer with a result or an errno, never an internal error', () => {
    const value = fc.oneof(
      fc.constantFrom(0, 1, 2, 3, 4, 5, 7, -1, AT_FDCWD, 0x100, 0x200, 0x1000, 0o100, 0o1101, 0o200000, 4096, 0x7000_0000),
      fc.integer({ min: -5, max: 70_000 }),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
      fc.nat({ max: PATHS.length - 1 }).map((i) => -1000 - i), // stands for "a path"
    );
    const call = fc.record({ nr: fc.constantFrom(...CALLS), args: fc.array(value, { minLength: 6, maxLength: 6 }) });
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 25 }), (calls) => {
        const g = Guest.create();
        g.mkdir('/tmp/d');
        g.writeFile('/tmp/d/f', 'contents');
        g.symlink('/tmp/d/f', '/tmp/l');
        const paths = PATHS.map((p) => g.str(p));
        for (const { nr, args } of calls) {
          if (g.h.zeroos.process.exited) break;
          const resolved = args.map((a) => (typeof a === 'number' && a <= -1000 ? paths[-1000 - a]! : a));
          const result = g.call(nr, ...resolved);
          expect(typeof result).toBe('bigint');
        }
      }),
      { numRuns: 300, seed: 20260601 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { PERM_R } from '../../src/arch/memory/types.js';
import { Errno } from '../../src/kernel/errno.js';
import { SYSCALL_NUMBERS as NR } from '../../src/kernel/syscall/numbers.js';
import { DATA, DATA_SIZE, UNMAPPED, iovecs, syscallHarness } from '../support/syscall-harness.js';

const E = (n: number) => BigInt(-n);

describe('IoSyscalls', () => {
  describe('write', () => {
    it('should write the bytes to the fd and return the count', () => {
      const h = syscallHarness();
      h.write(DATA, 'hello\n');
      expect(h.syscall(NR.write, 1, DATA, 6)).toBe(6n);
      expect(h.stdout()).toBe('hello\n');
    });
    it('should keep stdout and stderr apart', () => {
      const h = syscallHarness();
      h.write(DATA, 'ab');
      h.syscall(NR.write, 2, DATA, 1);
      h.syscall(NR.write, 1, DATA + 1, 1);
      expect(h.stderr()).toBe('a');
      expect(h.stdout()).toBe('b');
    });
    it('should return 0 for a zero count without touching the buffer', () => {
      const h = syscallHarness();
      expect(h.syscall(NR.write, 1, UNMAPPED, 0)).toBe(0n);
    });
    it('should return -EBADF for a closed, negative or read-only fd', () => {
      const h = syscallHarness();
      expect(h.syscall(NR.write, 7, DATA, 1)).toBe(E(Errno.EBADF));
      expect(h.syscall(NR.write, -1, DATA, 1)).toBe(E(Errno.EBADF));
      expect(h.syscall(NR.write, 0, DATA, 1)).toBe(E(Errno.EBADF));
    });
    it('should return -EFAULT for an unmapped or kernel-half buffer', () => {
      const h = syscallHarness();
      expect(h.syscall(NR.write, 1, UNMAPPED, 4)).toBe(E(Errno.EFAULT));
      expect(h.syscall(NR.write, 1, 0xffff_ffff_ffff_f000n, 4)).toBe(E(Errno.EFAULT));
      expect(h.stdout()).toBe('');
    });
    it('should write what it could before running off the end of a mapping', () => {
      const h = syscallHarness();
      const start = DATA + 4096 + 100;
      expect(h.syscall(NR.write, 1, start, 200_000)).toBe(BigInt(DATA + DATA_SIZE - start));
      expect(h.stdout().length).toBe(DATA + DATA_SIZE - start);
    });
  });

  describe('writev', () => {
    it('should gather the vectors in order', () => {
      const h = syscallHarness();
      h.write(DATA + 0x100, 'Hello, ');
      h.write(DATA + 0x200, 'world\n');
      iovecs(h, DATA, [
        [DATA + 0x100, 7],
        [0, 0],
        [DATA + 0x200, 6],
      ]);
      expect(h.syscall(NR.writev, 1, DATA, 3)).toBe(13n);
      expect(h.stdout()).toBe('Hello, world\n');
    });
    it('should return -EINVAL for a negative count or more than IOV_MAX vectors', () => {
      const h = syscallHarness();
      expect(h.syscall(NR.writev, 1, DATA, -1)).toBe(E(Errno.EINVAL));
      expect(h.syscall(NR.writev, 1, DATA, 1025)).toBe(E(Errno.EINVAL));
    });
    it('should return -EINVAL when a length is negative as ssize_t', () => {
      const h = syscallHarness();
      iovecs(h, DATA, [[DATA + 0x100, -1n]]);
      expect(h.syscall(NR.writev, 1, DATA, 1)).toBe(E(Errno.EINVAL));
    });
    it('should return -EFAULT when the iovec array is unreadable', () => {
      const h = syscallHarness();
      expect(h.syscall(NR.writev, 1, UNMAPPED, 2)).toBe(E(Errno.EFAULT));
    });
    it('should return the bytes written so far when a later vector faults', () => {
      const h = syscallHarness();
      h.write(DATA + 0x100, 'abc');
      iovecs(h, DATA, [
        [DATA + 0x100, 3],
        [UNMAPPED, 5],
      ]);
      expect(h.syscall(NR.writev, 1, DATA, 2)).toBe(3n);
      expect(h.stdout()).toBe('abc');
    });
    it('should return 0 for zero vectors', () => {
      expect(syscallHarness().syscall(NR.writev, 1, UNMAPPED, 0)).toBe(0n);
    });
  });

  describe('read', () => {
    it('should read stdin into guest memory and return 0 at end of input', () => {
      const h = syscallHarness({ console: { stdin: 'line one\nline two\n' } });
      expect(h.syscall(NR.read, 0, DATA, 9)).toBe(9n);
      expect(new TextDecoder().decode(h.read(DATA, 9))).toBe('line one\n');
      expect(h.syscall(NR.read, 0, DATA, 100)).toBe(9n);
      expect(h.syscall(NR.read, 0, DATA, 100)).toBe(0n);
    });
    it('should return -EFAULT for a read-only buffer without consuming input', () => {
      const h = syscallHarness({ console: { stdin: 'xyz' } });
      h.zeroos.kernel.arch.memory.protect(DATA, 4096, PERM_R);
      expect(h.syscall(NR.read, 0, DATA, 3)).toBe(E(Errno.EFAULT));
      expect(h.syscall(NR.read, 0, DATA + 4096, 3)).toBe(3n);
    });
    it('should return -EBADF on a write-only fd', () => {
      expect(syscallHarness().syscall(NR.read, 1, DATA, 1)).toBe(E(Errno.EBADF));
    });
  });

  describe('readv', () => {
    it('should scatter input across the vectors', () => {
      const h = syscallHarness({ console: { stdin: 'abcdef' } });
      iovecs(h, DATA, [
        [DATA + 0x100, 2],
        [DATA + 0x200, 10],
      ]);
      expect(h.syscall(NR.readv, 0, DATA, 2)).toBe(6n);
      expect(new TextDecoder().decode(h.read(DATA + 0x100, 2))).toBe('ab');
      expect(new TextDecoder().decode(h.read(DATA + 0x200, 4))).toBe('cdef');
    });
  });

  describe('ioctl', () => {
    it('should answer TIOCGWINSZ and TCGETS with -ENOTTY when the console is not a terminal', () => {
      const h = syscallHarness();
      expect(h.syscall(NR.ioctl, 1, 0x5413, DATA)).toBe(E(Errno.ENOTTY));
      expect(h.syscall(NR.ioctl, 0, 0x5401, DATA)).toBe(E(Errno.ENOTTY));
    });
    it('should give a fixed 80x24 window and a termios when the console is a terminal', () => {
      const h = syscallHarness({ console: { terminal: true } });
      expect(h.syscall(NR.ioctl, 1, 0x5413, DATA)).toBe(0n);
      expect([...h.read(DATA, 4)]).toEqual([24, 0, 80, 0]);
      expect(h.syscall(NR.ioctl, 1, 0x5401, DATA + 64)).toBe(0n);
      expect(new DataView(h.read(DATA + 64, 16).buffer).getUint32(12, true) & 0x2).toBe(0x2); // ICANON
    });
    it('should return -EFAULT for a bad argument pointer on a terminal', () => {
      const h = syscallHarness({ console: { terminal: true } });
      expect(h.syscall(NR.ioctl, 1, 0x5413, UNMAPPED)).toBe(E(Errno.EFAULT));
    });
    it('should return -EBADF for a closed fd', () => {
      expect(syscallHarness().syscall(NR.ioctl, 9, 0x5413, DATA)).toBe(E(Errno.EBADF));
    });
  });

  describe('close', () => {
    it('should close once and then report -EBADF', () => {
      const h = syscallHarness();
      expect(h.syscall(NR.close, 2)).toBe(0n);
      expect(h.syscall(NR.close, 2)).toBe(E(Errno.EBADF));
      expect(h.syscall(NR.write, 2, DATA, 1)).toBe(E(Errno.EBADF));
    });
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Errno } from '../../src/kernel/errno.js';
import { SYSCALL_NUMBERS as NR } from '../../src/kernel/syscall/numbers.js';
import { TRAP_HANDLER } from '../../src/kernel/tokens.js';
import { AT } from '../../src/platform/initial-stack.js';
import { LINUX_TASK_SIZE } from '../../src/platform/linux/layout.js';
import { auxvBytes, HPAGE_PMD_SIZE } from '../../src/subsystems/vfs/procfs.js';
import { createKernel } from '../../src/zeroos.js';
import { DATA, syscallHarness } from '../support/syscall-harness.js';
import { Guest } from './vfs/support.js';

/**
 * What Go's runtime reads from the kernel at start-up besides epoll, signals and futexes:
 * getrlimit (os raises RLIMIT_NOFILE's soft limit to the hard one), the transparent huge
 * page size, and the auxiliary vector.
 */
const E = (n: number) => BigInt(-n);
const AT_FDCWD = -100;
const PROT_RW = 3;
const MAP_PRIVATE_ANONYMOUS = 0x22;

describe('getrlimit and setrlimit', () => {
  it('should report the same limits as prlimit64(0, ...)', () => {
    const h = syscallHarness({ memoryLimit: 64 << 20 });
    const m = h.zeroos.kernel.arch.memory;
    for (const resource of [3, 7, 9, 0, 15]) {
      expect(h.syscall(NR.prlimit64, 0, resource, 0, DATA)).toBe(0n);
      const viaPrlimit = [m.readU64(DATA), m.readU64(DATA + 8)];
      m.writeU64(DATA, 0n);
      m.writeU64(DATA + 8, 0n);
      expect(h.syscall(NR.getrlimit, resource, DATA)).toBe(0n);
      expect([m.readU64(DATA), m.readU64(DATA + 8)]).toEqual(viaPrlimit);
    }
    expect(h.syscall(NR.getrlimit, 7, DATA)).toBe(0n);
    expect(m.readU64(DATA)).toBe(1024n); // RLIMIT_NOFILE: the fd table's size, soft = hard
    expect(m.readU64(DATA + 8)).toBe(1024n);
    expect(h.syscall(NR.getrlimit, 9, DATA)).toBe(0n);
    expect(m.readU64(DATA)).toBe(BigInt(64 << 20)); // RLIMIT_AS: the memory limit
  });
  it('should keep a lowered limit set with setrlimit and refuse raising the hard limit', () => {
    const h = syscallHarness();
    const m = h.zeroos.kernel.arch.memory;
    m.writeU64(DATA + 0x40, 100n);
    m.writeU64(DATA + 0x48, 200n);
    expect(h.syscall(NR.setrlimit, 7, DATA + 0x40)).toBe(0n);
    expect(h.syscall(NR.getrlimit, 7, DATA)).toBe(0n);
    expect([m.readU64(DATA), m.readU64(DATA + 8)]).toEqual([100n, 200n]);
    expect(h.syscall(NR.prlimit64, 0, 7, 0, DATA)).toBe(0n);
    expect([m.readU64(DATA), m.readU64(DATA + 8)]).toEqual([100n, 200n]);
    m.writeU64(DATA + 0x48, 300n);
    expect(h.syscall(NR.setrlimit, 7, DATA + 0x40)).toBe(E(Errno.EPERM));
    m.writeU64(DATA + 0x40, 250n);
    m.writeU64(DATA + 0x48, 200n);
    expect(h.syscall(NR.setrlimit, 7, DATA + 0x40)).toBe(E(Errno.EINVAL)); // soft > hard
  });
  it('should return -EINVAL for an unknown resource and -EFAULT for a bad or null pointer', () => {
    const h = syscallHarness();
    expect(h.syscall(NR.getrlimit, 16, DATA)).toBe(E(Errno.EINVAL));
    expect(h.syscall(NR.getrlimit, -1, DATA)).toBe(E(Errno.EINVAL));
    expect(h.syscall(NR.getrlimit, 7, 0)).toBe(E(Errno.EFAULT));
    expect(h.syscall(NR.setrlimit, 7, 0)).toBe(E(Errno.EFAULT));
    expect(h.syscall(NR.getrlimit, 7, 0x7000_0000)).toBe(E(Errno.EFAULT));
  });
});

describe('/sys/kernel/mm/transparent_hugepage', () => {
  it('should give the PMD size riscv64 Linux reports (2 MiB) and huge pages as never used', () => {
    const g = Guest.create();
    expect(HPAGE_PMD_SIZE).toBe(2097152);
    expect(g.readFile('/sys/kernel/mm/transparent_hugepage/hpage_pmd_size')).toBe('2097152\n');
    expect(g.readFile('/sys/kernel/mm/transparent_hugepage/enabled')).toBe('always madvise [never]\n');
  });
});

/** A Linux-platform kernel with hello loaded (not run), and a way to make syscalls as its main thread. */
function linuxProcess(argv = ['/bin/hello'], env: string[] = []) {
  const elf = readFileSync(join(import.meta.dirname, '..', '..', 'guests', 'bin', 'hello'));
  const zeroos = createKernel({ seed: 5n });
  zeroos.load({ executable: elf, path: '/bin/hello', argv, env });
  const { hart, memory } = zeroos.kernel.arch;
  const trap = zeroos.container.get(TRAP_HANDLER);
  const main = [...zeroos.process.threads.values()][0]!;
  const call = (nr: number, ...args: (number | bigint)[]) => {
    hart.setX(17, BigInt(nr));
    for (let i = 0; i < 6; i++) hart.setX(10 + i, BigInt.asUintN(64, BigInt(args[i] ?? 0)));
    trap.onEcall(main);
    return hart.getXSigned(10);
  };
  return { zeroos, hart, memory, call };
}

describe("Go's heap arena hints", () => {
  // Go 1.19 on riscv64 asks for its arenas at i<<40 | 0xc000000000 (i = 0x7f..0): every hint
  // lies beyond an sv39 process's 256 GiB, as on Linux on an sv39 hart.
  const MAP_PRIVATE_ANONYMOUS_NORESERVE = 0x22 | 0x4000;
  const MAP_FIXED = 0x10;
  const MAP_FIXED_NOREPLACE = 0x100000;
  it('should ignore a hint past the task size and map elsewhere, as Linux does', () => {
    const { call } = linuxProcess();
    expect(0xc0_0000_0000).toBeGreaterThan(LINUX_TASK_SIZE);
    const at = Number(call(NR.mmap, 0xc0_0000_0000, 64 << 20, 0, MAP_PRIVATE_ANONYMOUS_NORESERVE, -1, 0));
    expect(at).toBeGreaterThan(0);
    expect(at + (64 << 20)).toBeLessThanOrEqual(LINUX_TASK_SIZE);
    expect(call(NR.munmap, at, 64 << 20)).toBe(0n);
  });
  it('should refuse a fixed mapping past the task size with -ENOMEM', () => {
    const { call } = linuxProcess();
    expect(call(NR.mmap, 0xc0_0000_0000, 64 << 20, 0, MAP_PRIVATE_ANONYMOUS_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0)).toBe(E(Errno.ENOMEM));
    expect(call(NR.mmap, 0xc0_0000_0000, 64 << 20, 0, MAP_PRIVATE_ANONYMOUS_NORESERVE | MAP_FIXED, -1, 0)).toBe(E(Errno.ENOMEM));
  });
  it('should take a free hint inside the address space', () => {
    const { call } = linuxProcess();
    expect(call(NR.mmap, 0x20_0000_0000, 64 << 20, 0, MAP_PRIVATE_ANONYMOUS_NORESERVE, -1, 0)).toBe(0x20_0000_0000n);
  });
});

describe('/proc/self/auxv', () => {
  it('should encode pairs as two little-endian u64 words', () => {
    const bytes = auxvBytes([
      [AT.PAGESZ, 4096n],
      [AT.NULL, 0n],
    ]);
    expect(Buffer.from(bytes).toString('hex')).toBe('0600000000000000' + '0010000000000000' + '0'.repeat(32));
  });

  it('should hold the auxiliary vector the program found on its initial stack, up to AT_NULL', () => {
    const { zeroos, hart, memory, call } = linuxProcess(['/bin/hello', 'one'], ['A=b']);
    const sp = Number(hart.getX(2));
    // The vector as the guest sees it on its stack: after argc, argv, NULL, envp, NULL.
    const argc = Number(memory.readU64(sp));
    let at = sp + 8 * (1 + argc + 1 + 1 + 1);
    const onStack: [number, bigint][] = [];
    for (;;) {
      const key = Number(memory.readU64(at));
      onStack.push([key, memory.readU64(at + 8)]);
      at += 16;
      if (key === AT.NULL) break;
    }
    expect(onStack.find(([key]) => key === AT.RANDOM)).toBeDefined();

    const scratch = Number(call(NR.mmap, 0, 0x2000, PROT_RW, MAP_PRIVATE_ANONYMOUS, -1, 0));
    expect(scratch).toBeGreaterThan(0);
    memory.write(scratch, new TextEncoder().encode('/proc/self/auxv\0'));
    const fd = call(NR.openat, AT_FDCWD, scratch, 0, 0);
    expect(fd).toBeGreaterThanOrEqual(0n);
    const n = call(NR.read, fd, scratch + 0x100, 0x1000);
    expect(n).toBe(BigInt(onStack.length * 16));
    expect(Buffer.from(memory.read(scratch + 0x100, Number(n))).toString('hex')).toBe(Buffer.from(auxvBytes(onStack)).toString('hex'));
    expect(zeroos.kernel.bootInfo?.auxv).toEqual(onStack);
    // The guest changing its stack does not change what /proc shows (Linux keeps a copy).
    memory.writeU64(sp + 8 * (1 + argc + 1 + 1 + 1) + 8, 0xdeadn);
    expect(call(NR.lseek, fd, 0, 0)).toBe(0n);
    expect(call(NR.read, fd, scratch + 0x100, 0x1000)).toBe(n);
    expect(memory.readU64(scratch + 0x100 + 8)).toBe(onStack[0]![1]);
  });

  it('should be empty on a platform that builds no Linux initial stack', () => {
    const g = Guest.create();
    expect(g.readFile('/proc/self/auxv')).toBe('');
  });
});

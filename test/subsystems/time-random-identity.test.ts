import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/kernel/clock.js';
import { Errno } from '../../src/kernel/errno.js';
import { SYSCALL_NUMBERS as NR } from '../../src/kernel/syscall/numbers.js';
import { ThreadWaits } from '../../src/kernel/waits.js';
import { DATA, syscallHarness, type SyscallHarness } from '../support/syscall-harness.js';

const E = (n: number) => BigInt(-n);
const NS = 1_000_000_000n;
const readTs = (h: SyscallHarness, at: number) => {
  const m = h.zeroos.kernel.arch.memory;
  return BigInt.asIntN(64, m.readU64(at)) * NS + BigInt.asIntN(64, m.readU64(at + 8));
};
const writeTs = (h: SyscallHarness, at: number, ns: bigint) => {
  const m = h.zeroos.kernel.arch.memory;
  m.writeU64(at, ns / NS);
  m.writeU64(at + 8, ns % NS);
};

describe('TimeSyscalls', () => {
  describe('clock_gettime', () => {
    it('should read REALTIME as the epoch plus virtual time and MONOTONIC from a fixed uptime', () => {
      const h = syscallHarness({ epochSeconds: 1_000_000 });
      expect(h.syscall(NR.clock_gettime, 0, DATA)).toBe(0n);
      expect(readTs(h, DATA)).toBe(1_000_000n * NS + BigInt(h.zeroos.kernel.clock.now()));
      expect(h.syscall(NR.clock_gettime, 1, DATA)).toBe(0n);
      expect(readTs(h, DATA)).toBe(BigInt(VirtualClock.UPTIME_AT_START_NS + h.zeroos.kernel.clock.now()));
    });
    it('should serve every clock id Linux has, coarse ones rounded to their resolution', () => {
      const h = syscallHarness();
      for (const id of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11]) expect(h.syscall(NR.clock_gettime, id, DATA)).toBe(0n);
      h.syscall(NR.clock_gettime, 6, DATA);
      expect(readTs(h, DATA) % 4_000_000n).toBe(0n);
    });
    it('should return -EINVAL for an unknown clock and -EFAULT for a bad pointer', () => {
      const h = syscallHarness();
      expect(h.syscall(NR.clock_gettime, 10, DATA)).toBe(E(Errno.EINVAL));
      expect(h.syscall(NR.clock_gettime, 0, 0x7000_0000)).toBe(E(Errno.EFAULT));
    });
    it('should advance with the instruction count at the configured rate', () => {
      const h = syscallHarness({ nsPerInstruction: 5 });
      expect(h.zeroos.container.get(VirtualClock).nsPerInstruction).toBe(5);
      h.syscall(NR.clock_getres, 1, DATA);
      expect(readTs(h, DATA)).toBe(5n);
    });
  });

  describe('nanosleep and clock_nanosleep', () => {
    it('should block the caller until virtual time reaches the wake-up', () => {
      const h = syscallHarness();
      writeTs(h, DATA, 10_000_000n);
      const clock = h.zeroos.container.get(VirtualClock);
      const start = clock.now();
      h.syscall(NR.nanosleep, DATA, 0);
      expect(h.main.state).toBe('blocked');
      expect(h.zeroos.container.get(ThreadWaits).earliestDeadline()).toBe(start + 10_000_000);
    });
    it('should return at once for an absolute time in the past', () => {
      const h = syscallHarness();
      writeTs(h, DATA, 1n);
      expect(h.syscall(NR.clock_nanosleep, 1, 1, DATA, 0)).toBe(0n);
      expect(h.main.state).toBe('runnable');
    });
    it('should reject a bad timespec and a CPU-time clock', () => {
      const h = syscallHarness();
      writeTs(h, DATA, 0n);
      h.zeroos.kernel.arch.memory.writeU64(DATA + 8, NS);
      expect(h.syscall(NR.nanosleep, DATA, 0)).toBe(E(Errno.EINVAL));
      writeTs(h, DATA, 5n);
      expect(h.syscall(NR.clock_nanosleep, 3, 0, DATA, 0)).toBe(E(Errno.EINVAL));
    });
  });

  describe('gettimeofday, times, getrusage', () => {
    it('should agree with CLOCK_REALTIME and the instruction count', () => {
      const h = syscallHarness({ epochSeconds: 42 });
      expect(h.syscall(NR.gettimeofday, DATA, 0)).toBe(0n);
      expect(h.zeroos.kernel.arch.memory.readU64(DATA)).toBe(42n);
      expect(h.syscall(NR.times, 0)).toBeGreaterThanOrEqual(0n);
      expect(h.syscall(NR.getrusage, 0, DATA)).toBe(0n);
      expect(h.syscall(NR.getrusage, 5, DATA)).toBe(E(Errno.EINVAL));
    });
  });
});

describe('getrandom', () => {
  const draw = (seed: number) => {
    const h = syscallHarness({ seed });
    expect(h.syscall(NR.getrandom, DATA, 32, 0)).toBe(32n);
    return Buffer.from(h.read(DATA, 32)).toString('hex');
  };
  it('should give the same bytes for the same seed and other bytes for another', () => {
    expect(draw(1)).toBe(draw(1));
    expect(draw(1)).not.toBe(draw(2));
  });
  it('should continue the stream across calls', () => {
    const h = syscallHarness({ seed: 1 });
    h.syscall(NR.getrandom, DATA, 16, 0);
    h.syscall(NR.getrandom, DATA + 16, 16, 1);
    expect(Buffer.from(h.read(DATA, 32)).toString('hex')).toBe(draw(1));
  });
  it('should reject unknown flags and GRND_RANDOM with GRND_INSECURE', () => {
    const h = syscallHarness();
    expect(h.syscall(NR.getrandom, DATA, 8, 0x100)).toBe(E(Errno.EINVAL));
    expect(h.syscall(NR.getrandom, DATA, 8, 6)).toBe(E(Errno.EINVAL));
    expect(h.syscall(NR.getrandom, 0x7000_0000, 8, 0)).toBe(E(Errno.EFAULT));
  });
});

describe('IdentitySyscalls', () => {
  it('should report a fixed uname with machine riscv64', () => {
    const h = syscallHarness();
    expect(h.syscall(NR.uname, DATA)).toBe(0n);
    const field = (i: number) => new TextDecoder().decode(h.read(DATA + i * 65, 65)).replace(/\0.*$/s, '');
    expect([field(0), field(1), field(4)]).toEqual(['Linux', 'zeroos', 'riscv64']);
  });
  it('should report the run\'s real limits through prlimit64', () => {
    const h = syscallHarness({ memoryLimit: 64 << 20 });
    const m = h.zeroos.kernel.arch.memory;
    expect(h.syscall(NR.prlimit64, 0, 7, 0, DATA)).toBe(0n); // NOFILE
    expect(m.readU64(DATA)).toBe(1024n);
    expect(h.syscall(NR.prlimit64, 0, 9, 0, DATA)).toBe(0n); // AS
    expect(m.readU64(DATA)).toBe(BigInt(64 << 20));
    m.writeU64(DATA + 0x40, 10n);
    m.writeU64(DATA + 0x48, 5n);
    expect(h.syscall(NR.prlimit64, 0, 7, DATA + 0x40, 0)).toBe(E(Errno.EINVAL)); // soft > hard
    expect(h.syscall(NR.prlimit64, 0, 99, 0, DATA)).toBe(E(Errno.EINVAL));
    expect(h.syscall(NR.prlimit64, 77, 7, 0, DATA)).toBe(E(Errno.ESRCH));
  });
  it('should describe the emulated hart through riscv_hwprobe and mark unknown keys -1', () => {
    const h = syscallHarness();
    const m = h.zeroos.kernel.arch.memory;
    m.writeU64(DATA, 4n); // IMA_EXT_0
    m.writeU64(DATA + 16, 999n);
    expect(h.syscall(NR.riscv_hwprobe, DATA, 2, 0, 0, 0)).toBe(0n);
    const hwcap = h.zeroos.kernel.arch.hart.isa.hwcap;
    expect(m.readU64(DATA + 8)).toBe(2n | ((hwcap & 0x28) === 0x28 ? 1n : 0n)); // IMA_C, and IMA_FD when the hart has F and D
    expect(BigInt.asIntN(64, m.readU64(DATA + 16))).toBe(-1n);
    expect(h.syscall(NR.riscv_hwprobe, DATA, 1, 0, 0, 1)).toBe(E(Errno.EINVAL));
  });
  it('should report IMA_FD through riscv_hwprobe exactly when the hart has F and D', () => {
    const letters = (s: string) => [...s].reduce((bits, l) => bits | (1 << (l.charCodeAt(0) - 97)), 0);
    for (const [isa, ext0] of [['imafdc', 3n], ['imafc', 2n], ['imac', 2n], ['imafd', 1n]] as const) {
      const h = syscallHarness();
      // this hart's registry answers as one with these letters
      const hart = h.zeroos.kernel.arch.hart;
      Object.defineProperty(hart, 'isa', { value: Object.create(hart.isa, { hwcap: { value: letters(isa) } }) });
      const m = h.zeroos.kernel.arch.memory;
      m.writeU64(DATA, 4n);
      expect(h.syscall(NR.riscv_hwprobe, DATA, 1, 0, 0, 0)).toBe(0n);
      expect(m.readU64(DATA + 8), isa).toBe(ext0);
    }
  });
  it('should answer the id calls as root in pid 1 with no parent', () => {
    const h = syscallHarness();
    expect([NR.getuid, NR.geteuid, NR.getgid, NR.getegid, NR.getppid].map((nr) => h.syscall(nr))).toEqual([0n, 0n, 0n, 0n, 0n]);
    expect(h.syscall(NR.getpgid, 0)).toBe(1n);
    expect(h.syscall(NR.getsid, 5)).toBe(E(Errno.ESRCH));
    expect(h.syscall(NR.membarrier, 0, 0, 0)).toBeGreaterThan(0n);
    expect(h.syscall(NR.sysinfo, DATA)).toBe(0n);
  });
});

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryFault } from '../../src/arch/memory/types.js';
import { IllegalInstruction } from '../../src/arch/riscv64/types.js';
import { ZeroOSError } from '../../src/errors.js';
import { Deadlock, GuestFault, InstructionBudgetExhausted, KernelPanic, UnknownSyscall } from '../../src/kernel/errors.js';
import type { KernelEvent } from '../../src/kernel/events.js';
import { createKernel, type KernelOptions } from '../../src/zeroos.js';

const GUESTS = join(import.meta.dirname, '..', '..', 'guests');
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A guest's inputs and what qemu-riscv64 recorded for it. */
function guest(name: string) {
  const src = (ext: string) => join(GUESTS, 'src', `${name}.${ext}`);
  const lines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').replace(/\n$/, '').split('\n') : []);
  const expected = (ext: string) => readFileSync(join(GUESTS, 'expected', `${name}.${ext}`), 'utf8');
  return {
    elf: readFileSync(join(GUESTS, 'bin', name)),
    path: `guests/bin/${name}`,
    args: lines(src('args')),
    env: lines(src('env')).filter((l) => l.trim() !== ''),
    stdin: existsSync(src('stdin')) ? readFileSync(src('stdin')) : new Uint8Array(0),
    stdout: () => expected('stdout'),
    stderr: () => expected('stderr'),
    exit: () => Number(expected('exit').trim()),
  };
}

function boot(name: string, options: KernelOptions = {}) {
  const g = guest(name);
  const zeroos = createKernel({ console: { stdin: g.stdin }, ...options });
  zeroos.load({ executable: g.elf, path: g.path, argv: [g.path, ...g.args], env: g.env });
  return { g, zeroos };
}

function failure(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the run to fail');
}

/** Guests that end in a fault, an unserved syscall, a deadlock or that need preemption: tested one by one below (preempt_signals: test/integration/preempt-guests.test.ts; sig_restart: test/integration/sig-restart-guest.test.ts). */
const SPECIAL = ['nosys', 'segv', 'illegal', 'guard_overflow', 'deadlock', 'spin_wait', 'preempt_signals', 'sig_restart'];
/** Guests that need files, devices, mounts or a working directory: test/integration/vfs-guests.test.ts runs them. */
const FILE_GUESTS = ['fileio', 'mounted_io', 'pipe_threads', 'wc_stdin', 'rust_fs', 'filecopy', 'write_loop', 'random'];
const MATCHING = readdirSync(join(GUESTS, 'expected'))
  .filter((f) => f.endsWith('.exit'))
  .map((f) => f.slice(0, -'.exit'.length))
  .filter((name) => !SPECIAL.includes(name) && !FILE_GUESTS.includes(name))
  .filter((name) => !name.startsWith('conf_fd_')) // the F/D conformance guests: test/arch/conformance-fd.test.ts
  .filter((name) => !name.startsWith('gc_')) // the glibc RV64GC guests: test/integration/glibc-guests.test.ts
  .filter((name) => !name.startsWith('go_demo.')) // the Go guest's commands: test/integration/go-guests.test.ts
  .sort();
/** Guests whose output does not depend on which allocator backs mmap, run under all three. */
const ALLOCATING = ['malloc_stress', 'mmap_ops', 'rust_collections', 'pthread_pc'];
const THREADED = ['pthread_pc', 'futex_pingpong', 'pthread_join', 'exit_group_worker', 'rust_threads'];

/** Every execution tier: each must run every guest to the same result. */
const ENGINES = ['js', 'interpreter', 'wasm'] as const;

describe('committed guests', () => {
  describe.each(MATCHING)('%s', (name) => {
    it.each(ENGINES)('should print what qemu-riscv64 printed and exit the same way (%s tier)', (engine) => {
      const { g, zeroos } = boot(name, { engine });
      const result = zeroos.run();
      expect(decode(result.stdout)).toBe(g.stdout());
      expect(decode(result.stderr)).toBe(g.stderr());
      expect(result.exitCode).toBe(g.exit());
    });
  });

  describe.each(ALLOCATING.flatMap((name) => (['buddy', 'bump'] as const).map((allocator) => [name, allocator] as const)))(
    '%s with the %s allocator',
    (name, allocator) => {
      it('should match qemu, or (bump only) stop with a clean named error when it cannot serve a request', () => {
        const { g, zeroos } = boot(name, { allocator });
        let error: unknown;
        try {
          zeroos.run();
        } catch (e) {
          error = e;
        }
        if (error === undefined || allocator !== 'bump') {
          expect(error).toBeUndefined();
          expect(decode(zeroos.result().stdout)).toBe(g.stdout());
          expect(zeroos.result().exitCode).toBe(g.exit());
        } else {
          expect(error).toBeInstanceOf(ZeroOSError);
          expect(error).not.toBeInstanceOf(KernelPanic);
        }
      });
    },
  );

  describe.each(THREADED.flatMap((name) => [1, 2, 3].map((seed) => [name, seed] as const)))(
    '%s under the random scheduler with seed %i',
    (name, seed) => {
      it('should give the same result as qemu whatever the interleaving', () => {
        const { g, zeroos } = boot(name, { scheduler: 'random', quantum: 5000, seed });
        const result = zeroos.run();
        expect(decode(result.stdout)).toBe(g.stdout());
        expect(result.exitCode).toBe(g.exit());
      });
    },
  );

  describe('nosys', () => {
    it('should stop with UnknownSyscall naming the syscall, its number, pc and thread', () => {
      const unknown = failure(() => boot('nosys').zeroos.run()) as UnknownSyscall;
      expect(unknown).toBeInstanceOf(UnknownSyscall);
      expect(unknown.syscall).toBe('io_uring_setup');
      expect(unknown.nr).toBe(425);
      expect(unknown.tid).toBe(1);
      expect(unknown.pc).toBeGreaterThan(0x10000);
      expect(unknown.message).toMatch(/unsupported syscall io_uring_setup \(nr 425\)/);
      expect(unknown.recent.length).toBeGreaterThan(0);
    });
    it('should return -ENOSYS and emit an event under the enosys policy', () => {
      const { zeroos } = boot('nosys', { unknownSyscall: 'enosys' });
      const seen: string[] = [];
      zeroos.events.unsupportedSyscall$.subscribe((e) => seen.push(e.name));
      const result = zeroos.run();
      expect(seen).toEqual(['io_uring_setup']);
      expect(decode(result.stdout)).toBe(guest('nosys').stdout());
      expect(result.exitCode).toBe(0);
    });
  });

  describe.each([
    ['segv', MemoryFault, 11],
    ['guard_overflow', MemoryFault, 11],
    ['illegal', IllegalInstruction, 4],
  ] as const)('%s', (name, cause, signal) => {
    it.each(ENGINES)('should end in a GuestFault with the arch-level cause, after printing what qemu printed (%s tier)', (engine) => {
      const { g, zeroos } = boot(name, { engine });
      const error = failure(() => zeroos.run()) as GuestFault;
      expect(error).toBeInstanceOf(GuestFault);
      expect(error.cause).toBeInstanceOf(cause);
      expect(error.signal).toBe(signal);
      expect(zeroos.result().exitCode).toBe(g.exit());
      expect(decode(zeroos.result().stdout)).toBe(g.stdout());
    });
  });

  describe('segv', () => {
    it('should name the address and the kind of access', () => {
      const error = failure(() => boot('segv').zeroos.run()) as GuestFault;
      expect((error.cause as MemoryFault).access).toBe('write');
      expect((error.cause as MemoryFault).address).toBe(0x10n);
    });
  });

  describe('guard_overflow', () => {
    it('should fault on the guard page with a permission violation', () => {
      const error = failure(() => boot('guard_overflow').zeroos.run()) as GuestFault;
      expect((error.cause as MemoryFault).reason).toBe('permission');
    });
  });

  describe('deadlock', () => {
    it('should stop with Deadlock listing each thread, the futex it waits on and its pc', () => {
      const error = failure(() => boot('deadlock').zeroos.run()) as Deadlock;
      expect(error).toBeInstanceOf(Deadlock);
      expect(error.threads.length).toBeGreaterThanOrEqual(2);
      for (const t of error.threads) {
        expect(t.waitingOn).toMatch(/^futex 0x[0-9a-f]+ \(value \d+\)$/);
        expect(t.pc).toBeGreaterThan(0x10000);
      }
      expect(error.message).toMatch(/^deadlock: all \d+ live thread\(s\) are blocked/);
    });
  });

  describe('spin_wait', () => {
    it('should finish when a quantum preempts the spinning thread', () => {
      const { g, zeroos } = boot('spin_wait', { quantum: 10_000 });
      const result = zeroos.run();
      expect(decode(result.stdout)).toBe(g.stdout());
      expect(result.exitCode).toBe(0);
    });
    it('should stop at the budget with a hint about spinning when run cooperatively', () => {
      const error = failure(() => boot('spin_wait', { maxInstructions: 5_000_000 }).zeroos.run());
      expect(error).toBeInstanceOf(InstructionBudgetExhausted);
      expect((error as Error).message).toMatch(/spin-waiting \(try --quantum\)/);
    });
  });
});

describe('determinism', () => {
  const trace = (name: string, options: KernelOptions) => {
    const { zeroos } = boot(name, options);
    const events: KernelEvent[] = [];
    zeroos.events.all$.subscribe((e) => events.push(e));
    const result = zeroos.run();
    return { events: JSON.stringify(events, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)), result };
  };
  it.each(['hello', 'args', 'corners', 'pthread_pc', 'rust_threads'])(
    'should give %s the same event sequence on two runs with one seed',
    (name) => {
      const a = trace(name, { seed: 7 });
      const b = trace(name, { seed: 7 });
      expect(a.events.length).toBeGreaterThan(2);
      expect(a.events).toBe(b.events);
      expect(a.result.instructions).toBe(b.result.instructions);
    },
  );
  it('should interleave threads differently under different seeds of the random scheduler, with the same result', () => {
    const runs = [1, 2, 3, 4].map((seed) => trace('pthread_pc', { scheduler: 'random', quantum: 2000, seed }));
    expect(new Set(runs.map((r) => r.events)).size).toBeGreaterThan(1);
    expect(new Set(runs.map((r) => decode(r.result.stdout))).size).toBe(1);
  });
  it('should give the same clocks under another seed, and draw other random bytes', () => {
    const a = trace('clocks', { seed: 1 });
    const b = trace('clocks', { seed: 2 });
    expect(decode(a.result.stdout)).toBe(decode(b.result.stdout));
    expect(a.result.instructions).toBe(b.result.instructions);
    const atRandom = (seed: number) => {
      const { zeroos } = boot('hello', { seed });
      const memory = zeroos.kernel.arch.memory;
      const hart = zeroos.kernel.arch.hart;
      // Walk the initial stack: argc, argv..., 0, envp..., 0, then auxv pairs up to AT_RANDOM (25).
      let at = Number(hart.getX(2));
      const argc = Number(memory.readU64(at));
      at += 8 * (argc + 2);
      while (memory.readU64(at) !== 0n) at += 8;
      at += 8;
      while (memory.readU64(at) !== 25n) at += 16;
      return Buffer.from(memory.read(Number(memory.readU64(at + 8)), 16)).toString('hex');
    };
    expect(atRandom(1)).toBe(atRandom(1));
    expect(atRandom(1)).not.toBe(atRandom(2));
  });
});

describe('abort', () => {
  it('should end with status 134 and SIGABRT after what the guest printed', () => {
    const { g, zeroos } = boot('abort');
    const result = zeroos.run();
    expect(result.exitCode).toBe(134);
    expect(result.signal).toBe(6);
    expect(decode(result.stdout)).toBe(g.stdout());
  });
});

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IllegalInstruction } from '../../src/arch/riscv64/types.js';
import { MemoryFault } from '../../src/arch/memory/types.js';
import { GuestFault, UnknownSyscall } from '../../src/kernel/errors.js';
import type { KernelEvent } from '../../src/kernel/events.js';
import { createKernel } from '../../src/zeroos.js';

const GUESTS = join(import.meta.dirname, '..', '..', 'guests');

/** A guest's inputs and qemu-riscv64's recorded behaviour. */
function guest(name: string) {
  const src = (ext: string) => join(GUESTS, 'src', `${name}.${ext}`);
  const lines = (path: string) =>
    existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l, i, all) => l !== '' || i < all.length - 1) : [];
  return {
    elf: readFileSync(join(GUESTS, 'bin', name)),
    path: `guests/bin/${name}`,
    args: lines(src('args')),
    env: lines(src('env')).filter((l) => l.trim() !== ''),
    stdin: existsSync(src('stdin')) ? readFileSync(src('stdin')) : new Uint8Array(0),
    stdout: readFileSync(join(GUESTS, 'expected', `${name}.stdout`), 'utf8'),
    stderr: readFileSync(join(GUESTS, 'expected', `${name}.stderr`), 'utf8'),
    exit: Number(readFileSync(join(GUESTS, 'expected', `${name}.exit`), 'utf8').trim()),
  };
}

function boot(name: string, seed = 0) {
  const g = guest(name);
  const zeroos = createKernel({ seed, console: { stdin: g.stdin } });
  zeroos.load({ executable: g.elf, path: g.path, argv: [g.path, ...g.args], env: g.env });
  return { g, zeroos };
}

/** Guests whose qemu run ends normally: ZeroOS must match stdout, stderr and exit code byte for byte. */
const MATCHING = readdirSync(join(GUESTS, 'expected'))
  .filter((f) => f.endsWith('.exit'))
  .map((f) => f.slice(0, -'.exit'.length))
  .filter((name) => !['nosys', 'segv', 'illegal'].includes(name));

describe('committed guests', () => {
  describe.each(MATCHING)('%s', (name) => {
    it('should print what qemu-riscv64 printed and exit the same way', () => {
      const { g, zeroos } = boot(name);
      const result = zeroos.run();
      expect(new TextDecoder().decode(result.stdout)).toBe(g.stdout);
      expect(new TextDecoder().decode(result.stderr)).toBe(g.stderr);
      expect(result.exitCode).toBe(g.exit);
    });
  });

  describe('nosys', () => {
    it('should stop with UnknownSyscall naming the syscall, its number, pc and thread', () => {
      const { zeroos } = boot('nosys');
      let error: unknown;
      try {
        zeroos.run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UnknownSyscall);
      const unknown = error as UnknownSyscall;
      expect(unknown.syscall).toBe('io_uring_setup');
      expect(unknown.nr).toBe(425);
      expect(unknown.tid).toBe(1);
      expect(unknown.pc).toBeGreaterThan(0x10000);
      expect(unknown.message).toMatch(/unsupported syscall io_uring_setup \(nr 425\)/);
      expect(unknown.recent.length).toBeGreaterThan(0);
    });
    it('should return -ENOSYS and emit an event under the enosys policy', () => {
      const g = guest('nosys');
      const zeroos = createKernel({ unknownSyscall: 'enosys' });
      const seen: string[] = [];
      zeroos.events.unsupportedSyscall$.subscribe((e) => seen.push(e.name));
      zeroos.load({ executable: g.elf, path: g.path, argv: [g.path] });
      const result = zeroos.run();
      expect(seen).toEqual(['io_uring_setup']);
      expect(new TextDecoder().decode(result.stdout)).toMatch(/-1/);
      expect(result.exitCode).toBe(0);
    });
  });

  describe('segv', () => {
    it('should end in a GuestFault caused by a MemoryFault with address, access and pc', () => {
      const { zeroos } = boot('segv');
      let error: unknown;
      try {
        zeroos.run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GuestFault);
      const cause = (error as GuestFault).cause;
      expect(cause).toBeInstanceOf(MemoryFault);
      expect((cause as MemoryFault).access).toBe('write');
      expect((cause as MemoryFault).address).toBe(0x10n);
      expect(zeroos.result().signal).toBe(11);
      expect(zeroos.result().exitCode).toBe(139);
      expect(new TextDecoder().decode(zeroos.result().stdout)).toBe(guest('segv').stdout);
    });
  });

  describe('illegal', () => {
    it('should end in a GuestFault caused by IllegalInstruction with pc and bits', () => {
      const { zeroos } = boot('illegal');
      let error: unknown;
      try {
        zeroos.run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GuestFault);
      expect((error as GuestFault).cause).toBeInstanceOf(IllegalInstruction);
      expect(zeroos.result().exitCode).toBe(132);
    });
  });
});

describe('determinism', () => {
  const trace = (name: string, seed: number) => {
    const { zeroos } = boot(name, seed);
    const events: KernelEvent[] = [];
    zeroos.events.all$.subscribe((e) => events.push(e));
    const result = zeroos.run();
    return { events: JSON.stringify(events, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)), result };
  };
  it.each(['hello', 'args', 'corners'])('should give %s the same event sequence on two runs with one seed', (name) => {
    const a = trace(name, 7);
    const b = trace(name, 7);
    expect(a.events.length).toBeGreaterThan(2);
    expect(a.events).toBe(b.events);
    expect(a.result.instructions).toBe(b.result.instructions);
  });
});

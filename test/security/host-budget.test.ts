import { existsSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutOfMemory } from '../../src/kernel/memory-budget.js';
import { SYSCALL_NUMBERS as NR } from '../../src/kernel/syscall/numbers.js';
import { Errno } from '../../src/kernel/errno.js';
import { O_CREAT, O_RDWR } from '../../src/subsystems/vfs/constants.js';
import { E, Guest } from '../subsystems/vfs/support.js';
import { makeScratch, type Scratch } from './scratch.js';

/*
 * What the host holds in memory for a host mount counts against the run's memory budget
 * like tmpfs does: a guest cannot grow the host's memory without bound by writing into a
 * read-write or copy-on-write mount.
 */
let s: Scratch;
beforeEach(() => {
  s = makeScratch();
});
afterEach(() => s.remove());

const LIMIT = 16 * 2 ** 20;
const CHUNK = 'x'.repeat(4096);

/** Writes 4 KiB chunks until a write fails; the bytes written and the failing result. */
function fill(g: Guest, path: string): { written: number; failure: bigint } {
  const fd = g.fd(path, O_RDWR | O_CREAT);
  let written = 0;
  for (;;) {
    const n = g.write(fd, CHUNK);
    if (n < 0n) return { written, failure: n };
    written += Number(n);
    if (written > 4 * LIMIT) throw new Error('the budget did not stop the writes');
  }
}

describe('host mounts and the memory budget', () => {
  for (const mode of ['rw', 'cow'] as const) {
    it(`should end writes into a :${mode} mount with ENOSPC once the budget is used up`, () => {
      const g = Guest.create({ memoryLimit: LIMIT, files: { mounts: [{ host: s.rw, guest: '/m', mode }] } });
      const { written, failure } = fill(g, '/m/big');
      expect(failure).toBe(E(Errno.ENOSPC));
      expect(written).toBeGreaterThan(0);
      expect(written).toBeLessThan(LIMIT);
    });
  }

  it('should stop with OutOfMemory, before the host allocates it, when a mounted file is larger than the budget', () => {
    truncateSync(join(s.rw, 'existing.txt'), 2 * LIMIT); // a sparse file: no disk space used
    const g = Guest.create({ memoryLimit: LIMIT, files: { mounts: [{ host: s.rw, guest: '/m' }] } });
    const fd = g.fd('/m/existing.txt', 0);
    const before = process.memoryUsage().arrayBuffers;
    expect(() => g.read(fd, 16)).toThrow(OutOfMemory);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(LIMIT);
  });

  it('should answer ENOMEM, leaving the host file in place, when unlinking an open file whose bytes do not fit', () => {
    truncateSync(join(s.rw, 'existing.txt'), 2 * LIMIT);
    const g = Guest.create({ memoryLimit: LIMIT, files: { mounts: [{ host: s.rw, guest: '/m', mode: 'rw' }] } });
    g.fd('/m/existing.txt', O_RDWR);
    expect(g.call(NR.unlinkat, -100, g.str('/m/existing.txt'), 0)).toBe(E(Errno.ENOMEM));
    expect(existsSync(join(s.rw, 'existing.txt'))).toBe(true);
  });
});

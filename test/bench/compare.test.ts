import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { geometricMean, median, runWarm } from '../../src/bench/compare.js';
import { microPrograms, realPrograms, type BenchInputs } from '../../src/bench/programs.js';

const guests = join(import.meta.dirname, '..', '..', 'guests');
const scratch = mkdtempSync(join(tmpdir(), 'zeroos-bench-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('bench statistics', () => {
  it('should take the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('should average ratios geometrically', () => {
    expect(geometricMean([2, 8])).toBeCloseTo(4, 12);
    expect(geometricMean([3])).toBeCloseTo(3, 12);
  });
});

describe('realPrograms', () => {
  const inputs = (realBin: string | undefined): BenchInputs => ({ realBin, guests, scratch, quick: true });

  it('should list nothing when the programs could not be built', () => {
    expect(realPrograms(inputs(undefined))).toEqual([]);
  });

  it('should write the SQL workload with its row count filled in', () => {
    // corpus.txt is read for the compression case: stand in a directory that lacks it
    expect(() => realPrograms(inputs(scratch))).toThrow(/corpus\.txt|ENOENT/);
    const sql = readFileSync(join(scratch, 'sqlite-1000.sql'), 'utf8');
    expect(sql).not.toContain('@ROWS@');
    expect(sql).toContain('WHERE i < 1000)');
  });
});

describe('runWarm', () => {
  const hello = microPrograms({ realBin: undefined, guests, scratch, quick: true }).find((c) => c.elf.endsWith('/hello'))!;
  const reference = readFileSync(join(guests, 'expected', 'hello.stdout'));

  it("should run the guest in-process and match qemu's recorded output", () => {
    const warm = runWarm(hello, 1, reference);
    expect(warm.sameOutput).toBe(true);
    expect(warm.instructions).toBeGreaterThan(100);
    expect(warm.ms).toBeGreaterThan(0);
  });

  it('should say so when the output differs from the reference', () => {
    expect(runWarm(hello, 1, Buffer.from('Hello from qemu\n')).sameOutput).toBe(false);
  });
});

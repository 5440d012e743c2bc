import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_NAMES } from '../../src/index.js';
import { createKernel } from '../../src/zeroos.js';

/**
 * The conformance guests (guests/conformance/gen.mjs): one per extension, each running its
 * instructions over edge and random operands, differential against what qemu-riscv64
 * printed for them. Every instance is reached well past the translation threshold, so on
 * 'js' the printed results come from compiled blocks; the guest's last line says whether
 * every repetition of the suite agreed with the first (interpreted) one.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const GUESTS = readdirSync(join(ROOT, 'guests', 'src'))
  .filter((file) => /^conf_\w+\.c$/.test(file) && !file.startsWith('conf_fd_')) // F/D: conformance-fd.test.ts
  .map((file) => file.slice(0, -2))
  .sort();
const expected = (name: string, ext: string) => readFileSync(join(ROOT, 'guests', 'expected', `${name}.${ext}`), 'utf8');
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('the conformance guests', () => {
  it('should cover every extension of the hart', () => {
    expect(GUESTS).toEqual(['conf_a', 'conf_c', 'conf_i', 'conf_m', 'conf_random', 'conf_zicsr', 'conf_zifencei']);
  });

  for (const name of GUESTS) {
    describe(name, () => {
      const counts = new Map<string, number>();
      for (const engine of ENGINE_NAMES) {
        it(`should print what qemu-riscv64 printed and exit as it did, on the ${engine} engine`, () => {
          const zeroos = createKernel({ engine });
          zeroos.load({ executable: readFileSync(join(ROOT, 'guests', 'bin', name)), argv: [name] });
          const result = zeroos.run();
          expect(zeroos.stats().engine).toBe(engine);
          expect(decode(result.stdout)).toBe(expected(name, 'stdout'));
          expect(decode(result.stderr)).toBe(expected(name, 'stderr'));
          expect(result.exitCode).toBe(Number(expected(name, 'exit')));
          expect(decode(result.stdout)).toMatch(/^runs: all \d+ agree$/m);
          counts.set(engine, result.instructions);
        });
      }
      it('should retire the same number of instructions on every engine', () => {
        expect(counts.size).toBe(ENGINE_NAMES.length);
        expect(new Set(counts.values()).size).toBe(1);
      });
    });
  }
});

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RV64D, RV64F, STANDARD_EXTENSIONS, isaRegistry } from '../../src/arch/riscv64/isa/index.js';
import { ENGINE_NAMES } from '../../src/index.js';
import { createKernel } from '../../src/zeroos.js';
import { loadGuest, runGuest } from './guest-runner.js';

/**
 * The F/D conformance guests (guests/conformance/gen-fd.mjs, freestanding rv64gc/lp64d
 * programs): every RV64F/D instruction over edge values in every rounding mode, the
 * compressed FP loads/stores, the FP CSRs and random sequences, differential against what
 * qemu-riscv64 printed (result bits and fflags hashed per instruction and mode), on every
 * engine: with the default instruction set when it has F and D, else with F and D added.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const GUESTS = readdirSync(join(ROOT, 'guests', 'src'))
  .filter((file) => /^conf_fd_\w+\.c$/.test(file))
  .map((file) => file.slice(0, -2))
  .sort();
const expected = (name: string, ext: string) => readFileSync(join(ROOT, 'guests', 'expected', `${name}.${ext}`), 'utf8');
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const DEFAULT_HAS_FD = isaRegistry().extensions.some((e) => e.letter === 'd');
const ISA = DEFAULT_HAS_FD ? {} : { isa: { extensions: [...STANDARD_EXTENSIONS, RV64F, RV64D] } };

describe('the F/D conformance guests', () => {
  it('should cover arithmetic, FMA, conversions, memory and CSRs, random sequences and reserved rounding modes', () => {
    expect(GUESTS).toEqual(['conf_fd_arith', 'conf_fd_cvt', 'conf_fd_fma', 'conf_fd_mem', 'conf_fd_random', 'conf_fd_rm']);
    for (const name of GUESTS) {
      const bytes = readFileSync(join(ROOT, 'guests', 'bin', name));
      expect(bytes.readUInt32LE(48) & 0x6, `${name}: double-float ABI`).toBe(0x4);
      expect(expected(name, 'exit').trim()).toBe('0');
    }
  });

  describe(DEFAULT_HAS_FD ? 'on every engine' : 'on every engine, with F and D added to the default instruction set', () => {
    for (const name of GUESTS) {
      describe(name, () => {
        const counts = new Map<string, number>();
        for (const engine of ENGINE_NAMES) {
          it(`should print what qemu-riscv64 printed and exit as it did, on the ${engine} engine`, () => {
            const zeroos = createKernel({ engine, ...ISA });
            zeroos.load({ executable: readFileSync(join(ROOT, 'guests', 'bin', name)), argv: [name] });
            const result = zeroos.run();
            expect(zeroos.stats().engine).toBe(engine);
            // line by line first, so a failure names the instruction and mode that differ
            const got = decode(result.stdout).split('\n');
            const want = expected(name, 'stdout').split('\n');
            for (let i = 0; i < want.length; i++) expect(got[i], `line ${i + 1}`).toBe(want[i]);
            expect(decode(result.stdout)).toBe(expected(name, 'stdout'));
            expect(decode(result.stderr)).toBe(expected(name, 'stderr'));
            expect(result.exitCode).toBe(Number(expected(name, 'exit')));
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
});

/**
 * The same guests with every block compiled the first time it is reached (threshold 0),
 * so each FP instruction of the conformance cases runs inside a js block or a wasm region
 * (the default thresholds leave code run fewer than 64 or 255 times to the interpreter).
 */
describe('the F/D conformance guests, compiled from the first run of each block', () => {
  // (conf_fd_rm needs a kernel: it handles SIGILL. It runs each case 300 times, past both
  // tiers' default thresholds, in the tests above.)
  for (const name of GUESTS.filter((n) => n !== 'conf_fd_rm')) {
    for (const engine of ['js', 'wasm'] as const) {
      it(`${name} prints what qemu-riscv64 printed on the ${engine} engine at threshold 0`, () => {
        const hart = loadGuest(join(ROOT, 'guests', 'bin', name), [name], { engine, translateThreshold: 0 });
        const result = runGuest(hart);
        const got = result.stdout.split('\n');
        const want = expected(name, 'stdout').split('\n');
        for (let i = 0; i < want.length; i++) expect(got[i], `line ${i + 1}`).toBe(want[i]);
        expect(result.stdout).toBe(expected(name, 'stdout'));
        expect(result.exitCode).toBe(Number(expected(name, 'exit')));
      });
    }
  }
});

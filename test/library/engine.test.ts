import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';
import { ENGINE_NAMES, type EngineName } from '../../src/index.js';
import { ConfigurationError, createKernel, type RunResult } from '../../src/zeroos.js';

const ROOT = join(import.meta.dirname, '..', '..');
const elf = (name: string) => readFileSync(join(ROOT, 'guests', 'bin', name));
const expected = (name: string, ext: string) => readFileSync(join(ROOT, 'guests', 'expected', `${name}.${ext}`), 'utf8');
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function run(name: string, argv: string[], engine?: EngineName): { result: RunResult; engine: string; hartEngine: unknown } {
  const zeroos = createKernel(engine === undefined ? {} : { engine });
  zeroos.load({ executable: elf(name), argv: [name, ...argv] });
  const result = zeroos.run();
  // What the hart itself was built with: the two tiers must really be different machines.
  const hartEngine = (zeroos.kernel.arch.hart as unknown as { engine?: unknown }).engine;
  return { result, engine: zeroos.stats().engine, hartEngine };
}

describe('createKernel', () => {
  describe('when given an engine', () => {
    // cpubench 6 (its recorded arguments): about 10 million instructions, most in compiled blocks on 'js'.
    const guests: [string, string[]][] = [
      ['hello', []],
      ['cpubench', ['6']],
      ['pthread_join', []],
    ];
    for (const [name, argv] of guests) {
      it(`should give ${name} the same stdout, exit code and instruction count on every engine`, () => {
        const runs = ENGINE_NAMES.map((engine) => run(name, argv, engine));
        const [interpreter, js] = runs as [(typeof runs)[number], (typeof runs)[number]];
        expect(interpreter.engine).toBe('interpreter');
        expect(js.engine).toBe('js');
        expect(interpreter.hartEngine).not.toBe(js.hartEngine);
        for (const { result } of runs) expect(result.exitCode).toBe(0);
        expect(decode(js.result.stdout)).toBe(decode(interpreter.result.stdout));
        expect(js.result.instructions).toBe(interpreter.result.instructions);
        expect(js.result.syscalls).toBe(interpreter.result.syscalls);
        expect(js.result.instructions).toBeGreaterThan(0);
        expect(decode(js.result.stdout)).toBe(expected(name, 'stdout'));
      });
    }

    it('should run the wasm tier when none is given', () => {
      const byDefault = run('hello', []);
      expect(byDefault.engine).toBe('wasm');
      expect(byDefault.hartEngine).toBe(run('hello', [], 'wasm').hartEngine);
    });
  });

  describe('when the engine is not one it knows', () => {
    it('should refuse it with ConfigurationError, a usage error', () => {
      let error: unknown;
      try {
        createKernel({ engine: 'turbo' as EngineName });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).exitCode).toBe(EXIT_CODES.usage);
      expect((error as Error).message).toBe('unknown engine "turbo": one of interpreter, js, wasm');
    });
  });
});

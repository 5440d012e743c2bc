import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';

const root = join(import.meta.dirname, '..', '..');
const expected = (name: string, ext: string) => readFileSync(join(root, 'guests', 'expected', `${name}.${ext}`), 'utf8');

function zeroos(args: string[]) {
  const run = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), ...args], { cwd: root, encoding: 'utf8', input: '' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const statLine = (stderr: string, name: string) => new RegExp(`^${name}\\s+(.*)$`, 'm').exec(stderr)?.[1];

describe('zeroos run --engine', () => {
  const guests: [string, string[]][] = [
    ['hello', []],
    ['cpubench', ['6']],
    ['pthread_join', []],
  ];
  for (const [name, args] of guests) {
    it(`should give ${name} the same stdout, exit code and instruction count with interpreter and js`, () => {
      const interpreter = zeroos(['run', '--stats', '--engine', 'interpreter', `guests/bin/${name}`, ...args]);
      const js = zeroos(['run', '--stats', '--engine', 'js', `guests/bin/${name}`, ...args]);
      expect(statLine(interpreter.stderr, 'engine')).toBe('interpreter');
      expect(statLine(js.stderr, 'engine')).toBe('js');
      expect(interpreter.stdout).toBe(expected(name, 'stdout'));
      expect(js.stdout).toBe(interpreter.stdout);
      expect(interpreter.code).toBe(Number(expected(name, 'exit')));
      expect(js.code).toBe(interpreter.code);
      expect(statLine(js.stderr, 'instructions')).toMatch(/^\d+$/);
      expect(statLine(js.stderr, 'instructions')).toBe(statLine(interpreter.stderr, 'instructions'));
    });

    it(`should give ${name} the same stdout, exit code and instruction count with wasm as with the interpreter`, () => {
      const interpreter = zeroos(['run', '--stats', '--engine', 'interpreter', `guests/bin/${name}`, ...args]);
      const wasm = zeroos(['run', '--stats', '--engine', 'wasm', `guests/bin/${name}`, ...args]);
      expect(statLine(wasm.stderr, 'engine')).toBe('wasm');
      expect(wasm.stdout).toBe(expected(name, 'stdout'));
      expect(wasm.code).toBe(interpreter.code);
      expect(statLine(wasm.stderr, 'instructions')).toMatch(/^\d+$/);
      expect(statLine(wasm.stderr, 'instructions')).toBe(statLine(interpreter.stderr, 'instructions'));
    });
  }

  it('should run the wasm tier when not given', () => {
    expect(statLine(zeroos(['run', '--stats', 'guests/bin/hello']).stderr, 'engine')).toBe('wasm');
  });

  it('should refuse an engine it does not know with one line and exit 64', () => {
    const run = zeroos(['run', '--engine', 'turbo', 'guests/bin/hello']);
    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/argument 'turbo' is invalid\. Allowed choices are interpreter, js, wasm\./);
  });

  it('should list the engines in run --help', () => {
    const help = zeroos(['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/--engine <name>.*\(choices: "interpreter", "js", "wasm", default: "wasm"\)/);
  });
});

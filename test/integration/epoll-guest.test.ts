import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKernel, type KernelOptions } from '../../src/zeroos.js';

const GUESTS = join(import.meta.dirname, '..', '..', 'guests');
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const expected = (ext: string) => readFileSync(join(GUESTS, 'expected', `epoll_ops.${ext}`), 'utf8');

/** epoll_ops as guests/build.sh ran it under qemu-riscv64: no arguments, the writable root as its directory. */
function run(options: KernelOptions = {}) {
  const zeroos = createKernel(options);
  const path = 'guests/bin/epoll_ops';
  zeroos.load({ executable: readFileSync(join(GUESTS, 'bin', 'epoll_ops')), path, argv: [path] });
  return zeroos;
}

describe('epoll_ops guest (epoll and eventfd)', () => {
  it.each(['js', 'interpreter', 'wasm'] as const)('should print what qemu-riscv64 printed and exit the same way (%s tier)', (engine) => {
    const result = run({ engine }).run();
    expect(decode(result.stdout)).toBe(expected('stdout'));
    expect(decode(result.stderr)).toBe(expected('stderr'));
    expect(result.exitCode).toBe(Number(expected('exit').trim()));
  });

  it.each([1, 2, 3])('should give qemu\'s output under the random scheduler with seed %i', (seed) => {
    const result = run({ scheduler: 'random', quantum: 2000, seed }).run();
    expect(decode(result.stdout)).toBe(expected('stdout'));
    expect(result.exitCode).toBe(0);
  });

  it('should make the same syscalls with the same results on every run', () => {
    const trace = () => {
      const zeroos = run({ scheduler: 'random', quantum: 5000, seed: 7 });
      const seen: string[] = [];
      zeroos.events.syscallExit$.subscribe((e) => seen.push(`${e.instret} ${e.tid} ${e.name} ${e.result}`));
      zeroos.run();
      return seen;
    };
    const first = trace();
    expect(first.filter((line) => line.includes(' epoll_pwait ')).length).toBeGreaterThan(40);
    expect(trace()).toEqual(first);
  });
});

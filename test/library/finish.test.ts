import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';
import { InstructionBudgetExhausted } from '../../src/kernel/errors.js';
import { HostFileError } from '../../src/subsystems/vfs/index.js';
import { Interrupted, createKernel, type KernelOptions, type ZeroOS } from '../../src/zeroos.js';

const ROOT = join(import.meta.dirname, '..', '..');
const elf = (name: string) => readFileSync(join(ROOT, 'guests', 'bin', name));
const expected = (name: string) => readFileSync(join(ROOT, 'guests', 'expected', `${name}.stdout`), 'utf8');
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const INPUT = join(ROOT, 'guests', 'data', 'mounted_input.txt');
const resultLine = () => /^result: (.*)$/m.exec(expected('mounted_io'))![1]!;

let scratch: string;
let out: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'zeroos-finish-'));
  out = join(scratch, 'out');
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

/** mounted_io reads /in/text and writes its result line to /out/result. */
function mountedIo(options: KernelOptions = {}): ZeroOS {
  const zeroos = createKernel({ files: { files: [{ host: INPUT, guest: '/in/text' }], out: { host: out } }, ...options });
  return zeroos.load({ executable: elf('mounted_io'), argv: ['mounted_io', '/in/text', '/out/result'] });
}

/** whereami spin: writes /out/started, then loops forever without syscalls. */
function spinner(options: KernelOptions = {}): ZeroOS {
  const zeroos = createKernel({ files: { out: { host: out } }, ...options });
  return zeroos.load({ executable: elf('whereami'), argv: ['whereami', 'spin', '/out/started'] });
}

/** Lets the event loop turn between two slices, as the CLI does. */
const pause = () => new Promise((resolve) => setImmediate(resolve));

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('ZeroOS.run', () => {
  it('should copy the --out directory back after the run and report it in the result', () => {
    const result = mountedIo().run();
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(out, 'result'), 'utf8')).toBe(`${resultLine()}\n`);
    expect(result.output).toEqual({ guest: '/out', host: out, files: 1, bytes: resultLine().length + 1 });
  });

  describe('when the run throws', () => {
    it('should still copy --out back, and throw the run\'s own error', () => {
      const error = thrown(() => spinner({ maxInstructions: 2_000_000 }).run());
      expect(error).toBeInstanceOf(InstructionBudgetExhausted);
      expect(readFileSync(join(out, 'started'), 'utf8')).toBe('started\n');
    });
  });

  describe('when the copy-back fails after a run that ended well', () => {
    it('should throw HostFileError (77) from run(), not later', () => {
      const zeroos = mountedIo();
      // The host directory turns into a file behind the run's back.
      zeroos.events.processExit$.subscribe(() => {
        rmSync(out, { recursive: true, force: true });
        writeFileSync(out, 'not a directory');
      });
      const error = thrown(() => zeroos.run());
      expect(error).toBeInstanceOf(HostFileError);
      expect((error as HostFileError).exitCode).toBe(EXIT_CODES.hostIo);
      expect(readFileSync(out, 'utf8')).toBe('not a directory');
      // finish() is done once: asking again gives the same error, no second attempt.
      expect(thrown(() => zeroos.finish())).toBe(error);
    });
  });
});

describe('ZeroOS.finish', () => {
  it('should copy --out back after a run driven by runFor, once', () => {
    const zeroos = mountedIo();
    let slices = 0;
    while (zeroos.runFor(10_000) === 'running') slices++;
    expect(slices).toBeGreaterThan(1);
    expect(existsSync(join(out, 'result'))).toBe(false);
    const result = zeroos.finish();
    expect(result.exitCode).toBe(0);
    expect(result.output?.files).toBe(1);
    expect(readFileSync(join(out, 'result'), 'utf8')).toBe(`${resultLine()}\n`);
    rmSync(join(out, 'result'));
    expect(zeroos.finish().output).toEqual(result.output);
    expect(existsSync(join(out, 'result'))).toBe(false);
  });
});

describe('ZeroOS.runAsync', () => {
  it('should ask a slice function before each slice', async () => {
    const sizes: number[] = [];
    const zeroos = createKernel().load({ executable: elf('hello'), argv: ['hello'] });
    const result = await zeroos.runAsync({ slice: () => (sizes.push(100), 100), pause });
    expect(result.exitCode).toBe(0);
    expect(sizes.length).toBe(Math.ceil(result.instructions / 100));
  });
  it('should give exactly what run() gives, however small the slices', async () => {
    const options: KernelOptions = { scheduler: 'random', quantum: 1000, seed: 7 };
    const whole = createKernel(options).load({ executable: elf('pthread_join'), argv: ['pthread_join'] });
    const sliced = createKernel(options).load({ executable: elf('pthread_join'), argv: ['pthread_join'] });
    const a = whole.run();
    const b = await sliced.runAsync({ slice: 997, pause });
    expect(decode(b.stdout)).toBe(expected('pthread_join'));
    expect(decode(b.stdout)).toBe(decode(a.stdout));
    expect(b.instructions).toBe(a.instructions);
    expect(b.syscalls).toBe(a.syscalls);
    expect(sliced.stats().syscallCounts).toEqual(whole.stats().syscallCounts);
    expect(sliced.stats().virtualNs).toBe(whole.stats().virtualNs);
  });
  it('should stop at the instruction budget with the same error as run()', async () => {
    const a = thrown(() => spinner({ maxInstructions: 3_000_000 }).run()) as InstructionBudgetExhausted;
    rmSync(out, { recursive: true, force: true });
    const b = await spinner({ maxInstructions: 3_000_000 })
      .runAsync({ slice: 100_000, pause })
      .catch((error: unknown) => error);
    expect(b).toBeInstanceOf(InstructionBudgetExhausted);
    expect((b as Error).message).toBe(a.message);
  });
  it('should stop between slices when its signal aborts: Interrupted (130), where it was, --out copied', async () => {
    const zeroos = spinner();
    const controller = new AbortController();
    let slices = 0;
    // Abort from the event loop, as a SIGINT handler would, after a few slices ran.
    const tick = (): void => {
      if (++slices === 5) controller.abort();
      else setImmediate(tick);
    };
    setImmediate(tick);
    const error = await zeroos.runAsync({ slice: 50_000, pause, signal: controller.signal }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Interrupted);
    const interrupted = error as Interrupted;
    expect(interrupted.exitCode).toBe(EXIT_CODES.interrupted);
    expect(interrupted.instructions).toBe(zeroos.kernel.instructions);
    expect(interrupted.instructions % 50_000).toBe(0);
    expect(interrupted.tid).toBe(1);
    expect(interrupted.liveThreads).toBe(1);
    expect(interrupted.message).toMatch(/^interrupted after \d+ instructions at pc 0x[0-9a-f]+ in thread 1 \(1 live thread\)$/);
    expect(readFileSync(join(out, 'started'), 'utf8')).toBe('started\n');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryFault } from '../../src/arch/memory/types.js';
import { IllegalInstruction, MisalignedAccess } from '../../src/arch/riscv64/types.js';
import { ZeroOSError, signalExitCode } from '../../src/errors.js';
import { GuestFault } from '../../src/kernel/errors.js';
import type { ProcessExitEvent } from '../../src/kernel/events.js';
import type { ConsoleOptions } from '../../src/subsystems/console/index.js';
import { createKernel } from '../../src/zeroos.js';

const GUESTS = join(import.meta.dirname, '..', '..', 'guests');
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Runs a committed guest through the library and collects every place that reports how it ended. */
function outcome(name: string, args: string[] = [], console: ConsoleOptions = {}) {
  const zeroos = createKernel({ console, maxInstructions: 50_000_000 });
  const exits: ProcessExitEvent[] = [];
  zeroos.events.processExit$.subscribe((e) => exits.push(e));
  const path = `/guests/bin/${name}`;
  zeroos.load({ executable: readFileSync(join(GUESTS, 'bin', name)), path, argv: [path, ...args] });
  let error: unknown;
  let returned: number | undefined;
  try {
    returned = zeroos.run().exitCode;
  } catch (e) {
    error = e;
  }
  return { zeroos, exits, error, returned, result: zeroos.result(), exit: zeroos.process.exit };
}

/** A write the host refused, as Node reports it. */
function hostError(code: string): NodeJS.ErrnoException {
  const error = new Error(`${code}: write`) as NodeJS.ErrnoException;
  error.code = code;
  error.syscall = 'write';
  return error;
}

/** A stdout sink that takes `lines` writes, then fails every write with `code`. */
const failingAfter = (lines: number, code: string) => {
  let taken = 0;
  return (_data: Uint8Array) => {
    if (++taken > lines) throw hostError(code);
  };
};

describe('exit status', () => {
  describe.each([
    ['segv', [], 11, MemoryFault],
    ['illegal', [], 4, IllegalInstruction],
    ['ebreak', [], 5, Error],
    ['misaligned_amo', [], 7, MisalignedAccess],
  ] as const)('when %s faults with no handler', (name, args, signal, cause) => {
    const run = outcome(name, [...args]);

    it(`should throw a GuestFault whose exitCode is 128 + ${signal}`, () => {
      expect(run.error).toBeInstanceOf(GuestFault);
      expect((run.error as GuestFault).signal).toBe(signal);
      expect((run.error as GuestFault).cause).toBeInstanceOf(cause);
      expect((run.error as GuestFault).exitCode).toBe(signalExitCode(signal));
    });
    it('should report the same status in result(), Process.exit and processExit$', () => {
      const code = signalExitCode(signal);
      expect(run.result.exitCode).toBe(code);
      expect(run.result.signal).toBe(signal);
      expect(run.exit).toMatchObject({ code, signal });
      expect(run.exits).toEqual([expect.objectContaining({ code, signal })]);
    });
    it('should name the signal and the status in the message', () => {
      const names: Record<number, string> = { 4: 'SIGILL', 5: 'SIGTRAP', 7: 'SIGBUS', 11: 'SIGSEGV' };
      expect((run.error as Error).message).toMatch(
        new RegExp(`^guest fault in thread 1: .*\\n  killed by ${names[signal]} \\(exit status ${signalExitCode(signal)}\\)$`),
      );
    });
  });

  describe('when ebreak runs with no SIGTRAP handler', () => {
    it('should say breakpoint and give the pc of the ebreak', () => {
      const run = outcome('ebreak');
      const fault = run.error as GuestFault;
      expect(fault.message).toMatch(/^guest fault in thread 1: breakpoint \(ebreak\) at pc 0x[0-9a-f]+\n/);
      expect(fault.message).toContain(`0x${fault.pc.toString(16)}`);
      expect(decode(run.result.stdout)).toBe('ebreak: about to execute ebreak\n');
    });
  });

  describe('when a misaligned atomic has no SIGBUS handler', () => {
    it('should print what qemu printed before the fault and name the instruction and address', () => {
      const run = outcome('misaligned_amo');
      expect(decode(run.result.stdout)).toBe(
        [
          'aligned amoadd.w: old 40 new 42',
          'aligned amoswap.d: old 1 new 1099511627776',
          'aligned amoor.w: old 42 new 298',
          'aligned lr.w/sc.w compare-exchange: swapped 1 value 7',
          'amoadd.w at an odd address: expect SIGBUS',
          '',
        ].join('\n'),
      );
      const cause = (run.error as GuestFault).cause as MisalignedAccess;
      expect(cause.instruction).toBe('amoadd.w');
      expect(cause.address % 4n).toBe(1n);
      expect((run.error as Error).message).toMatch(/misaligned atomic access: amoadd\.w of 0x[0-9a-f]+ \(needs 4-byte alignment\) at pc 0x/);
    });
  });

  describe.each([
    ['ebreak', 'the SIGTRAP handler steps over the ebreak and returns'],
    ['misaligned_amo', 'the SIGBUS handler catches all six misaligned LR/SC/AMOs'],
  ])('when %s runs with a handler (%s)', (name) => {
    it('should print what qemu printed (Linux\'s si_addr) and exit 0 everywhere', () => {
      const run = outcome(name, ['handler']);
      expect(run.error).toBeUndefined();
      expect(decode(run.result.stdout)).toBe(readFileSync(join(GUESTS, 'expected', `${name}.stdout`), 'utf8'));
      expect([run.returned, run.result.exitCode, run.exit?.code, run.exits[0]?.code]).toEqual([0, 0, 0, 0]);
    });
  });

  describe('when abort() raises SIGABRT with the default action', () => {
    it('should return (no error) with 134 in result(), Process.exit and processExit$', () => {
      const run = outcome('abort');
      expect(run.error).toBeUndefined();
      expect([run.returned, run.result.exitCode, run.exit?.code, run.exits[0]?.code]).toEqual([134, 134, 134, 134]);
      expect(run.result.signal).toBe(6);
    });
  });

  describe('when the host closes the pipe stdout goes to (EPIPE from the sink)', () => {
    it('should kill a guest that keeps SIGPIPE\'s default action with 141, everywhere', () => {
      const run = outcome('yes_lines', ['0'], { stdout: failingAfter(3, 'EPIPE') });
      expect(run.error).toBeUndefined();
      expect([run.returned, run.result.exitCode, run.exit?.code, run.exits[0]?.code]).toEqual([141, 141, 141, 141]);
      expect(run.result.signal).toBe(13);
      expect(decode(run.result.stderr)).toBe('');
    });
    it('should give a guest that ignores SIGPIPE EPIPE from write', () => {
      const run = outcome('yes_lines', ['0', 'ignore'], { stdout: failingAfter(3, 'EPIPE') });
      expect(decode(run.result.stderr)).toBe('yes_lines: write of line 4 failed: Broken pipe (SIGPIPE caught 0 times)\n');
      expect([run.returned, run.exits[0]?.code, run.exits[0]?.signal]).toEqual([32, 32, undefined]);
    });
    it('should run a SIGPIPE handler once, after which the write returns EPIPE', () => {
      const run = outcome('yes_lines', ['0', 'handle'], { stdout: failingAfter(3, 'EPIPE') });
      expect(decode(run.result.stderr)).toBe('yes_lines: write of line 4 failed: Broken pipe (SIGPIPE caught 1 times)\n');
      expect(run.returned).toBe(32);
    });
    it('should record that the run depended on the host', () => {
      const run = outcome('yes_lines', ['0'], { stdout: failingAfter(3, 'EPIPE') });
      expect(run.zeroos.console.reproducible).toBe(false);
      expect(run.zeroos.console.hostOutputErrors).toEqual([
        { stream: 'stdout', code: 'EPIPE', errno: 32, instret: expect.any(Number), writes: 1 },
      ]);
    });
  });

  describe.each([
    ['ENOSPC', 28, 'No space left on device'],
    ['EDQUOT', 28, 'No space left on device'],
    ['EFBIG', 27, 'File too large'],
    ['EIO', 5, 'I/O error'],
    ['EBADF', 5, 'I/O error'],
    ['EAGAIN', 5, 'I/O error'],
  ])('when the host refuses stdout with %s', (code, errno, text) => {
    it(`should fail the guest's write with errno ${errno} and go on`, () => {
      const run = outcome('yes_lines', ['10'], { stdout: failingAfter(0, code) });
      expect(run.error).toBeUndefined();
      expect(decode(run.result.stderr)).toBe(`yes_lines: write of line 1 failed: ${text} (SIGPIPE caught 0 times)\n`);
      expect([run.returned, run.result.exitCode, run.exits[0]?.code]).toEqual([errno, errno, errno]);
      expect(run.zeroos.console.hostOutputErrors.map((f) => [f.stream, f.code, f.errno])).toEqual([['stdout', code, errno]]);
    });
  });

  describe('when stdout goes to /dev/full and the guest ignores write errors (hello: musl does not report them)', () => {
    it('should exit 0, as under qemu', () => {
      const run = outcome('hello', [], { stdout: failingAfter(0, 'ENOSPC') });
      expect([run.returned, run.result.exitCode]).toEqual([0, 0]);
      expect(run.zeroos.console.reproducible).toBe(false);
    });
  });

  describe('when a sink throws something that is not a host failure', () => {
    it('should stop the run with KernelPanic: a bug in the sink is not a guest-visible result', () => {
      const run = outcome('hello', [], {
        stdout: () => {
          throw new TypeError('sink bug');
        },
      });
      expect(run.error).toBeInstanceOf(ZeroOSError);
      expect((run.error as Error).name).toBe('KernelPanic');
      expect((run.error as Error).message).toMatch(/sink bug/);
    });
  });
});

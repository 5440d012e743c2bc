import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';

const root = join(import.meta.dirname, '..', '..');
const expected = (name: string, ext: string) => readFileSync(join(root, 'guests', 'expected', `${name}.${ext}`), 'utf8');

function zeroos(args: string[], input?: string) {
  const run = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    input: input ?? '',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('zeroos run', () => {
  it('should print what qemu-riscv64 prints for hello and exit 0', () => {
    const run = zeroos(['run', 'guests/bin/hello']);
    expect(run.stdout).toBe(expected('hello', 'stdout'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
  it('should exit with the guest\'s exit code and pass its stderr through', () => {
    const run = zeroos(['run', 'guests/bin/exitcode']);
    expect(run.code).toBe(42);
    expect(run.stdout).toBe(expected('exitcode', 'stdout'));
    expect(run.stderr).toBe(expected('exitcode', 'stderr'));
  });
  it('should hand guest arguments, even ones that look like options, to the guest', () => {
    const run = zeroos(['run', '--env', 'GREETING=hello, world', '--env', 'ZEROOS_MODE=test', 'guests/bin/args', 'one', 'two words', '', '--flag=x', '  leading and trailing  ']);
    expect(run.stdout).toBe(expected('args', 'stdout'));
    expect(run.code).toBe(0);
  });
  it('should feed the host\'s stdin, or a file with --stdin', () => {
    expect(zeroos(['run', 'guests/bin/echo'], readFileSync(join(root, 'guests/src/echo.stdin'), 'utf8')).stdout).toBe(
      expected('echo', 'stdout'),
    );
    expect(zeroos(['run', '--stdin', 'guests/src/echo.stdin', 'guests/bin/echo']).stdout).toBe(expected('echo', 'stdout'));
  });
  it('should print instructions, syscalls, wall time and MIPS with --stats', () => {
    const run = zeroos(['run', '--stats', 'guests/bin/hello']);
    expect(run.stderr).toMatch(/^instructions\s+\d+$/m);
    expect(run.stderr).toMatch(/^syscalls\s+4$/m);
    expect(run.stderr).toMatch(/^wall time\s+[\d.]+ ms$/m);
    expect(run.stderr).toMatch(/^speed\s+[\d.]+ MIPS$/m);
    expect(run.stderr).toMatch(/writev×1/);
  });
  it('should trace syscalls strace style with --trace', () => {
    const run = zeroos(['run', '--trace', 'guests/bin/hello']);
    expect(run.stderr).toMatch(/^\[1\] set_tid_address\(0x[0-9a-f]+\) = 1$/m);
    expect(run.stderr).toMatch(/^\[1\] ioctl\(1, TIOCGWINSZ, 0x[0-9a-f]+\) = -1 ENOTTY \(Inappropriate ioctl for device\)$/m);
    expect(run.stderr).toMatch(/^\[1\] \+\+\+ exited with 0 \+\+\+$/m);
  });

  describe('when the run fails', () => {
    it('should name an unknown syscall in one line and exit with its code', () => {
      const run = zeroos(['run', 'guests/bin/nosys']);
      expect(run.code).toBe(EXIT_CODES.unknownSyscall);
      expect(run.stderr.split('\n').find((l) => l.startsWith('zeroos:'))).toMatch(
        /^zeroos: UnknownSyscall: unsupported syscall io_uring_setup \(nr 425\) args \(.*\) at pc 0x[0-9a-f]+ in thread 1$/,
      );
    });
    it('should report a segfault as a GuestFault with the address', () => {
      const run = zeroos(['run', 'guests/bin/segv']);
      expect(run.code).toBe(139);
      expect(run.stdout).toBe(expected('segv', 'stdout'));
      expect(run.stderr).toMatch(/^zeroos: GuestFault: guest fault in thread 1: write of unmapped address 0x10 \(pc 0x[0-9a-f]+\)$/m);
    });
    it('should report an illegal instruction with its bits', () => {
      const run = zeroos(['run', 'guests/bin/illegal']);
      expect(run.code).toBe(132);
      expect(run.stderr).toMatch(/illegal instruction 0x0000201b at pc 0x[0-9a-f]+/);
    });
    it('should stop at the instruction budget', () => {
      const run = zeroos(['run', '--max-instructions', '1000', 'guests/bin/hello']);
      expect(run.code).toBe(EXIT_CODES.budgetExhausted);
      expect(run.stderr).toMatch(/^zeroos: InstructionBudgetExhausted: instruction budget of 1000 exhausted at pc 0x/m);
    });
    it('should reject a file that is not an ELF', () => {
      const dir = mkdtempSync(join(tmpdir(), 'zeroos-cli-'));
      writeFileSync(join(dir, 'not-elf'), '#!/bin/sh\necho hi\n');
      const run = zeroos(['run', join(dir, 'not-elf')]);
      expect(run.code).toBe(EXIT_CODES.badElf);
      expect(run.stderr).toMatch(/^zeroos: \w+: /);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });
    it('should report a missing executable without a stack trace', () => {
      const run = zeroos(['run', 'guests/bin/does-not-exist']);
      expect(run.code).toBe(EXIT_CODES.hostIo);
      expect(run.stderr).toBe('zeroos: HostFileError: cannot read executable guests/bin/does-not-exist: ENOENT\n');
    });
    it('should reject bad options with the usage code', () => {
      expect(zeroos(['run', '--seed', 'abc', 'guests/bin/hello']).code).toBe(EXIT_CODES.usage);
      expect(zeroos(['run', '--platform', 'nope', 'guests/bin/hello']).code).toBe(EXIT_CODES.usage);
      expect(zeroos(['frobnicate']).code).toBe(EXIT_CODES.usage);
    });
  });
});

describe('zeroos syscalls', () => {
  it('should print the served syscalls with support level and subsystem', () => {
    const run = zeroos(['syscalls']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\s+66\s+writev\s+full\s+vfs/m);
    expect(run.stdout).toMatch(/syscalls served$/m);
  });
});

describe('zeroos layout', () => {
  it('should print the linux layout as a table', () => {
    const run = zeroos(['layout']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/stack/);
    expect(run.stdout).toMatch(/image/);
  });
});

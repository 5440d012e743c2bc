import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const MAIN = join(root, 'dist', 'cli', 'main.js');

function zeroos(args: string[]) {
  const run = spawnSync(process.execPath, [MAIN, ...args], { cwd: root, encoding: 'utf8', input: '' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}
const scratch = () => mkdtempSync(join(tmpdir(), 'zeroos-strace-'));
const SUMMARY_HEADER = /^% instr  instructions  instr\/call     calls    errors syscall$/m;

describe('zeroos run --trace, --trace-file, --trace-filter, -c', () => {
  it('should print decoded calls on stderr, each line with its thread id', () => {
    const run = zeroos(['run', '--trace', 'guests/bin/hello']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^\[1\] ioctl\(1, TIOCGWINSZ, 0x[0-9a-f]+\) = -1 ENOTTY \(Inappropriate ioctl for device\)$/m);
    expect(run.stderr).toMatch(/^\[1\] writev\(1, \[\{iov_base="[^"]*", iov_len=\d+\}.*\], 2\) = \d+$/m);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('[1] +++ exited with 0 +++');
    expect(run.stderr.split('\n').filter((l) => l !== '').every((l) => /^\[\d+\] /.test(l))).toBe(true);
  });

  it('should write the lines to --trace-file instead of stderr', () => {
    const file = join(scratch(), 'trace.txt');
    const run = zeroos(['run', '--trace-file', file, 'guests/bin/fileio', 'work']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('[1] openat(AT_FDCWD, "a.txt", O_RDWR|O_CREAT|O_TRUNC|O_LARGEFILE|O_CLOEXEC, 0644) = 4\n');
    expect(text.endsWith('[1] +++ exited with 0 +++\n')).toBe(true);
  });

  it('should print only the --trace-filter selection', () => {
    const run = zeroos(['run', '--trace-filter', '%file', 'guests/bin/fileio', 'work']);
    expect(run.code).toBe(0);
    const calls = run.stderr.split('\n').filter((l) => /^\[\d+\] [a-z]/.test(l));
    expect(calls.length).toBeGreaterThan(20);
    expect(calls.every((l) => /^\[1\] (openat|mkdirat|chdir|getcwd|newfstatat|renameat2|linkat|unlinkat|symlinkat|readlinkat)\(/.test(l))).toBe(true);
  });

  it('should print the -c table instead of the lines, and after them with --trace', () => {
    const summary = zeroos(['run', '-c', 'guests/bin/futex_pingpong']);
    expect(summary.code).toBe(0);
    expect(summary.stderr).toMatch(SUMMARY_HEADER);
    expect(summary.stderr).not.toMatch(/^\[1\]/m);
    expect(summary.stderr).toMatch(/^ +[\d.]+ +\d+ +\d+ +40\d\d +\d+ futex$/m);
    expect(summary.stderr).toMatch(/^ 100\.00 +\d+ +\d+ +\d+ +\d+ total\n$/m);
    const both = zeroos(['run', '--summary', '--trace', 'guests/bin/hello']);
    expect(both.stderr).toMatch(/^\[1\] \+\+\+ exited with 0 \+\+\+\n% instr/m);
    const filtered = zeroos(['run', '-c', '--trace-filter', 'writev,ioctl', 'guests/bin/hello']);
    expect(filtered.stderr.split('\n').filter((l) => / (writev|ioctl|total)$/.test(l)).length).toBe(3);
    expect(filtered.stderr).not.toMatch(/set_tid_address$/m);
  });

  it('should put the -c table in --trace-file', () => {
    const file = join(scratch(), 'summary.txt');
    const run = zeroos(['run', '-c', '--trace-file', file, 'guests/bin/hello']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(readFileSync(file, 'utf8')).toMatch(SUMMARY_HEADER);
  });

  it('should print the table when the run fails, and when Ctrl-C interrupts it', async () => {
    const fault = zeroos(['run', '-c', 'guests/bin/segv']);
    expect(fault.code).toBe(139);
    expect(fault.stderr).toMatch(SUMMARY_HEADER);

    const child = spawn(process.execPath, [MAIN, 'run', '-c', 'guests/bin/yes_lines', '0'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stderr).toMatch(SUMMARY_HEADER);
    expect(stderr).toMatch(/^ +[\d.]+ +\d+ +\d+ +\d+ +\d* ?write$/m);
    expect(stderr).toMatch(/^zeroos: Interrupted: /m);
  });

  it('should stop with a named error, not a stack, on a bad filter or an unwritable file', () => {
    const filter = zeroos(['run', '--trace-filter', 'open,%nope', 'guests/bin/hello']);
    expect(filter.code).toBe(64);
    expect(filter.stderr).toMatch(/--trace-filter: "open" is not a riscv64 Linux syscall/);
    expect(filter.stderr).not.toMatch(/\n\s+at /);
    const file = zeroos(['run', '--trace-file', join(scratch(), 'no', 'such', 'dir', 't.txt'), 'guests/bin/hello']);
    expect(file.code).toBe(77);
    expect(file.stderr).toMatch(/^zeroos: HostFileError: cannot open the trace file .*t\.txt: ENOENT$/m);
    expect(file.stdout).toBe('');
  });

  it('should drop the trace quietly when stderr is a closed pipe', () => {
    // About 300 KB of lines: far more than the pipe holds once head has gone.
    const run = spawnSync('bash', ['-c', `${JSON.stringify(process.execPath)} dist/cli/main.js run --trace -c guests/bin/futex_pingpong 2>&1 >/dev/null | head -c 1 >/dev/null; echo "status \${PIPESTATUS[0]}"`], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.stdout).toBe('status 0\n');
    expect(run.stderr).toBe('');
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const CLI = `${JSON.stringify(process.execPath)} dist/cli/main.js`;

/** Runs a shell line (bash: PIPESTATUS) in the repository; `status` is the zeroos command's own status. */
function shell(line: string) {
  const run = spawnSync('bash', ['-c', `${line}; echo "status \${PIPESTATUS[0]}" >&3`], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const fd3 = (run.output[3] as string | null) ?? '';
  return { stdout: run.stdout, stderr: run.stderr, status: Number(/status (\d+)/.exec(fd3)?.[1]) };
}

describe('zeroos run, when the host cannot take the guest\'s output', () => {
  describe('when the reader of stdout goes away (| head -1)', () => {
    it('should end the guest with SIGPIPE: exit 141, the signal named on stderr, no KernelPanic', () => {
      const run = shell(`${CLI} run guests/bin/yes_lines 0 | head -1`);
      expect(run.stdout).toBe('line 1\n');
      expect(run.status).toBe(141);
      expect(run.stderr).toBe('zeroos: the guest was killed by SIGPIPE (exit status 141)\n');
    });
    it('should give a guest that ignores SIGPIPE the EPIPE error of its write', () => {
      const run = shell(`${CLI} run guests/bin/yes_lines 0 ignore | head -1`);
      expect(run.status).toBe(32);
      expect(run.stderr).toMatch(/^yes_lines: write of line \d+ failed: Broken pipe \(SIGPIPE caught 0 times\)\n$/);
    });
    it('should exit 141 without a crash when stderr goes to the closed pipe too, also with --stats and --trace', () => {
      for (const options of ['', '--stats --trace']) {
        const run = shell(`${CLI} run ${options} guests/bin/yes_lines 0 2>&1 | head -1`);
        expect(run.status).toBe(141);
        expect(run.stderr).toBe('');
      }
    });
    it('should say in --stats that the run depended on the reader', () => {
      const run = shell(`${CLI} run --stats guests/bin/yes_lines 0 | head -1`);
      expect(run.status).toBe(141);
      expect(run.stderr).toMatch(/^reproducible {4}no: the host refused 1 write\(s\) to stdout \(EPIPE\), so the run depended on the reader$/m);
      expect(shell(`${CLI} run --stats guests/bin/hello`).stderr).toMatch(/^reproducible {4}yes$/m);
    });
    it('should not crash the CLI\'s own commands either', () => {
      expect(shell(`${CLI} syscalls --all | head -1`).status).toBe(0);
      expect(shell(`${CLI} --help | head -1`).status).toBe(0);
    });
  });

  describe('when stdout is /dev/full', () => {
    it('should fail the guest\'s write with ENOSPC, as under qemu (yes_lines exits with the errno)', () => {
      const run = shell(`${CLI} run guests/bin/yes_lines 3 > /dev/full`);
      expect(run.status).toBe(28);
      expect(run.stderr).toBe('yes_lines: write of line 1 failed: No space left on device (SIGPIPE caught 0 times)\n');
    });
    it('should exit 0 for hello, whose libc does not report the error (qemu: 0)', () => {
      const run = shell(`${CLI} run guests/bin/hello > /dev/full`);
      expect(run.status).toBe(0);
      expect(run.stderr).toBe('');
    });
  });

  describe('when the reader is slow (the pipe fills up)', () => {
    it('should wait for it and deliver every line', () => {
      const run = shell(`${CLI} run guests/bin/yes_lines 20000 | (sleep 1; wc -l)`);
      expect(run.status).toBe(0);
      expect(run.stdout.trim()).toBe('20000');
    });
    it('should wait with sleeps, not spin, on a non-blocking pipe (EAGAIN), and deliver every line', () => {
      // The first node puts the shared pipe in O_NONBLOCK mode (touching process.stdout does).
      const nonBlocking = `${JSON.stringify(process.execPath)} -e 'process.stdout; process.exit(0)'`;
      const cpu = join(mkdtempSync(join(tmpdir(), 'zeroos-cpu-')), 'user');
      // 10000 lines (89 KB) fill the 64 KiB pipe at once; the reader starts after 3 s.
      const run = shell(`{ ${nonBlocking}; TIMEFORMAT=%U; { time ${CLI} run guests/bin/yes_lines 10000; } 2>${cpu}; } | (sleep 3; wc -l)`);
      expect(run.stdout.trim()).toBe('10000');
      // CPU seconds of the run: node's start-up and the guest, not three seconds of spinning on EAGAIN.
      expect(Number(readFileSync(cpu, 'utf8').trim())).toBeLessThan(2);
    });
    it('should wait for a non-blocking stdin without spinning', () => {
      const nonBlocking = `${JSON.stringify(process.execPath)} -e 'process.stdin.pause(); process.exit(0)'`;
      const run = shell(`(sleep 1; echo late) | { ${nonBlocking}; TIMEFORMAT=%U; time ${CLI} run guests/bin/echo; }`);
      expect(run.stdout).toBe('late\necho: 5 bytes in 1 reads\n');
      expect(Number(run.stderr.trim())).toBeLessThan(0.9); // CPU seconds: node's start-up, not a second of spinning
    });
  });
});

describe('zeroos run exit status for a guest a signal ends', () => {
  it.each([
    ['segv', [], 139, /^zeroos: GuestFault: guest fault in thread 1: write of unmapped address 0x10 \(pc 0x[0-9a-f]+\)\n  killed by SIGSEGV \(exit status 139\)$/m],
    ['illegal', [], 132, /^zeroos: GuestFault: .*illegal instruction 0x0000201b.*\n  killed by SIGILL \(exit status 132\)$/m],
    ['ebreak', [], 133, /^zeroos: GuestFault: guest fault in thread 1: breakpoint \(ebreak\) at pc 0x[0-9a-f]+\n  killed by SIGTRAP \(exit status 133\)$/m],
    ['misaligned_amo', [], 135, /^zeroos: GuestFault: guest fault in thread 1: misaligned atomic access: amoadd\.w of 0x[0-9a-f]+ \(needs 4-byte alignment\) at pc 0x[0-9a-f]+\n  killed by SIGBUS \(exit status 135\)$/m],
    ['abort', [], 134, /^zeroos: the guest was killed by SIGABRT \(exit status 134\)$/m],
    ['ebreak', ['handler'], 0, /^$/],
    ['misaligned_amo', ['handler'], 0, /^$/],
  ] as const)('%s %j should exit %i and say why on stderr', (name, args, code, message) => {
    const run = spawnSync(process.execPath, ['dist/cli/main.js', 'run', `guests/bin/${name}`, ...args], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(code);
    expect(run.stderr.split('\n').filter((l) => !l.startsWith(`${name}:`) && !l.startsWith('abort:')).join('\n').trim()).toMatch(message);
    expect(run.stderr).not.toMatch(/KernelPanic|internal error/);
  });
});

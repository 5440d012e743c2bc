import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli', 'main.js');

function zeroos(args: string[]) {
  const run = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', input: '' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The lines of --stats that describe the run itself (not the host: wall time and speed vary). */
function guestStats(stderr: string): string[] {
  return stderr.split('\n').filter((line) => !/^(wall time|speed)\s/.test(line));
}

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'zeroos-manners-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

describe('zeroos --version', () => {
  it('should print the package version and exit 0', () => {
    const run = zeroos(['--version']);
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(run.stdout).toBe(`${version}\n`);
    expect(run.code).toBe(0);
  });
});

describe('zeroos run with a bad option', () => {
  it.each([
    [['--seed', 'abc'], /^error: option '--seed <n>' argument 'abc' is invalid\. expected an integer in \[0, 2\^64\)$/],
    [['--memory-limit', '100'], /^error: option '--memory-limit <size>' argument '100' is invalid\. 100 bytes is below the minimum of 1M$/],
    [['--memory-limit', '1049000'], /is not a multiple of the page size \(4K\)$/],
    [['--mount', 'guests/data:/w:bogus'], /the mode "bogus" is not one of ro, rw, cow$/],
  ])('should print one line and a --help hint for %j, and exit 64', (options, message) => {
    const run = zeroos(['run', ...options, 'guests/bin/hello']);
    expect(run.code).toBe(EXIT_CODES.usage);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(message);
    expect(lines[1]).toBe('(zeroos run --help for usage)');
    expect(run.stdout).toBe('');
  });
  it('should name the known platforms for an unknown --platform, in one line', () => {
    const run = zeroos(['run', '--platform', 'nope', 'guests/bin/hello']);
    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toBe('zeroos: UnknownPlatform: unknown platform "nope" (known: linux, jolt, spike; or a path to an adapter module such as ./my-adapter.js)\n');
  });
  it('should point at the top-level help for an unknown command', () => {
    const run = zeroos(['frobnicate']);
    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stderr).toBe("error: unknown command 'frobnicate'\n(zeroos --help for usage)\n");
  });
  it('should accept a memory limit of whole pages', () => {
    const run = zeroos(['run', '--memory-limit', '16388K', '--stats', 'guests/bin/hello']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^limits\s+memory 16\.0 MiB,/m);
  });
  it('should document the limits of --memory-limit and the mount modes in --help', () => {
    const help = zeroos(['run', '--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/at least 1M, in whole 4K pages/);
    expect(help).toMatch(/MODE ro \(default\), rw \(writes reach the host\) or cow/);
    expect(help).toMatch(/--argv0 <name>/);
  });
});

describe('zeroos run --mount HOST:GUEST:cow', () => {
  it('should let the guest write freely and leave the host directory as it was', () => {
    const run = zeroos(['run', '--mount', `${scratch}:/job:cow`, '--cwd', '/job', 'guests/bin/fileio', 'work']);
    expect(run.stdout).toBe(readFileSync(join(root, 'guests', 'expected', 'fileio.stdout'), 'utf8'));
    expect(run.code).toBe(0);
    expect(readdirSync(scratch)).toEqual([]);
  });
});

describe('zeroos run with a missing executable', () => {
  it('should name the HostFileError in one line and exit 77', () => {
    const run = zeroos(['run', join(scratch, 'absent')]);
    expect(run.code).toBe(EXIT_CODES.hostIo);
    expect(run.stderr).toBe(`zeroos: HostFileError: cannot read executable ${join(scratch, 'absent')}: ENOENT\n`);
  });
});

describe('zeroos run: where the guest finds its executable', () => {
  it('should be /bin/<name> in argv[0], AT_EXECFN and /proc/self/exe, whichever host directory it sits in', () => {
    const near = join(scratch, 'a');
    const far = join(scratch, 'b', 'deeper', 'still');
    mkdirSync(near, { recursive: true });
    mkdirSync(far, { recursive: true });
    copyFileSync(join(root, 'guests', 'bin', 'whereami'), join(near, 'whereami'));
    copyFileSync(join(root, 'guests', 'bin', 'whereami'), join(far, 'whereami'));
    const one = zeroos(['run', '--stats', join(near, 'whereami')]);
    const two = zeroos(['run', '--stats', join(far, 'whereami')]);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe(
      'argv[0]=/bin/whereami\nAT_EXECFN=/bin/whereami\n/proc/self/exe -> /bin/whereami\ncwd=/\n/: bin dev proc sys tmp\n',
    );
    expect(two.stdout).toBe(one.stdout);
    expect(guestStats(two.stderr)).toEqual(guestStats(one.stderr));
    expect(one.stderr).toMatch(/^instructions\s+\d+$/m);
  });
  it('should give the same output and statistics for the args guest from two directories', () => {
    const elsewhere = join(scratch, 'x', 'y');
    mkdirSync(elsewhere, { recursive: true });
    copyFileSync(join(root, 'guests', 'bin', 'args'), join(elsewhere, 'args'));
    const args = ['--env', 'GREETING=hello, world', '--env', 'ZEROOS_MODE=test', '--stats'];
    const here = zeroos(['run', ...args, 'guests/bin/args', 'one', 'two words']);
    const there = zeroos(['run', ...args, join(elsewhere, 'args'), 'one', 'two words']);
    expect(here.code).toBe(0);
    expect(there.stdout).toBe(here.stdout);
    expect(guestStats(there.stderr)).toEqual(guestStats(here.stderr));
  });
  it('should set argv[0] only with --argv0, leaving the executable at /bin/<name>', () => {
    const run = zeroos(['run', '--argv0', 'custom-name', '--cwd', '/job', 'guests/bin/whereami']);
    expect(run.stdout).toBe(
      'argv[0]=custom-name\nAT_EXECFN=/bin/whereami\n/proc/self/exe -> /bin/whereami\ncwd=/job\n/: bin dev job proc sys tmp\n',
    );
  });
});

describe('zeroos run --stats', () => {
  it('should name the scheduler, quantum, allocator and memory limit that ran', () => {
    const run = zeroos(['run', '--stats', '--scheduler', 'random', '--quantum', '500', '--allocator', 'buddy', '--memory-limit', '64M', 'guests/bin/pthread_join']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^scheduler\s+random, quantum 500$/m);
    expect(run.stderr).toMatch(/^allocator\s+buddy: /m);
    expect(run.stderr).toMatch(/^limits\s+memory 64\.0 MiB,/m);
    expect(run.stderr).toMatch(
      /^memory budget\s+[\d.]+ MiB of 64\.0 MiB, peak [\d.]+ MiB: address space [\d.]+ MiB, file contents [\d.]+ \w+, pipe buffers [\d.]+ \w+, directory entries [\d.]+ \w+, device data [\d.]+ \w+ \(peaks\); decoded code outside it, at most 2048 pages$/m,
    );
  });
  it('should take --quantum 0 as never preempting, also for a Go program (whose default is 1000000)', () => {
    const run = zeroos(['run', '--stats', '--quantum', '0', 'guests/bin/go_demo', 'hello']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^scheduler\s+cooperative, quantum none \(switch on block, yield or exit: --quantum 0\)$/m);
    expect(zeroos(['run', '--quantum', '-1', 'guests/bin/hello']).code).toBe(EXIT_CODES.usage);
  });
  it('should say when no quantum is set', () => {
    expect(zeroos(['run', '--stats', 'guests/bin/hello']).stderr).toMatch(/^scheduler\s+cooperative, quantum none/m);
  });
});

describe('zeroos run interrupted with Ctrl-C', () => {
  it('should stop, say where it was, print --stats, copy --out back and exit 130', async () => {
    const out = join(scratch, 'out');
    const child = spawn(process.execPath, [cli, 'run', '--stats', '--out', out, 'guests/bin/whereami', 'spin', '/out/started'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Interrupt once the guest says it is spinning: well inside the run.
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('spinning\n')) resolve();
      }),
    );
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(EXIT_CODES.interrupted);
    expect(stderr).toMatch(/^zeroos: Interrupted: interrupted after \d+ instructions at pc 0x[0-9a-f]+ in thread 1 \(1 live thread\)$/m);
    expect(stderr).toMatch(/^instructions\s+\d+$/m);
    expect(stderr).toMatch(/^output\s+\/out -> .*: 1 files, 8 bytes$/m);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(out, 'started'))).toBe(true);
    expect(readFileSync(join(out, 'started'), 'utf8')).toBe('started\n');
  });
});

describe('zeroos run interrupted while the guest waits on the host\'s stdin', () => {
  it('should end at once, as SIGINT ends a process, rather than wait for input', async () => {
    const child = spawn(process.execPath, [cli, 'run', 'guests/bin/echo'], { cwd: root, stdio: ['pipe', 'ignore', 'pipe'] });
    // stdin stays open and empty: the guest blocks in read(0) on the host.
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGINT');
    const timeout = new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 10_000));
    const outcome = await Promise.race([ended, timeout]);
    child.stdin.end();
    if (outcome === 'still waiting') child.kill('SIGKILL');
    expect(outcome).toEqual({ code: null, signal: 'SIGINT' });
  });
});

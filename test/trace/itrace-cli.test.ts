import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const main = join(root, 'dist', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'zeroos-itrace-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function zeroos(args: string[]) {
  const run = spawnSync(process.execPath, [main, ...args], { cwd: root, encoding: 'utf8', input: '', maxBuffer: 1 << 28 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const statsValue = (stderr: string, label: string) => Number(new RegExp(`^${label}\\s+(\\d+)`, 'm').exec(stderr)?.[1]);

describe('zeroos run --itrace', () => {
  it('should trace hello as many instructions as --stats counts, the guest\'s output unchanged', () => {
    const file = join(scratch, 'hello.itrace');
    const run = zeroos(['run', '--itrace', file, '--stats', 'guests/bin/hello']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(readFileSync(join(root, 'guests/expected/hello.stdout'), 'utf8'));
    const instructions = statsValue(run.stderr, 'instructions');
    expect(instructions).toBeGreaterThan(1000);
    expect(run.stderr).toMatch(new RegExp(`^itrace +${instructions} instructions from index 0, \\d+ bytes to .*hello\\.itrace \\(the run ended\\)$`, 'm'));
    const show = zeroos(['itrace', 'show', file]);
    expect(show.code).toBe(0);
    const lines = show.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => !l.startsWith('#')).length).toBe(instructions);
    expect(lines[0]).toMatch(/^# instruction trace v1: executable sha256 [0-9a-f]{64}, rv64imafdc_zicsr_zifencei_machine, from index 0$/);
    expect(lines.at(-1)).toMatch(new RegExp(`^# ${instructions} instructions; tracing stopped: the run ended; trace sha256 [0-9a-f]{64}$`));
    expect(lines[1]).toMatch(/^ +0 \[1\] 0x[0-9a-f]{8} +[0-9a-f]{8} +auipc gp, 0x[0-9a-f]+ +-> 0x[0-9a-f]+$/);
  });

  it('should show a Jolt guest\'s trace with its functions when given the ELF', () => {
    const file = join(scratch, 'jolt.itrace');
    const run = zeroos(['run', '--platform', 'jolt', '--itrace', file, '--stats', 'guests/bin/jolt/jolt_hash']);
    expect(run.code).toBe(0);
    const show = zeroos(['itrace', 'show', file, '--elf', 'guests/bin/jolt/jolt_hash']);
    expect(show.code).toBe(0);
    expect(show.stderr).toBe('');
    const lines = show.stdout.trimEnd().split('\n').filter((l) => !l.startsWith('#'));
    expect(lines.length).toBe(statsValue(run.stderr, 'instructions'));
    expect(lines[0]).toMatch(/^ +0 \[1\] 0x800001e0 <_start> +00006197 +auipc gp, 0x6 +-> 0x800061e0$/);
    expect(show.stdout).toMatch(/^ +\d+ \[1\] 0x[0-9a-f]+ <main(\+0x[0-9a-f]+)?> /m);
    expect(show.stdout).toMatch(/jal ra, 0x[0-9a-f]+ <__libc_start_main|jal ra, 0x[0-9a-f]+ <__init_libc>/);
    expect(show.stdout).toMatch(/sd ra, \d+\(sp\) +@ 0x[0-9a-f]+$/m);
    // --from and --count pick a window.
    const window = zeroos(['itrace', 'show', file, '--from', '10', '--count', '3']);
    expect(window.stdout.split('\n').filter((l) => /^ +\d+ /.test(l)).map((l) => Number(l.trim().split(' ')[0]))).toEqual([10, 11, 12]);
  });

  it('should refuse an ELF that is not the traced one, in one line (exit 65)', () => {
    const file = join(scratch, 'hello2.itrace');
    expect(zeroos(['run', '--itrace', file, 'guests/bin/hello']).code).toBe(0);
    const show = zeroos(['itrace', 'show', file, '--elf', 'guests/bin/jolt/jolt_hash']);
    expect(show.code).toBe(65);
    expect(show.stdout).toBe('');
    expect(show.stderr).toMatch(/^zeroos: ItraceExecutableMismatch: guests\/bin\/jolt\/jolt_hash is not the traced executable: its SHA-256 is [0-9a-f]{64}, the trace's is [0-9a-f]{64}\n$/);
  });

  it('should name a corrupt or foreign file in one line (exit 65), after the records it could read', () => {
    const file = join(scratch, 'hello3.itrace');
    expect(zeroos(['run', '--itrace', file, 'guests/bin/hello']).code).toBe(0);
    const cut = join(scratch, 'cut.itrace');
    writeFileSync(cut, readFileSync(file).subarray(0, 2000));
    const show = zeroos(['itrace', 'show', cut]);
    expect(show.code).toBe(65);
    expect(show.stderr).toMatch(/^zeroos: ItraceFormatError: .*cut\.itrace is not a valid instruction trace: it ends .*\(truncated\)\n$/);
    expect(show.stdout.split('\n').length).toBeGreaterThan(100);
    const foreign = zeroos(['itrace', 'show', 'guests/bin/hello']);
    expect(foreign.code).toBe(65);
    expect(foreign.stderr).toBe('zeroos: ItraceFormatError: guests/bin/hello is not a valid instruction trace: it does not start with the trace magic\n');
    const missing = zeroos(['itrace', 'show', join(scratch, 'nope.itrace')]);
    expect(missing.code).toBe(77);
    expect(missing.stderr).toMatch(/^zeroos: HostFileError: cannot read the instruction trace .*nope\.itrace: ENOENT\n$/);
  });

  it('should stop tracing at --itrace-limit, say so, and let the run finish', () => {
    const file = join(scratch, 'limit.itrace');
    const run = zeroos(['run', '--itrace', file, '--itrace-limit', '100', 'guests/bin/hello']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(readFileSync(join(root, 'guests/expected/hello.stdout'), 'utf8'));
    expect(run.stderr).toBe('zeroos: itrace: tracing stopped after 100 instructions (--itrace-limit 100); the run goes on\n');
    expect(zeroos(['itrace', 'show', file]).stdout).toMatch(/^# 100 instructions; tracing stopped: the --itrace-limit was reached; /m);
  });

  it('should trace --itrace-range A:B', () => {
    const file = join(scratch, 'range.itrace');
    expect(zeroos(['run', '--itrace', file, '--itrace-range', '50:60', 'guests/bin/hello']).code).toBe(0);
    const indices = zeroos(['itrace', 'show', file]).stdout.split('\n').filter((l) => /^ +\d+ /.test(l)).map((l) => Number(l.trim().split(' ')[0]));
    expect(indices).toEqual([50, 51, 52, 53, 54, 55, 56, 57, 58, 59]);
  });

  it('should refuse bad options as usage errors (64) and an unwritable trace as a host error (77)', () => {
    const noTrace = zeroos(['run', '--itrace-range', '1:5', 'guests/bin/hello']);
    expect(noTrace.code).toBe(64);
    expect(noTrace.stderr).toBe('zeroos: ItraceUsageError: --itrace-range needs --itrace FILE\n');
    const empty = zeroos(['run', '--itrace', join(scratch, 'x'), '--itrace-range', '5:5', 'guests/bin/hello']);
    expect(empty.code).toBe(64);
    expect(empty.stderr).toMatch(/--itrace-range.*empty/);
    expect(zeroos(['run', '--itrace', join(scratch, 'x'), '--itrace-limit', '0', 'guests/bin/hello']).code).toBe(64);
    const unwritable = zeroos(['run', '--itrace', join(scratch, 'no', 'such', 'dir.itrace'), 'guests/bin/hello']);
    expect(unwritable.code).toBe(77);
    expect(unwritable.stderr).toMatch(/^zeroos: HostFileError: cannot create the instruction trace .*dir\.itrace: ENOENT\n$/);
  });

  it('should print the itrace digest after the run\'s digest with --digest: the same for two runs on two engines', () => {
    const lines = (engine: string) => {
      const file = join(scratch, `digest-${engine}.itrace`);
      const run = zeroos(['run', '--engine', engine, '--digest', '--itrace', file, '--platform', 'jolt', 'guests/bin/jolt/jolt_hash']);
      expect(run.code).toBe(0);
      const show = zeroos(['itrace', 'show', file]).stdout;
      const sha = /trace sha256 ([0-9a-f]{64})$/m.exec(show)![1];
      expect(run.stderr).toMatch(new RegExp(`^digest sha256:[0-9a-f]{64}\nitrace digest sha256:${sha}\n$`));
      return run.stderr;
    };
    const wasm = lines('wasm');
    expect(lines('interpreter')).toBe(wasm);
    expect(lines('wasm')).toBe(wasm);
  });

  it('should end quietly when the reader of the listing goes away', () => {
    const file = join(scratch, 'pipe.itrace');
    expect(zeroos(['run', '--itrace', file, 'guests/bin/hello']).code).toBe(0);
    const run = spawnSync('sh', ['-c', `"${process.execPath}" "${main}" itrace show "${file}" | head -2; echo "status \${PIPESTATUS:-ok}"`], { cwd: root, encoding: 'utf8' });
    expect(run.stdout.split('\n').length).toBeGreaterThanOrEqual(3);
    expect(run.stderr).toBe('');
  });
});

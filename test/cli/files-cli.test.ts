import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';

const root = join(import.meta.dirname, '..', '..');
const expected = (name: string, ext: string) => readFileSync(join(root, 'guests', 'expected', `${name}.${ext}`), 'utf8');
const input = readFileSync(join(root, 'guests', 'data', 'mounted_input.txt'));
const result = () => /^result: (.*)$/m.exec(expected('mounted_io', 'stdout'))![1] ?? '';

function zeroos(args: string[]) {
  const run = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), ...args], { cwd: root, encoding: 'utf8', input: '' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

let out: string;
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'zeroos-cli-out-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

describe('zeroos run with files', () => {
  it('should mount an input, run in --cwd, and copy the output directory back with --out', () => {
    const run = zeroos([
      'run',
      '--mount', 'guests/data:/job/data',
      '--cwd', '/job',
      '--out', `${out}:/job`,
      'guests/bin/mounted_io', 'data/mounted_input.txt', 'mounted_io.out',
    ]);
    expect(run.stdout).toBe(expected('mounted_io', 'stdout'));
    expect(run.code).toBe(0);
    expect(readFileSync(join(out, 'mounted_io.out'), 'utf8')).toBe(`${result()}\n`);
  });
  it('should show one host file with --file, and list the inputs and the output with --stats', () => {
    const run = zeroos(['run', '--stats', '--file', 'guests/data/mounted_input.txt:/in/text', '--out', out, 'guests/bin/mounted_io', '/in/text', '/out/result']);
    expect(run.code).toBe(0);
    const sha = createHash('sha256').update(input).digest('hex');
    expect(run.stderr).toMatch(new RegExp(`^input\\s+/in/text \\(.*guests/data/mounted_input.txt\\): ${input.length} bytes read of ${input.length}, sha256 ${sha}$`, 'm'));
    expect(run.stderr).toMatch(new RegExp(`^output\\s+/out -> ${out}: 1 files, ${result().length + 1} bytes$`, 'm'));
    expect(readFileSync(join(out, 'result'), 'utf8')).toBe(`${result()}\n`);
  });
  it('should make a --stdin file the guest\'s stdin and a hashed input', () => {
    const run = zeroos(['run', '--stats', '--stdin', 'guests/src/wc_stdin.stdin', 'guests/bin/wc_stdin']);
    expect(run.stdout).toBe(expected('wc_stdin', 'stdout'));
    expect(run.stderr).toMatch(/^input\s+stdin \(.*wc_stdin\.stdin\): 4580 bytes read of 4580, sha256 [0-9a-f]{64}$/m);
  });
  it('should refuse writes into a read-only mount (the guest sees EROFS) and allow them with :rw', () => {
    const ro = zeroos(['run', '--mount', `${out}:/job`, '--cwd', '/job', 'guests/bin/fileio', 'work']);
    expect(ro.code).not.toBe(0);
    expect(ro.stdout).toMatch(/EROFS|FAIL/);
    const rw = zeroos(['run', '--mount', `${out}:/job:rw`, '--cwd', '/job', 'guests/bin/fileio', 'work']);
    expect(rw.stdout).toBe(expected('fileio', 'stdout'));
    expect(rw.code).toBe(0);
  });

  describe('when the file options are wrong', () => {
    it.each([
      [['--mount', 'guests/no-such-dir:/data'], /MountError: --mount guests\/no-such-dir:\/data: host path guests\/no-such-dir does not exist/],
      [['--mount', 'guests/data:data'], /must be absolute/],
      [['--mount', 'guests/data'], /"guests\/data" is not HOST:GUEST\[:MODE\] \(MODE is ro, rw, cow\)/],
      [['--mount', 'guests/data:/w:bogus'], /the mode "bogus" is not one of ro, rw, cow/],
      [['--mount', ':/w'], /names no host path/],
      [['--file', 'guests/data/mounted_input.txt:/f:'], /the mode "" is not one of ro, rw, cow/],
      [['--file', 'guests/data/mounted_input.txt:f:rw'], /the guest path "f" must be absolute/],
      [['--file', 'guests/data:/f'], /MountError: .*is not a regular file/],
      [['--mount', 'guests/data:/'], /MountError: .*cannot mount over the root/],
      [['--cwd', 'relative'], /must be absolute/],
    ])('should exit with the usage code for %j', (options, message) => {
      const run = zeroos(['run', ...options, 'guests/bin/hello']);
      expect(run.code).toBe(EXIT_CODES.usage);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });
    it('should exit with the host I/O code for a --stdin file that cannot be read', () => {
      const run = zeroos(['run', '--stdin', 'guests/no-such-file', 'guests/bin/wc_stdin']);
      expect(run.code).toBe(EXIT_CODES.hostIo);
      expect(run.stderr).toMatch(/HostFileError: cannot read guests\/no-such-file: ENOENT/);
    });
  });
});

describe('zeroos syscalls', () => {
  it('should list the file syscalls with their support and notes', () => {
    const run = zeroos(['syscalls']);
    for (const name of ['openat', 'getdents64', 'renameat2', 'statx', 'pipe2', 'pselect6', 'fcntl', 'flock', 'utimensat']) {
      expect(run.stdout).toMatch(new RegExp(`^\\s*\\d+\\s+${name}\\s+(full|partial)\\s+vfs\\s+`, 'm'));
    }
  });
});

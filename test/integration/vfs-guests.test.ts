import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KernelEvent } from '../../src/kernel/events.js';
import { isInode } from '../../src/subsystems/vfs/mount-tree.js';
import { RegularInode } from '../../src/subsystems/vfs/inode.js';
import { Vfs } from '../../src/subsystems/vfs/vfs.js';
import { createKernel, type KernelOptions } from '../../src/zeroos.js';

const GUESTS = join(import.meta.dirname, '..', '..', 'guests');
const DATA = join(GUESTS, 'data');
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const lines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').replace(/\n$/, '').split('\n') : []);

/** The file-system guests and what guests/README.md says each needs. */
const FILE_GUESTS = ['fileio', 'mounted_io', 'pipe_threads', 'wc_stdin', 'rust_fs', 'filecopy', 'write_loop', 'random'];

/**
 * Runs a guest the way the guests README sets it up: the working directory `/` on the
 * writable in-memory root, guests/data at /data (read-only), its arguments, and its
 * .stdin file (when it has one) as a --stdin input.
 */
function boot(name: string, options: KernelOptions = {}) {
  const stdin = join(GUESTS, 'src', `${name}.stdin`);
  const path = `guests/bin/${name}`;
  const zeroos = createKernel({
    ...options,
    files: {
      mounts: [{ host: DATA, guest: '/data' }],
      ...(existsSync(stdin) ? { stdin } : {}),
      ...options.files,
    },
  });
  zeroos.load({ executable: readFileSync(join(GUESTS, 'bin', name)), path, argv: [path, ...lines(join(GUESTS, 'src', `${name}.args`))] });
  const expected = (ext: string) => readFileSync(join(GUESTS, 'expected', `${name}.${ext}`), 'utf8');
  return { zeroos, expected };
}

/** The contents of a guest file after the run, read through the VFS. */
function guestFile(zeroos: ReturnType<typeof createKernel>, path: string): string | undefined {
  const vfs = zeroos.container.get(Vfs);
  const node = vfs.tree.lookup(vfs.tree.root, path, true);
  return isInode(node) && node instanceof RegularInode ? decode(node.contents().view()) : undefined;
}

describe('file-system guests', () => {
  describe.each(FILE_GUESTS)('%s', (name) => {
    it.each(['js', 'interpreter', 'wasm'] as const)('should print what qemu-riscv64 printed and exit the same way (%s tier)', (engine) => {
      const { zeroos, expected } = boot(name, { engine });
      const result = zeroos.run();
      expect(decode(result.stdout)).toBe(expected('stdout'));
      expect(decode(result.stderr)).toBe(expected('stderr'));
      expect(result.exitCode).toBe(Number(expected('exit').trim()));
    });
  });

  describe('mounted_io', () => {
    it('should hash its input and leave its result file in the working directory', () => {
      const { zeroos, expected } = boot('mounted_io');
      zeroos.run();
      const input = readFileSync(join(DATA, 'mounted_input.txt'));
      expect(zeroos.stats().inputs).toEqual([
        {
          path: '/data/mounted_input.txt',
          hostPath: join(DATA, 'mounted_input.txt'),
          size: input.length,
          sha256: createHash('sha256').update(input).digest('hex'),
          bytesRead: input.length,
        },
      ]);
      const result = /^result: (.*)$/m.exec(expected('stdout'))![1];
      expect(guestFile(zeroos, '/mounted_io.out')).toBe(`${result}\n`);
    });
    it('should hand its result to the host through --out', () => {
      const host = mkdtempSync(join(tmpdir(), 'zeroos-out-'));
      try {
        const { zeroos, expected } = boot('mounted_io', {
          files: { mounts: [{ host: DATA, guest: '/job/data' }], cwd: '/job', out: { host, guest: '/job' } },
        });
        expect(zeroos.run().exitCode).toBe(0);
        const result = /^result: (.*)$/m.exec(expected('stdout'))![1];
        expect(readFileSync(join(host, 'mounted_io.out'), 'utf8')).toBe(`${result}\n`);
        expect(existsSync(join(host, 'data'))).toBe(false); // the input mount is not output
      } finally {
        rmSync(host, { recursive: true, force: true });
      }
    });
  });

  describe('wc_stdin', () => {
    it('should report its stdin file as a hashed input', () => {
      const { zeroos } = boot('wc_stdin');
      const events: KernelEvent[] = [];
      zeroos.events.inputRead$.subscribe((e) => events.push(e));
      zeroos.run();
      const stdin = readFileSync(join(GUESTS, 'src', 'wc_stdin.stdin'));
      expect(events).toMatchObject([{ kind: 'input-read', path: 'stdin', size: stdin.length, sha256: createHash('sha256').update(stdin).digest('hex') }]);
    });
  });

  describe('fileio and rust_fs', () => {
    it.each(['fileio', 'rust_fs'])('%s should leave nothing behind in the working directory', (name) => {
      const { zeroos } = boot(name);
      zeroos.run();
      const vfs = zeroos.container.get(Vfs);
      expect([...vfs.tree.root.entries().keys()].sort()).toEqual(['data', 'dev', 'guests', 'proc', 'sys', 'tmp']);
    });
  });

  describe.each([1, 2, 3, 4])('pipe_threads under the random scheduler with seed %i', (seed) => {
    it('should give qemu\'s output whatever the interleaving', () => {
      const { zeroos, expected } = boot('pipe_threads', { scheduler: 'random', quantum: 3000, seed });
      const result = zeroos.run();
      expect(decode(result.stdout)).toBe(expected('stdout'));
      expect(result.exitCode).toBe(0);
    });
  });

  describe('determinism', () => {
    it.each(['fileio', 'pipe_threads', 'rust_fs'])('%s should make the same syscalls with the same results on every run', (name) => {
      const trace = () => {
        const { zeroos } = boot(name);
        const seen: string[] = [];
        zeroos.events.syscallExit$.subscribe((e) => seen.push(`${e.instret} ${e.tid} ${e.name} ${e.result}`));
        zeroos.run();
        return seen;
      };
      const first = trace();
      expect(first.length).toBeGreaterThan(20);
      expect(trace()).toEqual(first);
    });
  });
});

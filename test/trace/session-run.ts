/** Runs a guest with one run add-on's session, as `zeroos run` starts it, writing a real file that is read back. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunAddonContext, RunAddonSession } from '../../src/cli/addons/types.js';
import { createKernel, type KernelOptions, type RunResult, type ZeroOS } from '../../src/zeroos.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const guestPath = (name: string): string => join(ROOT, 'guests', 'bin', name);

export interface SessionRun {
  readonly zeroos: ZeroOS;
  readonly result?: RunResult;
  readonly error?: unknown;
  /** The bytes of the file the session wrote. */
  readonly file: Uint8Array;
  readonly stats: string[];
  readonly stderr: string;
}

/**
 * Loads the guest at `elfPath` (argv[0] /bin/<its name>), starts the session `start` makes for
 * `path` (a file in a scratch directory named `fileName`) before the load, runs, finishes the
 * session however the run ended, and reads the file back.
 */
export function sessionRun(
  elfPath: string,
  fileName: string,
  start: (path: string, context: RunAddonContext) => RunAddonSession,
  options: { kernel?: KernelOptions; args?: readonly string[] } = {},
): SessionRun {
  const executable = readFileSync(elfPath);
  const zeroos = createKernel(options.kernel ?? {});
  const scratch = mkdtempSync(join(tmpdir(), 'zeroos-session-'));
  const path = join(scratch, fileName);
  let stderr = '';
  try {
    const session = start(path, { zeroos, elfPath, executable, stderr: (text) => (stderr += text) });
    const base = elfPath.split('/').pop()!;
    zeroos.load({ executable, path: `/bin/${base}`, argv: [`/bin/${base}`, ...(options.args ?? [])], env: [] });
    let result: RunResult | undefined;
    let error: unknown;
    try {
      result = zeroos.run();
    } catch (e) {
      error = e;
    }
    session.finish?.(result, error);
    return { zeroos, ...(result === undefined ? {} : { result }), ...(error === undefined ? {} : { error }), file: readFileSync(path), stats: session.statsLines?.() ?? [], stderr };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

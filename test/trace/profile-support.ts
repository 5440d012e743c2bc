/** Runs a guest with the --profile session as `zeroos run` starts it, and reads the file back. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProfile } from '../../src/cli/addons/profile-session.js';
import type { ProfileFormat } from '../../src/trace/profile/writers.js';
import { createKernel, type KernelOptions, type RunResult, type ZeroOS } from '../../src/zeroos.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const guestPath = (name: string): string => join(ROOT, 'guests', 'bin', name);

export interface ProfiledRun {
  readonly zeroos: ZeroOS;
  readonly result?: RunResult;
  readonly error?: unknown;
  /** The profile file's bytes. */
  readonly file: Uint8Array;
  readonly stats: string[];
  readonly stderr: string;
}

export function profiledRun(
  name: string,
  format: ProfileFormat,
  options: { kernel?: KernelOptions; args?: string[]; elfPath?: string } = {},
): ProfiledRun {
  const elfPath = options.elfPath ?? guestPath(name);
  const executable = readFileSync(elfPath);
  const zeroos = createKernel(options.kernel ?? {});
  const scratch = mkdtempSync(join(tmpdir(), 'zeroos-profile-'));
  const path = join(scratch, `profile.${format}`);
  let stderr = '';
  try {
    const session = startProfile({ path, format }, { zeroos, elfPath, executable, stderr: (text) => (stderr += text) });
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
    return { zeroos, ...(result ? { result } : {}), ...(error ? { error } : {}), file: readFileSync(path), stats: session.statsLines?.() ?? [], stderr };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

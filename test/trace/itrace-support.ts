/** Runs a guest with an instruction trace, as `zeroos run --itrace` does, and reads the trace back. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startItrace } from '../../src/cli/addons/itrace-session.js';
import { ARCH } from '../../src/kernel/tokens.js';
import { ItraceWriter } from '../../src/trace/itrace/writer.js';
import { createKernel, type KernelOptions, type RunResult, type ZeroOS } from '../../src/zeroos.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const guestPath = (name: string): string => join(ROOT, 'guests', 'bin', name);

export interface TracedRun {
  readonly zeroos: ZeroOS;
  readonly result?: RunResult;
  readonly error?: unknown;
  /** The trace file's bytes. */
  readonly file: Uint8Array;
  readonly stats: string[];
  readonly stderr: string;
}

export interface TraceSettings {
  readonly start?: number;
  readonly end?: number;
  readonly limit?: number;
  readonly digest?: boolean;
}

function load(zeroos: ZeroOS, executable: Uint8Array, name: string, args: readonly string[]): void {
  const base = name.split('/').pop()!;
  zeroos.load({ executable, path: `/bin/${base}`, argv: [`/bin/${base}`, ...args], env: [] });
}

/** The run with the session `zeroos run --itrace FILE` starts (a real file, then read back). */
export function tracedRun(name: string, settings: TraceSettings = {}, options: { kernel?: KernelOptions; args?: string[] } = {}): TracedRun {
  const elfPath = guestPath(name);
  const executable = readFileSync(elfPath);
  const zeroos = createKernel(options.kernel ?? {});
  const scratch = mkdtempSync(join(tmpdir(), 'zeroos-itrace-'));
  const path = join(scratch, 'run.itrace');
  let stderr = '';
  try {
    const session = startItrace(
      { path, start: settings.start ?? 0, end: settings.end ?? Infinity, limit: settings.limit ?? Infinity, digest: settings.digest ?? false },
      { zeroos, elfPath, executable, stderr: (text) => (stderr += text) },
    );
    load(zeroos, executable, name, options.args ?? []);
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

/** The trace's bytes in memory (no file), from a writer on the hart; with the run's result. */
export function traceInMemory(name: string, kernel: KernelOptions = {}, writerOptions: { start?: number; end?: number; limit?: number; bufferSize?: number } = {}): { bytes: Uint8Array; result: RunResult; writer: ItraceWriter } {
  const executable = readFileSync(guestPath(name));
  const zeroos = createKernel(kernel);
  const chunks: Uint8Array[] = [];
  const hart = zeroos.container.get(ARCH).hart;
  const writer = new ItraceWriter({
    hart,
    sink: { write: (chunk) => void chunks.push(chunk.slice()) },
    executableSha256: createHash('sha256').update(executable).digest('hex'),
    ...writerOptions,
  });
  hart.addObserver(writer);
  zeroos.events.threadSwitch$.subscribe((e) => writer.setThread(e.to));
  load(zeroos, executable, name, []);
  const result = zeroos.run();
  writer.close();
  return { bytes: Buffer.concat(chunks), result, writer };
}

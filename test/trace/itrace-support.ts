/** Runs a guest with an instruction trace, as `zeroos run --itrace` does, and reads the trace back. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startItrace } from '../../src/cli/addons/itrace-session.js';
import { ARCH } from '../../src/kernel/tokens.js';
import { ItraceWriter } from '../../src/trace/itrace/writer.js';
import { createKernel, type KernelOptions, type RunResult, type ZeroOS } from '../../src/zeroos.js';
import { guestPath, ROOT, type SessionRun, sessionRun } from './session-run.js';

export { guestPath, ROOT };

/** A run with `--itrace FILE`; `file` is the trace's bytes. */
export type TracedRun = SessionRun;

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
  return sessionRun(
    guestPath(name),
    'run.itrace',
    (path, context) =>
      startItrace({ path, start: settings.start ?? 0, end: settings.end ?? Infinity, limit: settings.limit ?? Infinity, digest: settings.digest ?? false }, context),
    options,
  );
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

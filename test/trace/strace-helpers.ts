/** Runs a bundled guest under the strace printer, in-process, and returns its lines. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARCH } from '../../src/kernel/tokens.js';
import { memoryView } from '../../src/trace/strace/decode.js';
import type { SyscallFilter } from '../../src/trace/strace/filter.js';
import { StracePrinter } from '../../src/trace/strace/printer.js';
import type { SyscallSummary } from '../../src/trace/strace/summary.js';
import { createKernel, type KernelOptions, type RunResult } from '../../src/zeroos.js';

export const GUESTS = join(import.meta.dirname, '..', '..', 'guests');

export interface TracedRun {
  readonly lines: string[];
  readonly text: string;
  readonly result?: RunResult;
  readonly error?: unknown;
}

export function traceGuest(
  name: string,
  options: { perCall?: boolean; filter?: SyscallFilter; summary?: SyscallSummary; kernel?: KernelOptions; args?: string[] } = {},
): TracedRun {
  const src = (ext: string) => join(GUESTS, 'src', `${name}.${ext}`);
  const lines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').replace(/\n$/, '').split('\n') : []);
  const path = `/bin/${name}`;
  const zeroos = createKernel({ console: { stdin: existsSync(src('stdin')) ? readFileSync(src('stdin')) : new Uint8Array(0) }, ...options.kernel });
  const { hart, memory } = zeroos.container.get(ARCH);
  let text = '';
  new StracePrinter(zeroos.events, memoryView(memory, (i) => hart.getX(i)), {
    write: (t) => (text += t),
    perCall: options.perCall ?? true,
    ...(options.filter ? { filter: options.filter } : {}),
    ...(options.summary ? { summary: options.summary } : {}),
  });
  zeroos.load({ executable: readFileSync(join(GUESTS, 'bin', name)), path, argv: [path, ...(options.args ?? lines(src('args')))], env: [] });
  let result: RunResult | undefined;
  let error: unknown;
  try {
    result = zeroos.run();
  } catch (e) {
    error = e;
  }
  return { lines: text.split('\n').filter((l) => l !== ''), text, ...(result ? { result } : {}), ...(error !== undefined ? { error } : {}) };
}

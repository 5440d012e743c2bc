/** The session of a `zeroos run --itrace` run: the writer on the hart, its file, its lines. */
import { createHash } from 'node:crypto';
import { ARCH } from '../../kernel/tokens.js';
import { STOP_DESCRIPTIONS } from '../../trace/itrace/format.js';
import { FileSink, ItraceWriter } from '../../trace/itrace/writer.js';
import type { RunAddonContext, RunAddonSession } from './types.js';

export interface ItraceSettings {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  readonly limit: number;
  /** Print `itrace digest sha256:…` at the end. */
  readonly digest: boolean;
}

/** Attaches a trace writer to the run's hart before the program is loaded. */
export function startItrace(settings: ItraceSettings, context: RunAddonContext): RunAddonSession {
  const { zeroos } = context;
  const hart = zeroos.container.get(ARCH).hart;
  const executableSha256 = createHash('sha256').update(context.executable).digest('hex');
  const writer = new ItraceWriter({
    hart,
    sink: new FileSink(settings.path),
    executableSha256,
    start: settings.start,
    end: settings.end,
    limit: settings.limit,
    onStop: (stop, w) => {
      if (stop === 'limit') {
        context.stderr(`zeroos: itrace: tracing stopped after ${w.count} instructions (--itrace-limit ${settings.limit}); the run goes on\n`);
      }
    },
  });
  hart.addObserver(writer);
  const switches = zeroos.events.threadSwitch$.subscribe((e) => writer.setThread(e.to));
  return {
    finish(_result, error) {
      switches.unsubscribe();
      const sha256 = writer.close(error === undefined ? 'end' : 'error');
      if (settings.digest) context.stderr(`itrace digest sha256:${sha256}\n`);
    },
    statsLines() {
      const range = `from index ${settings.start}${Number.isFinite(settings.end) ? ` below ${settings.end}` : ''}`;
      const stop = writer.stop === undefined ? 'tracing' : STOP_DESCRIPTIONS[writer.stop];
      return [`itrace          ${writer.count} instructions ${range}, ${writer.bytes} bytes to ${settings.path} (${stop})`];
    },
  };
}

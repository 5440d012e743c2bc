/**
 * `--trace-json FILE`: every kernel event of the run, one JSON object per line
 * (docs/trace-events.md), written as the run goes and closed when it ends, however it
 * ended. A host file that cannot be opened or written is a HostFileError (exit 77), never
 * a crash.
 */
import type { Command } from 'commander';
import { JsonLinesTraceWriter } from '../../trace/json.js';
import type { RunAddon } from './types.js';

export const traceJsonAddon: RunAddon = {
  name: 'trace-json',
  addOptions(command: Command): void {
    command.option('--trace-json <file>', 'every kernel event as JSON lines in FILE (schema: docs/trace-events.md)');
  },
  start(options, context) {
    const path = options['traceJson'];
    if (typeof path !== 'string') return undefined;
    const writer = new JsonLinesTraceWriter(context.zeroos.events, path);
    return {
      finish: () => writer.close(),
      statsLines: () => [`${'trace-json'.padEnd(15)} ${writer.count} events`],
    };
  },
};

/**
 * `--digest`: at the end of the run, `digest sha256:<64 hex>` on stderr, a SHA-256 over
 * the canonical encoding of the guest-visible run (src/trace/digest.ts, docs/trace-events.md):
 * two runs with the same program, inputs and seed print the same line, whatever the
 * engine, the host or the tracing options. Printed however the run ended.
 */
import type { Command } from 'commander';
import { RunDigest } from '../../trace/digest.js';
import type { RunAddon } from './types.js';

export const digestAddon: RunAddon = {
  name: 'digest',
  switches: ['--digest'],
  addOptions(command: Command): void {
    command.option('--digest', 'print "digest sha256:<hex>" of the guest-visible run (events, output, exit) on stderr at the end');
  },
  start(options, context) {
    if (options['digest'] !== true) return undefined;
    const digest = new RunDigest(context.zeroos.events, context.zeroos.console);
    return {
      finish: () => context.stderr(`digest ${digest.digest()}\n`),
    };
  },
};

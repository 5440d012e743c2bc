/**
 * `zeroos run --itrace FILE [--itrace-range A:B] [--itrace-limit N]`: an instruction trace of
 * the run (docs/itrace.md), read back with `zeroos itrace show`. Without --itrace nothing is
 * attached to the hart. With `--digest` the session also prints `itrace digest sha256:…`.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { EXIT_CODES, ZeroOSError } from '../../errors.js';
import type { RunAddon, RunAddonContext, RunAddonSession } from './types.js';

/** How many instructions a trace holds at most unless --itrace-limit says otherwise. */
export const DEFAULT_ITRACE_LIMIT = 10_000_000;

/** An --itrace-range or --itrace-limit without --itrace (a usage error: 64). */
export class ItraceUsageError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
}

/** Retired-instruction indices [start, end): `A:B`, either side may be left out. */
export interface ItraceRange {
  readonly start: number;
  readonly end: number;
}

function index(text: string, what: string): number {
  const n = Number(text.replace(/_/g, ''));
  if (!/^[\d_]+$/.test(text) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${what} "${text}" is not a non-negative integer`);
  return n;
}

/** Parses `A:B`, `A:`, `:B` (0-based, A included, B excluded). */
export function parseItraceRange(value: string): ItraceRange {
  const match = /^([^:]*):([^:]*)$/.exec(value.trim());
  if (match === null) throw new InvalidArgumentError('expected A:B (retired-instruction indices, A included, B excluded; either may be left out)');
  const start = match[1] === '' ? 0 : index(match[1]!, 'the start');
  const end = match[2] === '' ? Infinity : index(match[2]!, 'the end');
  if (end <= start) throw new InvalidArgumentError(`the range ${value} is empty (B must be greater than A)`);
  return { start, end };
}

function parseLimit(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!/^[\d_]+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

interface ItraceOptions {
  itrace?: string;
  itraceRange?: ItraceRange;
  itraceLimit?: number;
  digest?: boolean;
}

export const itraceAddon: RunAddon = {
  name: 'itrace',
  addOptions(command: Command): void {
    command
      .option('--itrace <file>', 'write an instruction trace (pc, instruction word, destination value or store address of each retired instruction) to FILE; see zeroos itrace show')
      .option('--itrace-range <A:B>', 'trace only retired instructions A (included) to B (excluded), 0-based; either may be left out', parseItraceRange)
      .option('--itrace-limit <n>', `stop tracing (not the run) after n instructions (default ${DEFAULT_ITRACE_LIMIT})`, parseLimit);
  },
  async start(raw, context): Promise<RunAddonSession | undefined> {
    const options = raw as ItraceOptions;
    if (options.itrace === undefined) {
      if (options.itraceRange !== undefined || options.itraceLimit !== undefined) {
        throw new ItraceUsageError(`${options.itraceRange !== undefined ? '--itrace-range' : '--itrace-limit'} needs --itrace FILE`);
      }
      return undefined;
    }
    // The writer loads only for a traced run.
    const { startItrace } = await import('./itrace-session.js');
    return startItrace(
      {
        path: options.itrace,
        start: options.itraceRange?.start ?? 0,
        end: options.itraceRange?.end ?? Infinity,
        limit: options.itraceLimit ?? DEFAULT_ITRACE_LIMIT,
        digest: options.digest === true,
      },
      context as RunAddonContext,
    );
  },
};

/**
 * `zeroos run --profile FILE [--profile-format speedscope|pprof|folded]`: a cycle profile of
 * the run by guest function (docs/profiling.md). Every retired instruction, and with a cost
 * model (e.g. `--platform jolt`) its units, is attributed to the call stack it ran in, from
 * the executable's symbol table. `--stats` lists the top functions. Without --profile
 * nothing is attached to the hart.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { EXIT_CODES, ZeroOSError } from '../../errors.js';
import type { RunAddon, RunAddonSession } from './types.js';

/** The formats --profile-format accepts (the writers' list, repeated so the CLI loads no writer until asked). */
const FORMATS = ['speedscope', 'pprof', 'folded'] as const;
export type ProfileFormatName = (typeof FORMATS)[number];

/** --profile-format without --profile (a usage error: 64). */
export class ProfileUsageError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
}

function parseFormat(value: string): ProfileFormatName {
  if (!(FORMATS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${FORMATS.join(', ')}`);
  return value as ProfileFormatName;
}

interface ProfileOptions {
  profile?: string;
  profileFormat?: ProfileFormatName;
}

export const profileAddon: RunAddon = {
  name: 'profile',
  addOptions(command: Command): void {
    command
      .option('--profile <file>', "write a cycle profile by guest function (the ELF's symbols; with a cost model, e.g. --platform jolt, its units too) to FILE")
      .option('--profile-format <format>', 'speedscope (default: JSON for speedscope.app), pprof (gzipped protobuf: go tool pprof, Perfetto) or folded (flamegraph.pl)', parseFormat);
  },
  async start(raw, context): Promise<RunAddonSession | undefined> {
    const options = raw as ProfileOptions;
    if (options.profile === undefined) {
      if (options.profileFormat !== undefined) throw new ProfileUsageError('--profile-format needs --profile FILE');
      return undefined;
    }
    // The tracker and writers load only for a profiled run.
    const { startProfile } = await import('./profile-session.js');
    return startProfile({ path: options.profile, format: options.profileFormat ?? 'speedscope' }, context);
  },
};

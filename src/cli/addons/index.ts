/** The run add-ons, in the order their options are listed and their sessions start and finish. */
import type { RunAddon } from './types.js';
import { straceAddon } from './strace.js';
import { itraceAddon } from './itrace.js';
import { profileAddon } from './profile.js';
import { traceJsonAddon } from './trace-json.js';
import { digestAddon } from './digest.js';

export type { RunAddon, RunAddonContext, RunAddonSession } from './types.js';

export const RUN_ADDONS: readonly RunAddon[] = [
  straceAddon,
  profileAddon,
  traceJsonAddon,
  digestAddon,
  // After the run's digest: its `itrace digest` line is the second one.
  itraceAddon,
];

/** The run add-ons, in the order their options are listed and their sessions start and finish. */
import type { RunAddon } from './types.js';
import { itraceAddon } from './itrace.js';
import { profileAddon } from './profile.js';

export type { RunAddon, RunAddonContext, RunAddonSession } from './types.js';

export const RUN_ADDONS: readonly RunAddon[] = [
  itraceAddon,
  profileAddon,
];

/** Runs a guest with the --profile session as `zeroos run` starts it, and reads the file back. */
import { startProfile } from '../../src/cli/addons/profile-session.js';
import type { ProfileFormat } from '../../src/trace/profile/writers.js';
import type { KernelOptions } from '../../src/zeroos.js';
import { guestPath, ROOT, type SessionRun, sessionRun } from './session-run.js';

export { guestPath, ROOT };

/** A run with `--profile FILE --profile-format FORMAT`; `file` is the profile's bytes. */
export type ProfiledRun = SessionRun;

export function profiledRun(
  name: string,
  format: ProfileFormat,
  options: { kernel?: KernelOptions; args?: string[]; elfPath?: string } = {},
): ProfiledRun {
  return sessionRun(options.elfPath ?? guestPath(name), `profile.${format}`, (path, context) => startProfile({ path, format }, context), options);
}

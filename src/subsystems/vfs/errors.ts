import { EXIT_CODES, ZeroOSError } from '../../errors.js';

/**
 * The file configuration cannot be set up: a host path that does not exist or has the
 * wrong kind, a guest path that is not absolute, two mounts on one place, a mount point
 * inside a read-only mount that does not exist there. A usage error: fix the options.
 */
export class MountError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
  constructor(
    /** The option as given (e.g. "--mount data:/in"). */
    readonly option: string,
    reason: string,
  ) {
    super(`${option}: ${reason}`);
  }
}

/**
 * A host file the guest was given could not be read or written when it needed it (it
 * vanished or lost its permissions mid-run, or --out could not be written). The run's
 * inputs are no longer what was committed, so the run stops.
 */
export class HostFileError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.hostIo;
  constructor(
    readonly hostPath: string,
    readonly operation: string,
    cause: unknown,
  ) {
    const reason = (cause as NodeJS.ErrnoException)?.code ?? (cause as Error)?.message ?? String(cause);
    super(`cannot ${operation} ${hostPath}: ${reason}`, { cause });
  }
}

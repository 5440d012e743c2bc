/**
 * The root of every error ZeroOS raises on purpose. Each subclass names one thing that
 * went wrong (a guest fault, a malformed ELF, an unknown syscall, ...) and carries where it
 * happened. `exitCode` is what the CLI exits with for that kind, so a script can tell the
 * kinds apart; guest exit statuses use 0–255, ours use 64 and up... see EXIT_CODES.
 */
export abstract class ZeroOSError extends Error {
  abstract readonly exitCode: number;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The exit-status table: one for the CLI, `run()`, `result()`, `processExit$` and the
 * README. 0–127 is the guest's own status; 128 + n is a signal that ended the guest as
 * Linux would (SIGSEGV 139, SIGBUS 135, SIGILL 132, SIGTRAP 133, SIGABRT 134, SIGPIPE
 * 141); the codes below are ZeroOS's own outcomes.
 */
export const EXIT_CODES = {
  /** A bad command line or file option. */
  usage: 64,
  /** A bad executable (ElfError). */
  badElf: 65,
  /** An invalid memory layout. */
  layout: 66,
  /** A syscall nobody serves. */
  unknownSyscall: 72,
  /** The instruction budget was used up. */
  budgetExhausted: 73,
  /** Every thread blocked for good, or a lone thread spins forever. */
  deadlock: 74,
  /** The run's memory budget was used up where no errno could say so. */
  outOfMemory: 75,
  /** A bug in ZeroOS. */
  internal: 76,
  /** A host file could not be read or written. */
  hostIo: 77,
  /** Something ZeroOS deliberately does not do (fork, ...). */
  unsupported: 78,
  /** zkVM outcome: the guest panicked (e.g. Jolt's panic word). */
  zkvmPanic: 80,
  /** zkVM outcome: the guest halted without signalling termination. */
  zkvmNoTermination: 81,
  /** zkVM outcome: the zkVM's emulator would reject this run. */
  zkvmRejected: 82,
  /** The run was interrupted (Ctrl-C). */
  interrupted: 130,
} as const;

/** The exit status of a guest that a signal ended: 128 + the signal number. */
export const signalExitCode = (signal: number): number => 128 + signal;

/** Formats a guest address the way the messages print them. */
export function hex(value: number | bigint, width = 0): string {
  const digits = value.toString(16);
  return '0x' + (width > digits.length ? digits.padStart(width, '0') : digits);
}

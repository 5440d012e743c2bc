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
 * CLI exit codes per error kind. Chosen above the range a guest normally uses for
 * itself (0–125) and away from the shell's 126/127 and 128+signal.
 */
export const EXIT_CODES = {
  usage: 64,
  badElf: 65,
  layout: 66,
  guestFault: 70,
  illegalInstruction: 71,
  unknownSyscall: 72,
  budgetExhausted: 73,
  deadlock: 74,
  outOfMemory: 75,
  internal: 76,
  hostIo: 77,
} as const;

/** Formats a guest address the way the messages print them. */
export function hex(value: number | bigint, width = 0): string {
  const digits = value.toString(16);
  return '0x' + (width > digits.length ? digits.padStart(width, '0') : digits);
}

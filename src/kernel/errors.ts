import { EXIT_CODES, ZeroOSError, hex, signalExitCode } from '../errors.js';
import { Errno } from './errno.js';

/** A syscall the guest made that no subsystem provides (fail-fast policy). */
export class UnknownSyscall extends ZeroOSError {
  readonly exitCode = EXIT_CODES.unknownSyscall;
  constructor(
    readonly nr: number,
    readonly syscall: string | undefined,
    readonly args: readonly bigint[],
    readonly pc: number,
    readonly tid: number,
    /** The last syscalls before this one, oldest first, strace style. */
    readonly recent: readonly string[],
  ) {
    const name = syscall ?? 'not a Linux riscv64 syscall';
    super(
      `unsupported syscall ${syscall ?? '?'} (nr ${nr}${syscall ? '' : `, ${name}`}) ` +
        `args (${args.map((a) => hex(a)).join(', ')}) at pc ${hex(pc)} in thread ${tid}` +
        (recent.length ? `\n  last syscalls:\n${recent.map((s) => `    ${s}`).join('\n')}` : '') +
        `\n  (run with --unknown-syscall=enosys to return -ENOSYS instead)`,
    );
  }
}

/** The run used up its instruction budget before the guest exited. */
export class InstructionBudgetExhausted extends ZeroOSError {
  readonly exitCode = EXIT_CODES.budgetExhausted;
  constructor(
    readonly budget: number,
    readonly pc: number,
    readonly tid: number,
    hint?: string,
  ) {
    super(
      `instruction budget of ${budget} exhausted at pc ${hex(pc)} in thread ${tid} ` +
        (hint ? `(${hint})` : '(raise --max-instructions)'),
    );
  }
}

/** The signals a fault of the hart raises, by number (the kernel names them in messages). */
const FAULT_SIGNAL_NAMES: Readonly<Record<number, string>> = { 4: 'SIGILL', 5: 'SIGTRAP', 7: 'SIGBUS', 11: 'SIGSEGV' };

/**
 * The guest crashed: a memory fault, an illegal instruction, a misaligned atomic, a
 * breakpoint, with no handler for the signal. Wraps the arch-level error (the `cause`)
 * with the thread it happened in. Linux would kill the process with `signal`, so the
 * process has ended with status 128 + signal (`exitCode`, as `processExit$` and
 * `result()` report it).
 */
export class GuestFault extends ZeroOSError {
  readonly exitCode: number;
  constructor(
    readonly tid: number,
    readonly signal: number,
    readonly pc: number,
    cause: Error & { exitCode?: number },
  ) {
    const name = FAULT_SIGNAL_NAMES[signal] ?? `signal ${signal}`;
    super(`guest fault in thread ${tid}: ${cause.message}\n  killed by ${name} (exit status ${signalExitCode(signal)})`, { cause });
    this.exitCode = signalExitCode(signal);
  }
}

/** A single-threaded guest spinning on a jump to itself: it can never finish. */
export class GuestHang extends ZeroOSError {
  readonly exitCode = EXIT_CODES.deadlock;
  constructor(
    readonly pc: number,
    readonly tid: number,
  ) {
    super(`guest hangs: thread ${tid} spins on a jump to itself at pc ${hex(pc)} and nothing can wake it`);
  }
}

/** A syscall handler threw something that is not a guest error: a bug in ZeroOS. */
export class KernelPanic extends ZeroOSError {
  readonly exitCode = EXIT_CODES.internal;
  constructor(message: string, cause: unknown) {
    super(`internal error: ${message}`, { cause });
  }
}

/** The kernel was driven in the wrong order (run before load, load twice, ...). */
export class KernelStateError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
}

/** Every live thread is blocked and no timeout can wake any of them. */
export class Deadlock extends ZeroOSError {
  readonly exitCode = EXIT_CODES.deadlock;
  constructor(readonly threads: readonly { tid: number; waitingOn: string; pc: number }[]) {
    super(
      `deadlock: all ${threads.length} live thread(s) are blocked and nothing can wake them\n` +
        threads.map((t) => `  thread ${t.tid} at pc ${hex(t.pc)} waits on ${t.waitingOn}`).join('\n'),
    );
  }
}

/** The guest asked for something ZeroOS deliberately does not do (e.g. fork a second process). */
export class UnsupportedFeature extends ZeroOSError {
  readonly exitCode = EXIT_CODES.unsupported;
  constructor(
    message: string,
    readonly pc: number,
    readonly tid: number,
  ) {
    super(`${message} (at pc ${hex(pc)} in thread ${tid})`);
  }
}

/**
 * Host errnos a guest may see as they are: they describe the host's storage the way the
 * same failure would look on Linux (a full disk, a file too large, a read-only medium).
 * Anything else the host says (EBADF, EINVAL, EAGAIN ... from our own use of the host)
 * says nothing true about the guest's request, so it becomes EIO.
 */
const HOST_ERRNOS_SHOWN: Readonly<Record<string, number>> = {
  ENOSPC: Errno.ENOSPC,
  EDQUOT: Errno.ENOSPC,
  EFBIG: Errno.EFBIG,
  EIO: Errno.EIO,
  EROFS: Errno.EROFS,
  EPIPE: Errno.EPIPE,
  ENOMEM: Errno.ENOMEM,
  EMFILE: Errno.ENFILE,
  ENFILE: Errno.ENFILE,
};

/**
 * The errno a host-side failure gives the guest, or undefined when `error` is not one.
 * A host failure is what Node reports for a refused system call (an `ErrnoException`:
 * an Error whose `code` is an errno name such as 'EPIPE' or 'ENOSPC'); a sink or file
 * system may throw the same shape to report one. Anything else (a TypeError, ...) is a
 * bug, not a host failure.
 */
export function hostErrno(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return undefined;
  return HOST_ERRNOS_SHOWN[code] ?? Errno.EIO;
}

import { EXIT_CODES, ZeroOSError, hex, signalExitCode } from '../errors.js';

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

/**
 * The guest crashed: a memory fault, an illegal instruction, a breakpoint. Wraps the
 * arch-level error (the `cause`) with the thread it happened in. Linux would kill the
 * process with `signal`.
 */
export class GuestFault extends ZeroOSError {
  readonly exitCode: number;
  constructor(
    readonly tid: number,
    readonly signal: number,
    readonly pc: number,
    cause: Error & { exitCode?: number },
  ) {
    super(`guest fault in thread ${tid}: ${cause.message}`, { cause });
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

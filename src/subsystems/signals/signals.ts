import { inject, injectable } from 'inversify';
import type { Thread } from '../../kernel/process.js';
import { ProcessLifecycle } from '../../kernel/lifecycle.js';
import { UnsupportedFeature } from '../../kernel/errors.js';

export const NSIG = 64;
export const SIG_DFL = 0n;
export const SIG_IGN = 1n;
export const SIGKILL = 9;
export const SIGSTOP = 19;

export const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE',
  9: 'SIGKILL', 10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM',
  16: 'SIGSTKFLT', 17: 'SIGCHLD', 18: 'SIGCONT', 19: 'SIGSTOP', 20: 'SIGTSTP', 21: 'SIGTTIN', 22: 'SIGTTOU',
  23: 'SIGURG', 24: 'SIGXCPU', 25: 'SIGXFSZ', 26: 'SIGVTALRM', 27: 'SIGPROF', 28: 'SIGWINCH', 29: 'SIGIO',
  30: 'SIGPWR', 31: 'SIGSYS',
};

export function signalName(signal: number): string {
  return SIGNAL_NAMES[signal] ?? (signal >= 32 && signal <= NSIG ? `SIGRT${signal - 32}` : `signal ${signal}`);
}

/** Signals whose default action is to do nothing (SIGCHLD, SIGCONT, SIGURG, SIGWINCH). */
const DEFAULT_IGNORED = new Set([17, 18, 23, 28]);
/** Signals whose default action stops the process, which a lone process cannot meaningfully do. */
const DEFAULT_STOP = new Set([19, 20, 21, 22]);

export const bit = (signal: number) => 1n << BigInt(signal - 1);
/** SIGKILL and SIGSTOP can be neither caught nor blocked. */
export const UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);

/** A signal's disposition (struct sigaction as riscv64 Linux stores it). */
export interface SignalAction {
  handler: bigint;
  flags: bigint;
  mask: bigint;
}

/**
 * The process's signal dispositions and the threads' pending signals. Signals come only
 * from the guest itself (kill, tkill, tgkill, and faults): nothing arrives from the host,
 * so delivery points are fixed by the program and runs stay deterministic.
 */
@injectable()
export class SignalState {
  readonly #actions: SignalAction[] = Array.from({ length: NSIG + 1 }, () => ({ handler: SIG_DFL, flags: 0n, mask: 0n }));
  readonly #pending = new Map<Thread, bigint>();

  constructor(@inject(ProcessLifecycle) private readonly lifecycle: ProcessLifecycle) {}

  action(signal: number): SignalAction {
    return { ...this.#actions[signal]! };
  }

  setAction(signal: number, action: SignalAction): void {
    this.#actions[signal] = { ...action };
  }

  pending(thread: Thread): bigint {
    return this.#pending.get(thread) ?? 0n;
  }

  /** Queues `signal` for `thread` and delivers what it can right away. */
  send(thread: Thread, signal: number, pc: number): void {
    const action = this.#actions[signal]!;
    if (action.handler === SIG_IGN || (action.handler === SIG_DFL && DEFAULT_IGNORED.has(signal))) return;
    this.#pending.set(thread, this.pending(thread) | bit(signal));
    this.deliver(thread, pc);
  }

  /** Delivers the lowest pending, unblocked signal of `thread` (after a send or a mask change). */
  deliver(thread: Thread, pc: number): void {
    const deliverable = this.pending(thread) & ~(thread.signalMask & ~UNBLOCKABLE);
    if (deliverable === 0n) return;
    let signal = 1;
    while (!(deliverable & bit(signal))) signal++;
    this.#pending.set(thread, this.pending(thread) & ~bit(signal));
    const action = this.#actions[signal]!;
    if (action.handler === SIG_DFL) {
      if (DEFAULT_STOP.has(signal)) {
        throw new UnsupportedFeature(`${signalName(signal)} would stop the process; job control is not supported`, pc, thread.tid);
      }
      this.lifecycle.exitProcess(0, thread, signal);
      return;
    }
    throw new UnsupportedFeature(
      `${signalName(signal)} has a handler installed with rt_sigaction; running guest signal handlers is not supported yet`,
      pc,
      thread.tid,
    );
  }
}

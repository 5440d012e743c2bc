/**
 * strace's per-call lines from the kernel's events: `[tid] call(args) = result`, a blocked
 * call as `<unfinished ...>` and later `<... call resumed>`, signals as `--- SIGx {...} ---`,
 * thread and process ends as `+++ exited with N +++` / `+++ killed by SIGx +++`. Optionally
 * counts the calls for the -c summary instead of (or as well as) printing them.
 */
import type { Subscription } from 'rxjs';
import type {
  FaultEvent,
  KernelEvents,
  ProcessExitEvent,
  SignalEvent,
  SyscallEnterEvent,
  SyscallExitEvent,
  SyscallUnfinishedEvent,
  ThreadExitEvent,
  UnsupportedSyscallEvent,
} from '../../kernel/events.js';
import { signalName } from './constants.js';
import { formatSiginfo } from './siginfo.js';
import { formatError, hex, SyscallDecoder, type DecodeOptions, type GuestView, type PendingCall } from './decode.js';
import type { SyscallFilter } from './filter.js';
import type { SyscallSummary } from './summary.js';

export interface StracePrinterOptions extends DecodeOptions {
  /** Where lines go (each ends with a newline). */
  readonly write: (text: string) => void;
  /** Print a line per call (false: only count them for the summary). */
  readonly perCall: boolean;
  /** Which syscalls are shown and counted (default: all). */
  readonly filter?: SyscallFilter;
  /** Counts the calls shown, for strace -c. */
  readonly summary?: SyscallSummary;
}

interface Open {
  /** The decoded call (undefined when only the summary counts calls). */
  readonly call: PendingCall | undefined;
  /** The entry part was printed with `<unfinished ...>`. */
  unfinished: boolean;
  /** Lines of this thread that happened inside the call (a signal sent to itself): printed after it. */
  readonly deferred: string[];
}

const FAULT_CODES: Readonly<Record<string, string>> = {
  unmapped: 'SEGV_MAPERR',
  permission: 'SEGV_ACCERR',
  'illegal-instruction': 'ILL_ILLOPC',
  breakpoint: 'TRAP_BRKPT',
  misaligned: 'BUS_ADRALN',
};

/** Subscribes to a kernel's events and prints (or counts) its syscalls strace style. */
export class StracePrinter {
  readonly #decoder: SyscallDecoder;
  readonly #open = new Map<number, Open>();
  /** The last fault per thread: the signal it raises is printed with its address. */
  readonly #faults = new Map<number, FaultEvent>();
  readonly #subscriptions: Subscription[] = [];

  constructor(
    events: KernelEvents,
    view: GuestView,
    private readonly options: StracePrinterOptions,
  ) {
    this.#decoder = new SyscallDecoder(view, options);
    this.#subscriptions.push(
      events.syscallEnter$.subscribe((e) => this.onEnter(e)),
      events.syscallUnfinished$.subscribe((e) => this.onUnfinished(e)),
      events.syscallExit$.subscribe((e) => this.onExit(e)),
      events.unsupportedSyscall$.subscribe((e) => this.onUnsupported(e)),
      events.fault$.subscribe((e) => this.#faults.set(e.tid, e)),
      events.signal$.subscribe((e) => this.onSignal(e)),
      events.threadExit$.subscribe((e) => this.onThreadExit(e)),
      events.processExit$.subscribe((e) => this.onProcessExit(e)),
    );
  }

  /** Stops listening (the run's streams complete on their own when it is disposed). */
  dispose(): void {
    for (const s of this.#subscriptions) s.unsubscribe();
    this.#subscriptions.length = 0;
  }

  private selected(name: string): boolean {
    return this.options.filter?.matches(name) ?? true;
  }

  private print(tid: number, text: string): void {
    this.options.write(`[${tid}] ${text}\n`);
  }

  /** A line that is not a call's: after the thread's open call when that call has not printed yet. */
  private printEvent(tid: number, text: string): void {
    if (!this.options.perCall) return;
    const open = this.#open.get(tid);
    if (open !== undefined && !open.unfinished) open.deferred.push(text);
    else this.print(tid, text);
  }

  private onEnter(e: SyscallEnterEvent): void {
    if (!this.selected(e.name)) return;
    if (!this.options.perCall) {
      this.#open.set(e.tid, { call: undefined, unfinished: false, deferred: [] });
      return;
    }
    // Another thread's call still open (not marked unfinished by the kernel): strace's way.
    for (const [tid, open] of this.#open) {
      if (tid !== e.tid && !open.unfinished) this.markUnfinished(tid, open);
    }
    this.#open.set(e.tid, { call: this.#decoder.enter(e.name, e.args), unfinished: false, deferred: [] });
  }

  private markUnfinished(tid: number, open: Open): void {
    if (open.unfinished || open.call === undefined) return;
    open.unfinished = true;
    this.print(tid, `${open.call.head} <unfinished ...>`);
    for (const line of open.deferred.splice(0)) this.print(tid, line);
  }

  private onUnfinished(e: SyscallUnfinishedEvent): void {
    const open = this.#open.get(e.tid);
    if (open === undefined || !this.options.perCall) return;
    this.markUnfinished(e.tid, open);
  }

  private onExit(e: SyscallExitEvent): void {
    const open = this.#open.get(e.tid);
    if (open === undefined) return;
    this.#open.delete(e.tid);
    this.options.summary?.add({ name: e.name, result: e.result, instructions: e.instructions, ...(e.cost === undefined ? {} : { cost: e.cost }) });
    if (open.call === undefined) return;
    const exit = open.call.exit(e.result);
    if (open.unfinished) this.print(e.tid, `<... ${e.name} resumed>${exit.tail} = ${exit.result}`);
    else this.print(e.tid, `${open.call.head}${exit.tail} = ${exit.result}`);
    for (const line of open.deferred) this.print(e.tid, line);
  }

  private onUnsupported(e: UnsupportedSyscallEvent): void {
    if (!this.selected(e.name)) return;
    this.options.summary?.add({ name: e.name, result: -38n, instructions: 0 });
    if (!this.options.perCall) return;
    this.print(e.tid, `${e.name}(${e.args.map((a) => hex(a)).join(', ')}) = ${formatError(38)}`);
  }

  private onSignal(e: SignalEvent): void {
    if (e.phase !== 'delivered') return;
    const name = signalName(e.signal);
    const fault = this.#faults.get(e.tid);
    this.#faults.delete(e.tid);
    if (e.info !== undefined) {
      this.printEvent(e.tid, `--- ${name} ${formatSiginfo(e.info)} ---`);
      return;
    }
    // A fatal fault no handler catches: its siginfo is the fault's (code and address).
    const code = fault && faultSignal(fault) === e.signal ? FAULT_CODES[fault.reason] : undefined;
    const info = code === undefined || fault === undefined ? `{si_signo=${name}}` : `{si_signo=${name}, si_code=${code}, si_addr=${hex(fault.address)}}`;
    this.printEvent(e.tid, `--- ${name} ${info} ---`);
  }

  private onThreadExit(e: ThreadExitEvent): void {
    this.printEvent(e.tid, `+++ exited with ${e.code} +++`);
  }

  private onProcessExit(e: ProcessExitEvent): void {
    // Calls still open at the end (the kernel ends blocked ones itself) print as they are.
    for (const [tid, open] of this.#open) {
      if (this.options.perCall && open.call !== undefined) {
        const exit = open.call.exit(undefined);
        this.print(tid, open.unfinished ? `<... ${open.call.name} resumed>${exit.tail} = ?` : `${open.call.head}${exit.tail} = ?`);
        for (const line of open.deferred) this.print(tid, line);
      }
    }
    this.#open.clear();
    if (!this.options.perCall) return;
    this.print(e.tid, processEnd(e));
  }
}

/** The signal a fault raises (what the kernel delivers for it). */
function faultSignal(fault: FaultEvent): number {
  switch (fault.reason) {
    case 'illegal-instruction':
      return 4;
    case 'breakpoint':
      return 5;
    case 'misaligned':
      return 7;
    default:
      return 11;
  }
}

/** `+++ exited with 0 +++`, `+++ killed by SIGSEGV +++`, or how ZeroOS stopped the run. */
export function processEnd(e: ProcessExitEvent): string {
  if (e.reason === 'exit' && e.signal === undefined) return `+++ exited with ${e.code} +++`;
  if (e.signal !== undefined) return `+++ killed by ${signalName(e.signal)} +++`;
  const outcome = e.outcome ? `: ${e.outcome.name}` : '';
  return `+++ ${e.reason}${outcome} (exit ${e.code}) +++`;
}

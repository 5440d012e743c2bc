import { inject, injectable, optional } from 'inversify';
import { MemoryFault } from '../../arch/memory/types.js';
import { ZeroOSError } from '../../errors.js';
import type { Arch } from '../contracts/arch.js';
import { NO_RETURN, type SyscallContext, type SyscallDefinition, type SyscallTable } from '../contracts/syscall.js';
import type { TrapHandler } from '../contracts/trap-handler.js';
import { Errno } from '../errno.js';
import { KernelPanic, UnknownSyscall, hostErrno } from '../errors.js';
import type { KernelEvents } from '../events.js';
import type { Process, Thread } from '../process.js';
import { ARCH, KERNEL_CONFIG, KERNEL_EVENTS, PROCESS, SIGNAL_DELIVERY, SYSCALL_TABLE, type KernelConfig } from '../tokens.js';
import { CostAccounting } from '../cost.js';
import type { SignalDelivery } from '../contracts/signals.js';
import { syscallName } from './numbers.js';
import { ERESTARTNOHAND, ERESTARTNOINTR, ERESTARTSYS, ERESTART_RESTARTBLOCK, isRestartCode } from './restart.js';
import { ThreadWaits } from '../waits.js';

const A0 = 10;
const A7 = 17;

/** A call that blocked and has not completed: what its syscall-exit will say. */
interface PendingCall {
  readonly nr: number;
  readonly name: string;
  readonly pc: number;
  readonly args: readonly bigint[];
  /** instret and cost-model units at its enter. */
  readonly instret: number;
  readonly cost: number;
  /** The wait ends by running the call again from its ecall (a pipe read, a lock). */
  restart: boolean;
}

/** One remembered syscall, for the "last syscalls" part of an UnknownSyscall report. */
interface RecentCall {
  nr: number;
  args: readonly bigint[];
  result: bigint | undefined;
}

/**
 * The ecall path, xv6-style: read a7 and a0–a5, look the number up in the table, decode
 * the arguments as the entry declares, call the handler, write its result to a0 and step
 * over the ecall. A guest pointer that faults while a handler reads or writes guest memory
 * becomes -EFAULT, and a host operation the host refuses (a Node ErrnoException) becomes
 * an errno (see hostErrno), as in Linux.
 */
@injectable()
export class SyscallTrapHandler implements TrapHandler {
  /** Calls per syscall name, for --stats and "which syscalls does it need". */
  readonly counts = new Map<string, number>();
  private _total = 0;
  private readonly _recent: RecentCall[] = [];
  /** Calls that blocked, by thread (at most one each). */
  private readonly _unfinished = new Map<Thread, PendingCall>();

  constructor(
    @inject(ARCH) private readonly arch: Arch,
    @inject(SYSCALL_TABLE) private readonly table: SyscallTable,
    @inject(KERNEL_EVENTS) private readonly events: KernelEvents,
    @inject(PROCESS) private readonly process: Process,
    @inject(KERNEL_CONFIG) private readonly config: KernelConfig,
    @inject(CostAccounting) private readonly cost: CostAccounting,
    @inject(SIGNAL_DELIVERY) @optional() private readonly signals: SignalDelivery | undefined,
    @inject(ThreadWaits) @optional() private readonly waits: ThreadWaits | undefined,
  ) {}

  get totalSyscalls(): number {
    return this._total;
  }

  onEcall(thread: Thread): void {
    const hart = this.arch.hart;
    const nr = Number(BigInt.asUintN(32, hart.getX(A7)));
    const raw = [hart.getX(10), hart.getX(11), hart.getX(12), hart.getX(13), hart.getX(14), hart.getX(15)];
    const pc = hart.pc;
    const entry = this.table.lookup(nr);
    const definition = entry?.definition;
    const name = entry?.name ?? syscallName(nr) ?? `syscall_${nr}`;

    // A call restarted after its wait (a read of a pipe that now has data): the same call
    // going on, not a new one. It was counted and announced when it first came.
    let call = this._unfinished.get(thread);
    if (call !== undefined && call.restart && call.pc === pc && call.nr === nr) {
      call.restart = false;
    } else {
      call = undefined;
      this._total++;
      this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    }

    if (!definition) {
      if (this.config.unknownSyscall === 'fail') {
        throw new UnknownSyscall(nr, entry?.name ?? syscallName(nr), raw, pc, thread.tid, this.recentCalls());
      }
      this.events.emitUnsupported({ instret: hart.instret, tid: thread.tid, nr, name, pc, args: raw });
      this.remember(nr, raw, BigInt(-Errno.ENOSYS));
      this.complete(-Errno.ENOSYS);
      return;
    }

    const args = definition.args.map((spec, i) => spec.decode(raw[i] ?? 0n));
    const tracing = this.events.tracingSyscalls;
    if (call === undefined) {
      if (tracing) {
        this.events.emitSyscallEnter({
          instret: hart.instret,
          tid: thread.tid,
          nr,
          name,
          pc,
          args: raw,
          formatted: formatCall(definition, args),
        });
      } else {
        this.events.skip();
      }
    }
    const enteredAt = call?.instret ?? hart.instret;
    const costAtEnter = call?.cost ?? this.cost.total;
    this.signals?.takeFrameResult?.(thread);
    // Step over the ecall before the handler runs, so a handler that switches threads or
    // redirects the pc (signal delivery, sigreturn) sees the resume point.
    hart.pc = pc + 4;
    const result = this.invoke(definition, thread, args);
    if (result !== NO_RETURN) {
      const value = BigInt(result);
      hart.setX(A0, value);
      if (call) this._unfinished.delete(thread);
      this.remember(nr, raw, value);
      this.exit(thread, { nr, name, pc, args: raw, instret: enteredAt, cost: costAtEnter }, value, call !== undefined, tracing);
      return;
    }
    if (thread.state === 'blocked') {
      // The handler parked the thread: the call completes when it is woken (its result
      // then in a0), or, when the handler moved the pc back to the ecall, when the call
      // runs again and returns.
      const restart = hart.pc === pc;
      if (call) {
        call.restart = restart;
        return;
      }
      this._unfinished.set(thread, { nr, name, pc, args: raw, instret: enteredAt, cost: costAtEnter, restart });
      if (tracing) this.events.emitSyscallUnfinished({ instret: hart.instret, tid: thread.tid, nr, name, pc, args: raw });
      else this.events.skip();
      return;
    }
    if (call) this._unfinished.delete(thread);
    // No result to write: the thread or the process ended (exit, exit_group, a fatal
    // signal), or the handler set the registers itself (rt_sigreturn, a signal whose
    // handler frame now holds the call's result).
    const ended = thread.state === 'exited' || this.process.exited;
    const value = ended ? undefined : (this.signals?.takeFrameResult?.(thread) ?? hart.getXSigned(A0));
    this.remember(nr, raw, value);
    this.exit(thread, { nr, name, pc, args: raw, instret: enteredAt, cost: costAtEnter }, value, call !== undefined, tracing);
  }

  /**
   * The thread gets the hart back after a wait, with its result already in a0: a call that
   * blocked and is not restarted completes now (its syscall-exit). Called by the run loop
   * before pending signals are delivered (which would change a0).
   */
  onResume(thread: Thread): void {
    // A signal ended the wait: the call returns now (its pc past the ecall even when it
    // waited to run again), with what it transferred, -EINTR, or a restart code.
    const interrupted = this.waits?.takeInterrupted(thread) === true;
    const call = this._unfinished.get(thread);
    if (call === undefined) return;
    if (call.restart && !interrupted) return;
    this._unfinished.delete(thread);
    const hart = this.arch.hart;
    let value = hart.getXSigned(A0);
    if (interrupted) {
      hart.pc = call.pc + 4;
      if (isRestartCode(value)) {
        // The restart code is what the call returned (strace: "? ERESTARTSYS"); the signal
        // code turns it into -EINTR or a restart when it delivers the handler, right after.
        if (this.signals?.interruptedCall) {
          this.signals.interruptedCall(thread, { pc: call.pc, a0: call.args[0] ?? 0n, code: Number(-value) });
        } else {
          hart.setX(A0, BigInt(-Errno.EINTR));
          value = BigInt(-Errno.EINTR);
        }
      }
    }
    this.remember(call.nr, call.args, value);
    this.exit(thread, call, value, true, this.events.tracingSyscalls);
  }

  /**
   * The process ended with calls still blocked (another thread's exit_group, a deadlock,
   * a budget): each gets its syscall-exit, without a result, before process-exit.
   */
  endUnfinished(): void {
    const tracing = this.events.tracingSyscalls;
    for (const [thread, call] of [...this._unfinished].sort((a, b) => a[0].tid - b[0].tid)) {
      this.exit(thread, call, undefined, true, tracing);
    }
    this._unfinished.clear();
  }

  private exit(thread: Thread, call: Omit<PendingCall, 'restart'>, value: bigint | undefined, resumed: boolean, tracing: boolean): void {
    if (!tracing) {
      this.events.skip();
      return;
    }
    const hart = this.arch.hart;
    const errno = value !== undefined && value < 0n && value >= -4095n ? ERRNO_NAMES.get(Number(-value)) : undefined;
    this.events.emitSyscallExit({
      instret: hart.instret,
      tid: thread.tid,
      nr: call.nr,
      name: call.name,
      pc: call.pc,
      args: call.args,
      result: value,
      ...(errno === undefined ? {} : { errno }),
      instructions: hart.instret - call.instret,
      ...(this.cost.model ? { cost: this.cost.total - call.cost } : {}),
      resumed,
    });
  }

  private invoke(definition: SyscallDefinition, thread: Thread, args: unknown[]) {
    const context: SyscallContext = {
      memory: this.arch.memory,
      hart: this.arch.hart,
      process: this.process,
      thread,
      events: this.events,
    };
    try {
      return (definition.handler as (c: SyscallContext, ...a: unknown[]) => ReturnType<SyscallDefinition['handler']>)(
        context,
        ...args,
      );
    } catch (error) {
      if (error instanceof MemoryFault) return -Errno.EFAULT;
      if (error instanceof ZeroOSError) throw error;
      // The host refused an operation the handler made for the guest (a full disk, an
      // I/O error): the guest's syscall fails with an errno, as on Linux. Only errors
      // that are not host failures (a TypeError, ...) are bugs.
      const errno = hostErrno(error);
      if (errno !== undefined) return -errno;
      throw new KernelPanic(`the ${definition.name} handler failed: ${(error as Error)?.message ?? error}`, error);
    }
  }

  private complete(value: number): void {
    const hart = this.arch.hart;
    hart.setX(A0, BigInt(value));
    hart.pc += 4;
  }

  private remember(nr: number, args: readonly bigint[], result: bigint | undefined): void {
    if (this.config.recentSyscalls <= 0) return;
    if (this._recent.length >= this.config.recentSyscalls) this._recent.shift();
    this._recent.push({ nr, args, result });
  }

  private recentCalls(): string[] {
    return this._recent.map(({ nr, args, result }) => {
      const definition = this.table.lookup(nr)?.definition;
      const name = syscallName(nr) ?? `syscall_${nr}`;
      const shown = definition
        ? formatCall(definition, definition.args.map((spec, i) => spec.decode(args[i] ?? 0n)))
        : `${name}(${args.map((a) => '0x' + a.toString(16)).join(', ')})`;
      return `${shown} = ${result === undefined ? '?' : formatResult(result)}`;
    });
  }
}

function formatCall(definition: SyscallDefinition, args: unknown[]): string {
  const shown = definition.args.map((spec, i) => (spec.format as (v: unknown) => string)(args[i]));
  return `${definition.name}(${shown.join(', ')})`;
}

const ERRNO_NAMES = new Map<number, string>([
  ...Object.entries(Errno).map(([k, v]) => [v, k] as [number, string]),
  // what a call a signal interrupted returns before the signal code resolves it
  [ERESTARTSYS, 'ERESTARTSYS'],
  [ERESTARTNOINTR, 'ERESTARTNOINTR'],
  [ERESTARTNOHAND, 'ERESTARTNOHAND'],
  [ERESTART_RESTARTBLOCK, 'ERESTART_RESTARTBLOCK'],
]);

/** A syscall result strace style: "3", or "-1 EBADF". */
export function formatResult(result: bigint): string {
  if (result < 0n && result >= -4095n) {
    const name = ERRNO_NAMES.get(Number(-result));
    return name ? `-1 ${name}` : String(result);
  }
  return String(result);
}


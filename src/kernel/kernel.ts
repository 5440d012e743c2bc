import { inject, injectable, multiInject, optional } from 'inversify';
import { MemoryFault } from '../arch/memory/types.js';
import { IllegalInstruction, MisalignedAccess, StopReason } from '../arch/riscv64/types.js';
import { EXIT_CODES, ZeroOSError } from '../errors.js';
import type { Arch } from './contracts/arch.js';
import type { BootContribution } from './contracts/boot.js';
import type { BootContext, BootInfo, EntropySource, Platform } from './contracts/platform.js';
import type { Scheduler } from './contracts/scheduler.js';
import type { FaultSignal, SignalDelivery } from './contracts/signals.js';
import type { IntervalTimers } from './contracts/timers.js';
import type { TrapHandler } from './contracts/trap-handler.js';
import { Deadlock, GuestFault, GuestHang, InstructionBudgetExhausted, KernelPanic, KernelStateError } from './errors.js';
import { VirtualClock } from './clock.js';
import { ThreadWaits } from './waits.js';
import { effectiveQuantum, type QuantumSource } from './quantum.js';
import type { KernelEvents, ProcessExitEvent, ProcessExitReason } from './events.js';
import { ProcessLifecycle } from './lifecycle.js';
import type { Process, Thread } from './process.js';
import {
  ARCH,
  BOOT_CONTRIBUTION,
  KERNEL_CONFIG,
  KERNEL_EVENTS,
  PLATFORM,
  PROCESS,
  SCHEDULER,
  ENTROPY,
  INTERVAL_TIMERS,
  SIGNAL_DELIVERY,
  TRAP_HANDLER,
  type KernelConfig,
} from './tokens.js';

/** How a run ended, from what stopped it (see ProcessExitEvent.reason). */
function runEndReason(error: unknown, signal: number | undefined, halted: boolean): ProcessExitReason {
  if (error === undefined) return signal !== undefined ? 'signal' : halted ? 'halt' : 'exit';
  if (error instanceof GuestFault || error instanceof MemoryFault || error instanceof IllegalInstruction || error instanceof MisalignedAccess) return 'fault';
  if (error instanceof Deadlock || error instanceof GuestHang) return 'deadlock';
  if (error instanceof InstructionBudgetExhausted) return 'budget';
  if (error instanceof ZeroOSError && error.exitCode === EXIT_CODES.interrupted) return 'interrupted';
  if (error instanceof ZeroOSError && error.exitCode === EXIT_CODES.zkvmRejected) return 'fault';
  return 'error';
}

/** The outcome of a run in the exit-status table's terms, when the integration gives none. */
function tableOutcome(
  reason: ProcessExitReason,
  code: number,
  signal: number | undefined,
  error: unknown,
  endReason: string | undefined,
): NonNullable<ProcessExitEvent['outcome']> {
  if (reason === 'exit') return { name: 'exited', exitCode: code, detail: endReason ?? `the guest exited with status ${code}` };
  if (reason === 'halt') return { name: 'halted', exitCode: code, detail: `the guest halted; the platform ended the run with status ${code}` };
  if (reason === 'signal') return { name: 'killed', exitCode: code, detail: `a signal (${signal}) ended the guest` };
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  return { name, exitCode: code, detail: message };
}

export const SIGTRAP = 5;
export const SIGILL = 4;
export const SIGBUS = 7;
export const SIGSEGV = 11;
const SEGV_MAPERR = 1;
const SEGV_ACCERR = 2;
const ILL_ILLOPC = 1;
const TRAP_BRKPT = 1;
const BUS_ADRALN = 1;

/** What to load: the executable's bytes and the process's arguments and environment. */
export interface ProgramImage {
  readonly executable: Uint8Array;
  /** The path the guest sees for itself (argv[0] when argv is not given, AT_EXECFN). */
  readonly path?: string;
  readonly argv?: readonly string[];
  readonly env?: readonly string[];
}

/** Where a bounded `runFor` left the process. */
export type RunState = 'exited' | 'running';

/**
 * The run loop and the process lifecycle: boot through the platform, then hand the hart
 * to the current thread until it traps, serve the trap, and switch threads when the
 * scheduler says so, until the process exits, faults or uses up its budget.
 */
@injectable()
export class Kernel {
  private _boot: { context: BootContext; info: BootInfo } | undefined;
  private _current: Thread | undefined;
  private _quantumLeft = Infinity;
  /** The quantum this run uses (the scheduler's, or a Go program's default): see effectiveQuantum. */
  private _quantum: { quantum: number | undefined; source: QuantumSource } = { quantum: undefined, source: 'none' };
  /** An exit an integration asked for from inside the hart (an I/O window's hook): taken when the hart stops. */
  private _requestedExit: { code: number; reason: string } | undefined;
  /** The run ended at a halt the platform took as the end (a zkVM's `j .`). */
  private _halted = false;

  constructor(
    @inject(ARCH) readonly arch: Arch,
    @inject(PLATFORM) readonly platform: Platform,
    @inject(SCHEDULER) readonly scheduler: Scheduler,
    @inject(TRAP_HANDLER) readonly trapHandler: TrapHandler,
    @inject(KERNEL_EVENTS) readonly events: KernelEvents,
    @inject(PROCESS) readonly process: Process,
    @inject(KERNEL_CONFIG) readonly config: KernelConfig,
    @inject(ProcessLifecycle) readonly lifecycle: ProcessLifecycle,
    @inject(ThreadWaits) private readonly waits: ThreadWaits,
    @inject(VirtualClock) readonly clock: VirtualClock,
    @multiInject(BOOT_CONTRIBUTION) private readonly bootContributions: BootContribution[],
    @inject(SIGNAL_DELIVERY) @optional() private readonly signals: SignalDelivery | undefined,
    @inject(ENTROPY) @optional() private readonly entropy: EntropySource | undefined,
    @inject(INTERVAL_TIMERS) @optional() private readonly timers: IntervalTimers | undefined,
  ) {}

  get bootInfo(): BootInfo | undefined {
    return this._boot?.info;
  }

  get instructions(): number {
    return this.arch.hart.instret;
  }

  /**
   * Instructions a thread runs before it is preempted (undefined: only when it blocks,
   * yields or exits), and where that came from: the scheduler's quantum (the option), or
   * the default for a Go executable. Known once a program is loaded.
   */
  get quantum(): { readonly quantum: number | undefined; readonly source: QuantumSource } {
    return this._quantum;
  }

  /** Loads the program through the platform's bootstrap hook and creates the main thread. */
  load(image: ProgramImage): BootInfo {
    if (this._boot) throw new KernelStateError('a program is already loaded: create a new kernel per run');
    const path = image.path ?? '/prog';
    const context: BootContext = {
      memory: this.arch.memory,
      hart: this.arch.hart,
      seed: this.config.seed,
      executable: image.executable,
      executablePath: path,
      argv: image.argv ?? [path],
      envp: image.env ?? [],
      ...(this.entropy ? { random: (length: number) => this.entropy!.bytes(length) } : {}),
    };
    const info = this.platform.bootstrap(context);
    this._boot = { context, info };
    this.lifecycle.booted(context);
    const main = this.process.createThread();
    this.scheduler.add(main);
    this._current = main;
    main.runningSince = this.arch.hart.instret;
    this._quantum = effectiveQuantum(this.scheduler.quantum, image.executable);
    this._quantumLeft = this._quantum.quantum ?? Infinity;
    for (const contribution of this.bootContributions) contribution.onBoot(this.process, info);
    return info;
  }

  /**
   * Ends the run with `code`, from inside the hart: an integration's I/O window or custom
   * instruction hook (HTIF's exit store). The instruction finishes, then the process exits
   * with `code` as if by exit_group.
   */
  endRun(code: number, reason: string): void {
    this._requestedExit ??= { code, reason };
    this.arch.hart.requestStop();
  }

  /** Why the run ended when an integration ended it (`endRun`). */
  get endReason(): string | undefined {
    return this._requestedExit?.reason;
  }

  /** Runs to completion; throws InstructionBudgetExhausted when the configured budget runs out. */
  run(): void {
    const budget = this.config.maxInstructions;
    const state = this.runFor(budget - this.arch.hart.instret);
    if (state === 'running') {
      const runnable = this.process.liveThreads().filter((t) => t.state === 'runnable').length;
      const hint =
        runnable > 1 && this._quantum.quantum === undefined
          ? `${runnable} threads are runnable but only blocking switches threads: a thread may be spin-waiting (try --quantum)`
          : undefined;
      throw new InstructionBudgetExhausted(budget, this.arch.hart.pc, this._current?.tid ?? 0, hint);
    }
  }

  /** Runs at most `instructions` more instructions; resumable. */
  runFor(instructions: number): RunState {
    if (!this._boot) throw new KernelStateError('no program loaded: call load() first');
    try {
      return this.runSlice(instructions);
    } catch (error) {
      // Whatever stops a run is a named error: the guest's (a fault, an unknown syscall,
      // a budget, a deadlock...) or, for anything else, ours.
      if (error instanceof ZeroOSError) throw error;
      throw new KernelPanic(`the run loop failed at pc 0x${this.arch.hart.pc.toString(16)}: ${(error as Error)?.message ?? error}`, error);
    }
  }

  private runSlice(instructions: number): RunState {
    const hart = this.arch.hart;
    const end = hart.instret + Math.max(0, instructions);
    while (!this.process.exited) {
      const thread = this._current;
      if (!thread) throw new KernelPanic('no thread to run', undefined);
      const left = end - hart.instret;
      if (left <= 0) return 'running';
      let slice = Math.min(left, this._quantumLeft, 2 ** 40);
      const timers = this.timers;
      if (timers !== undefined && timers.armed) {
        // Timers fire here, between instructions, and the hart stops where the next one expires.
        timers.fire(thread);
        if (this.process.exited) break;
        slice = Math.min(slice, Math.max(1, timers.instructionsUntilExpiry(thread)));
      }
      const before = hart.instret;
      let reason: StopReason;
      try {
        reason = hart.run(slice);
      } catch (error) {
        const fault = this.faultSignal(error);
        if (fault) this.emitFault(thread, error);
        if (fault && this.signals?.deliverFault(thread, fault)) continue;
        throw this.guestFault(error, thread);
      }
      this._quantumLeft -= hart.instret - before;
      switch (reason) {
        case StopReason.Ecall:
          this.trapHandler.onEcall(thread);
          // What the syscall posted (SIGPIPE from a refused console write) is delivered
          // now, with its result in a0; a blocked thread gets it when it runs again.
          if (thread.state === 'runnable' && !this.process.exited) this.signals?.beforeResume(thread);
          break;
        case StopReason.Ebreak: {
          this.events.emitFault({ instret: hart.instret, tid: thread.tid, pc: hart.pc, address: BigInt(hart.pc), access: 'execute', reason: 'breakpoint' });
          if (this.signals?.deliverFault(thread, { signal: SIGTRAP, code: TRAP_BRKPT, address: BigInt(hart.pc) })) break;
          const fault = new GuestFault(thread.tid, SIGTRAP, hart.pc, new Error(`breakpoint (ebreak) at pc 0x${hart.pc.toString(16)}`));
          this.lifecycle.exitProcess(0, thread, SIGTRAP);
          throw fault;
        }
        case StopReason.Halt:
          if (this.haltEnds(thread)) return 'exited';
          break;
        case StopReason.Budget:
          break;
        default:
          // StopReason.Stop: an integration asked for it (endRun).
          if (this._requestedExit) {
            this.lifecycle.exitProcess(this._requestedExit.code, thread);
            return 'exited';
          }
      }
      if (this.process.exited) break;
      if (thread.state !== 'runnable' || this._quantumLeft <= 0 || thread.yielded) {
        thread.yielded = false;
        this.switchThread(thread);
      }
    }
    return 'exited';
  }

  /**
   * Hands the hart to the next thread. Waits whose deadline passed end first; when nobody
   * can run, virtual time jumps to the earliest deadline; when no deadline is pending
   * either, every live thread is stuck: a deadlock.
   */
  private switchThread(from: Thread): void {
    this.waits.expire();
    let next = this.scheduler.pickNext(from);
    while (!next) {
      let deadline = this.waits.earliestDeadline();
      const timers = this.timers?.armed ? this.timers : undefined;
      const timerDeadline = timers?.earliestDeadline();
      if (timerDeadline !== undefined && (deadline === undefined || timerDeadline < deadline)) deadline = timerDeadline;
      if (deadline === undefined) throw this.deadlock(from);
      this.clock.advanceTo(deadline);
      this.waits.expire();
      if (timers) {
        // a timer's signal may end a wait (pause, sigsuspend, a sleep) or the process
        timers.fire(undefined);
        if (this.process.exited) return;
      }
      next = this.scheduler.pickNext(from);
    }
    this._quantumLeft = this._quantum.quantum ?? Infinity;
    const hart = this.arch.hart;
    if (next !== from) {
      from.cpuInstructions += hart.instret - (from.runningSince ?? hart.instret);
      from.runningSince = undefined;
      next.runningSince = hart.instret;
      if (from.state !== 'exited') from.context = hart.saveContext();
      if (next.context) hart.restoreContext(next.context);
      this._current = next;
      this.events.emitThreadSwitch({ instret: hart.instret, tid: next.tid, from: from.tid, to: next.tid });
    }
    if (next.pendingResult !== undefined) {
      hart.setX(10, BigInt(next.pendingResult));
      next.pendingResult = undefined;
      // Its blocked call completes now, before a signal handler takes a0.
      this.trapHandler.onResume?.(next);
    }
    this.signals?.beforeResume(next);
  }

  /** The fault event for a fault of the hart (before any signal it raises). */
  private emitFault(thread: Thread, error: unknown): void {
    const hart = this.arch.hart;
    if (error instanceof MemoryFault) {
      this.events.emitFault({ instret: hart.instret, tid: thread.tid, pc: error.pc ?? hart.pc, address: error.address, access: error.access, reason: error.reason });
    } else if (error instanceof IllegalInstruction) {
      this.events.emitFault({ instret: hart.instret, tid: thread.tid, pc: error.pc, address: BigInt(error.pc), access: 'execute', reason: 'illegal-instruction' });
    } else if (error instanceof MisalignedAccess) {
      this.events.emitFault({ instret: hart.instret, tid: thread.tid, pc: error.pc, address: error.address, access: error.instruction, reason: 'misaligned' });
    }
  }

  /**
   * The run is over, however it ended: `error` is what stopped it (undefined when the
   * process exited). Calls still blocked get their syscall-exit, then `process-exit` is
   * emitted, once, as the last event, with the reason and the outcome (`outcome` when the
   * integration has its own, else one from the exit-status table). Idempotent.
   */
  endOfRun(error: unknown, outcome?: ProcessExitEvent['outcome']): void {
    if (this.events.ended) return;
    this.trapHandler.endUnfinished?.();
    const exit = this.process.exit;
    const reason = runEndReason(error, exit?.signal, this._halted);
    const errorCode = error instanceof ZeroOSError ? error.exitCode : EXIT_CODES.internal;
    const code = error === undefined || reason === 'fault' ? (exit?.code ?? errorCode) : errorCode;
    const signal = exit?.signal;
    const tid = exit?.tid ?? (error as { tid?: unknown } | undefined)?.tid ?? this._current?.tid ?? 0;
    this.events.emitProcessExit({
      instret: this.arch.hart.instret,
      tid: typeof tid === 'number' ? tid : 0,
      code,
      ...(signal === undefined ? {} : { signal }),
      reason,
      outcome: outcome ?? tableOutcome(reason, code, signal, error, this._requestedExit?.reason),
    });
  }

  /** The signal Linux would raise for a fault of the hart, if it is one. */
  private faultSignal(error: unknown): FaultSignal | undefined {
    if (error instanceof MemoryFault) {
      return { signal: SIGSEGV, code: error.reason === 'unmapped' ? SEGV_MAPERR : SEGV_ACCERR, address: error.address };
    }
    if (error instanceof IllegalInstruction) return { signal: SIGILL, code: ILL_ILLOPC, address: BigInt(error.pc) };
    // Linux's riscv trap handler reports a misaligned access with si_addr = the pc.
    if (error instanceof MisalignedAccess) return { signal: SIGBUS, code: BUS_ADRALN, address: BigInt(error.pc) };
    return undefined;
  }

  private deadlock(current: Thread): Deadlock {
    const threads = this.process.liveThreads().map((t) => ({
      tid: t.tid,
      waitingOn: t.blockedOn ?? t.state,
      pc: t === current ? this.arch.hart.pc : (t.context?.pc ?? 0),
    }));
    return new Deadlock(threads);
  }

  /** A jump-to-self: the end of a zkVM program, or a thread that can never make progress. */
  private haltEnds(thread: Thread): boolean {
    const hart = this.arch.hart;
    const code = this.platform.onHalt?.({ pc: hart.pc, tid: thread.tid, instructions: hart.instret });
    if (code !== undefined) {
      this._halted = true;
      this.lifecycle.exitProcess(code, thread);
      return true;
    }
    if (this.platform.haltEndsRun) {
      this._halted = true;
      this.lifecycle.exitProcess(0, thread);
      return true;
    }
    if (this.process.liveThreads().length > 1) {
      this._quantumLeft = 0;
      return false;
    }
    throw new GuestHang(this.arch.hart.pc, thread.tid);
  }

  /** Linux would kill the process with a signal: end it the same way, then report the fault. */
  private guestFault(error: unknown, thread: Thread): Error {
    let fault: GuestFault | undefined;
    if (error instanceof MemoryFault) {
      fault = new GuestFault(thread.tid, SIGSEGV, error.pc ?? this.arch.hart.pc, error);
    } else if (error instanceof IllegalInstruction) {
      fault = new GuestFault(thread.tid, SIGILL, error.pc, error);
    } else if (error instanceof MisalignedAccess) {
      fault = new GuestFault(thread.tid, SIGBUS, error.pc, error);
    }
    if (fault) {
      this.lifecycle.exitProcess(0, thread, fault.signal);
      return fault;
    }
    if (error instanceof ZeroOSError) return error;
    return new KernelPanic(`the hart failed at pc 0x${this.arch.hart.pc.toString(16)}: ${(error as Error)?.message}`, error);
  }
}

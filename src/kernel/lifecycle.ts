import { inject, injectable } from 'inversify';
import { PERM_R, PERM_W, type GuestMemory } from '../arch/memory/types.js';
import { signalExitCode } from '../errors.js';
import type { Arch } from './contracts/arch.js';
import type { BootContext, ExitStatus, Platform } from './contracts/platform.js';
import type { Scheduler } from './contracts/scheduler.js';
import type { KernelEvents, SignalInfo } from './events.js';
import { FutexTable } from './futex.js';
import type { Process, Thread } from './process.js';
import { ARCH, KERNEL_EVENTS, PLATFORM, PROCESS, SCHEDULER } from './tokens.js';
import { ThreadWaits } from './waits.js';

const FUTEX_WAITERS = 0x8000_0000;
const FUTEX_OWNER_DIED = 0x4000_0000;
const FUTEX_TID_MASK = 0x3fff_ffff;
/** Linux's ROBUST_LIST_LIMIT: a corrupt (cyclic) list is walked at most this far. */
const ROBUST_LIST_LIMIT = 2048;

/**
 * How threads and the process end. Shared by the run loop (faults, halts) and by the
 * syscalls that end things (exit, exit_group, fatal signals).
 */
@injectable()
export class ProcessLifecycle {
  private _bootContext: BootContext | undefined;

  constructor(
    @inject(ARCH) private readonly arch: Arch,
    @inject(PLATFORM) private readonly platform: Platform,
    @inject(SCHEDULER) private readonly scheduler: Scheduler,
    @inject(KERNEL_EVENTS) private readonly events: KernelEvents,
    @inject(PROCESS) private readonly process: Process,
    @inject(ThreadWaits) private readonly waits: ThreadWaits,
    @inject(FutexTable) private readonly futexes: FutexTable,
  ) {}

  /** The platform's exit hook needs what bootstrap saw. */
  booted(context: BootContext): void {
    this._bootContext = context;
  }

  /** What bootstrap saw (the executable and the path the guest knows it by), once a program is loaded. */
  get bootContext(): BootContext | undefined {
    return this._bootContext;
  }

  /**
   * Ends the process (exit_group, a fatal signal): every thread stops, the platform is told.
   * A fatal signal is also a `signal` event (delivered, no handler), with the siginfo
   * the signals subsystem dequeued for it when it has one.
   * The status is the one table's (EXIT_CODES): the guest's code & 0xff, or 128 + signal.
   */
  exitProcess(code: number, thread: Thread, signal?: number, info?: SignalInfo): void {
    if (this.process.exited) return;
    if (signal !== undefined) this.events.emitSignal({ instret: this.arch.hart.instret, tid: thread.tid, phase: 'delivered', signal, ...(info === undefined ? {} : { info }) });
    let status: ExitStatus = signal === undefined ? { code: code & 0xff } : { code: signalExitCode(signal), signal };
    // The platform may restate how the process ended (Jolt: an abort is a panic).
    if (this._bootContext) status = this.platform.onExit?.(status, this._bootContext) ?? status;
    this.process.exit = { ...status, tid: thread.tid };
    for (const t of this.process.threads.values()) {
      if (t.state === 'exited') continue;
      this.waits.forget(t);
      t.state = 'exited';
      this.scheduler.remove(t);
    }
    // process-exit comes when the run is over (Kernel.endOfRun): it is the run's last event.
  }

  /**
   * Ends one thread (exit): its robust futexes are marked owner-died and woken, its
   * clear-child-tid word is zeroed and woken (that is how pthread_join learns of it). The
   * last thread to go ends the process with its code, as in Linux.
   */
  exitThread(thread: Thread, code: number): void {
    if (thread.state === 'exited') return;
    const memory = this.arch.memory;
    this.releaseRobustList(thread, memory);
    if (thread.clearChildTid !== 0 && memory.isAccessible(thread.clearChildTid, 4, PERM_W)) {
      memory.writeU32(thread.clearChildTid, 0);
      this.futexes.wake(thread.clearChildTid, 1);
    }
    this.waits.forget(thread);
    thread.state = 'exited';
    thread.exitCode = code;
    this.scheduler.remove(thread);
    this.events.emitThreadExit({ instret: this.arch.hart.instret, tid: thread.tid, code });
    if (this.process.liveThreads().length === 0) this.exitProcess(code, thread);
  }

  /** Walks the thread's robust list as Linux's exit_robust_list does. */
  private releaseRobustList(thread: Thread, memory: GuestMemory): void {
    const head = thread.robustList;
    if (head === 0 || !memory.isAccessible(head, 24, PERM_R)) return;
    const offset = Number(BigInt.asIntN(64, memory.readU64(head + 8)));
    const pending = Number(memory.readU64(head + 16));
    let entry = Number(memory.readU64(head));
    for (let i = 0; entry !== head && entry !== 0 && i < ROBUST_LIST_LIMIT; i++) {
      if (!memory.isAccessible(entry, 8, PERM_R)) break;
      const next = Number(memory.readU64(entry));
      if (entry !== pending) this.ownerDied(thread, memory, entry + offset);
      entry = next;
    }
    if (pending !== 0) this.ownerDied(thread, memory, pending + offset);
  }

  private ownerDied(thread: Thread, memory: GuestMemory, word: number): void {
    if (!memory.isAccessible(word, 4, PERM_R | PERM_W)) return;
    const value = memory.readU32(word);
    if ((value & FUTEX_TID_MASK) !== thread.tid) return;
    memory.writeU32(word, ((value & FUTEX_WAITERS) | FUTEX_OWNER_DIED) >>> 0);
    if (value & FUTEX_WAITERS) this.futexes.wake(word, 1);
  }
}

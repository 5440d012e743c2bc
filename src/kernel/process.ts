import type { HartContext } from '../arch/riscv64/types.js';
import { FileTable } from './files.js';

export type ThreadState = 'runnable' | 'blocked' | 'exited';

/**
 * A thread control block. While a thread runs, its registers live in the hart; when the
 * scheduler switches away, they are saved in `context`.
 */
export class Thread {
  state: ThreadState = 'runnable';
  context: HartContext | undefined;
  /** set_tid_address / CLONE_CHILD_CLEARTID: zeroed and futex-woken when the thread exits. */
  clearChildTid = 0;
  /** What a blocked thread waits on, for deadlock reports. */
  blockedOn: string | undefined;
  /** The result of the syscall a woken thread was blocked in, written to its a0 when it next runs. */
  pendingResult: number | undefined;
  /** set_robust_list: the head of its robust futex list (0 = none). */
  robustList = 0;
  robustListLength = 0;
  /** Instructions the thread retired before it last left the hart. */
  cpuInstructions = 0;
  /** instret when the thread last got the hart; undefined while it is switched out. */
  runningSince: number | undefined;
  /** The thread's name (prctl PR_SET_NAME), at most 15 bytes. */
  name = 'main';
  /** sched_yield asked to let another thread run at the next switch point. */
  yielded = false;
  /** sigaltstack: the alternate signal stack, if one is set. */
  altStack: { sp: bigint; size: bigint; flags: number } | undefined;
  /** rt_sigsuspend's mask to restore after the handler that ends it (written into the frame). */
  savedSignalMask: bigint | undefined;
  /** Blocked signals (bit n-1 for signal n). */
  signalMask = 0n;
  exitCode: number | undefined;

  constructor(
    readonly tid: number,
    readonly process: Process,
  ) {}
}

/** How the process ended: an exit status, or a fatal signal. */
export interface ProcessExit {
  /** What a parent sees: code & 0xff, or 128 + signal for a fatal signal. */
  readonly code: number;
  readonly signal?: number;
  /** The thread that ended it. */
  readonly tid: number;
}

/** The one process a run hosts (pid 1); its threads share the address space. */
export class Process {
  readonly pid = 1;
  readonly threads = new Map<number, Thread>();
  readonly files = new FileTable();
  exit: ProcessExit | undefined;
  #nextTid = 1;

  get exited(): boolean {
    return this.exit !== undefined;
  }

  /** Live threads the process may have at once; clone fails with EAGAIN beyond it. */
  maxThreads = 1024;

  createThread(): Thread {
    const thread = new Thread(this.#nextTid++, this);
    this.threads.set(thread.tid, thread);
    return thread;
  }

  liveThreads(): Thread[] {
    return [...this.threads.values()].filter((t) => t.state !== 'exited');
  }
}

import { inject, injectable } from 'inversify';
import type { Arch } from './contracts/arch.js';
import type { BootContext, Platform } from './contracts/platform.js';
import type { Scheduler } from './contracts/scheduler.js';
import type { KernelEvents } from './events.js';
import type { Process, Thread } from './process.js';
import { ARCH, KERNEL_EVENTS, PLATFORM, PROCESS, SCHEDULER } from './tokens.js';

/**
 * How threads and the process end. Shared by the run loop (faults, halts) and by the
 * syscalls that end things (exit, exit_group, fatal signals).
 */
@injectable()
export class ProcessLifecycle {
  #bootContext: BootContext | undefined;

  constructor(
    @inject(ARCH) private readonly arch: Arch,
    @inject(PLATFORM) private readonly platform: Platform,
    @inject(SCHEDULER) private readonly scheduler: Scheduler,
    @inject(KERNEL_EVENTS) private readonly events: KernelEvents,
    @inject(PROCESS) private readonly process: Process,
  ) {}

  /** The platform's exit hook needs what bootstrap saw. */
  booted(context: BootContext): void {
    this.#bootContext = context;
  }

  /** Ends the process (exit_group, a fatal signal): every thread stops, the platform is told. */
  exitProcess(code: number, thread: Thread, signal?: number): void {
    if (this.process.exited) return;
    const status = signal === undefined ? { code: code & 0xff } : { code: 128 + signal, signal };
    this.process.exit = { ...status, tid: thread.tid };
    for (const t of this.process.threads.values()) {
      if (t.state === 'exited') continue;
      t.state = 'exited';
      this.scheduler.remove(t);
    }
    this.events.emitProcessExit({ instret: this.arch.hart.instret, tid: thread.tid, ...status });
    if (this.#bootContext) this.platform.onExit?.(status, this.#bootContext);
  }

  /** Ends one thread (exit). The last thread to go ends the process with its code, as in Linux. */
  exitThread(thread: Thread, code: number): void {
    if (thread.state === 'exited') return;
    thread.state = 'exited';
    thread.exitCode = code;
    this.scheduler.remove(thread);
    if (this.process.liveThreads().length === 0) this.exitProcess(code, thread);
  }
}

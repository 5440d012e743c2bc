import { Subject, merge, type Observable } from 'rxjs';

/** Common to every event: when (instructions retired) and in which thread. */
interface EventBase {
  /** Position in the run's event sequence, from 0. */
  readonly seq: number;
  readonly instret: number;
  readonly tid: number;
}

export interface SyscallEnterEvent extends EventBase {
  readonly kind: 'syscall-enter';
  readonly nr: number;
  readonly name: string;
  readonly pc: number;
  /** The six argument registers a0..a5 as unsigned 64-bit values. */
  readonly args: readonly bigint[];
  /** The arguments as the table decodes them, ready to print (strace style). */
  readonly formatted: string;
}

export interface SyscallExitEvent extends EventBase {
  readonly kind: 'syscall-exit';
  readonly nr: number;
  readonly name: string;
  /** The value written to a0 (signed), or undefined when the call did not return. */
  readonly result: bigint | undefined;
}

/** A syscall nobody provides that the policy let through with -ENOSYS. */
export interface UnsupportedSyscallEvent extends EventBase {
  readonly kind: 'syscall-unsupported';
  readonly nr: number;
  readonly name: string;
  readonly pc: number;
  readonly args: readonly bigint[];
}

export interface ThreadSwitchEvent extends EventBase {
  readonly kind: 'thread-switch';
  readonly from: number;
  readonly to: number;
}

/** A thread came to life (clone); `tid` is the creator. */
export interface ThreadStartEvent extends EventBase {
  readonly kind: 'thread-start';
  readonly child: number;
}

/** A thread ended (exit) while the process goes on. */
export interface ThreadExitEvent extends EventBase {
  readonly kind: 'thread-exit';
  readonly code: number;
}

export interface ProcessExitEvent extends EventBase {
  readonly kind: 'process-exit';
  readonly code: number;
  readonly signal?: number;
}

/**
 * The guest read a host-backed input (a --mount or --file file, or the --stdin file) for
 * the first time. Inputs are committed: the hash covers the whole file as it was loaded,
 * whatever part the guest went on to read.
 */
export interface InputReadEvent extends EventBase {
  readonly kind: 'input-read';
  /** The guest path it was first read through ("stdin" for the --stdin file). */
  readonly path: string;
  /** The host file behind it. */
  readonly hostPath: string;
  readonly size: number;
  /** SHA-256 of the whole file, lowercase hex. */
  readonly sha256: string;
}

export type KernelEvent =
  | SyscallEnterEvent
  | SyscallExitEvent
  | UnsupportedSyscallEvent
  | ThreadSwitchEvent
  | ThreadStartEvent
  | ThreadExitEvent
  | ProcessExitEvent
  | InputReadEvent;

type Payload<E extends KernelEvent> = Omit<E, 'seq' | 'kind'>;

/**
 * The kernel's event streams. Hot: subscribers see what happens after they subscribe.
 * The Subjects are private; publishing goes through the `emit*` methods the kernel's
 * own services call. `dispose()` completes every stream.
 */
export class KernelEvents {
  readonly #syscallEnter = new Subject<SyscallEnterEvent>();
  readonly #syscallExit = new Subject<SyscallExitEvent>();
  readonly #unsupported = new Subject<UnsupportedSyscallEvent>();
  readonly #threadSwitch = new Subject<ThreadSwitchEvent>();
  readonly #threadStart = new Subject<ThreadStartEvent>();
  readonly #threadExit = new Subject<ThreadExitEvent>();
  readonly #processExit = new Subject<ProcessExitEvent>();
  readonly #inputRead = new Subject<InputReadEvent>();
  #seq = 0;

  readonly syscallEnter$: Observable<SyscallEnterEvent> = this.#syscallEnter.asObservable();
  readonly syscallExit$: Observable<SyscallExitEvent> = this.#syscallExit.asObservable();
  readonly unsupportedSyscall$: Observable<UnsupportedSyscallEvent> = this.#unsupported.asObservable();
  readonly threadSwitch$: Observable<ThreadSwitchEvent> = this.#threadSwitch.asObservable();
  readonly threadStart$: Observable<ThreadStartEvent> = this.#threadStart.asObservable();
  readonly threadExit$: Observable<ThreadExitEvent> = this.#threadExit.asObservable();
  readonly processExit$: Observable<ProcessExitEvent> = this.#processExit.asObservable();
  readonly inputRead$: Observable<InputReadEvent> = this.#inputRead.asObservable();
  /** Every event, in the order it happened. */
  readonly all$: Observable<KernelEvent> = merge(
    this.syscallEnter$,
    this.syscallExit$,
    this.unsupportedSyscall$,
    this.threadSwitch$,
    this.threadStart$,
    this.threadExit$,
    this.processExit$,
    this.inputRead$,
  );

  /** Whether anyone listens to syscalls: lets the trap path skip building events nobody reads. */
  get tracingSyscalls(): boolean {
    return this.#syscallEnter.observed || this.#syscallExit.observed;
  }

  emitSyscallEnter(event: Payload<SyscallEnterEvent>): void {
    this.#syscallEnter.next({ kind: 'syscall-enter', seq: this.#seq++, ...event });
  }
  emitSyscallExit(event: Payload<SyscallExitEvent>): void {
    this.#syscallExit.next({ kind: 'syscall-exit', seq: this.#seq++, ...event });
  }
  emitUnsupported(event: Payload<UnsupportedSyscallEvent>): void {
    this.#unsupported.next({ kind: 'syscall-unsupported', seq: this.#seq++, ...event });
  }
  emitThreadSwitch(event: Payload<ThreadSwitchEvent>): void {
    this.#threadSwitch.next({ kind: 'thread-switch', seq: this.#seq++, ...event });
  }
  emitThreadStart(event: Payload<ThreadStartEvent>): void {
    this.#threadStart.next({ kind: 'thread-start', seq: this.#seq++, ...event });
  }
  emitThreadExit(event: Payload<ThreadExitEvent>): void {
    this.#threadExit.next({ kind: 'thread-exit', seq: this.#seq++, ...event });
  }
  emitProcessExit(event: Payload<ProcessExitEvent>): void {
    this.#processExit.next({ kind: 'process-exit', seq: this.#seq++, ...event });
  }
  emitInputRead(event: Payload<InputReadEvent>): void {
    this.#inputRead.next({ kind: 'input-read', seq: this.#seq++, ...event });
  }

  dispose(): void {
    this.#syscallEnter.complete();
    this.#syscallExit.complete();
    this.#unsupported.complete();
    this.#threadSwitch.complete();
    this.#threadStart.complete();
    this.#threadExit.complete();
    this.#processExit.complete();
    this.#inputRead.complete();
  }
}

import { Subject, merge, type Observable } from 'rxjs';

/**
 * Common to every event: its place in the run, when (instructions retired) and in which
 * thread. `seq` is the kernel's own count of every event it emits, whether or not anybody
 * subscribes, so the same event has the same seq in every run of the same program.
 */
interface EventBase {
  /** Position in the run's event sequence, from 0 (counted even when nobody listens). */
  readonly seq: number;
  /** Hart instructions retired at the event. */
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

/**
 * The call blocked: its handler parked the thread (a futex wait, a read of an empty pipe,
 * a sleep). Emitted when it blocks; its `syscall-exit` (with `resumed: true`) follows when
 * the call completes. strace's `<unfinished ...>`.
 */
export interface SyscallUnfinishedEvent extends EventBase {
  readonly kind: 'syscall-unfinished';
  readonly nr: number;
  readonly name: string;
  readonly pc: number;
  readonly args: readonly bigint[];
}

/** One per call, always after its enter; for a blocked call, when it completes. */
export interface SyscallExitEvent extends EventBase {
  readonly kind: 'syscall-exit';
  readonly nr: number;
  readonly name: string;
  readonly pc: number;
  readonly args: readonly bigint[];
  /**
   * The value the call returned in a0 (signed), or undefined for a call that never
   * returns (exit, exit_group, a signal that ended the process, a call still blocked when
   * the process ended).
   */
  readonly result: bigint | undefined;
  /** The errno name when the result is -4095..-1 ('ENOENT'). */
  readonly errno?: string;
  /** Instructions retired between enter and exit (other threads' too, while it was blocked). */
  readonly instructions: number;
  /** The integration's cost-model units spent between enter and exit (Jolt rows), when a cost model is bound. */
  readonly cost?: number;
  /** True when a `syscall-unfinished` preceded it (strace's `<... resumed>`). */
  readonly resumed: boolean;
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

/** Why a run ended, as `process-exit` says it. */
export type ProcessExitReason = 'exit' | 'signal' | 'fault' | 'deadlock' | 'budget' | 'halt' | 'interrupted' | 'error';

/**
 * The run ended. Always the last event of a run, however it ended: the guest exited, a
 * signal or a fault killed it, it deadlocked, used up its budget, halted (a zkVM's end),
 * was interrupted, or ZeroOS stopped it with an error.
 */
export interface ProcessExitEvent extends EventBase {
  readonly kind: 'process-exit';
  /** The exit status of the one table (EXIT_CODES): the guest's code, 128 + signal, or ZeroOS's own (73, 74, 130, ...). */
  readonly code: number;
  readonly signal?: number;
  readonly reason: ProcessExitReason;
  /** The outcome in the exit-status table's terms (a zkVM's 'terminated', 'panicked', ...; 'exited', 'killed', an error's name). */
  readonly outcome?: { readonly name: string; readonly exitCode: number; readonly detail: string };
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

/** The address space changed: a successful mmap, munmap, mremap, brk, mprotect or madvise. */
export interface MemoryMapEvent extends EventBase {
  readonly kind: 'memory-map';
  readonly op: 'mmap' | 'munmap' | 'mremap' | 'brk' | 'mprotect' | 'madvise';
  /** The range it applies to (brk: between the old and the new break; mremap: the new place). */
  readonly start: bigint;
  readonly length: bigint;
  readonly prot?: number;
  /** mmap/mremap flags, madvise's advice. */
  readonly flags?: number;
  /** mremap: where the mapping was; brk: the old break. */
  readonly oldStart?: bigint;
}

/**
 * The siginfo_t the kernel built for a delivered signal, read back from its bytes: the three
 * header words and the union's fields for its layout (Linux's siginfo_layout): `pid`/`uid`
 * for kill, tkill and kernel-sent signals (SI_USER, SI_TKILL, SI_KERNEL), with `value` for
 * SI_QUEUE and other negative codes; `timerid`/`overrun`/`value` for SI_TIMER; `addr` for a
 * fault (SIGILL, SIGFPE, SIGSEGV, SIGBUS, SIGTRAP with a positive code).
 */
export interface SignalInfo {
  /** si_signo. */
  readonly signo: number;
  /** si_errno (0 for every signal ZeroOS sends). */
  readonly errno: number;
  /** si_code: SI_USER 0, SI_TKILL -6, SI_TIMER -2, SI_KERNEL 0x80, SEGV_MAPERR 1, ... */
  readonly code: number;
  /** si_pid: the sender's process id. */
  readonly pid?: number;
  /** si_uid: the sender's real user id. */
  readonly uid?: number;
  /** si_addr: the faulting address, or the instruction's pc. */
  readonly addr?: bigint;
  /** si_timerid: the POSIX timer's kernel id. */
  readonly timerid?: number;
  /** si_overrun: the timer periods missed before this delivery. */
  readonly overrun?: number;
  /** si_value (sival_ptr; sival_int is its low 32 bits) as an unsigned 64-bit value. */
  readonly value?: bigint;
}

/** A signal was generated (sent, raised by a fault), delivered (a handler frame pushed, or its default action taken) or its handler returned (rt_sigreturn). */
export interface SignalEvent extends EventBase {
  readonly kind: 'signal';
  readonly phase: 'generated' | 'delivered' | 'handler-return';
  readonly signal: number;
  /** The handler's address, when a handler runs for it. */
  readonly handler?: bigint;
  /**
   * On delivery: the siginfo the kernel built (the one written into the handler's frame, or
   * the one a default action that ends the process consumed). Absent for a fatal fault that
   * no handler catches (the `fault` event before it says where) and other deliveries without one.
   */
  readonly info?: SignalInfo;
}

/** The hart faulted (a memory fault, an illegal instruction, a misaligned atomic, a breakpoint). */
export interface FaultEvent extends EventBase {
  readonly kind: 'fault';
  readonly pc: number;
  /** The faulting address (the pc for an illegal instruction or a breakpoint). */
  readonly address: bigint;
  /** 'read', 'write', 'execute', ... as the fault says; 'execute' for an illegal instruction or a breakpoint. */
  readonly access: string;
  /** 'unmapped', 'permission', 'illegal-instruction', 'misaligned', 'breakpoint'. */
  readonly reason: string;
}

/** An integration's own event (e.g. a Jolt cycle-tracking span), JSON-safe data. */
export interface IntegrationEvent extends EventBase {
  readonly kind: 'integration';
  /** The integration ('jolt'). */
  readonly source: string;
  /** What happened ('span-start', 'span-end', 'warning'). */
  readonly name: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export type KernelEvent =
  | SyscallEnterEvent
  | SyscallUnfinishedEvent
  | SyscallExitEvent
  | UnsupportedSyscallEvent
  | ThreadSwitchEvent
  | ThreadStartEvent
  | ThreadExitEvent
  | ProcessExitEvent
  | InputReadEvent
  | MemoryMapEvent
  | SignalEvent
  | FaultEvent
  | IntegrationEvent;

/** Every event kind, in the order the documentation lists them. */
export const EVENT_KINDS: readonly KernelEvent['kind'][] = [
  'syscall-enter',
  'syscall-unfinished',
  'syscall-exit',
  'syscall-unsupported',
  'thread-switch',
  'thread-start',
  'thread-exit',
  'input-read',
  'memory-map',
  'signal',
  'fault',
  'integration',
  'process-exit',
];

type Payload<E extends KernelEvent> = Omit<E, 'seq' | 'kind'>;

/**
 * The kernel's event streams. Hot: subscribers see what happens after they subscribe,
 * synchronously, with guest memory and registers as they are at the event. The Subjects
 * are private; publishing goes through the `emit*` methods the kernel's own services call.
 * Every emit counts toward `seq`, observed or not (`skip` counts an event the caller did
 * not build because nobody listens), so seq numbers never depend on subscriptions.
 * After `process-exit` nothing more is emitted. `dispose()` completes every stream.
 */
export class KernelEvents {
  readonly #syscallEnter = new Subject<SyscallEnterEvent>();
  readonly #syscallUnfinished = new Subject<SyscallUnfinishedEvent>();
  readonly #syscallExit = new Subject<SyscallExitEvent>();
  readonly #unsupported = new Subject<UnsupportedSyscallEvent>();
  readonly #threadSwitch = new Subject<ThreadSwitchEvent>();
  readonly #threadStart = new Subject<ThreadStartEvent>();
  readonly #threadExit = new Subject<ThreadExitEvent>();
  readonly #processExit = new Subject<ProcessExitEvent>();
  readonly #inputRead = new Subject<InputReadEvent>();
  readonly #memoryMap = new Subject<MemoryMapEvent>();
  readonly #signal = new Subject<SignalEvent>();
  readonly #fault = new Subject<FaultEvent>();
  readonly #integration = new Subject<IntegrationEvent>();
  #seq = 0;
  #ended = false;

  readonly syscallEnter$: Observable<SyscallEnterEvent> = this.#syscallEnter.asObservable();
  readonly syscallUnfinished$: Observable<SyscallUnfinishedEvent> = this.#syscallUnfinished.asObservable();
  readonly syscallExit$: Observable<SyscallExitEvent> = this.#syscallExit.asObservable();
  readonly unsupportedSyscall$: Observable<UnsupportedSyscallEvent> = this.#unsupported.asObservable();
  readonly threadSwitch$: Observable<ThreadSwitchEvent> = this.#threadSwitch.asObservable();
  readonly threadStart$: Observable<ThreadStartEvent> = this.#threadStart.asObservable();
  readonly threadExit$: Observable<ThreadExitEvent> = this.#threadExit.asObservable();
  readonly processExit$: Observable<ProcessExitEvent> = this.#processExit.asObservable();
  readonly inputRead$: Observable<InputReadEvent> = this.#inputRead.asObservable();
  readonly memoryMap$: Observable<MemoryMapEvent> = this.#memoryMap.asObservable();
  readonly signal$: Observable<SignalEvent> = this.#signal.asObservable();
  readonly fault$: Observable<FaultEvent> = this.#fault.asObservable();
  readonly integration$: Observable<IntegrationEvent> = this.#integration.asObservable();
  /** Every event, in the order it happened (events are emitted synchronously, so the merge keeps the order). */
  readonly all$: Observable<KernelEvent> = merge(
    this.syscallEnter$,
    this.syscallUnfinished$,
    this.syscallExit$,
    this.unsupportedSyscall$,
    this.threadSwitch$,
    this.threadStart$,
    this.threadExit$,
    this.processExit$,
    this.inputRead$,
    this.memoryMap$,
    this.signal$,
    this.fault$,
    this.integration$,
  );

  /** Whether anyone listens to syscalls: lets the trap path skip building events nobody reads. */
  get tracingSyscalls(): boolean {
    return this.#syscallEnter.observed || this.#syscallExit.observed || this.#syscallUnfinished.observed;
  }

  /** Whether anyone listens to memory-map events (the mm syscalls build them only then). */
  get tracingMemoryMaps(): boolean {
    return this.#memoryMap.observed;
  }

  /** The seq the next event gets (= events so far). */
  get nextSeq(): number {
    return this.#seq;
  }

  /** Whether `process-exit` was emitted (the run's events are over). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Counts `count` events the kernel had but did not build because nobody listens. */
  skip(count = 1): void {
    if (!this.#ended) this.#seq += count;
  }

  emitSyscallEnter(event: Payload<SyscallEnterEvent>): void {
    this.#emit(this.#syscallEnter, 'syscall-enter', event);
  }
  emitSyscallUnfinished(event: Payload<SyscallUnfinishedEvent>): void {
    this.#emit(this.#syscallUnfinished, 'syscall-unfinished', event);
  }
  emitSyscallExit(event: Payload<SyscallExitEvent>): void {
    this.#emit(this.#syscallExit, 'syscall-exit', event);
  }
  emitUnsupported(event: Payload<UnsupportedSyscallEvent>): void {
    this.#emit(this.#unsupported, 'syscall-unsupported', event);
  }
  emitThreadSwitch(event: Payload<ThreadSwitchEvent>): void {
    this.#emit(this.#threadSwitch, 'thread-switch', event);
  }
  emitThreadStart(event: Payload<ThreadStartEvent>): void {
    this.#emit(this.#threadStart, 'thread-start', event);
  }
  emitThreadExit(event: Payload<ThreadExitEvent>): void {
    this.#emit(this.#threadExit, 'thread-exit', event);
  }
  emitInputRead(event: Payload<InputReadEvent>): void {
    this.#emit(this.#inputRead, 'input-read', event);
  }
  emitMemoryMap(event: Payload<MemoryMapEvent>): void {
    this.#emit(this.#memoryMap, 'memory-map', event);
  }
  emitSignal(event: Payload<SignalEvent>): void {
    this.#emit(this.#signal, 'signal', event);
  }
  emitFault(event: Payload<FaultEvent>): void {
    this.#emit(this.#fault, 'fault', event);
  }
  emitIntegration(event: Payload<IntegrationEvent>): void {
    this.#emit(this.#integration, 'integration', event);
  }
  /** The last event of the run: once emitted, every later emit is dropped. */
  emitProcessExit(event: Payload<ProcessExitEvent>): void {
    this.#emit(this.#processExit, 'process-exit', event);
    this.#ended = true;
  }

  #emit<E extends KernelEvent>(subject: Subject<E>, kind: E['kind'], payload: Payload<E>): void {
    if (this.#ended) return;
    const seq = this.#seq++;
    if (subject.observed) subject.next({ kind, seq, ...payload } as unknown as E);
  }

  dispose(): void {
    this.#syscallEnter.complete();
    this.#syscallUnfinished.complete();
    this.#syscallExit.complete();
    this.#unsupported.complete();
    this.#threadSwitch.complete();
    this.#threadStart.complete();
    this.#threadExit.complete();
    this.#processExit.complete();
    this.#inputRead.complete();
    this.#memoryMap.complete();
    this.#signal.complete();
    this.#fault.complete();
    this.#integration.complete();
  }
}

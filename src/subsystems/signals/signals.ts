import { inject, injectable } from 'inversify';
import { PAGE_SIZE, PERM_R, PERM_RX, PERM_W } from '../../arch/memory/types.js';
import type { Allocator } from '../../kernel/contracts/allocator.js';
import type { Arch } from '../../kernel/contracts/arch.js';
import type { FaultSignal, QueuedSignalInfo, SignalDelivery } from '../../kernel/contracts/signals.js';
import { Errno } from '../../kernel/errno.js';
import { UnsupportedFeature } from '../../kernel/errors.js';
import { ProcessLifecycle } from '../../kernel/lifecycle.js';
import type { Thread } from '../../kernel/process.js';
import type { KernelEvents, SignalInfo } from '../../kernel/events.js';
import { ALLOCATOR, ARCH, KERNEL_EVENTS } from '../../kernel/tokens.js';
import { ThreadWaits } from '../../kernel/waits.js';
import { restartOutcome, type InterruptedCall } from '../../kernel/syscall/restart.js';

export const NSIG = 64;
export const SIG_DFL = 0n;
export const SIG_IGN = 1n;
export const SIGKILL = 9;
export const SIGSTOP = 19;
export const SIGSEGV = 11;

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

export const SA_SIGINFO = 0x4n;
export const SA_RESTART = 0x1000_0000n;
export const SA_RESTORER = 0x0400_0000n;
export const SA_ONSTACK = 0x0800_0000n;
export const SA_NODEFER = 0x4000_0000n;
export const SA_RESETHAND = 0x8000_0000n;
export const SS_ONSTACK = 1;
export const SS_DISABLE = 2;
/** sigaltstack flag: the alternate stack is disabled while a handler runs on it (restored by rt_sigreturn). */
export const SS_AUTODISARM = 0x8000_0000;
/** MINSIGSTKSZ on riscv64: a smaller alternate stack is ENOMEM. */
export const MINSIGSTKSZ = 2048n;
/** si_code of a signal sent with tkill/tgkill, and with kill. */
export const SI_TKILL = -6;
export const SI_USER = 0;
/** si_code of a signal the kernel sends on its own (force_sig: a bad signal frame). */
const SI_KERNEL_CODE = 0x80;
const SI_TIMER_CODE = -2;
/** Signals whose positive si_codes are faults with si_addr (Linux's sig_specific_sicodes minus SIGCHLD, SIGPOLL, SIGSYS). */
const FAULT_SIGNALS = new Set([4, 5, 7, 8, 11]);

/**
 * Reads back a siginfo_t (riscv64 layout: si_signo, si_errno, si_code, the union at byte 16)
 * with the union's fields for its layout, as Linux's siginfo_layout chooses it: a fault's
 * si_addr, a POSIX timer's id, overrun and value, an rt signal's sender and value, else the
 * sender (kill, tkill, the kernel).
 */
export function readSiginfo(view: DataView): SignalInfo {
  const signo = view.getInt32(0, true);
  const errno = view.getInt32(4, true);
  const code = view.getInt32(8, true);
  if (code > 0 && code !== SI_KERNEL_CODE && FAULT_SIGNALS.has(signo)) return { signo, errno, code, addr: view.getBigUint64(16, true) };
  if (code === SI_TIMER_CODE) {
    return { signo, errno, code, timerid: view.getInt32(16, true), overrun: view.getInt32(20, true), value: view.getBigUint64(24, true) };
  }
  const sender = { pid: view.getInt32(16, true), uid: view.getUint32(20, true) };
  if (code < 0 && code !== SI_TKILL) return { signo, errno, code, ...sender, value: view.getBigUint64(24, true) };
  return { signo, errno, code, ...sender };
}

/*
 * struct rt_sigframe for riscv64 (arch/riscv/kernel/signal.c):
 *   +0     siginfo_t (128 bytes): si_signo, si_errno, si_code, then the union at +16
 *   +128   ucontext: uc_flags, uc_link, uc_stack (24 bytes), uc_sigmask (8, padded to 128),
 *   +304   uc_mcontext (16-aligned): sc_regs = pc, x1..x31 (256 bytes), then the FP state (528):
 *          union __riscv_fp_state, whose __riscv_d_ext_state is f[32] (raw 64-bit) then fcsr
 *          (u32), 264 bytes; the rest (q_ext's upper half, sc_extdesc's reserved word and its
 *          END header) stays zero, as Linux leaves it when there is no V state.
 */
const SIGINFO_SIZE = 128;
const UCONTEXT = SIGINFO_SIZE;
const UC_STACK = UCONTEXT + 16;
const UC_SIGMASK = UCONTEXT + 40;
const UC_MCONTEXT = UCONTEXT + 176;
const UC_FPREGS = UC_MCONTEXT + 256;
const UC_FCSR = UC_FPREGS + 32 * 8;
/**
 * The 12 bytes after the FP state: sc_extdesc's reserved word and the END header (magic,
 * size) of Linux 6.5+, which were q_ext's reserved[3] before. rt_sigreturn refuses a frame
 * where they are not zero (no other extension state exists) with SIGSEGV, as Linux does.
 */
const UC_FP_RESERVED = UC_MCONTEXT + 256 + 516;
const FRAME_SIZE = UC_MCONTEXT + 256 + 528;
/** AT_HWCAP bits of F and D: a hart with either has FP state to save. */
const HWCAP_FD = (1 << 5) | (1 << 3);
/** `li a7, 139 (rt_sigreturn); ecall`: where handlers return to (Linux keeps it in the vDSO). */
const TRAMPOLINE = new Uint8Array([0x93, 0x08, 0xb0, 0x08, 0x73, 0x00, 0x00, 0x00]);

/**
 * Writes a signal's siginfo_t into `view` (zeroed, at least 128 bytes): signo and code,
 * then the union: a queued signal's own (a timer's), the sender for kill and tkill (this
 * process, uid 0), else the fault address.
 */
function writeSiginfo(view: DataView, thread: Thread, signal: number, code: number, address: bigint, info: QueuedSignalInfo | undefined): void {
  view.setInt32(0, signal, true);
  view.setInt32(8, code, true);
  if (info !== undefined) {
    info.delivered?.(view);
  } else if (code === SI_TKILL || code === SI_USER) {
    view.setInt32(16, thread.process.pid, true); // si_pid; si_uid 0
  } else {
    view.setBigUint64(16, address, true); // si_addr
  }
}

/** The siginfo of a signal the kernel forces on its own (SI_KERNEL, no sender). */
function kernelSiginfo(signal: number): SignalInfo {
  return { signo: signal, errno: 0, code: SI_KERNEL_CODE, pid: 0, uid: 0 };
}

/** A thread's alternate signal stack (sigaltstack): base, size and SS_AUTODISARM. */
export interface AltStack {
  sp: bigint;
  size: bigint;
  flags: number;
}

/** Linux's on_sig_stack: sp in (base, base + size] (the stack grows down); never with SS_AUTODISARM. */
export function onAltStack(alt: AltStack | undefined, sp: bigint): boolean {
  if (alt === undefined || alt.flags & SS_AUTODISARM) return false;
  return sp > alt.sp && sp - alt.sp <= alt.size;
}

/** Linux's sas_ss_flags: SS_DISABLE without an alternate stack, SS_ONSTACK on it, else 0. */
export function altStackFlags(alt: AltStack | undefined, sp: bigint): number {
  if (alt === undefined) return SS_DISABLE;
  return onAltStack(alt, sp) ? SS_ONSTACK : 0;
}

/**
 * sigaltstack's change (do_sigaltstack): 0, or -EPERM while the thread runs on its
 * alternate stack, -EINVAL for a bad mode, -ENOMEM for a stack below MINSIGSTKSZ.
 * SS_ONSTACK as a mode is the same as 0, as on Linux.
 */
export function setAltStack(thread: Thread, sp: bigint, next: AltStack): number {
  if (onAltStack(thread.altStack, sp)) return -Errno.EPERM;
  const mode = next.flags & ~SS_AUTODISARM;
  if (mode !== 0 && mode !== SS_ONSTACK && mode !== SS_DISABLE) return -Errno.EINVAL;
  if (mode === SS_DISABLE) {
    thread.altStack = undefined;
    return 0;
  }
  if (next.size < MINSIGSTKSZ) return -Errno.ENOMEM;
  thread.altStack = { sp: next.sp, size: next.size, flags: next.flags & SS_AUTODISARM };
  return 0;
}

/** A signal's disposition (struct sigaction as riscv64 Linux stores it). */
export interface SignalAction {
  handler: bigint;
  flags: bigint;
  /** With SA_RESTORER: where the handler returns (the libc's rt_sigreturn stub). */
  restorer: bigint;
  mask: bigint;
}

/**
 * The process's signal dispositions and the threads' pending signals. Signals come only
 * from the guest itself (kill, tkill, tgkill, and faults): nothing arrives from the host,
 * so delivery points are fixed by the program and runs stay deterministic.
 */
@injectable()
export class SignalState implements SignalDelivery {
  private readonly _actions: SignalAction[] = Array.from({ length: NSIG + 1 }, () => ({ handler: SIG_DFL, flags: 0n, restorer: 0n, mask: 0n }));
  private readonly _pending = new Map<Thread, bigint>();
  /** si_code of each pending signal (SI_TKILL for tkill/tgkill, SI_USER for kill). */
  private readonly _codes = new Map<Thread, Map<number, number>>();
  /** The own siginfo of pending signals that have one (a timer's), by thread and signal. */
  private readonly _infos = new Map<Thread, Map<number, QueuedSignalInfo>>();
  private _trampoline: number | undefined;
  /** The a0 the last pushed frame saved, for takeFrameResult. */
  private _frameResult: { thread: Thread; a0: bigint } | undefined;
  /** Calls a signal interrupted, resolved (EINTR or restart) when the thread's signals are delivered. */
  private readonly _interrupted = new Map<Thread, InterruptedCall>();

  constructor(
    @inject(ProcessLifecycle) private readonly lifecycle: ProcessLifecycle,
    @inject(ARCH) private readonly arch: Arch,
    @inject(ALLOCATOR) private readonly allocator: Allocator,
    @inject(ThreadWaits) private readonly waits: ThreadWaits,
    @inject(KERNEL_EVENTS) private readonly events: KernelEvents,
  ) {}

  takeFrameResult(thread: Thread): bigint | undefined {
    const saved = this._frameResult;
    if (saved === undefined) return undefined;
    this._frameResult = undefined;
    return saved.thread === thread ? saved.a0 : undefined;
  }

  deliverFault(thread: Thread, fault: FaultSignal): boolean {
    this.events.emitSignal({ instret: this.arch.hart.instret, tid: thread.tid, phase: 'generated', signal: fault.signal });
    const action = this._actions[fault.signal]!;
    const blocked = (thread.signalMask & bit(fault.signal)) !== 0n;
    // Linux forces the default action for a fault the thread blocks or ignores.
    if (action.handler === SIG_DFL || action.handler === SIG_IGN || blocked) return false;
    return this.pushFrame(thread, fault.signal, fault.code, fault.address);
  }

  raise(thread: Thread, signal: number, code: number, pc: number): boolean {
    return this.send(thread, signal, pc, thread, code);
  }

  beforeResume(thread: Thread): void {
    this.deliver(thread, this.arch.hart.pc, thread);
    if (this._interrupted.size === 0) return;
    // No handler ran after all (its action became SIG_IGN meanwhile): the call restarts.
    const call = this._interrupted.get(thread);
    if (call === undefined || thread.process.exited) return;
    this._interrupted.delete(thread);
    this.resolveRestart(call, undefined);
    // a wait's own mask (ppoll, epoll_pwait) goes with it, as restore_saved_sigmask does
    if (thread.savedSignalMask !== undefined) {
      thread.signalMask = thread.savedSignalMask;
      thread.savedSignalMask = undefined;
    }
  }

  interruptedCall(thread: Thread, call: InterruptedCall): void {
    this._interrupted.set(thread, call);
  }

  /**
   * Linux's restart rules for an interrupted call, where its handler (undefined: none) is
   * about to run: a restart moves the pc back to the ecall and a0 back to the call's first
   * argument, so the frame saves that and rt_sigreturn runs the call again; otherwise a0
   * becomes -EINTR.
   */
  private resolveRestart(call: InterruptedCall, handler: SignalAction | undefined): void {
    const hart = this.arch.hart;
    const outcome = restartOutcome(call.code, handler === undefined ? undefined : { restart: (handler.flags & SA_RESTART) !== 0n });
    if (outcome === 'restart') {
      hart.setX(10, call.a0);
      hart.pc = call.pc;
    } else {
      hart.setX(10, BigInt(outcome));
      hart.pc = call.pc + 4;
    }
  }

  /**
   * Pushes an rt_sigframe on the thread's stack (or its alternate stack) and points the
   * hart at the handler, as Linux's setup_rt_frame does. The saved registers are the
   * hart's as they are now. False when the frame cannot be written: the caller then
   * applies the default action.
   */
  private pushFrame(thread: Thread, signal: number, code: number, address: bigint, info?: QueuedSignalInfo): boolean {
    const hart = this.arch.hart;
    const memory = this.arch.memory;
    const action = this._actions[signal]!;
    const sp = Number(hart.getX(2));
    const alt = thread.altStack;
    const onAlt = onAltStack(alt, BigInt(sp));
    const top = action.flags & SA_ONSTACK && alt !== undefined && !onAlt ? Number(alt.sp + alt.size) : sp;
    const frame = Math.floor((top - FRAME_SIZE) / 16) * 16;
    if (!(frame > 0) || !memory.isAccessible(frame, FRAME_SIZE, PERM_W)) return false;
    const trampoline = action.flags & SA_RESTORER && action.restorer !== 0n ? Number(action.restorer) : this.trampoline();
    if (trampoline === undefined) return false;

    if (this._interrupted.size !== 0) {
      // the first handler after an interrupted call decides its EINTR or restart (handle_signal)
      const call = this._interrupted.get(thread);
      if (call !== undefined) {
        this._interrupted.delete(thread);
        this.resolveRestart(call, action);
      }
    }

    const bytes = new Uint8Array(FRAME_SIZE);
    const view = new DataView(bytes.buffer);
    writeSiginfo(view, thread, signal, code, address, info);
    // uc_stack: the alternate stack as it was (__save_altstack), with SS_AUTODISARM; a
    // handler started on it with SS_AUTODISARM finds it disarmed until rt_sigreturn.
    if (alt) {
      view.setBigUint64(UC_STACK, alt.sp, true);
      view.setInt32(UC_STACK + 8, (onAlt ? SS_ONSTACK : 0) | alt.flags, true);
      view.setBigUint64(UC_STACK + 16, alt.size, true);
      if (alt.flags & SS_AUTODISARM && frame >= Number(alt.sp) && frame < Number(alt.sp + alt.size)) thread.altStack = undefined;
    } else {
      view.setInt32(UC_STACK + 8, SS_DISABLE, true);
    }
    view.setBigUint64(UC_SIGMASK, thread.savedSignalMask ?? thread.signalMask, true);
    thread.savedSignalMask = undefined;
    view.setBigUint64(UC_MCONTEXT, BigInt(hart.pc), true);
    for (let r = 1; r < 32; r++) view.setBigUint64(UC_MCONTEXT + r * 8, hart.getX(r), true);
    if (hart.isa.hwcap & HWCAP_FD) {
      // the FP state (__riscv_d_ext_state), as Linux's save_fp_state writes it when the hart has an FPU
      const { f, fcsr } = hart.saveContext();
      for (let r = 0; r < 32; r++) view.setBigUint64(UC_FPREGS + r * 8, f?.[r] ?? 0n, true);
      view.setUint32(UC_FCSR, fcsr ?? 0, true);
    }
    memory.write(frame, bytes);
    this._frameResult = { thread, a0: hart.getXSigned(10) };
    this.events.emitSignal({ instret: hart.instret, tid: thread.tid, phase: 'delivered', signal, handler: action.handler, info: readSiginfo(view) });

    thread.signalMask |= (action.mask | (action.flags & SA_NODEFER ? 0n : bit(signal))) & ~UNBLOCKABLE;
    if (action.flags & SA_RESETHAND) this._actions[signal] = { handler: SIG_DFL, flags: 0n, restorer: 0n, mask: 0n };
    hart.setX(10, BigInt(signal));
    hart.setX(11, BigInt(frame));
    hart.setX(12, BigInt(frame + UCONTEXT));
    hart.setX(2, BigInt(frame));
    hart.setX(1, BigInt(trampoline));
    hart.pc = Number(action.handler);
    return true;
  }

  /**
   * rt_sigreturn: restores the registers, mask, FP state and alternate stack saved in the
   * frame at sp. A frame that cannot be read, or whose FP state's reserved words are not
   * zero, gets SIGSEGV (Linux's badframe: force_sig), which ends the process.
   */
  sigreturn(thread: Thread): void {
    const hart = this.arch.hart;
    const memory = this.arch.memory;
    const frame = Number(hart.getX(2));
    const fp = (hart.isa.hwcap & HWCAP_FD) !== 0;
    const readable = frame % 8 === 0 && memory.isAccessible(frame, FRAME_SIZE, PERM_R);
    const saved = readable ? memory.read(frame, FRAME_SIZE) : undefined;
    const view = saved ? new DataView(saved.buffer, saved.byteOffset, saved.byteLength) : undefined;
    if (!view || (fp && (view.getUint32(UC_FP_RESERVED, true) | view.getUint32(UC_FP_RESERVED + 4, true) | view.getUint32(UC_FP_RESERVED + 8, true)) !== 0)) {
      this.events.emitSignal({ instret: hart.instret, tid: thread.tid, phase: 'generated', signal: SIGSEGV });
      this.lifecycle.exitProcess(0, thread, SIGSEGV, kernelSiginfo(SIGSEGV));
      return;
    }
    this.events.emitSignal({ instret: hart.instret, tid: thread.tid, phase: 'handler-return', signal: view.getInt32(0, true) });
    thread.signalMask = view.getBigUint64(UC_SIGMASK, true) & ~UNBLOCKABLE;
    for (let r = 1; r < 32; r++) hart.setX(r, view.getBigUint64(UC_MCONTEXT + r * 8, true));
    hart.pc = Number(view.getBigUint64(UC_MCONTEXT, true));
    // restore_altstack: uc_stack as the handler left it, against the restored sp (errors ignored)
    setAltStack(thread, hart.getX(2), {
      sp: view.getBigUint64(UC_STACK, true),
      flags: view.getUint32(UC_STACK + 8, true),
      size: view.getBigUint64(UC_STACK + 16, true),
    });
    if (fp) {
      // f0..f31 and fcsr from the frame (a handler may have changed them there); fcsr keeps
      // its 8 defined bits (frm, fflags), as the csr does
      const context = hart.saveContext();
      const f = new BigUint64Array(32);
      for (let r = 0; r < 32; r++) f[r] = view.getBigUint64(UC_FPREGS + r * 8, true);
      hart.restoreContext({ x: context.x, pc: context.pc, f, fcsr: view.getUint32(UC_FCSR, true) & 0xff });
    }
    this.deliver(thread, hart.pc, thread);
  }

  /** The return trampoline, mapped once in the mmap region. */
  private trampoline(): number | undefined {
    if (this._trampoline !== undefined) return this._trampoline;
    let address: number | undefined;
    try {
      address = this.allocator.allocate(PAGE_SIZE, PAGE_SIZE);
    } catch {
      address = undefined; // no mmap region on this platform
    }
    if (address === undefined) return undefined;
    this.arch.memory.map(address, PAGE_SIZE, PERM_RX, '[vdso]');
    this.arch.memory.poke(address, TRAMPOLINE);
    this._trampoline = address;
    return address;
  }

  action(signal: number): SignalAction {
    return { ...this._actions[signal]! };
  }

  setAction(signal: number, action: SignalAction): void {
    this._actions[signal] = { ...action };
  }

  pending(thread: Thread): bigint {
    return this._pending.get(thread) ?? 0n;
  }

  /**
   * Queues `signal` for `thread` and delivers what it can right away. Returns true when
   * a handler frame was pushed for the calling thread (its syscall must not write a0).
   */
  send(thread: Thread, signal: number, pc: number, caller: Thread, code = SI_TKILL): boolean {
    if (!this.queue(thread, signal, code)) return false;
    // A blocked thread that will run a handler for it leaves an interruptible wait (futex,
    // nanosleep, rt_sigsuspend) with EINTR; the handler runs when it next gets the hart.
    const handled = this._actions[signal]!.handler !== SIG_DFL;
    if (thread !== caller && handled && !(thread.signalMask & bit(signal)) && this.waits.isWaiting(thread)) {
      this.waits.interrupt(thread);
    }
    return this.deliver(thread, pc, caller);
  }

  post(thread: Thread, signal: number, code: number): void {
    this.queue(thread, signal, code);
  }

  queueSignal(thread: Thread, signal: number, info: QueuedSignalInfo, running: Thread | undefined): boolean {
    if (thread.state === 'exited' || thread.process.exited) {
      info.dropped?.();
      return false;
    }
    if (!this.queue(thread, signal, info.code, info)) return false;
    const handled = this._actions[signal]!.handler !== SIG_DFL;
    if (thread !== running && handled && !(thread.signalMask & bit(signal)) && this.waits.isWaiting(thread)) {
      this.waits.interrupt(thread);
    }
    this.deliver(thread, this.arch.hart.pc, running);
    return true;
  }

  /**
   * Marks `signal` pending for `thread` with its si_code (and its own siginfo, if any);
   * false when it is discarded (ignored).
   */
  private queue(thread: Thread, signal: number, code: number, info?: QueuedSignalInfo): boolean {
    this.events.emitSignal({ instret: this.arch.hart.instret, tid: thread.tid, phase: 'generated', signal });
    const action = this._actions[signal]!;
    if (action.handler === SIG_IGN || (action.handler === SIG_DFL && DEFAULT_IGNORED.has(signal))) {
      info?.dropped?.();
      return false;
    }
    this._pending.set(thread, this.pending(thread) | bit(signal));
    let codes = this._codes.get(thread);
    if (!codes) this._codes.set(thread, (codes = new Map()));
    codes.set(signal, code);
    // one instance of a signal is pending at a time: an earlier one's own siginfo gives way
    const previous = this._infos.get(thread)?.get(signal);
    if (previous !== undefined && previous !== info) {
      this._infos.get(thread)!.delete(signal);
      previous.dropped?.();
    }
    if (info !== undefined) {
      let infos = this._infos.get(thread);
      if (!infos) this._infos.set(thread, (infos = new Map()));
      infos.set(signal, info);
    }
    return true;
  }

  /** Takes the own siginfo of `thread`'s pending `signal`, if it has one (it is leaving the pending set). */
  private takeInfo(thread: Thread, signal: number): QueuedSignalInfo | undefined {
    if (this._infos.size === 0) return undefined;
    const infos = this._infos.get(thread);
    const info = infos?.get(signal);
    if (info !== undefined) infos!.delete(signal);
    return info;
  }

  /**
   * Delivers the pending, unblocked signals of `thread` (after a send or a mask change):
   * default actions at once; a handler only when `thread` is the one on the hart
   * (`running`), otherwise when it next runs. True when a handler frame was pushed.
   */
  deliver(thread: Thread, pc: number, running: Thread | undefined): boolean {
    let pushed = false;
    for (;;) {
      // The common case (after every syscall): nothing pending, no BigInt arithmetic.
      const pending = this._pending.get(thread);
      if (!pending) return pushed;
      const deliverable = pending & ~(thread.signalMask & ~UNBLOCKABLE);
      if (deliverable === 0n || thread.process.exited) return pushed;
      let signal = 1;
      while (!(deliverable & bit(signal))) signal++;
      const action = this._actions[signal]!;
      if (action.handler === SIG_DFL) {
        this._pending.set(thread, this.pending(thread) & ~bit(signal));
        const queued = this.takeInfo(thread, signal);
        if (DEFAULT_STOP.has(signal)) {
          throw new UnsupportedFeature(`${signalName(signal)} would stop the process; job control is not supported`, pc, thread.tid);
        }
        // the siginfo dequeued with it (what strace shows before "+++ killed by")
        const view = new DataView(new ArrayBuffer(SIGINFO_SIZE));
        writeSiginfo(view, thread, signal, this._codes.get(thread)?.get(signal) ?? SI_TKILL, 0n, queued);
        this.lifecycle.exitProcess(0, thread, signal, readSiginfo(view));
        return pushed;
      }
      if (action.handler === SIG_IGN) {
        this._pending.set(thread, this.pending(thread) & ~bit(signal));
        this.takeInfo(thread, signal)?.dropped?.();
        continue;
      }
      if (running !== thread) return pushed;
      this._pending.set(thread, this.pending(thread) & ~bit(signal));
      const code = this._codes.get(thread)?.get(signal) ?? SI_TKILL;
      if (!this.pushFrame(thread, signal, code, 0n, this.takeInfo(thread, signal))) {
        // No room for the frame: Linux kills the process with SIGSEGV (force_sigsegv).
        this.lifecycle.exitProcess(0, thread, 11, kernelSiginfo(11));
        return pushed;
      }
      pushed = true;
    }
  }
}

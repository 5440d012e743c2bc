import { inject, injectable } from 'inversify';
import {
  NO_RETURN,
  defineSyscall,
  type SyscallContext,
  type SyscallDefinition,
  type SyscallProvider,
} from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import { int, ptr, size } from '../../kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../kernel/syscall/numbers.js';
import type { Thread } from '../../kernel/process.js';
import { ThreadWaits } from '../../kernel/waits.js';
import { NSIG, SA_RESTORER, SIGKILL, SIGSTOP, SI_TKILL, SI_USER, SignalState, UNBLOCKABLE, altStackFlags, setAltStack } from './signals.js';

const SIG_BLOCK = 0;
const SIG_UNBLOCK = 1;
const SIG_SETMASK = 2;
/** sizeof(sigset_t) as the kernel sees it. */
const SIGSET_SIZE = 8;

/**
 * After a signal was sent: NO_RETURN when it ended the process or a handler frame was
 * pushed for the caller (the frame keeps the syscall's 0 in the saved a0).
 */
function afterSignal(context: SyscallContext, pushed: boolean): number | typeof NO_RETURN {
  return context.process.exited || pushed ? NO_RETURN : 0;
}

/** Sends `signal` to `target`; the caller's a0 (0, the result) is saved in any frame pushed for it. */
function sendSignal(signals: SignalState, context: SyscallContext, target: Thread, signal: number, code = SI_TKILL): boolean {
  context.hart.setX(10, 0n);
  return signals.send(target, signal, context.hart.pc - 4, context.thread, code);
}

/** rt_sigaction, rt_sigprocmask, sigaltstack, kill, tkill, tgkill. */
@injectable()
export class SignalSyscalls implements SyscallProvider {
  readonly subsystem = 'signals';

  constructor(
    @inject(SignalState) private readonly signals: SignalState,
    @inject(ThreadWaits) private readonly waits: ThreadWaits,
  ) {}

  syscalls(): readonly SyscallDefinition[] {
    const signals = this.signals;
    const waits = this.waits;
    const validSignal = (signal: number) => signal >= 1 && signal <= NSIG;
    return [
      defineSyscall({
        name: 'rt_sigaction',
        nr: NR.rt_sigaction,
        args: [int('signum'), ptr('act'), ptr('oldact'), size('sigsetsize')],
        support: 'partial',
        note: 'handlers run on the thread\'s stack or its sigaltstack with an rt_sigframe (SA_SIGINFO, SA_ONSTACK, SA_NODEFER, SA_RESETHAND); SA_RESTART restarts the blocking calls Linux restarts (signal(7))',
        handler(context, signal, act, oldact, setSize) {
          if (setSize !== SIGSET_SIZE) return -Errno.EINVAL;
          if (!validSignal(signal)) return -Errno.EINVAL;
          const memory = context.memory;
          // With SA_RESTORER (musl sets it) the struct carries sa_restorer before sa_mask.
          let next;
          if (act !== 0) {
            if (signal === SIGKILL || signal === SIGSTOP) return -Errno.EINVAL;
            const flags = memory.readU64(act + 8);
            const withRestorer = (flags & SA_RESTORER) !== 0n;
            next = {
              handler: memory.readU64(act),
              flags,
              restorer: withRestorer ? memory.readU64(act + 16) : 0n,
              mask: memory.readU64(act + (withRestorer ? 24 : 16)) & ~UNBLOCKABLE,
            };
          }
          if (oldact !== 0) {
            const old = signals.action(signal);
            const withRestorer = (old.flags & SA_RESTORER) !== 0n;
            memory.writeU64(oldact, old.handler);
            memory.writeU64(oldact + 8, old.flags);
            memory.writeU64(oldact + 16, withRestorer ? old.restorer : old.mask);
            memory.writeU64(oldact + 24, withRestorer ? old.mask : 0n);
          }
          if (next) signals.setAction(signal, next);
          return 0;
        },
      }),
      defineSyscall({
        name: 'rt_sigprocmask',
        nr: NR.rt_sigprocmask,
        args: [int('how'), ptr('set'), ptr('oldset'), size('sigsetsize')],
        support: 'full',
        handler(context, how, set, oldset, setSize) {
          if (setSize !== SIGSET_SIZE) return -Errno.EINVAL;
          const { thread, memory } = context;
          const old = thread.signalMask;
          let mask = old;
          if (set !== 0) {
            const value = memory.readU64(set);
            if (how === SIG_BLOCK) mask = old | value;
            else if (how === SIG_UNBLOCK) mask = old & ~value;
            else if (how === SIG_SETMASK) mask = value;
            else return -Errno.EINVAL;
          }
          if (oldset !== 0) memory.writeU64(oldset, old);
          thread.signalMask = mask & ~UNBLOCKABLE;
          context.hart.setX(10, 0n);
          return afterSignal(context, signals.deliver(thread, context.hart.pc, thread));
        },
      }),
      defineSyscall({
        name: 'tkill',
        nr: NR.tkill,
        args: [int('tid'), int('sig')],
        support: 'partial',
        note: 'to the caller: its handler runs before tkill returns; to another thread: pending there and delivered at an instruction boundary when it next runs (a blocking call it is in ends with EINTR or, under SA_RESTART, is restarted, by Linux\'s rules); default actions end the process with 128+signal',
        handler(context, tid, signal) {
          const target = context.process.threads.get(tid);
          if (tid <= 0) return -Errno.EINVAL;
          if (!target || target.state === 'exited') return -Errno.ESRCH;
          if (signal === 0) return 0;
          if (!validSignal(signal)) return -Errno.EINVAL;
          return afterSignal(context, sendSignal(signals, context, target, signal));
        },
      }),
      defineSyscall({
        name: 'tgkill',
        nr: NR.tgkill,
        args: [int('tgid'), int('tid'), int('sig')],
        support: 'partial',
        note: 'as tkill',
        handler(context, tgid, tid, signal) {
          if (tgid <= 0 || tid <= 0) return -Errno.EINVAL;
          const target = context.process.threads.get(tid);
          if (tgid !== context.process.pid || !target || target.state === 'exited') return -Errno.ESRCH;
          if (signal === 0) return 0;
          if (!validSignal(signal)) return -Errno.EINVAL;
          return afterSignal(context, sendSignal(signals, context, target, signal));
        },
      }),
      defineSyscall({
        name: 'rt_sigsuspend',
        nr: NR.rt_sigsuspend,
        args: [ptr('mask'), size('sigsetsize')],
        support: 'full',
        note: 'waits with the given mask until a handler runs; returns -EINTR',
        handler(context, mask, setSize) {
          if (setSize !== SIGSET_SIZE) return -Errno.EINVAL;
          const { thread } = context;
          const next = context.memory.readU64(mask);
          thread.savedSignalMask = thread.signalMask;
          thread.signalMask = next & ~UNBLOCKABLE;
          context.hart.setX(10, BigInt(-Errno.EINTR));
          if (signals.deliver(thread, context.hart.pc, thread) || context.process.exited) return NO_RETURN;
          waits.block(thread, 'rt_sigsuspend', { interrupt: () => -Errno.EINTR });
          return NO_RETURN;
        },
      }),
      defineSyscall({
        name: 'rt_sigpending',
        nr: NR.rt_sigpending,
        args: [ptr('set'), size('sigsetsize')],
        support: 'full',
        handler(context, set, setSize) {
          if (setSize > SIGSET_SIZE) return -Errno.EINVAL;
          const pending = signals.pending(context.thread);
          const bytes = new Uint8Array(SIGSET_SIZE);
          new DataView(bytes.buffer).setBigUint64(0, pending, true);
          context.memory.write(set, bytes.subarray(0, setSize));
          return 0;
        },
      }),
      defineSyscall({
        name: 'rt_sigreturn',
        nr: NR.rt_sigreturn,
        args: [],
        support: 'full',
        note: 'restores the registers and mask saved in the rt_sigframe at sp',
        handler(context) {
          signals.sigreturn(context.thread);
          return NO_RETURN;
        },
      }),
      defineSyscall({
        name: 'sigaltstack',
        nr: NR.sigaltstack,
        args: [ptr('ss'), ptr('old_ss')],
        support: 'full',
        note: 'per thread (a new thread has none); SS_DISABLE, SS_AUTODISARM, EPERM while on it, ENOMEM below MINSIGSTKSZ (2048)',
        handler(context, ss, oldSs) {
          const { thread, memory } = context;
          const sp = context.hart.getX(2);
          const old = thread.altStack;
          // what old_ss reports is the stack before the change, flags against the caller's sp
          const oldFlags = altStackFlags(old, sp) | (old?.flags ?? 0);
          if (ss !== 0) {
            const result = setAltStack(thread, sp, { sp: memory.readU64(ss), flags: memory.readU32(ss + 8), size: memory.readU64(ss + 16) });
            if (result < 0) return result;
          }
          if (oldSs !== 0) {
            memory.writeU64(oldSs, old?.sp ?? 0n);
            memory.writeU32(oldSs + 8, oldFlags >>> 0);
            memory.writeU32(oldSs + 12, 0);
            memory.writeU64(oldSs + 16, old?.size ?? 0n);
          }
          return 0;
        },
      }),
      defineSyscall({
        name: 'kill',
        nr: NR.kill,
        args: [int('pid'), int('sig')],
        support: 'partial',
        note: 'to the process itself only (pid 1, 0 or -1)',
        handler(context, pid, signal) {
          if (pid !== context.process.pid && pid !== 0 && pid !== -1) return -Errno.ESRCH;
          if (signal === 0) return 0;
          if (!validSignal(signal)) return -Errno.EINVAL;
          // A process-directed signal goes to a thread that does not block it, the caller first.
          const live = context.process.liveThreads();
          const target =
            [context.thread, ...live].find((t) => t.state !== 'exited' && !(t.signalMask & (1n << BigInt(signal - 1)))) ??
            context.thread;
          return afterSignal(context, sendSignal(signals, context, target, signal, SI_USER));
        },
      }),
    ];
  }
}

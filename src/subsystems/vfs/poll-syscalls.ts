import { inject, injectable } from 'inversify';
import { MemoryFault } from '../../arch/memory/types.js';
import { VirtualClock } from '../../kernel/clock.js';
import type { OpenFile } from '../../kernel/contracts/device.js';
import { NO_RETURN, defineSyscall, type SyscallContext, type SyscallDefinition, type SyscallProvider } from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import { int, ptr, size, uint } from '../../kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../kernel/syscall/numbers.js';
import { readTimespec } from '../../kernel/syscall/timespec.js';
import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDNORM, POLLWRNORM } from './constants.js';
import { WaitQueue } from './wait-queue.js';
import { SignalWaits } from './signal-waits.js';
import { ERESTARTNOHAND } from '../../kernel/syscall/restart.js';

/** What a file is ready for now: its own answer, or readable → POLLIN, writable → POLLOUT. */
export function readiness(file: OpenFile): number {
  if (file.poll) return file.poll();
  return (file.readable ? POLLIN | POLLRDNORM : 0) | (file.writable ? POLLOUT | POLLWRNORM : 0);
}

const SELECT_READ = POLLIN | POLLRDNORM | POLLHUP | POLLERR;
const SELECT_WRITE = POLLOUT | POLLWRNORM | POLLERR;
const SELECT_EXCEPT = POLLPRI;

/** Runs `evaluate` where a fault in guest memory must become EFAULT for the waiting thread, not for whoever woke it. */
function guarded(evaluate: () => number): number {
  try {
    return evaluate();
  } catch (error) {
    if (error instanceof MemoryFault) return -Errno.EFAULT;
    throw error;
  }
}

/**
 * ppoll and pselect6: readiness of pipes, files and consoles, computed from the files
 * themselves (nothing waits on the host). With nothing ready, the thread blocks until a
 * file changes or the timeout passes on the virtual clock.
 */
@injectable()
export class PollSyscalls implements SyscallProvider {
  readonly subsystem = 'vfs';

  constructor(
    @inject(VirtualClock) private readonly clock: VirtualClock,
    @inject(WaitQueue) private readonly queue: WaitQueue,
    @inject(SignalWaits) private readonly signals: SignalWaits,
  ) {}

  syscalls(): readonly SyscallDefinition[] {
    const { clock, queue, signals } = this;
    /**
     * Blocks until `attempt` has a result or the deadline, under the call's signal mask
     * (if any); a handled signal ends the wait with EINTR (Linux's ERESTARTNOHAND: never
     * restarted after a handler, signal(7)).
     */
    const waitReady = (
      context: SyscallContext,
      reason: string,
      attempt: () => number | undefined,
      deadline: number | undefined,
      mask: bigint | undefined,
    ): typeof NO_RETURN =>
      signals.wait(
        context,
        mask,
        (options) => queue.block(context.thread, reason, attempt, { ...options, ...(deadline === undefined ? {} : { deadline, timeoutResult: 0 }) }),
        -ERESTARTNOHAND,
      );
    const deadlineOf = (context: SyscallContext, timeout: number): number | undefined | { error: number } => {
      if (timeout === 0) return undefined;
      const ns = readTimespec(context, timeout);
      if (typeof ns === 'number') return { error: ns };
      return clock.now() + Number(ns);
    };
    return [
      defineSyscall({
        name: 'ppoll',
        nr: NR.ppoll,
        args: [ptr('fds'), uint('nfds'), ptr('tmo_p'), ptr('sigmask'), size('sigsetsize')],
        support: 'full',
        note: 'readiness of pipes (data, room, hang-up), files and consoles (always ready); with nothing ready the thread waits for a change or the timeout on the virtual clock, under the call\'s signal mask; a handled signal ends the wait with EINTR',
        handler(context, fds, count, timeout, sigmask, sigsetSize) {
          if (count > context.process.files.limit) return -Errno.EINVAL;
          if (sigmask !== 0 && sigsetSize !== 8) return -Errno.EINVAL;
          const deadline = deadlineOf(context, timeout);
          if (typeof deadline === 'object') return deadline.error;
          const entries = count === 0 ? new Uint8Array(0) : context.memory.read(fds, count * 8);
          const view = new DataView(entries.buffer);
          const evaluate = () => {
            let ready = 0;
            for (let i = 0; i < count; i++) {
              const descriptor = view.getInt32(i * 8, true);
              const events = view.getUint16(i * 8 + 4, true);
              let revents = 0;
              if (descriptor >= 0) {
                const file = context.process.files.get(descriptor);
                revents = file ? readiness(file) & (events | POLLERR | POLLHUP) : POLLNVAL;
              }
              view.setUint16(i * 8 + 6, revents, true);
              if (revents !== 0) ready++;
            }
            if (count > 0) context.memory.write(fds, entries);
            return ready;
          };
          const ready = evaluate();
          if (ready > 0 || deadline === clock.now()) return ready;
          const mask = sigmask !== 0 ? context.memory.readU64(sigmask) : undefined;
          return waitReady(
            context,
            'ppoll with nothing ready',
            () => {
              const n = guarded(evaluate);
              return n !== 0 ? n : undefined;
            },
            deadline,
            mask,
          );
        },
      }),
      defineSyscall({
        name: 'pselect6',
        nr: NR.pselect6,
        args: [int('nfds'), ptr('readfds'), ptr('writefds'), ptr('exceptfds'), ptr('timeout'), ptr('sigmask')],
        support: 'full',
        note: 'as ppoll, over fd_sets; EBADF for a closed fd in a set; the remaining timeout is not written back',
        handler(context, nfds, readAddress, writeAddress, exceptAddress, timeout, sigmask) {
          if (nfds < 0 || nfds > context.process.files.limit) return -Errno.EINVAL;
          let mask: bigint | undefined;
          if (sigmask !== 0) {
            const set = context.memory.readU64(sigmask);
            const length = context.memory.readU64(sigmask + 8);
            if (set !== 0n && length !== 8n) return -Errno.EINVAL;
            if (set !== 0n) mask = context.memory.readU64(Number(set));
          }
          const deadline = deadlineOf(context, timeout);
          if (typeof deadline === 'object') return deadline.error;
          const bytes = Math.ceil(nfds / 64) * 8;
          const read = (address: number) => (address === 0 || bytes === 0 ? undefined : context.memory.read(address, bytes));
          const sets = [read(readAddress), read(writeAddress), read(exceptAddress)] as const;
          const addresses = [readAddress, writeAddress, exceptAddress] as const;
          const wanted = [SELECT_READ, SELECT_WRITE, SELECT_EXCEPT] as const;
          const evaluate = () => {
            const out = sets.map((set) => (set ? new Uint8Array(set.length) : undefined));
            let ready = 0;
            for (let descriptor = 0; descriptor < nfds; descriptor++) {
              const byte = descriptor >> 3;
              const bit = 1 << (descriptor & 7);
              if (!sets.some((set) => set && set[byte]! & bit)) continue;
              const file = context.process.files.get(descriptor);
              if (!file) return -Errno.EBADF;
              const mask = readiness(file);
              sets.forEach((set, i) => {
                if (set && set[byte]! & bit && mask & wanted[i]!) {
                  const target = out[i]!;
                  target[byte] = (target[byte] ?? 0) | bit;
                  ready++;
                }
              });
            }
            out.forEach((set, i) => set && context.memory.write(addresses[i]!, set));
            return ready;
          };
          const ready = evaluate();
          if (ready !== 0 || deadline === clock.now()) return ready;
          return waitReady(
            context,
            'pselect6 with nothing ready',
            () => {
              const n = guarded(evaluate);
              return n !== 0 ? n : undefined;
            },
            deadline,
            mask,
          );
        },
      }),
    ];
  }
}

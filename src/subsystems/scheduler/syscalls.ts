import { inject, injectable } from 'inversify';
import { PERM_R, PERM_W } from '../../arch/memory/types.js';
import { VirtualClock } from '../../kernel/clock.js';
import {
  NO_RETURN,
  defineSyscall,
  type SyscallDefinition,
  type SyscallProvider,
} from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import { FUTEX_BITSET_MATCH_ANY, FutexTable } from '../../kernel/futex.js';
import { int, ptr, size, uint } from '../../kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../kernel/syscall/numbers.js';
import { readTimespec } from '../../kernel/syscall/timespec.js';

export const FUTEX_WAIT = 0;
export const FUTEX_WAKE = 1;
export const FUTEX_REQUEUE = 3;
export const FUTEX_CMP_REQUEUE = 4;
export const FUTEX_WAKE_OP = 5;
export const FUTEX_WAIT_BITSET = 9;
export const FUTEX_WAKE_BITSET = 10;
export const FUTEX_PRIVATE_FLAG = 128;
export const FUTEX_CLOCK_REALTIME = 256;
const FUTEX_CMD_MASK = ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);

/** FUTEX_WAKE_OP's operation on the old value (FUTEX_OP_SET/ADD/OR/ANDN/XOR, optionally with a shifted argument). */
function wakeOp(encoded: number, old: number): { value: number; condition: boolean } | undefined {
  const op = (encoded >>> 28) & 0x7;
  const shift = (encoded >>> 28) & 0x8;
  const cmp = (encoded >>> 24) & 0xf;
  let oparg = (encoded << 8) >> 20; // bits 12..23, sign-extended
  const cmparg = (encoded << 20) >> 20; // bits 0..11, sign-extended
  if (shift) {
    if (oparg < 0 || oparg > 31) return undefined;
    oparg = 1 << oparg;
  }
  let value: number;
  switch (op) {
    case 0: value = oparg; break; // SET
    case 1: value = old + oparg; break; // ADD
    case 2: value = old | oparg; break; // OR
    case 3: value = old & ~oparg; break; // ANDN
    case 4: value = old ^ oparg; break; // XOR
    default: return undefined;
  }
  const signedOld = old | 0;
  let condition: boolean;
  switch (cmp) {
    case 0: condition = signedOld === cmparg; break;
    case 1: condition = signedOld !== cmparg; break;
    case 2: condition = signedOld < cmparg; break;
    case 3: condition = signedOld <= cmparg; break;
    case 4: condition = signedOld > cmparg; break;
    case 5: condition = signedOld >= cmparg; break;
    default: return undefined;
  }
  return { value: value >>> 0, condition };
}

/** futex, sched_yield, sched_getaffinity, sched_setaffinity. */
@injectable()
export class SchedulerSyscalls implements SyscallProvider {
  readonly subsystem = 'scheduler';

  constructor(
    @inject(FutexTable) private readonly futexes: FutexTable,
    @inject(VirtualClock) private readonly clock: VirtualClock,
  ) {}

  syscalls(): readonly SyscallDefinition[] {
    const futexes = this.futexes;
    const clock = this.clock;
    return [
      defineSyscall({
        name: 'futex',
        nr: NR.futex,
        args: [ptr('uaddr'), int('op'), uint('val'), ptr('timeout'), ptr('uaddr2'), uint('val3')],
        support: 'partial',
        note: 'WAIT, WAKE, WAIT_BITSET, WAKE_BITSET, REQUEUE, CMP_REQUEUE, WAKE_OP, private or not, timeouts on the virtual clock (relative, or absolute MONOTONIC/REALTIME with WAIT_BITSET); a handled signal ends a wait (EINTR; an untimed wait under SA_RESTART is restarted, as Linux does); the PI operations are not served',
        handler(context, uaddr, op, val, timeout, uaddr2, val3) {
          const command = op & FUTEX_CMD_MASK;
          const memory = context.memory;
          const checkWord = (address: number) => {
            if (address % 4 !== 0) return -Errno.EINVAL;
            if (!memory.isAccessible(address, 4, PERM_R)) return -Errno.EFAULT;
            return 0;
          };
          switch (command) {
            case FUTEX_WAIT:
            case FUTEX_WAIT_BITSET: {
              // Linux's order: the timespec (EINVAL), FUTEX_CLOCK_REALTIME only with
              // WAIT_BITSET (ENOSYS), the bitset, the word (EINVAL, EFAULT), its value (EAGAIN).
              let deadline: number | undefined;
              if (timeout !== 0) {
                const ns = readTimespec(context, timeout);
                if (typeof ns === 'number') return ns;
                if (command === FUTEX_WAIT) deadline = clock.now() + Number(ns);
                else if (op & FUTEX_CLOCK_REALTIME) deadline = Number(ns - BigInt(clock.epochSeconds) * 1_000_000_000n);
                else deadline = clock.fromMonotonic(ns);
              }
              if (op & FUTEX_CLOCK_REALTIME && command === FUTEX_WAIT) return -Errno.ENOSYS;
              const bitset = command === FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3;
              if (bitset === 0) return -Errno.EINVAL;
              const bad = checkWord(uaddr);
              if (bad) return bad;
              if (memory.readU32(uaddr) !== val) return -Errno.EAGAIN;
              if (deadline !== undefined && deadline <= clock.now()) return -Errno.ETIMEDOUT;
              futexes.wait(context.thread, uaddr, val, bitset, deadline);
              return NO_RETURN;
            }
            case FUTEX_WAKE:
            case FUTEX_WAKE_BITSET: {
              const bitset = command === FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : val3;
              if (bitset === 0) return -Errno.EINVAL;
              if (uaddr % 4 !== 0) return -Errno.EINVAL;
              return futexes.wake(uaddr, Math.min(val, 0x7fff_ffff), bitset);
            }
            case FUTEX_REQUEUE:
            case FUTEX_CMP_REQUEUE: {
              const requeueCount = Number(BigInt.asIntN(32, BigInt(timeout)));
              if ((val | 0) < 0 || requeueCount < 0) return -Errno.EINVAL;
              const bad = checkWord(uaddr) || checkWord(uaddr2);
              if (bad) return bad;
              if (command === FUTEX_CMP_REQUEUE && memory.readU32(uaddr) !== val3) return -Errno.EAGAIN;
              return futexes.requeue(uaddr, uaddr2, val, requeueCount);
            }
            case FUTEX_WAKE_OP: {
              const val2 = Number(BigInt.asUintN(32, BigInt(timeout)));
              const bad = checkWord(uaddr) || checkWord(uaddr2);
              if (bad) return bad;
              if (!memory.isAccessible(uaddr2, 4, PERM_W)) return -Errno.EFAULT;
              const old = memory.readU32(uaddr2);
              const result = wakeOp(val3, old);
              if (!result) return -Errno.ENOSYS;
              memory.writeU32(uaddr2, result.value);
              let woken = futexes.wake(uaddr, val);
              if (result.condition) woken += futexes.wake(uaddr2, val2);
              return woken;
            }
            default:
              return -Errno.ENOSYS;
          }
        },
      }),
      defineSyscall({
        name: 'sched_yield',
        nr: NR.sched_yield,
        args: [],
        support: 'full',
        handler(context) {
          context.thread.yielded = true;
          return 0;
        },
      }),
      defineSyscall({
        name: 'sched_getaffinity',
        nr: NR.sched_getaffinity,
        args: [int('pid'), size('cpusetsize'), ptr('mask')],
        support: 'full',
        note: 'one CPU',
        handler(context, pid, length, mask) {
          if (pid !== 0 && !context.process.threads.has(pid)) return -Errno.ESRCH;
          if (length < 8 || length % 8 !== 0) return -Errno.EINVAL;
          context.memory.write(mask, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]));
          return 8;
        },
      }),
      defineSyscall({
        name: 'sched_setaffinity',
        nr: NR.sched_setaffinity,
        args: [int('pid'), size('cpusetsize'), ptr('mask')],
        support: 'full',
        note: 'one CPU: the mask must include CPU 0',
        handler(context, pid, length, mask) {
          if (pid !== 0 && !context.process.threads.has(pid)) return -Errno.ESRCH;
          if (length === 0) return -Errno.EINVAL;
          return (context.memory.readU8(mask) & 1) === 1 ? 0 : -Errno.EINVAL;
        },
      }),
    ];
  }
}

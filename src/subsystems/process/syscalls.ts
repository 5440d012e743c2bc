import { inject, injectable } from 'inversify';
import { NO_RETURN, defineSyscall, type SyscallDefinition, type SyscallProvider } from '../../kernel/contracts/syscall.js';
import { ProcessLifecycle } from '../../kernel/lifecycle.js';
import { Errno } from '../../kernel/errno.js';
import { int, ptr, size, word } from '../../kernel/syscall/args.js';
import { CLONE_ARGS_SIZE_VER0, ThreadFactory } from './threads.js';

const PR_SET_NAME = 15;
const PR_GET_NAME = 16;
/** sizeof(struct robust_list_head) on riscv64. */
const ROBUST_LIST_HEAD_SIZE = 24;
import { SYSCALL_NUMBERS as NR } from '../../kernel/syscall/numbers.js';

/** Threads and process identity: clone, clone3, exit, exit_group, set_tid_address, robust lists, getpid, gettid. */
@injectable()
export class ProcessSyscalls implements SyscallProvider {
  readonly subsystem = 'process';

  constructor(
    @inject(ProcessLifecycle) private readonly lifecycle: ProcessLifecycle,
    @inject(ThreadFactory) private readonly threads: ThreadFactory,
  ) {}

  syscalls(): readonly SyscallDefinition[] {
    const lifecycle = this.lifecycle;
    const threads = this.threads;
    return [
      defineSyscall({
        name: 'exit',
        nr: NR.exit,
        args: [int('status')],
        support: 'full',
        note: 'ends the calling thread; clears and (with futexes) wakes its clear-child-tid word',
        handler(context, status) {
          const { thread } = context;
          lifecycle.exitThread(thread, status);
          return NO_RETURN;
        },
      }),
      defineSyscall({
        name: 'exit_group',
        nr: NR.exit_group,
        args: [int('status')],
        support: 'full',
        note: 'ends the whole process from any thread',
        handler(context, status) {
          lifecycle.exitProcess(status, context.thread);
          return NO_RETURN;
        },
      }),
      defineSyscall({
        name: 'set_tid_address',
        nr: NR.set_tid_address,
        args: [ptr('tidptr')],
        support: 'full',
        handler(context, tidptr) {
          // Linux stores the pointer without checking it; a bad one only matters at exit.
          context.thread.clearChildTid = tidptr;
          return context.thread.tid;
        },
      }),
      defineSyscall({
        name: 'set_robust_list',
        nr: NR.set_robust_list,
        args: [ptr('head'), size('len')],
        support: 'full',
        note: 'robust futexes are marked owner-died and woken when the thread exits',
        handler(context, head, length) {
          if (length !== ROBUST_LIST_HEAD_SIZE) return -Errno.EINVAL;
          context.thread.robustList = head;
          context.thread.robustListLength = length;
          return 0;
        },
      }),
      defineSyscall({
        name: 'get_robust_list',
        nr: NR.get_robust_list,
        args: [int('pid'), ptr('head_ptr'), ptr('len_ptr')],
        support: 'full',
        handler(context, pid, headPointer, lengthPointer) {
          const thread = pid === 0 ? context.thread : context.process.threads.get(pid);
          if (!thread || thread.state === 'exited') return -Errno.ESRCH;
          context.memory.writeU64(headPointer, BigInt(thread.robustList));
          context.memory.writeU64(lengthPointer, BigInt(thread.robustListLength || ROBUST_LIST_HEAD_SIZE));
          return 0;
        },
      }),
      defineSyscall({
        name: 'clone',
        nr: NR.clone,
        args: [word('flags'), ptr('stack'), ptr('parent_tid'), word('tls'), ptr('child_tid')],
        support: 'partial',
        note: 'threads (CLONE_VM|CLONE_THREAD|CLONE_SIGHAND ...) as musl, glibc and Rust use them; new processes are not supported',
        handler: (context, flags, stack, parentTid, tls, childTid) =>
          threads.clone(context, { flags, stack, parentTid, tls, childTid }),
      }),
      defineSyscall({
        name: 'clone3',
        nr: NR.clone3,
        args: [ptr('cl_args'), size('size')],
        support: 'partial',
        note: 'as clone: threads only',
        handler(context, address, length) {
          if (length < CLONE_ARGS_SIZE_VER0 || length > 4096) return -Errno.EINVAL;
          const raw = context.memory.read(address, Math.min(length, 88));
          const view = new DataView(raw.buffer);
          const field = (i: number) => (i * 8 + 8 <= raw.length ? view.getBigUint64(i * 8, true) : 0n);
          // struct clone_args: flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup
          if (field(4) !== 0n || field(9) !== 0n) return -Errno.EINVAL;
          const stackBase = field(5);
          const stackSize = field(6);
          if ((stackBase === 0n) !== (stackSize === 0n)) return -Errno.EINVAL;
          return threads.clone(context, {
            flags: field(0),
            stack: Number(stackBase + stackSize),
            parentTid: Number(field(3)),
            tls: field(7),
            childTid: Number(field(2)),
          });
        },
      }),
      defineSyscall({
        name: 'prctl',
        nr: NR.prctl,
        args: [int('option'), word('arg2'), word('arg3'), word('arg4'), word('arg5')],
        support: 'partial',
        note: 'PR_SET_NAME and PR_GET_NAME (thread names); other options -EINVAL',
        handler(context, option, arg2) {
          const address = Number(arg2);
          if (option === PR_SET_NAME) {
            const name = context.memory.readCString(address, 15);
            context.thread.name = new TextDecoder().decode(name);
            return 0;
          }
          if (option === PR_GET_NAME) {
            const name = new Uint8Array(16);
            name.set(new TextEncoder().encode(context.thread.name).subarray(0, 15));
            context.memory.write(address, name);
            return 0;
          }
          return -Errno.EINVAL;
        },
      }),
      defineSyscall({
        name: 'getpid',
        nr: NR.getpid,
        args: [],
        support: 'full',
        handler: (context) => context.process.pid,
      }),
      defineSyscall({
        name: 'gettid',
        nr: NR.gettid,
        args: [],
        support: 'full',
        handler: (context) => context.thread.tid,
      }),
    ];
  }
}

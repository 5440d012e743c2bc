import { inject, injectable } from 'inversify';
import { PERM_W } from '../../arch/memory/types.js';
import type { Arch } from '../../kernel/contracts/arch.js';
import type { Scheduler } from '../../kernel/contracts/scheduler.js';
import type { SyscallContext } from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import { UnsupportedFeature } from '../../kernel/errors.js';
import type { KernelEvents } from '../../kernel/events.js';
import { ARCH, KERNEL_EVENTS, SCHEDULER } from '../../kernel/tokens.js';

export const CLONE_VM = 0x100n;
export const CLONE_FS = 0x200n;
export const CLONE_FILES = 0x400n;
export const CLONE_SIGHAND = 0x800n;
export const CLONE_PIDFD = 0x1000n;
export const CLONE_PTRACE = 0x2000n;
export const CLONE_VFORK = 0x4000n;
export const CLONE_PARENT = 0x8000n;
export const CLONE_THREAD = 0x10000n;
export const CLONE_NEWNS = 0x20000n;
export const CLONE_SYSVSEM = 0x40000n;
export const CLONE_SETTLS = 0x80000n;
export const CLONE_PARENT_SETTID = 0x100000n;
export const CLONE_CHILD_CLEARTID = 0x200000n;
export const CLONE_DETACHED = 0x400000n;
export const CLONE_UNTRACED = 0x800000n;
export const CLONE_CHILD_SETTID = 0x1000000n;
/** The namespace and cgroup flags: nothing a thread library asks for. */
const CLONE_NAMESPACES = CLONE_NEWNS | 0x7e00_0000n | 0x3_0000_0000n;
/** Flags a thread may carry that change nothing here. */
const CLONE_THREAD_OK =
  CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
  CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_CHILD_SETTID | CLONE_UNTRACED | CLONE_PTRACE;
/** sizeof(struct clone_args) in its first version. */
export const CLONE_ARGS_SIZE_VER0 = 64;

export interface CloneRequest {
  readonly flags: bigint;
  /** The child's stack pointer (0: share the parent's, which only makes sense for vfork). */
  readonly stack: number;
  readonly parentTid: number;
  readonly tls: bigint;
  readonly childTid: number;
}

/** clone for threads: a new thread control block that starts where the parent's ecall returns. */
@injectable()
export class ThreadFactory {
  constructor(
    @inject(ARCH) private readonly arch: Arch,
    @inject(SCHEDULER) private readonly scheduler: Scheduler,
    @inject(KERNEL_EVENTS) private readonly events: KernelEvents,
  ) {}

  clone(context: SyscallContext, request: CloneRequest): number {
    const { flags } = request;
    const { process, thread, memory } = context;
    if (!(flags & CLONE_VM) || !(flags & CLONE_THREAD)) {
      throw new UnsupportedFeature(
        `processes are not supported: clone with flags 0x${flags.toString(16)} asks for a new process (fork/vfork/posix_spawn); ZeroOS runs one process with threads`,
        context.hart.pc - 4,
        thread.tid,
      );
    }
    // Linux's own consistency rules for thread clones.
    if (!(flags & CLONE_SIGHAND)) return -Errno.EINVAL;
    if (flags & CLONE_NAMESPACES || flags & CLONE_VFORK || flags & CLONE_PIDFD || flags & CLONE_PARENT) {
      return -Errno.EINVAL;
    }
    if ((flags & 0xffn) !== 0n && (flags & 0xffn) !== 17n) return -Errno.EINVAL; // exit signal: none or SIGCHLD
    if (flags & ~(CLONE_THREAD_OK | 0xffn)) return -Errno.EINVAL;
    if (process.liveThreads().length >= process.maxThreads) return -Errno.EAGAIN;
    if (flags & CLONE_PARENT_SETTID && !memory.isAccessible(request.parentTid, 4, PERM_W)) return -Errno.EFAULT;

    const child = process.createThread();
    const hart = this.arch.hart;
    const saved = hart.saveContext();
    saved.x[10] = 0n; // the child sees 0 from clone
    if (request.stack !== 0) saved.x[2] = BigInt(request.stack);
    if (flags & CLONE_SETTLS) saved.x[4] = BigInt.asUintN(64, request.tls);
    child.context = saved;
    child.signalMask = thread.signalMask;
    if (flags & CLONE_PARENT_SETTID) memory.writeU32(request.parentTid, child.tid);
    if (flags & CLONE_CHILD_SETTID && memory.isAccessible(request.childTid, 4, PERM_W)) {
      memory.writeU32(request.childTid, child.tid);
    }
    if (flags & CLONE_CHILD_CLEARTID) child.clearChildTid = request.childTid;
    this.scheduler.add(child);
    this.events.emitThreadStart({ instret: hart.instret, tid: thread.tid, child: child.tid });
    return child.tid;
  }
}

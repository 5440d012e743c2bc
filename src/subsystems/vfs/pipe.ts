import { inject, injectable, optional } from 'inversify';
import type { SyscallContext, SyscallResult } from '../../kernel/contracts/syscall.js';
import { NO_RETURN } from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import type { Thread } from '../../kernel/process.js';
import {
  O_NONBLOCK,
  O_RDONLY,
  O_WRONLY,
  PIPE_BUF,
  PIPE_CAPACITY,
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLOUT,
  POLLRDNORM,
  POLLWRNORM,
} from './constants.js';
import { PipeInode, type FileSystem } from './inode.js';
import { PollWakeups } from './poll-wake.js';
import { FIONREAD, FileDescription, type FileServices } from './open-file.js';
import type { SignalDelivery } from '../../kernel/contracts/signals.js';
import { SIGNAL_DELIVERY } from '../../kernel/tokens.js';
import type { MemoryBudget } from '../../kernel/memory-budget.js';

/** si_code of a signal the kernel sends on its own account, as Linux's send_sig does. */
const SI_USER = 0;

/** The most F_SETPIPE_SZ grants (/proc/sys/fs/pipe-max-size). */
export const PIPE_MAX_SIZE = 1 << 20;

const PIPEFS_MAGIC = 0x50495045;

const SIGPIPE = 13;

/**
 * SIGPIPE for writes to a pipe nobody reads. The signal is raised when the write
 * returns, with its result (EPIPE, or the bytes written before) already in a0, so a
 * handler's frame keeps it; its default action ends the process with status 141, and a
 * program that ignores it (Rust does) just sees EPIPE.
 */
@injectable()
export class BrokenPipes {
  private readonly _writers = new WeakSet<Thread>();

  constructor(@inject(SIGNAL_DELIVERY) @optional() private readonly signals: SignalDelivery | undefined) {}

  /** The thread's write found no reader. */
  mark(thread: Thread): void {
    this._writers.add(thread);
  }

  /** Ends a write-like syscall: raises the SIGPIPE it earned, if any. */
  finish(context: SyscallContext, result: SyscallResult): SyscallResult {
    if (result === NO_RETURN || !this._writers.has(context.thread)) return result;
    this._writers.delete(context.thread);
    if (!this.signals) return result;
    context.hart.setX(10, BigInt(result));
    const pushed = this.signals.raise(context.thread, SIGPIPE, SI_USER, context.hart.pc - 4);
    return pushed || context.process.exited ? NO_RETURN : result;
  }
}

/** The anonymous file system pipes' inodes live in; their buffers are charged to its budget. */
export class PipeFileSystem implements FileSystem {
  readonly type = 'pipefs';
  readonly magic = PIPEFS_MAGIC;
  readonly readOnly = false;
  private _ino = 1;
  constructor(
    readonly dev: number,
    readonly budget?: MemoryBudget,
  ) {}
  nextIno(): number {
    return this._ino++;
  }
  charge(): boolean {
    return true;
  }
}

const NO_BUFFER = new Uint8Array(0);

/**
 * A pipe: a bounded byte queue between the descriptions of its two ends. Readers of an
 * empty pipe and writers to a full one block (through the WaitQueue) while the other end
 * is open; writes of up to PIPE_BUF bytes are atomic. The counts of open ends decide
 * end of file (no writers) and EPIPE (no readers).
 *
 * The buffer is allocated at the first write and charged to the run's memory budget
 * ('pipes', its whole capacity) until both ends are closed: a write that cannot get it
 * is ENOMEM, as Linux's pipe_write when it cannot allocate a page.
 */
export class Pipe {
  private _buffer: Uint8Array = NO_BUFFER;
  private _capacity = PIPE_CAPACITY;
  private _head = 0;
  private _length = 0;
  readers = 0;
  writers = 0;
  /** Epoll's view of the pipe's wait queues: writes wake EPOLLIN, reads of a full pipe EPOLLOUT, a closed side everything. */
  readonly wakeups = new PollWakeups();

  constructor(readonly inode: PipeInode) {}

  get buffered(): number {
    return this._length;
  }

  get capacity(): number {
    return this._capacity;
  }

  get room(): number {
    return this._capacity - this._length;
  }

  private get budget(): MemoryBudget | undefined {
    return this.inode.fs.budget;
  }

  /** Allocates the buffer (charged) before the first put; false when the budget cannot hold it. */
  allocate(): boolean {
    if (this._buffer.length === this._capacity) return true;
    if (this.budget && !this.budget.tryCharge('pipes', this._capacity)) return false;
    this._buffer = new Uint8Array(this._capacity);
    return true;
  }

  /** Both ends are closed: the buffer and its charge go. */
  close(): void {
    if (this.readers > 0 || this.writers > 0 || this._buffer === NO_BUFFER) return;
    this.budget?.release('pipes', this._buffer.length);
    this._buffer = NO_BUFFER;
    this._head = this._length = 0;
  }

  /** Removes and returns up to `length` bytes. */
  take(length: number): Uint8Array {
    const n = Math.min(length, this._length);
    if (n <= 0) return new Uint8Array(0);
    const out = new Uint8Array(n);
    const first = Math.min(n, this._buffer.length - this._head);
    out.set(this._buffer.subarray(this._head, this._head + first));
    if (n > first) out.set(this._buffer.subarray(0, n - first), first);
    this._head = (this._head + n) % this._buffer.length;
    this._length -= n;
    return out;
  }

  /** Appends as much of `data` as fits (after `allocate`); returns how much. */
  put(data: Uint8Array): number {
    if (data.length === 0 || !this.allocate()) return 0;
    const n = Math.min(data.length, this.room);
    const tail = (this._head + this._length) % this._buffer.length;
    const first = Math.min(n, this._buffer.length - tail);
    this._buffer.set(data.subarray(0, first), tail);
    if (n > first) this._buffer.set(data.subarray(first, n), 0);
    this._length += n;
    return n;
  }

  /** F_SETPIPE_SZ: the new capacity, or -EBUSY when the buffered bytes would not fit. */
  resize(size: number): number {
    if (size < this._length) return -Errno.EBUSY;
    if (this._buffer === NO_BUFFER) {
      this._capacity = size;
      return size;
    }
    const budget = this.budget;
    if (budget && !budget.tryCharge('pipes', size - this._buffer.length)) return -Errno.ENOMEM;
    const contents = this.take(this._length);
    this._buffer = new Uint8Array(size);
    this._capacity = size;
    this._head = 0;
    this.put(contents);
    return size;
  }
}

/** One end of a pipe, as pipe2 installs it. */
export class PipeEnd extends FileDescription {
  declare readonly inode: PipeInode;

  constructor(
    readonly pipe: Pipe,
    readonly end: 'read' | 'write',
    flags: number,
    services: FileServices,
    private readonly broken: BrokenPipes,
  ) {
    super(pipe.inode, `pipe:[${pipe.inode.ino}]`, (end === 'read' ? O_RDONLY : O_WRONLY) | (flags & O_NONBLOCK), services);
    if (end === 'read') pipe.readers++;
    else pipe.writers++;
  }

  read(context: SyscallContext, length: number, nonBlocking = false): Uint8Array | number | typeof NO_RETURN {
    const pipe = this.pipe;
    if (length === 0) return new Uint8Array(0);
    if (pipe.buffered > 0) {
      const wasFull = pipe.room === 0;
      const data = pipe.take(length);
      if (wasFull) pipe.wakeups.wake(POLLOUT | POLLWRNORM);
      this.services.queue.notify();
      return data;
    }
    if (pipe.writers === 0) return new Uint8Array(0);
    if (nonBlocking || this.statusFlags & O_NONBLOCK) return -Errno.EAGAIN;
    return this.services.queue.restartWhen(context, 'read on an empty pipe', () => pipe.buffered > 0 || pipe.writers === 0);
  }

  write(context: SyscallContext, data: Uint8Array, nonBlocking = false): number | typeof NO_RETURN {
    const pipe = this.pipe;
    if (pipe.readers === 0) {
      this.broken.mark(context.thread);
      return -Errno.EPIPE;
    }
    if (data.length === 0) return 0;
    // Up to PIPE_BUF bytes go in at once or not at all; more may be split.
    const needed = data.length <= PIPE_BUF ? data.length : 1;
    if (pipe.room >= needed) {
      if (!pipe.allocate()) return -Errno.ENOMEM;
      const written = pipe.put(data);
      pipe.wakeups.wake(POLLIN | POLLRDNORM);
      this.services.queue.notify();
      return written;
    }
    if (nonBlocking || this.statusFlags & O_NONBLOCK) return -Errno.EAGAIN;
    return this.services.queue.restartWhen(context, 'write to a full pipe', () => pipe.readers === 0 || pipe.room >= needed);
  }

  ioctl(context: SyscallContext, request: number, argument: bigint): SyscallResult {
    if (request !== FIONREAD) return -Errno.ENOTTY;
    context.memory.writeU32(Number(argument), this.pipe.buffered);
    return 0;
  }

  /** The pipe's wake-ups, which both ends share (Linux's pipe_poll waits on both queues). */
  get wakeups(): PollWakeups {
    return this.pipe.wakeups;
  }

  override poll(): number {
    const pipe = this.pipe;
    if (this.end === 'read') return (pipe.buffered > 0 ? POLLIN | POLLRDNORM : 0) | (pipe.writers === 0 ? POLLHUP : 0);
    return (pipe.room > 0 ? POLLOUT | POLLWRNORM : 0) | (pipe.readers === 0 ? POLLERR : 0);
  }

  override release(): void {
    if (this.end === 'read') this.pipe.readers--;
    else this.pipe.writers--;
    this.pipe.close();
    // Linux wakes both queues when one side has just gone (readers or writers now 0, not both)
    if ((this.pipe.readers === 0) !== (this.pipe.writers === 0)) this.pipe.wakeups.wake(0);
    this.services.queue.notify();
    super.release();
  }
}

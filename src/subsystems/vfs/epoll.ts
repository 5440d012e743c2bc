import { inject, injectable } from 'inversify';
import { MemoryFault, PERM_W } from '../../arch/memory/types.js';
import { VirtualClock } from '../../kernel/clock.js';
import type { OpenFile } from '../../kernel/contracts/device.js';
import { defineSyscall, type SyscallContext, type SyscallDefinition, type SyscallProvider } from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import type { FileTable } from '../../kernel/files.js';
import { fd, int, ptr, size, uint } from '../../kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../kernel/syscall/numbers.js';
import { readTimespec } from '../../kernel/syscall/timespec.js';
import type { Inode } from './inode.js';
import { O_CLOEXEC, O_RDWR, POLLIN, POLLRDNORM, makedev } from './constants.js';
import { DeviceFile, DirectoryFile, FileDescription, RegularFile, isPathOnly, type FileServices } from './open-file.js';
import { readiness } from './poll-syscalls.js';
import { PollWakeups, wakeupsOf, type WakeListener, type WakeSource } from './poll-wake.js';
import { SignalWaits } from './signal-waits.js';
import { Vfs } from './vfs.js';
import { WaitQueue } from './wait-queue.js';

export const EPOLLIN = 0x1;
export const EPOLLPRI = 0x2;
export const EPOLLOUT = 0x4;
export const EPOLLERR = 0x8;
export const EPOLLHUP = 0x10;
export const EPOLLRDNORM = 0x40;
export const EPOLLRDBAND = 0x80;
export const EPOLLWRNORM = 0x100;
export const EPOLLWRBAND = 0x200;
export const EPOLLMSG = 0x400;
export const EPOLLRDHUP = 0x2000;
export const EPOLLEXCLUSIVE = 1 << 28;
export const EPOLLWAKEUP = 1 << 29;
export const EPOLLONESHOT = 1 << 30;
export const EPOLLET = 1 << 31;

export const EPOLL_CTL_ADD = 1;
export const EPOLL_CTL_DEL = 2;
export const EPOLL_CTL_MOD = 3;
export const EPOLL_CLOEXEC = O_CLOEXEC;

/** How deep epoll instances may watch each other (Linux's EPOLL_MAX_NESTS). */
export const EPOLL_MAX_NESTS = 4;

/**
 * The most interest entries the process's epoll instances may hold together (Linux's
 * fs.epoll.max_user_watches): past it EPOLL_CTL_ADD is ENOSPC. Each entry is host memory
 * that no other limit counts, and dup'ed descriptors make new entries for the same file.
 */
export const EPOLL_MAX_WATCHES = 65_536;

/** How many interest entries a process's epoll instances hold, against EPOLL_MAX_WATCHES. */
export class EpollWatches {
  count = 0;
  constructor(readonly limit = EPOLL_MAX_WATCHES) {}
}

/** struct epoll_event on riscv64: u32 events, 4 bytes of padding, u64 data (not packed: only x86-64 packs it). */
export const EPOLL_EVENT_SIZE = 16;

/** The most events one epoll_wait may ask for (INT_MAX / sizeof(struct epoll_event)). */
const EP_MAX_EVENTS = Math.floor(0x7fffffff / EPOLL_EVENT_SIZE);

/** The bits of an entry's events that are modes, not readiness; a fired EPOLLONESHOT entry keeps only these. */
const EP_PRIVATE_BITS = EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE;
const EPOLLINOUT_BITS = EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | EPOLLWRBAND;
/** What may come with EPOLLEXCLUSIVE. */
const EPOLLEXCLUSIVE_OK_BITS = EPOLLINOUT_BITS | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE;

/** One ready event as epoll_wait reports it. */
export interface EpollEvent {
  readonly events: number;
  readonly data: bigint;
}

/**
 * One interest entry: a file, as reached through one descriptor number (Linux keys them by
 * the pair), the events asked for and the caller's 64-bit data. It hears the file's
 * wake-ups when the file announces them; files that do not are polled at each wait.
 */
class InterestEntry implements WakeListener {
  /** For files without wake-ups: the ready bits seen at the last look, so an edge is a bit newly set. */
  lastMask = 0;

  constructor(
    readonly owner: EventPoll,
    readonly fd: number,
    readonly file: OpenFile,
    public events: number,
    public data: bigint,
    readonly wakeups: PollWakeups | undefined,
  ) {}

  /** Linux's ep_poll_callback: a disarmed entry or a change of other kinds is ignored. */
  wake(key: number): void {
    if ((this.events & ~EP_PRIVATE_BITS) === 0) return;
    if (key !== 0 && (key & this.events) === 0) return;
    this.owner.enqueue(this);
  }

  /** What the file is ready for now, of what the entry asks. */
  ready(): number {
    return readiness(this.file) & this.events & ~EP_PRIVATE_BITS;
  }
}

/**
 * An epoll instance (Linux's struct eventpoll): its interest entries and its ready list.
 * An entry joins the ready list when its file wakes it (or, for a file without wake-ups,
 * when a wait finds it ready); a wait reports the listed entries that are really ready,
 * in list order, and puts level-triggered ones back at the end. It is itself pollable:
 * readable while an entry is ready, so another epoll or ppoll can watch it.
 */
export class EventPoll extends FileDescription implements WakeSource {
  readonly wakeups = new PollWakeups();
  /** The entries by file, then by descriptor number. */
  private readonly _entries = new Map<OpenFile, Map<number, InterestEntry>>();
  private readonly _ready = new Set<InterestEntry>();
  /** The epoll instances that watch this one (for the nesting limit). */
  private readonly _watchers = new Set<EventPoll>();

  constructor(
    inode: Inode,
    services: FileServices,
    private readonly files: FileTable,
    private readonly budget: EpollWatches,
  ) {
    super(inode, 'anon_inode:[eventpoll]', O_RDWR, services);
    this.statusFlags = O_RDWR;
  }

  /** The entry for descriptor `fd` on `file`, if any. */
  find(fd: number, file: OpenFile): InterestEntry | undefined {
    return this._entries.get(file)?.get(fd);
  }

  /** EPOLL_CTL_ADD (the caller has checked the entry is new). */
  add(fd: number, file: OpenFile, events: number, data: bigint): void {
    const entry = new InterestEntry(this, fd, file, events, data, wakeupsOf(file));
    let byFd = this._entries.get(file);
    if (!byFd) this._entries.set(file, (byFd = new Map()));
    byFd.set(fd, entry);
    this.budget.count++;
    entry.wakeups?.add(entry);
    if (file instanceof EventPoll) file._watchers.add(this);
    this.arm(entry);
  }

  /** EPOLL_CTL_MOD: new events and data; queued at once if the file is ready for them. */
  modify(entry: InterestEntry, events: number, data: bigint): void {
    entry.events = events;
    entry.data = data;
    entry.lastMask = 0;
    this.arm(entry);
  }

  /** EPOLL_CTL_DEL, and an entry whose file was closed for good. */
  remove(entry: InterestEntry): void {
    const byFd = this._entries.get(entry.file);
    if (!byFd?.delete(entry.fd)) return;
    this.budget.count--;
    if (byFd.size === 0) {
      this._entries.delete(entry.file);
      if (entry.file instanceof EventPoll) entry.file._watchers.delete(this);
    }
    entry.wakeups?.remove(entry);
    this._ready.delete(entry);
  }

  /** Puts `entry` on the ready list (once) and wakes whoever watches this instance. */
  enqueue(entry: InterestEntry): void {
    if (this._ready.has(entry)) return;
    this._ready.add(entry);
    this.wakeups.wake(POLLIN);
  }

  /**
   * Up to `max` ready events, in ready-list order; level-triggered entries go back at the
   * end. The list is walked as it was when the wait began: an entry that a wake-up during
   * the walk queues again (a watched epoll looking at its own files) waits for the next one.
   */
  collect(max: number): EpollEvent[] {
    this.pollSilentFiles();
    const events: EpollEvent[] = [];
    const again: InterestEntry[] = [];
    for (const entry of [...this._ready]) {
      if (events.length >= max) break;
      if (!this._ready.delete(entry)) continue;
      if (!this.alive(entry)) continue;
      const ready = entry.ready();
      if (ready === 0) continue;
      events.push({ events: ready, data: entry.data });
      if (entry.events & EPOLLONESHOT) entry.events &= EP_PRIVATE_BITS;
      else if (!(entry.events & EPOLLET)) again.push(entry);
    }
    for (const entry of again) this._ready.add(entry);
    return events;
  }

  /** Readable while a listed entry is really ready; entries that are not leave the list. */
  override poll(): number {
    this.pollSilentFiles();
    for (const entry of [...this._ready]) {
      if (!this._ready.has(entry)) continue;
      if (this.alive(entry) && entry.ready() !== 0) return POLLIN | POLLRDNORM;
      this._ready.delete(entry);
    }
    return 0;
  }

  /** Whether this instance (or one it watches, to any depth) watches `target`. */
  watches(target: EventPoll, seen = new Set<EventPoll>()): boolean {
    if (seen.has(this)) return false;
    seen.add(this);
    for (const file of this._entries.keys()) {
      if (file === target) return true;
      if (file instanceof EventPoll && file.watches(target, seen)) return true;
    }
    return false;
  }

  /** How many levels of epoll instances this one watches below it (0: none). */
  depthBelow(): number {
    let depth = 0;
    for (const file of this._entries.keys()) if (file instanceof EventPoll) depth = Math.max(depth, 1 + file.depthBelow());
    return depth;
  }

  /** How many levels of epoll instances watch this one (0: none). */
  depthAbove(): number {
    let depth = 0;
    for (const watcher of this._watchers) depth = Math.max(depth, 1 + watcher.depthAbove());
    return depth;
  }

  override release(): void {
    for (const byFd of this._entries.values()) {
      this.budget.count -= byFd.size;
      for (const entry of byFd.values()) entry.wakeups?.remove(entry);
    }
    for (const file of this._entries.keys()) if (file instanceof EventPoll) file._watchers.delete(this);
    this._entries.clear();
    this._ready.clear();
    super.release();
  }

  /** Queues `entry` if its file is ready for it now (ADD, MOD). */
  private arm(entry: InterestEntry): void {
    const ready = entry.ready();
    entry.lastMask = ready;
    if (ready !== 0) this.enqueue(entry);
  }

  /** Files that announce nothing are looked at instead: newly ready bits are an edge, any ready bit a level. */
  private pollSilentFiles(): void {
    for (const byFd of this._entries.values()) {
      for (const entry of byFd.values()) {
        if (entry.wakeups || (entry.events & ~EP_PRIVATE_BITS) === 0) continue;
        const ready = entry.ready();
        const edge = entry.events & EPOLLET ? ready & ~entry.lastMask : ready;
        entry.lastMask = ready;
        if (edge !== 0) this.enqueue(entry);
      }
    }
  }

  /** An entry lives while its open file does (any descriptor on it); a file closed for good takes its entries. */
  private alive(entry: InterestEntry): boolean {
    if (this.files.references(entry.file) > 0) return true;
    this.remove(entry);
    return false;
  }
}

/** Whether epoll can watch `file`: Linux refuses files without a poll method (EPERM). */
function pollable(file: OpenFile): boolean {
  if (isPathOnly(file)) return false;
  // tmpfs files and directories have no poll; nor have the memory devices but the random ones
  if (file instanceof RegularFile || file instanceof DirectoryFile) return false;
  if (file instanceof DeviceFile) {
    const rdev = file.inode.rdev;
    if (rdev >> 8 === 1 && rdev !== makedev(1, 8) && rdev !== makedev(1, 9)) return false;
  }
  return true;
}

/** Writes `events` as struct epoll_event records at `address`. */
function writeEvents(context: SyscallContext, address: number, events: readonly EpollEvent[]): void {
  const bytes = new Uint8Array(events.length * EPOLL_EVENT_SIZE);
  const view = new DataView(bytes.buffer);
  events.forEach((event, i) => {
    view.setUint32(i * EPOLL_EVENT_SIZE, event.events >>> 0, true);
    view.setBigUint64(i * EPOLL_EVENT_SIZE + 8, event.data, true);
  });
  context.memory.write(address, bytes);
}

/**
 * epoll_create1, epoll_ctl, epoll_pwait and epoll_pwait2 over pipes, eventfds, consoles,
 * devices and other epoll instances, with Linux's semantics: level- and edge-triggered
 * entries, EPOLLONESHOT, entries keyed by descriptor and open file that go when the file
 * is closed for good, waits on the virtual clock that a write from another thread ends,
 * and the signal mask for the wait.
 */
@injectable()
export class EpollSyscalls implements SyscallProvider {
  readonly subsystem = 'vfs';

  constructor(
    @inject(Vfs) private readonly vfs: Vfs,
    @inject(VirtualClock) private readonly clock: VirtualClock,
    @inject(WaitQueue) private readonly queue: WaitQueue,
    @inject(SignalWaits) private readonly signals: SignalWaits,
  ) {}

  syscalls(): readonly SyscallDefinition[] {
    const { vfs, clock, queue, signals } = this;
    /** The interest entries of this kernel's process, against Linux's max_user_watches. */
    const watches = new EpollWatches();

    /** The shared body of epoll_pwait and epoll_pwait2: deadline undefined waits for ever. */
    const wait = (
      context: SyscallContext,
      epfd: number,
      address: number,
      max: number,
      deadline: number | undefined,
      sigmask: number,
      sigsetSize: number,
    ) => {
      if (sigmask !== 0 && sigsetSize !== 8) return -Errno.EINVAL;
      const mask = sigmask !== 0 ? context.memory.readU64(sigmask) : undefined;
      if (max <= 0 || max > EP_MAX_EVENTS) return -Errno.EINVAL;
      const file = context.process.files.get(epfd);
      if (!file) return -Errno.EBADF;
      if (!(file instanceof EventPoll)) return -Errno.EINVAL;
      const attempt = (): number | undefined => {
        // Linux copies each event as it goes: a buffer it cannot write is EFAULT
        if (!context.memory.isAccessible(address, EPOLL_EVENT_SIZE, PERM_W) && file.poll() !== 0) return -Errno.EFAULT;
        const events = file.collect(max);
        if (events.length === 0) return undefined;
        try {
          writeEvents(context, address, events);
        } catch (error) {
          if (error instanceof MemoryFault) return -Errno.EFAULT;
          throw error;
        }
        return events.length;
      };
      const ready = attempt();
      if (ready !== undefined) return ready;
      if (deadline !== undefined && deadline <= clock.now()) return 0;
      return signals.wait(context, mask, (options) =>
        queue.block(context.thread, 'epoll_pwait with nothing ready', attempt, {
          ...options,
          ...(deadline === undefined ? {} : { deadline, timeoutResult: 0 }),
        }),
      );
    };

    return [
      defineSyscall({
        name: 'epoll_create1',
        nr: NR.epoll_create1,
        args: [uint('flags')],
        support: 'full',
        note: 'EPOLL_CLOEXEC; the instance is an anon_inode:[eventpoll] file, itself pollable',
        handler(context, flags) {
          if (flags & ~EPOLL_CLOEXEC) return -Errno.EINVAL;
          const file = new EventPoll(vfs.anonInodes.inode, vfs.services, context.process.files, watches);
          const descriptor = context.process.files.install(file, (flags & EPOLL_CLOEXEC) !== 0);
          if (descriptor === undefined) {
            file.release();
            return -Errno.EMFILE;
          }
          return descriptor;
        },
      }),
      defineSyscall({
        name: 'epoll_ctl',
        nr: NR.epoll_ctl,
        args: [fd('epfd'), int('op'), fd(), ptr('event')],
        support: 'full',
        note: 'ADD/MOD/DEL over pipes, eventfds, consoles, devices and epoll fds (EPERM for regular files and directories, ELOOP past 4 levels or in a cycle; ENOSPC past 65,536 entries in all, as max_user_watches); EPOLLET, EPOLLONESHOT, EPOLLEXCLUSIVE (ADD only; every waiter still wakes), EPOLLWAKEUP ignored; consoles, /dev/urandom and /proc files are polled at each wait (an edge is a newly ready bit)',
        handler(context, epfd, op, descriptor, eventAddress) {
          let events = 0;
          let data = 0n;
          if (op !== EPOLL_CTL_DEL) {
            events = context.memory.readU32(eventAddress);
            data = context.memory.readU64(eventAddress + 8);
          }
          const files = context.process.files;
          const file = files.get(epfd);
          if (!file) return -Errno.EBADF;
          const target = files.get(descriptor);
          if (!target) return -Errno.EBADF;
          if (!pollable(target)) return -Errno.EPERM;
          // EPOLLWAKEUP needs CAP_BLOCK_SUSPEND; without it Linux drops the bit silently
          events &= ~EPOLLWAKEUP;
          if (file === target || !(file instanceof EventPoll)) return -Errno.EINVAL;
          if (op !== EPOLL_CTL_DEL && events & EPOLLEXCLUSIVE) {
            if (op === EPOLL_CTL_MOD) return -Errno.EINVAL;
            if (op === EPOLL_CTL_ADD && (target instanceof EventPoll || events & ~EPOLLEXCLUSIVE_OK_BITS)) return -Errno.EINVAL;
          }
          if (op === EPOLL_CTL_ADD && target instanceof EventPoll) {
            if (target.watches(file)) return -Errno.ELOOP;
            if (target.depthBelow() + 1 + file.depthAbove() > EPOLL_MAX_NESTS) return -Errno.ELOOP;
          }
          const entry = file.find(descriptor, target);
          switch (op) {
            case EPOLL_CTL_ADD:
              if (entry) return -Errno.EEXIST;
              if (watches.count >= watches.limit) return -Errno.ENOSPC;
              file.add(descriptor, target, events | EPOLLERR | EPOLLHUP, data);
              queue.notify();
              return 0;
            case EPOLL_CTL_DEL:
              if (!entry) return -Errno.ENOENT;
              file.remove(entry);
              return 0;
            case EPOLL_CTL_MOD:
              if (!entry) return -Errno.ENOENT;
              if (entry.events & EPOLLEXCLUSIVE) return -Errno.EINVAL;
              file.modify(entry, events | EPOLLERR | EPOLLHUP, data);
              queue.notify();
              return 0;
            default:
              return -Errno.EINVAL;
          }
        },
      }),
      defineSyscall({
        name: 'epoll_pwait',
        nr: NR.epoll_pwait,
        args: [fd('epfd'), ptr('events'), int('maxevents'), int('timeout'), ptr('sigmask'), size('sigsetsize')],
        support: 'full',
        note: 'timeout in ms on the virtual clock (-1: none); blocks until an entry is ready, a handled signal arrives (EINTR) or the timeout passes; sigmask is the mask during the wait',
        handler(context, epfd, events, max, timeout, sigmask, sigsetSize) {
          const deadline = timeout < 0 ? undefined : clock.now() + timeout * 1_000_000;
          return wait(context, epfd, events, max, deadline, sigmask, sigsetSize);
        },
      }),
      defineSyscall({
        name: 'epoll_pwait2',
        nr: NR.epoll_pwait2,
        args: [fd('epfd'), ptr('events'), int('maxevents'), ptr('timeout'), ptr('sigmask'), size('sigsetsize')],
        support: 'full',
        note: 'as epoll_pwait with a struct timespec timeout (NULL: none)',
        handler(context, epfd, events, max, timeout, sigmask, sigsetSize) {
          let deadline: number | undefined;
          if (timeout !== 0) {
            const ns = readTimespec(context, timeout);
            if (typeof ns === 'number') return ns;
            deadline = clock.now() + Number(ns);
          }
          return wait(context, epfd, events, max, deadline, sigmask, sigsetSize);
        },
      }),
    ];
  }
}

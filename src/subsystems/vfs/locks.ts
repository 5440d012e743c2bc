import { injectable } from 'inversify';
import { F_RDLCK, F_UNLCK, F_WRLCK } from './constants.js';
import type { Inode } from './inode.js';

/**
 * Who holds a lock: the process, for classic POSIX record locks (F_SETLK), or an open
 * file description, for OFD locks (F_OFD_SETLK) and flock. Locks of the same owner
 * never conflict with each other; those of different owners do.
 */
export type LockOwner = object;

/** One held byte-range lock; `end` is inclusive, Infinity for "to the end of the file, however far". */
export interface RecordLock {
  readonly owner: LockOwner;
  readonly type: typeof F_RDLCK | typeof F_WRLCK;
  readonly start: number;
  readonly end: number;
  /** l_pid F_GETLK reports: the pid for POSIX locks, -1 for OFD locks. */
  readonly pid: number;
}

export type FlockMode = 'shared' | 'exclusive';

interface InodeLocks {
  records: RecordLock[];
  readonly flocks: Map<LockOwner, FlockMode>;
}

/**
 * The most record locks a run may hold (each split range is one): a guest cannot make
 * the host hold an unbounded number of them, and each fcntl costs at most this much work.
 */
export const MAX_RECORD_LOCKS = 4096;

/**
 * Advisory locks, per inode: POSIX/OFD byte-range record locks (fcntl) and whole-file
 * flock locks, which Linux keeps apart. Setting a range replaces the owner's locks there,
 * splitting and merging ranges as Linux does. Nothing here blocks: callers wait on the
 * WaitQueue until `conflict` clears.
 */
@injectable()
export class LockTable {
  private readonly _byInode = new Map<Inode, InodeLocks>();
  /** Record locks held on every inode together. */
  private _records = 0;

  /** The first lock of another owner that overlaps [start, end] and conflicts with `type`, if any. */
  conflict(inode: Inode, owner: LockOwner, type: number, start: number, end: number): RecordLock | undefined {
    for (const lock of this._byInode.get(inode)?.records ?? []) {
      if (lock.owner === owner || lock.end < start || lock.start > end) continue;
      if (type === F_WRLCK || lock.type === F_WRLCK) return lock;
    }
    return undefined;
  }

  /**
   * Sets (F_RDLCK/F_WRLCK) or clears (F_UNLCK) `owner`'s lock on [start, end]. False, with
   * nothing changed, when the result would hold more than MAX_RECORD_LOCKS locks in all
   * (the caller answers ENOLCK, as Linux does when it cannot allocate a lock).
   */
  set(inode: Inode, owner: LockOwner, type: number, start: number, end: number, pid: number): boolean {
    const locks = this.locksOf(inode);
    const kept: RecordLock[] = [];
    for (const lock of locks.records) {
      if (lock.owner !== owner || lock.end < start || lock.start > end) {
        if (lock.owner === owner) kept.push(lock);
        continue;
      }
      if (lock.start < start) kept.push({ ...lock, end: start - 1 });
      if (lock.end > end) kept.push({ ...lock, start: end + 1 });
    }
    if (type !== F_UNLCK) kept.push({ owner, type: type as RecordLock['type'], start, end, pid });
    kept.sort((a, b) => a.start - b.start);
    const merged: RecordLock[] = [];
    for (const lock of kept) {
      const last = merged[merged.length - 1];
      if (last && last.type === lock.type && last.end + 1 >= lock.start) {
        merged[merged.length - 1] = { ...last, end: Math.max(last.end, lock.end) };
      } else {
        merged.push(lock);
      }
    }
    const records = [...locks.records.filter((lock) => lock.owner !== owner), ...merged];
    const total = this._records - locks.records.length + records.length;
    if (total > MAX_RECORD_LOCKS && total > this._records) {
      this.prune(inode, locks);
      return false;
    }
    this._records = total;
    locks.records = records;
    this.prune(inode, locks);
    return true;
  }

  /** `owner`'s record locks on `inode`, in range order (for tests and F_GETLK). */
  held(inode: Inode, owner?: LockOwner): readonly RecordLock[] {
    const records = this._byInode.get(inode)?.records ?? [];
    return records.filter((lock) => owner === undefined || lock.owner === owner).sort((a, b) => a.start - b.start);
  }

  /** Drops every record lock `owner` holds on `inode` (a POSIX lock holder closed a descriptor of the file). */
  releaseRecords(inode: Inode, owner: LockOwner): boolean {
    const locks = this._byInode.get(inode);
    if (!locks) return false;
    const before = locks.records.length;
    locks.records = locks.records.filter((lock) => lock.owner !== owner);
    this._records -= before - locks.records.length;
    this.prune(inode, locks);
    return locks.records.length !== before;
  }

  /** Whether `owner` could take a flock of `mode` now. */
  flockConflict(inode: Inode, owner: LockOwner, mode: FlockMode): boolean {
    for (const [holder, held] of this._byInode.get(inode)?.flocks ?? []) {
      if (holder !== owner && (mode === 'exclusive' || held === 'exclusive')) return true;
    }
    return false;
  }

  setFlock(inode: Inode, owner: LockOwner, mode: FlockMode | undefined): void {
    const locks = this.locksOf(inode);
    if (mode) locks.flocks.set(owner, mode);
    else locks.flocks.delete(owner);
    this.prune(inode, locks);
  }

  /** Everything an open file description held (it was released): OFD record locks and its flock. */
  releaseOwner(inode: Inode, owner: LockOwner): boolean {
    const locks = this._byInode.get(inode);
    if (!locks) return false;
    const hadFlock = locks.flocks.delete(owner);
    return this.releaseRecords(inode, owner) || hadFlock;
  }

  private locksOf(inode: Inode): InodeLocks {
    let locks = this._byInode.get(inode);
    if (!locks) {
      locks = { records: [], flocks: new Map() };
      this._byInode.set(inode, locks);
    }
    return locks;
  }

  private prune(inode: Inode, locks: InodeLocks): void {
    if (locks.records.length === 0 && locks.flocks.size === 0) this._byInode.delete(inode);
  }
}

import { Errno } from '../../kernel/errno.js';
import { MAX_SYMLINKS, NAME_MAX } from './constants.js';
import { DirectoryInode, MagicLinkInode, SymlinkInode, type Inode } from './inode.js';
import type { OpenFile } from '../../kernel/contracts/device.js';

/** A path split at its last component: the directory it is in and the name (for create, unlink, rename). */
export interface ParentLookup {
  readonly dir: DirectoryInode;
  /** The last component: a name, "." or "..", or "" when the path is the root ("/"). */
  readonly name: string;
  /** The path ended in "/": the result must be a directory. */
  readonly trailingSlash: boolean;
}

/** Symlinks one lookup may still follow (shared by the walk and every link it follows). */
export interface LinkBudget {
  left: number;
}

export const newBudget = (): LinkBudget => ({ left: MAX_SYMLINKS });

/** What a lookup ends on: an inode, or (through /proc/self/fd) an open file that has none. */
export type LookupResult = Inode | OpenFile;

export const isInode = (value: unknown): value is Inode => typeof value === 'object' && value !== null && 'fs' in value && 'ino' in value;

/**
 * The mount tree and path resolution, as Linux's namei does it: component by component
 * from the root or a start directory, "." and ".." (".." at the root stays there, and
 * climbs out of a mounted file system through its mount point), mounts entered as they
 * are reached, symlinks followed inside the tree with one budget of MAX_SYMLINKS per
 * lookup (ELOOP past it), ENAMETOOLONG for a component over NAME_MAX, ENOTDIR for a
 * file used as a directory. Nothing here touches a host: host-backed directories are
 * only asked for entries by name.
 */
export class MountTree {
  constructor(readonly root: DirectoryInode) {}

  /** Stacks `fsRoot` on `at`: from now on, reaching `at` lands on `fsRoot`. */
  mount(fsRoot: DirectoryInode, at: DirectoryInode): void {
    const top = this.enter(at);
    top.mountedHere = fsRoot;
    fsRoot.mountpoint = top;
    fsRoot.parent = fsRoot;
  }

  /** The directory a lookup lands on at `dir`: the top of any mounts stacked there. */
  enter(dir: DirectoryInode): DirectoryInode {
    let top = dir;
    while (top.mountedHere) top = top.mountedHere;
    return top;
  }

  /** "..": the parent, across mount points; the root's parent is the root. */
  parent(dir: DirectoryInode): DirectoryInode {
    let at = dir;
    while (at !== this.root && at.mountpoint) at = at.mountpoint;
    if (at === this.root || at.parent === at) return this.root;
    return this.enter(at.parent);
  }

  /** Whether a directory is in use as a mount point or a mounted root (EBUSY for rmdir and rename). */
  isMountBoundary(dir: DirectoryInode): boolean {
    return dir.mountedHere !== undefined || dir.mountpoint !== undefined || dir === this.root;
  }

  /** The absolute path of a directory (getcwd), or undefined when it was removed. */
  pathOf(dir: DirectoryInode): string | undefined {
    const names: string[] = [];
    let at = dir;
    for (let depth = 0; depth < 4096; depth++) {
      while (at !== this.root && at.mountpoint) at = at.mountpoint;
      if (at === this.root) return '/' + names.reverse().join('/');
      if (at.removed || at.parent === at) return undefined;
      names.push(at.name);
      at = at.parent;
    }
    return undefined;
  }

  /**
   * Walks all but the last component of `path` from `start` (or the root for an
   * absolute path). Symlinks in the walked part are always followed.
   */
  walk(start: DirectoryInode, path: string, budget: LinkBudget): ParentLookup | number {
    let dir = path.startsWith('/') ? this.root : start;
    const parts = path.split('/');
    let last = parts.length - 1;
    while (last >= 0 && parts[last] === '') last--;
    if (last < 0) return { dir, name: path.startsWith('/') ? '' : '.', trailingSlash: false };
    for (let i = 0; i < last; i++) {
      const name = parts[i]!;
      if (name === '' || name === '.') continue;
      if (name.length > NAME_MAX) return -Errno.ENAMETOOLONG;
      if (name === '..') {
        dir = this.parent(dir);
        continue;
      }
      if (dir.removed) return -Errno.ENOENT;
      const child = dir.lookup(name);
      if (!child) return -Errno.ENOENT;
      const next = this.follow(dir, child, budget);
      if (typeof next === 'number') return next;
      if (!(next instanceof DirectoryInode)) return -Errno.ENOTDIR;
      dir = next;
    }
    const name = parts[last]!;
    if (name.length > NAME_MAX) return -Errno.ENAMETOOLONG;
    return { dir, name, trailingSlash: last < parts.length - 1 };
  }

  /**
   * The last step: what `lookup.name` names in `lookup.dir`. Undefined when there is no
   * such entry (the caller may create it). A final symlink is followed when `follow` is
   * set or the path ended in "/".
   */
  final(lookup: ParentLookup, follow: boolean, budget: LinkBudget): LookupResult | undefined | number {
    const { dir, name, trailingSlash } = lookup;
    let node: LookupResult;
    if (name === '' || name === '.') node = dir;
    else if (name === '..') node = this.parent(dir);
    else {
      if (dir.removed) return -Errno.ENOENT;
      const child = dir.lookup(name);
      if (!child) return undefined;
      if (child instanceof SymlinkInode && (follow || trailingSlash)) {
        const target = this.follow(dir, child, budget);
        if (typeof target === 'number') return target;
        node = target;
      } else {
        node = child instanceof DirectoryInode ? this.enter(child) : child;
      }
    }
    if (trailingSlash && !(node instanceof DirectoryInode)) return -Errno.ENOTDIR;
    return node;
  }

  /** Resolves a whole path to what it names; ENOENT when it does not exist. */
  lookup(start: DirectoryInode, path: string, follow: boolean, budget = newBudget()): LookupResult | number {
    if (path === '') return -Errno.ENOENT;
    const parent = this.walk(start, path, budget);
    if (typeof parent === 'number') return parent;
    const node = this.final(parent, follow, budget);
    return node === undefined ? -Errno.ENOENT : node;
  }

  /**
   * Follows `node` while it is a symlink (relative targets from `dir`, where the link
   * sits); returns what it finally names, with mounts entered.
   */
  follow(dir: DirectoryInode, node: Inode, budget: LinkBudget): LookupResult | number {
    if (node instanceof DirectoryInode) return this.enter(node);
    if (!(node instanceof SymlinkInode)) return node;
    if (--budget.left < 0) return -Errno.ELOOP;
    if (node instanceof MagicLinkInode) {
      const target = node.resolve();
      if (typeof target === 'number') return target;
      return isInode(target) && target instanceof SymlinkInode ? this.follow(dir, target, budget) : target;
    }
    const target = node.target;
    if (target === '') return -Errno.ENOENT;
    const parent = this.walk(dir, target, budget);
    if (typeof parent === 'number') return parent;
    const result = this.final(parent, true, budget);
    return result === undefined ? -Errno.ENOENT : result;
  }
}

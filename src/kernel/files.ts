import type { OpenFile } from './contracts/device.js';

/** One slot of the fd table: the open file and the per-descriptor close-on-exec flag. */
export interface FileDescriptor {
  readonly file: OpenFile;
  cloexec: boolean;
}

/**
 * The process's file-descriptor table, shared by its threads. The lowest free fd is
 * reused, as in Linux. An open file may sit in several slots (dup); it is released when
 * the last of them closes, which is how a pipe learns its reader or writer is gone.
 */
export class FileTable {
  /** RLIMIT_NOFILE. */
  static readonly DEFAULT_LIMIT = 1024;
  readonly #slots: (FileDescriptor | undefined)[] = [];
  readonly #references = new Map<OpenFile, number>();

  constructor(readonly limit = FileTable.DEFAULT_LIMIT) {}

  get(fd: number): OpenFile | undefined {
    return fd >= 0 ? this.#slots[fd]?.file : undefined;
  }

  descriptor(fd: number): FileDescriptor | undefined {
    return fd >= 0 ? this.#slots[fd] : undefined;
  }

  /** Installs at the lowest free fd ≥ `minimum`; returns the fd, or undefined when the table is full (EMFILE). */
  install(file: OpenFile, cloexec = false, minimum = 0): number | undefined {
    for (let fd = Math.max(0, minimum); fd < this.limit; fd++) {
      if (this.#slots[fd] === undefined) {
        this.#slots[fd] = { file, cloexec };
        this.reference(file);
        return fd;
      }
    }
    return undefined;
  }

  /** Puts `file` at exactly `fd`, closing what was there (dup2/dup3, and fds 0–2 at boot). */
  installAt(fd: number, file: OpenFile, cloexec = false): void {
    const previous = this.#slots[fd];
    this.#slots[fd] = { file, cloexec };
    this.reference(file);
    if (previous) this.unreference(previous.file);
  }

  close(fd: number): boolean {
    const slot = fd >= 0 ? this.#slots[fd] : undefined;
    if (slot === undefined) return false;
    this.#slots[fd] = undefined;
    this.unreference(slot.file);
    return true;
  }

  /** The open fds in ascending order. */
  openDescriptors(): number[] {
    const fds: number[] = [];
    this.#slots.forEach((slot, fd) => slot && fds.push(fd));
    return fds;
  }

  /** How many descriptors refer to `file`. */
  references(file: OpenFile): number {
    return this.#references.get(file) ?? 0;
  }

  private reference(file: OpenFile): void {
    this.#references.set(file, (this.#references.get(file) ?? 0) + 1);
  }

  private unreference(file: OpenFile): void {
    const left = (this.#references.get(file) ?? 1) - 1;
    if (left > 0) {
      this.#references.set(file, left);
      return;
    }
    this.#references.delete(file);
    file.release?.();
  }
}

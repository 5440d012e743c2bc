import type { OpenFile } from './contracts/device.js';

/** One slot of the fd table: the open file and the per-descriptor close-on-exec flag. */
export interface FileDescriptor {
  readonly file: OpenFile;
  cloexec: boolean;
}

/** The process's file-descriptor table, shared by its threads. The lowest free fd is reused, as in Linux. */
export class FileTable {
  /** RLIMIT_NOFILE. */
  static readonly DEFAULT_LIMIT = 1024;
  readonly #slots: (FileDescriptor | undefined)[] = [];

  constructor(readonly limit = FileTable.DEFAULT_LIMIT) {}

  get(fd: number): OpenFile | undefined {
    return fd >= 0 ? this.#slots[fd]?.file : undefined;
  }

  descriptor(fd: number): FileDescriptor | undefined {
    return fd >= 0 ? this.#slots[fd] : undefined;
  }

  /** Installs at the lowest free fd ≥ `minimum`; returns the fd, or undefined when the table is full (EMFILE). */
  install(file: OpenFile, cloexec = false, minimum = 0): number | undefined {
    for (let fd = minimum; fd < this.limit; fd++) {
      if (this.#slots[fd] === undefined) {
        this.#slots[fd] = { file, cloexec };
        return fd;
      }
    }
    return undefined;
  }

  /** Puts `file` at exactly `fd`, replacing what was there (dup2/dup3, and fds 0–2 at boot). */
  installAt(fd: number, file: OpenFile, cloexec = false): void {
    this.#slots[fd] = { file, cloexec };
  }

  close(fd: number): boolean {
    if (this.#slots[fd] === undefined) return false;
    this.#slots[fd] = undefined;
    return true;
  }

  /** The open fds in ascending order. */
  openDescriptors(): number[] {
    const fds: number[] = [];
    this.#slots.forEach((slot, fd) => slot && fds.push(fd));
    return fds;
  }
}

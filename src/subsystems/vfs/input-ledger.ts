import { injectable } from 'inversify';
import type { SyscallContext } from '../../kernel/contracts/syscall.js';
import { toDisplay } from './hostfs.js';
import type { RegularInode } from './inode.js';

/** One committed input as --stats reports it. */
export interface InputRecord {
  /** The guest path it was first read through ("stdin" for the --stdin file). */
  readonly path: string;
  readonly hostPath: string;
  /** Size of the whole file as loaded. */
  readonly size: number;
  /** SHA-256 of the whole file as loaded, hex. */
  readonly sha256: string;
  /** Bytes the guest read from it (reads, preads, mmaps), repeats included. */
  readonly bytesRead: number;
}

/**
 * Every host-backed file the guest actually read: in a proof, these bytes are committed
 * input, so each is hashed (when loaded) and reported once as an `input-read` event, in
 * the order the guest first read them.
 */
@injectable()
export class InputLedger {
  private readonly _records = new Map<RegularInode, { -readonly [K in keyof InputRecord]: InputRecord[K] }>();

  /** The guest read `bytes` bytes of `file` (whose contents are loaded) through `path`. */
  read(context: SyscallContext, file: RegularInode, path: string, bytes: number): void {
    const origin = file.input;
    if (!origin) return;
    let record = this._records.get(file);
    if (!record) {
      record = {
        path: toDisplay(path),
        hostPath: toDisplay(origin.hostPath),
        size: origin.loadedSize ?? file.size,
        sha256: origin.sha256 ?? '',
        bytesRead: 0,
      };
      this._records.set(file, record);
      context.events.emitInputRead({
        instret: context.hart.instret,
        tid: context.thread.tid,
        path: record.path,
        hostPath: record.hostPath,
        size: record.size,
        sha256: record.sha256,
      });
    }
    record.bytesRead += bytes;
  }

  inputs(): readonly InputRecord[] {
    return [...this._records.values()].map((record) => ({ ...record }));
  }
}

/**
 * Reads an instruction trace (format.ts, docs/itrace.md) record by record, streaming: a
 * fixed window of the file is in memory, whatever its size. The header is checked when the
 * trace is opened; the records, the trailer's count and its SHA-256 as they are read. A
 * file that is not a trace, a version this reader does not know, a truncated or corrupt
 * trace: each an ItraceFormatError naming the path and what is wrong (records already
 * yielded stay valid).
 *
 *   const trace = ItraceReader.open('run.itrace');
 *   for (const r of trace) console.log(r.index, r.pc.toString(16));
 *   trace.trailer; // { stop: 'end', count, sha256 }
 */
import { sha256 as sha256Hash } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { closeSync, openSync, readSync } from 'node:fs';
import { HostFileError } from '../../subsystems/vfs/errors.js';
import {
  HEADER_FIXED_SIZE,
  ITRACE_MAGIC,
  ITRACE_VERSION,
  ItraceFormatError,
  type ItraceHeader,
  type ItraceRecord,
  type ItraceTrailer,
  PAYLOAD_NONE,
  PAYLOAD_VALUE,
  STOP_NAMES,
  TAG_HALF,
  TAG_PAYLOAD_MASK,
  TAG_PC,
  TAG_RESERVED,
  TAG_TID,
  TAG_TRAILER,
  unzigzag64,
} from './format.js';

/** Where a trace's bytes come from: `read` fills `buffer` from `offset` and returns how many it gave (0 at the end). */
export interface ItraceSource {
  read(buffer: Uint8Array, offset: number, length: number): number;
  close?(): void;
}

/** A trace held in memory as a source. */
export function bytesSource(bytes: Uint8Array): ItraceSource {
  let at = 0;
  return {
    read(buffer, offset, length) {
      const n = Math.min(length, bytes.length - at);
      buffer.set(bytes.subarray(at, at + n), offset);
      at += n;
      return n;
    },
  };
}

function fileSource(path: string): ItraceSource {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new HostFileError(path, 'read the instruction trace', error);
  }
  return {
    read(buffer, offset, length) {
      try {
        return readSync(fd, buffer, offset, length, null);
      } catch (error) {
        throw new HostFileError(path, 'read the instruction trace', error);
      }
    },
    close() {
      closeSync(fd);
    },
  };
}

const WINDOW = 1 << 20;
const TWO64 = 1n << 64n;

/** A trace opened for reading: its header, then its records (iterate once), then its trailer. */
export class ItraceReader implements Iterable<ItraceRecord> {
  readonly header: ItraceHeader;
  /** Set once the records have been read to the end. */
  trailer: ItraceTrailer | undefined;

  readonly #name: string;
  readonly #source: ItraceSource;
  readonly #buffer = new Uint8Array(WINDOW);
  readonly #hash = sha256Hash.create();
  #pos = 0;
  #end = 0;
  #hashed = 0;
  #eof = false;
  #iterated = false;
  #closed = false;

  /** Opens the trace at `path` and reads its header. */
  static open(path: string): ItraceReader {
    return new ItraceReader(fileSource(path), path);
  }

  /** A trace in memory (`name` is what errors call it). */
  static fromBytes(bytes: Uint8Array, name = 'the trace'): ItraceReader {
    return new ItraceReader(bytesSource(bytes), name);
  }

  constructor(source: ItraceSource, name: string) {
    this.#source = source;
    this.#name = name;
    try {
      this.header = this.#readHeader();
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** Releases the file (done by itself once the records are read, or on an error). */
  close(): void {
    this.#eof = true;
    if (this.#closed) return;
    this.#closed = true;
    this.#source.close?.();
  }

  /** Reads every record and returns the trailer (for a count or a check of the whole file). */
  verify(): ItraceTrailer {
    for (const _ of this) {
      // Reading is checking.
    }
    return this.trailer!;
  }

  *[Symbol.iterator](): Iterator<ItraceRecord> {
    if (this.#iterated) throw new RangeError('an ItraceReader yields its records once');
    this.#iterated = true;
    try {
      yield* this.#records();
    } finally {
      this.close();
    }
  }

  *#records(): Generator<ItraceRecord> {
    let index = this.header.firstIndex;
    let n = 0;
    let tid = -1;
    let nextPc = 0;
    let lastAddress = 0n;
    const buffer = this.#buffer;
    for (;;) {
      // The largest record, or whatever is left.
      this.#ensure(32);
      if (this.#pos >= this.#end) throw this.#error(`it ends after ${n} records without a trailer (truncated)`);
      const tag = buffer[this.#pos++]!;
      if (tag === TAG_TRAILER) {
        this.trailer = this.#readTrailer(n);
        return;
      }
      if ((tag & (TAG_RESERVED | TAG_TRAILER)) !== 0) throw this.#error(`record ${n} has the tag 0x${tag.toString(16)} (reserved bits set)`);
      const payload = tag & TAG_PAYLOAD_MASK;
      if (payload === 3) throw this.#error(`record ${n} has payload kind 3 (reserved)`);
      if ((tag & TAG_TID) !== 0) tid = this.#varint(n, 5);
      else if (tid < 0) throw this.#error('the first record does not name its thread');
      const pc = (tag & TAG_PC) !== 0 ? nextPc + unzigzag(this.#varint(n, 8)) : nextPc;
      const half = (tag & TAG_HALF) !== 0;
      const length = half ? 2 : 4;
      if (this.#end - this.#pos < length) throw this.#error(`it ends inside record ${n} (truncated)`);
      const p = this.#pos;
      const bits = half ? buffer[p]! | (buffer[p + 1]! << 8) : (buffer[p]! | (buffer[p + 1]! << 8) | (buffer[p + 2]! << 16) | (buffer[p + 3]! << 24)) >>> 0;
      this.#pos += length;
      if (half ? (bits & 3) === 3 : (bits & 3) !== 3) throw this.#error(`record ${n}'s word 0x${bits.toString(16)} is not a ${half ? '16' : '32'}-bit instruction`);
      nextPc = pc + length;
      let record: ItraceRecord;
      if (payload === PAYLOAD_NONE) record = { index, tid, pc, bits, length };
      else if (payload === PAYLOAD_VALUE) record = { index, tid, pc, bits, length, value: BigInt.asUintN(64, unzigzag64(this.#varint64(n))) };
      else {
        lastAddress = (lastAddress + unzigzag64(this.#varint64(n)) + TWO64) % TWO64;
        record = { index, tid, pc, bits, length, address: lastAddress };
      }
      index++;
      n++;
      yield record;
    }
  }

  #readHeader(): ItraceHeader {
    this.#ensure(HEADER_FIXED_SIZE);
    const b = this.#buffer;
    if (this.#end < ITRACE_MAGIC.length || ITRACE_MAGIC.some((m, i) => b[i] !== m)) throw this.#error('it does not start with the trace magic');
    if (this.#end < HEADER_FIXED_SIZE) throw this.#error('its header is truncated');
    const view = new DataView(b.buffer, 0, HEADER_FIXED_SIZE);
    const version = view.getUint16(8, true);
    if (version !== ITRACE_VERSION) throw this.#error(`it is version ${version}; this ZeroOS reads version ${ITRACE_VERSION}`);
    const headerLength = view.getUint16(10, true);
    const flags = view.getUint32(12, true);
    if (flags !== 0) throw this.#error(`its header has flags 0x${flags.toString(16)}, unknown to version ${ITRACE_VERSION}`);
    const executableSha256 = Buffer.from(b.subarray(16, 48)).toString('hex');
    const firstIndex = view.getBigUint64(48, true);
    if (firstIndex > BigInt(Number.MAX_SAFE_INTEGER)) throw this.#error(`its first index ${firstIndex} is out of range`);
    const isaLength = b[56]!;
    if (headerLength < HEADER_FIXED_SIZE + isaLength) throw this.#error(`its header length ${headerLength} is too short for its fields`);
    this.#ensure(headerLength);
    if (this.#end < headerLength) throw this.#error('its header is truncated');
    const isa = new TextDecoder().decode(b.subarray(HEADER_FIXED_SIZE, HEADER_FIXED_SIZE + isaLength));
    // Fields a later writer of this version appended to the header are skipped.
    this.#pos = headerLength;
    return { version, executableSha256, firstIndex: Number(firstIndex), isa };
  }

  #readTrailer(records: number): ItraceTrailer {
    this.#ensure(1 + 10 + 32);
    if (this.#pos >= this.#end) throw this.#error('its trailer is truncated');
    const code = this.#buffer[this.#pos++]!;
    const stop = STOP_NAMES[code];
    if (stop === undefined) throw this.#error(`its trailer gives the unknown stop code ${code}`);
    const count = this.#varint(records, 8);
    if (count !== records) throw this.#error(`its trailer counts ${count} records, but it holds ${records}`);
    this.#hashUpTo(this.#pos);
    const sha256 = bytesToHex(this.#hash.digest());
    if (this.#end - this.#pos < 32) throw this.#error('its checksum is truncated');
    const stored = Buffer.from(this.#buffer.subarray(this.#pos, this.#pos + 32)).toString('hex');
    this.#pos += 32;
    if (stored !== sha256) throw this.#error(`its checksum is ${stored.slice(0, 16)}…, but its bytes hash to ${sha256.slice(0, 16)}… (corrupt)`);
    this.#ensure(1);
    if (this.#pos < this.#end) throw this.#error('bytes follow its trailer');
    return { stop, count, sha256 };
  }

  /** An unsigned varint of at most `maxBytes` bytes, as a number. */
  #varint(record: number, maxBytes: number): number {
    const b = this.#buffer;
    let n = 0;
    let scale = 1;
    for (let i = 0; i < maxBytes; i++) {
      if (this.#pos >= this.#end) throw this.#error(`it ends inside record ${record} (truncated)`);
      const byte = b[this.#pos++]!;
      n += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return n;
      scale *= 0x80;
    }
    throw this.#error(`record ${record} has a varint longer than ${maxBytes} bytes`);
  }

  /** An unsigned varint of at most 64 bits, as a bigint. */
  #varint64(record: number): bigint {
    const b = this.#buffer;
    let n = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.#pos >= this.#end) throw this.#error(`it ends inside record ${record} (truncated)`);
      const byte = b[this.#pos++]!;
      n |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) {
        if (n >= TWO64) throw this.#error(`record ${record} has a value beyond 64 bits`);
        return n;
      }
      shift += 7n;
    }
    throw this.#error(`record ${record} has a varint longer than 10 bytes`);
  }

  /** At least `n` bytes from #pos in the window, unless the source ends first. */
  #ensure(n: number): void {
    if (this.#end - this.#pos >= n || this.#eof) return;
    this.#hashUpTo(this.#pos);
    const b = this.#buffer;
    b.copyWithin(0, this.#pos, this.#end);
    this.#end -= this.#pos;
    this.#hashed -= this.#pos;
    this.#pos = 0;
    while (this.#end < b.length) {
      const got = this.#source.read(b, this.#end, b.length - this.#end);
      if (got === 0) {
        this.#eof = true;
        break;
      }
      this.#end += got;
      if (this.#end - this.#pos >= n) break;
    }
  }

  #hashUpTo(pos: number): void {
    if (pos > this.#hashed) {
      this.#hash.update(this.#buffer.subarray(this.#hashed, pos));
      this.#hashed = pos;
    }
  }

  #error(detail: string): ItraceFormatError {
    return new ItraceFormatError(this.#name, detail);
  }
}

function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/** Reads every record of the trace at `path` (a generator: constant memory). */
export function* readItrace(path: string): Generator<ItraceRecord, ItraceTrailer> {
  const reader = ItraceReader.open(path);
  yield* reader;
  return reader.trailer!;
}

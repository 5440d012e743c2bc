/**
 * The instruction-trace writer: an InstructionObserver that encodes every retired
 * instruction of a chosen range as a record of the v1 format (format.ts) into a fixed
 * buffer, handed to a sink each time it fills: memory stays constant however long the run.
 *
 * Attach it with `hart.addObserver(writer)` only when a trace is wanted: an unobserved hart
 * runs its ordinary code, so tracing costs nothing when off. Once tracing has stopped (the
 * range's end, the limit) the observer returns at once; it stays attached (a tier must not
 * change observers in the middle of a run), so the rest of the run goes at the speed of an
 * observed run.
 */
import { sha256 as sha256Hash } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { closeSync, openSync, writeSync } from 'node:fs';
import { INFO_COMPRESSED, type IsaRegistry, SINK } from '../../arch/riscv64/isa/registry.js';
import type { Format } from '../../arch/riscv64/isa/types.js';
import type { InstructionObserver } from '../../arch/riscv64/observer.js';
import type { Hart } from '../../arch/riscv64/types.js';
import { HostFileError } from '../../subsystems/vfs/errors.js';
import {
  encodeHeader,
  isaString,
  MAX_RECORD_SIZE,
  PAYLOAD_ADDRESS,
  PAYLOAD_NONE,
  PAYLOAD_VALUE,
  putVarint,
  putZigzag,
  putZigzag64,
  STOP_CODES,
  TAG_HALF,
  TAG_PC,
  TAG_TID,
  TAG_TRAILER,
  type ItraceStop,
} from './format.js';

/** Where a trace's bytes go, in order. */
export interface ItraceSink {
  /** Takes `chunk` (only valid during the call). Throws when the bytes cannot be kept. */
  write(chunk: Uint8Array): void;
  /** No more bytes come. */
  close?(): void;
}

/** A host file as a sink (created or truncated; written with writeSync, so nothing waits in memory). */
export class FileSink implements ItraceSink {
  readonly #fd: number;
  constructor(readonly path: string) {
    try {
      this.#fd = openSync(path, 'w');
    } catch (error) {
      throw new HostFileError(path, 'create the instruction trace', error);
    }
  }
  write(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      try {
        at += writeSync(this.#fd, chunk, at, chunk.length - at);
      } catch (error) {
        throw new HostFileError(this.path, 'write the instruction trace', error);
      }
    }
  }
  close(): void {
    try {
      closeSync(this.#fd);
    } catch (error) {
      throw new HostFileError(this.path, 'close the instruction trace', error);
    }
  }
}

/** The registers an observer reads: the hart's int32 (lo, hi) pairs, when it exposes them. */
interface RegisterFile {
  readonly x: Int32Array;
}

export interface ItraceWriterOptions {
  /** The hart whose retired instructions are traced (its ISA and registers). */
  readonly hart: Hart;
  readonly sink: ItraceSink;
  /** SHA-256 of the executable, lowercase hex (the header records it). */
  readonly executableSha256: string;
  /** Retired-instruction indices to trace: [start, end) (default everything). */
  readonly start?: number;
  readonly end?: number;
  /** Most records (default Infinity); past it tracing stops, the run goes on. */
  readonly limit?: number;
  /** The thread that runs first (default 1: the main thread). */
  readonly tid?: number;
  /** Bytes buffered before the sink gets them (default 1 MiB). */
  readonly bufferSize?: number;
  /** Called once when tracing stops before the run ends (the range's end, the limit, a sink failure). */
  readonly onStop?: (stop: ItraceStop | 'failed', writer: ItraceWriter) => void;
}

const ACTIVE = 0;
const STOPPED = 1;
const CLOSED = 2;

/** Which formats name a destination register (the record then carries its value). */
const HAS_RD: Readonly<Record<Format, boolean>> = { R: true, I: true, S: false, B: false, U: true, J: true, shamt: true, shamtw: true, csr: true, csri: true, none: false };

/**
 * What each op's record carries: the value of rd after it (every instruction whose format
 * names a destination, x0 excepted), a store's address (format S), or nothing. F/D
 * instructions whose destination is an f register (everything but compares, fclass,
 * fmv.x and fcvt to integers) carry nothing: rd names no x register there.
 */
export function payloadKinds(isa: IsaRegistry): Uint8Array {
  const kinds = new Uint8Array(128);
  for (const r of isa.instructions) {
    const format = r.def.format;
    const fDestination = (r.extension === 'f' || r.extension === 'd') && r.def.writesRd !== true;
    kinds[r.id] = format === 'S' ? PAYLOAD_ADDRESS : HAS_RD[format] && !fDestination ? PAYLOAD_VALUE : PAYLOAD_NONE;
  }
  return kinds;
}

/** Writes an instruction trace (see the module comment). */
export class ItraceWriter implements InstructionObserver {
  /** Records written so far. */
  count = 0;
  /** Bytes given to the sink so far, trailer included once closed. */
  bytes = 0;
  /** Why tracing stopped (undefined while it goes on). */
  stop: ItraceStop | undefined;
  /** The sink's failure, when it failed (tracing then stopped). */
  failure: unknown;
  /** The trace's SHA-256 (lowercase hex), once closed. */
  sha256: string | undefined;
  readonly start: number;
  readonly end: number;
  readonly limit: number;

  readonly #sink: ItraceSink;
  readonly #hash = sha256Hash.create();
  readonly #buffer: Uint8Array;
  readonly #flushAt: number;
  readonly #kinds: Uint8Array;
  readonly #registers: (field: number) => Int32Array;
  readonly #onStop: ItraceWriterOptions['onStop'];
  #state = ACTIVE;
  #pos = 0;
  /** The next instruction's index in the run. */
  #index = 0;
  #tid: number;
  #writtenTid = -1;
  #nextPc = 0;
  #lastLo = 0;
  #lastHi = 0;

  constructor(options: ItraceWriterOptions) {
    this.start = options.start ?? 0;
    this.end = options.end ?? Infinity;
    this.limit = options.limit ?? Infinity;
    if (!(Number.isSafeInteger(this.start) && this.start >= 0)) throw new RangeError(`the trace's start must be a non-negative integer, got ${this.start}`);
    if (!(this.end >= this.start)) throw new RangeError(`the trace's end (${this.end}) is before its start (${this.start})`);
    if (!(this.limit >= 0)) throw new RangeError(`the trace's limit must be non-negative, got ${this.limit}`);
    const size = options.bufferSize ?? 1 << 20;
    if (!(Number.isInteger(size) && size >= 4 * MAX_RECORD_SIZE)) throw new RangeError(`the trace buffer must hold at least ${4 * MAX_RECORD_SIZE} bytes`);
    this.#sink = options.sink;
    this.#buffer = new Uint8Array(size);
    this.#flushAt = size - MAX_RECORD_SIZE;
    this.#tid = options.tid ?? 1;
    this.#onStop = options.onStop;
    const hart = options.hart;
    this.#kinds = payloadKinds(hart.isa);
    const file = (hart as Partial<{ state: RegisterFile }>).state;
    if (file?.x instanceof Int32Array) {
      const x = file.x;
      this.#registers = () => x;
    } else {
      // A hart of another make: its registers through the Hart contract (slower, same values).
      const pair = new Int32Array(66);
      this.#registers = (field) => {
        const value = field >= 64 ? 0n : hart.getX(field >> 1);
        pair[field] = Number(value & 0xffffffffn) | 0;
        pair[field + 1] = Number(value >> 32n) | 0;
        return pair;
      };
    }
    this.#emit(encodeHeader({ executableSha256: options.executableSha256, firstIndex: this.start, isa: isaString(hart.isa.extensions) }));
  }

  /** Whether records are still being written. */
  get active(): boolean {
    return this.#state === ACTIVE;
  }

  /** Instructions seen so far (while tracing; the count stops with the trace). */
  get seen(): number {
    return this.#index;
  }

  /** The running thread changed (the kernel's thread-switch events). */
  setThread(tid: number): void {
    this.#tid = tid;
  }

  instruction(pc: number, bits: number, info: number, imm: number): void {
    if (this.#state !== ACTIVE) return;
    const index = this.#index++;
    if (index < this.start) return;
    if (index >= this.end) return this.#stopTracing('range');
    if (this.count >= this.limit) return this.#stopTracing('limit');
    const buffer = this.#buffer;
    let p = this.#pos;
    if (p > this.#flushAt) {
      if (!this.#flush()) return;
      p = 0;
    }
    const half = (info & INFO_COMPRESSED) !== 0;
    const kind = this.#kinds[info & 0x7f]!;
    let tag = half ? TAG_HALF : 0;
    const rd = (info >> 8) & 0xff;
    const payload = kind === PAYLOAD_VALUE ? (rd === SINK ? PAYLOAD_NONE : PAYLOAD_VALUE) : kind;
    tag |= payload;
    const tidChanged = this.#tid !== this.#writtenTid;
    if (tidChanged) tag |= TAG_TID;
    const jumped = pc !== this.#nextPc;
    if (jumped) tag |= TAG_PC;
    buffer[p++] = tag;
    if (tidChanged) {
      p = putVarint(buffer, p, this.#tid);
      this.#writtenTid = this.#tid;
    }
    if (jumped) p = putZigzag(buffer, p, pc - this.#nextPc);
    buffer[p++] = bits & 0xff;
    buffer[p++] = (bits >>> 8) & 0xff;
    if (!half) {
      buffer[p++] = (bits >>> 16) & 0xff;
      buffer[p++] = (bits >>> 24) & 0xff;
    }
    this.#nextPc = pc + (half ? 2 : 4);
    if (payload === PAYLOAD_VALUE) {
      const x = this.#registers(rd);
      p = putZigzag64(buffer, p, x[rd]!, x[rd + 1]!);
    } else if (payload === PAYLOAD_ADDRESS) {
      // rs1 is unchanged by a store: the address is rs1 + imm, as the store computed it.
      const rs1 = (info >> 16) & 0xff;
      const x = this.#registers(rs1);
      const base = x[rs1]!;
      const lo = (base + imm) | 0;
      const hi = (x[rs1 + 1]! + (imm >> 31) + ((lo >>> 0) < (base >>> 0) ? 1 : 0)) | 0;
      // The difference from the previous address, modulo 2^64.
      const dlo = (lo - this.#lastLo) | 0;
      const dhi = (hi - this.#lastHi - ((lo >>> 0) < (this.#lastLo >>> 0) ? 1 : 0)) | 0;
      p = putZigzag64(buffer, p, dlo, dhi);
      this.#lastLo = lo;
      this.#lastHi = hi;
    }
    this.#pos = p;
    this.count++;
  }

  /**
   * Ends the trace: writes the trailer (why tracing stopped: `stop` if it had not stopped
   * before) and closes the sink. Returns the trace's SHA-256. Idempotent. Throws the
   * sink's failure, if it failed.
   */
  close(stop: ItraceStop = 'end'): string {
    if (this.#state !== CLOSED) {
      if (this.#state === ACTIVE) this.stop = stop;
      this.#finishFile();
    }
    if (this.failure !== undefined) throw this.failure;
    return this.sha256!;
  }

  #stopTracing(stop: ItraceStop): void {
    this.stop = stop;
    this.#state = STOPPED;
    // The file is complete now: a run that goes on for hours leaves a finished trace.
    this.#finishFile();
    this.#onStop?.(stop, this);
  }

  #finishFile(): void {
    this.#state = CLOSED;
    if (this.failure !== undefined) return;
    const trailer = new Uint8Array(1 + 1 + 10);
    trailer[0] = TAG_TRAILER;
    trailer[1] = STOP_CODES[this.stop ?? 'end'];
    const length = putVarint(trailer, 2, this.count);
    if (!this.#flush()) return;
    if (!this.#emit(trailer.subarray(0, length))) return;
    const digest = this.#hash.digest();
    this.sha256 = bytesToHex(digest);
    try {
      this.#sink.write(digest);
      this.bytes += digest.length;
      this.#sink.close?.();
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Hands the buffer to the sink; false when the sink failed (tracing has then stopped). */
  #flush(): boolean {
    if (this.#pos === 0) return true;
    const ok = this.#emit(this.#buffer.subarray(0, this.#pos));
    this.#pos = 0;
    return ok;
  }

  #emit(bytes: Uint8Array): boolean {
    this.#hash.update(bytes);
    try {
      this.#sink.write(bytes);
      this.bytes += bytes.length;
      return true;
    } catch (error) {
      this.#fail(error);
      return false;
    }
  }

  #fail(error: unknown): void {
    const first = this.failure === undefined;
    this.failure ??= error;
    this.#state = CLOSED;
    try {
      this.#sink.close?.();
    } catch {
      // The first failure is the one reported.
    }
    if (first) this.#onStop?.('failed', this);
  }
}

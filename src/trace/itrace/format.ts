/**
 * The instruction-trace file format, version 1 (docs/itrace.md has it byte by byte).
 *
 *   file    = header, records, trailer
 *   header  = magic "\x89ZITRACE", u16 version, u16 header length, u32 flags,
 *             32-byte SHA-256 of the executable, u64 index of the first traced instruction,
 *             u8 n, n bytes of ISA string (e.g. "rv64imac_zicsr_zifencei_machine")
 *   record  = tag, [tid varint], [pc delta zigzag varint], the word (2 or 4 bytes),
 *             [value zigzag varint | address delta zigzag varint]
 *   trailer = 0x80, u8 why tracing stopped, varint record count,
 *             SHA-256 of every byte of the file before it
 *
 * Every integer is little-endian; varints are LEB128 (7 bits a byte, low first). Nothing
 * in a file depends on the host, the path it was written to, the engine or the slicing of
 * the run: the same run gives the same bytes, so the trailer's SHA-256 is also the trace's
 * digest (`itrace digest sha256:…`).
 */
import { EXIT_CODES, ZeroOSError } from '../../errors.js';

/** The first eight bytes of every trace ("\x89ZITRACE": a high byte, so text tools see a binary). */
export const ITRACE_MAGIC: readonly number[] = [0x89, 0x5a, 0x49, 0x54, 0x52, 0x41, 0x43, 0x45];
/** The version this module writes and the only one it reads. */
export const ITRACE_VERSION = 1;
/** Bytes of the header before the ISA string. */
export const HEADER_FIXED_SIZE = 57;

/** Record tag bits. */
export const TAG_PAYLOAD_MASK = 0x03;
/** No payload (branches, fences, system instructions without a destination). */
export const PAYLOAD_NONE = 0;
/** The destination register's value after the instruction (zigzag varint of the signed 64-bit value). */
export const PAYLOAD_VALUE = 1;
/** A store's address (zigzag varint of its difference from the previous record's address). */
export const PAYLOAD_ADDRESS = 2;
/** The word is a 16-bit compressed instruction (else 32 bits). */
export const TAG_HALF = 0x04;
/** The pc is not the previous instruction's fall-through: a zigzag varint of the difference follows. */
export const TAG_PC = 0x08;
/** The thread changed (always set on the first record): its id follows as a varint. */
export const TAG_TID = 0x10;
/** Bits a v1 record never sets. */
export const TAG_RESERVED = 0x60;
/** The trailer's tag (bit 7: not a record). */
export const TAG_TRAILER = 0x80;
/** The most bytes one record takes: tag, tid (5), pc delta (8), word (4), payload (10). */
export const MAX_RECORD_SIZE = 1 + 5 + 8 + 4 + 10;

/** Why tracing stopped, as the trailer records it. */
export type ItraceStop = 'end' | 'limit' | 'range' | 'error';
export const STOP_CODES: Readonly<Record<ItraceStop, number>> = { end: 0, limit: 1, range: 2, error: 3 };
export const STOP_NAMES: readonly ItraceStop[] = ['end', 'limit', 'range', 'error'];
/** What each stop means, for people. */
export const STOP_DESCRIPTIONS: Readonly<Record<ItraceStop, string>> = {
  end: 'the run ended',
  limit: 'the --itrace-limit was reached',
  range: 'the end of the --itrace-range was reached',
  error: 'the run stopped with an error',
};

/** What a trace's header says. */
export interface ItraceHeader {
  readonly version: number;
  /** SHA-256 of the traced executable, lowercase hex. */
  readonly executableSha256: string;
  /** Retired-instruction index (0-based, from the start of the run) of the first record. */
  readonly firstIndex: number;
  /** The instruction set the hart ran, e.g. "rv64imac_zicsr_zifencei_machine". */
  readonly isa: string;
}

/** One retired instruction as the trace has it. */
export interface ItraceRecord {
  /** Its retired-instruction index in the run (0-based). */
  readonly index: number;
  /** The thread that ran it. */
  readonly tid: number;
  readonly pc: number;
  /** Its bits as fetched: 16 (compressed) or 32 of them. */
  readonly bits: number;
  readonly length: 2 | 4;
  /** The destination register's value after it, as an unsigned 64-bit value (instructions with a destination other than x0). */
  readonly value?: bigint;
  /** A store's address. */
  readonly address?: bigint;
}

/** How a trace ended, from its trailer. */
export interface ItraceTrailer {
  readonly stop: ItraceStop;
  readonly count: number;
  /** SHA-256 of every byte before the checksum (the trace's digest), lowercase hex. */
  readonly sha256: string;
}

/** A file that is not a trace, or a trace that is truncated or corrupt (a bad input: exit 65). */
export class ItraceFormatError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.badElf;
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path} is not a valid instruction trace: ${detail}`);
  }
}

/** The header's bytes. */
export function encodeHeader(header: Omit<ItraceHeader, 'version'>): Uint8Array {
  const isa = new TextEncoder().encode(header.isa);
  if (isa.length > 255) throw new RangeError(`the ISA string "${header.isa}" is longer than 255 bytes`);
  if (!/^[0-9a-f]{64}$/.test(header.executableSha256)) throw new RangeError('the executable SHA-256 must be 64 lowercase hex digits');
  const bytes = new Uint8Array(HEADER_FIXED_SIZE + isa.length);
  const view = new DataView(bytes.buffer);
  bytes.set(ITRACE_MAGIC, 0);
  view.setUint16(8, ITRACE_VERSION, true);
  view.setUint16(10, bytes.length, true);
  view.setUint32(12, 0, true);
  for (let i = 0; i < 32; i++) bytes[16 + i] = parseInt(header.executableSha256.slice(2 * i, 2 * i + 2), 16);
  view.setBigUint64(48, BigInt(header.firstIndex), true);
  bytes[56] = isa.length;
  bytes.set(isa, HEADER_FIXED_SIZE);
  return bytes;
}

/** Writes `n` (a non-negative safe integer) as a LEB128 varint at `at`; returns the next offset. */
export function putVarint(buffer: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    buffer[at++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buffer[at++] = n;
  return at;
}

/** Writes a signed safe integer as a zigzag varint. */
export function putZigzag(buffer: Uint8Array, at: number, n: number): number {
  return putVarint(buffer, at, n >= 0 ? n * 2 : -n * 2 - 1);
}

/**
 * Writes the signed 64-bit value (lo, hi) (int32 words) as a zigzag varint (at most 10
 * bytes): small magnitudes, negative ones included, take few bytes.
 */
export function putZigzag64(buffer: Uint8Array, at: number, lo: number, hi: number): number {
  const sign = hi >> 31;
  let zl = ((lo << 1) ^ sign) >>> 0;
  let zh = (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0;
  while (zh !== 0 || zl >= 0x80) {
    buffer[at++] = (zl & 0x7f) | 0x80;
    zl = ((zl >>> 7) | (zh << 25)) >>> 0;
    zh >>>= 7;
  }
  buffer[at++] = zl;
  return at;
}

/** Decodes a zigzag-encoded unsigned 64-bit value back to a signed one. */
export function unzigzag64(z: bigint): bigint {
  return (z >> 1n) ^ -(z & 1n);
}

/** The ISA string of a set of extension names: "rv64" + the single letters, then the others joined by '_'. */
export function isaString(extensions: readonly { readonly name: string; readonly letter?: string }[]): string {
  const letters = extensions.filter((e) => e.letter !== undefined).map((e) => e.letter!);
  const order = 'imafdqc';
  letters.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
  const named = extensions.filter((e) => e.letter === undefined).map((e) => e.name);
  return ['rv64' + letters.join(''), ...named].join('_');
}

/** The extension names in an ISA string (the letters, then the named ones). */
export function isaExtensionNames(isa: string): string[] {
  const [base = '', ...named] = isa.split('_');
  return [...base.replace(/^rv64/, '').split(''), ...named];
}

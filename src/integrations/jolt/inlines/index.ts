/**
 * Jolt's inline opcodes (custom-0 0x0B; custom-1 0x2B is reserved for external inlines):
 * every inline jolt-inlines registers at a16z/jolt ff9f8c13, with its trace rows (the
 * `row_count` of jolt-inlines/fixtures/fixtures/registered_inline_expand_parity_hashes.jsonl,
 * reset rows included, the same for rd = x0 and compressed scenarios) and, for the ones
 * ZeroOS executes, their semantics.
 *
 * Operands (FormatInline): rs1 = bits 19:15, rs2 = bits 24:20, and rs3 = the rd field
 * (bits 11:7): rd is a third pointer, never written.
 */
import type { HookContext } from '../../../arch/riscv64/isa/types.js';
import { BLAKE3_CHUNK_END, BLAKE3_CHUNK_START, BLAKE3_KEYED_HASH, BLAKE3_ROOT, blake2bCompress, blake3Compress } from './blake.js';
import { keccakF1600 } from './keccak.js';
import { SHA256_IV, sha256Compress } from './sha256.js';

export { BLAKE3_IV, blake2bCompress, blake3Compress } from './blake.js';
export { keccakF1600 } from './keccak.js';
export { SHA256_IV, sha256Compress } from './sha256.js';

/** Jolt's inline opcode (custom-0) and the one it reserves for external inlines (custom-1). */
export const JOLT_INLINE_OPCODE = 0x0b;
export const JOLT_EXTERNAL_INLINE_OPCODE = 0x2b;

/** One registered inline. */
export interface JoltInline {
  /** Upstream's registration name ('SHA256_INLINE'). */
  readonly name: string;
  readonly opcode: number;
  readonly funct3: number;
  readonly funct7: number;
  /** Trace rows one execution takes. */
  readonly rows: number;
  /** What it computes, for messages. */
  readonly summary: string;
  /**
   * Its semantics, when ZeroOS executes it (undefined: running it stops the run with
   * JoltInlineNotImplemented naming it). Gets the instruction's hook context; throws the
   * named errors of instructions.ts.
   */
  readonly execute?: (h: HookContext) => void;
}

/** Thrown by an inline's semantics for a pointer Jolt's doubleword loads would refuse; instructions.ts names it. */
export class InlinePointerMisaligned extends Error {
  constructor(
    readonly operand: string,
    readonly address: bigint,
  ) {
    super(`${operand} pointer 0x${address.toString(16)} is not 8-byte aligned`);
  }
}

function aligned8(operand: string, address: bigint): bigint {
  if ((address & 7n) !== 0n) throw new InlinePointerMisaligned(operand, address);
  return address;
}

function words32(bytes: Uint8Array): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Uint32Array.from({ length: bytes.length / 4 }, (_, i) => view.getUint32(4 * i, true));
}

function bytes32(words: Uint32Array): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint32(4 * i, w, true));
  return out;
}

/** SHA-256 compression: rs1 = state (8 u32, in and out), rs2 = block (16 u32); `fromIv` ignores the state's old value. */
function sha256(fromIv: boolean): (h: HookContext) => void {
  return (h) => {
    const state = aligned8('state (rs1)', h.getX(h.rs1));
    const block = aligned8('block (rs2)', h.getX(h.rs2));
    const initial = fromIv ? SHA256_IV : words32(h.readMemory(state, 32));
    h.writeMemory(state, bytes32(sha256Compress(initial, words32(h.readMemory(block, 64)))));
  };
}

/** Keccak-f[1600] in place on rs1 = 25 u64 lanes. */
function keccak(h: HookContext): void {
  const state = aligned8('state (rs1)', h.getX(h.rs1));
  const bytes = h.readMemory(state, 200);
  const lanes = new Int32Array(50);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 200);
  for (let i = 0; i < 50; i++) lanes[i] = view.getInt32(4 * i, true);
  keccakF1600(lanes);
  const out = new Uint8Array(200);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 50; i++) outView.setInt32(4 * i, lanes[i]!, true);
  h.writeMemory(state, out);
}

function words64(bytes: Uint8Array): bigint[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.length / 8 }, (_, i) => view.getBigUint64(8 * i, true));
}

function bytes64(words: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(words.length * 8);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setBigUint64(8 * i, w, true));
  return out;
}

/** BLAKE2b compression: rs1 = state (8 u64, in and out), rs2 = 16 message u64, the counter, the final flag. */
function blake2(h: HookContext): void {
  const state = aligned8('state (rs1)', h.getX(h.rs1));
  const message = aligned8('message (rs2)', h.getX(h.rs2));
  const words = words64(h.readMemory(state, 64));
  blake2bCompress(words, words64(h.readMemory(message, 144)));
  h.writeMemory(state, bytes64(words));
}

/** BLAKE3 compression: rs1 = chaining value (8 u32, in and out), rs2 = 16 u32 block, counter (2 u32), block length, flags. */
function blake3(h: HookContext): void {
  const cvAddress = aligned8('chaining value (rs1)', h.getX(h.rs1));
  const message = aligned8('message (rs2)', h.getX(h.rs2));
  const cv = words32(h.readMemory(cvAddress, 32));
  const m = words32(h.readMemory(message, 80));
  blake3Compress(cv, m.subarray(0, 16), [m[16]!, m[17]!], m[18]!, m[19]!);
  h.writeMemory(cvAddress, bytes32(cv));
}

/** BLAKE3 keyed hash of 64 bytes (left at rs1 || right at rs2) with the key at rd, the digest written over the key. */
function blake3Keyed64(h: HookContext): void {
  const left = aligned8('left (rs1)', h.getX(h.rs1));
  const right = aligned8('right (rs2)', h.getX(h.rs2));
  const key = aligned8('key (rd)', h.getX(h.rd));
  const block = new Uint32Array(16);
  block.set(words32(h.readMemory(left, 32)));
  block.set(words32(h.readMemory(right, 32)), 8);
  const cv = words32(h.readMemory(key, 32));
  blake3Compress(cv, block, [0, 0], 64, BLAKE3_CHUNK_START | BLAKE3_CHUNK_END | BLAKE3_ROOT | BLAKE3_KEYED_HASH);
  h.writeMemory(key, bytes32(cv));
}

const inline = (name: string, funct7: number, funct3: number, rows: number, summary: string, execute?: (h: HookContext) => void): JoltInline => ({
  name,
  opcode: JOLT_INLINE_OPCODE,
  funct3,
  funct7,
  rows,
  summary,
  ...(execute === undefined ? {} : { execute }),
});

/** Every inline jolt-inlines registers (jolt-inlines/<crate>/src/lib.rs for the funct values). */
export const JOLT_INLINES: readonly JoltInline[] = [
  inline('SHA256_INLINE', 0x00, 0, 2300, 'SHA-256 compression in place', sha256(false)),
  inline('SHA256_INIT_INLINE', 0x00, 1, 2260, "SHA-256 compression from SHA-256's IV", sha256(true)),
  inline('KECCAK256_INLINE', 0x01, 0, 3260, 'Keccak-f[1600] permutation in place', keccak),
  inline('BLAKE2_INLINE', 0x02, 0, 1067, 'BLAKE2b compression', blake2),
  inline('BLAKE3_INLINE', 0x03, 0, 648, 'BLAKE3 compression', blake3),
  inline('BLAKE3_KEYED64_INLINE', 0x03, 1, 646, 'BLAKE3 keyed hash of 64 bytes', blake3Keyed64),
  inline('BIGINT256_MUL_INLINE', 0x04, 0, 141, '256x256 -> 512-bit multiplication'),
  inline('SECP256K1_MULQ', 0x05, 0, 186, 'secp256k1 base-field multiplication'),
  inline('SECP256K1_SQUAREQ', 0x05, 1, 167, 'secp256k1 base-field squaring'),
  inline('SECP256K1_DIVQ', 0x05, 2, 194, 'secp256k1 base-field division'),
  inline('SECP256K1_MULR', 0x05, 4, 232, 'secp256k1 scalar-field multiplication'),
  inline('SECP256K1_SQUARER', 0x05, 5, 213, 'secp256k1 scalar-field squaring'),
  inline('SECP256K1_DIVR', 0x05, 6, 240, 'secp256k1 scalar-field division'),
  inline('SECP256K1_GLVR_ADV', 0x05, 7, 13, 'secp256k1 GLV decomposition advice'),
  inline('GRUMPKIN_DIVQ_ADV', 0x06, 0, 9, 'Grumpkin base-field division advice'),
  inline('GRUMPKIN_DIVR_ADV', 0x06, 1, 9, 'Grumpkin scalar-field division advice'),
  inline('GRUMPKIN_GLVR_ADV', 0x06, 2, 13, 'Grumpkin GLV decomposition advice'),
  inline('P256_MULQ', 0x07, 0, 264, 'P-256 base-field multiplication'),
  inline('P256_SQUAREQ', 0x07, 1, 245, 'P-256 base-field squaring'),
  inline('P256_DIVQ', 0x07, 2, 272, 'P-256 base-field division'),
  inline('P256_MULR', 0x07, 4, 252, 'P-256 scalar-field multiplication'),
  inline('P256_SQUARER', 0x07, 5, 233, 'P-256 scalar-field squaring'),
  inline('P256_DIVR', 0x07, 6, 260, 'P-256 scalar-field division'),
  inline('P256_FAKE_GLV_ADV', 0x07, 7, 29, 'P-256 fake-GLV advice'),
];

/** The inline a word encodes (opcode, funct3, funct7), or undefined when Jolt has none registered for it. */
export function joltInlineOf(word: number): JoltInline | undefined {
  const opcode = word & 0x7f;
  const funct3 = (word >>> 12) & 7;
  const funct7 = (word >>> 25) & 0x7f;
  return JOLT_INLINES.find((i) => i.opcode === opcode && i.funct3 === funct3 && i.funct7 === funct7);
}

/** Jolt's panic for a word on an inline opcode with no registered inline (tracer/src/instruction/inline.rs:100-109). */
export function noInlineMessage(word: number): string {
  const opcode = word & 0x7f;
  const funct3 = (word >>> 12) & 7;
  const funct7 = (word >>> 25) & 0x7f;
  // Rust's {:#04x}, {:#03b}, {:#09b}: the width counts the 0x/0b prefix.
  const pad = (prefix: string, digits: string, width: number): string => prefix + digits.padStart(width - 2, '0');
  return `No inline registered for opcode=${pad('0x', opcode.toString(16), 4)}, funct3=${pad('0b', funct3.toString(2), 3)}, funct7=${pad('0b', funct7.toString(2), 9)}.`;
}

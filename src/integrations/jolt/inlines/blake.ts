/**
 * BLAKE2b and BLAKE3 compressions as Jolt's BLAKE2 and BLAKE3 inlines compute them
 * (jolt-inlines/blake2/src/exec.rs and jolt-inlines/blake3/src/exec.rs at a16z/jolt
 * ff9f8c13; RFC 7693 §3.2 and the BLAKE3 reference implementation).
 */

const MASK64 = (1n << 64n) - 1n;

/** BLAKE2b's IV (the SHA-512 IV). */
const BLAKE2B_IV = [
  0x6a09e667f3bcc908n, 0xbb67ae8584caa73bn, 0x3c6ef372fe94f82bn, 0xa54ff53a5f1d36f1n,
  0x510e527fade682d1n, 0x9b05688c2b3e6c1fn, 0x1f83d9abfb41bd6bn, 0x5be0cd19137e2179n,
];

const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

const rotr64 = (x: bigint, n: bigint): bigint => ((x >> n) | (x << (64n - n))) & MASK64;

/**
 * One BLAKE2b compression, as the inline does it: `state` 8 u64 (in and out), `message`
 * 18 u64 = 16 message words, the byte counter t (its low 64 bits: the inline never adds
 * a high half) and the final-block flag (non-zero: last block).
 */
export function blake2bCompress(state: bigint[], message: readonly bigint[]): void {
  const v = [...state, ...BLAKE2B_IV];
  v[12] = v[12]! ^ message[16]!;
  if (message[17] !== 0n) v[14] = ~v[14]! & MASK64;
  const g = (a: number, b: number, c: number, d: number, x: bigint, y: bigint): void => {
    v[a] = (v[a]! + v[b]! + x) & MASK64;
    v[d] = rotr64(v[d]! ^ v[a]!, 32n);
    v[c] = (v[c]! + v[d]!) & MASK64;
    v[b] = rotr64(v[b]! ^ v[c]!, 24n);
    v[a] = (v[a]! + v[b]! + y) & MASK64;
    v[d] = rotr64(v[d]! ^ v[a]!, 16n);
    v[c] = (v[c]! + v[d]!) & MASK64;
    v[b] = rotr64(v[b]! ^ v[c]!, 63n);
  };
  for (let round = 0; round < 12; round++) {
    const s = SIGMA[round % 10]!;
    const m = (i: number): bigint => message[s[i]!]!;
    g(0, 4, 8, 12, m(0), m(1));
    g(1, 5, 9, 13, m(2), m(3));
    g(2, 6, 10, 14, m(4), m(5));
    g(3, 7, 11, 15, m(6), m(7));
    g(0, 5, 10, 15, m(8), m(9));
    g(1, 6, 11, 12, m(10), m(11));
    g(2, 7, 8, 13, m(12), m(13));
    g(3, 4, 9, 14, m(14), m(15));
  }
  for (let i = 0; i < 8; i++) state[i] = state[i]! ^ v[i]! ^ v[i + 8]!;
}

/** BLAKE3's IV (the SHA-256 IV) and the flags the keyed 64-byte inline uses. */
export const BLAKE3_IV: readonly number[] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
export const BLAKE3_CHUNK_START = 1;
export const BLAKE3_CHUNK_END = 2;
export const BLAKE3_ROOT = 8;
export const BLAKE3_KEYED_HASH = 16;

const MSG_PERMUTATION = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8];
const rotr32 = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

/**
 * One BLAKE3 compression (7 rounds), as the inline does it: the chaining value `cv`
 * (8 u32, in and out: the first half of the output state) from `block` (16 u32), the
 * block counter (2 u32, low first), the block length and the flags.
 */
export function blake3Compress(cv: Uint32Array, block: ArrayLike<number>, counter: readonly [number, number], blockLength: number, flags: number): void {
  const s = new Uint32Array([...cv, ...BLAKE3_IV.slice(0, 4), counter[0], counter[1], blockLength, flags]);
  let m = Uint32Array.from(block);
  const g = (a: number, b: number, c: number, d: number, x: number, y: number): void => {
    s[a] = s[a]! + s[b]! + x;
    s[d] = rotr32(s[d]! ^ s[a]!, 16);
    s[c] = s[c]! + s[d]!;
    s[b] = rotr32(s[b]! ^ s[c]!, 12);
    s[a] = s[a]! + s[b]! + y;
    s[d] = rotr32(s[d]! ^ s[a]!, 8);
    s[c] = s[c]! + s[d]!;
    s[b] = rotr32(s[b]! ^ s[c]!, 7);
  };
  for (let round = 0; round < 7; round++) {
    g(0, 4, 8, 12, m[0]!, m[1]!);
    g(1, 5, 9, 13, m[2]!, m[3]!);
    g(2, 6, 10, 14, m[4]!, m[5]!);
    g(3, 7, 11, 15, m[6]!, m[7]!);
    g(0, 5, 10, 15, m[8]!, m[9]!);
    g(1, 6, 11, 12, m[10]!, m[11]!);
    g(2, 7, 8, 13, m[12]!, m[13]!);
    g(3, 4, 9, 14, m[14]!, m[15]!);
    if (round < 6) m = Uint32Array.from(MSG_PERMUTATION, (i) => m[i]!);
  }
  for (let i = 0; i < 8; i++) cv[i] = s[i]! ^ s[i + 8]!;
}

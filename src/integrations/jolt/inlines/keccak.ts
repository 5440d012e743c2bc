/**
 * Keccak-f[1600], the permutation Jolt's Keccak256 inline applies in place to 25 u64
 * lanes (jolt-inlines/keccak256 at a16z/jolt ff9f8c13; FIPS 202 §3.3 with 24 rounds).
 * Lanes are kept as (lo, hi) int32 pairs so a permutation allocates nothing per round.
 */

const RC = [
  0x0000000000000001n, 0x0000000000008082n, 0x800000000000808an, 0x8000000080008000n, 0x000000000000808bn, 0x0000000080000001n,
  0x8000000080008081n, 0x8000000000008009n, 0x000000000000008an, 0x0000000000000088n, 0x0000000080008009n, 0x000000008000000an,
  0x000000008000808bn, 0x800000000000008bn, 0x8000000000008089n, 0x8000000000008003n, 0x8000000000008002n, 0x8000000000000080n,
  0x000000000000800an, 0x800000008000000an, 0x8000000080008081n, 0x8000000000008080n, 0x0000000080000001n, 0x8000000080008008n,
];
const RC_LO = Int32Array.from(RC, (r) => Number(r & 0xffffffffn) | 0);
const RC_HI = Int32Array.from(RC, (r) => Number(r >> 32n) | 0);

// Rotation offsets r[x + 5y] and the pi step's destination index for each lane.
const ROT = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];
const PI_DEST = Array.from({ length: 25 }, (_, i) => {
  const x = i % 5;
  const y = Math.floor(i / 5);
  return y + 5 * ((2 * x + 3 * y) % 5);
});

/** Permutes `lanes` (50 int32: lane i = lanes[2i] low word, lanes[2i+1] high word) in place. */
export function keccakF1600(lanes: Int32Array): void {
  const c = new Int32Array(10);
  const b = new Int32Array(50);
  for (let round = 0; round < 24; round++) {
    // theta
    for (let x = 0; x < 5; x++) {
      let lo = 0;
      let hi = 0;
      for (let y = 0; y < 25; y += 5) {
        lo ^= lanes[2 * (x + y)]!;
        hi ^= lanes[2 * (x + y) + 1]!;
      }
      c[2 * x] = lo;
      c[2 * x + 1] = hi;
    }
    for (let x = 0; x < 5; x++) {
      const l = c[2 * ((x + 1) % 5)]!;
      const h = c[2 * ((x + 1) % 5) + 1]!;
      const dlo = c[2 * ((x + 4) % 5)]! ^ ((l << 1) | (h >>> 31));
      const dhi = c[2 * ((x + 4) % 5) + 1]! ^ ((h << 1) | (l >>> 31));
      for (let y = 0; y < 25; y += 5) {
        lanes[2 * (x + y)] = lanes[2 * (x + y)]! ^ dlo;
        lanes[2 * (x + y) + 1] = lanes[2 * (x + y) + 1]! ^ dhi;
      }
    }
    // rho and pi
    for (let i = 0; i < 25; i++) {
      const lo = lanes[2 * i]!;
      const hi = lanes[2 * i + 1]!;
      const r = ROT[i]!;
      let rlo: number;
      let rhi: number;
      if (r === 0) {
        rlo = lo;
        rhi = hi;
      } else if (r < 32) {
        rlo = (lo << r) | (hi >>> (32 - r));
        rhi = (hi << r) | (lo >>> (32 - r));
      } else if (r === 32) {
        rlo = hi;
        rhi = lo;
      } else {
        const s = r - 32;
        rlo = (hi << s) | (lo >>> (32 - s));
        rhi = (lo << s) | (hi >>> (32 - s));
      }
      const d = PI_DEST[i]!;
      b[2 * d] = rlo;
      b[2 * d + 1] = rhi;
    }
    // chi
    for (let y = 0; y < 25; y += 5) {
      for (let x = 0; x < 5; x++) {
        const i = 2 * (x + y);
        const i1 = 2 * (((x + 1) % 5) + y);
        const i2 = 2 * (((x + 2) % 5) + y);
        lanes[i] = b[i]! ^ (~b[i1]! & b[i2]!);
        lanes[i + 1] = b[i + 1]! ^ (~b[i1 + 1]! & b[i2 + 1]!);
      }
    }
    // iota
    lanes[0] = lanes[0]! ^ RC_LO[round]!;
    lanes[1] = lanes[1]! ^ RC_HI[round]!;
  }
}

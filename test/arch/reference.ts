/** BigInt reference semantics of RV64IM register operations, and test operand sets. */

export const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
export const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
export const sext32 = (v: bigint): bigint => u64(BigInt.asIntN(32, v));
const lo32s = (v: bigint): bigint => BigInt.asIntN(32, v);
const lo32u = (v: bigint): bigint => BigInt.asUintN(32, v);
const ONES = u64(-1n);
const MIN = 1n << 63n;

/** Register-register ops: (rs1, rs2) → rd, all unsigned 64-bit. */
export const RR: Record<string, (a: bigint, b: bigint) => bigint> = {
  add: (a, b) => u64(a + b),
  sub: (a, b) => u64(a - b),
  sll: (a, b) => u64(a << (b & 63n)),
  slt: (a, b) => (s64(a) < s64(b) ? 1n : 0n),
  sltu: (a, b) => (a < b ? 1n : 0n),
  xor: (a, b) => a ^ b,
  srl: (a, b) => a >> (b & 63n),
  sra: (a, b) => u64(s64(a) >> (b & 63n)),
  or: (a, b) => a | b,
  and: (a, b) => a & b,
  addw: (a, b) => sext32(a + b),
  subw: (a, b) => sext32(a - b),
  sllw: (a, b) => sext32(a << (b & 31n)),
  srlw: (a, b) => sext32(lo32u(a) >> (b & 31n)),
  sraw: (a, b) => sext32(lo32s(a) >> (b & 31n)),
  mul: (a, b) => u64(a * b),
  mulh: (a, b) => u64((s64(a) * s64(b)) >> 64n),
  mulhsu: (a, b) => u64((s64(a) * b) >> 64n),
  mulhu: (a, b) => (a * b) >> 64n,
  div: (a, b) => (b === 0n ? ONES : a === MIN && b === ONES ? MIN : u64(s64(a) / s64(b))),
  divu: (a, b) => (b === 0n ? ONES : a / b),
  rem: (a, b) => (b === 0n ? a : a === MIN && b === ONES ? 0n : u64(s64(a) % s64(b))),
  remu: (a, b) => (b === 0n ? a : a % b),
  mulw: (a, b) => sext32(a * b),
  divw: (a, b) => {
    const x = lo32s(a);
    const y = lo32s(b);
    if (y === 0n) return ONES;
    if (x === -(2n ** 31n) && y === -1n) return sext32(x);
    return sext32(x / y);
  },
  divuw: (a, b) => (lo32u(b) === 0n ? ONES : sext32(lo32u(a) / lo32u(b))),
  remw: (a, b) => {
    const x = lo32s(a);
    const y = lo32s(b);
    if (y === 0n) return sext32(x);
    if (x === -(2n ** 31n) && y === -1n) return 0n;
    return sext32(x % y);
  },
  remuw: (a, b) => (lo32u(b) === 0n ? sext32(a) : sext32(lo32u(a) % lo32u(b))),
};

/** Register-immediate ops: (rs1, imm as a signed 12-bit number or shamt) → rd. */
export const RI: Record<string, (a: bigint, imm: number) => bigint> = {
  addi: (a, i) => u64(a + BigInt(i)),
  slti: (a, i) => (s64(a) < BigInt(i) ? 1n : 0n),
  sltiu: (a, i) => (a < u64(BigInt(i)) ? 1n : 0n),
  xori: (a, i) => a ^ u64(BigInt(i)),
  ori: (a, i) => a | u64(BigInt(i)),
  andi: (a, i) => a & u64(BigInt(i)),
  slli: (a, i) => u64(a << BigInt(i)),
  srli: (a, i) => a >> BigInt(i),
  srai: (a, i) => u64(s64(a) >> BigInt(i)),
  addiw: (a, i) => sext32(a + BigInt(i)),
  slliw: (a, i) => sext32(a << BigInt(i)),
  srliw: (a, i) => sext32(lo32u(a) >> BigInt(i)),
  sraiw: (a, i) => sext32(lo32s(a) >> BigInt(i)),
};

/** Branch conditions on (rs1, rs2). */
export const BRANCH: Record<string, (a: bigint, b: bigint) => boolean> = {
  beq: (a, b) => a === b,
  bne: (a, b) => a !== b,
  blt: (a, b) => s64(a) < s64(b),
  bge: (a, b) => s64(a) >= s64(b),
  bltu: (a, b) => a < b,
  bgeu: (a, b) => a >= b,
};

/** A small deterministic PRNG (xorshift64*), for reproducible random operands and programs. */
export class Rng {
  private state: bigint;
  constructor(seed: bigint) {
    this.state = u64(seed) || 1n;
  }
  next64(): bigint {
    let s = this.state;
    s ^= s >> 12n;
    s ^= u64(s << 25n);
    s ^= s >> 27n;
    this.state = s;
    return u64(s * 0x2545f4914f6cdd1dn);
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Number(this.next64() % BigInt(n));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** A 64-bit value biased towards interesting edges. */
  operand(): bigint {
    switch (this.int(6)) {
      case 0:
        return this.pick(EDGE_VALUES);
      case 1:
        return u64(BigInt(this.int(64)) - 32n);
      case 2:
        return sext32(this.next64());
      case 3:
        return this.next64() & 0xffffffffn;
      default:
        return this.next64();
    }
  }
}

/** Operands that hit carries, sign boundaries, the double-precision limit and overflow corners. */
export const EDGE_VALUES: readonly bigint[] = [
  0n, 1n, 2n, 3n, 7n, 31n, 32n, 33n, 63n, 64n, 0xffn, 0x7fffn, 0x8000n, 0xffffn,
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x1ffffffffn,
  2n ** 52n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 62n,
  0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000001n,
  0xffffffff00000000n, 0xffffffff80000000n, 0xffffffff7fffffffn,
  0xfffffffffffffffen, 0xffffffffffffffffn, u64(-(2n ** 53n)), u64(-(2n ** 53n) - 1n),
  0x123456789abcdef0n, 0xfedcba9876543210n, 0xdeadbeefn, 0xcafebabe12345678n,
];

/**
 * The software IEEE 754 unit (fpu/softfloat.ts) on its own: random differential tests of
 * round-to-nearest-even against the host (binary64: JS arithmetic; binary32: Math.fround of
 * the double result, which is correctly rounded for + - × ÷ √), an independent exact oracle
 * (dyadic rationals) for the directed and max-magnitude modes, and constructed edge cases
 * for flags: tininess after rounding, overflow per mode, invalid operations, NaN payloads,
 * FMA exactness and the conversions' saturation.
 */
import { describe, expect, it } from 'vitest';
import {
  DZ, F32, F64, type FloatFormat, FpUnit, NV, NX, OF, RDN, RMM, RNE, type RoundingMode, RTZ, RUP, SoftFloat, UF,
} from '../../src/arch/riscv64/fpu/index.js';
import { HartState } from '../../src/arch/riscv64/state.js';

const dbl = (x: number): bigint => new BigUint64Array(new Float64Array([x]).buffer)[0]!;
const fromDbl = (b: bigint): number => new Float64Array(new BigUint64Array([b]).buffer)[0]!;
const sgl = (x: number): bigint => BigInt(new Uint32Array(new Float32Array([x]).buffer)[0]!);
const fromSgl = (b: bigint): number => new Float32Array(new Uint32Array([Number(b)]).buffer)[0]!;

/** A deterministic generator (xorshift64*). */
class Rng {
  private s = 0x9e3779b97f4a7c15n;
  next(): bigint {
    let x = this.s;
    x ^= x >> 12n;
    x ^= (x << 25n) & 0xffffffffffffffffn;
    x ^= x >> 27n;
    this.s = x;
    return (x * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
  }
  int(n: number): number {
    return Number(this.next() % BigInt(n));
  }
  /** Bits of `f`: mostly finite values over a chosen exponent range, some edge patterns. */
  operand(f: FloatFormat, special = true): bigint {
    const fracMask = (1n << BigInt(f.fracBits)) - 1n;
    const sign = this.int(2) === 1 ? f.signBit : 0n;
    let frac = this.next() & fracMask;
    const k = this.int(8);
    if (k === 0) frac = fracMask; // all ones
    else if (k === 1) frac &= 0xffn; // few low bits
    else if (k === 2) frac &= ~0xffn & fracMask;
    const r = this.int(special ? 12 : 10);
    let exp: number;
    if (r < 5) exp = f.bias + this.int(9) - 4; // near 1
    else if (r < 7) exp = this.int(3); // subnormals and the smallest normals
    else if (r < 9) exp = this.int(f.expMax); // anywhere finite
    else if (r === 9) exp = f.expMax - 1 - this.int(2); // near overflow
    else if (r === 10) return sign | (BigInt(f.expMax) << BigInt(f.fracBits)) | (this.int(2) === 0 ? 0n : frac | 1n); // inf / NaN
    else return sign; // zero
    return sign | (BigInt(exp) << BigInt(f.fracBits)) | frac;
  }
}

/** An exact dyadic rational n × 2^e. */
interface Dy {
  n: bigint;
  e: number;
}

function toDy(f: FloatFormat, bits: bigint): Dy {
  const biased = Number((bits >> BigInt(f.fracBits)) & BigInt(f.expMax));
  const frac = bits & ((1n << BigInt(f.fracBits)) - 1n);
  const sig = biased === 0 ? frac : frac | (1n << BigInt(f.fracBits));
  const e = (biased === 0 ? 1 : biased) - f.bias - f.fracBits;
  return { n: (bits & f.signBit) !== 0n ? -sig : sig, e };
}
const addDy = (x: Dy, y: Dy): Dy => {
  const e = Math.min(x.e, y.e);
  return { n: (x.n << BigInt(x.e - e)) + (y.n << BigInt(y.e - e)), e };
};
const mulDy = (x: Dy, y: Dy): Dy => ({ n: x.n * y.n, e: x.e + y.e });
const cmpDy = (x: Dy, y: Dy): number => {
  const d = addDy(x, { n: -y.n, e: y.e }).n;
  return d > 0n ? 1 : d < 0n ? -1 : 0;
};

const isFinite = (f: FloatFormat, b: bigint): boolean => ((b >> BigInt(f.fracBits)) & BigInt(f.expMax)) !== BigInt(f.expMax);

/**
 * Checks results in all five modes against the exact value through `relation(d)`: the sign
 * of d minus the exact value, computed exactly. RDN ≤ exact ≤ RUP, adjacent unless exact;
 * RTZ is the one toward zero; RNE and RMM the nearer one, at a tie the even one (RNE) or
 * the one away from zero (RMM); NX exactly when inexact.
 */
function checkModes(f: FloatFormat, results: bigint[], flags: number[], relation: (d: Dy) => number, label: string): void {
  const [rne, rtz, rdn, rup, rmm] = results as [bigint, bigint, bigint, bigint, bigint];
  if (!results.every((r) => isFinite(f, r))) return; // overflow is checked on constructed cases
  const rel = (b: bigint): number => relation(toDy(f, b));
  const below = rel(rdn);
  const above = rel(rup);
  expect(below, `${label}: RDN <= exact`).toBeLessThanOrEqual(0);
  expect(above, `${label}: RUP >= exact`).toBeGreaterThanOrEqual(0);
  if (below === 0 || above === 0) {
    for (const r of results) expect(rel(r), `${label}: exact`).toBe(0);
    for (const fl of flags) expect(fl & NX, `${label}: no NX when exact`).toBe(0);
    return;
  }
  for (const fl of flags) expect(fl & NX, `${label}: NX`).toBe(NX);
  const mag = (b: bigint): bigint => b & ~f.signBit;
  const sameSign = (rdn & f.signBit) === (rup & f.signBit) || mag(rdn) === 0n || mag(rup) === 0n;
  expect(sameSign && (mag(rdn) - mag(rup) === 1n || mag(rup) - mag(rdn) === 1n), `${label}: adjacent`).toBe(true);
  const negative = relation({ n: 0n, e: 0 }) > 0; // 0 > exact
  expect(rtz, `${label}: RTZ`).toBe(negative ? rup : rdn);
  const sum = addDy(toDy(f, rdn), toDy(f, rup));
  const mid = relation({ n: sum.n, e: sum.e - 1 }); // > 0: exact below the midpoint
  const nearer = mid > 0 ? rdn : rup;
  const even = (rdn & 1n) === 0n ? rdn : rup;
  const away = mag(rdn) > mag(rup) ? rdn : rup;
  expect(rne, `${label}: RNE`).toBe(mid === 0 ? even : nearer);
  expect(rmm, `${label}: RMM`).toBe(mid === 0 ? away : nearer);
}

const sf = new SoftFloat();
function run<T>(fn: () => T): [T, number] {
  sf.flags = 0;
  const r = fn();
  return [r, sf.flags];
}
const MODES: RoundingMode[] = [RNE, RTZ, RDN, RUP, RMM];
function allModes(fn: (rm: RoundingMode) => bigint): { results: bigint[]; flags: number[] } {
  const results: bigint[] = [];
  const flags: number[] = [];
  for (const rm of MODES) {
    const [r, fl] = run(() => fn(rm));
    results.push(r);
    flags.push(fl);
  }
  return { results, flags };
}

describe('SoftFloat: round-to-nearest-even against the host', () => {
  const rng = new Rng();
  const canonical = (f: FloatFormat, x: number): bigint => (Number.isNaN(x) ? f.canonicalNaN : f === F64 ? dbl(x) : sgl(x));

  it('binary64 add, sub, mul, div, sqrt match JS arithmetic bit for bit', () => {
    for (let i = 0; i < 4000; i++) {
      const a = rng.operand(F64);
      const b = rng.operand(F64);
      const x = fromDbl(a);
      const y = fromDbl(b);
      expect(sf.add(F64, a, b, RNE), `${x} + ${y}`).toBe(canonical(F64, x + y));
      expect(sf.sub(F64, a, b, RNE), `${x} - ${y}`).toBe(canonical(F64, x - y));
      expect(sf.mul(F64, a, b, RNE), `${x} * ${y}`).toBe(canonical(F64, x * y));
      expect(sf.div(F64, a, b, RNE), `${x} / ${y}`).toBe(canonical(F64, x / y));
      expect(sf.sqrt(F64, a, RNE), `sqrt ${x}`).toBe(canonical(F64, Math.sqrt(x)));
    }
  });

  it('binary32 add, sub, mul, div, sqrt match Math.fround of the double result', () => {
    for (let i = 0; i < 4000; i++) {
      const a = rng.operand(F32);
      const b = rng.operand(F32);
      const x = fromSgl(a);
      const y = fromSgl(b);
      expect(sf.add(F32, a, b, RNE), `${x} + ${y}`).toBe(canonical(F32, Math.fround(x + y)));
      expect(sf.sub(F32, a, b, RNE), `${x} - ${y}`).toBe(canonical(F32, Math.fround(x - y)));
      expect(sf.mul(F32, a, b, RNE), `${x} * ${y}`).toBe(canonical(F32, Math.fround(x * y)));
      expect(sf.div(F32, a, b, RNE), `${x} / ${y}`).toBe(canonical(F32, Math.fround(x / y)));
      expect(sf.sqrt(F32, a, RNE), `sqrt ${x}`).toBe(canonical(F32, Math.fround(Math.sqrt(x))));
    }
  });

  it('fcvt.s.d and fcvt.d.s match Math.fround and widening; integer conversions match Number()', () => {
    for (let i = 0; i < 3000; i++) {
      const a = rng.operand(F64);
      const x = fromDbl(a);
      expect(sf.convert(F64, F32, a, RNE)).toBe(canonical(F32, Math.fround(x)));
      const s = rng.operand(F32);
      expect(sf.convert(F32, F64, s, RNE)).toBe(canonical(F64, fromSgl(s)));
      const n = BigInt.asIntN(64, rng.next()) >> BigInt(rng.int(64));
      expect(sf.fromInt(F64, n, RNE), `${n}`).toBe(dbl(Number(n)));
      expect(sf.fromInt(F32, n, RNE), `${n}`).toBe(sgl(Math.fround(Number(n))));
    }
  });
});

describe('SoftFloat: every rounding mode against an exact oracle', () => {
  const rng = new Rng();
  for (const f of [F64, F32]) {
    it(`binary${f.width}: add, mul, fma, div, sqrt bracket the exact value`, () => {
      for (let i = 0; i < 1500; i++) {
        const a = rng.operand(f, false);
        const b = rng.operand(f, false);
        const c = rng.operand(f, false);
        const A = toDy(f, a);
        const B = toDy(f, b);
        const C = toDy(f, c);
        const sum = allModes((rm) => sf.add(f, a, b, rm));
        checkModes(f, sum.results, sum.flags, (d) => cmpDy(d, addDy(A, B)), 'add');
        const prod = allModes((rm) => sf.mul(f, a, b, rm));
        checkModes(f, prod.results, prod.flags, (d) => cmpDy(d, mulDy(A, B)), 'mul');
        const fused = allModes((rm) => sf.fma(f, a, b, c, rm));
        checkModes(f, fused.results, fused.flags, (d) => cmpDy(d, addDy(mulDy(A, B), C)), 'fma');
        if (B.n !== 0n) {
          // r - a/b has the sign of (r·b - a)·sign(b).
          const q = allModes((rm) => sf.div(f, a, b, rm));
          const sb = B.n > 0n ? 1 : -1;
          checkModes(f, q.results, q.flags, (d) => (sb > 0 ? cmpDy(mulDy(d, B), A) : 0 - cmpDy(mulDy(d, B), A)), 'div');
        }
        {
          // d - √|a| has the sign of d² - |a| for d ≥ 0 (and is negative for d < 0).
          const s = allModes((rm) => sf.sqrt(f, a & ~f.signBit, rm));
          const absA = { n: A.n < 0n ? -A.n : A.n, e: A.e };
          checkModes(f, s.results, s.flags, (d) => (d.n < 0n ? -1 : cmpDy(mulDy(d, d), absA)), 'sqrt');
        }
      }
    });
  }

  it('ties: RNE to even, RMM away from zero', () => {
    // 1 + 2^-53 is halfway between 1 and 1 + 2^-52.
    const one = dbl(1);
    const half = dbl(2 ** -53);
    expect(sf.add(F64, one, half, RNE)).toBe(one);
    expect(sf.add(F64, one, half, RMM)).toBe(dbl(1 + 2 ** -52));
    expect(sf.add(F64, one | F64.signBit, half | F64.signBit, RMM)).toBe(dbl(-(1 + 2 ** -52)));
    expect(sf.add(F64, one | F64.signBit, half | F64.signBit, RDN)).toBe(dbl(-(1 + 2 ** -52)));
    expect(sf.add(F64, one | F64.signBit, half | F64.signBit, RUP)).toBe(dbl(-1));
    // 1/3 in each mode.
    const third = [0x3fd5555555555555n, 0x3fd5555555555555n, 0x3fd5555555555555n, 0x3fd5555555555556n, 0x3fd5555555555555n];
    MODES.forEach((rm, i) => expect(sf.div(F64, one, dbl(3), rm)).toBe(third[i]));
  });
});

describe('SoftFloat: flags on constructed cases', () => {
  it('underflow is judged after rounding (RISC-V)', () => {
    // A double just below 2^-126 that rounds to the smallest normal single even with an
    // unbounded exponent: not tiny, so NX without UF.
    const [r1, f1] = run(() => sf.convert(F64, F32, dbl(2 ** -126 * (1 - 2 ** -30)), RNE));
    expect(r1).toBe(0x00800000n);
    expect(f1).toBe(NX);
    // 2^-126 (1 - 2^-24) has 24 bits: tiny after rounding to 24 bits; it still rounds
    // (a tie, to even) to the smallest normal in the subnormal grid: UF and NX.
    const [r2, f2] = run(() => sf.convert(F64, F32, dbl(2 ** -126 * (1 - 2 ** -24)), RNE));
    expect(r2).toBe(0x00800000n);
    expect(f2).toBe(UF | NX);
    // Exact subnormal results raise nothing.
    const [r3, f3] = run(() => sf.mul(F64, dbl(2 ** -1070), dbl(0.5), RNE));
    expect(r3).toBe(dbl(2 ** -1071));
    expect(f3).toBe(0);
    // The smallest subnormal halved: 0 (RNE, tie to even) or the smallest subnormal (RUP).
    const [r4, f4] = run(() => sf.mul(F64, 1n, dbl(0.5), RNE));
    expect(r4).toBe(0n);
    expect(f4).toBe(UF | NX);
    expect(sf.mul(F64, 1n, dbl(0.5), RUP)).toBe(1n);
  });

  it('overflow: infinity or the largest finite value per mode and sign', () => {
    const big = dbl(1.5e308);
    const expected: Record<number, [bigint, bigint]> = {
      [RNE]: [F64.infinity, F64.infinity | F64.signBit],
      [RTZ]: [F64.maxFinite, F64.maxFinite | F64.signBit],
      [RDN]: [F64.maxFinite, F64.infinity | F64.signBit],
      [RUP]: [F64.infinity, F64.maxFinite | F64.signBit],
      [RMM]: [F64.infinity, F64.infinity | F64.signBit],
    };
    for (const rm of MODES) {
      const [pos, fp] = run(() => sf.add(F64, big, big, rm));
      const [neg] = run(() => sf.add(F64, big | F64.signBit, big | F64.signBit, rm));
      expect([pos, neg], `rm ${rm}`).toEqual(expected[rm]);
      expect(fp).toBe(OF | NX);
    }
    // Rounding up to the next binade past the largest finite single.
    const [r, fl] = run(() => sf.convert(F64, F32, dbl(3.4028235677973366e38 + 2 ** 103), RNE));
    expect(r).toBe(F32.infinity);
    expect(fl).toBe(OF | NX);
  });

  it('invalid operations give the canonical NaN with NV; NaN operands propagate quietly', () => {
    const inf = F64.infinity;
    const qnan = 0x7ff8000000000abcn; // a payload
    const snan = 0x7ff0000000000abcn;
    const cases: [string, () => bigint, number][] = [
      ['inf - inf', () => sf.add(F64, inf, inf | F64.signBit, RNE), NV],
      ['0 * inf', () => sf.mul(F64, 0n, inf, RNE), NV],
      ['0 / 0', () => sf.div(F64, 0n, 0n, RNE), NV],
      ['inf / inf', () => sf.div(F64, inf, inf, RNE), NV],
      ['sqrt(-1)', () => sf.sqrt(F64, dbl(-1), RNE), NV],
      ['qNaN + 1', () => sf.add(F64, qnan, dbl(1), RNE), 0],
      ['sNaN + 1', () => sf.add(F64, snan, dbl(1), RNE), NV],
      ['fma(inf, 0, qNaN)', () => sf.fma(F64, inf, 0n, qnan, RNE), NV],
      ['fma(1, 1, sNaN)', () => sf.fma(F64, dbl(1), dbl(1), snan, RNE), NV],
      ['fma(inf, 1, -inf)', () => sf.fma(F64, inf, dbl(1), inf | F64.signBit, RNE), NV],
      ['fcvt.s.d(sNaN)', () => sf.convert(F64, F32, snan, RNE), NV],
      ['fcvt.d.s(qNaN)', () => sf.convert(F32, F64, 0x7fc01234n, RNE), 0],
    ];
    for (const [label, fn, flags] of cases) {
      const [r, fl] = run(fn);
      expect(r === F64.canonicalNaN || r === F32.canonicalNaN, label).toBe(true);
      expect(fl, label).toBe(flags);
    }
    const [d, fd] = run(() => sf.div(F64, dbl(-1), 0n, RNE));
    expect(d).toBe(F64.infinity | F64.signBit);
    expect(fd).toBe(DZ);
  });

  it('signed zeros: x - x, -0 + -0, sqrt(-0), and RDN', () => {
    const x = dbl(1.25);
    expect(sf.sub(F64, x, x, RNE)).toBe(0n);
    expect(sf.sub(F64, x, x, RDN)).toBe(F64.signBit);
    expect(sf.add(F64, F64.signBit, F64.signBit, RNE)).toBe(F64.signBit);
    expect(sf.add(F64, F64.signBit, 0n, RNE)).toBe(0n);
    expect(sf.sqrt(F64, F64.signBit, RNE)).toBe(F64.signBit);
    expect(sf.mul(F64, F64.signBit, dbl(3), RNE)).toBe(F64.signBit);
    // fma: an exactly cancelling sum is +0 (-0 under RDN); a zero product keeps the add rules.
    expect(sf.fma(F64, dbl(2), dbl(3), dbl(-6), RNE)).toBe(0n);
    expect(sf.fma(F64, dbl(2), dbl(3), dbl(-6), RDN)).toBe(F64.signBit);
    expect(sf.fma(F64, F64.signBit, dbl(3), F64.signBit, RNE)).toBe(F64.signBit);
  });

  it('fma rounds once: cases where rounding the product first gives another answer', () => {
    // (1 + 2^-27)^2 - 1 = 2^-26 + 2^-54: the product alone would round the 2^-54 away.
    const a = dbl(1 + 2 ** -27);
    expect(sf.fma(F64, a, a, dbl(-1), RNE)).toBe(dbl(2 ** -26 + 2 ** -54));
    // Single: (1 + 2^-12)^2 - 1 = 2^-11 + 2^-24.
    const s = sgl(1 + 2 ** -12);
    expect(sf.fma(F32, s, s, sgl(-1), RNE)).toBe(sgl(2 ** -11 + 2 ** -24));
    // A sticky product: a*b + c where the product's low bits decide a tie.
    const [r, fl] = run(() => sf.fma(F64, dbl(1 + 2 ** -52), dbl(1 + 2 ** -52), dbl(2 ** -53), RNE));
    // exact = 1 + 2^-51 + 2^-104 + 2^-53: above the midpoint of 1 + 2^-51 and 1 + 3·2^-52.
    expect(r).toBe(dbl(1 + 3 * 2 ** -52));
    expect(fl).toBe(NX);
  });

  it('float-to-integer conversions saturate with NV and round per mode', () => {
    const cases: [number, 32 | 64, boolean, RoundingMode, bigint, number][] = [
      [2.5, 32, true, RNE, 2n, NX],
      [-2.5, 32, true, RNE, -2n, NX],
      [-2.5, 32, true, RMM, -3n, NX],
      [-2.5, 32, true, RDN, -3n, NX],
      [2.1, 64, true, RUP, 3n, NX],
      [2 ** 31, 32, true, RNE, 2n ** 31n - 1n, NV],
      [-(2 ** 31), 32, true, RNE, -(2n ** 31n), 0],
      [-(2 ** 31) - 0.5, 32, true, RTZ, -(2n ** 31n), NX],
      [-(2 ** 31) - 1, 32, true, RTZ, -(2n ** 31n), NV],
      [2 ** 32 - 1, 32, false, RNE, 2n ** 32n - 1n, 0],
      [2 ** 32, 32, false, RNE, 2n ** 32n - 1n, NV],
      [-1, 32, false, RNE, 0n, NV],
      [-0.4, 64, false, RNE, 0n, NX],
      [-0.6, 64, false, RNE, 0n, NV],
      [2 ** 63, 64, true, RNE, 2n ** 63n - 1n, NV],
      [2 ** 63, 64, false, RNE, 2n ** 63n, 0],
      [2 ** 64, 64, false, RNE, 2n ** 64n - 1n, NV],
      [Infinity, 64, true, RNE, 2n ** 63n - 1n, NV],
      [-Infinity, 64, true, RNE, -(2n ** 63n), NV],
      [-Infinity, 64, false, RNE, 0n, NV],
      [NaN, 32, false, RNE, 2n ** 32n - 1n, NV],
      [NaN, 64, true, RNE, 2n ** 63n - 1n, NV],
    ];
    for (const [x, bits, signed, rm, value, flags] of cases) {
      const label = `${x} -> ${signed ? 'i' : 'u'}${bits} rm ${rm}`;
      const [r, fl] = run(() => sf.toInt(F64, dbl(x), rm, bits, signed));
      expect(r, label).toBe(value);
      expect(fl, label).toBe(flags);
    }
    // A negative NaN is still NaN: the maximum, not the minimum.
    expect(sf.toInt(F64, 0xfff8000000000000n, RNE, 32, true)).toBe(2n ** 31n - 1n);
  });

  it('fmin/fmax, compares and fclass on NaNs and zeros', () => {
    const snan = 0x7f800001n;
    const qnan = 0x7fc00005n;
    const one = sgl(1);
    expect(run(() => sf.minMax(F32, snan, one, false))).toEqual([one, NV]);
    expect(run(() => sf.minMax(F32, qnan, one, true))).toEqual([one, 0]);
    expect(run(() => sf.minMax(F32, qnan, snan, true))).toEqual([F32.canonicalNaN, NV]);
    expect(sf.minMax(F32, 0x80000000n, 0n, false)).toBe(0x80000000n);
    expect(sf.minMax(F32, 0n, 0x80000000n, true)).toBe(0n);
    expect(run(() => sf.eq(F32, qnan, qnan))).toEqual([false, 0]);
    expect(run(() => sf.eq(F32, snan, one))).toEqual([false, NV]);
    expect(run(() => sf.le(F32, qnan, one))).toEqual([false, NV]);
    expect(sf.eq(F32, 0n, 0x80000000n)).toBe(true);
    expect(sf.lt(F32, sgl(-2), sgl(-1))).toBe(true);
    const classes = [sgl(-Infinity), sgl(-1), 0x80000001n, 0x80000000n, 0n, 1n, one, sgl(Infinity), snan, qnan].map((x) => sf.classify(F32, x));
    expect(classes).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
  });
});

describe('FpUnit: the host fast path agrees with the software path', () => {
  const rng = new Rng();
  const state = new HartState();
  const unit = new FpUnit(state, true, () => new Error('illegal'));
  const soft = new SoftFloat();
  const word = (f5: number, fmt: number, rd: number, rs1: number, rs2: number, rm: number): number =>
    ((f5 << 27) | (fmt << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | 0x53) >>> 0;
  const reference = (f: FloatFormat, f5: number, a: bigint, b: bigint): bigint =>
    f5 === 0 ? soft.add(f, a, b, RNE) : f5 === 1 ? soft.sub(f, a, b, RNE) : f5 === 2 ? soft.mul(f, a, b, RNE) : f5 === 3 ? soft.div(f, a, b, RNE) : soft.sqrt(f, a, RNE);

  function check(f: FloatFormat, f5: number, a: bigint, b: bigint, rm: number): void {
    const box = f === F32 ? 0xffffffff00000000n : 0n;
    state.f64[1] = box | a;
    state.f64[2] = box | b;
    state.fflags = 0;
    state.frm = 0;
    unit.op(word(f5, f === F32 ? 0 : 1, 3, 1, f5 === 0x0b ? 0 : 2, rm), 0);
    soft.flags = 0;
    const want = reference(f, f5, a, b);
    const label = `${f.name} f5 ${f5}: ${a.toString(16)} ${b.toString(16)}`;
    expect(state.f64[3]! & (f === F32 ? 0xffffffffn : 0xffffffffffffffffn), label).toBe(want);
    expect(state.fflags, label).toBe(soft.flags);
  }

  it('on random operands of every kind, static and dynamic RNE, both formats', () => {
    for (let i = 0; i < 6000; i++) {
      for (const f of [F64, F32]) {
        const a = rng.operand(f);
        const b = rng.operand(f);
        for (const f5 of [0, 1, 2, 3, 0x0b]) check(f, f5, a, b, i & 1 ? 7 : 0);
      }
    }
  });

  function checkFma(f: FloatFormat, kind: number, a: bigint, b: bigint, c: bigint, rm: number): void {
    const box = f === F32 ? 0xffffffff00000000n : 0n;
    state.f64[1] = box | a;
    state.f64[2] = box | b;
    state.f64[4] = box | c;
    state.fflags = 0;
    state.frm = 0;
    const opcode = 0x43 | (kind << 2);
    unit.fma(((4 << 27) | ((f === F32 ? 0 : 1) << 25) | (2 << 20) | (1 << 15) | (rm << 12) | (3 << 7) | opcode) >>> 0, 0);
    soft.flags = 0;
    const want = soft.fma(f, kind >= 2 ? a ^ f.signBit : a, b, kind === 1 || kind === 3 ? c ^ f.signBit : c, RNE);
    const label = `${f.name} fma kind ${kind}: ${a.toString(16)} ${b.toString(16)} ${c.toString(16)}`;
    expect(state.f64[3]! & (f === F32 ? 0xffffffffn : 0xffffffffffffffffn), label).toBe(want);
    expect(state.fflags, label).toBe(soft.flags);
  }

  it('fused multiply-add (rounding to odd on the host) on random operands, and on near-cancelling ones', () => {
    for (let i = 0; i < 6000; i++) {
      for (const f of [F64, F32]) {
        const a = rng.operand(f);
        const b = rng.operand(f);
        // Half the time an addend that nearly cancels the product: the hard cases.
        const c = i % 2 === 0 ? rng.operand(f) : (f === F64 ? soft.mul(F64, a, b, RNE) ^ F64.signBit ^ BigInt(rng.int(5)) : soft.mul(F32, a, b, RNE) ^ F32.signBit ^ BigInt(rng.int(5)));
        checkFma(f, i & 3, a, b, f.width === 32 ? c & 0xffffffffn : c, i & 4 ? 7 : 0);
      }
    }
    // Single: (2^-24 (1 + 2^-18)) (1 - 2^-18) + (1 + 2^-23) lies just below a midpoint that
    // rounding to double first would land on (and then round to even, the wrong way).
    checkFma(F32, 0, sgl(2 ** -24 * (1 + 2 ** -18)), sgl(1 - 2 ** -18), sgl(1 + 2 ** -23), 0);
    expect(state.f64[3]! & 0xffffffffn).toBe(sgl(1 + 2 ** -23));
    // Double: 1 + 2^-53 (1 - 2^-60): just below the midpoint of 1 and 1 + 2^-52.
    checkFma(F64, 0, dbl(2 ** -53 * (1 + 2 ** -30)), dbl(1 - 2 ** -30), dbl(1), 0);
    expect(state.f64[3]!).toBe(dbl(1));
    checkFma(F64, 0, dbl(2 ** -53 * (1 + 2 ** -30)), dbl(1 + 2 ** -30), dbl(1), 0);
    expect(state.f64[3]!).toBe(dbl(1 + 2 ** -52));
    // Dot-product shapes: a large accumulator plus a small product, and the reverse.
    for (let i = 0; i < 3000; i++) {
      const x = fromDbl(rng.operand(F64, false)) || 1;
      const y = Math.abs(x) < 1e-300 || Math.abs(x) > 1e300 ? 1.1 : x;
      checkFma(F64, 0, dbl(y), dbl(1 + (i % 97) * 2 ** -40), dbl(y * 2 ** ((i % 120) - 60)), 0);
    }
  });

  it('sign injection, compares, moves and conversions to and from integers', () => {
    const run = (word: number, lo = 0, hi = 0): { f3: bigint; x: [number, number]; flags: number } => {
      state.fflags = 0;
      const f5 = word >>> 27;
      if (f5 === 0x14 || f5 === 0x18 || f5 === 0x1c) unit.toX(word, 0);
      else if (f5 === 0x1a || f5 === 0x1e) unit.fromX(word, lo, hi, 0);
      else unit.op(word, 0);
      return { f3: state.f64[3]!, x: [unit.lo, unit.hi], flags: state.fflags };
    };
    const viaSoft = (word: number, lo = 0, hi = 0) => {
      // The software path: the same unit with the fast paths out of reach (an rs1/rs2 copy
      // through BigInt registers gives identical inputs; the answer must be identical).
      const f5 = word >>> 27;
      const fmt = (word >>> 25) & 1;
      const f = fmt === 1 ? F64 : F32;
      const a = fmt === 1 ? state.f64[1]! : (state.f64[1]! >> 32n === 0xffffffffn ? state.f64[1]! & 0xffffffffn : f.canonicalNaN);
      const b = fmt === 1 ? state.f64[2]! : (state.f64[2]! >> 32n === 0xffffffffn ? state.f64[2]! & 0xffffffffn : f.canonicalNaN);
      soft.flags = 0;
      const f3 = (word >>> 12) & 7;
      if (f5 === 0x14) return { x: BigInt(f3 === 2 ? soft.eq(f, a, b) : f3 === 1 ? soft.lt(f, a, b) : soft.le(f, a, b) ? 1 : 0), flags: soft.flags };
      if (f5 === 0x18) {
        const kind = (word >>> 20) & 31;
        const v = soft.toInt(f, a, 1, kind < 2 ? 32 : 64, (kind & 1) === 0);
        return { x: BigInt.asUintN(64, kind < 2 ? BigInt.asIntN(32, v) : v), flags: soft.flags };
      }
      if (f5 === 0x1a) {
        const kind = (word >>> 20) & 31;
        const value = kind === 0 ? BigInt(lo) : kind === 1 ? BigInt(lo >>> 0) : kind === 2 ? (BigInt(hi) << 32n) | BigInt(lo >>> 0) : (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
        return { f: soft.fromInt(f, value, RNE), flags: soft.flags };
      }
      const sign = f3 === 0 ? b & f.signBit : f3 === 1 ? ~b & f.signBit : (a ^ b) & f.signBit;
      return { f: (a & ~f.signBit) | sign, flags: 0 };
    };
    const x64 = (x: [number, number]): bigint => (BigInt(x[1] >>> 0) << 32n) | BigInt(x[0] >>> 0);
    // The conversions' range limits, exactly and around.
    const limits = [2 ** 31, 2 ** 31 - 0.5, 2 ** 31 - 1, -(2 ** 31), -(2 ** 31) - 0.5, -(2 ** 31) - 1, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), 2 ** 63, -(2 ** 63), 0.5, -0.5, -0];
    for (const v of limits) {
      for (const fmt of [0, 1]) {
        state.f64[1] = fmt === 1 ? dbl(v) : 0xffffffff00000000n | sgl(v);
        for (const kind of [0, 2]) {
          const c = word(0x18, fmt, 3, 1, kind, 1);
          const gc = run(c);
          const wc = viaSoft(c);
          expect([x64(gc.x), gc.flags], `fcvt kind ${kind} of ${v}`).toEqual([wc.x, wc.flags]);
        }
      }
    }
    for (let i = 0; i < 4000; i++) {
      for (const fmt of [0, 1]) {
        const f = fmt === 1 ? F64 : F32;
        const box = fmt === 0 ? 0xffffffff00000000n : 0n;
        state.f64[1] = box | rng.operand(f);
        state.f64[2] = i % 50 === 0 ? rng.next() : box | (i % 3 === 0 ? state.f64[1]! & ~box : rng.operand(f)); // sometimes unboxed
        for (const f3 of [0, 1, 2]) {
          const w = word(0x04, fmt, 3, 1, 2, f3);
          const got = run(w);
          const want = viaSoft(w);
          expect(got.f3 & (fmt === 1 ? (1n << 64n) - 1n : 0xffffffffn), `fsgnj ${f3}`).toBe(want.f);
          if (fmt === 0) expect(got.f3 >> 32n).toBe(0xffffffffn);
          const c = word(0x14, fmt, 3, 1, 2, f3);
          const gc = run(c);
          const wc = viaSoft(c);
          expect([BigInt(gc.x[0]), gc.flags], `compare ${f3}`).toEqual([wc.x, wc.flags]);
        }
        for (const kind of [0, 2]) {
          const c = word(0x18, fmt, 3, 1, kind, 1);
          const gc = run(c);
          const wc = viaSoft(c);
          expect([x64(gc.x), gc.flags], `fcvt kind ${kind} of ${state.f64[1]!.toString(16)}`).toEqual([wc.x, wc.flags]);
        }
        const n = BigInt.asIntN(64, rng.next()) >> BigInt(rng.int(64));
        const lo = Number(BigInt.asIntN(32, n));
        const hi = Number(BigInt.asIntN(32, n >> 32n));
        for (const kind of [0, 1, 2, 3]) {
          const c = word(0x1a, fmt, 3, 1, kind, 0);
          const gc = run(c, lo, hi);
          const wc = viaSoft(c, lo, hi);
          expect([gc.f3 & (fmt === 1 ? (1n << 64n) - 1n : 0xffffffffn), gc.flags], `fcvt from ${n} kind ${kind}`).toEqual([wc.f, wc.flags]);
        }
        const mv = run(word(0x1c, fmt, 3, 1, 0, 0));
        expect(x64(mv.x)).toBe(fmt === 1 ? state.f64[1]! : BigInt.asUintN(64, BigInt.asIntN(32, state.f64[1]! & 0xffffffffn)));
      }
    }
  });

  it('at the edges: results of exactly 2^-126 and near overflow, products near the split limits', () => {
    const one = sgl(1);
    check(F32, 2, sgl(2 ** -126 * (1 - 2 ** -24) * 2), sgl(0.5), 0); // tiny, rounds to 2^-126: UF
    check(F32, 2, sgl(1 - 2 ** -24), sgl(2 ** -126), 0);
    check(F32, 0, sgl(3.4028234663852886e38), sgl(2 ** 103), 0); // overflow
    check(F32, 3, one, sgl(3), 0);
    check(F64, 2, dbl(2 ** 994 * 1.9999999999999998), dbl(2 ** 28), 0);
    check(F64, 2, dbl(1.7976931348623157e308 / 3), dbl(3.0000000000000004), 0);
    check(F64, 0, dbl(1.7976931348623157e308), dbl(1.7976931348623157e308), 0);
    check(F64, 2, dbl(2 ** -500), dbl(2 ** -468 * 1.5), 0);
    check(F64, 3, dbl(2 ** -960), dbl(2 ** 10), 0);
    check(F64, 0x0b, dbl(2), 0n, 0);
    check(F64, 0x0b, dbl(2 ** -1000), 0n, 0);
    check(F64, 1, dbl(1), dbl(1), 0); // +0
  });
});

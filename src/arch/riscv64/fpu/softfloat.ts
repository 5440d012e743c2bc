/**
 * A software IEEE 754 implementation of binary32 and binary64 on raw bits, as RISC-V's F
 * and D extensions define it: the five rounding modes, the five exception flags (tininess
 * detected after rounding), the canonical NaN for every NaN result, RISC-V's saturating
 * float-to-integer conversions and the 2019 minimumNumber/maximumNumber rules.
 *
 * Every result is computed exactly with BigInt and rounded once (fused multiply-add
 * included), so nothing depends on the host's float arithmetic: the same bits and flags on
 * every host and every tier. Values travel as unsigned bigints holding the format's bits
 * (a binary32 is a bigint below 2^32).
 */

/** Rounding modes (the `rm` field and `frm`). */
export const RNE = 0;
export const RTZ = 1;
export const RDN = 2;
export const RUP = 3;
export const RMM = 4;
export type RoundingMode = 0 | 1 | 2 | 3 | 4;

/** Exception flags, as in fflags. */
export const NX = 1;
export const UF = 2;
export const OF = 4;
export const DZ = 8;
export const NV = 16;

/** An IEEE binary interchange format. */
export interface FloatFormat {
  readonly name: 's' | 'd';
  /** Total width in bits. */
  readonly width: 32 | 64;
  readonly expBits: number;
  readonly fracBits: number;
  readonly bias: number;
  /** The exponent of the smallest normal number (1 - bias). */
  readonly emin: number;
  /** The all-ones biased exponent (infinities and NaNs). */
  readonly expMax: number;
  readonly signBit: bigint;
  readonly canonicalNaN: bigint;
  readonly infinity: bigint;
  readonly maxFinite: bigint;
}

function format(name: 's' | 'd', width: 32 | 64, expBits: number): FloatFormat {
  const fracBits = width - 1 - expBits;
  const bias = (1 << (expBits - 1)) - 1;
  const expMax = (1 << expBits) - 1;
  const infinity = BigInt(expMax) << BigInt(fracBits);
  return {
    name,
    width,
    expBits,
    fracBits,
    bias,
    emin: 1 - bias,
    expMax,
    signBit: 1n << BigInt(width - 1),
    canonicalNaN: infinity | (1n << BigInt(fracBits - 1)),
    infinity,
    maxFinite: infinity - 1n,
  };
}

export const F32: FloatFormat = format('s', 32, 8);
export const F64: FloatFormat = format('d', 64, 11);

/** fclass bits. */
export const CLASS_NEG_INF = 1 << 0;
export const CLASS_NEG_NORMAL = 1 << 1;
export const CLASS_NEG_SUBNORMAL = 1 << 2;
export const CLASS_NEG_ZERO = 1 << 3;
export const CLASS_POS_ZERO = 1 << 4;
export const CLASS_POS_SUBNORMAL = 1 << 5;
export const CLASS_POS_NORMAL = 1 << 6;
export const CLASS_POS_INF = 1 << 7;
export const CLASS_SNAN = 1 << 8;
export const CLASS_QNAN = 1 << 9;

/** Number of significant bits of a non-negative bigint (0 for 0). */
export function bitLength(x: bigint): number {
  if (x === 0n) return 0;
  const hex = x.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0]!, 16)));
}

/** The integer square root of a non-negative bigint (floor). */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** A finite value as sign × sig × 2^exp (sig exact; 0 for zeros). */
interface Finite {
  sign: 0 | 1;
  sig: bigint;
  exp: number;
}

/**
 * The arithmetic, with its accumulated exception flags in `flags` (the caller ORs them
 * into fflags and clears them). Methods take and return raw bits of `f`.
 */
export class SoftFloat {
  /** Exception flags raised since the caller last cleared them. */
  flags = 0;

  // ------------------------------------------------------------------ classification

  isNaN(f: FloatFormat, a: bigint): boolean {
    return (a & ~f.signBit) > f.infinity;
  }

  isSignalingNaN(f: FloatFormat, a: bigint): boolean {
    return this.isNaN(f, a) && (a & (1n << BigInt(f.fracBits - 1))) === 0n;
  }

  isInf(f: FloatFormat, a: bigint): boolean {
    return (a & ~f.signBit) === f.infinity;
  }

  isZero(f: FloatFormat, a: bigint): boolean {
    return (a & ~f.signBit) === 0n;
  }

  signOf(f: FloatFormat, a: bigint): 0 | 1 {
    return (a & f.signBit) === 0n ? 0 : 1;
  }

  /** A finite value's exact sign, significand and exponent. */
  private unpack(f: FloatFormat, a: bigint): Finite {
    const biased = Number((a >> BigInt(f.fracBits)) & BigInt(f.expMax));
    const frac = a & ((1n << BigInt(f.fracBits)) - 1n);
    const sign = this.signOf(f, a);
    if (biased === 0) return { sign, sig: frac, exp: f.emin - f.fracBits };
    return { sign, sig: frac | (1n << BigInt(f.fracBits)), exp: biased - f.bias - f.fracBits };
  }

  /** The canonical NaN, with NV when any input is a signalling NaN. */
  private nan(f: FloatFormat, inputs: readonly (readonly [FloatFormat, bigint])[]): bigint {
    for (const [g, x] of inputs) if (this.isSignalingNaN(g, x)) this.flags |= NV;
    return f.canonicalNaN;
  }

  private invalid(f: FloatFormat): bigint {
    this.flags |= NV;
    return f.canonicalNaN;
  }

  // ------------------------------------------------------------------ rounding

  /**
   * Rounds sig × 2^exp (plus a nonzero amount below one unit of 2^exp when `sticky`) to a
   * multiple of 2^q. Returns the multiple's count and whether it was inexact.
   */
  private roundAt(sig: bigint, exp: number, sticky: boolean, q: number, sign: 0 | 1, rm: RoundingMode): { m: bigint; inexact: boolean } {
    const shift = q - exp;
    let m: bigint;
    let cmp: number; // the discarded part against half a unit: -1 below, 0 equal, 1 above
    if (shift <= 0) {
      m = sig << BigInt(-shift);
      if (!sticky) return { m, inexact: false };
      cmp = -1;
    } else {
      const s = BigInt(shift);
      m = sig >> s;
      const rem = sig & ((1n << s) - 1n);
      if (rem === 0n && !sticky) return { m, inexact: false };
      const half = 1n << (s - 1n);
      cmp = rem > half ? 1 : rem < half ? -1 : sticky ? 1 : 0;
    }
    let up: boolean;
    switch (rm) {
      case RNE:
        up = cmp > 0 || (cmp === 0 && (m & 1n) === 1n);
        break;
      case RTZ:
        up = false;
        break;
      case RDN:
        up = sign === 1;
        break;
      case RUP:
        up = sign === 0;
        break;
      default:
        up = cmp >= 0;
    }
    return { m: up ? m + 1n : m, inexact: true };
  }

  /**
   * The correctly rounded `f` for (-1)^sign × (sig + ε) × 2^exp, ε in (0, 1) when
   * `sticky`, else 0; sig > 0 or sticky. Raises NX, UF (tiny after rounding and inexact)
   * and OF.
   */
  roundPack(f: FloatFormat, sign: 0 | 1, sig: bigint, exp: number, sticky: boolean, rm: RoundingMode): bigint {
    const signBits = sign === 1 ? f.signBit : 0n;
    const m = f.fracBits;
    const top = exp + bitLength(sig) - 1; // exponent of the leading bit
    if (sig !== 0n && top >= f.emin) {
      let q = top - m;
      let { m: r, inexact } = this.roundAt(sig, exp, sticky, q, sign, rm);
      if (r >> BigInt(m + 1) !== 0n) {
        r >>= 1n;
        q++;
      }
      const biased = q + m + f.bias;
      if (biased >= f.expMax) {
        this.flags |= OF | NX;
        const toMax = rm === RTZ || (rm === RDN && sign === 0) || (rm === RUP && sign === 1);
        return signBits | (toMax ? f.maxFinite : f.infinity);
      }
      if (inexact) this.flags |= NX;
      return signBits | (BigInt(biased) << BigInt(m)) | (r & ((1n << BigInt(m)) - 1n));
    }
    // Below the normal range: round to the subnormal quantum; tininess after rounding is
    // judged on the value rounded to full precision with an unbounded exponent.
    const { m: r, inexact } = this.roundAt(sig, exp, sticky, f.emin - m, sign, rm);
    if (inexact) {
      let tiny = true;
      if (sig !== 0n && top === f.emin - 1) {
        const unbounded = this.roundAt(sig, exp, sticky, top - m, sign, rm);
        tiny = unbounded.m >> BigInt(m + 1) === 0n;
      }
      this.flags |= NX | (tiny ? UF : 0);
    }
    // A subnormal's bits are its count of quanta (2^m of them is the smallest normal).
    return signBits | r;
  }

  // ------------------------------------------------------------------ arithmetic

  add(f: FloatFormat, a: bigint, b: bigint, rm: RoundingMode): bigint {
    if (this.isNaN(f, a) || this.isNaN(f, b)) return this.nan(f, [[f, a], [f, b]]);
    const ia = this.isInf(f, a);
    const ib = this.isInf(f, b);
    if (ia && ib) return this.signOf(f, a) === this.signOf(f, b) ? a : this.invalid(f);
    if (ia) return a;
    if (ib) return b;
    return this.addFinite(f, this.unpack(f, a), this.unpack(f, b), rm);
  }

  sub(f: FloatFormat, a: bigint, b: bigint, rm: RoundingMode): bigint {
    return this.add(f, a, this.isNaN(f, b) ? b : b ^ f.signBit, rm);
  }

  /** The exact sum of two finite values, rounded once. */
  private addFinite(f: FloatFormat, x: Finite, y: Finite, rm: RoundingMode): bigint {
    const e = Math.min(x.exp, y.exp);
    const vx = (x.sig << BigInt(x.exp - e)) * (x.sign === 1 ? -1n : 1n);
    const vy = (y.sig << BigInt(y.exp - e)) * (y.sign === 1 ? -1n : 1n);
    const sum = vx + vy;
    if (sum === 0n) {
      // Exact zero: the common sign of two like-signed zeros, else +0 (-0 rounding down).
      const sign = x.sign === y.sign ? x.sign : rm === RDN ? 1 : 0;
      return sign === 1 ? f.signBit : 0n;
    }
    return this.roundPack(f, sum < 0n ? 1 : 0, sum < 0n ? -sum : sum, e, false, rm);
  }

  mul(f: FloatFormat, a: bigint, b: bigint, rm: RoundingMode): bigint {
    if (this.isNaN(f, a) || this.isNaN(f, b)) return this.nan(f, [[f, a], [f, b]]);
    const sign = (this.signOf(f, a) ^ this.signOf(f, b)) as 0 | 1;
    const signBits = sign === 1 ? f.signBit : 0n;
    const ia = this.isInf(f, a);
    const ib = this.isInf(f, b);
    if (ia || ib) {
      if (this.isZero(f, a) || this.isZero(f, b)) return this.invalid(f);
      return signBits | f.infinity;
    }
    if (this.isZero(f, a) || this.isZero(f, b)) return signBits;
    const x = this.unpack(f, a);
    const y = this.unpack(f, b);
    return this.roundPack(f, sign, x.sig * y.sig, x.exp + y.exp, false, rm);
  }

  /**
   * a × b + c with a single rounding (the product is exact). The negated forms negate a
   * (fnmsub, fnmadd) and c (fmsub, fnmadd) before calling this. ∞ × 0 raises NV even when
   * c is a quiet NaN, as RISC-V requires.
   */
  fma(f: FloatFormat, a: bigint, b: bigint, c: bigint, rm: RoundingMode): bigint {
    const infTimesZero = (this.isInf(f, a) && this.isZero(f, b)) || (this.isZero(f, a) && this.isInf(f, b));
    if (this.isNaN(f, a) || this.isNaN(f, b) || this.isNaN(f, c)) {
      if (infTimesZero) this.flags |= NV;
      return this.nan(f, [[f, a], [f, b], [f, c]]);
    }
    if (infTimesZero) return this.invalid(f);
    const ps = (this.signOf(f, a) ^ this.signOf(f, b)) as 0 | 1;
    if (this.isInf(f, a) || this.isInf(f, b)) {
      if (this.isInf(f, c) && this.signOf(f, c) !== ps) return this.invalid(f);
      return (ps === 1 ? f.signBit : 0n) | f.infinity;
    }
    if (this.isInf(f, c)) return c;
    const x = this.unpack(f, a);
    const y = this.unpack(f, b);
    const product: Finite = { sign: ps, sig: x.sig * y.sig, exp: x.exp + y.exp };
    return this.addFinite(f, product, this.unpack(f, c), rm);
  }

  div(f: FloatFormat, a: bigint, b: bigint, rm: RoundingMode): bigint {
    if (this.isNaN(f, a) || this.isNaN(f, b)) return this.nan(f, [[f, a], [f, b]]);
    const sign = (this.signOf(f, a) ^ this.signOf(f, b)) as 0 | 1;
    const signBits = sign === 1 ? f.signBit : 0n;
    const ia = this.isInf(f, a);
    const ib = this.isInf(f, b);
    if (ia && ib) return this.invalid(f);
    if (ia) return signBits | f.infinity;
    if (ib) return signBits;
    const za = this.isZero(f, a);
    if (this.isZero(f, b)) {
      if (za) return this.invalid(f);
      this.flags |= DZ;
      return signBits | f.infinity;
    }
    if (za) return signBits;
    const x = this.unpack(f, a);
    const y = this.unpack(f, b);
    // Enough quotient bits for the precision plus guard bits; the remainder is the sticky bit.
    const k = Math.max(0, f.fracBits + 4 + bitLength(y.sig) - bitLength(x.sig));
    const n = x.sig << BigInt(k);
    const q = n / y.sig;
    return this.roundPack(f, sign, q, x.exp - y.exp - k, q * y.sig !== n, rm);
  }

  sqrt(f: FloatFormat, a: bigint, rm: RoundingMode): bigint {
    if (this.isNaN(f, a)) return this.nan(f, [[f, a]]);
    if (this.isZero(f, a)) return a;
    if (this.signOf(f, a) === 1) return this.invalid(f);
    if (this.isInf(f, a)) return a;
    let { sig, exp } = this.unpack(f, a);
    if ((exp & 1) !== 0) {
      sig <<= 1n;
      exp -= 1;
    }
    // Scale by 4^k so the root has the precision plus guard bits.
    const k = Math.max(0, f.fracBits + 4 - (bitLength(sig) >> 1));
    const n = sig << BigInt(2 * k);
    const r = isqrt(n);
    return this.roundPack(f, 0, r, (exp >> 1) - k, r * r !== n, rm);
  }

  // ------------------------------------------------------------------ comparisons

  /** feq: quiet (NV only for a signalling NaN). */
  eq(f: FloatFormat, a: bigint, b: bigint): boolean {
    if (this.isNaN(f, a) || this.isNaN(f, b)) {
      this.nan(f, [[f, a], [f, b]]);
      return false;
    }
    return a === b || (this.isZero(f, a) && this.isZero(f, b));
  }

  /** flt: signalling (NV for any NaN). */
  lt(f: FloatFormat, a: bigint, b: bigint): boolean {
    if (this.isNaN(f, a) || this.isNaN(f, b)) {
      this.flags |= NV;
      return false;
    }
    return this.compare(f, a, b) < 0;
  }

  /** fle: signalling (NV for any NaN). */
  le(f: FloatFormat, a: bigint, b: bigint): boolean {
    if (this.isNaN(f, a) || this.isNaN(f, b)) {
      this.flags |= NV;
      return false;
    }
    return this.compare(f, a, b) <= 0;
  }

  /** Orders two non-NaN values (-0 equals +0). */
  private compare(f: FloatFormat, a: bigint, b: bigint): number {
    if (this.isZero(f, a) && this.isZero(f, b)) return 0;
    const sa = this.signOf(f, a);
    const sb = this.signOf(f, b);
    if (sa !== sb) return sa === 1 ? -1 : 1;
    const ma = a & ~f.signBit;
    const mb = b & ~f.signBit;
    const c = ma < mb ? -1 : ma > mb ? 1 : 0;
    return sa === 1 ? -c : c;
  }

  /**
   * fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber): a NaN operand yields the other
   * one, two NaNs the canonical NaN, a signalling NaN raises NV, and -0 < +0.
   */
  minMax(f: FloatFormat, a: bigint, b: bigint, max: boolean): bigint {
    const na = this.isNaN(f, a);
    const nb = this.isNaN(f, b);
    if (na || nb) {
      if (this.isSignalingNaN(f, a) || this.isSignalingNaN(f, b)) this.flags |= NV;
      if (na && nb) return f.canonicalNaN;
      return na ? b : a;
    }
    let c = this.compare(f, a, b);
    if (c === 0) c = this.signOf(f, a) === 1 ? -1 : this.signOf(f, b) === 1 ? 1 : 0;
    return (max ? c >= 0 : c <= 0) ? a : b;
  }

  classify(f: FloatFormat, a: bigint): number {
    const neg = this.signOf(f, a) === 1;
    if (this.isNaN(f, a)) return this.isSignalingNaN(f, a) ? CLASS_SNAN : CLASS_QNAN;
    if (this.isInf(f, a)) return neg ? CLASS_NEG_INF : CLASS_POS_INF;
    if (this.isZero(f, a)) return neg ? CLASS_NEG_ZERO : CLASS_POS_ZERO;
    const subnormal = ((a >> BigInt(f.fracBits)) & BigInt(f.expMax)) === 0n;
    if (subnormal) return neg ? CLASS_NEG_SUBNORMAL : CLASS_POS_SUBNORMAL;
    return neg ? CLASS_NEG_NORMAL : CLASS_POS_NORMAL;
  }

  // ------------------------------------------------------------------ conversions

  /** Between formats (fcvt.s.d, fcvt.d.s): NaNs become the canonical NaN. */
  convert(from: FloatFormat, to: FloatFormat, a: bigint, rm: RoundingMode): bigint {
    if (this.isNaN(from, a)) return this.nan(to, [[from, a]]);
    const signBits = this.signOf(from, a) === 1 ? to.signBit : 0n;
    if (this.isInf(from, a)) return signBits | to.infinity;
    if (this.isZero(from, a)) return signBits;
    const x = this.unpack(from, a);
    return this.roundPack(to, x.sign, x.sig, x.exp, false, rm);
  }

  /**
   * To a `bits`-bit signed or unsigned integer, rounded per rm, with RISC-V's saturation:
   * NaN and +∞ give the maximum, -∞ the minimum, out-of-range values the nearest bound,
   * all with NV (and no NX). Returns the integer's value (signed or unsigned as asked).
   */
  toInt(f: FloatFormat, a: bigint, rm: RoundingMode, bits: 32 | 64, signed: boolean): bigint {
    const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
    const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
    if (this.isNaN(f, a)) {
      this.flags |= NV;
      return max;
    }
    if (this.isInf(f, a)) {
      this.flags |= NV;
      return this.signOf(f, a) === 1 ? min : max;
    }
    if (this.isZero(f, a)) return 0n;
    const x = this.unpack(f, a);
    const { m, inexact } = this.roundAt(x.sig, x.exp, false, 0, x.sign, rm);
    const value = x.sign === 1 ? -m : m;
    if (value > max || value < min) {
      this.flags |= NV;
      return value > max ? max : min;
    }
    if (inexact) this.flags |= NX;
    return value;
  }

  /** From an integer value (any size), rounded per rm; 0 gives +0. */
  fromInt(f: FloatFormat, value: bigint, rm: RoundingMode): bigint {
    if (value === 0n) return 0n;
    const sign = value < 0n ? 1 : 0;
    return this.roundPack(f, sign, sign === 1 ? -value : value, 0, false, rm);
  }
}

/**
 * The hart's floating-point unit: what the F and D instruction templates call (`M.f`).
 * It reads and writes the f registers and fcsr in HartState (raw bits, so the kernel can
 * save and restore them), decodes the operation from the instruction's bits, applies the
 * rounding mode (the rm field, or frm for dyn; a reserved one is an illegal instruction),
 * runs the SoftFloat arithmetic and accumulates its flags into fflags.
 *
 * Singles are NaN-boxed in the 64-bit registers: writing one sets the upper 32 bits to
 * ones, and reading one whose upper bits are not all ones gives the canonical NaN.
 * fmv.x.w and fsw move the low 32 bits unchecked, as the spec says.
 */
import type { HartState } from '../state.js';
import { readFpCsr, writeFpCsr } from './csrs.js';
import { F32, F64, type FloatFormat, type RoundingMode, SoftFloat } from './softfloat.js';

/** What the unit throws for a reserved encoding or rounding mode (MachineServices.illegal). */
export type IllegalFn = (pc: number, raw: number, len: number, detail?: string) => unknown;

const CANONICAL_S = 0x7fc00000;
/** Dekker's splitter for binary64 (2^27 + 1). */
const SPLIT = 134217729;
/** Beyond these magnitudes the host fast path's exactness tests could overflow or underflow. */
const FAST_MAX = 2 ** 995;
const FAST_MIN_D = 2 ** -968;
const MIN_NORMAL_S = 2 ** -126;

/** Below this, the fused fast path's intermediate terms could lose bits to underflow. */
const FMA_MIN_D = 2 ** -900;

/**
 * The host fast paths' constants, for a tier that emits the same fast paths in its own
 * code (the wasm tier: the same IEEE binary64 operations in the same order give the same
 * bits, so its results and flags are these functions' own).
 */
export const FAST_PATH = { SPLIT, MAX: FAST_MAX, MIN_D: FAST_MIN_D, FMA_MIN_D } as const;
const BITS = new Float64Array(1);
const BITS32 = new Int32Array(BITS.buffer);

/**
 * x + y rounded to odd (the sum if exact, else whichever neighbour has an odd last bit),
 * from its round-to-nearest sum s and that sum's exact error e; normal range only.
 */
function roundToOdd(s: number, e: number): number {
  if (e === 0) return s;
  BITS[0] = s;
  if ((BITS32[0]! & 1) !== 0) return s;
  // One unit in the last place toward the exact value: away from zero when e has s's sign.
  const away = e > 0 === s > 0;
  const lo = BITS32[0]!;
  if (away) {
    BITS32[0] = (lo + 1) | 0;
    if (lo === -1) BITS32[1] = (BITS32[1]! + 1) | 0;
  } else {
    BITS32[0] = (lo - 1) | 0;
    if (lo === 0) BITS32[1] = (BITS32[1]! - 1) | 0;
  }
  return BITS[0]!;
}

/** The rounding error of a × b (0 when the product is exact), by Dekker's TwoProduct. */
function productError(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ((ah * bh - p + ah * bl + al * bh) + al * bl);
}

export class FpUnit {
  /** The integer result of the last operation that writes an x register (low, high word). */
  lo = 0;
  hi = 0;
  readonly soft = new SoftFloat();
  /** The f registers as doubles and as singles (low words): the host fast path's views. */
  private fd: Float64Array;
  private fs: Float32Array;

  constructor(
    private readonly state: HartState,
    /** D is registered: the .d forms run (else they are illegal instructions). */
    private readonly hasD: boolean,
    private readonly illegal: IllegalFn,
  ) {
    this.fd = new Float64Array(state.f.buffer, state.f.byteOffset, 32);
    this.fs = new Float32Array(state.f.buffer, state.f.byteOffset, 64);
  }

  /**
   * The f registers moved (`state.f` is a new view: the wasm tier keeps them in its linear
   * memory, where regions move FP bits without a call): the host fast path's views follow.
   */
  attach(): void {
    const f = this.state.f;
    this.fd = new Float64Array(f.buffer, f.byteOffset, 32);
    this.fs = new Float32Array(f.buffer, f.byteOffset, 64);
  }

  // ------------------------------------------------------------------ registers

  /** f register `r` as 64 raw bits. */
  getD(r: number): bigint {
    const x = this.state.f;
    return (BigInt(x[2 * r + 1]! >>> 0) << 32n) | BigInt(x[2 * r]! >>> 0);
  }

  setD(r: number, bits: bigint): void {
    const x = this.state.f;
    x[2 * r] = Number(bits & 0xffffffffn) | 0;
    x[2 * r + 1] = Number((bits >> 32n) & 0xffffffffn) | 0;
  }

  /** f register `r` as a single: its low 32 bits if properly NaN-boxed, else the canonical NaN. */
  getS(r: number): bigint {
    const x = this.state.f;
    return BigInt((x[2 * r + 1] === -1 ? x[2 * r]! : CANONICAL_S) >>> 0);
  }

  /** Writes a single, NaN-boxed. */
  setS(r: number, bits: bigint | number): void {
    this.state.f[2 * r] = Number(bits) | 0;
    this.state.f[2 * r + 1] = -1;
  }

  /** The low 32 bits of f register `r`, unchecked (fsw, fmv.x.w). */
  word(r: number): number {
    return this.state.f[2 * r]!;
  }

  /** The two words of f register `r` (fsd). */
  low(r: number): number {
    return this.state.f[2 * r]!;
  }

  high(r: number): number {
    return this.state.f[2 * r + 1]!;
  }

  /** fld: both words. */
  setWords(r: number, lo: number, hi: number): void {
    this.state.f[2 * r] = lo;
    this.state.f[2 * r + 1] = hi;
  }

  /**
   * A Zicsr instruction on fflags (0x001), frm (0x002) or fcsr (0x003), as the CSR file
   * does it with these CSRs' entries (csrs.ts): op 0/1/2 = rw/rs/rc with `operand` (rs1's
   * low word or the uimm: only the low 8 bits count), `writes` as the spec says; returns
   * the old value. For compiled blocks: the CSR file's checks are the tier's to make first
   * (isFpCsrEntry; these CSRs are user-level, so privilege never refuses them).
   */
  csr(op: number, csr: number, operand: number, writes: boolean): number {
    const old = readFpCsr(this.state, csr);
    if (op === 0 || writes) writeFpCsr(this.state, csr, op === 0 ? operand : op === 1 ? old | operand : old & ~operand);
    return old;
  }

  // ------------------------------------------------------------------ decoding helpers

  private format(raw: number, pc: number): FloatFormat {
    const fmt = (raw >>> 25) & 3;
    if (fmt === 0) return F32;
    if (fmt === 1 && this.hasD) return F64;
    throw this.illegal(pc, raw, 4);
  }

  private rm(raw: number, pc: number): RoundingMode {
    let rm = (raw >>> 12) & 7;
    if (rm === 7) rm = this.state.frm;
    if (rm > 4) throw this.illegal(pc, raw, 4, rm === ((raw >>> 12) & 7) ? 'reserved rounding mode' : `invalid dynamic rounding mode (frm = ${rm})`);
    return rm as RoundingMode;
  }

  private read(f: FloatFormat, r: number): bigint {
    return f === F32 ? this.getS(r) : this.getD(r);
  }

  private write(f: FloatFormat, r: number, bits: bigint): void {
    if (f === F32) this.setS(r, bits);
    else this.setD(r, bits);
  }

  private flush(): void {
    this.state.fflags |= this.soft.flags;
    this.soft.flags = 0;
  }

  private setX(value: bigint): void {
    this.lo = Number(BigInt.asIntN(32, value));
    this.hi = Number(BigInt.asIntN(32, value >> 32n));
  }

  // ------------------------------------------------------------------ operations

  /**
   * The OP-FP instructions whose result goes to an f register from f registers (funct5
   * 0xxxx): fadd, fsub, fmul, fdiv, fsqrt, fsgnj[n|x], fmin/fmax, fcvt.s.d/fcvt.d.s. Any
   * other encoding in the group is an illegal instruction.
   */
  op(raw: number, pc: number): void {
    if (this.fast(raw) || this.fastSignInjection(raw)) return;
    const f = this.format(raw, pc);
    const rd = (raw >>> 7) & 31;
    const rs1 = (raw >>> 15) & 31;
    const rs2 = (raw >>> 20) & 31;
    const f3 = (raw >>> 12) & 7;
    const s = this.soft;
    const a = this.read(f, rs1);
    let r: bigint;
    switch (raw >>> 27) {
      case 0x00:
        r = s.add(f, a, this.read(f, rs2), this.rm(raw, pc));
        break;
      case 0x01:
        r = s.sub(f, a, this.read(f, rs2), this.rm(raw, pc));
        break;
      case 0x02:
        r = s.mul(f, a, this.read(f, rs2), this.rm(raw, pc));
        break;
      case 0x03:
        r = s.div(f, a, this.read(f, rs2), this.rm(raw, pc));
        break;
      case 0x0b:
        if (rs2 !== 0) throw this.illegal(pc, raw, 4);
        r = s.sqrt(f, a, this.rm(raw, pc));
        break;
      case 0x04: {
        const b = this.read(f, rs2);
        const sign = f3 === 0 ? b & f.signBit : f3 === 1 ? ~b & f.signBit : f3 === 2 ? (a ^ b) & f.signBit : -1n;
        if (sign < 0n) throw this.illegal(pc, raw, 4);
        r = (a & ~f.signBit) | sign;
        break;
      }
      case 0x05:
        if (f3 > 1) throw this.illegal(pc, raw, 4);
        r = s.minMax(f, a, this.read(f, rs2), f3 === 1);
        break;
      case 0x08: {
        // fcvt.s.d (fmt S, rs2 = 1) and fcvt.d.s (fmt D, rs2 = 0).
        const from = f === F32 ? F64 : F32;
        if (rs2 !== (f === F32 ? 1 : 0) || !this.hasD) throw this.illegal(pc, raw, 4);
        r = s.convert(from, f, this.read(from, rs1), this.rm(raw, pc));
        break;
      }
      default:
        throw this.illegal(pc, raw, 4);
    }
    this.flush();
    this.write(f, rd, r);
  }

  /**
   * The host fast path for fadd, fsub, fmul, fdiv (funct5 0..3) and fsqrt in round-to-
   * nearest-even, where the host's IEEE binary64 arithmetic gives the same bits (and for
   * singles Math.fround of the double result, correctly rounded for these operations):
   * it takes normal, finite results of finite operands only, with NX from an exact test
   * (TwoSum, Dekker's TwoProduct, or a product in double that is exact for singles) and
   * OF for an overflow to infinity. Anything else (NaNs, infinities, zeros that could be
   * signed either way, results near or below the subnormal range, operands large enough
   * for the tests to overflow, other rounding modes) returns false for the software path.
   */
  private fast(raw: number): boolean {
    const f5 = raw >>> 27;
    if ((f5 > 3 && f5 !== 0x0b) || (f5 === 0x0b && ((raw >>> 20) & 31) !== 0)) return false;
    let rm = (raw >>> 12) & 7;
    if (rm === 7) rm = this.state.frm;
    if (rm !== 0) return false;
    const rd = (raw >>> 7) & 31;
    const rs1 = (raw >>> 15) & 31;
    const rs2 = (raw >>> 20) & 31;
    const f = this.state.f;
    if ((raw & 0x02000000) !== 0) {
      if (!this.hasD) return false;
      const a = this.fd[rs1]!;
      const b = f5 === 0x0b ? 1 : this.fd[rs2]!;
      const aa = Math.abs(a);
      const ab = Math.abs(b);
      if (!(aa < FAST_MAX && aa > FAST_MIN_D && ab < FAST_MAX && ab > FAST_MIN_D)) return false;
      let r: number;
      let inexact: boolean;
      switch (f5) {
        case 0:
        case 1: {
          const y = f5 === 0 ? b : -b;
          r = a + y;
          const bb = r - a;
          inexact = a - (r - bb) + (y - bb) !== 0;
          break;
        }
        case 2:
          r = a * b;
          inexact = productError(a, b, r) !== 0;
          break;
        case 3:
          r = a / b;
          inexact = r * b !== a || productError(r, b, r * b) !== 0;
          break;
        default:
          if (a < 0) return false;
          r = Math.sqrt(a);
          inexact = r * r !== a || productError(r, r, r * r) !== 0;
      }
      const ar = Math.abs(r);
      if (ar === Infinity) this.state.fflags |= 5; // OF | NX (RNE overflows to infinity)
      else if (ar > FAST_MIN_D && ar < FAST_MAX) {
        if (inexact) this.state.fflags |= 1;
      } else return false; // zero, tiny, huge or NaN: the software path decides
      this.fd[rd] = r;
      return true;
    }
    if (f[2 * rs1 + 1] !== -1 || (f5 !== 0x0b && f[2 * rs2 + 1] !== -1)) return false;
    const a = this.fs[2 * rs1]!;
    const b = f5 === 0x0b ? 1 : this.fs[2 * rs2]!;
    if (!(Math.abs(a) >= MIN_NORMAL_S && Math.abs(a) < Infinity && Math.abs(b) >= MIN_NORMAL_S && Math.abs(b) < Infinity)) return false;
    let d: number;
    switch (f5) {
      case 0:
        d = a + b;
        break;
      case 1:
        d = a - b;
        break;
      case 2:
        d = a * b;
        break;
      case 3:
        d = a / b;
        break;
      default:
        if (a < 0) return false;
        d = Math.sqrt(a);
    }
    const r = Math.fround(d);
    const ar = Math.abs(r);
    // Strictly above the smallest normal: a result of exactly 2^-126 may be tiny after rounding.
    if (!(ar > MIN_NORMAL_S)) return false;
    let inexact: boolean;
    if (f5 <= 1) {
      // A sum of singles that is inexact in double (exponents far apart) is inexact as a single too.
      const y = f5 === 0 ? b : -b;
      const bb = d - a;
      inexact = r !== d || a - (d - bb) + (y - bb) !== 0;
    } else if (f5 === 2) inexact = r !== d; // the product of two singles is exact in double
    else if (f5 === 3) inexact = r * b !== a; // exact in double when finite
    else inexact = r * r !== a;
    if (ar === Infinity) this.state.fflags |= 5;
    else if (inexact) this.state.fflags |= 1;
    this.fs[2 * rd] = r;
    f[2 * rd + 1] = -1;
    return true;
  }

  /**
   * The fused forms' host fast path in round-to-nearest-even (Boldo and Melquiond's FMA
   * emulation with rounding to odd): a·b = uh + ul exactly (TwoProduct), c + uh = th + tl
   * exactly (TwoSum), v = tl + ul rounded to odd, result = th + v rounded to nearest, which
   * is a·b + c rounded once. For singles the product is exact in double and the sum is
   * rounded to odd in double, then to single. NX: the result differs from the exact value,
   * which is when either last step was inexact. Only for operands, terms and results well
   * inside the normal range; everything else takes the software path.
   */
  private fastFma(raw: number): boolean {
    let rm = (raw >>> 12) & 7;
    if (rm === 7) rm = this.state.frm;
    if (rm !== 0) return false;
    const kind = (raw >>> 2) & 3;
    const rd = (raw >>> 7) & 31;
    const rs1 = (raw >>> 15) & 31;
    const rs2 = (raw >>> 20) & 31;
    const rs3 = raw >>> 27;
    const f = this.state.f;
    const double = (raw & 0x02000000) !== 0;
    let a: number;
    let b: number;
    let c: number;
    if (double) {
      if (!this.hasD) return false;
      a = this.fd[rs1]!;
      b = this.fd[rs2]!;
      c = this.fd[rs3]!;
    } else {
      if (f[2 * rs1 + 1] !== -1 || f[2 * rs2 + 1] !== -1 || f[2 * rs3 + 1] !== -1) return false;
      a = this.fs[2 * rs1]!;
      b = this.fs[2 * rs2]!;
      c = this.fs[2 * rs3]!;
    }
    if (kind >= 2) a = -a;
    if (kind === 1 || kind === 3) c = -c;
    const aa = Math.abs(a);
    const ab = Math.abs(b);
    const ac = Math.abs(c);
    if (!(aa > FMA_MIN_D && aa < FAST_MAX && ab > FMA_MIN_D && ab < FAST_MAX && ac < FAST_MAX && (ac === 0 || ac > FMA_MIN_D))) return false;
    let r: number;
    let inexact: boolean;
    if (double) {
      const uh = a * b;
      const auh = Math.abs(uh);
      if (!(auh > FMA_MIN_D && auh < FAST_MAX)) return false;
      const ul = productError(a, b, uh);
      const th = c + uh;
      let bb = th - c;
      const tl = c - (th - bb) + (uh - bb);
      const s = tl + ul;
      bb = s - tl;
      const se = tl - (s - bb) + (ul - bb);
      const v = roundToOdd(s, se);
      if (v !== 0 && !(Math.abs(v) > FMA_MIN_D)) return false;
      r = th + v;
      bb = r - th;
      inexact = se !== 0 || th - (r - bb) + (v - bb) !== 0;
      const ar = Math.abs(r);
      if (!(ar > FMA_MIN_D && ar < FAST_MAX)) return false;
    } else {
      const p = a * b; // exact: 48 bits
      const s = p + c;
      const bb = s - p;
      const se = p - (s - bb) + (c - bb);
      const d = roundToOdd(s, se);
      r = Math.fround(d);
      inexact = se !== 0 || r !== d;
      const ar = Math.abs(r);
      if (ar === Infinity) {
        this.state.fflags |= 5; // OF | NX
        this.fs[2 * rd] = r;
        f[2 * rd + 1] = -1;
        return true;
      }
      if (!(ar > MIN_NORMAL_S) || !(Math.abs(s) > FMA_MIN_D)) return false;
    }
    if (inexact) this.state.fflags |= 1;
    if (double) this.fd[rd] = r;
    else {
      this.fs[2 * rd] = r;
      f[2 * rd + 1] = -1;
    }
    return true;
  }

  /** fsgnj/fsgnjn/fsgnjx (fmv, fneg, fabs) on the register words; a badly boxed single takes the software path. */
  private fastSignInjection(raw: number): boolean {
    const f3 = (raw >>> 12) & 7;
    if (raw >>> 27 !== 0x04 || f3 > 2) return false;
    const f = this.state.f;
    const rd = (raw >>> 7) & 31;
    const rs1 = (raw >>> 15) & 31;
    const rs2 = (raw >>> 20) & 31;
    if ((raw & 0x02000000) !== 0) {
      if (!this.hasD) return false;
      const a = f[2 * rs1 + 1]!;
      const b = f[2 * rs2 + 1]!;
      const sign = f3 === 0 ? b : f3 === 1 ? ~b : a ^ b;
      f[2 * rd] = f[2 * rs1]!;
      f[2 * rd + 1] = (a & 0x7fffffff) | (sign & 0x80000000);
      return true;
    }
    if (f[2 * rs1 + 1] !== -1 || f[2 * rs2 + 1] !== -1) return false;
    const a = f[2 * rs1]!;
    const b = f[2 * rs2]!;
    const sign = f3 === 0 ? b : f3 === 1 ? ~b : a ^ b;
    f[2 * rd] = (a & 0x7fffffff) | (sign & 0x80000000);
    f[2 * rd + 1] = -1;
    return true;
  }

  /**
   * Host fast paths to an x register: compares of non-NaN values (no flags), and
   * fcvt.{w,l}.{s,d} rounding toward zero of values in range (NX when a fraction is cut).
   * The rest (NaNs, other modes, saturation) takes the software path.
   */
  private fastToX(raw: number): boolean {
    const f5 = raw >>> 27;
    const f3 = (raw >>> 12) & 7;
    const rs1 = (raw >>> 15) & 31;
    const rs2 = (raw >>> 20) & 31;
    const f = this.state.f;
    const double = (raw & 0x02000000) !== 0;
    if (f5 === 0x1c && f3 === 0 && rs2 === 0 && (this.hasD || !double)) {
      // fmv.x.w / fmv.x.d: the bits unchanged (a single's low word, sign-extended).
      this.lo = f[2 * rs1]!;
      this.hi = double ? f[2 * rs1 + 1]! : this.lo >> 31;
      return true;
    }
    if (double ? !this.hasD : f[2 * rs1 + 1] !== -1 || (f5 === 0x14 && f[2 * rs2 + 1] !== -1)) return false;
    const a = double ? this.fd[rs1]! : this.fs[2 * rs1]!;
    if (f5 === 0x14 && f3 <= 2) {
      const b = double ? this.fd[rs2]! : this.fs[2 * rs2]!;
      if (a !== a || b !== b) return false;
      this.lo = (f3 === 2 ? a === b : f3 === 1 ? a < b : a <= b) ? 1 : 0;
      this.hi = 0;
      return true;
    }
    if (f5 === 0x18 && f3 === 1 && (rs2 === 0 || rs2 === 2)) {
      const t = Math.trunc(a);
      if (rs2 === 0) {
        if (!(t >= -2147483648 && t <= 2147483647)) return false;
        this.lo = t | 0;
        this.hi = this.lo >> 31;
      } else {
        if (!(t > -9007199254740992 && t < 9007199254740992)) return false;
        const h = Math.floor(t / 4294967296);
        this.lo = (t - h * 4294967296) | 0;
        this.hi = h | 0;
      }
      if (t !== a) this.state.fflags |= 1;
      return true;
    }
    return false;
  }

  /** fcvt.{s,d}.{w,wu,l,lu} of integers the format holds exactly (any rounding mode: nothing rounds). */
  private fastFromX(raw: number, lo: number, hi: number): boolean {
    const kind = (raw >>> 20) & 31;
    if (raw >>> 27 !== 0x1a || kind > 3) return false;
    let rm = (raw >>> 12) & 7;
    if (rm === 7) rm = this.state.frm;
    if (rm > 4) return false; // the software path raises the illegal instruction
    let n: number;
    if (kind === 0) n = lo;
    else if (kind === 1) n = lo >>> 0;
    else {
      if (kind === 2 ? hi < -2097152 || hi >= 2097152 : hi >>> 0 >= 2097152) return false;
      n = (kind === 2 ? hi : hi >>> 0) * 4294967296 + (lo >>> 0);
    }
    const rd = (raw >>> 7) & 31;
    if ((raw & 0x02000000) !== 0) {
      if (!this.hasD) return false;
      this.fd[rd] = n + 0; // -0 never arises from an integer; + 0 keeps 0 positive
      return true;
    }
    if (n > 16777216 || n < -16777216) return false;
    this.fs[2 * rd] = n + 0;
    this.state.f[2 * rd + 1] = -1;
    return true;
  }

  /** fmadd/fmsub/fnmsub/fnmadd (by opcode): rs1 × rs2 ± rs3, negated, rounded once. */
  fma(raw: number, pc: number): void {
    if ((raw & 0x04000000) === 0 && this.fastFma(raw)) return;
    const f = this.format(raw, pc);
    const rm = this.rm(raw, pc);
    let a = this.read(f, (raw >>> 15) & 31);
    const b = this.read(f, (raw >>> 20) & 31);
    let c = this.read(f, raw >>> 27);
    const kind = (raw >>> 2) & 3; // 0 fmadd, 1 fmsub, 2 fnmsub, 3 fnmadd
    // Negation flips sign bits; a NaN's sign never shows (its result is the canonical NaN).
    if (kind >= 2) a ^= f.signBit;
    if (kind === 1 || kind === 3) c ^= f.signBit;
    const r = this.soft.fma(f, a, b, c, rm);
    this.flush();
    this.write(f, (raw >>> 7) & 31, r);
  }

  /**
   * The OP-FP instructions with an x-register result, left in (lo, hi): feq/flt/fle,
   * fclass, fmv.x.w/fmv.x.d, fcvt.{w,wu,l,lu}.{s,d}.
   */
  toX(raw: number, pc: number): void {
    if (this.fastToX(raw)) return;
    const f = this.format(raw, pc);
    const rs1 = (raw >>> 15) & 31;
    const f3 = (raw >>> 12) & 7;
    const s = this.soft;
    switch (raw >>> 27) {
      case 0x14: {
        const a = this.read(f, rs1);
        const b = this.read(f, (raw >>> 20) & 31);
        if (f3 > 2) throw this.illegal(pc, raw, 4);
        const t = f3 === 2 ? s.eq(f, a, b) : f3 === 1 ? s.lt(f, a, b) : s.le(f, a, b);
        this.lo = t ? 1 : 0;
        this.hi = 0;
        break;
      }
      case 0x1c:
        if (((raw >>> 20) & 31) !== 0) throw this.illegal(pc, raw, 4);
        if (f3 === 1) {
          this.lo = s.classify(f, this.read(f, rs1));
          this.hi = 0;
        } else if (f3 === 0) {
          if (f === F32) {
            this.lo = this.word(rs1);
            this.hi = this.lo >> 31;
          } else {
            this.lo = this.low(rs1);
            this.hi = this.high(rs1);
          }
        } else throw this.illegal(pc, raw, 4);
        break;
      case 0x18: {
        const kind = (raw >>> 20) & 31; // 0 w, 1 wu, 2 l, 3 lu
        if (kind > 3) throw this.illegal(pc, raw, 4);
        const v = s.toInt(f, this.read(f, rs1), this.rm(raw, pc), kind < 2 ? 32 : 64, (kind & 1) === 0);
        // 32-bit results are sign-extended, fcvt.wu included.
        this.setX(kind < 2 ? BigInt.asIntN(32, v) : v);
        break;
      }
      default:
        throw this.illegal(pc, raw, 4);
    }
    this.flush();
  }

  /** From an x register (lo, hi): fmv.w.x/fmv.d.x, fcvt.{s,d}.{w,wu,l,lu}. */
  fromX(raw: number, lo: number, hi: number, pc: number): void {
    if (this.fastFromX(raw, lo, hi)) return;
    const f = this.format(raw, pc);
    const rd = (raw >>> 7) & 31;
    if (raw >>> 27 === 0x1e) {
      if (((raw >>> 12) & 7) !== 0 || ((raw >>> 20) & 31) !== 0) throw this.illegal(pc, raw, 4);
      if (f === F32) this.setS(rd, lo);
      else this.setWords(rd, lo, hi);
      return;
    }
    const kind = (raw >>> 20) & 31;
    if (raw >>> 27 !== 0x1a || kind > 3) throw this.illegal(pc, raw, 4);
    const rm = this.rm(raw, pc);
    const value =
      kind === 0 ? BigInt(lo) : kind === 1 ? BigInt(lo >>> 0) : kind === 2 ? (BigInt(hi) << 32n) | BigInt(lo >>> 0) : (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    const r = this.soft.fromInt(f, value, rm);
    this.flush();
    this.write(f, rd, r);
  }
}

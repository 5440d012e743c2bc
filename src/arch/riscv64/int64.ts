/**
 * 64-bit integer arithmetic on (lo, hi) pairs of int32, without BigInt, for the hart's hot
 * paths. Functions that produce a 64-bit result leave it in `T[0]` (lo) and `T[1]` (hi);
 * `udivmod64` also leaves the remainder in `T[2]`, `T[3]`.
 */

/** Scratch results: T[0] = lo, T[1] = hi (and T[2], T[3] for a second value). */
export const T = new Int32Array(4);

const TWO32 = 4294967296;
const TWO53 = 9007199254740992;

/** The high 32 bits of the unsigned 64-bit product of two 32-bit words, as an int32. */
export function mulhu32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const mid = a1 * b0 + a0 * b1 + ((a0 * b0) >>> 16);
  return (a1 * b1 + Math.floor(mid / 65536)) | 0;
}

/** Low 64 bits of a * b. */
export function mul64(al: number, ah: number, bl: number, bh: number): void {
  if (ah === al >> 31 && bh === bl >> 31) {
    const p = al * bl;
    if (p > -TWO53 && p < TWO53) {
      T[0] = p;
      T[1] = Math.floor(p / TWO32);
      return;
    }
  }
  T[0] = Math.imul(al, bl);
  T[1] = (mulhu32(al, bl) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
}

/** High 64 bits of the unsigned 128-bit product. */
export function mulhu64(al: number, ah: number, bl: number, bh: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const a2 = ah & 0xffff;
  const a3 = ah >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const b2 = bh & 0xffff;
  const b3 = bh >>> 16;
  let t = a0 * b0;
  let carry = Math.floor(t / 65536);
  t = a0 * b1 + a1 * b0 + carry;
  carry = Math.floor(t / 65536);
  t = a0 * b2 + a1 * b1 + a2 * b0 + carry;
  carry = Math.floor(t / 65536);
  t = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0 + carry;
  carry = Math.floor(t / 65536);
  t = a1 * b3 + a2 * b2 + a3 * b1 + carry;
  carry = Math.floor(t / 65536);
  const r4 = t - carry * 65536;
  t = a2 * b3 + a3 * b2 + carry;
  carry = Math.floor(t / 65536);
  const r5 = t - carry * 65536;
  t = a3 * b3 + carry;
  carry = Math.floor(t / 65536);
  const r6 = t - carry * 65536;
  const r7 = carry; // < 65536: the product is below 2^128
  T[0] = r4 | (r5 << 16);
  T[1] = r6 | (r7 << 16);
}

/** High 64 bits of the signed × signed 128-bit product. */
export function mulh64(al: number, ah: number, bl: number, bh: number): void {
  mulhu64(al, ah, bl, bh);
  let lo = T[0]!;
  let hi = T[1]!;
  if (ah < 0) {
    const nlo = (lo - bl) | 0;
    hi = (hi - bh - ((lo >>> 0) < (bl >>> 0) ? 1 : 0)) | 0;
    lo = nlo;
  }
  if (bh < 0) {
    const nlo = (lo - al) | 0;
    hi = (hi - ah - ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
    lo = nlo;
  }
  T[0] = lo;
  T[1] = hi;
}

/** High 64 bits of the signed a × unsigned b 128-bit product. */
export function mulhsu64(al: number, ah: number, bl: number, bh: number): void {
  mulhu64(al, ah, bl, bh);
  if (ah < 0) {
    const lo = T[0]!;
    T[0] = (lo - bl) | 0;
    T[1] = (T[1]! - bh - ((lo >>> 0) < (bl >>> 0) ? 1 : 0)) | 0;
  }
}

/**
 * Unsigned 64-bit division, b ≠ 0: quotient in T[0..1], remainder in T[2..3].
 */
export function udivmod64(al: number, ah: number, bl: number, bh: number): void {
  const ahu = ah >>> 0;
  const bhu = bh >>> 0;
  if (ahu < 0x200000) {
    // Dividend below 2^53: double arithmetic is exact (trunc(a/b) cannot round across an integer).
    const a = ahu * TWO32 + (al >>> 0);
    if (bhu >= 0x200000) {
      T[0] = 0;
      T[1] = 0;
      T[2] = al;
      T[3] = ah;
      return;
    }
    const b = bhu * TWO32 + (bl >>> 0);
    const q = Math.floor(a / b);
    const r = a - q * b;
    T[0] = q;
    T[1] = Math.floor(q / TWO32);
    T[2] = r;
    T[3] = Math.floor(r / TWO32);
    return;
  }
  if (bhu === 0) {
    // Divisor below 2^32: long division by 16-bit digits, each step exact in doubles.
    const b = bl >>> 0;
    let r = 0;
    let cur = (ahu >>> 16);
    const q3 = Math.floor(cur / b);
    r = cur - q3 * b;
    cur = r * 65536 + (ahu & 0xffff);
    const q2 = Math.floor(cur / b);
    r = cur - q2 * b;
    cur = r * 65536 + (al >>> 16);
    const q1 = Math.floor(cur / b);
    r = cur - q1 * b;
    cur = r * 65536 + (al & 0xffff);
    const q0 = Math.floor(cur / b);
    r = cur - q0 * b;
    T[0] = q0 | (q1 << 16);
    T[1] = q2 | (q3 << 16);
    T[2] = r;
    T[3] = 0;
    return;
  }
  // General case (both large): restoring binary division.
  let rl = 0;
  let rh = 0;
  let ql = 0;
  let qh = 0;
  for (let i = 63; i >= 0; i--) {
    const top = rh >>> 31;
    rh = (rh << 1) | (rl >>> 31);
    rl = (rl << 1) | ((i >= 32 ? ah >>> (i - 32) : al >>> i) & 1);
    qh = (qh << 1) | (ql >>> 31);
    ql = ql << 1;
    if (top !== 0 || (rh >>> 0) > bhu || ((rh >>> 0) === bhu && (rl >>> 0) >= (bl >>> 0))) {
      const nrl = (rl - bl) | 0;
      rh = (rh - bh - ((rl >>> 0) < (bl >>> 0) ? 1 : 0)) | 0;
      rl = nrl;
      ql |= 1;
    }
  }
  T[0] = ql;
  T[1] = qh;
  T[2] = rl;
  T[3] = rh;
}

/** RISC-V DIVU: quotient in T[0..1]; division by zero gives all ones. */
export function divu64(al: number, ah: number, bl: number, bh: number): void {
  if ((bl | bh) === 0) {
    T[0] = -1;
    T[1] = -1;
    return;
  }
  udivmod64(al, ah, bl, bh);
}

/** RISC-V REMU: remainder in T[0..1]; division by zero gives the dividend. */
export function remu64(al: number, ah: number, bl: number, bh: number): void {
  if ((bl | bh) === 0) {
    T[0] = al;
    T[1] = ah;
    return;
  }
  udivmod64(al, ah, bl, bh);
  T[0] = T[2]!;
  T[1] = T[3]!;
}

/**
 * Signed division and remainder, RISC-V semantics (b = 0: q = -1, r = a; MIN / -1:
 * q = MIN, r = 0). Quotient in T[0..1], remainder in T[2..3].
 */
export function sdivmod64(al: number, ah: number, bl: number, bh: number): void {
  if ((bl | bh) === 0) {
    T[0] = -1;
    T[1] = -1;
    T[2] = al;
    T[3] = ah;
    return;
  }
  if (ah >> 21 === ah >> 31 && bh >> 21 === bh >> 31) {
    // Both in [-2^53, 2^53): exact in doubles (covers MIN/-1 only for large MIN, handled below).
    const a = ah * TWO32 + (al >>> 0);
    const b = bh * TWO32 + (bl >>> 0);
    const q = Math.trunc(a / b);
    const r = a - q * b;
    T[0] = q;
    T[1] = Math.floor(q / TWO32);
    T[2] = r;
    T[3] = Math.floor(r / TWO32);
    return;
  }
  if (bl === -1 && bh === -1) {
    // a / -1 = -a (wraps for MIN); remainder 0.
    T[0] = -al | 0;
    T[1] = (~ah + (al === 0 ? 1 : 0)) | 0;
    T[2] = 0;
    T[3] = 0;
    return;
  }
  const negA = ah < 0;
  const negB = bh < 0;
  let ual = al;
  let uah = ah;
  let ubl = bl;
  let ubh = bh;
  if (negA) {
    ual = -al | 0;
    uah = (~ah + (al === 0 ? 1 : 0)) | 0;
  }
  if (negB) {
    ubl = -bl | 0;
    ubh = (~bh + (bl === 0 ? 1 : 0)) | 0;
  }
  udivmod64(ual, uah, ubl, ubh);
  if (negA !== negB) {
    const ql = T[0]!;
    T[0] = -ql | 0;
    T[1] = (~T[1]! + (ql === 0 ? 1 : 0)) | 0;
  }
  if (negA) {
    const rl = T[2]!;
    T[2] = -rl | 0;
    T[3] = (~T[3]! + (rl === 0 ? 1 : 0)) | 0;
  }
}

/** RISC-V DIV: quotient in T[0..1]. */
export function div64(al: number, ah: number, bl: number, bh: number): void {
  sdivmod64(al, ah, bl, bh);
}

/** RISC-V REM: remainder in T[0..1]. */
export function rem64(al: number, ah: number, bl: number, bh: number): void {
  sdivmod64(al, ah, bl, bh);
  T[0] = T[2]!;
  T[1] = T[3]!;
}

/** RISC-V DIVW/DIVUW/REMW/REMUW on 32-bit operands; results as int32 (to be sign-extended). */
export function divw(a: number, b: number): number {
  if (b === 0) return -1;
  if (a === -2147483648 && b === -1) return a;
  return (a / b) | 0;
}
export function remw(a: number, b: number): number {
  if (b === 0) return a;
  if (b === -1) return 0;
  return a % b | 0;
}
export function divuw(a: number, b: number): number {
  if (b === 0) return -1;
  return ((a >>> 0) / (b >>> 0)) | 0;
}
export function remuw(a: number, b: number): number {
  if (b === 0) return a;
  return (a >>> 0) % (b >>> 0) | 0;
}

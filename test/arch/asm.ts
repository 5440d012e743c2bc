/**
 * A tiny RV64IMAC encoder for tests: instruction formats, named instructions, compressed
 * halfwords, and a helper that lays a program out as bytes.
 */

/** A 16-bit compressed instruction in a program. */
export interface Half {
  readonly half: number;
}
export type Item = number | Half;

export function rType(f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number): number {
  return ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
}
export function iType(imm: number, rs1: number, f3: number, rd: number, op: number): number {
  return (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
}
export function sType(imm: number, rs2: number, rs1: number, f3: number, op: number): number {
  return ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | op) >>> 0;
}
export function bType(imm: number, rs2: number, rs1: number, f3: number, op = 0x63): number {
  return (
    ((((imm >> 12) & 1) << 31) |
      (((imm >> 5) & 0x3f) << 25) |
      (rs2 << 20) |
      (rs1 << 15) |
      (f3 << 12) |
      (((imm >> 1) & 0xf) << 8) |
      (((imm >> 11) & 1) << 7) |
      op) >>>
    0
  );
}
export function uType(imm: number, rd: number, op: number): number {
  return ((imm & 0xfffff000) | (rd << 7) | op) >>> 0;
}
export function jType(imm: number, rd: number, op = 0x6f): number {
  return (
    ((((imm >> 20) & 1) << 31) |
      (((imm >> 1) & 0x3ff) << 21) |
      (((imm >> 11) & 1) << 20) |
      (((imm >> 12) & 0xff) << 12) |
      (rd << 7) |
      op) >>>
    0
  );
}

// ---------------------------------------------------------------- RV64I
export const lui = (rd: number, imm20: number): number => uType(imm20 << 12, rd, 0x37);
export const auipc = (rd: number, imm20: number): number => uType(imm20 << 12, rd, 0x17);
export const jal = (rd: number, off: number): number => jType(off, rd);
export const jalr = (rd: number, rs1: number, imm: number): number => iType(imm, rs1, 0, rd, 0x67);
export const beq = (rs1: number, rs2: number, off: number): number => bType(off, rs2, rs1, 0);
export const bne = (rs1: number, rs2: number, off: number): number => bType(off, rs2, rs1, 1);
export const blt = (rs1: number, rs2: number, off: number): number => bType(off, rs2, rs1, 4);
export const bge = (rs1: number, rs2: number, off: number): number => bType(off, rs2, rs1, 5);
export const bltu = (rs1: number, rs2: number, off: number): number => bType(off, rs2, rs1, 6);
export const bgeu = (rs1: number, rs2: number, off: number): number => bType(off, rs2, rs1, 7);
const load = (f3: number) => (rd: number, rs1: number, imm: number): number => iType(imm, rs1, f3, rd, 0x03);
export const lb = load(0);
export const lh = load(1);
export const lw = load(2);
export const ld = load(3);
export const lbu = load(4);
export const lhu = load(5);
export const lwu = load(6);
const store = (f3: number) => (rs2: number, rs1: number, imm: number): number => sType(imm, rs2, rs1, f3, 0x23);
export const sb = store(0);
export const sh = store(1);
export const sw = store(2);
export const sd = store(3);
const opImm = (f3: number) => (rd: number, rs1: number, imm: number): number => iType(imm, rs1, f3, rd, 0x13);
export const addi = opImm(0);
export const slti = opImm(2);
export const sltiu = opImm(3);
export const xori = opImm(4);
export const ori = opImm(6);
export const andi = opImm(7);
export const slli = (rd: number, rs1: number, sh: number): number => iType(sh & 63, rs1, 1, rd, 0x13);
export const srli = (rd: number, rs1: number, sh: number): number => iType(sh & 63, rs1, 5, rd, 0x13);
export const srai = (rd: number, rs1: number, sh: number): number => iType(0x400 | (sh & 63), rs1, 5, rd, 0x13);
const op = (f7: number, f3: number) => (rd: number, rs1: number, rs2: number): number => rType(f7, rs2, rs1, f3, rd, 0x33);
export const add = op(0, 0);
export const sub = op(0x20, 0);
export const sll = op(0, 1);
export const slt = op(0, 2);
export const sltu = op(0, 3);
export const xor = op(0, 4);
export const srl = op(0, 5);
export const sra = op(0x20, 5);
export const or = op(0, 6);
export const and = op(0, 7);
export const addiw = (rd: number, rs1: number, imm: number): number => iType(imm, rs1, 0, rd, 0x1b);
export const slliw = (rd: number, rs1: number, sh: number): number => iType(sh & 31, rs1, 1, rd, 0x1b);
export const srliw = (rd: number, rs1: number, sh: number): number => iType(sh & 31, rs1, 5, rd, 0x1b);
export const sraiw = (rd: number, rs1: number, sh: number): number => iType(0x400 | (sh & 31), rs1, 5, rd, 0x1b);
const op32 = (f7: number, f3: number) => (rd: number, rs1: number, rs2: number): number =>
  rType(f7, rs2, rs1, f3, rd, 0x3b);
export const addw = op32(0, 0);
export const subw = op32(0x20, 0);
export const sllw = op32(0, 1);
export const srlw = op32(0, 5);
export const sraw = op32(0x20, 5);

// ---------------------------------------------------------------- M
export const mul = op(1, 0);
export const mulh = op(1, 1);
export const mulhsu = op(1, 2);
export const mulhu = op(1, 3);
export const div = op(1, 4);
export const divu = op(1, 5);
export const rem = op(1, 6);
export const remu = op(1, 7);
export const mulw = op32(1, 0);
export const divw = op32(1, 4);
export const divuw = op32(1, 5);
export const remw = op32(1, 6);
export const remuw = op32(1, 7);

// ---------------------------------------------------------------- A
export const AMO = {
  lr: 0x02,
  sc: 0x03,
  swap: 0x01,
  add: 0x00,
  xor: 0x04,
  and: 0x0c,
  or: 0x08,
  min: 0x10,
  max: 0x14,
  minu: 0x18,
  maxu: 0x1c,
} as const;
export type AmoName = keyof typeof AMO;
/** An AMO (or lr/sc): width 'w' or 'd', aq/rl bits optional. */
export function amo(name: AmoName, width: 'w' | 'd', rd: number, rs1: number, rs2: number, aq = 0, rl = 0): number {
  const f7 = (AMO[name] << 2) | (aq << 1) | rl;
  return rType(f7, rs2, rs1, width === 'w' ? 2 : 3, rd, 0x2f);
}
export const lrW = (rd: number, rs1: number): number => amo('lr', 'w', rd, rs1, 0);
export const lrD = (rd: number, rs1: number): number => amo('lr', 'd', rd, rs1, 0);
export const scW = (rd: number, rs1: number, rs2: number): number => amo('sc', 'w', rd, rs1, rs2);
export const scD = (rd: number, rs1: number, rs2: number): number => amo('sc', 'd', rd, rs1, rs2);

// ---------------------------------------------------------------- system
export const ecall = (): number => 0x00000073;
export const ebreak = (): number => 0x00100073;
export const mret = (): number => 0x30200073;
export const wfi = (): number => 0x10500073;
export const fence = (): number => 0x0ff0000f;
export const fenceI = (): number => 0x0000100f;
export const csrrw = (rd: number, csr: number, rs1: number): number => iType(csr, rs1, 1, rd, 0x73);
export const csrrs = (rd: number, csr: number, rs1: number): number => iType(csr, rs1, 2, rd, 0x73);
export const csrrc = (rd: number, csr: number, rs1: number): number => iType(csr, rs1, 3, rd, 0x73);
export const csrrwi = (rd: number, csr: number, uimm: number): number => iType(csr, uimm, 5, rd, 0x73);
export const csrrsi = (rd: number, csr: number, uimm: number): number => iType(csr, uimm, 6, rd, 0x73);
export const csrrci = (rd: number, csr: number, uimm: number): number => iType(csr, uimm, 7, rd, 0x73);
export const nop = (): number => addi(0, 0, 0);
export const j = (off: number): number => jal(0, off);

// ---------------------------------------------------------------- C (RV64C)
const h = (half: number): Half => ({ half: half & 0xffff });
/** c.addi rd, imm (imm in -32..31, nonzero for the non-HINT form). */
export const cAddi = (rd: number, imm: number): Half =>
  h((0 << 13) | (((imm >> 5) & 1) << 12) | (rd << 7) | ((imm & 0x1f) << 2) | 0b01);
export const cLi = (rd: number, imm: number): Half =>
  h((2 << 13) | (((imm >> 5) & 1) << 12) | (rd << 7) | ((imm & 0x1f) << 2) | 0b01);
export const cNop = (): Half => h(0x0001);
/** c.addi16sp imm (multiple of 16, -512..496). */
export const cAddi16sp = (imm: number): Half =>
  h(
    (3 << 13) |
      (((imm >> 9) & 1) << 12) |
      (2 << 7) |
      (((imm >> 4) & 1) << 6) |
      (((imm >> 6) & 1) << 5) |
      (((imm >> 7) & 3) << 3) |
      (((imm >> 5) & 1) << 2) |
      0b01,
  );
/** c.lwsp rd, off(sp): off multiple of 4, 0..252. */
export const cLwsp = (rd: number, off: number): Half =>
  h((2 << 13) | (((off >> 5) & 1) << 12) | (rd << 7) | (((off >> 2) & 7) << 4) | (((off >> 6) & 3) << 2) | 0b10);
/** c.ldsp rd, off(sp): off multiple of 8, 0..504. */
export const cLdsp = (rd: number, off: number): Half =>
  h((3 << 13) | (((off >> 5) & 1) << 12) | (rd << 7) | (((off >> 3) & 3) << 5) | (((off >> 6) & 7) << 2) | 0b10);
/** c.swsp rs2, off(sp): off multiple of 4, 0..252. */
export const cSwsp = (rs2: number, off: number): Half =>
  h((6 << 13) | (((off >> 2) & 0xf) << 9) | (((off >> 6) & 3) << 7) | (rs2 << 2) | 0b10);
/** c.sdsp rs2, off(sp): off multiple of 8, 0..504. */
export const cSdsp = (rs2: number, off: number): Half =>
  h((7 << 13) | (((off >> 3) & 7) << 10) | (((off >> 6) & 7) << 7) | (rs2 << 2) | 0b10);
export const cJr = (rs1: number): Half => h((4 << 13) | (0 << 12) | (rs1 << 7) | 0b10);
export const cJalr = (rs1: number): Half => h((4 << 13) | (1 << 12) | (rs1 << 7) | 0b10);
export const cMv = (rd: number, rs2: number): Half => h((4 << 13) | (0 << 12) | (rd << 7) | (rs2 << 2) | 0b10);
export const cAdd = (rd: number, rs2: number): Half => h((4 << 13) | (1 << 12) | (rd << 7) | (rs2 << 2) | 0b10);
export const cEbreak = (): Half => h(0x9002);
/** c.j off (even, -2048..2046). */
export const cJ = (off: number): Half =>
  h(
    (5 << 13) |
      (((off >> 11) & 1) << 12) |
      (((off >> 4) & 1) << 11) |
      (((off >> 8) & 3) << 9) |
      (((off >> 10) & 1) << 8) |
      (((off >> 6) & 1) << 7) |
      (((off >> 7) & 1) << 6) |
      (((off >> 1) & 7) << 3) |
      (((off >> 5) & 1) << 2) |
      0b01,
  );
/** c.beqz rs1' (x8..x15), off (even, -256..254). */
export const cBeqz = (rs1: number, off: number): Half =>
  h(
    (6 << 13) |
      (((off >> 8) & 1) << 12) |
      (((off >> 3) & 3) << 10) |
      ((rs1 - 8) << 7) |
      (((off >> 6) & 3) << 5) |
      (((off >> 1) & 3) << 3) |
      (((off >> 5) & 1) << 2) |
      0b01,
  );
export const cBnez = (rs1: number, off: number): Half => h(cBeqz(rs1, off).half | (1 << 13));
/** c.slli rd, shamt (1..63). */
export const cSlli = (rd: number, sh: number): Half =>
  h((0 << 13) | (((sh >> 5) & 1) << 12) | (rd << 7) | ((sh & 0x1f) << 2) | 0b10);
/** c.addiw rd, imm. */
export const cAddiw = (rd: number, imm: number): Half =>
  h((1 << 13) | (((imm >> 5) & 1) << 12) | (rd << 7) | ((imm & 0x1f) << 2) | 0b01);
/** c.lw rd', off(rs1'): registers x8..x15, off multiple of 4, 0..124. */
export const cLw = (rd: number, rs1: number, off: number): Half =>
  h((2 << 13) | (((off >> 3) & 7) << 10) | ((rs1 - 8) << 7) | (((off >> 2) & 1) << 6) | (((off >> 6) & 1) << 5) | ((rd - 8) << 2));
/** c.sd rs2', off(rs1'): registers x8..x15, off multiple of 8, 0..248. */
export const cSd = (rs2: number, rs1: number, off: number): Half =>
  h((7 << 13) | (((off >> 3) & 7) << 10) | ((rs1 - 8) << 7) | (((off >> 6) & 3) << 5) | ((rs2 - 8) << 2));

/** Lays a program out as little-endian bytes (32-bit words and 16-bit halfwords). */
export function assemble(items: readonly Item[]): Uint8Array {
  const bytes: number[] = [];
  for (const item of items) {
    if (typeof item === 'number') {
      bytes.push(item & 0xff, (item >>> 8) & 0xff, (item >>> 16) & 0xff, (item >>> 24) & 0xff);
    } else {
      bytes.push(item.half & 0xff, (item.half >>> 8) & 0xff);
    }
  }
  return Uint8Array.from(bytes);
}

/** Instructions to load a 64-bit constant into rd (lui/addi/slli sequence, up to 8 words). */
export function li(rd: number, value: bigint): number[] {
  const v = BigInt.asIntN(64, value);
  if (v >= -2048n && v < 2048n) return [addi(rd, 0, Number(v))];
  if (v >= -(2n ** 31n) && v < 2n ** 31n) {
    const n = Number(v);
    const lo = (n << 20) >> 20;
    const hi = ((n - lo) >>> 12) & 0xfffff;
    const out = [lui(rd, hi)];
    if (lo !== 0) out.push(addiw(rd, rd, lo));
    return out;
  }
  // Build the upper part recursively, then shift in 12 bits at a time.
  const lo12 = Number(BigInt.asIntN(12, v));
  const rest = (v - BigInt(lo12)) >> 12n;
  const out = li(rd, rest);
  out.push(slli(rd, rd, 12));
  if (lo12 !== 0) out.push(addi(rd, rd, lo12));
  return out;
}

// ---------------------------------------------------------------- F and D
/** fmt: 0 = single, 1 = double. rm: 0..4, 7 = dyn (the default). */
const fpOp = (f5: number) => (fmt: number, rd: number, rs1: number, rs2: number, rm = 7): number =>
  rType((f5 << 2) | fmt, rs2, rs1, rm, rd, 0x53);
export const fadd = fpOp(0x00);
export const fsub = fpOp(0x01);
export const fmul = fpOp(0x02);
export const fdiv = fpOp(0x03);
export const fsqrt = (fmt: number, rd: number, rs1: number, rm = 7): number => rType((0x0b << 2) | fmt, 0, rs1, rm, rd, 0x53);
/** fsgnj (f3 0), fsgnjn (1), fsgnjx (2). */
export const fsgnj = (fmt: number, rd: number, rs1: number, rs2: number, f3 = 0): number => rType((0x04 << 2) | fmt, rs2, rs1, f3, rd, 0x53);
export const fminmax = (fmt: number, rd: number, rs1: number, rs2: number, max: boolean): number => rType((0x05 << 2) | fmt, rs2, rs1, max ? 1 : 0, rd, 0x53);
/** feq (f3 2), flt (1), fle (0). */
export const fcmp = (fmt: number, rd: number, rs1: number, rs2: number, f3: number): number => rType((0x14 << 2) | fmt, rs2, rs1, f3, rd, 0x53);
export const fclass = (fmt: number, rd: number, rs1: number): number => rType((0x1c << 2) | fmt, 0, rs1, 1, rd, 0x53);
export const fmvXF = (fmt: number, rd: number, rs1: number): number => rType((0x1c << 2) | fmt, 0, rs1, 0, rd, 0x53);
export const fmvFX = (fmt: number, rd: number, rs1: number): number => rType((0x1e << 2) | fmt, 0, rs1, 0, rd, 0x53);
/** fcvt.{w,wu,l,lu}.fmt (kind 0..3): float to integer. */
export const fcvtXF = (fmt: number, kind: number, rd: number, rs1: number, rm = 7): number => rType((0x18 << 2) | fmt, kind, rs1, rm, rd, 0x53);
/** fcvt.fmt.{w,wu,l,lu} (kind 0..3): integer to float. */
export const fcvtFX = (fmt: number, kind: number, rd: number, rs1: number, rm = 7): number => rType((0x1a << 2) | fmt, kind, rs1, rm, rd, 0x53);
export const fcvtSD = (rd: number, rs1: number, rm = 7): number => rType(0x20, 1, rs1, rm, rd, 0x53);
export const fcvtDS = (rd: number, rs1: number, rm = 7): number => rType(0x21, 0, rs1, rm, rd, 0x53);
/** fmadd (0x43), fmsub (0x47), fnmsub (0x4b), fnmadd (0x4f). */
export const fma4 = (opcode: number, fmt: number, rd: number, rs1: number, rs2: number, rs3: number, rm = 7): number =>
  ((rs3 << 27) | (fmt << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | opcode) >>> 0;
export const flw = (rd: number, rs1: number, imm: number): number => iType(imm, rs1, 2, rd, 0x07);
export const fld = (rd: number, rs1: number, imm: number): number => iType(imm, rs1, 3, rd, 0x07);
export const fsw = (rs2: number, rs1: number, imm: number): number => sType(imm, rs2, rs1, 2, 0x27);
export const fsd = (rs2: number, rs1: number, imm: number): number => sType(imm, rs2, rs1, 3, 0x27);
/** c.fld rd', off(rs1'): registers 8..15, off multiple of 8, 0..248. */
export const cFld = (rd: number, rs1: number, off: number): Half =>
  h((1 << 13) | (((off >> 3) & 7) << 10) | ((rs1 - 8) << 7) | (((off >> 6) & 3) << 5) | ((rd - 8) << 2) | 0b00);
export const cFsd = (rs2: number, rs1: number, off: number): Half =>
  h((5 << 13) | (((off >> 3) & 7) << 10) | ((rs1 - 8) << 7) | (((off >> 6) & 3) << 5) | ((rs2 - 8) << 2) | 0b00);
/** c.fldsp rd, off(sp): off multiple of 8, 0..504. */
export const cFldsp = (rd: number, off: number): Half =>
  h((1 << 13) | (((off >> 5) & 1) << 12) | (rd << 7) | (((off >> 3) & 3) << 5) | (((off >> 6) & 7) << 2) | 0b10);
/** c.fsdsp rs2, off(sp): off multiple of 8, 0..504. */
export const cFsdsp = (rs2: number, off: number): Half =>
  h((5 << 13) | (((off >> 3) & 7) << 10) | (((off >> 6) & 7) << 7) | (rs2 << 2) | 0b10);

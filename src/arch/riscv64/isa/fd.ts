/**
 * F and D: single- and double-precision floating point, and the compressed FP loads and
 * stores (c.fld, c.fsd, c.fldsp, c.fsdsp, through `expandCompressedFp`, which C uses).
 *
 * Every instruction calls the hart's FP unit (`M.f`, fpu/unit.ts), so every tier runs the
 * same arithmetic (software, or the unit's host fast paths where they give the same bits
 * and flags): bits, NaNs and flags are the same on every host and tier. They are not
 * interpret-only: the js tier compiles these templates into its blocks (passing the unit),
 * and the wasm tier calls the unit from its regions (moves, sign injection, loads and
 * stores it does in wasm, being pure bit moves). The rounding-mode field is checked at run
 * time (5 and 6 are reserved, 7 uses frm, an invalid frm is an illegal instruction), and
 * so is every reserved encoding: the unit throws the illegal instruction with the pc.
 * Loads and stores take the memory port's TLB fast path and its checked slow path, as
 * the integer ones do.
 *
 * Op ids are 7 bits and shared with the base ISA and a platform's own instructions (Jolt
 * adds 16), so the OP-FP major opcode is three registered instructions by where the result
 * goes: `fp.arith` (f from f: add, sub, mul, div, sqrt, sign injection, min/max, fcvt
 * between formats), `fp.to.x` (x from f: compares, fclass, fmv.x, fcvt to integers) and
 * `fp.from.x` (f from x: fmv from x, fcvt from integers). The FP unit decodes the rest and
 * refuses reserved encodings as illegal instructions; the D forms run only with D
 * registered (H and Q never match). The four fused forms and the loads and stores are
 * registered one by one. `fpMnemonic` names the exact instruction of a word.
 */
import type { Extension, InstructionDef } from './types.js';

const OP_FP = 0x53;
/** funct5 bit 4 (bit 31) | fmt bit 26 (S/D only; H and Q stay illegal) | opcode. */
const MASK_ARITH = 0x8400007f;
/** funct5 bits 4 and 1 (bits 31, 28) | fmt bit 26 | opcode. */
const MASK_X = 0x9400007f;

/** The rd / rs2 register numbers of a decoded instruction ($info; x0's sink reads 0). */
const RD = '(($info >>> 9) & 31)';
const RS2 = '($info >>> 25)';

const fp = (mnemonic: string, mask: number, match: number, semantics: string, writesRd = false): InstructionDef => ({
  mnemonic,
  match: (match | OP_FP) >>> 0,
  mask: mask >>> 0,
  format: 'R',
  ...(writesRd ? { writesRd: true } : {}),
  semantics,
});

const fma = (mnemonic: string, opcode: number): InstructionDef => ({
  mnemonic,
  match: opcode,
  mask: 0x0400007f,
  format: 'R',
  semantics: 'M.f.fma($raw, $pc);',
});

/** A load into an f register: `$ld4` NaN-boxes, `$ld8` stores both words. */
const load = (mnemonic: string, f3: number, size: 4 | 8): InstructionDef => ({
  mnemonic,
  match: 0x07 | (f3 << 12),
  mask: 0x707f,
  format: 'I',
  semantics: size === 4 ? `$ea $ld4 M.f.setS(${RD}, v);` : `$ea $ld8 M.f.setWords(${RD}, v, w);`,
});

/**
 * A store from an f register: the bits in (t, u), then `$sv4`/`$sv8` (the TLB fast path, or
 * the port's checked path, where a window hook may ask to stop after the store).
 */
const store = (mnemonic: string, f3: number, size: 4 | 8): InstructionDef => ({
  mnemonic,
  match: 0x27 | (f3 << 12),
  mask: 0x707f,
  format: 'S',
  semantics: `$ea o = ${RS2}; ` + (size === 4 ? 't = M.f.word(o); $sv4' : 't = M.f.low(o); u = M.f.high(o); $sv8'),
});

export const RV64F: Extension = {
  name: 'f',
  letter: 'f',
  instructions: [
    load('flw', 2, 4),
    store('fsw', 2, 4),
    fma('fmadd', 0x43),
    fma('fmsub', 0x47),
    fma('fnmsub', 0x4b),
    fma('fnmadd', 0x4f),
    // funct5 0xxxx: fadd fsub fmul fdiv fsgnj[n|x] fmin fmax fsqrt (and fcvt.s.d/fcvt.d.s, in D).
    fp('fp.arith', MASK_ARITH, 0, 'M.f.op($raw, $pc);'),
    // funct5 1xx0x: feq flt fle, fcvt.{w,wu,l,lu}.fmt, fclass, fmv.x.w/fmv.x.d.
    fp('fp.to.x', MASK_X, 0x80000000, 'M.f.toX($raw, $pc); v = M.f.lo; w = M.f.hi;', true),
    // funct5 1xx1x: fcvt.fmt.{w,wu,l,lu}, fmv.w.x/fmv.d.x.
    fp('fp.from.x', MASK_X, 0x90000000, 'M.f.fromX($raw, $rs1, $rs1h, $pc);'),
  ],
};

export const RV64D: Extension = {
  name: 'd',
  letter: 'd',
  instructions: [
    load('fld', 3, 8),
    store('fsd', 3, 8),
  ],
};

/**
 * The compressed FP loads and stores of RV64C (the D forms; RV64 has no c.flw/c.fsw):
 * the 32-bit fld/fsd they stand for, or -1 for any other halfword. Without D registered
 * the expansion decodes as an illegal instruction.
 */
export function expandCompressedFp(half: number): number {
  const h = half & 0xffff;
  const rdp = 8 + ((h >> 2) & 7);
  const rs1p = 8 + ((h >> 7) & 7);
  switch (((h >> 11) & 0x1c) | (h & 3)) {
    case 0x04: {
      // c.fld rd', uimm(rs1'): uimm[5:3] = bits 12:10, uimm[7:6] = bits 6:5.
      const imm = ((h >> 7) & 0x38) | ((h << 1) & 0xc0);
      return ((imm << 20) | (rs1p << 15) | (3 << 12) | (rdp << 7) | 0x07) >>> 0;
    }
    case 0x14: {
      // c.fsd rs2', uimm(rs1'): same offset.
      const imm = ((h >> 7) & 0x38) | ((h << 1) & 0xc0);
      return (((imm >> 5) << 25) | (rdp << 20) | (rs1p << 15) | (3 << 12) | ((imm & 0x1f) << 7) | 0x27) >>> 0;
    }
    case 0x06: {
      // c.fldsp rd, uimm(x2): uimm[5|4:3|8:6] = bits 12|6:5|4:2 (rd = f0 is allowed).
      const imm = ((h >> 7) & 0x20) | ((h >> 2) & 0x18) | ((h << 4) & 0x1c0);
      return ((imm << 20) | (2 << 15) | (3 << 12) | (((h >> 7) & 31) << 7) | 0x07) >>> 0;
    }
    case 0x16: {
      // c.fsdsp rs2, uimm(x2): uimm[5:3|8:6] = bits 12:10|9:7.
      const imm = ((h >> 7) & 0x38) | ((h >> 1) & 0x1c0);
      return (((imm >> 5) << 25) | (((h >> 2) & 31) << 20) | (2 << 15) | (3 << 12) | ((imm & 0x1f) << 7) | 0x27) >>> 0;
    }
    default:
      return -1;
  }
}

const FMT = ['s', 'd', 'h', 'q'];
const ROUNDED = new Map<number, string>([[0x00, 'fadd'], [0x01, 'fsub'], [0x02, 'fmul'], [0x03, 'fdiv'], [0x0b, 'fsqrt']]);
const INT = ['w', 'wu', 'l', 'lu'];

/** The exact mnemonic of an F/D instruction word ('fadd.d', 'fcvt.wu.s', 'fsgnjx.s', ...), or undefined. */
export function fpMnemonic(word: number): string | undefined {
  const w = word >>> 0;
  const opcode = w & 0x7f;
  const f3 = (w >>> 12) & 7;
  if (opcode === 0x07 || opcode === 0x27) return f3 === 2 || f3 === 3 ? `f${opcode === 0x07 ? 'l' : 's'}${f3 === 2 ? 'w' : 'd'}` : undefined;
  const fmt = FMT[(w >>> 25) & 3]!;
  if (opcode === 0x43 || opcode === 0x47 || opcode === 0x4b || opcode === 0x4f) return `${['fmadd', 'fmsub', 'fnmsub', 'fnmadd'][(opcode >>> 2) & 3]}.${fmt}`;
  if (opcode !== OP_FP) return undefined;
  const f5 = w >>> 27;
  const rs2 = (w >>> 20) & 31;
  const simple = ROUNDED.get(f5);
  if (simple !== undefined) return `${simple}.${fmt}`;
  switch (f5) {
    case 0x04:
      return f3 < 3 ? `${['fsgnj', 'fsgnjn', 'fsgnjx'][f3]}.${fmt}` : undefined;
    case 0x05:
      return f3 < 2 ? `${f3 === 0 ? 'fmin' : 'fmax'}.${fmt}` : undefined;
    case 0x08:
      return `fcvt.${fmt}.${FMT[rs2] ?? '?'}`;
    case 0x14:
      return f3 < 3 ? `${['fle', 'flt', 'feq'][f3]}.${fmt}` : undefined;
    case 0x1c:
      return f3 === 1 ? `fclass.${fmt}` : f3 === 0 ? `fmv.x.${fmt === 's' ? 'w' : fmt}` : undefined;
    case 0x18:
      return rs2 < 4 ? `fcvt.${INT[rs2]}.${fmt}` : undefined;
    case 0x1a:
      return rs2 < 4 ? `fcvt.${fmt}.${INT[rs2]}` : undefined;
    case 0x1e:
      return `fmv.${fmt === 's' ? 'w' : fmt}.x`;
    default:
      return undefined;
  }
}

const F_NAMES = [
  'ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11',
];
const RM_NAMES = ['rne', 'rtz', 'rdn', 'rup', 'rmm', '', '', ''];

/**
 * An F/D instruction word as assembly ('fadd.d fa0, fa1, fa2', 'fld fs0, 8(sp)',
 * 'fcvt.w.d a0, fa0, rtz': a static rounding mode is shown, dyn is not), with the integer
 * registers named by `reg`; undefined when the word is no F/D instruction.
 */
export function disassembleFp(word: number, reg: (index: number) => string): string | undefined {
  const m = fpMnemonic(word);
  if (m === undefined) return undefined;
  const w = word >>> 0;
  const rd = (w >>> 7) & 31;
  const rs1 = (w >>> 15) & 31;
  const rs2 = (w >>> 20) & 31;
  const f = (i: number): string => F_NAMES[i]!;
  const opcode = w & 0x7f;
  if (opcode === 0x07) return `${m} ${f(rd)}, ${w >> 20}(${reg(rs1)})`;
  if (opcode === 0x27) return `${m} ${f(rs2)}, ${((w >> 25) << 5) | ((w >>> 7) & 31)}(${reg(rs1)})`;
  const rm = RM_NAMES[(w >>> 12) & 7]!;
  const withRm = (text: string): string => (rm === '' ? text : `${text}, ${rm}`);
  if (opcode !== OP_FP) return withRm(`${m} ${f(rd)}, ${f(rs1)}, ${f(rs2)}, ${f(w >>> 27)}`);
  const f5 = w >>> 27;
  if (f5 <= 0x03) return withRm(`${m} ${f(rd)}, ${f(rs1)}, ${f(rs2)}`);
  if (f5 === 0x04 || f5 === 0x05) return `${m} ${f(rd)}, ${f(rs1)}, ${f(rs2)}`;
  if (f5 === 0x08 || f5 === 0x0b) return withRm(`${m} ${f(rd)}, ${f(rs1)}`);
  if (f5 === 0x14) return `${m} ${reg(rd)}, ${f(rs1)}, ${f(rs2)}`;
  if (f5 === 0x18) return withRm(`${m} ${reg(rd)}, ${f(rs1)}`);
  if (f5 === 0x1a) return withRm(`${m} ${f(rd)}, ${reg(rs1)}`);
  if (f5 === 0x1c) return `${m} ${reg(rd)}, ${f(rs1)}`;
  return `${m} ${f(rd)}, ${reg(rs1)}`;
}

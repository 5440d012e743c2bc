import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  COMPRESSED_FORMS,
  ILLEGAL_COMPRESSED,
  compressedForm,
  expandCompressed,
} from '../../src/arch/riscv64/compressed.js';
import {
  type CompressedFixture,
  buildFixture,
  crossCheck,
  haveObjdump,
  serializeFixture,
} from './fixtures/compressed-crosscheck.js';

// ------------------------------------------------------------------ 32-bit encoders (reference)

const enc = {
  i: (imm: number, rs1: number, f3: number, rd: number, op: number): number =>
    (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0,
  s: (imm: number, rs2: number, rs1: number, f3: number): number =>
    ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | 0x23) >>> 0,
  r: (f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number): number =>
    ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0,
  b: (off: number, rs2: number, rs1: number, f3: number): number =>
    (((off < 0 ? 1 : 0) << 31) |
      (((off >> 5) & 0x3f) << 25) |
      (rs2 << 20) |
      (rs1 << 15) |
      (f3 << 12) |
      (((off >> 1) & 0xf) << 8) |
      (((off >> 11) & 1) << 7) |
      0x63) >>>
    0,
  j: (off: number, rd: number): number =>
    (((off < 0 ? 1 : 0) << 31) |
      (((off >> 1) & 0x3ff) << 21) |
      (((off >> 11) & 1) << 20) |
      (((off >> 12) & 0xff) << 12) |
      (rd << 7) |
      0x6f) >>>
    0,
  u: (imm20: number, rd: number): number => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37) >>> 0,
};
const addi = (rd: number, rs1: number, imm: number): number => enc.i(imm, rs1, 0, rd, 0x13);

// ------------------------------------------------------------------ 16-bit encoders (from the spec tables)

/** bit `from` of x placed at bit `to`. */
const bit = (x: number, from: number, to: number): number => ((x >> from) & 1) << to;
/** bits [hi:lo] of x placed starting at bit `to`. */
const bits = (x: number, hi: number, lo: number, to: number): number => ((x >> lo) & ((1 << (hi - lo + 1)) - 1)) << to;

const c = {
  addi4spn: (rdp: number, imm: number): number =>
    bits(imm, 5, 4, 11) | bits(imm, 9, 6, 7) | bit(imm, 2, 6) | bit(imm, 3, 5) | ((rdp - 8) << 2),
  /** c.lw / c.sw (funct3 010 / 110). */
  clw: (f3: number, rs1p: number, rp: number, imm: number): number =>
    (f3 << 13) | bits(imm, 5, 3, 10) | ((rs1p - 8) << 7) | bit(imm, 2, 6) | bit(imm, 6, 5) | ((rp - 8) << 2),
  /** c.ld / c.sd (funct3 011 / 111). */
  cld: (f3: number, rs1p: number, rp: number, imm: number): number =>
    (f3 << 13) | bits(imm, 5, 3, 10) | ((rs1p - 8) << 7) | bits(imm, 7, 6, 5) | ((rp - 8) << 2),
  /** CI format, quadrant q: imm[5] at 12, imm[4:0] at 6:2. */
  ci: (f3: number, q: number, rd: number, imm: number): number =>
    (f3 << 13) | bit(imm, 5, 12) | (rd << 7) | bits(imm, 4, 0, 2) | q,
  addi16sp: (imm: number): number =>
    (3 << 13) | bit(imm, 9, 12) | (2 << 7) | bit(imm, 4, 6) | bit(imm, 6, 5) | bits(imm, 8, 7, 3) | bit(imm, 5, 2) | 1,
  /** c.srli/c.srai/c.andi: funct2 at 11:10. */
  cb: (f2: number, rdp: number, imm: number): number =>
    (4 << 13) | bit(imm, 5, 12) | (f2 << 10) | ((rdp - 8) << 7) | bits(imm, 4, 0, 2) | 1,
  /** c.sub..c.addw: bit 12, funct2 at 6:5. */
  ca: (b12: number, f2: number, rdp: number, rs2p: number): number =>
    (4 << 13) | (b12 << 12) | (3 << 10) | ((rdp - 8) << 7) | (f2 << 5) | ((rs2p - 8) << 2) | 1,
  j: (off: number): number =>
    (5 << 13) |
    bit(off, 11, 12) |
    bit(off, 4, 11) |
    bits(off, 9, 8, 9) |
    bit(off, 10, 8) |
    bit(off, 6, 7) |
    bit(off, 7, 6) |
    bits(off, 3, 1, 3) |
    bit(off, 5, 2) |
    1,
  /** c.beqz (f3 6) / c.bnez (f3 7). */
  br: (f3: number, rs1p: number, off: number): number =>
    (f3 << 13) |
    bit(off, 8, 12) |
    bits(off, 4, 3, 10) |
    ((rs1p - 8) << 7) |
    bits(off, 7, 6, 5) |
    bits(off, 2, 1, 3) |
    bit(off, 5, 2) |
    1,
  lwsp: (rd: number, imm: number): number =>
    (2 << 13) | bit(imm, 5, 12) | (rd << 7) | bits(imm, 4, 2, 4) | bits(imm, 7, 6, 2) | 2,
  ldsp: (rd: number, imm: number): number =>
    (3 << 13) | bit(imm, 5, 12) | (rd << 7) | bits(imm, 4, 3, 5) | bits(imm, 8, 6, 2) | 2,
  swsp: (rs2: number, imm: number): number => (6 << 13) | bits(imm, 5, 2, 9) | bits(imm, 7, 6, 7) | (rs2 << 2) | 2,
  sdsp: (rs2: number, imm: number): number => (7 << 13) | bits(imm, 5, 3, 10) | bits(imm, 8, 6, 7) | (rs2 << 2) | 2,
  /** Quadrant 2, funct3 100: bit 12, rd/rs1 at 11:7, rs2 at 6:2. */
  cr: (b12: number, rd: number, rs2: number): number => (4 << 13) | (b12 << 12) | (rd << 7) | (rs2 << 2) | 2,
};

const REGS = Array.from({ length: 32 }, (_, i) => i);
const PRIME_REGS = [8, 9, 10, 11, 12, 13, 14, 15];
const range = (lo: number, hi: number, step = 1): number[] => {
  const out: number[] = [];
  for (let v = lo; v <= hi; v += step) out.push(v);
  return out;
};

/** Asserts every (halfword, expected) pair and reports the first few failures readably. */
function expectAll(pairs: [number, number][]): void {
  const bad = pairs
    .filter(([h, want]) => expandCompressed(h) !== want)
    .slice(0, 5)
    .map(([h, want]) => `0x${h.toString(16)}: want ${want.toString(16)}, got ${expandCompressed(h).toString(16)}`);
  expect(bad).toEqual([]);
  expect(pairs.length).toBeGreaterThan(0);
}

// ------------------------------------------------------------------ tests

describe('expandCompressed: literal encodings', () => {
  it.each([
    // [halfword, expansion, as the GNU assembler writes them]
    [0x1141, 0xff010113], // c.addi sp,-16 = addi sp,sp,-16
    [0xe406, 0x00113423], // c.sdsp ra,8(sp) = sd ra,8(sp)
    [0x60a2, 0x00813083], // c.ldsp ra,8(sp) = ld ra,8(sp)
    [0x0141, 0x01010113], // c.addi16sp sp,16 = addi sp,sp,16
    [0x8082, 0x00008067], // c.jr ra = jalr zero,0(ra)
    [0x9002, 0x00100073], // c.ebreak
    [0x0001, 0x00000013], // c.nop = addi zero,zero,0
    [0x4501, 0x00000513], // c.li a0,0
    [0x557d, 0xfff00513], // c.li a0,-1
    [0x852e, 0x00b00533], // c.mv a0,a1 = add a0,zero,a1
    [0x952e, 0x00b50533], // c.add a0,a1
    [0x8d0d, 0x40b50533], // c.sub a0,a1
    [0x9d2d, 0x00b5053b], // c.addw a0,a1
    [0x2505, 0x0015051b], // c.addiw a0,1
    [0x2501, 0x0005051b], // c.addiw a0,0 = sext.w a0,a0
    [0xa001, 0x0000006f], // c.j . = jal zero,0
    [0xc119, 0x00050363], // c.beqz a0,+6
    [0x6505, 0x00001537], // c.lui a0,1
    [0x7501, 0xfffe0537], // c.lui a0,0xfffe0 (nzimm = -32 << 12)
    [0x0028, 0x00810513], // c.addi4spn a0,sp,8
    [0x4188, 0x0005a503], // c.lw a0,0(a1)
    [0x6188, 0x0005b503], // c.ld a0,0(a1)
    [0xc188, 0x00a5a023], // c.sw a0,0(a1)
    [0xe188, 0x00a5b023], // c.sd a0,0(a1)
    [0x050e, 0x00351513], // c.slli a0,3
    [0x810d, 0x00355513], // c.srli a0,3
    [0x850d, 0x40355513], // c.srai a0,3
    [0x8905, 0x00157513], // c.andi a0,1
    [0x9502, 0x000500e7], // c.jalr a0 = jalr ra,0(a0)
  ])('0x%s expands', (half, word) => {
    expect(expandCompressed(half)).toBe(word);
  });
});

describe('expandCompressed: quadrant 0', () => {
  it('c.addi4spn: every non-zero nzuimm and rd\', and nzuimm = 0 reserved', () => {
    const pairs: [number, number][] = [];
    for (const rd of PRIME_REGS) for (const imm of range(4, 1020, 4)) pairs.push([c.addi4spn(rd, imm), addi(rd, 2, imm)]);
    expectAll(pairs);
    expect(expandCompressed(c.addi4spn(8, 1020))).toBe(addi(8, 2, 1020)); // max, zero-extended
    for (const rd of PRIME_REGS) expect(expandCompressed(c.addi4spn(rd, 0))).toBe(-1);
  });

  it('0x0000 is the defined illegal instruction', () => {
    expect(expandCompressed(0x0000)).toBe(ILLEGAL_COMPRESSED);
    expect(ILLEGAL_COMPRESSED).toBe(-1);
  });

  it('c.lw / c.sw: offsets 0..124 zero-extended, all register pairs', () => {
    const pairs: [number, number][] = [];
    for (const rs1 of PRIME_REGS)
      for (const r of PRIME_REGS)
        for (const imm of range(0, 124, 4)) {
          pairs.push([c.clw(2, rs1, r, imm), enc.i(imm, rs1, 2, r, 0x03)]);
          pairs.push([c.clw(6, rs1, r, imm), enc.s(imm, r, rs1, 2)]);
        }
    expectAll(pairs);
    expect(expandCompressed(c.clw(2, 15, 15, 124))).toBe(enc.i(124, 15, 2, 15, 0x03));
  });

  it('c.ld / c.sd: offsets 0..248 zero-extended, all register pairs', () => {
    const pairs: [number, number][] = [];
    for (const rs1 of PRIME_REGS)
      for (const r of PRIME_REGS)
        for (const imm of range(0, 248, 8)) {
          pairs.push([c.cld(3, rs1, r, imm), enc.i(imm, rs1, 3, r, 0x03)]);
          pairs.push([c.cld(7, rs1, r, imm), enc.s(imm, r, rs1, 3)]);
        }
    expectAll(pairs);
    expect(expandCompressed(c.cld(7, 8, 9, 248))).toBe(enc.s(248, 9, 8, 3));
  });

  it('c.fld, c.fsd (expanded with D, by the C module) and the reserved funct3 100 are not integer forms', () => {
    for (let rest = 0; rest < 0x800; rest++) {
      const low = ((rest << 2) & 0x1ffc) | 0; // bits 12:2, quadrant 0
      expect(expandCompressed((1 << 13) | low)).toBe(-1); // c.fld
      expect(expandCompressed((4 << 13) | low)).toBe(-1); // reserved
      expect(expandCompressed((5 << 13) | low)).toBe(-1); // c.fsd
    }
  });
});

describe('expandCompressed: quadrant 1', () => {
  it('c.addi / c.nop: imm -32..31 sign-extended, HINTs (rd = 0 or imm = 0) expand', () => {
    const pairs: [number, number][] = [];
    for (const rd of REGS) for (const imm of range(-32, 31)) pairs.push([c.ci(0, 1, rd, imm), addi(rd, rd, imm)]);
    expectAll(pairs);
    expect(expandCompressed(c.ci(0, 1, 10, -32))).toBe(0xfe050513); // addi a0,a0,-32
    expect(expandCompressed(c.ci(0, 1, 0, 5))).toBe(addi(0, 0, 5)); // c.nop HINT
    expect(expandCompressed(c.ci(0, 1, 10, 0))).toBe(addi(10, 10, 0)); // c.addi HINT
  });

  it('c.addiw: imm -32..31, rd = 0 reserved', () => {
    const pairs: [number, number][] = [];
    for (const rd of REGS.slice(1))
      for (const imm of range(-32, 31)) pairs.push([c.ci(1, 1, rd, imm), enc.i(imm, rd, 0, rd, 0x1b)]);
    expectAll(pairs);
    for (const imm of range(-32, 31)) expect(expandCompressed(c.ci(1, 1, 0, imm))).toBe(-1);
  });

  it('c.li: imm -32..31, rd = 0 is a HINT', () => {
    const pairs: [number, number][] = [];
    for (const rd of REGS) for (const imm of range(-32, 31)) pairs.push([c.ci(2, 1, rd, imm), addi(rd, 0, imm)]);
    expectAll(pairs);
    expect(expandCompressed(c.ci(2, 1, 1, 31))).toBe(addi(1, 0, 31));
    expect(expandCompressed(c.ci(2, 1, 1, -32))).toBe(addi(1, 0, -32));
  });

  it('c.addi16sp: nzimm -512..496 step 16, 0 reserved', () => {
    const pairs: [number, number][] = [];
    for (const imm of range(-512, 496, 16)) if (imm !== 0) pairs.push([c.addi16sp(imm), addi(2, 2, imm)]);
    expectAll(pairs);
    expect(pairs).toHaveLength(63);
    expect(expandCompressed(c.addi16sp(-512))).toBe(0xe0010113);
    expect(expandCompressed(c.addi16sp(496))).toBe(0x1f010113);
    expect(expandCompressed(c.addi16sp(0))).toBe(-1);
    expect(c.addi16sp(0)).toBe(0x6101);
  });

  it('c.lui: nzimm[17:12] sign-extended to 20 bits, 0 reserved, rd = 0 a HINT', () => {
    const pairs: [number, number][] = [];
    for (const rd of REGS)
      for (const imm of range(-32, 31)) if (rd !== 2 && imm !== 0) pairs.push([c.ci(3, 1, rd, imm), enc.u(imm, rd)]);
    expectAll(pairs);
    expect(expandCompressed(c.ci(3, 1, 10, 31))).toBe(0x0001f537); // lui a0,0x1f
    expect(expandCompressed(c.ci(3, 1, 10, -1))).toBe(0xfffff537); // lui a0,0xfffff
    expect(expandCompressed(c.ci(3, 1, 10, -32))).toBe(0xfffe0537); // lui a0,0xfffe0
    expect(expandCompressed(c.ci(3, 1, 0, 1))).toBe(enc.u(1, 0)); // HINT
    for (const rd of REGS) expect(expandCompressed(c.ci(3, 1, rd, 0))).toBe(-1);
  });

  it('c.srli / c.srai: 6-bit shamt 0..63 (shamt = 0 is a HINT, expands to the shift by 0)', () => {
    const pairs: [number, number][] = [];
    for (const rd of PRIME_REGS)
      for (const sh of range(0, 63)) {
        pairs.push([c.cb(0, rd, sh), enc.i(sh, rd, 5, rd, 0x13)]);
        pairs.push([c.cb(1, rd, sh), enc.i(0x400 | sh, rd, 5, rd, 0x13)]);
      }
    expectAll(pairs);
    expect(expandCompressed(c.cb(0, 10, 63))).toBe(0x03f55513); // srli a0,a0,63
    expect(expandCompressed(c.cb(1, 10, 63))).toBe(0x43f55513); // srai a0,a0,63
    expect(expandCompressed(c.cb(0, 10, 0))).toBe(0x00055513); // srli a0,a0,0
  });

  it('c.andi: imm -32..31 sign-extended', () => {
    const pairs: [number, number][] = [];
    for (const rd of PRIME_REGS) for (const imm of range(-32, 31)) pairs.push([c.cb(2, rd, imm), enc.i(imm, rd, 7, rd, 0x13)]);
    expectAll(pairs);
    expect(expandCompressed(c.cb(2, 10, -32))).toBe(0xfe057513);
  });

  it('c.sub / c.xor / c.or / c.and / c.subw / c.addw, and the two reserved slots', () => {
    const pairs: [number, number][] = [];
    for (const rd of PRIME_REGS)
      for (const rs2 of PRIME_REGS) {
        pairs.push([c.ca(0, 0, rd, rs2), enc.r(0x20, rs2, rd, 0, rd, 0x33)]);
        pairs.push([c.ca(0, 1, rd, rs2), enc.r(0, rs2, rd, 4, rd, 0x33)]);
        pairs.push([c.ca(0, 2, rd, rs2), enc.r(0, rs2, rd, 6, rd, 0x33)]);
        pairs.push([c.ca(0, 3, rd, rs2), enc.r(0, rs2, rd, 7, rd, 0x33)]);
        pairs.push([c.ca(1, 0, rd, rs2), enc.r(0x20, rs2, rd, 0, rd, 0x3b)]);
        pairs.push([c.ca(1, 1, rd, rs2), enc.r(0, rs2, rd, 0, rd, 0x3b)]);
        pairs.push([c.ca(1, 2, rd, rs2), -1]);
        pairs.push([c.ca(1, 3, rd, rs2), -1]);
      }
    expectAll(pairs);
  });

  it('c.j: every even offset -2048..2046', () => {
    const pairs: [number, number][] = [];
    for (const off of range(-2048, 2046, 2)) pairs.push([c.j(off), enc.j(off, 0)]);
    expectAll(pairs);
    expect(expandCompressed(c.j(-2048))).toBe(0x801ff06f); // jal zero,-2048
    expect(expandCompressed(c.j(2046))).toBe(0x7fe0006f); // jal zero,2046
    expect(expandCompressed(c.j(-2))).toBe(0xfffff06f); // jal zero,-2
  });

  it('c.beqz / c.bnez: every even offset -256..254, all rs1\'', () => {
    const pairs: [number, number][] = [];
    for (const rs1 of PRIME_REGS)
      for (const off of range(-256, 254, 2)) {
        pairs.push([c.br(6, rs1, off), enc.b(off, 0, rs1, 0)]);
        pairs.push([c.br(7, rs1, off), enc.b(off, 0, rs1, 1)]);
      }
    expectAll(pairs);
    expect(expandCompressed(c.br(6, 10, -256))).toBe(0xf00500e3); // beq a0,zero,-256
    expect(expandCompressed(c.br(7, 10, 254))).toBe(0x0e051f63); // bne a0,zero,254
  });
});

describe('expandCompressed: quadrant 2', () => {
  it('c.slli: shamt 0..63, all rd (rd = 0 and shamt = 0 are HINTs)', () => {
    const pairs: [number, number][] = [];
    for (const rd of REGS) for (const sh of range(0, 63)) pairs.push([c.ci(0, 2, rd, sh), enc.i(sh, rd, 1, rd, 0x13)]);
    expectAll(pairs);
    expect(expandCompressed(c.ci(0, 2, 10, 63))).toBe(0x03f51513);
  });

  it('c.lwsp: offsets 0..252, rd = 0 reserved', () => {
    const pairs: [number, number][] = [];
    for (const rd of REGS.slice(1)) for (const imm of range(0, 252, 4)) pairs.push([c.lwsp(rd, imm), enc.i(imm, 2, 2, rd, 0x03)]);
    expectAll(pairs);
    expect(expandCompressed(c.lwsp(10, 252))).toBe(0x0fc12503);
    for (const imm of range(0, 252, 4)) expect(expandCompressed(c.lwsp(0, imm))).toBe(-1);
  });

  it('c.ldsp: offsets 0..504, rd = 0 reserved', () => {
    const pairs: [number, number][] = [];
    for (const rd of REGS.slice(1)) for (const imm of range(0, 504, 8)) pairs.push([c.ldsp(rd, imm), enc.i(imm, 2, 3, rd, 0x03)]);
    expectAll(pairs);
    expect(expandCompressed(c.ldsp(10, 504))).toBe(0x1f813503);
    for (const imm of range(0, 504, 8)) expect(expandCompressed(c.ldsp(0, imm))).toBe(-1);
  });

  it('c.swsp / c.sdsp: offsets 0..252 / 0..504, all rs2', () => {
    const pairs: [number, number][] = [];
    for (const rs2 of REGS) {
      for (const imm of range(0, 252, 4)) pairs.push([c.swsp(rs2, imm), enc.s(imm, rs2, 2, 2)]);
      for (const imm of range(0, 504, 8)) pairs.push([c.sdsp(rs2, imm), enc.s(imm, rs2, 2, 3)]);
    }
    expectAll(pairs);
    expect(expandCompressed(c.sdsp(1, 504))).toBe(0x1e113c23); // sd ra,504(sp)
  });

  it('c.jr / c.mv / c.ebreak / c.jalr / c.add, c.jr x0 reserved', () => {
    const pairs: [number, number][] = [];
    for (const r1 of REGS)
      for (const r2 of REGS) {
        if (r2 === 0) {
          pairs.push([c.cr(0, r1, 0), r1 === 0 ? -1 : enc.i(0, r1, 0, 0, 0x67)]); // c.jr
          pairs.push([c.cr(1, r1, 0), r1 === 0 ? 0x00100073 : enc.i(0, r1, 0, 1, 0x67)]); // c.ebreak / c.jalr
        } else {
          pairs.push([c.cr(0, r1, r2), enc.r(0, r2, 0, 0, r1, 0x33)]); // c.mv (rd = 0 HINT)
          pairs.push([c.cr(1, r1, r2), enc.r(0, r2, r1, 0, r1, 0x33)]); // c.add (rd = 0 HINT)
        }
      }
    expectAll(pairs);
    expect(expandCompressed(0x8002)).toBe(-1);
  });

  it('c.fldsp and c.fsdsp (expanded with D, by the C module) are not integer forms', () => {
    for (let rest = 0; rest < 0x800; rest++) {
      expect(expandCompressed((1 << 13) | (rest << 2) | 2)).toBe(-1);
      expect(expandCompressed((5 << 13) | (rest << 2) | 2)).toBe(-1);
    }
  });
});

describe('expandCompressed: whole space', () => {
  it('halfwords with low bits 0b11 are not RVC', () => {
    const bad: number[] = [];
    for (let h = 3; h < 0x10000; h += 4) if (expandCompressed(h) !== -1) bad.push(h);
    expect(bad).toEqual([]);
  });

  it('results are -1 or an unsigned 32-bit word with low bits 0b11', () => {
    const bad: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const w = expandCompressed(h);
      if (w !== -1 && !(Number.isInteger(w) && w >= 0 && w <= 0xffffffff && (w & 3) === 3)) bad.push(h);
    }
    expect(bad).toEqual([]);
  });

  it('only the low 16 bits of the argument are looked at', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), (x) => {
        expect(expandCompressed(x)).toBe(expandCompressed(x & 0xffff));
      }),
    );
  });

  it('COMPRESSED_FORMS classifies every RVC halfword, consistently with the expander', () => {
    const counts = new Map<string, number>();
    const wrong: string[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const form = compressedForm(h);
      if ((h & 3) === 3) {
        if (form !== undefined) wrong.push(`0x${h.toString(16)} classified as ${form.name}`);
        continue;
      }
      if (form === undefined) {
        wrong.push(`0x${h.toString(16)} unclassified`);
        continue;
      }
      counts.set(form.name, (counts.get(form.name) ?? 0) + 1);
      if (form.legal !== expandCompressed(h) >= 0) wrong.push(`0x${h.toString(16)} ${form.name}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // Every listed form is reachable (none is shadowed by an earlier, wider one).
    for (const form of COMPRESSED_FORMS) expect(counts.get(form.name) ?? 0, form.name).toBeGreaterThan(0);
    expect(counts.get('c.fld')).toBe(2048);
    expect(counts.get('c.addiw(rd=0)')).toBe(64);
    expect(counts.get('c.lui(nzimm=0)')).toBe(31);
  });
});

// ------------------------------------------------------------------ the objdump-verified fixture

const FIXTURE_URL = new URL('./fixtures/compressed-expansions.json', import.meta.url);

describe('expandCompressed: fixture cross-checked against GNU objdump', () => {
  const text = readFileSync(FIXTURE_URL, 'utf8');
  const fixture = JSON.parse(text) as CompressedFixture;

  it('was produced by a clean, complete cross-check and stays small', () => {
    expect(fixture.halfwordsChecked).toBe(65536);
    expect(fixture.mismatches).toBe(0);
    expect(fixture.deviations.map(([h]) => h)).toEqual([0x6101]); // reserved c.addi16sp 0
    expect(fixture.legalCount + fixture.illegalCount).toBe(65536);
    expect(text.length).toBeLessThan(200 * 1024);
    expect(fixture.samples.length).toBeGreaterThan(2000);
  });

  it('the whole 65536-entry expansion table hashes to the verified one', () => {
    const table = new Int32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = expandCompressed(h);
    expect(createHash('sha256').update(new Uint8Array(table.buffer)).digest('hex')).toBe(fixture.tableSha256);
  });

  it('legality of every halfword matches the verified bitmap', () => {
    const bitmap = Buffer.from(fixture.legalBitmap, 'base64');
    expect(bitmap.length).toBe(8192);
    let legal = 0;
    const wrong: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const isLegal = ((bitmap[h >> 3]! >> (h & 7)) & 1) === 1;
      if (isLegal) legal++;
      if (isLegal !== expandCompressed(h) >= 0) wrong.push(h);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(legal).toBe(fixture.legalCount);
  });

  it('every sampled halfword expands to the verified word', () => {
    const bad = fixture.samples.filter(([h, w]) => expandCompressed(h) !== w).slice(0, 5);
    expect(bad).toEqual([]);
  });

  it('samples cover every form', () => {
    const seen = new Set(fixture.samples.map(([h]) => compressedForm(h)?.name));
    for (const form of COMPRESSED_FORMS) expect(seen.has(form.name), form.name).toBe(true);
  });
});

// Opt-in: needs riscv64-linux-gnu-objdump. RVC_UPDATE_FIXTURE=1 also rewrites the fixture.
describe.runIf(process.env.RVC_CROSSCHECK === '1' && haveObjdump())('GNU objdump cross-check (live)', () => {
  it('agrees with the disassembler on all 65536 halfwords', () => {
    const result = crossCheck();
    expect(result.checked).toBe(65536);
    expect(result.mismatches.slice(0, 10)).toEqual([]);
    expect(result.deviations.map((d) => d.half)).toEqual([0x6101]);
    if (process.env.RVC_UPDATE_FIXTURE === '1') writeFileSync(FIXTURE_URL, serializeFixture(buildFixture(result)));
  });
});

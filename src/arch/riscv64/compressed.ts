/**
 * RV64C: expansion of 16-bit compressed instructions into their 32-bit equivalents.
 *
 * Every RVC instruction is defined by the ISA manual as shorthand for one base instruction,
 * so the hart's decoder expands a halfword once (the result is cached by the caller) and
 * hands the 32-bit word to the ordinary RV64I/M/A decoder.
 *
 * Scope: the integer forms. The compressed floating-point loads and stores (c.fld, c.fsd,
 * c.fldsp, c.fsdsp) return -1 here and are expanded by the C extension module with the D
 * ones (isa/fd.ts `expandCompressedFp`), so they decode only when D is registered; whatever
 * the base C extension leaves reserved is illegal. Encodings later taken by Zcb/Zcmp/Zcmt
 * are not emulated and are illegal.
 *
 * HINTs are legal and expand to the instruction they are shorthand for, which is then a
 * no-op or an ordinary operation: c.nop with a non-zero immediate, c.addi with imm=0,
 * c.li/c.lui/c.mv/c.add/c.slli with rd=x0, and c.slli/c.srli/c.srai with shamt=0 (in RV64,
 * shamt=0 is a HINT in the ratified spec; older spec versions called it reserved. It expands
 * to the shift by 0, i.e. a no-op).
 */

/** Returned by {@link expandCompressed} for an illegal or reserved halfword. */
export const ILLEGAL_COMPRESSED = -1;

// Base opcodes.
const OP_LOAD = 0x03;
const OP_IMM = 0x13;
const OP_IMM_32 = 0x1b;
const OP_STORE = 0x23;
const OP = 0x33;
const OP_LUI = 0x37;
const OP_32 = 0x3b;
const OP_BRANCH = 0x63;
const OP_JALR = 0x67;
const OP_JAL = 0x6f;
const EBREAK = 0x00100073;

/** I-type word: imm is a signed 12-bit value (or unsigned < 2048). */
function iType(imm: number, rs1: number, funct3: number, rd: number, opcode: number): number {
  return (((imm & 0xfff) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
}

/** S-type word (stores): imm is an unsigned offset < 2048. */
function sType(imm: number, rs2: number, rs1: number, funct3: number): number {
  return (
    (((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | ((imm & 0x1f) << 7) | OP_STORE) >>> 0
  );
}

/** R-type word. */
function rType(funct7: number, rs2: number, rs1: number, funct3: number, rd: number, opcode: number): number {
  return ((funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
}

/** B-type word: off is a signed, even byte offset in [-4096, 4094]. */
function bType(off: number, rs2: number, rs1: number, funct3: number): number {
  return (
    (((off >> 12) & 1) << 31) |
    (((off >> 5) & 0x3f) << 25) |
    (rs2 << 20) |
    (rs1 << 15) |
    (funct3 << 12) |
    (((off >> 1) & 0xf) << 8) |
    (((off >> 11) & 1) << 7) |
    OP_BRANCH
  ) >>> 0;
}

/** J-type word: off is a signed, even byte offset in [-2^20, 2^20 - 2]. */
function jType(off: number, rd: number): number {
  return (
    (((off >> 20) & 1) << 31) |
    (((off >> 1) & 0x3ff) << 21) |
    (((off >> 11) & 1) << 20) |
    (((off >> 12) & 0xff) << 12) |
    (rd << 7) |
    OP_JAL
  ) >>> 0;
}

/** Sign-extends the 6-bit immediate imm[5] = bit 12, imm[4:0] = bits 6:2 (CI format). */
function ciImm(h: number): number {
  return ((((h >> 12) & 1) << 5) | ((h >> 2) & 0x1f)) - ((h >> 6) & 0x40);
}

/** Unsigned 6-bit shift amount, shamt[5] = bit 12, shamt[4:0] = bits 6:2. */
function ciShamt(h: number): number {
  return (((h >> 12) & 1) << 5) | ((h >> 2) & 0x1f);
}

/**
 * Expands a 16-bit RVC instruction to the equivalent 32-bit RV64 instruction word.
 *
 * Only the low 16 bits of `half` are looked at. Returns the 32-bit word as an unsigned
 * number in [0, 2^32), or {@link ILLEGAL_COMPRESSED} (-1) when the halfword is illegal on an
 * RV64IMAC hart: 0x0000, a reserved encoding, a compressed F/D load or store, or a halfword
 * whose low two bits are 0b11 (that is the first half of a 32-bit instruction, not RVC).
 */
export function expandCompressed(half: number): number {
  const h = half & 0xffff;
  // Dispatch on funct3 (bits 15:13) and the quadrant (bits 1:0).
  switch (((h >> 11) & 0x1c) | (h & 3)) {
    // ---------------------------------------------------------------- quadrant 0
    case 0x00: {
      // c.addi4spn rd', nzuimm -> addi rd', x2, nzuimm. nzuimm[5:4|9:6|2|3] = bits 12:11|10:7|6|5.
      const imm = ((h >> 7) & 0x30) | ((h >> 1) & 0x3c0) | ((h >> 4) & 0x4) | ((h >> 2) & 0x8);
      if (imm === 0) return -1; // includes 0x0000, the defined illegal instruction
      return iType(imm, 2, 0, 8 + ((h >> 2) & 7), OP_IMM);
    }
    case 0x04: // c.fld (D)
      return -1;
    case 0x08: {
      // c.lw rd', uimm(rs1') -> lw. uimm[5:3] = bits 12:10, uimm[2|6] = bits 6|5.
      const imm = ((h >> 7) & 0x38) | ((h >> 4) & 0x4) | ((h << 1) & 0x40);
      return iType(imm, 8 + ((h >> 7) & 7), 2, 8 + ((h >> 2) & 7), OP_LOAD);
    }
    case 0x0c: {
      // c.ld rd', uimm(rs1') -> ld. uimm[5:3] = bits 12:10, uimm[7:6] = bits 6:5.
      const imm = ((h >> 7) & 0x38) | ((h << 1) & 0xc0);
      return iType(imm, 8 + ((h >> 7) & 7), 3, 8 + ((h >> 2) & 7), OP_LOAD);
    }
    case 0x10: // reserved (Zcb loads/stores, not emulated)
      return -1;
    case 0x14: // c.fsd (D)
      return -1;
    case 0x18: {
      // c.sw rs2', uimm(rs1') -> sw. Same immediate layout as c.lw.
      const imm = ((h >> 7) & 0x38) | ((h >> 4) & 0x4) | ((h << 1) & 0x40);
      return sType(imm, 8 + ((h >> 2) & 7), 8 + ((h >> 7) & 7), 2);
    }
    case 0x1c: {
      // c.sd rs2', uimm(rs1') -> sd. Same immediate layout as c.ld.
      const imm = ((h >> 7) & 0x38) | ((h << 1) & 0xc0);
      return sType(imm, 8 + ((h >> 2) & 7), 8 + ((h >> 7) & 7), 3);
    }

    // ---------------------------------------------------------------- quadrant 1
    case 0x01: {
      // c.addi rd, imm -> addi rd, rd, imm (c.nop when rd = 0; rd = 0 or imm = 0 are HINTs).
      const rd = (h >> 7) & 0x1f;
      return iType(ciImm(h), rd, 0, rd, OP_IMM);
    }
    case 0x05: {
      // c.addiw rd, imm -> addiw rd, rd, imm. rd = 0 is reserved.
      const rd = (h >> 7) & 0x1f;
      if (rd === 0) return -1;
      return iType(ciImm(h), rd, 0, rd, OP_IMM_32);
    }
    case 0x09: // c.li rd, imm -> addi rd, x0, imm (rd = 0 is a HINT).
      return iType(ciImm(h), 0, 0, (h >> 7) & 0x1f, OP_IMM);
    case 0x0d: {
      const rd = (h >> 7) & 0x1f;
      if (rd === 2) {
        // c.addi16sp nzimm -> addi x2, x2, nzimm. nzimm[9|4|6|8:7|5] = bits 12|6|5|4:3|2.
        const imm =
          ((h >> 3) & 0x200) | ((h >> 2) & 0x10) | ((h << 1) & 0x40) | ((h << 4) & 0x180) | ((h << 3) & 0x20);
        if (imm === 0) return -1;
        return iType(imm - ((imm & 0x200) << 1), 2, 0, 2, OP_IMM);
      }
      // c.lui rd, nzimm -> lui rd, nzimm[17:12] sign-extended. nzimm = 0 is reserved; rd = 0 a HINT.
      const imm = ciImm(h);
      if (imm === 0) return -1;
      return (((imm & 0xfffff) << 12) | (rd << 7) | OP_LUI) >>> 0;
    }
    case 0x11: {
      const rd = 8 + ((h >> 7) & 7);
      switch ((h >> 10) & 3) {
        case 0: // c.srli rd', shamt -> srli rd', rd', shamt
          return iType(ciShamt(h), rd, 5, rd, OP_IMM);
        case 1: // c.srai rd', shamt -> srai rd', rd', shamt
          return iType(0x400 | ciShamt(h), rd, 5, rd, OP_IMM);
        case 2: // c.andi rd', imm -> andi rd', rd', imm
          return iType(ciImm(h), rd, 7, rd, OP_IMM);
        default: {
          const rs2 = 8 + ((h >> 2) & 7);
          switch (((h >> 10) & 4) | ((h >> 5) & 3)) {
            case 0: // c.sub
              return rType(0x20, rs2, rd, 0, rd, OP);
            case 1: // c.xor
              return rType(0, rs2, rd, 4, rd, OP);
            case 2: // c.or
              return rType(0, rs2, rd, 6, rd, OP);
            case 3: // c.and
              return rType(0, rs2, rd, 7, rd, OP);
            case 4: // c.subw
              return rType(0x20, rs2, rd, 0, rd, OP_32);
            case 5: // c.addw
              return rType(0, rs2, rd, 0, rd, OP_32);
            default: // reserved (Zcb c.mul and the unary group, not emulated)
              return -1;
          }
        }
      }
    }
    case 0x15: {
      // c.j offset -> jal x0, offset. offset[11|4|9:8|10|6|7|3:1|5] = bits 12|11|10:9|8|7|6|5:3|2.
      const off =
        ((h >> 1) & 0x800) |
        ((h >> 7) & 0x10) |
        ((h >> 1) & 0x300) |
        ((h << 2) & 0x400) |
        ((h >> 1) & 0x40) |
        ((h << 1) & 0x80) |
        ((h >> 2) & 0xe) |
        ((h << 3) & 0x20);
      return jType(off - ((off & 0x800) << 1), 0);
    }
    case 0x19: // c.beqz rs1', offset -> beq rs1', x0, offset
    case 0x1d: {
      // c.bnez rs1', offset -> bne rs1', x0, offset. offset[8|4:3|7:6|2:1|5] = bits 12|11:10|6:5|4:3|2.
      const off = ((h >> 4) & 0x100) | ((h >> 7) & 0x18) | ((h << 1) & 0xc0) | ((h >> 2) & 0x6) | ((h << 3) & 0x20);
      return bType(off - ((off & 0x100) << 1), 0, 8 + ((h >> 7) & 7), (h >> 13) & 1);
    }

    // ---------------------------------------------------------------- quadrant 2
    case 0x02: {
      // c.slli rd, shamt -> slli rd, rd, shamt (rd = 0 or shamt = 0 are HINTs).
      const rd = (h >> 7) & 0x1f;
      return iType(ciShamt(h), rd, 1, rd, OP_IMM);
    }
    case 0x06: // c.fldsp (D)
      return -1;
    case 0x0a: {
      // c.lwsp rd, uimm(x2) -> lw. uimm[5|4:2|7:6] = bits 12|6:4|3:2. rd = 0 is reserved.
      const rd = (h >> 7) & 0x1f;
      if (rd === 0) return -1;
      const imm = ((h >> 7) & 0x20) | ((h >> 2) & 0x1c) | ((h << 4) & 0xc0);
      return iType(imm, 2, 2, rd, OP_LOAD);
    }
    case 0x0e: {
      // c.ldsp rd, uimm(x2) -> ld. uimm[5|4:3|8:6] = bits 12|6:5|4:2. rd = 0 is reserved.
      const rd = (h >> 7) & 0x1f;
      if (rd === 0) return -1;
      const imm = ((h >> 7) & 0x20) | ((h >> 2) & 0x18) | ((h << 4) & 0x1c0);
      return iType(imm, 2, 3, rd, OP_LOAD);
    }
    case 0x12: {
      const rs1 = (h >> 7) & 0x1f;
      const rs2 = (h >> 2) & 0x1f;
      if ((h & 0x1000) === 0) {
        if (rs2 === 0) {
          // c.jr rs1 -> jalr x0, 0(rs1). rs1 = 0 is reserved.
          if (rs1 === 0) return -1;
          return iType(0, rs1, 0, 0, OP_JALR);
        }
        // c.mv rd, rs2 -> add rd, x0, rs2 (rd = 0 is a HINT).
        return rType(0, rs2, 0, 0, rs1, OP);
      }
      if (rs2 === 0) {
        if (rs1 === 0) return EBREAK; // c.ebreak
        return iType(0, rs1, 0, 1, OP_JALR); // c.jalr rs1 -> jalr x1, 0(rs1)
      }
      // c.add rd, rs2 -> add rd, rd, rs2 (rd = 0 is a HINT).
      return rType(0, rs2, rs1, 0, rs1, OP);
    }
    case 0x16: // c.fsdsp (D)
      return -1;
    case 0x1a: {
      // c.swsp rs2, uimm(x2) -> sw. uimm[5:2|7:6] = bits 12:9|8:7.
      const imm = ((h >> 7) & 0x3c) | ((h >> 1) & 0xc0);
      return sType(imm, (h >> 2) & 0x1f, 2, 2);
    }
    case 0x1e: {
      // c.sdsp rs2, uimm(x2) -> sd. uimm[5:3|8:6] = bits 12:10|9:7.
      const imm = ((h >> 7) & 0x38) | ((h >> 1) & 0x1c0);
      return sType(imm, (h >> 2) & 0x1f, 2, 3);
    }

    // Low bits 0b11: not a compressed instruction (cases 0x03, 0x07, ..., 0x1f).
    default:
      return -1;
  }
}

/** One RV64C instruction form: `(half & mask) === match`, checked in list order. */
export interface CompressedForm {
  readonly name: string;
  readonly mask: number;
  readonly match: number;
  /** False for forms that are reserved or need an extension the hart lacks. */
  readonly legal: boolean;
}

/**
 * The RV64C encoding space as a first-match list (more specific entries first), covering
 * every halfword whose low two bits are not 0b11. For tests and diagnostics; the expander
 * itself does not use it.
 */
export const COMPRESSED_FORMS: readonly CompressedForm[] = [
  // Quadrant 0.
  { name: 'illegal', mask: 0xffff, match: 0x0000, legal: false },
  { name: 'c.addi4spn(nzuimm=0)', mask: 0xffe3, match: 0x0000, legal: false },
  { name: 'c.addi4spn', mask: 0xe003, match: 0x0000, legal: true },
  { name: 'c.fld', mask: 0xe003, match: 0x2000, legal: false },
  { name: 'c.lw', mask: 0xe003, match: 0x4000, legal: true },
  { name: 'c.ld', mask: 0xe003, match: 0x6000, legal: true },
  { name: 'reserved(q0,100)', mask: 0xe003, match: 0x8000, legal: false },
  { name: 'c.fsd', mask: 0xe003, match: 0xa000, legal: false },
  { name: 'c.sw', mask: 0xe003, match: 0xc000, legal: true },
  { name: 'c.sd', mask: 0xe003, match: 0xe000, legal: true },
  // Quadrant 1.
  { name: 'c.nop', mask: 0xef83, match: 0x0001, legal: true },
  { name: 'c.addi', mask: 0xe003, match: 0x0001, legal: true },
  { name: 'c.addiw(rd=0)', mask: 0xef83, match: 0x2001, legal: false },
  { name: 'c.addiw', mask: 0xe003, match: 0x2001, legal: true },
  { name: 'c.li', mask: 0xe003, match: 0x4001, legal: true },
  { name: 'c.addi16sp(nzimm=0)', mask: 0xffff, match: 0x6101, legal: false },
  { name: 'c.addi16sp', mask: 0xef83, match: 0x6101, legal: true },
  { name: 'c.lui(nzimm=0)', mask: 0xf07f, match: 0x6001, legal: false },
  { name: 'c.lui', mask: 0xe003, match: 0x6001, legal: true },
  { name: 'c.srli', mask: 0xec03, match: 0x8001, legal: true },
  { name: 'c.srai', mask: 0xec03, match: 0x8401, legal: true },
  { name: 'c.andi', mask: 0xec03, match: 0x8801, legal: true },
  { name: 'c.sub', mask: 0xfc63, match: 0x8c01, legal: true },
  { name: 'c.xor', mask: 0xfc63, match: 0x8c21, legal: true },
  { name: 'c.or', mask: 0xfc63, match: 0x8c41, legal: true },
  { name: 'c.and', mask: 0xfc63, match: 0x8c61, legal: true },
  { name: 'c.subw', mask: 0xfc63, match: 0x9c01, legal: true },
  { name: 'c.addw', mask: 0xfc63, match: 0x9c21, legal: true },
  { name: 'reserved(q1,100111-10)', mask: 0xfc63, match: 0x9c41, legal: false },
  { name: 'reserved(q1,100111-11)', mask: 0xfc63, match: 0x9c61, legal: false },
  { name: 'c.j', mask: 0xe003, match: 0xa001, legal: true },
  { name: 'c.beqz', mask: 0xe003, match: 0xc001, legal: true },
  { name: 'c.bnez', mask: 0xe003, match: 0xe001, legal: true },
  // Quadrant 2.
  { name: 'c.slli', mask: 0xe003, match: 0x0002, legal: true },
  { name: 'c.fldsp', mask: 0xe003, match: 0x2002, legal: false },
  { name: 'c.lwsp(rd=0)', mask: 0xef83, match: 0x4002, legal: false },
  { name: 'c.lwsp', mask: 0xe003, match: 0x4002, legal: true },
  { name: 'c.ldsp(rd=0)', mask: 0xef83, match: 0x6002, legal: false },
  { name: 'c.ldsp', mask: 0xe003, match: 0x6002, legal: true },
  { name: 'c.jr(rs1=0)', mask: 0xffff, match: 0x8002, legal: false },
  { name: 'c.jr', mask: 0xf07f, match: 0x8002, legal: true },
  { name: 'c.mv', mask: 0xf003, match: 0x8002, legal: true },
  { name: 'c.ebreak', mask: 0xffff, match: 0x9002, legal: true },
  { name: 'c.jalr', mask: 0xf07f, match: 0x9002, legal: true },
  { name: 'c.add', mask: 0xf003, match: 0x9002, legal: true },
  { name: 'c.fsdsp', mask: 0xe003, match: 0xa002, legal: false },
  { name: 'c.swsp', mask: 0xe003, match: 0xc002, legal: true },
  { name: 'c.sdsp', mask: 0xe003, match: 0xe002, legal: true },
];

/** The form of a halfword, by {@link COMPRESSED_FORMS}; undefined when its low bits are 0b11. */
export function compressedForm(half: number): CompressedForm | undefined {
  const h = half & 0xffff;
  for (const form of COMPRESSED_FORMS) {
    if ((h & form.mask) === form.match) return form;
  }
  return undefined;
}

/**
 * RV64IMA + Zicsr decoder into a compact pre-decoded form shared by the interpreter and
 * the block translator.
 *
 * A decoded instruction is two int32s:
 *   info = op | compressed << 7 | rd*2 << 8 | rs1*2 << 16 | rs2*2 << 24
 *   imm  = the sign-extended immediate (shift amount, CSR number, branch offset, ...)
 * Register fields are pre-multiplied by 2: they index the hart's Int32Array of (lo, hi)
 * pairs directly. A destination of x0 is stored as 64 (the pair x[64], x[65]): a sink that
 * is never read, so writes to x0 need no test. For the CSR immediate forms the 5-bit uimm is
 * kept (not doubled) in the rs2 field.
 */

// Op ids (dense, 1..98; 0 means "not decoded yet").
export const OP_ILLEGAL = 1;
export const OP_LUI = 2;
export const OP_AUIPC = 3;
export const OP_JAL = 4;
export const OP_JALR = 5;
export const OP_HALT = 6;
export const OP_BEQ = 7;
export const OP_BNE = 8;
export const OP_BLT = 9;
export const OP_BGE = 10;
export const OP_BLTU = 11;
export const OP_BGEU = 12;
export const OP_LB = 13;
export const OP_LH = 14;
export const OP_LW = 15;
export const OP_LD = 16;
export const OP_LBU = 17;
export const OP_LHU = 18;
export const OP_LWU = 19;
export const OP_SB = 20;
export const OP_SH = 21;
export const OP_SW = 22;
export const OP_SD = 23;
export const OP_ADDI = 24;
export const OP_SLTI = 25;
export const OP_SLTIU = 26;
export const OP_XORI = 27;
export const OP_ORI = 28;
export const OP_ANDI = 29;
export const OP_SLLI = 30;
export const OP_SRLI = 31;
export const OP_SRAI = 32;
export const OP_ADD = 33;
export const OP_SUB = 34;
export const OP_SLL = 35;
export const OP_SLT = 36;
export const OP_SLTU = 37;
export const OP_XOR = 38;
export const OP_SRL = 39;
export const OP_SRA = 40;
export const OP_OR = 41;
export const OP_AND = 42;
export const OP_ADDIW = 43;
export const OP_SLLIW = 44;
export const OP_SRLIW = 45;
export const OP_SRAIW = 46;
export const OP_ADDW = 47;
export const OP_SUBW = 48;
export const OP_SLLW = 49;
export const OP_SRLW = 50;
export const OP_SRAW = 51;
export const OP_MUL = 52;
export const OP_MULH = 53;
export const OP_MULHSU = 54;
export const OP_MULHU = 55;
export const OP_DIV = 56;
export const OP_DIVU = 57;
export const OP_REM = 58;
export const OP_REMU = 59;
export const OP_MULW = 60;
export const OP_DIVW = 61;
export const OP_DIVUW = 62;
export const OP_REMW = 63;
export const OP_REMUW = 64;
export const OP_FENCE = 65;
export const OP_FENCE_I = 66;
export const OP_ECALL = 67;
export const OP_EBREAK = 68;
export const OP_MRET = 69;
export const OP_WFI = 70;
export const OP_CSRRW = 71;
export const OP_CSRRS = 72;
export const OP_CSRRC = 73;
export const OP_CSRRWI = 74;
export const OP_CSRRSI = 75;
export const OP_CSRRCI = 76;
export const OP_LR_W = 77;
export const OP_SC_W = 78;
export const OP_AMOSWAP_W = 79;
export const OP_AMOADD_W = 80;
export const OP_AMOXOR_W = 81;
export const OP_AMOAND_W = 82;
export const OP_AMOOR_W = 83;
export const OP_AMOMIN_W = 84;
export const OP_AMOMAX_W = 85;
export const OP_AMOMINU_W = 86;
export const OP_AMOMAXU_W = 87;
export const OP_LR_D = 88;
export const OP_SC_D = 89;
export const OP_AMOSWAP_D = 90;
export const OP_AMOADD_D = 91;
export const OP_AMOXOR_D = 92;
export const OP_AMOAND_D = 93;
export const OP_AMOOR_D = 94;
export const OP_AMOMIN_D = 95;
export const OP_AMOMAX_D = 96;
export const OP_AMOMINU_D = 97;
export const OP_AMOMAXU_D = 98;

/** Mnemonics by op id, for messages and tests. */
export const OP_NAMES: readonly string[] = [
  '(undecoded)', 'illegal', 'lui', 'auipc', 'jal', 'jalr', 'halt',
  'beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu',
  'lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu', 'sb', 'sh', 'sw', 'sd',
  'addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'slli', 'srli', 'srai',
  'add', 'sub', 'sll', 'slt', 'sltu', 'xor', 'srl', 'sra', 'or', 'and',
  'addiw', 'slliw', 'srliw', 'sraiw', 'addw', 'subw', 'sllw', 'srlw', 'sraw',
  'mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu',
  'mulw', 'divw', 'divuw', 'remw', 'remuw',
  'fence', 'fence.i', 'ecall', 'ebreak', 'mret', 'wfi',
  'csrrw', 'csrrs', 'csrrc', 'csrrwi', 'csrrsi', 'csrrci',
  'lr.w', 'sc.w', 'amoswap.w', 'amoadd.w', 'amoxor.w', 'amoand.w', 'amoor.w',
  'amomin.w', 'amomax.w', 'amominu.w', 'amomaxu.w',
  'lr.d', 'sc.d', 'amoswap.d', 'amoadd.d', 'amoxor.d', 'amoand.d', 'amoor.d',
  'amomin.d', 'amomax.d', 'amominu.d', 'amomaxu.d',
];

/** Set in `info` for an instruction that came from a 16-bit halfword. */
export const INFO_COMPRESSED = 0x80;
/** The register pair index that absorbs writes to x0. */
export const SINK = 64;

/** The immediate of the last `decode` call. */
export let decodedImm = 0;

// AMO funct5 → op offset from the .w/.d base (swap).
const AMO_OPS: Record<number, number> = {
  0x01: 0, // swap
  0x00: 1, // add
  0x04: 2, // xor
  0x0c: 3, // and
  0x08: 4, // or
  0x10: 5, // min
  0x14: 6, // max
  0x18: 7, // minu
  0x1c: 8, // maxu
};

function pack(op: number, rd: number, rs1: number, rs2: number, imm: number): number {
  decodedImm = imm | 0;
  return op | ((rd === 0 ? SINK : rd * 2) << 8) | (rs1 * 2 << 16) | (rs2 * 2 << 24);
}

function illegal(): number {
  decodedImm = 0;
  return OP_ILLEGAL;
}

/**
 * Decodes a 32-bit instruction word (for a compressed instruction: its 32-bit expansion).
 * Returns `info` (OP_ILLEGAL when the word is not an RV64IMA/Zicsr instruction) and sets
 * `decodedImm`. The caller adds INFO_COMPRESSED for expanded halfwords.
 */
export function decode(word: number): number {
  const opcode = word & 0x7f;
  const rd = (word >>> 7) & 31;
  const f3 = (word >>> 12) & 7;
  const rs1 = (word >>> 15) & 31;
  const rs2 = (word >>> 20) & 31;
  const f7 = word >>> 25;
  const immI = word >> 20;
  switch (opcode) {
    case 0x37: // LUI
      return pack(OP_LUI, rd, 0, 0, word & 0xfffff000);
    case 0x17: // AUIPC
      return pack(OP_AUIPC, rd, 0, 0, word & 0xfffff000);
    case 0x6f: { // JAL
      const imm =
        ((word >> 31) << 20) | (((word >>> 12) & 0xff) << 12) | (((word >>> 20) & 1) << 11) | (((word >>> 21) & 0x3ff) << 1);
      if (rd === 0 && imm === 0) return pack(OP_HALT, 0, 0, 0, 0);
      return pack(OP_JAL, rd, 0, 0, imm);
    }
    case 0x67: // JALR
      if (f3 !== 0) return illegal();
      return pack(OP_JALR, rd, rs1, 0, immI);
    case 0x63: { // BRANCH
      if (f3 === 2 || f3 === 3) return illegal();
      const imm =
        ((word >> 31) << 12) | (((word >>> 7) & 1) << 11) | (((word >>> 25) & 0x3f) << 5) | (((word >>> 8) & 0xf) << 1);
      const op = f3 < 2 ? OP_BEQ + f3 : OP_BLT + (f3 - 4);
      return pack(op, 0, rs1, rs2, imm);
    }
    case 0x03: { // LOAD
      const op = [OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU, OP_LHU, OP_LWU, OP_ILLEGAL][f3]!;
      if (op === OP_ILLEGAL) return illegal();
      return pack(op, rd, rs1, 0, immI);
    }
    case 0x23: { // STORE
      if (f3 > 3) return illegal();
      const imm = ((word >> 25) << 5) | ((word >>> 7) & 31);
      return pack(OP_SB + f3, 0, rs1, rs2, imm);
    }
    case 0x13: { // OP-IMM
      switch (f3) {
        case 0: return pack(OP_ADDI, rd, rs1, 0, immI);
        case 2: return pack(OP_SLTI, rd, rs1, 0, immI);
        case 3: return pack(OP_SLTIU, rd, rs1, 0, immI);
        case 4: return pack(OP_XORI, rd, rs1, 0, immI);
        case 6: return pack(OP_ORI, rd, rs1, 0, immI);
        case 7: return pack(OP_ANDI, rd, rs1, 0, immI);
        case 1:
          if (word >>> 26 !== 0) return illegal();
          return pack(OP_SLLI, rd, rs1, 0, (word >>> 20) & 63);
        default: // 5
          if (word >>> 26 === 0) return pack(OP_SRLI, rd, rs1, 0, (word >>> 20) & 63);
          if (word >>> 26 === 0x10) return pack(OP_SRAI, rd, rs1, 0, (word >>> 20) & 63);
          return illegal();
      }
    }
    case 0x1b: { // OP-IMM-32
      if (f3 === 0) return pack(OP_ADDIW, rd, rs1, 0, immI);
      if (f3 === 1 && f7 === 0) return pack(OP_SLLIW, rd, rs1, 0, rs2);
      if (f3 === 5 && f7 === 0) return pack(OP_SRLIW, rd, rs1, 0, rs2);
      if (f3 === 5 && f7 === 0x20) return pack(OP_SRAIW, rd, rs1, 0, rs2);
      return illegal();
    }
    case 0x33: { // OP
      if (f7 === 0) {
        const op = [OP_ADD, OP_SLL, OP_SLT, OP_SLTU, OP_XOR, OP_SRL, OP_OR, OP_AND][f3]!;
        return pack(op, rd, rs1, rs2, 0);
      }
      if (f7 === 0x20) {
        if (f3 === 0) return pack(OP_SUB, rd, rs1, rs2, 0);
        if (f3 === 5) return pack(OP_SRA, rd, rs1, rs2, 0);
        return illegal();
      }
      if (f7 === 1) return pack(OP_MUL + f3, rd, rs1, rs2, 0);
      return illegal();
    }
    case 0x3b: { // OP-32
      if (f7 === 0) {
        if (f3 === 0) return pack(OP_ADDW, rd, rs1, rs2, 0);
        if (f3 === 1) return pack(OP_SLLW, rd, rs1, rs2, 0);
        if (f3 === 5) return pack(OP_SRLW, rd, rs1, rs2, 0);
        return illegal();
      }
      if (f7 === 0x20) {
        if (f3 === 0) return pack(OP_SUBW, rd, rs1, rs2, 0);
        if (f3 === 5) return pack(OP_SRAW, rd, rs1, rs2, 0);
        return illegal();
      }
      if (f7 === 1) {
        if (f3 === 0) return pack(OP_MULW, rd, rs1, rs2, 0);
        if (f3 >= 4) return pack(OP_DIVW + (f3 - 4), rd, rs1, rs2, 0);
        return illegal();
      }
      return illegal();
    }
    case 0x0f: // MISC-MEM
      if (f3 === 0) return pack(OP_FENCE, 0, 0, 0, 0);
      if (f3 === 1) return pack(OP_FENCE_I, 0, 0, 0, 0);
      return illegal();
    case 0x73: { // SYSTEM
      const csr = word >>> 20;
      switch (f3) {
        case 0:
          if (word === 0x00000073) return pack(OP_ECALL, 0, 0, 0, 0);
          if (word === 0x00100073) return pack(OP_EBREAK, 0, 0, 0, 0);
          if (word === 0x30200073) return pack(OP_MRET, 0, 0, 0, 0);
          if (word === 0x10500073) return pack(OP_WFI, 0, 0, 0, 0);
          return illegal();
        case 1: return pack(OP_CSRRW, rd, rs1, 0, csr);
        case 2: return pack(OP_CSRRS, rd, rs1, 0, csr);
        case 3: return pack(OP_CSRRC, rd, rs1, 0, csr);
        case 5: return packUimm(OP_CSRRWI, rd, rs1, csr);
        case 6: return packUimm(OP_CSRRSI, rd, rs1, csr);
        case 7: return packUimm(OP_CSRRCI, rd, rs1, csr);
        default: return illegal();
      }
    }
    case 0x2f: { // AMO
      if (f3 !== 2 && f3 !== 3) return illegal();
      const funct5 = word >>> 27;
      const lrBase = f3 === 2 ? OP_LR_W : OP_LR_D;
      if (funct5 === 0x02) {
        if (rs2 !== 0) return illegal();
        return pack(lrBase, rd, rs1, 0, 0);
      }
      if (funct5 === 0x03) return pack(lrBase + 1, rd, rs1, rs2, 0);
      const offset = AMO_OPS[funct5];
      if (offset === undefined) return illegal();
      return pack(lrBase + 2 + offset, rd, rs1, rs2, 0);
    }
    default:
      return illegal();
  }
}

function packUimm(op: number, rd: number, uimm: number, csr: number): number {
  decodedImm = csr;
  return op | ((rd === 0 ? SINK : rd * 2) << 8) | (uimm << 24);
}

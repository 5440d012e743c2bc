/** RV64I: the base integer instructions (and the zkVM "halt" convention, `jal x0, 0`). */
import type { Extension, InstructionDef } from './types.js';

const R = 0xfe00707f;
const F3 = 0x707f;
const SHIFT = 0xfc00707f;

/** (v, w) = (lo, hi) shifted left by the amount in `t` (0..63). */
const SHIFT_LEFT =
  'if (t === 0) { v = $rs1; w = $rs1h; } else if (t < 32) { v = $rs1 << t; w = ($rs1h << t) | ($rs1 >>> (32 - t)); } else { v = 0; w = $rs1 << (t - 32); }';
const SHIFT_RIGHT_LOGICAL =
  'if (t === 0) { v = $rs1; w = $rs1h; } else if (t < 32) { v = ($rs1 >>> t) | ($rs1h << (32 - t)); w = ($rs1h >>> t) | 0; } else { v = ($rs1h >>> (t - 32)) | 0; w = 0; }';
const SHIFT_RIGHT_ARITH =
  'if (t === 0) { v = $rs1; w = $rs1h; } else if (t < 32) { v = ($rs1 >>> t) | ($rs1h << (32 - t)); w = $rs1h >> t; } else { v = $rs1h >> (t - 32); w = $rs1h >> 31; }';

const LT = '($rs1h < $rs2h || ($rs1h === $rs2h && ($rs1 >>> 0) < ($rs2 >>> 0)))';
const LTU = '(($rs1h >>> 0) < ($rs2h >>> 0) || ($rs1h === $rs2h && ($rs1 >>> 0) < ($rs2 >>> 0)))';

const branch = (mnemonic: string, f3: number, cond: string): InstructionDef => ({
  mnemonic,
  match: 0x63 | (f3 << 12),
  mask: F3,
  format: 'B',
  control: 'direct',
  condition: cond,
  semantics: `npc = ${cond} ? $target : $next;`,
});

const load = (mnemonic: string, f3: number, body: string): InstructionDef => ({
  mnemonic,
  match: 0x03 | (f3 << 12),
  mask: F3,
  format: 'I',
  writesRd: true,
  semantics: `$ea ${body}`,
});

const store = (mnemonic: string, f3: number, size: number): InstructionDef => ({
  mnemonic,
  match: 0x23 | (f3 << 12),
  mask: F3,
  format: 'S',
  semantics: `$ea $st${size}`,
});

const immOp = (mnemonic: string, f3: number, semantics: string): InstructionDef => ({
  mnemonic,
  match: 0x13 | (f3 << 12),
  mask: F3,
  format: 'I',
  writesRd: true,
  semantics,
});

const regOp = (mnemonic: string, match: number, semantics: string): InstructionDef => ({
  mnemonic,
  match,
  mask: R,
  format: 'R',
  writesRd: true,
  semantics,
});

/** A 32-bit result in v, sign-extended into w. */
const word = (expr: string): string => `v = ${expr}; w = v >> 31;`;

export const RV64I: Extension = {
  name: 'i',
  letter: 'i',
  instructions: [
    { mnemonic: 'lui', match: 0x37, mask: 0x7f, format: 'U', writesRd: true, semantics: 'v = $imm; w = $immh;' },
    { mnemonic: 'auipc', match: 0x17, mask: 0x7f, format: 'U', writesRd: true, semantics: 'v = $targetlo; w = $targethi;' },
    // `j .` (jal x0, 0) is how zkVM programs say "done": it stops the run, retired once.
    { mnemonic: 'halt', match: 0x6f, mask: 0xffffffff, format: 'none', interpretOnly: true, semantics: '$stop(4)' },
    {
      mnemonic: 'jal',
      match: 0x6f,
      mask: 0x7f,
      format: 'J',
      writesRd: true,
      control: 'direct',
      semantics: 'v = $nextlo; w = $nexthi; npc = $target;',
    },
    {
      mnemonic: 'jalr',
      match: 0x67,
      mask: F3,
      format: 'I',
      writesRd: true,
      control: 'indirect',
      semantics:
        'a = ($rs1 + $imm) | 0; ah = ($rs1h + $immh + ((a >>> 0) < ($rs1 >>> 0) ? 1 : 0)) | 0; v = $nextlo; w = $nexthi; npc = (ah >>> 0) * 4294967296 + ((a & -2) >>> 0);',
    },
    branch('beq', 0, '($rs1 === $rs2 && $rs1h === $rs2h)'),
    branch('bne', 1, '($rs1 !== $rs2 || $rs1h !== $rs2h)'),
    branch('blt', 4, LT),
    branch('bge', 5, `!${LT}`),
    branch('bltu', 6, LTU),
    branch('bgeu', 7, `!${LTU}`),
    load('lb', 0, '$ld1 v = (v << 24) >> 24; w = v >> 31;'),
    load('lh', 1, '$ld2 v = (v << 16) >> 16; w = v >> 31;'),
    load('lw', 2, '$ld4 w = v >> 31;'),
    load('ld', 3, '$ld8'),
    load('lbu', 4, '$ld1 w = 0;'),
    load('lhu', 5, '$ld2 w = 0;'),
    load('lwu', 6, '$ld4 w = 0;'),
    store('sb', 0, 1),
    store('sh', 1, 2),
    store('sw', 2, 4),
    store('sd', 3, 8),
    {
      ...immOp('addi', 0, 'v = ($rs1 + $imm) | 0; w = ($rs1h + $immh + ((v >>> 0) < ($rs1 >>> 0) ? 1 : 0)) | 0;'),
      // li and mv, the commonest instructions there are.
      specialize: ({ rs1, imm }) => (rs1 === 0 ? 'v = $imm; w = $immh;' : imm === 0 ? 'v = $rs1; w = $rs1h;' : undefined),
    },
    immOp('slti', 2, 'v = $rs1h < $immh || ($rs1h === $immh && ($rs1 >>> 0) < ($imm >>> 0)) ? 1 : 0; w = 0;'),
    immOp('sltiu', 3, 'v = ($rs1h >>> 0) < ($immh >>> 0) || ($rs1h === $immh && ($rs1 >>> 0) < ($imm >>> 0)) ? 1 : 0; w = 0;'),
    immOp('xori', 4, 'v = $rs1 ^ $imm; w = $rs1h ^ $immh;'),
    immOp('ori', 6, 'v = $rs1 | $imm; w = $rs1h | $immh;'),
    immOp('andi', 7, 'v = $rs1 & $imm; w = $rs1h & $immh;'),
    { mnemonic: 'slli', match: 0x1013, mask: SHIFT, format: 'shamt', writesRd: true, semantics: `t = $imm; ${SHIFT_LEFT}` },
    { mnemonic: 'srli', match: 0x5013, mask: SHIFT, format: 'shamt', writesRd: true, semantics: `t = $imm; ${SHIFT_RIGHT_LOGICAL}` },
    { mnemonic: 'srai', match: 0x40005013, mask: SHIFT, format: 'shamt', writesRd: true, semantics: `t = $imm; ${SHIFT_RIGHT_ARITH}` },
    regOp('add', 0x33, 'v = ($rs1 + $rs2) | 0; w = ($rs1h + $rs2h + ((v >>> 0) < ($rs1 >>> 0) ? 1 : 0)) | 0;'),
    regOp('sub', 0x40000033, 'v = ($rs1 - $rs2) | 0; w = ($rs1h - $rs2h - (($rs1 >>> 0) < ($rs2 >>> 0) ? 1 : 0)) | 0;'),
    regOp('sll', 0x1033, `t = $rs2 & 63; ${SHIFT_LEFT}`),
    regOp('slt', 0x2033, `v = ${LT} ? 1 : 0; w = 0;`),
    regOp('sltu', 0x3033, `v = ${LTU} ? 1 : 0; w = 0;`),
    regOp('xor', 0x4033, 'v = $rs1 ^ $rs2; w = $rs1h ^ $rs2h;'),
    regOp('srl', 0x5033, `t = $rs2 & 63; ${SHIFT_RIGHT_LOGICAL}`),
    regOp('sra', 0x40005033, `t = $rs2 & 63; ${SHIFT_RIGHT_ARITH}`),
    regOp('or', 0x6033, 'v = $rs1 | $rs2; w = $rs1h | $rs2h;'),
    regOp('and', 0x7033, 'v = $rs1 & $rs2; w = $rs1h & $rs2h;'),
    { mnemonic: 'addiw', match: 0x1b, mask: F3, format: 'I', writesRd: true, semantics: word('($rs1 + $imm) | 0') },
    { mnemonic: 'slliw', match: 0x101b, mask: R, format: 'shamtw', writesRd: true, semantics: word('$rs1 << $imm') },
    { mnemonic: 'srliw', match: 0x501b, mask: R, format: 'shamtw', writesRd: true, semantics: word('($rs1 >>> $imm) | 0') },
    { mnemonic: 'sraiw', match: 0x4000501b, mask: R, format: 'shamtw', writesRd: true, semantics: word('$rs1 >> $imm') },
    regOp('addw', 0x3b, word('($rs1 + $rs2) | 0')),
    regOp('subw', 0x4000003b, word('($rs1 - $rs2) | 0')),
    regOp('sllw', 0x103b, word('$rs1 << ($rs2 & 31)')),
    regOp('srlw', 0x503b, word('($rs1 >>> ($rs2 & 31)) | 0')),
    regOp('sraw', 0x4000503b, word('$rs1 >> ($rs2 & 31)')),
    // A single hart sees its own memory in order: fence orders nothing here.
    { mnemonic: 'fence', match: 0x0f, mask: F3, format: 'none', semantics: '' },
    { mnemonic: 'ecall', match: 0x73, mask: 0xffffffff, format: 'none', interpretOnly: true, control: 'indirect', semantics: 'npc = M.ecall($pc); if (npc < 0) $stop(1)' },
    { mnemonic: 'ebreak', match: 0x00100073, mask: 0xffffffff, format: 'none', interpretOnly: true, control: 'indirect', semantics: 'npc = M.ebreak($pc); if (npc < 0) { t = -npc; $stop(t) }' },
  ],
};

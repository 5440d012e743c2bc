/** M: integer multiplication and division (the 64-bit helpers are in int64.ts). */
import type { Extension, InstructionDef } from './types.js';

const R = 0xfe00707f;

/** A full 64-bit result from an int64 helper, which leaves it in T[0], T[1]. */
const wide = (mnemonic: string, f3: number, helper: string): InstructionDef => ({
  mnemonic,
  match: 0x02000033 | (f3 << 12),
  mask: R,
  format: 'R',
  writesRd: true,
  semantics: `${helper}($rs1, $rs1h, $rs2, $rs2h); v = T[0]; w = T[1];`,
});

const word = (mnemonic: string, f3: number, expr: string): InstructionDef => ({
  mnemonic,
  match: 0x0200003b | (f3 << 12),
  mask: R,
  format: 'R',
  writesRd: true,
  semantics: `v = ${expr}; w = v >> 31;`,
});

export const RV64M: Extension = {
  name: 'm',
  letter: 'm',
  instructions: [
    wide('mul', 0, 'mul64'),
    wide('mulh', 1, 'mulh64'),
    wide('mulhsu', 2, 'mulhsu64'),
    wide('mulhu', 3, 'mulhu64'),
    wide('div', 4, 'div64'),
    wide('divu', 5, 'divu64'),
    wide('rem', 6, 'rem64'),
    wide('remu', 7, 'remu64'),
    word('mulw', 0, 'Math.imul($rs1, $rs2)'),
    word('divw', 4, 'divw($rs1, $rs2)'),
    word('divuw', 5, 'divuw($rs1, $rs2)'),
    word('remw', 6, 'remw($rs1, $rs2)'),
    word('remuw', 7, 'remuw($rs1, $rs2)'),
  ],
};

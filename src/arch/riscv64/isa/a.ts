/**
 * A: load-reserved/store-conditional and the AMOs (.w and .d). aq/rl order nothing on a
 * single hart. A misaligned address raises the address-misaligned exception before anything
 * is read, written or reserved (SC too, whatever the reservation: the spec's rule, as Spike
 * checks it), after the platform's alignment policy (which may refuse it first). Which SC
 * succeeds is the port's reservation rule (RISC-V's or Jolt's).
 */
import type { Extension, InstructionDef } from './types.js';

/** funct5 | aq | rl | rs2 | rs1 | funct3 | rd | opcode: aq and rl are free. */
const AMO_MASK = 0xf800707f;
const LR_MASK = 0xf9f0707f;
const CAUSE_LOAD_MISALIGNED = 4;
const CAUSE_STORE_MISALIGNED = 6;

const f3 = (width: 'w' | 'd'): number => (width === 'w' ? 2 : 3);
const alignMask = (width: 'w' | 'd'): number => (width === 'w' ? 3 : 7);
const size = (width: 'w' | 'd'): number => (width === 'w' ? 4 : 8);

/** The platform's alignment policy (P.misaligned) speaks first, then the A extension's exception. */
const misaligned = (mnemonic: string, width: 'w' | 'd', cause: number): string =>
  `a = $rs1; ah = $rs1h; if ((a & ${alignMask(width)}) !== 0) { P.misaligned(a, ah, ${size(width)}, '${cause === CAUSE_LOAD_MISALIGNED ? 'read' : 'write'}', $pc); ` +
  `throw M.misaligned('${mnemonic}', a, ah, ${size(width)}, ${cause}, $pc); }`;

/** An AMO: old value (ol, oh), operand (bl, bh), new value (nl, nh) from `combine`. */
function amo(name: string, funct5: number, width: 'w' | 'd', combine: string): InstructionDef {
  const mnemonic = `amo${name}.${width}`;
  const n = size(width);
  return {
    mnemonic,
    match: ((funct5 << 27) | (f3(width) << 12) | 0x2f) >>> 0,
    mask: AMO_MASK,
    format: 'R',
    writesRd: true,
    interpretOnly: true,
    semantics:
      misaligned(mnemonic, width, CAUSE_STORE_MISALIGNED) +
      (width === 'w' ? ' bl = $rs2; bh = bl >> 31;' : ' bl = $rs2; bh = $rs2h;') +
      ` ol = P.amoLoad(a, ah, ${n}, $pc); oh = ${width === 'w' ? 'ol >> 31' : 'P.vhi'}; ${combine}` +
      ` P.st(a, ah, ${n}, nl, nh, $pc); v = ol; w = oh;`,
  };
}

const LESS = '(oh < bh || (oh === bh && (ol >>> 0) < (bl >>> 0)))';
const LESS_U = '((oh >>> 0) < (bh >>> 0) || (oh === bh && (ol >>> 0) < (bl >>> 0)))';

function forWidth(width: 'w' | 'd'): InstructionDef[] {
  const n = size(width);
  return [
    {
      mnemonic: `lr.${width}`,
      match: ((0x02 << 27) | (f3(width) << 12) | 0x2f) >>> 0,
      mask: LR_MASK,
      format: 'R',
      writesRd: true,
      interpretOnly: true,
      semantics:
        misaligned(`lr.${width}`, width, CAUSE_LOAD_MISALIGNED) +
        ` v = P.ld(a, ah, ${n}, $pc); w = ${width === 'w' ? 'v >> 31' : 'P.vhi'}; P.reserve(a, ah, ${n});`,
    },
    {
      mnemonic: `sc.${width}`,
      match: ((0x03 << 27) | (f3(width) << 12) | 0x2f) >>> 0,
      mask: AMO_MASK,
      format: 'R',
      writesRd: true,
      interpretOnly: true,
      semantics:
        misaligned(`sc.${width}`, width, CAUSE_STORE_MISALIGNED) +
        ` if (P.claimReservation(a, ah, ${n})) { P.st(a, ah, ${n}, $rs2, $rs2h, $pc); v = 0; } else { v = 1; } w = 0;`,
    },
    amo('swap', 0x01, width, 'nl = bl; nh = bh;'),
    amo('add', 0x00, width, 'nl = (ol + bl) | 0; nh = (oh + bh + ((nl >>> 0) < (ol >>> 0) ? 1 : 0)) | 0;'),
    amo('xor', 0x04, width, 'nl = ol ^ bl; nh = oh ^ bh;'),
    amo('and', 0x0c, width, 'nl = ol & bl; nh = oh & bh;'),
    amo('or', 0x08, width, 'nl = ol | bl; nh = oh | bh;'),
    amo('min', 0x10, width, `if (${LESS}) { nl = ol; nh = oh; } else { nl = bl; nh = bh; }`),
    amo('max', 0x14, width, `if (${LESS}) { nl = bl; nh = bh; } else { nl = ol; nh = oh; }`),
    amo('minu', 0x18, width, `if (${LESS_U}) { nl = ol; nh = oh; } else { nl = bl; nh = bh; }`),
    amo('maxu', 0x1c, width, `if (${LESS_U}) { nl = bl; nh = bh; } else { nl = ol; nh = oh; }`),
  ];
}

export const RV64A: Extension = {
  name: 'a',
  letter: 'a',
  instructions: [...forWidth('w'), ...forWidth('d')],
};

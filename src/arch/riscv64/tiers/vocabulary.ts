/**
 * How each tier spells the template vocabulary of isa/types.ts. The interpreter reads the
 * decoded fields at run time; a compiled block knows them, so they become literals and the
 * registers become locals (`l5`/`h5` for x5; 0 for x0).
 */
import { T, div64, divu64, divuw, divw, mul64, mulh64, mulhsu64, mulhu64, rem64, remu64, remuw, remw } from '../int64.js';

/** The int64 helpers templates may call, by name. */
export const HELPER_NAMES = [
  'T', 'mul64', 'mulh64', 'mulhsu64', 'mulhu64', 'div64', 'divu64', 'rem64', 'remu64',
  'divw', 'divuw', 'remw', 'remuw',
] as const;
export const HELPERS: readonly unknown[] = [T, mul64, mulh64, mulhsu64, mulhu64, div64, divu64, rem64, remu64, divw, divuw, remw, remuw];

/** Scratch locals templates may assign. */
export const SCRATCH = ['t', 'u', 'v', 'w', 'a', 'ah', 'i', 'o', 'npc', 'ol', 'oh', 'bl', 'bh', 'nl', 'nh', 'm8', 'm32'] as const;

const TAG = '(ah * 1048576 + (a >>> 12))';

/** The TLB fast path and the port's slow path of a load of `size` bytes at (a, ah) into v (and w). */
export function loadCode(size: number, k: string): string {
  switch (size) {
    case 1:
      return `v = rtag[i] === ${TAG} ? rmem8[i][a & 4095] : P.ld(a, ah, 1, ${k});`;
    case 2:
      return `if (rtag[i] === ${TAG} && (a & 1) === 0) { m8 = rmem8[i]; o = a & 4095; v = m8[o] | (m8[o + 1] << 8); } else v = P.ld(a, ah, 2, ${k});`;
    case 4:
      return `v = rtag[i] === ${TAG} && (a & 3) === 0 ? rmem[i][(a & 4095) >> 2] : P.ld(a, ah, 4, ${k});`;
    default:
      return `if (rtag[i] === ${TAG} && (a & 7) === 0) { m32 = rmem[i]; o = (a & 4095) >> 2; v = m32[o]; w = m32[o + 1]; } else { v = P.ld(a, ah, 8, ${k}); w = P.vhi; }`;
  }
}

/** The same for a store of (lo, hi). */
export function storeCode(size: number, lo: string, hi: string, k: string): string {
  switch (size) {
    case 1:
      return `if (wtag[i] === ${TAG}) wmem8[i][a & 4095] = ${lo}; else P.st(a, ah, 1, ${lo}, 0, ${k});`;
    case 2:
      return `if (wtag[i] === ${TAG} && (a & 1) === 0) { m8 = wmem8[i]; o = a & 4095; m8[o] = ${lo}; m8[o + 1] = ${lo} >> 8; } else P.st(a, ah, 2, ${lo}, 0, ${k});`;
    case 4:
      return `if (wtag[i] === ${TAG} && (a & 3) === 0) wmem[i][(a & 4095) >> 2] = ${lo}; else P.st(a, ah, 4, ${lo}, 0, ${k});`;
    default:
      return `if (wtag[i] === ${TAG} && (a & 7) === 0) { m32 = wmem[i]; o = (a & 4095) >> 2; m32[o] = ${lo}; m32[o + 1] = ${hi}; } else P.st(a, ah, 8, ${lo}, ${hi}, ${k});`;
  }
}

/** Spellings of the operand terms (`rs1`, `imm`, ...) and the `$ea` statement in one tier. */
export interface Spelling {
  readonly terms: Readonly<Record<string, string>>;
  readonly ea: string;
  /** The `k` argument of the port's slow paths. */
  readonly k: string;
  /** `$stop(n)`. */
  stop(reason: string): string;
}

/** Expands a template in one tier's spelling. */
export function expand(template: string, s: Spelling): string {
  return template
    .replace(/\$stop\((\w+)\)/g, (_, r: string) => s.stop(r))
    .replace(/\$(\w+)/g, (whole, name: string) => {
      if (name === 'ea') return s.ea;
      const m = /^(ld|st)([1248])$/.exec(name);
      if (m !== null) {
        const size = Number(m[2]);
        return m[1] === 'ld' ? loadCode(size, s.k) : storeCode(size, s.terms.rs2!, s.terms.rs2h!, s.k);
      }
      const term = s.terms[name];
      if (term === undefined) throw new Error(`instruction template: unknown term ${whole}`);
      return term;
    });
}

/** Which scratch locals `code` uses. */
export function scratchUsed(code: string): string[] {
  return SCRATCH.filter((name) => new RegExp(`\\b${name}\\b`).test(code));
}

/**
 * How each tier spells the template vocabulary of isa/types.ts. The interpreter reads the
 * decoded fields at run time; a compiled block knows them, so they become literals and the
 * registers become locals (`l5`/`h5` for x5; 0 for x0).
 */
import { StopReason } from '../types.js';
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

/**
 * The TLB fast path and the port's slow path of a load of `size` bytes at (a, ah) into v
 * (and w); `k` spells the pc of the instruction (the slow path's last argument).
 */
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

/**
 * The same for a store of (lo, hi). Only the slow path can reach a window hook, so only
 * it tests whether a hook asked to stop (`stop`: the tier's `$stopAfter(5)`): the TLB
 * fast path pays nothing for it.
 */
export function storeCode(size: number, lo: string, hi: string, k: string, stop: string): string {
  const slow = (args: string): string => `{ P.st(a, ah, ${args}, ${k}); if (P.stopRequested) ${stop} }`;
  switch (size) {
    case 1:
      return `if (wtag[i] === ${TAG}) wmem8[i][a & 4095] = ${lo}; else ${slow(`1, ${lo}, 0`)}`;
    case 2:
      return `if (wtag[i] === ${TAG} && (a & 1) === 0) { m8 = wmem8[i]; o = a & 4095; m8[o] = ${lo}; m8[o + 1] = ${lo} >> 8; } else ${slow(`2, ${lo}, 0`)}`;
    case 4:
      return `if (wtag[i] === ${TAG} && (a & 3) === 0) wmem[i][(a & 4095) >> 2] = ${lo}; else ${slow(`4, ${lo}, 0`)}`;
    default:
      return `if (wtag[i] === ${TAG} && (a & 7) === 0) { m32 = wmem[i]; o = (a & 4095) >> 2; m32[o] = ${lo}; m32[o + 1] = ${hi}; } else ${slow(`8, ${lo}, ${hi}`)}`;
  }
}

/** Spellings of the operand terms (`rs1`, `imm`, ...) and the `$ea` statement in one tier. */
export interface Spelling {
  /** The spelling of `$name` (throws for a term the tier does not have). */
  term(name: string): string;
  ea(): string;
  /** The last argument of the port's slow paths: the instruction's pc. */
  readonly k: string;
  /** `$stop(n)`. */
  stop(reason: string): string;
  /** `$stopAfter(n)`: finish this instruction (it retires, pc moves on), then stop with n. */
  stopAfter(reason: string): string;
}

/** A template cut at its `$` terms, once: text, then term, then text, ... */
interface ParsedTemplate {
  readonly parts: readonly string[];
  /** Whether the template reads rs1 / rs2 or touches memory (for a block's prologue). */
  readonly rs1: boolean;
  readonly rs2: boolean;
  readonly memory: boolean;
}

const parsed = new Map<string, ParsedTemplate>();

function parse(template: string): ParsedTemplate {
  let p = parsed.get(template);
  if (p === undefined) {
    // Odd indices are terms: "stop:N", "stopAfter:N", "ea", "ld4", "rs1", ...
    const parts = template
      .replace(/\$stopAfter\((\w+)\)/g, '\u0000stopAfter:$1\u0000')
      .replace(/\$stop\((\w+)\)/g, '\u0000stop:$1\u0000').replace(/\$(\w+)/g, '\u0000$1\u0000').split('\u0000');
    const terms = parts.filter((_, i) => i % 2 === 1);
    p = {
      parts,
      rs1: terms.some((t) => t === 'rs1' || t === 'rs1h' || t === 'ea'),
      rs2: terms.some((t) => t === 'rs2' || t === 'rs2h' || /^st\d$/.test(t)),
      memory: terms.some((t) => /^(ld|st|sv)\d$/.test(t)),
    };
    parsed.set(template, p);
  }
  return p;
}

/** What a template reads and touches (see ParsedTemplate). */
export function templateUses(template: string): { rs1: boolean; rs2: boolean; memory: boolean } {
  return parse(template);
}

/** Expands a template in one tier's spelling. */
export function expand(template: string, s: Spelling): string {
  const parts = parse(template).parts;
  let out = parts[0]!;
  for (let j = 1; j < parts.length; j += 2) {
    const name = parts[j]!;
    let code: string;
    if (name.startsWith('stop:')) code = s.stop(name.slice(5));
    else if (name.startsWith('stopAfter:')) code = s.stopAfter(name.slice(10));
    else if (name === 'ea') code = s.ea();
    else if (name.length === 3 && (name.startsWith('ld') || name.startsWith('st'))) {
      const size = Number(name[2]);
      code = name.startsWith('ld') ? loadCode(size, s.k) : storeCode(size, s.term('rs2'), s.term('rs2h'), s.k, s.stopAfter(String(StopReason.Stop)));
    } else if (name === 'sv4' || name === 'sv8') {
      // A store of the scratch words (t, u): a value that is not an x register (FP stores).
      code = storeCode(Number(name[2]), 't', 'u', s.k, s.stopAfter(String(StopReason.Stop)));
    } else code = s.term(name);
    out += code + parts[j + 1]!;
  }
  return out;
}

/** Which scratch locals `code` uses. */
export function scratchUsed(code: string): string[] {
  return SCRATCH.filter((name) => new RegExp(`\\b${name}\\b`).test(code));
}

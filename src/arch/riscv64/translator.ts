/**
 * Basic-block translator: turns a run of decoded instructions into one JS function (via
 * `new Function`) that the V8 JIT then compiles to machine code.
 *
 * A block starts at any pc and extends to the first control transfer (branch, jal, jalr,
 * included), the first instruction the translator leaves to the interpreter (system, CSR,
 * fence.i, LR/SC/AMO, halt, illegal), the page end, or MAX_BLOCK instructions.
 *
 * Generated code keeps the registers the block uses in locals (lo/hi int32 pairs), loaded
 * at entry and written back at every exit, including a fault: memory slow paths record
 * which instruction faulted in `hart.faultK` before throwing, and a catch writes the
 * registers back and restores the budget of the pass, so the dispatcher can report the
 * exact pc and retire exactly the instructions before the fault. A block whose last
 * instruction branches back to its own start loops inside the function while the budget
 * allows a whole further pass.
 */
import { Block, type CodePage, INTERPRET_ONE, SLOTS } from './code-cache.js';
import * as D from './decoder.js';
import { T, div64, divu64, divuw, divw, mul64, mulh64, mulhsu64, mulhu64, rem64, remu64, remuw, remw } from './int64.js';

/** Longest block, in instructions. */
export const MAX_BLOCK = 64;

/** What the translator needs from the hart: decoded instructions. */
export interface DecodeSource {
  peek(cp: CodePage, slot: number): number;
}

const HELPER_NAMES = [
  'T', 'mul64', 'mulh64', 'mulhsu64', 'mulhu64', 'div64', 'divu64', 'rem64', 'remu64',
  'divw', 'divuw', 'remw', 'remuw',
] as const;
const HELPERS = [T, mul64, mulh64, mulhsu64, mulhu64, div64, divu64, rem64, remu64, divw, divuw, remw, remuw];

const TWO32 = 4294967296;

function translatable(op: number): boolean {
  return (
    (op >= D.OP_LUI && op <= D.OP_JALR) ||
    (op >= D.OP_BEQ && op <= D.OP_REMUW) ||
    op === D.OP_FENCE
  );
}

function isTerminator(op: number): boolean {
  return op === D.OP_JAL || op === D.OP_JALR || (op >= D.OP_BEQ && op <= D.OP_BGEU);
}

interface Insn {
  op: number;
  rd: number; // register number 1..31, or 0 when the result is discarded
  rs1: number;
  rs2: number;
  imm: number;
  pc: number;
  len: number;
}

/** Splits a number in (-2^53, 2^53) into (lo, hi) int32 literals. */
function pairOf(v: number): [number, number] {
  return [v | 0, Math.floor(v / TWO32) | 0];
}

/** Compiles the block starting at `slot` of `cp` (or returns INTERPRET_ONE). */
export function compileBlock(source: DecodeSource, cp: CodePage, startSlot: number): Block {
  const insns: Insn[] = [];
  let slot = startSlot;
  while (insns.length < MAX_BLOCK && slot < SLOTS) {
    let info: number;
    try {
      info = source.peek(cp, slot);
    } catch {
      break; // e.g. the second half of a straddling instruction is not executable
    }
    const op = info & 0x7f;
    const len = (info & D.INFO_COMPRESSED) !== 0 ? 2 : 4;
    if (slot === SLOTS - 1 && len === 4) break; // straddles the page end: interpreted
    if (!translatable(op)) break;
    const rd = ((info >> 8) & 0xff) >> 1;
    insns.push({
      op,
      rd: rd === 32 ? 0 : rd,
      rs1: ((info >> 16) & 0xff) >> 1,
      rs2: (info >>> 24) >> 1,
      imm: cp.imm[slot]!,
      pc: cp.base + slot * 2,
      len,
    });
    slot += len >> 1;
    if (isTerminator(op)) break;
  }
  if (insns.length === 0) return INTERPRET_ONE;
  const start = cp.base + startSlot * 2;
  const offsets = Int32Array.from(insns, (insn) => insn.pc - start);
  return new Block(compile(generate(insns, start)), insns.length, offsets, start);
}

/**
 * Compiled block functions by source text, shared by every hart in the process: a block's
 * function depends only on its source (all state comes in through its arguments), so a
 * program run again, or by another hart, reuses the functions and the machine code V8
 * already made for them. Least recently used entries go first.
 */
const compiled = new Map<string, NonNullable<Block['fn']>>();
/** Most block functions kept in the shared cache. */
export const COMPILED_CACHE_LIMIT = 16384;

function compile(source: string): NonNullable<Block['fn']> {
  let fn = compiled.get(source);
  if (fn !== undefined) {
    compiled.delete(source);
  } else {
    const factory = new Function(...HELPER_NAMES, source) as (...helpers: unknown[]) => NonNullable<Block['fn']>;
    fn = factory(...HELPERS);
    if (compiled.size >= COMPILED_CACHE_LIMIT) compiled.delete(compiled.keys().next().value!);
  }
  compiled.set(source, fn);
  return fn;
}

/** The JS source of a block function `(h, R, left) => void`. */
export function generate(insns: readonly Insn[], start: number): string {
  const n = insns.length;
  const used = new Set<number>();
  const written = new Set<number>();
  let memory = false;
  for (const insn of insns) {
    if (insn.rs1 !== 0) used.add(insn.rs1);
    if (insn.rs2 !== 0) used.add(insn.rs2);
    if (insn.rd !== 0) {
      used.add(insn.rd);
      written.add(insn.rd);
    }
    if (insn.op >= D.OP_LB && insn.op <= D.OP_SD) memory = true;
  }
  const L = (r: number): string => (r === 0 ? '0' : `l${r}`);
  const H = (r: number): string => (r === 0 ? '0' : `h${r}`);
  const writeback = [...written].map((r) => `R[${2 * r}] = l${r}; R[${2 * r + 1}] = h${r};`).join(' ');

  const last = insns[n - 1]!;
  const loops =
    (last.op >= D.OP_BEQ && last.op <= D.OP_BGEU && last.pc + last.imm === start) ||
    (last.op === D.OP_JAL && last.pc + last.imm === start);

  const body: string[] = [];
  const emit = (s: string): void => {
    body.push(s);
  };
  /** Assigns (lo, hi) to rd; both expressions see the registers as they were before. */
  const setRd = (insn: Insn, lo: string, hi: string): void => {
    if (insn.rd === 0) return;
    if (!/\b[lh]\d/.test(hi)) emit(`l${insn.rd} = ${lo}; h${insn.rd} = ${hi};`);
    else emit(`u = ${hi}; l${insn.rd} = ${lo}; h${insn.rd} = u;`);
  };
  /** Effective address (a, ah) = rs1 + imm. */
  const address = (insn: Insn): void => {
    const s = insn.rs1;
    const imm = insn.imm;
    if (imm === 0) {
      emit(`a = ${L(s)}; ah = ${H(s)};`);
    } else if (s === 0) {
      emit(`a = ${imm}; ah = ${imm >> 31};`);
    } else {
      emit(`a = (${L(s)} + ${imm}) | 0; ah = (${H(s)} + ${imm >> 31} + ((a >>> 0) < (${L(s)} >>> 0) ? 1 : 0)) | 0;`);
    }
    emit(`i = (a >>> 12) & 255;`);
  };
  const tag = '(ah * 1048576 + (a >>> 12))';

  for (let k = 0; k < n; k++) {
    const insn = insns[k]!;
    const { op, rd, rs1, rs2, imm } = insn;
    const a1 = L(rs1);
    const b1 = H(rs1);
    const a2 = L(rs2);
    const b2 = H(rs2);
    const immh = imm >> 31;
    switch (op) {
      case D.OP_LUI:
        setRd(insn, `${imm}`, `${immh}`);
        break;
      case D.OP_AUIPC: {
        const [lo, hi] = pairOf(insn.pc + imm);
        setRd(insn, `${lo}`, `${hi}`);
        break;
      }
      case D.OP_JAL: {
        const [lo, hi] = pairOf(insn.pc + insn.len);
        setRd(insn, `${lo}`, `${hi}`);
        break; // the jump itself is the terminator, emitted below
      }
      case D.OP_JALR: {
        emit(`a = (${a1} + ${imm}) | 0; ah = (${b1} + ${immh} + ((a >>> 0) < (${a1} >>> 0) ? 1 : 0)) | 0;`);
        const [lo, hi] = pairOf(insn.pc + insn.len);
        setRd(insn, `${lo}`, `${hi}`);
        break;
      }
      case D.OP_BEQ:
      case D.OP_BNE:
      case D.OP_BLT:
      case D.OP_BGE:
      case D.OP_BLTU:
      case D.OP_BGEU:
        break; // terminator
      case D.OP_LB:
      case D.OP_LBU:
        address(insn);
        emit(`v = rtag[i] === ${tag} ? rmem8[i][a & 4095] : h.ld(a, ah, 1, ${k});`);
        if (op === D.OP_LB) setRd(insn, '(v << 24) >> 24', '(v << 24) >> 31');
        else setRd(insn, 'v', '0');
        break;
      case D.OP_LH:
      case D.OP_LHU:
        address(insn);
        emit(
          `if (rtag[i] === ${tag} && (a & 1) === 0) { m8 = rmem8[i]; o = a & 4095; v = m8[o] | (m8[o + 1] << 8); } else v = h.ld(a, ah, 2, ${k});`,
        );
        if (op === D.OP_LH) setRd(insn, '(v << 16) >> 16', '(v << 16) >> 31');
        else setRd(insn, 'v', '0');
        break;
      case D.OP_LW:
      case D.OP_LWU:
        address(insn);
        emit(`v = rtag[i] === ${tag} && (a & 3) === 0 ? rmem[i][(a & 4095) >> 2] : h.ld(a, ah, 4, ${k});`);
        setRd(insn, 'v', op === D.OP_LW ? 'v >> 31' : '0');
        break;
      case D.OP_LD:
        address(insn);
        emit(
          `if (rtag[i] === ${tag} && (a & 7) === 0) { m32 = rmem[i]; o = (a & 4095) >> 2; v = m32[o]; w = m32[o + 1]; } else { v = h.ld(a, ah, 8, ${k}); w = h.vhi; }`,
        );
        setRd(insn, 'v', 'w');
        break;
      case D.OP_SB:
        address(insn);
        emit(`if (wtag[i] === ${tag}) wmem8[i][a & 4095] = ${a2}; else h.st(a, ah, 1, ${a2}, 0, ${k});`);
        break;
      case D.OP_SH:
        address(insn);
        emit(
          `if (wtag[i] === ${tag} && (a & 1) === 0) { m8 = wmem8[i]; o = a & 4095; m8[o] = ${a2}; m8[o + 1] = ${a2} >> 8; } else h.st(a, ah, 2, ${a2}, 0, ${k});`,
        );
        break;
      case D.OP_SW:
        address(insn);
        emit(`if (wtag[i] === ${tag} && (a & 3) === 0) wmem[i][(a & 4095) >> 2] = ${a2}; else h.st(a, ah, 4, ${a2}, 0, ${k});`);
        break;
      case D.OP_SD:
        address(insn);
        emit(
          `if (wtag[i] === ${tag} && (a & 7) === 0) { m32 = wmem[i]; o = (a & 4095) >> 2; m32[o] = ${a2}; m32[o + 1] = ${b2}; } else h.st(a, ah, 8, ${a2}, ${b2}, ${k});`,
        );
        break;
      case D.OP_ADDI:
        if (rd === 0) break;
        if (rs1 === 0) setRd(insn, `${imm}`, `${immh}`);
        else if (imm === 0) setRd(insn, a1, b1);
        else {
          emit(`v = (${a1} + ${imm}) | 0; w = (${b1} + ${immh} + ((v >>> 0) < (${a1} >>> 0) ? 1 : 0)) | 0;`);
          setRd(insn, 'v', 'w');
        }
        break;
      case D.OP_SLTI:
        setRd(insn, `(${b1} < ${immh} || (${b1} === ${immh} && (${a1} >>> 0) < ${imm >>> 0}) ? 1 : 0)`, '0');
        break;
      case D.OP_SLTIU:
        setRd(
          insn,
          `((${b1} >>> 0) < ${immh >>> 0} || (${b1} === ${immh} && (${a1} >>> 0) < ${imm >>> 0}) ? 1 : 0)`,
          '0',
        );
        break;
      case D.OP_XORI:
        setRd(insn, `(${a1} ^ ${imm})`, immh === 0 ? b1 : `(~${b1})`);
        break;
      case D.OP_ORI:
        setRd(insn, `(${a1} | ${imm})`, immh === 0 ? b1 : '-1');
        break;
      case D.OP_ANDI:
        setRd(insn, `(${a1} & ${imm})`, immh === 0 ? '0' : b1);
        break;
      case D.OP_SLLI:
        if (imm === 0) setRd(insn, a1, b1);
        else if (imm < 32) setRd(insn, `(${a1} << ${imm})`, `((${b1} << ${imm}) | (${a1} >>> ${32 - imm}))`);
        else setRd(insn, '0', `(${a1} << ${imm - 32})`);
        break;
      case D.OP_SRLI:
        if (imm === 0) setRd(insn, a1, b1);
        else if (imm < 32) setRd(insn, `((${a1} >>> ${imm}) | (${b1} << ${32 - imm}))`, `(${b1} >>> ${imm})`);
        else setRd(insn, `(${b1} >>> ${imm - 32}) | 0`, '0');
        break;
      case D.OP_SRAI:
        if (imm === 0) setRd(insn, a1, b1);
        else if (imm < 32) setRd(insn, `((${a1} >>> ${imm}) | (${b1} << ${32 - imm}))`, `(${b1} >> ${imm})`);
        else setRd(insn, `(${b1} >> ${imm - 32})`, `(${b1} >> 31)`);
        break;
      case D.OP_ADD:
        if (rd === 0) break;
        emit(`v = (${a1} + ${a2}) | 0; w = (${b1} + ${b2} + ((v >>> 0) < (${a1} >>> 0) ? 1 : 0)) | 0;`);
        setRd(insn, 'v', 'w');
        break;
      case D.OP_SUB:
        if (rd === 0) break;
        emit(`v = (${a1} - ${a2}) | 0; w = (${b1} - ${b2} - ((${a1} >>> 0) < (${a2} >>> 0) ? 1 : 0)) | 0;`);
        setRd(insn, 'v', 'w');
        break;
      case D.OP_SLL:
        if (rd === 0) break;
        emit(
          `t = ${a2} & 63; if (t === 0) { v = ${a1}; w = ${b1}; } else if (t < 32) { v = ${a1} << t; w = (${b1} << t) | (${a1} >>> (32 - t)); } else { v = 0; w = ${a1} << (t - 32); }`,
        );
        setRd(insn, 'v', 'w');
        break;
      case D.OP_SRL:
        if (rd === 0) break;
        emit(
          `t = ${a2} & 63; if (t === 0) { v = ${a1}; w = ${b1}; } else if (t < 32) { v = (${a1} >>> t) | (${b1} << (32 - t)); w = ${b1} >>> t; } else { v = ${b1} >>> (t - 32); w = 0; }`,
        );
        setRd(insn, 'v | 0', 'w | 0');
        break;
      case D.OP_SRA:
        if (rd === 0) break;
        emit(
          `t = ${a2} & 63; if (t === 0) { v = ${a1}; w = ${b1}; } else if (t < 32) { v = (${a1} >>> t) | (${b1} << (32 - t)); w = ${b1} >> t; } else { v = ${b1} >> (t - 32); w = ${b1} >> 31; }`,
        );
        setRd(insn, 'v', 'w');
        break;
      case D.OP_SLT:
        setRd(insn, `(${b1} < ${b2} || (${b1} === ${b2} && (${a1} >>> 0) < (${a2} >>> 0)) ? 1 : 0)`, '0');
        break;
      case D.OP_SLTU:
        setRd(
          insn,
          `((${b1} >>> 0) < (${b2} >>> 0) || (${b1} === ${b2} && (${a1} >>> 0) < (${a2} >>> 0)) ? 1 : 0)`,
          '0',
        );
        break;
      case D.OP_XOR:
        setRd(insn, `(${a1} ^ ${a2})`, `(${b1} ^ ${b2})`);
        break;
      case D.OP_OR:
        setRd(insn, `(${a1} | ${a2})`, `(${b1} | ${b2})`);
        break;
      case D.OP_AND:
        setRd(insn, `(${a1} & ${a2})`, `(${b1} & ${b2})`);
        break;
      case D.OP_ADDIW:
        if (rd === 0) break;
        emit(`v = (${a1} + ${imm}) | 0;`);
        setRd(insn, 'v', 'v >> 31');
        break;
      case D.OP_SLLIW:
        if (rd === 0) break;
        emit(`v = ${a1} << ${imm};`);
        setRd(insn, 'v', 'v >> 31');
        break;
      case D.OP_SRLIW:
        if (rd === 0) break;
        emit(`v = (${a1} >>> ${imm}) | 0;`);
        setRd(insn, 'v', 'v >> 31');
        break;
      case D.OP_SRAIW:
        if (rd === 0) break;
        emit(`v = ${a1} >> ${imm};`);
        setRd(insn, 'v', 'v >> 31');
        break;
      case D.OP_ADDW:
      case D.OP_SUBW:
      case D.OP_SLLW:
      case D.OP_SRLW:
      case D.OP_SRAW:
      case D.OP_MULW:
      case D.OP_DIVW:
      case D.OP_DIVUW:
      case D.OP_REMW:
      case D.OP_REMUW: {
        if (rd === 0) break;
        const expr = {
          [D.OP_ADDW]: `(${a1} + ${a2}) | 0`,
          [D.OP_SUBW]: `(${a1} - ${a2}) | 0`,
          [D.OP_SLLW]: `${a1} << (${a2} & 31)`,
          [D.OP_SRLW]: `(${a1} >>> (${a2} & 31)) | 0`,
          [D.OP_SRAW]: `${a1} >> (${a2} & 31)`,
          [D.OP_MULW]: `Math.imul(${a1}, ${a2})`,
          [D.OP_DIVW]: `divw(${a1}, ${a2})`,
          [D.OP_DIVUW]: `divuw(${a1}, ${a2})`,
          [D.OP_REMW]: `remw(${a1}, ${a2})`,
          [D.OP_REMUW]: `remuw(${a1}, ${a2})`,
        }[op]!;
        emit(`v = ${expr};`);
        setRd(insn, 'v', 'v >> 31');
        break;
      }
      case D.OP_MUL:
      case D.OP_MULH:
      case D.OP_MULHSU:
      case D.OP_MULHU:
      case D.OP_DIV:
      case D.OP_DIVU:
      case D.OP_REM:
      case D.OP_REMU: {
        if (rd === 0) break;
        const fn = ['mul64', 'mulh64', 'mulhsu64', 'mulhu64', 'div64', 'divu64', 'rem64', 'remu64'][op - D.OP_MUL]!;
        emit(`${fn}(${a1}, ${b1}, ${a2}, ${b2});`);
        setRd(insn, 'T[0]', 'T[1]');
        break;
      }
      case D.OP_FENCE:
        break;
      default:
        throw new Error(`translator: op ${D.OP_NAMES[op]} is not translatable`);
    }
  }

  // The exit: where control goes after the last instruction.
  const exit: string[] = [];
  const leave = (npc: string): string => `h.npc = ${npc}; ${writeback} h.left = left; return;`;
  const fall = last.pc + last.len;
  if (last.op >= D.OP_BEQ && last.op <= D.OP_BGEU) {
    const a1 = L(last.rs1);
    const b1 = H(last.rs1);
    const a2 = L(last.rs2);
    const b2 = H(last.rs2);
    const lt = `(${b1} < ${b2} || (${b1} === ${b2} && (${a1} >>> 0) < (${a2} >>> 0)))`;
    const ltu = `((${b1} >>> 0) < (${b2} >>> 0) || (${b1} === ${b2} && (${a1} >>> 0) < (${a2} >>> 0)))`;
    const cond = {
      [D.OP_BEQ]: `(${a1} === ${a2} && ${b1} === ${b2})`,
      [D.OP_BNE]: `(${a1} !== ${a2} || ${b1} !== ${b2})`,
      [D.OP_BLT]: lt,
      [D.OP_BGE]: `!${lt}`,
      [D.OP_BLTU]: ltu,
      [D.OP_BGEU]: `!${ltu}`,
    }[last.op]!;
    const target = last.pc + last.imm;
    if (loops) {
      exit.push(`if (${cond}) { if (left >= ${n}) continue; ${leave(`${target}`)} }`);
      exit.push(leave(`${fall}`));
    } else {
      exit.push(leave(`${cond} ? ${target} : ${fall}`));
    }
  } else if (last.op === D.OP_JAL) {
    const target = last.pc + last.imm;
    if (loops) {
      exit.push(`if (left >= ${n}) continue;`);
    }
    exit.push(leave(`${target}`));
  } else if (last.op === D.OP_JALR) {
    exit.push(leave('(ah >>> 0) * 4294967296 + ((a & -2) >>> 0)'));
  } else {
    exit.push(leave(`${fall}`));
  }

  const prologue = [...used].map((r) => `let l${r} = R[${2 * r}] | 0, h${r} = R[${2 * r + 1}] | 0;`);
  prologue.push('let t = 0, u = 0, v = 0, w = 0, a = 0, ah = 0, i = 0, o = 0;');
  if (memory) {
    prologue.push('let m8 = h.rmem8[0], m32 = h.rmem[0];');
    prologue.push('const rtag = h.rtag, rmem = h.rmem, rmem8 = h.rmem8, wtag = h.wtag, wmem = h.wmem, wmem8 = h.wmem8;');
  }
  const inner = [`left -= ${n};`, ...body, ...exit].join('\n    ');
  const loopBody = loops ? `for (;;) {\n    ${inner}\n  }` : inner;
  return `'use strict';
return function block_${start.toString(16)}(h, R, left) {
  ${prologue.join('\n  ')}
  try {
  ${loopBody}
  } catch (e) {
    ${writeback}
    h.left = left + ${n};
    throw e;
  }
};`;
}

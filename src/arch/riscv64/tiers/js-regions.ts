/**
 * Compiled regions: the unit the js tier compiles. A region is the hot block at an entry
 * pc plus the blocks of the same page it reaches by direct branches and jumps (taken and
 * not taken, a call's return point) that have run before, up to MAX_REGION_BLOCKS blocks
 * and MAX_REGION_INSNS instructions. They become one JavaScript function with an internal
 * `switch` loop over its blocks (dense case labels: a jump table), so a loop whose blocks
 * are all in the region runs without returning to the dispatcher: a block continues into
 * its successor with a jump inside the function (or falls through into the next case),
 * and only a pc outside the region, an indirect jump, a stop, or the end of the budget
 * returns.
 *
 * Regions are kept small on purpose: V8's optimizing compiler takes time that grows
 * steeply with the function (measured: about a second for a 500-instruction region, with
 * the region running unoptimized meanwhile and again after each deoptimization), which
 * cost far more than the dispatcher calls a big region saves.
 *
 * A block is the instructions from its start to the first control transfer (included),
 * the first `interpretOnly` or refused instruction, the page end, or MAX_BLOCK
 * instructions; the interpreter runs what blocks leave out (and cold code). A block's
 * code is the instructions' templates (the same definitions the interpreter is generated
 * from) concatenated, in this tier's spelling: operands as literals, registers in locals.
 *
 * Budgets stay exact: each block tests at its start that the budget holds all of it (else
 * the region returns there and the dispatcher interprets the rest) and pays for itself at
 * its end. Registers a block uses live in its locals (lo/hi int32 pairs), loaded at its
 * start and written back at its end and at every exit. On a throw (the port's slow paths
 * and the hooks they call: the port records the accessing instruction's pc in `accessPc`
 * first), the block's `catch` writes the registers back and rebuilds the fault's pc and budget from the
 * current block's start and the accessing instruction, so the dispatcher needs no `try`.
 *
 * A store that takes the slow path and leaves the region's page invalidated (code written:
 * self-modifying code) ends the region right after the store, so stale code never runs
 * past the instruction that changed it.
 */
import { Block, type CodePage, INTERPRET_ONE, SLOTS } from '../code-cache.js';
import { INFO_COMPRESSED, type IsaRegistry } from '../isa/registry.js';
import type { InstructionDef } from '../isa/types.js';
import { StopReason } from '../types.js';
import type { MachineContext } from './types.js';
import { HELPER_NAMES, HELPERS, type Spelling, expand, templateUses } from './vocabulary.js';

/** Longest block, in instructions. */
export const MAX_BLOCK = 64;
/** Most blocks in one region (V8 compiles a bigger function more slowly). */
export const MAX_REGION_BLOCKS = 2;
/** Most instructions in one region (the entry block always fits: MAX_BLOCK is smaller). */
export const MAX_REGION_INSNS = 128;
const PAGE_SIZE = SLOTS * 2;
const TWO32 = 4294967296;

export interface Insn {
  def: InstructionDef;
  info: number;
  raw: number;
  rd: number; // register number 1..31, or 0 when the result is discarded
  rs1: number;
  rs2: number;
  imm: number;
  pc: number;
  len: number;
}

/** One block of a region: its instructions, in order (at least one). */
export interface RegionBlock {
  readonly start: number;
  readonly insns: readonly Insn[];
}

function literal(n: number): string {
  return n < 0 ? `(${n})` : `${n}`;
}

function pairOf(v: number): [string, string] {
  return [literal(v | 0), literal(Math.floor(v / TWO32) | 0)];
}

/**
 * This tier's spelling of instruction `k` of block `b`: operands are literals, registers
 * locals. `$stopAfter` leaves a marker that `generateRegion` replaces (it knows the
 * block's registers and budget).
 */
function spelling(insn: Insn, b: number, k: number): Spelling {
  const L = (r: number): string => (r === 0 ? '0' : `l${r}`);
  const H = (r: number): string => (r === 0 ? '0' : `h${r}`);
  const { rs1, imm, pc, len } = insn;
  return {
    term(name) {
      switch (name) {
        case 'rs1': return L(rs1);
        case 'rs1h': return H(rs1);
        case 'rs2': return L(insn.rs2);
        case 'rs2h': return H(insn.rs2);
        case 'rs1n': return `${rs1}`;
        case 'uimm': return `${insn.rs2}`;
        case 'imm': return literal(imm);
        case 'immh': return literal(imm >> 31);
        case 'pc': return `${pc}`;
        case 'len': return `${len}`;
        case 'next': return `${pc + len}`;
        case 'nextlo': return pairOf(pc + len)[0];
        case 'nexthi': return pairOf(pc + len)[1];
        case 'target': return `${pc + imm}`;
        case 'targetlo': return pairOf(pc + imm)[0];
        case 'targethi': return pairOf(pc + imm)[1];
        case 'raw': return `${insn.raw}`;
        case 'info': return `${insn.info}`;
        default: throw new Error(`instruction template: $${name} has no spelling in a compiled block`);
      }
    },
    ea() {
      let ea: string;
      if (imm === 0) ea = `a = ${L(rs1)}; ah = ${H(rs1)};`;
      else if (rs1 === 0) ea = `a = ${literal(imm)}; ah = ${literal(imm >> 31)};`;
      else ea = `a = (${L(rs1)} + ${literal(imm)}) | 0; ah = (${H(rs1)} + ${literal(imm >> 31)} + ((a >>> 0) < (${L(rs1)} >>> 0) ? 1 : 0)) | 0;`;
      return `${ea} i = (a >>> 12) & 255;`;
    },
    k: `${pc}`,
    stop: () => {
      throw new Error('a compiled block cannot stop the run');
    },
    stopAfter: (reason) => `\u0001${b}:${k}:${reason}\u0001`,
  };
}

function observeInstruction(insn: Insn): string {
  return `O.instruction(${insn.pc}, ${insn.raw}, ${insn.info}, ${insn.imm});`;
}

/**
 * The JS source of a region's factory; the function it returns is
 * `(S, P, R, left, O, CP) => npc`, entered at `blocks[0].start` with `CP` the code page of
 * the region (`base` is its base). The next pc is the return value, the budget left goes
 * to `S.left`.
 *
 * A region that stops the run on its way out (a pc stall: Halt; a hook's stop request
 * after a store: Stop) returns the next pc with `S.left` = 0, so the dispatcher's loop
 * ends without a test per call, and leaves the stop in `S.stopReason` and the budget in
 * `S.stopLeft`. On a throw it sets `S.pc` and `S.left` to the faulting instruction's pc
 * and the budget before it, and rethrows.
 */
export function generateRegion(blocks: readonly RegionBlock[], base: number, variant: number): string {
  let memory = false;
  const order = [...blocks].sort((x, y) => x.start - y.start);
  const index = new Map(order.map((b, j) => [b.start, j]));
  const cases: string[] = [];
  order.forEach((block, b) => {
    const insns = block.insns;
    const n = insns.length;
    const start = block.start;
    // Registers live in locals of their block only: short live ranges keep V8's
    // compilation of a many-block function about as cheap as that of its blocks.
    const used = new Set<number>();
    const written = new Set<number>();
    const body: string[] = [];
    for (let k = 0; k < n; k++) {
      const insn = insns[k]!;
      const template = insn.def.specialize?.(insn) ?? insn.def.semantics;
      const uses = templateUses(template);
      if (uses.rs1 && insn.rs1 !== 0) used.add(insn.rs1);
      if (uses.rs2 && insn.rs2 !== 0) used.add(insn.rs2);
      if (uses.memory) memory = true;
      // A branch's condition is tested in the exit below.
      if (insn.def.condition === undefined) body.push(expand(template, spelling(insn, b, k)));
      if (insn.def.writesRd === true && insn.rd !== 0) {
        used.add(insn.rd);
        written.add(insn.rd);
        body.push(`l${insn.rd} = v | 0; h${insn.rd} = w | 0;`);
      }
      if ((variant & 1) !== 0) body.push(observeInstruction(insn));
    }
    const writeback = [...written].map((r) => `R[${2 * r}] = l${r}; R[${2 * r + 1}] = h${r};`).join(' ');
    // `$stopAfter` in instruction k (a store whose hook asked to stop; stores write no
    // register): it retires, then the run stops (reason 0: only the region is left).
    const after = (k: number, reason: number): string => {
      const insn = insns[k]!;
      const observe = ((variant & 1) !== 0 ? observeInstruction(insn) : '') + ((variant & 2) !== 0 ? ` O.block(${start}, ${k + 1});` : '');
      const clear = reason === 0 ? '' : 'P.stopRequested = false; ';
      return `{ ${clear}${observe} ${writeback} left -= ${k + 1}; stop = ${reason}; pc = ${insn.pc + insn.len}; break run; }`;
    };
    const code = body
      .join('\n        ')
      // A store's slow path may have written code of this page: leave right after it.
      .replace(/if \(P\.stopRequested\) \u0001\d+:(\d+):(\d+)\u0001/g, (_m, k: string, reason: string) => `if (P.stopRequested) ${after(Number(k), Number(reason))} else if (CP.base !== ${base}) ${after(Number(k), 0)}`)
      .replace(/\u0001\d+:(\d+):(\d+)\u0001/g, (_m, k: string, reason: string) => after(Number(k), Number(reason)));
    const out: string[] = [`case ${b}: {`, `if (left < ${n}) { pc = ${start}; break run; }`];
    out.push(...[...used].map((r) => `let l${r} = R[${2 * r}] | 0, h${r} = R[${2 * r + 1}] | 0;`));
    out.push(`try {\n        ${code}\n      } catch (e) {\n        ${writeback}\n        fault(S, P, O, ${b}, left);\n        throw e;\n      }`);
    out.push(writeback);
    if ((variant & 2) !== 0) out.push(`O.block(${start}, ${n});`);
    out.push(`left -= ${n};`);
    const nextCase = order[b + 1]?.start;
    // Continue at `to`: fall into the next case, jump inside the region, or leave it.
    const go = (to: number, last: boolean): string => {
      const j = index.get(to);
      if (j === undefined) return `{ pc = ${to}; break run; }`;
      if (last && to === nextCase) return `b = ${j};`;
      return `{ b = ${j}; continue run; }`;
    };
    const lastInsn = insns[n - 1]!;
    const target = lastInsn.pc + lastInsn.imm;
    const fall = lastInsn.pc + lastInsn.len;
    // A direct jump or branch to itself stalls the pc (Halt) instead of looping.
    const stalls = lastInsn.def.control === 'direct' && target === lastInsn.pc;
    const halt = `{ stop = ${StopReason.Halt}; pc = ${lastInsn.pc}; break run; }`;
    if (lastInsn.def.condition !== undefined) {
      const cond = expand(lastInsn.def.condition, spelling(lastInsn, b, n - 1));
      out.push(`if (${cond}) ${stalls ? halt : go(target, false)}`);
      out.push(go(fall, true));
    } else if (lastInsn.def.control === 'direct') {
      out.push(stalls ? halt : go(target, true));
    } else if (lastInsn.def.control !== undefined) {
      out.push(`if (npc === ${lastInsn.pc}) ${halt}`);
      out.push('pc = npc; break run;');
    } else {
      out.push(go(fall, true));
    }
    out.push('}');
    cases.push(out.join('\n      '));
  });
  const prologue = [`let t = 0, u = 0, v = 0, w = 0, a = 0, ah = 0, i = 0, o = 0, npc = 0, stop = -1, pc = ${blocks[0]!.start}, b = ${index.get(blocks[0]!.start)};`];
  if (memory) {
    prologue.push('const rtag = P.rtag, rmem = P.rmem, rmem8 = P.rmem8, wtag = P.wtag, wmem = P.wmem, wmem8 = P.wmem8;');
    prologue.push('let m8 = rmem8[0], m32 = rmem[0];');
  }
  const starts = order.map((block) => block.start).join(', ');
  const offsets = order.map((block) => `[${block.insns.map((insn) => insn.pc - block.start).join(', ')}]`).join(', ');
  return `'use strict';
const STARTS = [${starts}];
const OFFSETS = [${offsets}];
// A throw in block b, with left the budget before it: the faulting instruction's pc and
// the budget before it, from the instruction the port was accessing for.
function fault(S, P, O, b, left) {
  const start = STARTS[b], offsets = OFFSETS[b];
  let k = 0;
  for (let j = 0; j < offsets.length; j++) if (start + offsets[j] === P.accessPc) { k = j; break; }
  ${(variant & 2) !== 0 ? 'if (k > 0) O.block(start, k);' : ''}
  S.pc = start + offsets[k];
  S.left = left - k;
}
return function region_${blocks[0]!.start.toString(16)}(S, P, R, left, O, CP) {
  ${prologue.join('\n  ')}
  run: for (;;) {
    switch (b) {
      ${cases.join('\n      ')}
      default: { pc = STARTS[0]; break run; }
    }
  }
  if (stop > 0) {
    S.stopReason = stop;
    S.stopLeft = left;
    S.left = 0;
  } else S.left = left;
  return pc;
};`;
}

/**
 * Compiled region functions by source text, shared by every hart in the process: a
 * region's function depends only on its source (all state comes in through its
 * arguments), so a program run again, or by another hart, reuses the functions and the
 * machine code V8 already made for them. Least recently used entries go first.
 */
const compiled = new Map<string, NonNullable<Block['fn']>>();
/** Most region functions kept in the shared cache. */
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

/** The instructions of the block starting at `startSlot` of `cp` (none: interpret it). */
export function blockAt(isa: IsaRegistry, code: MachineContext['code'], cp: CodePage, startSlot: number): Insn[] {
  const insns: Insn[] = [];
  let slot = startSlot;
  while (insns.length < MAX_BLOCK && slot < SLOTS) {
    let info: number;
    try {
      info = code.peek(cp, slot);
    } catch {
      break; // e.g. the second half of a straddling instruction is not executable
    }
    const r = isa.instructions[info & 0x7f]!;
    const len = (info & INFO_COMPRESSED) !== 0 ? 2 : 4;
    if (slot === SLOTS - 1 && len === 4) break; // straddles the page end: interpreted
    if (r.def.interpretOnly === true || r.refusal !== undefined) break;
    const rd = ((info >> 8) & 0xff) >> 1;
    insns.push({
      def: r.def,
      info,
      raw: cp.raw[slot]! >>> 0,
      rd: rd === 32 ? 0 : rd,
      rs1: ((info >> 16) & 0xff) >> 1,
      rs2: r.def.format === 'csri' ? info >>> 24 : (info >>> 24) >> 1,
      imm: cp.imm[slot]!,
      pc: cp.base + slot * 2,
      len,
    });
    slot += len >> 1;
    if (r.def.control !== undefined) break;
  }
  return insns;
}

/**
 * The blocks of the region entered at `entrySlot`: breadth first over direct successors
 * in the page. A successor joins when it has run before (its heat is not 0: cold paths
 * stay out, they exit to the dispatcher) or when its block was only cut by the size limit.
 */
export function regionAt(isa: IsaRegistry, code: MachineContext['code'], cp: CodePage, entrySlot: number): RegionBlock[] {
  const blocks: RegionBlock[] = [];
  const seen = new Set<number>([entrySlot]);
  const queue = [entrySlot];
  let total = 0;
  for (let q = 0; q < queue.length && blocks.length < MAX_REGION_BLOCKS; q++) {
    const slot = queue[q]!;
    const insns = blockAt(isa, code, cp, slot);
    if (insns.length === 0 || total + insns.length > MAX_REGION_INSNS) continue;
    total += insns.length;
    blocks.push({ start: cp.base + slot * 2, insns });
    const last = insns[insns.length - 1]!;
    const fall = last.pc + last.len;
    const successors: [number, boolean][] = [];
    if (last.def.condition !== undefined) successors.push([last.pc + last.imm, false], [fall, false]);
    else if (last.def.control === 'direct') {
      successors.push([last.pc + last.imm, false]);
      if (last.rd !== 0) successors.push([fall, false]); // a call's return point
    } else if (last.def.control === undefined) successors.push([fall, true]);
    for (const [pc, cut] of successors) {
      const off = pc - cp.base;
      if (!(off >= 0 && off < PAGE_SIZE) || (off & 1) !== 0) continue;
      const s = off >> 1;
      if (seen.has(s) || (!cut && cp.heat[s] === 0)) continue;
      seen.add(s);
      queue.push(s);
    }
  }
  return blocks;
}

/** Compiles the region entered at `startSlot` of `cp` (or returns INTERPRET_ONE). */
export function compileRegion(isa: IsaRegistry, code: MachineContext['code'], cp: CodePage, startSlot: number, variant: number): Block {
  const blocks = regionAt(isa, code, cp, startSlot);
  const entry = blocks[0];
  if (entry === undefined || entry.start !== cp.base + startSlot * 2) return INTERPRET_ONE;
  const offsets = Int32Array.from(entry.insns, (insn) => insn.pc - entry.start);
  return new Block(compile(generateRegion(blocks, cp.base, variant)), entry.insns.length, offsets, entry.start);
}

/**
 * The block at `startSlot` of `cp` alone, under the single-block contract (for a tier
 * that brings its own dispatcher, such as the wasm tier's fallback): `fn(S, P, R, left, O)`
 * with `S.cp` the block's page; on a throw, `S.left` is the budget at the start of the
 * faulting pass and the caller finds the instruction by `P.accessPc`.
 */
export function compileBlock(isa: IsaRegistry, code: MachineContext['code'], cp: CodePage, startSlot: number, variant: number): Block {
  const insns = blockAt(isa, code, cp, startSlot);
  if (insns.length === 0) return INTERPRET_ONE;
  const start = cp.base + startSlot * 2;
  const offsets = Int32Array.from(insns, (insn) => insn.pc - start);
  const region = compile(generateRegion([{ start, insns }], cp.base, variant)) as unknown as RegionFn;
  const fn = (S: { cp: CodePage; pc: number; left: number }, P: unknown, R: Int32Array, left: number, O: unknown): number => {
    try {
      return region(S, P, R, left, O, S.cp);
    } catch (e) {
      // The region already counted the instructions before the faulting one.
      const rel = S.pc - start;
      for (let k = 0; k < offsets.length; k++) if (offsets[k] === rel) S.left += k;
      throw e;
    }
  };
  return new Block(fn as unknown as Block['fn'], insns.length, offsets, start);
}

type RegionFn = (S: unknown, P: unknown, R: Int32Array, left: number, O: unknown, CP: CodePage) => number;

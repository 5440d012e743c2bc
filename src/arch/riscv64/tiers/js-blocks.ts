/**
 * The compiled tier: hot basic blocks become JavaScript functions (via `new Function`)
 * that V8 then compiles to machine code. A block's code is the instructions' templates
 * (the same definitions the interpreter is generated from) concatenated, in this tier's
 * spelling: operands as literals, registers in locals.
 *
 * A block starts at any pc and extends to the first control transfer (included), the first
 * `interpretOnly` or refused instruction, the page end, or MAX_BLOCK instructions; the
 * interpreter runs what blocks leave out (and cold code).
 *
 * Generated code keeps the registers the block uses in locals (lo/hi int32 pairs), loaded
 * at entry and written back at every exit, including a fault: the port's slow paths record
 * the pc of the accessing instruction in `port.accessPc` (before any check or hook that
 * may throw), and a catch writes the registers back and restores the budget of the pass,
 * so the dispatcher reports the exact pc and retires exactly the instructions before the
 * fault. A block whose last instruction jumps back to its own start loops inside the
 * function while the budget allows a whole further pass; one whose last instruction jumps
 * to itself ends the run (Halt), and a store whose window hook asked to stop ends it right
 * after the store (Stop).
 *
 * F/D instructions are compiled too: their templates call the FP unit (`M.f`), which the
 * dispatcher passes in; integer results go through the block's register locals like any
 * other. The unit throws for a reserved encoding or rounding mode (frm is read when the
 * instruction runs), so a block records such an instruction's pc in `port.accessPc`
 * before the call, as the port's slow paths do: the fault is as precise as a load's, and
 * an exception taken in machine mode continues at the handler with the instructions
 * before it retired, as in the interpreter.
 */
import { MemoryFault } from '../../memory/types.js';
import { Block, type CodePage, INTERPRET_ONE, SLOTS } from '../code-cache.js';
import { INFO_COMPRESSED, type IsaRegistry } from '../isa/registry.js';
import type { InstructionDef } from '../isa/types.js';
import type { MachineServices } from '../machine-services.js';
import { fpCsrAccess } from './fp-csr.js';
import { type InstructionObserver, observerVariant } from '../observer.js';
import { type InterpretFn, interpreterFor } from './interpreter.js';
import type { ExecutionTier, MachineContext } from './types.js';
import { StopReason } from '../types.js';
import { HELPER_NAMES, HELPERS, type Spelling, expand, templateUses } from './vocabulary.js';

/** Longest block, in instructions. */
export const MAX_BLOCK = 64;
const PAGE_SIZE = SLOTS * 2;
const TWO32 = 4294967296;

interface Insn {
  def: InstructionDef;
  info: number;
  raw: number;
  rd: number; // register number 1..31, or 0 when the result is discarded
  rs1: number;
  rs2: number;
  imm: number;
  pc: number;
  len: number;
  /** This instruction's template when it is not its definition's (a compiled FP CSR access). */
  template?: string;
}

function literal(n: number): string {
  return n < 0 ? `(${n})` : `${n}`;
}

function pairOf(v: number): [string, string] {
  return [literal(v | 0), literal(Math.floor(v / TWO32) | 0)];
}

/** This tier's spelling of instruction `k` of a block: operands are literals, registers locals. */
function spelling(insn: Insn, k: number): Spelling {
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
    // Filled in by `generate`, which knows the block's length and registers.
    stopAfter: (reason) => `\u0001${k}:${reason}\u0001`,
  };
}

/** A template that calls machine services (the FP unit), which may throw with this pc. */
const CALLS_MACHINE = /\bM\./;

/**
 * The JS source of a block function `(S, P, R, left, O, M) => npc`. The next pc is the return
 * value rather than a field of S: one heap store and load fewer per block run.
 *
 * A block that stops the run on its way out (a pc stall: Halt; a hook's stop request
 * after a store: Stop) returns the next pc with `S.left` = 0, so the dispatcher's loop
 * ends without a test per block, and leaves the stop in `S.stopReason` and the budget in
 * `S.stopLeft`.
 */
export function generate(insns: readonly Insn[], start: number, variant: number): string {
  const n = insns.length;
  const used = new Set<number>();
  const written = new Set<number>();
  let memory = false;
  const body: string[] = [];
  for (let k = 0; k < n; k++) {
    const insn = insns[k]!;
    const template = insn.template ?? insn.def.specialize?.(insn) ?? insn.def.semantics;
    const uses = templateUses(template);
    if (uses.rs1 && insn.rs1 !== 0) used.add(insn.rs1);
    if (uses.rs2 && insn.rs2 !== 0) used.add(insn.rs2);
    if (uses.memory) memory = true;
    // The unit may throw (illegal instruction): the dispatcher then finds it by its pc.
    if (CALLS_MACHINE.test(template)) body.push(`P.accessPc = ${insn.pc};`);
    // A branch's condition is tested in the exit below.
    if (insn.def.condition === undefined) body.push(expand(template, spelling(insn, k)));
    if (insn.def.writesRd === true && insn.rd !== 0) {
      used.add(insn.rd);
      written.add(insn.rd);
      body.push(`l${insn.rd} = v | 0; h${insn.rd} = w | 0;`);
      // An instruction observer reads the registers through the hart: in the observing
      // variant each result is also written through, so R is current at every call.
      if ((variant & 1) !== 0) body.push(`R[${2 * insn.rd}] = l${insn.rd}; R[${2 * insn.rd + 1}] = h${insn.rd};`);
    }
    if ((variant & 1) !== 0) body.push(observeInstruction(insn));
  }
  const writeback = [...written].map((r) => `R[${2 * r}] = l${r}; R[${2 * r + 1}] = h${r};`).join(' ');
  const stopWith = (reason: number, npc: number, budget: string): string =>
    `{ ${writeback} S.stopReason = ${reason}; S.stopLeft = ${budget}; S.left = 0; return ${npc}; }`;
  // `$stopAfter` in instruction k (a store whose hook asked to stop; stores write no register).
  const stopAfter = (k: number, reason: number): string => {
    const insn = insns[k]!;
    const observe = ((variant & 1) !== 0 ? observeInstruction(insn) : '') + ((variant & 2) !== 0 ? ` O.block(${start}, ${k + 1});` : '');
    return `{ P.stopRequested = false; ${observe} ${stopWith(reason, insn.pc + insn.len, `left + ${n - k - 1}`)} }`;
  };
  const last = insns[n - 1]!;
  const target = last.pc + last.imm;
  // A direct jump or branch to itself stalls the pc (Halt) instead of looping.
  const stalls = last.def.control === 'direct' && target === last.pc;
  const loops = last.def.control === 'direct' && target === start && !stalls;
  const leave = (npc: string): string => `${writeback} S.left = left; return ${npc};`;
  const halt = stopWith(StopReason.Halt, last.pc, 'left');
  const exit: string[] = [];
  if ((variant & 2) !== 0) exit.push(`O.block(${start}, ${n});`);
  if (last.def.condition !== undefined) {
    const cond = expand(last.def.condition, spelling(last, n - 1));
    const fall = last.pc + last.len;
    if (stalls) {
      exit.push(`if (${cond}) ${halt}`);
      exit.push(leave(`${fall}`));
    } else if (loops) {
      exit.push(`if (${cond}) { if (left >= ${n}) continue; ${leave(`${target}`)} }`);
      exit.push(leave(`${fall}`));
    } else {
      exit.push(leave(`${cond} ? ${target} : ${fall}`));
    }
  } else if (last.def.control !== undefined) {
    if (stalls) exit.push(halt);
    else {
      if (last.def.control === 'indirect') exit.push(`if (npc === ${last.pc}) ${halt}`);
      if (loops) exit.push(`if (npc === ${start} && left >= ${n}) continue;`);
      exit.push(leave('npc'));
    }
  } else {
    exit.push(leave(`${last.pc + last.len}`));
  }
  const prologue = [...used].map((r) => `let l${r} = R[${2 * r}] | 0, h${r} = R[${2 * r + 1}] | 0;`);
  prologue.push('let t = 0, u = 0, v = 0, w = 0, a = 0, ah = 0, i = 0, o = 0, npc = 0;');
  if (memory) {
    prologue.push('const rtag = P.rtag, rmem = P.rmem, rmem8 = P.rmem8, wtag = P.wtag, wmem = P.wmem, wmem8 = P.wmem8;');
    prologue.push('let m8 = rmem8[0], m32 = rmem[0];');
  }
  const inner = [`left -= ${n};`, ...body, ...exit]
    .join('\n    ')
    .replace(/\u0001(\d+):(\d+)\u0001/g, (_m, k: string, reason: string) => stopAfter(Number(k), Number(reason)));
  const loopBody = loops ? `for (;;) {\n    ${inner}\n  }` : inner;
  // On a throw, the dispatcher finds the instruction by `P.accessPc` and reports the
  // partial pass to a block observer.
  return `'use strict';
return function block_${start.toString(16)}(S, P, R, left, O, M) {
  ${prologue.join('\n  ')}
  try {
  ${loopBody}
  } catch (e) {
    ${writeback}
    S.left = left + ${n};
    throw e;
  }
};`;
}

function observeInstruction(insn: Insn): string {
  return `O.instruction(${insn.pc}, ${insn.raw}, ${insn.info}, ${insn.imm});`;
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

/**
 * Compiles the block starting at `startSlot` of `cp` (or returns INTERPRET_ONE). With the
 * hart's machine services, Zicsr accesses to fflags/frm/fcsr go into the block too
 * (fp-csr.ts); other system instructions end it.
 */
export function compileBlock(
  isa: IsaRegistry,
  code: MachineContext['code'],
  cp: CodePage,
  startSlot: number,
  variant: number,
  machine?: MachineServices,
): Block {
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
    if (r.refusal !== undefined) break;
    let template: string | undefined;
    if (r.def.interpretOnly === true) {
      const access = r.def.hook === undefined ? fpCsrAccess(r.def, cp.raw[slot]! >>> 0, machine) : undefined;
      if (access === undefined) break;
      template = `v = M.f.csr(${access.op}, ${access.csr}, ${access.immediate ? access.field : '$rs1'}, ${access.writes}); w = 0;`;
    }
    const rd = ((info >> 8) & 0xff) >> 1;
    insns.push({
      ...(template === undefined ? {} : { template }),
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
  if (insns.length === 0) return INTERPRET_ONE;
  const start = cp.base + startSlot * 2;
  const offsets = Int32Array.from(insns, (insn) => insn.pc - start);
  return new Block(compile(generate(insns, start, variant)), insns.length, offsets, start);
}

export interface JsTierOptions {
  /** How many times a block start is reached before it is compiled (0–255). */
  readonly threshold: number;
}

/** Where compiled blocks go: the code cache (which evicts them with their page). */
export interface BlockStore {
  setBlock(cp: CodePage, slot: number, block: Block): void;
  flush(): void;
  /** Calls `listener` whenever compiled blocks are forgotten. */
  onBlocksDropped(listener: () => void): void;
}

/** A compiled block as the dispatchers call it: (state, port, registers, budget, observer, machine services). */
export type RunBlock = (S: unknown, P: unknown, R: Int32Array, left: number, O: unknown, M: unknown) => number;

/** The compiled tier: runs compiled blocks, and the interpreter for the rest. */
export class JsTier implements ExecutionTier {
  readonly name = 'js' as const;
  private observer: InstructionObserver | undefined;
  private variant = 0;
  /** The interpreter (of the same observer variant) for what blocks leave out. */
  private interpret: InterpretFn;

  constructor(
    private readonly context: MachineContext,
    private readonly isa: IsaRegistry,
    private readonly blocks: BlockStore,
    private readonly options: JsTierOptions,
  ) {
    this.interpret = interpreterFor(isa, 0);
  }

  observe(observer: InstructionObserver | undefined): void {
    const variant = observerVariant(observer);
    if (variant !== this.variant) this.blocks.flush(); // blocks compiled for the other variant
    this.variant = variant;
    this.observer = observer;
    this.interpret = interpreterFor(this.isa, variant);
  }

  run(): number {
    const { state, port, code, machine } = this.context;
    const x = state.x;
    const threshold = this.options.threshold;
    const observer = this.observer;
    const variant = this.variant;
    let pc = state.pc;
    let cp = state.cp;
    let left = state.left;
    while (left > 0) {
      let off = pc - cp.base;
      if (!(off >= 0 && off < PAGE_SIZE)) {
        state.pc = pc;
        state.left = left;
        cp = code.pageAt(pc);
        state.cp = cp;
        off = pc - cp.base;
      }
      const slot = off >> 1;
      let block = cp.blocks[slot];
      if (block === undefined) {
        const heat = cp.heat[slot]!;
        if (heat >= threshold) {
          block = compileBlock(this.isa, code, cp, slot, variant, machine);
          this.blocks.setBlock(cp, slot, block);
        } else {
          cp.heat[slot] = heat + 1;
        }
      }
      if (block !== undefined && block.n !== 0 && block.n <= left) {
        try {
          pc = (block.fn as unknown as RunBlock)(state, port, x, left, observer, machine);
        } catch (e) {
          // Only the port's slow paths (and the hooks they call) and the FP unit throw in a
          // block; the port knows the pc of the instruction that was accessing or calling.
          const k = indexOf(block, port.accessPc);
          const at = block.start + block.offsets[k]!;
          if ((variant & 2) !== 0 && k > 0) observer!.block!(block.start, k);
          state.pc = at;
          state.left -= k;
          if (e === machine.taken) {
            // An exception taken in machine mode: on at the handler, the instruction not retired.
            pc = machine.taken.pc;
            left = state.left;
            continue;
          }
          throw e instanceof MemoryFault && e.pc === undefined ? e.withPc(at) : e;
        }
        left = state.left;
        continue;
      }
      state.pc = pc;
      state.left = left;
      state.cp = cp;
      const reason = this.interpret(state, port, code, machine, observer, block === INTERPRET_ONE ? 1 : left, true);
      if (reason !== 0) return reason;
      pc = state.pc;
      left = state.left;
      cp = state.cp;
    }
    state.pc = pc;
    state.left = left;
    state.cp = cp;
    if (state.stopReason !== 0) {
      // A block stopped the run (see `generate`).
      const reason = state.stopReason;
      state.stopReason = 0;
      state.left = state.stopLeft;
      return reason;
    }
    return 0;
  }
}

/** The index in `block` of the instruction at `pc` (0 when it is not one of them). */
function indexOf(block: Block, pc: number): number {
  const rel = pc - block.start;
  const offsets = block.offsets;
  for (let k = 0; k < offsets.length; k++) if (offsets[k] === rel) return k;
  return 0;
}

/**
 * The interpreter tier: generated once per instruction set (and observer variant) from the
 * instruction definitions, as one function whose switch has a case per op id with the
 * instruction's template inlined. V8 sees a plain switch over constant labels, as if
 * written by hand; nothing is looked up per instruction but the decoded cache.
 */
import type { IsaRegistry, RegisteredInstruction } from '../isa/registry.js';
import { MemoryFault } from '../../memory/types.js';
import { type InstructionObserver, observerVariant } from '../observer.js';
import { HELPER_NAMES, HELPERS, type Spelling, expand, scratchUsed } from './vocabulary.js';
import type { ExecutionTier, MachineContext } from './types.js';
import { StopReason } from '../types.js';

/**
 * The interpreter function: executes up to `limit` instructions (budget permitting) from
 * `S.pc`. With `yieldOnJump`, returns after the first control transfer so the compiled
 * tier can take over. Returns a StopReason or 0.
 */
export type InterpretFn = (
  S: MachineContext['state'],
  P: MachineContext['port'],
  C: MachineContext['code'],
  M: MachineContext['machine'],
  O: InstructionObserver | undefined,
  limit: number,
  yieldOnJump: boolean,
) => number;

const TERMS: Readonly<Record<string, string>> = {
  rs1: 'x[rs1]',
  rs1h: 'x[rs1 + 1]',
  rs2: 'x[rs2]',
  rs2h: 'x[rs2 + 1]',
  rs1n: 'rs1',
  uimm: '(info >>> 24)',
  imm: 'imm',
  immh: '(imm >> 31)',
  pc: 'pc',
  len: 'len',
  next: '(pc + len)',
  nextlo: '((pc + len) | 0)',
  nexthi: '(Math.floor((pc + len) / 4294967296) | 0)',
  target: '(pc + imm)',
  targetlo: '((pc + imm) | 0)',
  targethi: '(Math.floor((pc + imm) / 4294967296) | 0)',
  raw: 'cp.raw[slot]',
  info: 'info',
  left: 'left',
};

const SPELLING: Spelling = {
  term: (name) => {
    const t = TERMS[name];
    if (t === undefined) throw new Error(`instruction template: unknown term $${name}`);
    return t;
  },
  ea: () => 'a = (x[rs1] + imm) | 0; ah = (x[rs1 + 1] + (imm >> 31) + ((a >>> 0) < (x[rs1] >>> 0) ? 1 : 0)) | 0; i = (a >>> 12) & 255;',
  k: 'pc',
  stop: (reason) => `{ RETIRE left--; reason = ${reason}; break loop; }`,
  // The loop ends after this instruction: `left--` then meets `stopAt`.
  stopAfter: (reason) => `{ P.stopRequested = false; stopAt = left - 1; reason = ${reason}; }`,
};

/** Out-of-line functions cannot end the loop: their call site tests `P.stopRequested`. */
const OUT_OF_LINE_SPELLING: Spelling = { ...SPELLING, stopAfter: () => '' };

/** What the observing variants call when an instruction retires. */
function retireCode(variant: number): string {
  return ((variant & 1) !== 0 ? 'O.instruction(pc, cp.raw[slot], info, imm); ' : '') + ((variant & 2) !== 0 ? 'O.block(pc, 1);' : '');
}

const OUT_OF_LINE_ARGS = 'x, rd, rs1, rs2, imm, pc, len, left, cp, slot, info, P, M';

/**
 * System instructions that neither jump nor stop (CSR access, atomics, fence.i) run out
 * of line, in a function of their own generated from the same template: they are rare,
 * and keeping the interpreter's switch small lets V8 optimize it sooner (its tick budget
 * grows with the function's size).
 */
function outOfLine(r: RegisteredInstruction): boolean {
  return r.refusal === undefined && r.def.interpretOnly === true && r.def.control === undefined && !r.def.semantics.includes('$stop');
}

function declarations(body: string): string {
  const locals = scratchUsed(body).filter((n) => n !== 'm8' && n !== 'm32');
  return locals.length === 0 ? '' : `let ${locals.map((n) => `${n} = 0`).join(', ')}; `;
}

/** The source of an out-of-line instruction's function. */
function outOfLineSource(r: RegisteredInstruction): string {
  let body = expand(r.def.semantics, OUT_OF_LINE_SPELLING);
  if (r.def.writesRd === true) body += ' x[rd] = v; x[rd + 1] = w;';
  const decl = declarations(body);
  const memory = /\b[rw](tag|mem8?)\b/.test(body)
    ? 'const rtag = P.rtag, rmem = P.rmem, rmem8 = P.rmem8, wtag = P.wtag, wmem = P.wmem, wmem8 = P.wmem8; let m8 = rmem8[0], m32 = rmem[0]; '
    : '';
  return `'use strict';\nreturn function ${r.def.mnemonic.replace(/\W/g, '_')}(${OUT_OF_LINE_ARGS}) { ${memory}${decl}${body} };`;
}

/** The case of one instruction. */
function caseOf(r: RegisteredInstruction, variant: number): string {
  const def = r.def;
  const retire = retireCode(variant);
  let body: string;
  if (r.refusal !== undefined) {
    body = `throw M.refused(${r.id}, pc, cp.raw[slot], len);`;
  } else if (outOfLine(r)) {
    // A store or hook inside may have asked to stop after this instruction.
    body = `OPS[${r.id}](${OUT_OF_LINE_ARGS}); if (P.stopRequested) ${SPELLING.stopAfter(String(StopReason.Stop))} ${retire} pc += len; break;`;
  } else {
    body = expand(def.semantics, SPELLING).replaceAll('RETIRE', retire);
    if (def.writesRd === true) body += ' x[rd] = v; x[rd + 1] = w;';
    if (def.control !== undefined) {
      // The pc stalls (`j .`, a taken self-branch, a jump to itself): retired once, then Halt.
      body += ` ${retire} if (npc === pc) { left--; reason = ${StopReason.Halt}; break loop; } pc = npc; left--; if (yieldOnJump) break loop; continue loop;`;
    } else {
      body += ` ${retire} pc += len; break;`;
    }
  }
  return `case ${r.id}: { ${body} }`;
}

/** The out-of-line instructions' functions by op id. */
function outOfLineFunctions(isa: IsaRegistry): unknown[] {
  const ops: unknown[] = [];
  for (const r of isa.instructions) {
    if (r.id > 0 && outOfLine(r)) {
      const factory = new Function('MemoryFault', ...HELPER_NAMES, outOfLineSource(r)) as (...a: unknown[]) => unknown;
      ops[r.id] = factory(MemoryFault, ...HELPERS);
    }
  }
  return ops;
}

/** The source of the interpreter for `isa`. */
export function interpreterSource(isa: IsaRegistry, variant: number): string {
  const cases = isa.instructions.slice(1).map((r) => caseOf(r, variant));
  return `'use strict';
return function interpret(S, P, C, M, O, limit, yieldOnJump) {
  const x = S.x;
  const rtag = P.rtag, rmem = P.rmem, rmem8 = P.rmem8, wtag = P.wtag, wmem = P.wmem, wmem8 = P.wmem8;
  let m8 = rmem8[0], m32 = rmem[0];
  // The templates' scratch locals, shared by all cases (one declaration keeps the function small).
  let t = 0, u = 0, v = 0, w = 0, a = 0, ah = 0, i = 0, o = 0, npc = 0, ol = 0, oh = 0, bl = 0, bh = 0, nl = 0, nh = 0;
  let pc = S.pc;
  let cp = S.cp;
  let left = S.left;
  let stopAt = left - limit > 0 ? left - limit : 0;
  let reason = 0;
  // An exception taken in machine mode (M.taken, thrown by M) continues at the handler;
  // the excepting instruction is not retired.
  outer: for (;;) try {
    loop: while (left > stopAt) {
      let off = pc - cp.base;
      if (!(off >= 0 && off < 4096)) {
        cp = C.pageAt(pc);
        off = pc - cp.base;
      }
      const slot = off >> 1;
      let info = cp.info[slot];
      if (info === 0) info = C.decodeAt(cp, slot);
      const imm = cp.imm[slot];
      const rd = (info >> 8) & 0xff;
      const rs1 = (info >> 16) & 0xff;
      const rs2 = info >>> 24;
      const len = 4 - ((info >> 6) & 2);
      switch (info & 0x7f) {
        ${cases.join('\n        ')}
        default:
          throw M.illegal(pc, cp.raw[slot], len);
      }
      left--;
    }
    break outer;
  } catch (e) {
    if (e === M.taken) {
      pc = e.pc;
      if (yieldOnJump) break outer;
      continue outer;
    }
    S.pc = pc;
    S.left = left;
    S.cp = cp;
    if (e instanceof MemoryFault && e.pc === undefined) throw e.withPc(pc);
    throw e;
  }
  S.pc = pc;
  S.left = left;
  S.cp = cp;
  return reason;
};`;
}

const generated = new WeakMap<IsaRegistry, (InterpretFn | undefined)[]>();

/** The interpreter function for `isa` and an observer variant (generated on first use, then shared). */
export function interpreterFor(isa: IsaRegistry, variant: number): InterpretFn {
  let variants = generated.get(isa);
  if (variants === undefined) {
    variants = [];
    generated.set(isa, variants);
  }
  let fn = variants[variant];
  if (fn === undefined) {
    const factory = new Function('MemoryFault', 'OPS', ...HELPER_NAMES, interpreterSource(isa, variant)) as (...a: unknown[]) => InterpretFn;
    fn = factory(MemoryFault, outOfLineFunctions(isa), ...HELPERS);
    variants[variant] = fn;
  }
  return fn;
}

/** The interpreter as a tier of its own: every instruction through the generated switch. */
export class InterpreterTier implements ExecutionTier {
  readonly name = 'interpreter' as const;
  private fn: InterpretFn;
  private observer: InstructionObserver | undefined;

  constructor(
    private readonly context: MachineContext,
    private readonly isa: IsaRegistry,
  ) {
    this.fn = interpreterFor(isa, 0);
  }

  observe(observer: InstructionObserver | undefined): void {
    this.observer = observer;
    this.fn = interpreterFor(this.isa, observerVariant(observer));
  }

  run(): number {
    const c = this.context;
    return this.fn(c.state, c.port, c.code, c.machine, this.observer, c.state.left, false);
  }
}

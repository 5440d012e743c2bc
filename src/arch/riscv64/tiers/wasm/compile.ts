/**
 * Compiles a hot region of one guest page to a WebAssembly function.
 *
 * A region is the set of basic blocks reachable from a hot block start by direct branches
 * and fall-through within the same page, as long as every instruction is one this tier
 * knows (RV64I and M without system instructions, and F and D: the exact definitions of
 * isa/rv64i.ts, isa/m.ts and isa/fd.ts, so a platform's replacement or refusal is never
 * compiled here). Anything else (an indirect jump, a target off the page, an instruction
 * it does not know) leaves the function with the next pc for the dispatcher.
 *
 * The function is a loop over a `br_table` on the block index ("loop-switch"): a branch
 * between blocks of the region is a `br` to the loop, with no return to JavaScript.
 *
 * Registers are i64 in linear memory (x[i] at 8*i: `HartState.x` is a view of them, so
 * nothing is copied per call), cached in locals within a block and written back
 * before anything that may throw (a load or store that leaves the TLB fast path) and at
 * every block end. Loads and stores call the tier's imports (the memory port's TLB fast
 * path in JS, then its slow path), which get the instruction's pc and the budget before
 * it: on a throw the caller restores exactly pc and instret.
 *
 * Budget: each block checks on entry that the budget covers it whole and subtracts its
 * length; if not, the function returns that block's pc and the dispatcher interprets.
 *
 * F and D: the f registers are raw i64 bits in linear memory too (FREGS_OFFSET:
 * `HartState.f` and the FP unit's views are views of them). What is a pure bit move is
 * done here: the FP loads and stores (the same TLB test and slow paths as the integer
 * ones; flw NaN-boxes), fsgnj/fsgnjn/fsgnjx (a badly boxed single reads as the canonical
 * NaN) and fmv between x and f registers. Everything that rounds, compares, converts or
 * sets flags calls the FP unit (fpu/unit.ts: the interpreter's own code, so bits and
 * fflags are the same) through the imports fop, ffma, ftox and ffromx, which get the
 * instruction's bits, pc and the budget before it. The unit throws for a reserved encoding
 * or rounding mode (frm read when the instruction runs): the import then records the
 * fault as a slow-path access does and the region leaves by its exit.
 *
 * Except for the unit's own host fast paths in round-to-nearest-even (fadd, fsub, fmul,
 * fdiv and fsqrt in both formats, the fused four on doubles), which the region emits
 * itself: the same IEEE binary64 operations in the same order (wasm's f64 arithmetic is
 * IEEE 754's, as JavaScript's is; singles are rounded by f32.demote as by Math.fround),
 * under the same conditions (normal operands and results well inside the range, rm = RNE
 * or dyn with frm = RNE, from the FRM word), so the same bits and the same NX/OF;
 * whatever they do not take (NaNs, zeros, tiny or huge values, other modes) calls the
 * unit. Their flags accrue in the FFLAGS word, which the tier merges.
 */
import { type CodePage, SLOTS } from '../../code-cache.js';
import { RV64I } from '../../isa/rv64i.js';
import { RV64M } from '../../isa/m.js';
import { INFO_COMPRESSED, type IsaRegistry } from '../../isa/registry.js';
import { RV64D, RV64F } from '../../isa/fd.js';
import { FAST_PATH } from '../../fpu/unit.js';
import type { InstructionDef } from '../../isa/types.js';
import { StopReason } from '../../types.js';
import type { CodeLookup } from '../types.js';
import type { MachineServices } from '../../machine-services.js';
import { type FpCsrAccess, fpCsrAccess } from '../fp-csr.js';
import { Code, F64, type FuncType, I32, I64, Op, VOID, encodeModule, type ModuleFunction } from './encoder.js';

/**
 * A hart's tier area in linear memory (byte offsets from its base): registers, the call
 * protocol's scratch words, the memory port's TLB tags (the port's own arrays live here)
 * and the linear offsets of the frames those entries name, with their own tags.
 */
export const REGS_OFFSET = 0;
/** The budget left when the function returns (i32). */
export const LEFT_OFFSET = 512;
/** A stop the function took on its way out (StopReason; 0: none). */
export const STOP_OFFSET = 516;
/** The value of an 8-byte load (two i32 words), and of an FP instruction's x result. */
export const VALUE_OFFSET = 520;
/** The f registers: f0..f31 as i64 raw bits (a single NaN-boxed), `HartState.f`'s words. */
export const FREGS_OFFSET = 768;
/**
 * fflags raised by the regions' own FP fast paths (i32), which the tier ORs into
 * HartState.fflags when the hub returns (the FP unit's calls OR into it directly).
 */
export const FFLAGS_OFFSET = 528;
/** frm when the hub was entered (i32): no instruction a region runs can change it. */
export const FRM_OFFSET = 532;
/**
 * The memory port's linear TLBs (see MemoryPort.rlin): read and write tags (f64 page
 * numbers, NaN: empty) and the linear offsets of the frames they name (i32).
 */
export const RLIN_OFFSET = 1024;
export const WLIN_OFFSET = 3072;
export const ROFF_OFFSET = 5120;
export const WOFF_OFFSET = 6144;
/**
 * The hub's region cache (see hub.ts): CACHE_ENTRIES entries of (pc, table index) as i32
 * pairs, direct-mapped by a hash of the pc; an entry whose pc is odd is empty.
 */
export const CACHE_OFFSET = 16384;
export const CACHE_ENTRIES = 8192;
/** The STOP word of a region that left because the budget did not cover its next block. */
export const BUDGET_STOP = -1;
/** The STOP word after an access that faulted (the import holds the error for the caller). */
export const FAULT_STOP = -2;
/** Most linear memory a region module accepts, in 64 KiB pages. */
export const MEMORY_PAGES = 16384;

/** Longest block, most blocks and most instructions of a region. */
const MAX_BLOCK = 64;
const MAX_BLOCKS = 24;
const MAX_INSNS = 384;
const PAGE_BYTES = SLOTS * 2;

/**
 * The JS imports: loads (lo, hi, pc, left) and stores (…, value, pc, left), the FP unit's
 * operations (raw, pc, left; ffromx: raw, lo, hi, pc, left; each returns 0, or nonzero
 * when it threw: then the STOP word is FAULT_STOP) and the FP CSR accesses (fcsr: op,
 * csr, operand, writes -> the old value). A region imports them from the hub, which
 * exports each (wasm functions: a region's calls to them need no JS wrapper, which V8
 * would otherwise compile for every module), with mulhu after the memory ones (see
 * MEMORY_IMPORTS).
 */
export const IMPORTS = ['ld1', 'ld2', 'ld4', 'ld8', 'st1', 'st2', 'st4', 'st8', 'fop', 'ffma', 'ftox', 'ffromx', 'fcsr'] as const;
const LOAD_TYPE: FuncType = { params: [I32, I32, I32, I32], results: [I32] };
const LOAD8_TYPE: FuncType = { params: [I32, I32, I32, I32], results: [] };
const STORE_TYPE: FuncType = { params: [I32, I32, I32, I32, I32], results: [I32] };
const STORE8_TYPE: FuncType = { params: [I32, I32, I32, I32, I32, I32], results: [I32] };
const FP_TYPE: FuncType = { params: [I32, I32, I32], results: [I32] };
export const IMPORT_TYPES = [
  LOAD_TYPE, LOAD_TYPE, LOAD_TYPE, LOAD8_TYPE, STORE_TYPE, STORE_TYPE, STORE_TYPE, STORE8_TYPE,
  FP_TYPE, FP_TYPE, FP_TYPE, STORE_TYPE, { params: [I32, I32, I32, I32], results: [I32] },
];
const F_LD = [-1, 0, 1, -1, 2, -1, -1, -1, 3];
const F_ST = [-1, 4, 5, -1, 6, -1, -1, -1, 7];
/**
 * A region's function indices: the memory imports, mulhu, then (only in a region that
 * calls the FP unit) the FP imports, so a region without F/D is the module it always was.
 */
const MEMORY_IMPORTS = 8;
const F_MULHU = MEMORY_IMPORTS;
const F_FOP = MEMORY_IMPORTS + 1;
const F_FFMA = MEMORY_IMPORTS + 2;
const F_FTOX = MEMORY_IMPORTS + 3;
const F_FFROMX = MEMORY_IMPORTS + 4;
/** fcsr(op, csr, operand, writes) -> old value: a Zicsr access to fflags/frm/fcsr (tiers/fp-csr.ts). */
const F_FCSR = MEMORY_IMPORTS + 5;
export const MULHU_TYPE: FuncType = { params: [I64, I64], results: [I64] };

// Locals of the region function.
const L_LEFT = 0;
const L_BLOCK = 1;
const L_A = 2;
const L_T = 3;
const L_U = 4;
const L_I = 5;
/** The next pc, on the way to the exit (f64). */
const L_NPC = 6;
/** The first register local: the region's registers get consecutive locals from here. */
const FIRST_REG_LOCAL = 7;
/** Instructions that read rs2 (the others' rs2 field is part of an immediate, or unused). */
const READS_RS2 = new Set([
  'add', 'sub', 'sll', 'slt', 'sltu', 'xor', 'srl', 'sra', 'or', 'and', 'addw', 'subw', 'sllw', 'srlw', 'sraw',
  'mul', 'mulh', 'mulhsu', 'mulhu', 'mulw', 'div', 'divu', 'rem', 'remu', 'divw', 'divuw', 'remw', 'remuw',
  'sb', 'sh', 'sw', 'sd', 'beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu',
]);
/** Instructions that do not read rs1. */
const NO_RS1 = new Set(['lui', 'auipc', 'jal', 'fence', 'csrrwi', 'csrrsi', 'csrrci']);
/** The F/D instructions (isa/fd.ts mnemonics), and those among them whose rs1 is an x register. */
const FP_MNEMONICS = new Set<string>([...RV64F.instructions, ...RV64D.instructions].map((def) => def.mnemonic));
const FP_X_RS1 = new Set(['flw', 'fld', 'fsw', 'fsd', 'fp.from.x']);

interface Insn {
  readonly def: InstructionDef;
  readonly mnemonic: string;
  /** The bits as fetched (16 or 32). */
  readonly raw: number;
  /** An F/D instruction done here as a bit move (fsgnj*, fmv), not by the FP unit. */
  readonly native: boolean;
  readonly rd: number;
  readonly rs1: number;
  readonly rs2: number;
  readonly imm: number;
  readonly pc: number;
  readonly len: number;
  /** A Zicsr access to fflags/frm/fcsr the region does (through fcsr). */
  readonly fpCsr?: FpCsrAccess;
}

interface RegionBlock {
  readonly start: number;
  readonly insns: Insn[];
}

/** The instruction definitions this tier compiles, by identity. */
const KNOWN = new Map<InstructionDef, string>();
for (const ext of [RV64I, RV64M, RV64F, RV64D]) for (const def of ext.instructions) if (def.interpretOnly !== true) KNOWN.set(def, def.mnemonic);

/**
 * Whether the OP-FP word `raw` is a legal fsgnj/fsgnjn/fsgnjx or fmv (x to f, f to x): the
 * bit moves a region does itself (the rest of OP-FP, and these when illegal, go to the unit).
 */
export function fpBitMove(raw: number, hasD: boolean): boolean {
  const f5 = raw >>> 27;
  const f3 = (raw >>> 12) & 7;
  const fmt = (raw >>> 25) & 3;
  if (fmt > 1 || (fmt === 1 && !hasD) || (raw & 0x7f) !== 0x53) return false;
  if (f5 === 0x04) return f3 < 3;
  return (f5 === 0x1c || f5 === 0x1e) && f3 === 0 && ((raw >>> 20) & 31) === 0;
}

/** The instruction at `slot`, or undefined where the region must stop. */
function insnAt(isa: IsaRegistry, code: CodeLookup, cp: CodePage, slot: number, hasD: boolean, machine: MachineServices | undefined): Insn | undefined {
  let info: number;
  try {
    info = code.peek(cp, slot);
  } catch {
    return undefined;
  }
  const r = isa.instructions[info & 0x7f]!;
  const len = (info & INFO_COMPRESSED) !== 0 ? 2 : 4;
  if (slot * 2 + len > PAGE_BYTES) return undefined;
  if (r.refusal !== undefined || r.def.hook !== undefined) return undefined;
  const raw = cp.raw[slot]! >>> 0;
  const fpCsr = r.def.interpretOnly === true ? fpCsrAccess(r.def, raw, machine) : undefined;
  if (r.def.interpretOnly === true && fpCsr === undefined) return undefined;
  const mnemonic = fpCsr !== undefined ? r.def.mnemonic : KNOWN.get(r.def);
  if (mnemonic === undefined) return undefined;
  const rd = ((info >> 8) & 0xff) >> 1;
  return {
    def: r.def,
    mnemonic,
    raw,
    native: FP_MNEMONICS.has(mnemonic) && fpBitMove(raw, hasD),
    rd: rd === 32 ? 0 : rd,
    rs1: ((info >> 16) & 0xff) >> 1,
    rs2: (info >>> 24) >> 1,
    imm: cp.imm[slot]!,
    pc: cp.base + slot * 2,
    len,
    ...(fpCsr === undefined ? {} : { fpCsr }),
  };
}

/**
 * The blocks of the region entered at `entrySlot` (none when its first instruction is not
 * compiled here). With the hart's machine services, FP CSR accesses are compiled too.
 */
export function discoverRegion(isa: IsaRegistry, code: CodeLookup, cp: CodePage, entrySlot: number, machine?: MachineServices): RegionBlock[] {
  const blocks: RegionBlock[] = [];
  const seen = new Set<number>();
  const queue = [entrySlot];
  const hasD = isa.extensions.some((e) => e.letter === 'd');
  let total = 0;
  while (queue.length > 0 && blocks.length < MAX_BLOCKS && total < MAX_INSNS) {
    const first = queue.shift()!;
    if (seen.has(first)) continue;
    seen.add(first);
    const insns: Insn[] = [];
    let slot = first;
    while (insns.length < MAX_BLOCK && slot < SLOTS) {
      const insn = insnAt(isa, code, cp, slot, hasD, machine);
      if (insn === undefined) break;
      insns.push(insn);
      slot += insn.len >> 1;
      if (insn.def.control !== undefined) break;
    }
    if (insns.length === 0) continue;
    blocks.push({ start: cp.base + first * 2, insns });
    total += insns.length;
    const last = insns[insns.length - 1]!;
    const successors: number[] = [];
    if (last.def.control === 'direct') {
      successors.push(last.pc + last.imm);
      if (last.def.condition !== undefined) successors.push(last.pc + last.len);
    } else if (last.def.control === undefined) successors.push(last.pc + last.len);
    for (const target of successors) {
      const off = target - cp.base;
      if (off >= 0 && off < PAGE_BYTES && target !== last.pc) queue.push(off >> 1);
    }
  }
  return blocks;
}

/**
 * Emits one region function:
 *
 *     (entry: the registers the region uses, from linear memory into locals)
 *     block $exit
 *       loop $dispatch
 *         block … block  br_table(L_BLOCK)  end <block 0> … end <block n-1>
 *       end
 *     end
 *     (exit: the registers the region writes back to linear memory, LEFT; return L_NPC)
 *
 * Registers live in locals for the whole function: a branch between the region's blocks
 * moves no register, and every way out (a branch off the region, an indirect jump, a
 * budget that does not cover the next block, a halt, a store that leaves the fast path, an
 * access that faulted) sets L_NPC and branches to the one exit, which writes back every
 * register the region writes (each was loaded on entry, so one path's unwritten register
 * is written back unchanged).
 */
class Emitter {
  private readonly c = new Code();
  private readonly index = new Map<number, number>();
  /** Registers the region reads and writes. */
  private readonly used = new Set<number>();
  private readonly written = new Set<number>();
  /** Control nesting inside the current block's code (ifs). */
  private nest = 0;
  private blockIndex = 0;
  private n = 0;

  /**
   * The local of each register the region names (as few locals as registers: V8's baseline
   * compiler reconciles every local at each control-flow merge).
   */
  private readonly local = new Int32Array(32);
  /** How many register locals there are. */
  readonly registerLocals: number;
  /** How many f64 scratch locals the FP fast paths use (declared after the register locals). */
  fpScratch = 0;
  /** The region calls the FP unit (it imports fop, ffma, ftox, ffromx and fcsr). */
  usesUnit = false;

  constructor(
    private readonly blocks: readonly RegionBlock[],
    private readonly base: number,
    /** D is registered (the double fast paths apply). */
    private readonly hasD: boolean,
  ) {
    blocks.forEach((b, i) => this.index.set(b.start, i));
    let next = FIRST_REG_LOCAL;
    const name = (r: number): void => {
      if (r !== 0 && this.local[r] === 0) this.local[r] = next++;
    };
    for (const b of blocks) {
      for (const insn of b.insns) {
        if (FP_MNEMONICS.has(insn.mnemonic)) {
          // Only these name x registers; the other fields are f registers.
          if (FP_X_RS1.has(insn.mnemonic)) name(insn.rs1);
          if (insn.mnemonic === 'fp.to.x') name(insn.rd);
          continue;
        }
        if (!NO_RS1.has(insn.mnemonic)) name(insn.rs1);
        if (READS_RS2.has(insn.mnemonic)) name(insn.rs2);
        name(insn.rd);
      }
    }
    this.registerLocals = next - FIRST_REG_LOCAL;
  }

  private reg(r: number): number {
    const l = this.local[r]!;
    if (l === 0) throw new Error(`wasm tier: register x${r} has no local`);
    return l;
  }

  // ---------------------------------------------------------------- registers

  read(r: number): void {
    if (r === 0) this.c.i64(0);
    else {
      this.c.get(this.reg(r));
      this.used.add(r);
    }
  }

  /** Pops the value on the stack into rd (dropped for x0). */
  write(r: number): void {
    if (r === 0) {
      this.c.op(Op.drop);
      return;
    }
    this.c.set(this.reg(r));
    this.used.add(r);
    this.written.add(r);
  }

  // ---------------------------------------------------------------- exits

  /** Branch depth of the loop (a block of the region) and of the exit, from the current code. */
  private loopDepth(): number {
    return this.blocks.length - 1 - this.blockIndex + this.nest;
  }

  private exitDepth(): number {
    return this.loopDepth() + 1;
  }

  private setStop(reason: number): void {
    this.c.i32(0).i32(reason).mem(Op.i32Store, 2, this.base + STOP_OFFSET);
  }

  /** Leaves the function for the hub at `pc` (with `extraLeft` given back to the budget). */
  exitTo(pc: number, extraLeft = 0): void {
    const c = this.c;
    if (extraLeft !== 0) c.get(L_LEFT).i32(extraLeft).op(Op.i32Add).set(L_LEFT);
    c.f64(pc).set(L_NPC);
    c.br(this.exitDepth());
  }

  /** Ends the run with Halt at `pc` (the instruction there retired). */
  halt(pc: number): void {
    this.setStop(StopReason.Halt);
    this.exitTo(pc);
  }

  /** Continues at `pc`: a block of the region, or an exit. */
  goto(pc: number): void {
    const target = this.index.get(pc);
    if (target === undefined) {
      this.exitTo(pc);
      return;
    }
    this.c.i32(target).set(L_BLOCK);
    this.c.br(this.loopDepth());
  }

  /** Inside nested code: `emit` one level deeper. */
  private nested(emit: () => void): void {
    this.nest++;
    emit();
    this.nest--;
  }

  // ---------------------------------------------------------------- the function

  emit(): Code {
    const c = this.c;
    const count = this.blocks.length;
    c.i32(0).set(L_BLOCK);
    c.op(Op.block, VOID);
    c.op(Op.loop, VOID);
    for (let j = 0; j < count; j++) c.op(Op.block, VOID);
    c.get(L_BLOCK);
    c.op(Op.brTable);
    c.bytes.push(...uleb32(count));
    for (let j = 0; j < count; j++) c.bytes.push(...uleb32(j));
    c.bytes.push(...uleb32(count - 1));
    for (let j = 0; j < count; j++) {
      c.op(Op.end);
      this.block(j);
    }
    c.op(Op.end); // loop
    c.op(Op.unreachable);
    c.op(Op.end); // exit
    const base = this.base;
    // The exit: registers written back, the budget left, the next pc.
    for (const r of this.written) c.i32(0).get(this.reg(r)).mem(Op.i64Store, 3, base + REGS_OFFSET + 8 * r);
    c.i32(0).get(L_LEFT).mem(Op.i32Store, 2, base + LEFT_OFFSET);
    c.get(L_NPC);
    // The entry, now that the registers are known.
    const entry = new Code();
    for (const r of this.used) entry.i32(0).mem(Op.i64Load, 3, base + REGS_OFFSET + 8 * r).set(this.reg(r));
    entry.bytes.push(...c.bytes);
    return entry;
  }

  private block(j: number): void {
    const c = this.c;
    const b = this.blocks[j]!;
    this.blockIndex = j;
    this.nest = 0;
    const n = b.insns.length;
    this.n = n;
    // Budget: the whole block or none of it (the hub then returns to the dispatcher).
    c.get(L_LEFT).i32(n).op(Op.i32LtS).if();
    this.nested(() => {
      this.setStop(BUDGET_STOP);
      this.exitTo(b.start);
    });
    c.op(Op.end);
    c.get(L_LEFT).i32(n).op(Op.i32Sub).set(L_LEFT);
    for (let k = 0; k < n; k++) this.insn(b.insns[k]!, k, k === n - 1);
    const last = b.insns[n - 1]!;
    if (last.def.control === undefined) this.goto(last.pc + last.len);
  }

  /** The budget before instruction k (for a fault's bookkeeping). */
  private leftAt(k: number): void {
    this.c.get(L_LEFT).i32(this.n - k).op(Op.i32Add);
  }

  private address(insn: Insn): void {
    const c = this.c;
    this.read(insn.rs1);
    if (insn.imm !== 0) c.i64(insn.imm).op(Op.i64Add);
    c.set(L_A);
  }

  /** lo, hi of the address in L_A. */
  private addressWords(): void {
    this.c.get(L_A).op(Op.i32WrapI64).get(L_A).i64(32).op(Op.i64ShrU, Op.i32WrapI64);
  }

  /**
   * The linear TLB test of the address in L_A for an access of `size` bytes: leaves an i32
   * (1: the frame is in linear memory and may be accessed so), with the entry's index in
   * L_I (times 8).
   */
  private tlbHit(size: number, tags: number): void {
    const c = this.c;
    c.get(L_A).i64(12).op(Op.i64ShrU).tee(L_T);
    c.op(Op.i32WrapI64).i32(255).op(Op.i32And).i32(3).op(Op.i32Shl).tee(L_I);
    c.mem(Op.f64Load, 3, this.base + tags).get(L_T).op(Op.f64ConvertI64U, Op.f64Eq);
    if (size > 1) c.get(L_A).op(Op.i32WrapI64).i32(size - 1).op(Op.i32And, Op.i32Eqz, Op.i32And);
  }

  /** The linear address of the access: the frame's offset plus the page offset. */
  private linear(off: number): void {
    const c = this.c;
    c.get(L_I).i32(1).op(Op.i32ShrU).mem(Op.i32Load, 2, this.base + off);
    c.get(L_A).op(Op.i32WrapI64).i32(4095).op(Op.i32And, Op.i32Add);
  }

  /** A load of `size` bytes into rd, or into what `sink` does with the i64 on the stack. */
  private load(insn: Insn, k: number, size: number, signed: boolean, sink: () => void = () => this.write(insn.rd)): void {
    const c = this.c;
    this.address(insn);
    this.tlbHit(size, RLIN_OFFSET);
    c.if(I64);
    this.linear(ROFF_OFFSET);
    const ops: Record<number, [number, number, number]> = {
      1: [Op.i64Load8S, Op.i64Load8U, 0],
      2: [Op.i64Load16S, Op.i64Load16U, 1],
      4: [Op.i64Load32S, Op.i64Load32U, 2],
      8: [Op.i64Load, Op.i64Load, 3],
    };
    const [sOp, uOp, align] = ops[size]!;
    c.mem(signed ? sOp : uOp, align, 0);
    c.op(Op.else);
    this.nested(() => {
      // The port's slow path; a fault leaves by the exit (STOP set by the import).
      this.addressWords();
      c.i32(insn.pc);
      this.leftAt(k);
      c.call(F_LD[size]!);
      // (the next pc does not matter after a fault: the caller takes the faulting one)
      c.i32(0).mem(Op.i32Load, 2, this.base + STOP_OFFSET).brIf(this.exitDepth());
      if (size === 8) {
        c.i32(0).mem(Op.i64Load, 3, this.base + VALUE_OFFSET);
      } else {
        if (signed && size === 1) c.op(Op.i32Extend8S);
        if (signed && size === 2) c.op(Op.i32Extend16S);
        c.op(signed ? Op.i64ExtendI32S : Op.i64ExtendI32U);
      }
    });
    c.op(Op.end);
    sink();
  }

  /** A store of `size` bytes of rs2, or of the i64 that `value` pushes. */
  private store(insn: Insn, k: number, size: number, value: () => void = () => this.read(insn.rs2)): void {
    const c = this.c;
    this.address(insn);
    this.tlbHit(size, WLIN_OFFSET);
    c.if();
    this.linear(WOFF_OFFSET);
    value();
    const ops: Record<number, [number, number]> = { 1: [Op.i64Store8, 0], 2: [Op.i64Store16, 1], 4: [Op.i64Store32, 2], 8: [Op.i64Store, 3] };
    const [op, align] = ops[size]!;
    c.mem(op, align, 0);
    c.op(Op.else);
    this.nested(() => {
      this.addressWords();
      value();
      c.op(Op.i32WrapI64);
      if (size === 8) {
        value();
        c.i64(32).op(Op.i64ShrU, Op.i32WrapI64);
      }
      c.i32(insn.pc);
      this.leftAt(k);
      c.call(F_ST[size]!);
      // Nonzero: the store left the fast path (it may have written code), a hook asked to
      // stop after it, or it faulted (the import has set STOP for the last two). Leave the
      // region right after it in any case.
      c.if();
      this.nested(() => this.exitTo(insn.pc + insn.len, this.n - k - 1));
      c.op(Op.end);
    });
    c.op(Op.end);
  }

  /** rd = f(rs1, imm) on i64. */
  private immOp(insn: Insn, op: number, imm: bigint | number = insn.imm): void {
    this.read(insn.rs1);
    this.c.i64(imm).op(op);
    this.write(insn.rd);
  }

  private regOp(insn: Insn, op: number): void {
    this.read(insn.rs1);
    this.read(insn.rs2);
    this.c.op(op);
    this.write(insn.rd);
  }

  /** rd = sext32(f(rs1 as i32, x as i32)). */
  private wordOp(insn: Insn, op: number, imm?: number): void {
    const c = this.c;
    this.read(insn.rs1);
    c.op(Op.i32WrapI64);
    if (imm === undefined) {
      this.read(insn.rs2);
      c.op(Op.i32WrapI64);
    } else c.i32(imm);
    c.op(op, Op.i64ExtendI32S);
    this.write(insn.rd);
  }

  private compare(insn: Insn, op: number, withImm: boolean): void {
    this.read(insn.rs1);
    if (withImm) this.c.i64(insn.imm);
    else this.read(insn.rs2);
    this.c.op(op, Op.i64ExtendI32U);
    this.write(insn.rd);
  }

  /** Division with RISC-V's results for x/0 and overflow (no traps). */
  private divide(insn: Insn, op: number, word: boolean): void {
    const c = this.c;
    const signed = op === Op.i64DivS || op === Op.i64RemS;
    const rem = op === Op.i64RemS || op === Op.i64RemU;
    const ty = word ? I32 : I64;
    // a in L_T, b in L_U (as i64; words are sign-extended i32 values).
    this.read(insn.rs1);
    if (word) c.op(Op.i32WrapI64, Op.i64ExtendI32S);
    c.set(L_T);
    this.read(insn.rs2);
    if (word) c.op(Op.i32WrapI64, Op.i64ExtendI32S);
    c.set(L_U);
    const operand = (local: number): void => {
      c.get(local);
      if (word) c.op(Op.i32WrapI64);
    };
    operand(L_U);
    c.op(word ? Op.i32Eqz : Op.i64Eqz).if(ty);
    if (rem) operand(L_T);
    else if (word) c.i32(-1);
    else c.i64(-1);
    c.op(Op.else);
    if (signed && !rem) {
      // x / -1 = -x, wrapping (MIN / -1 = MIN, where wasm would trap).
      operand(L_U);
      if (word) c.i32(-1).op(Op.i32Eq);
      else c.i64(-1).op(Op.i64Eq);
      c.if(ty);
      if (word) c.i32(0);
      else c.i64(0);
      operand(L_T);
      c.op(word ? Op.i32Sub : Op.i64Sub);
      c.op(Op.else);
      operand(L_T);
      operand(L_U);
      c.op(word ? Op.i32DivS : Op.i64DivS);
      c.op(Op.end);
    } else {
      operand(L_T);
      operand(L_U);
      const wordOps: Record<number, number> = { [Op.i64DivU]: Op.i32DivU, [Op.i64RemS]: Op.i32RemS, [Op.i64RemU]: Op.i32RemU };
      c.op(word ? wordOps[op]! : op);
    }
    c.op(Op.end);
    if (word) c.op(Op.i64ExtendI32S);
    this.write(insn.rd);
  }

  /** The high 64 bits of rs1 * rs2 (signedness per operand). */
  private mulh(insn: Insn, signed1: boolean, signed2: boolean): void {
    const c = this.c;
    this.read(insn.rs1);
    c.set(L_T);
    this.read(insn.rs2);
    c.set(L_U);
    c.get(L_T).get(L_U).call(F_MULHU);
    // Signed operands: subtract the other operand where one is negative.
    if (signed1) {
      c.get(L_U).i64(0).get(L_T).i64(0).op(Op.i64LtS, Op.select, Op.i64Sub);
    }
    if (signed2) {
      c.get(L_T).i64(0).get(L_U).i64(0).op(Op.i64LtS, Op.select, Op.i64Sub);
    }
    this.write(insn.rd);
  }

  // ---------------------------------------------------------------- F and D

  /** The linear-memory offset of f register `r` (its low word; the high word is 4 on). */
  private freg(r: number): number {
    return this.base + FREGS_OFFSET + 8 * r;
  }

  /** Pushes f register `r` (i64 bits). */
  private readF(r: number): void {
    this.c.i32(0).mem(Op.i64Load, 3, this.freg(r));
  }

  /** Pops an i64 into f register `r` (through L_T: the store wants the address first). */
  private writeF(r: number): void {
    this.c.set(L_T).i32(0).get(L_T).mem(Op.i64Store, 3, this.freg(r));
  }

  /** Pushes f register `r` as a single (i32): its low word if NaN-boxed, else the canonical NaN. */
  private unboxed(r: number): void {
    const c = this.c;
    c.i32(0).mem(Op.i32Load, 2, this.freg(r)).i32(0x7fc00000);
    c.i32(0).mem(Op.i32Load, 2, this.freg(r) + 4).i32(-1).op(Op.i32Eq, Op.select);
  }

  /** fsgnj/fsgnjn/fsgnjx: rs1's magnitude with the sign from rs2, its inverse, or their xor. */
  private signInjection(insn: Insn): void {
    const c = this.c;
    const raw = insn.raw;
    const rd = (raw >>> 7) & 31;
    const rs1 = (raw >>> 15) & 31;
    const rs2 = (raw >>> 20) & 31;
    const f3 = (raw >>> 12) & 7;
    if ((raw & 0x02000000) !== 0) {
      this.readF(rs1);
      c.i64(0x7fffffffffffffffn).op(Op.i64And);
      this.readF(rs2);
      if (f3 === 1) c.i64(-1).op(Op.i64Xor);
      else if (f3 === 2) {
        this.readF(rs1);
        c.op(Op.i64Xor);
      }
      c.i64(-0x8000000000000000n).op(Op.i64And, Op.i64Or);
      this.writeF(rd);
      return;
    }
    c.i32(0);
    this.unboxed(rs1);
    c.i32(0x7fffffff).op(Op.i32And);
    this.unboxed(rs2);
    if (f3 === 1) c.i32(-1).op(Op.i32Xor);
    else if (f3 === 2) {
      this.unboxed(rs1);
      c.op(Op.i32Xor);
    }
    c.i32(0x80000000 | 0).op(Op.i32And, Op.i32Or);
    c.mem(Op.i32Store, 2, this.freg(rd));
    c.i32(0).i32(-1).mem(Op.i32Store, 2, this.freg(rd) + 4);
  }

  /** fmv.x.w (the low word, sign-extended) / fmv.x.d into x rd. */
  private moveToX(insn: Insn): void {
    const rs1 = (insn.raw >>> 15) & 31;
    this.c.i32(0).mem((insn.raw & 0x02000000) !== 0 ? Op.i64Load : Op.i64Load32S, (insn.raw & 0x02000000) !== 0 ? 3 : 2, this.freg(rs1));
    this.write(insn.rd);
  }

  /** fmv.w.x (NaN-boxed) / fmv.d.x from x rs1. */
  private moveFromX(insn: Insn): void {
    const c = this.c;
    const rd = (insn.raw >>> 7) & 31;
    if ((insn.raw & 0x02000000) !== 0) {
      this.read(insn.rs1);
      this.writeF(rd);
      return;
    }
    c.i32(0);
    this.read(insn.rs1);
    c.op(Op.i32WrapI64).mem(Op.i32Store, 2, this.freg(rd));
    c.i32(0).i32(-1).mem(Op.i32Store, 2, this.freg(rd) + 4);
  }

  /** f64 scratch local j of the FP fast paths (after the register locals; declared only when used). */
  private fl(j: number): number {
    if (j + 1 > this.fpScratch) this.fpScratch = j + 1;
    return FIRST_REG_LOCAL + this.registerLocals + j;
  }

  /** Pushes whether min < |local| < max (false for a NaN). */
  private within(local: number, min: number, max: number): void {
    this.c.get(local).op(Op.f64Abs).f64(min).op(Op.f64Gt).get(local).op(Op.f64Abs).f64(max).op(Op.f64Lt, Op.i32And);
  }

  /** Pushes the rounding error of a × b given p = fl(a × b) (Dekker's TwoProduct: FpUnit's productError, op for op). */
  private productError(a: number, b: number, p: number): void {
    const c = this.c;
    const [T, AH, AL, BH, BL] = [this.fl(4), this.fl(5), this.fl(6), this.fl(7), this.fl(8)];
    c.f64(FAST_PATH.SPLIT).get(a).op(Op.f64Mul).set(T);
    c.get(T).get(T).get(a).op(Op.f64Sub, Op.f64Sub).set(AH);
    c.get(a).get(AH).op(Op.f64Sub).set(AL);
    c.f64(FAST_PATH.SPLIT).get(b).op(Op.f64Mul).set(T);
    c.get(T).get(T).get(b).op(Op.f64Sub, Op.f64Sub).set(BH);
    c.get(b).get(BH).op(Op.f64Sub).set(BL);
    c.get(AH).get(BH).op(Op.f64Mul).get(p).op(Op.f64Sub);
    c.get(AH).get(BL).op(Op.f64Mul, Op.f64Add);
    c.get(AL).get(BH).op(Op.f64Mul, Op.f64Add);
    c.get(AL).get(BL).op(Op.f64Mul, Op.f64Add);
  }

  /** FFLAGS |= the i32 that `value` pushes. */
  private accrue(value: () => void): void {
    const c = this.c;
    c.i32(0).i32(0).mem(Op.i32Load, 2, this.base + FFLAGS_OFFSET);
    value();
    c.op(Op.i32Or).mem(Op.i32Store, 2, this.base + FFLAGS_OFFSET);
  }

  /**
   * The double fast path of `fast` (FpUnit.fast or fastFma, emitted by `body`, which
   * branches to depth `slow()` to give up), else the unit through `fn`:
   *
   *     block $done  block $slow  [frm = RNE?]  body  br $done  end  call the unit  end
   */
  private withFastPath(insn: Insn, k: number, fn: number, body: (slow: () => number) => void): void {
    const c = this.c;
    const nestAtSlow = this.nest + 2;
    c.op(Op.block, VOID);
    this.nested(() => {
      c.op(Op.block, VOID);
      this.nested(() => {
        // Dynamic rounding: the fast path is round-to-nearest-even only.
        if (((insn.raw >>> 12) & 7) === 7) c.i32(0).mem(Op.i32Load, 2, this.base + FRM_OFFSET).brIf(0);
        body(() => this.nest - nestAtSlow);
        c.br(1);
      });
      c.op(Op.end);
      this.unitCall(insn, k, fn);
    });
    c.op(Op.end);
  }

  /** Whether FpUnit.fast / fastFma applies to this word's kind at all (doubles, RNE or dyn). */
  private static fastDouble(raw: number, fused: boolean, hasD: boolean): boolean {
    const rm = (raw >>> 12) & 7;
    if (!hasD || (raw & 0x06000000) !== 0x02000000 || (rm !== 0 && rm !== 7)) return false;
    if (fused) return true;
    const f5 = raw >>> 27;
    return f5 <= 3 || (f5 === 0x0b && ((raw >>> 20) & 31) === 0);
  }

  /** Whether FpUnit.fast's single branch applies (fadd/fsub/fmul/fdiv/fsqrt.s, RNE or dyn). */
  private static fastSingle(raw: number): boolean {
    const rm = (raw >>> 12) & 7;
    if ((raw & 0x06000000) !== 0 || (rm !== 0 && rm !== 7)) return false;
    const f5 = raw >>> 27;
    return f5 <= 3 || (f5 === 0x0b && ((raw >>> 20) & 31) === 0);
  }

  /**
   * fadd/fsub/fmul/fdiv/fsqrt.s in RNE: FpUnit.fast's single branch (NaN-boxed normal
   * operands; the operation in double, then rounded to single: correctly rounded for
   * these operations; NX from the same exact tests).
   */
  private fastArithS(insn: Insn, k: number): void {
    const c = this.c;
    const raw = insn.raw;
    const f5 = raw >>> 27;
    const rs1 = (raw >>> 15) & 31;
    const rs2 = (raw >>> 20) & 31;
    const [A, B, Y, R, D, BB] = [this.fl(0), this.fl(1), this.fl(2), this.fl(3), this.fl(9), this.fl(16)];
    const MIN_S = 2 ** -126;
    this.withFastPath(insn, k, F_FOP, (slow) => {
      // Both operands NaN-boxed (else the unit: they read as the canonical NaN).
      c.i32(0).mem(Op.i32Load, 2, this.freg(rs1) + 4).i32(-1).op(Op.i32Ne);
      if (f5 !== 0x0b) c.i32(0).mem(Op.i32Load, 2, this.freg(rs2) + 4).i32(-1).op(Op.i32Ne, Op.i32Or);
      c.brIf(slow());
      c.i32(0).mem(Op.f32Load, 2, this.freg(rs1)).op(Op.f64PromoteF32).set(A);
      if (f5 === 0x0b) c.f64(1).set(B);
      else c.i32(0).mem(Op.f32Load, 2, this.freg(rs2)).op(Op.f64PromoteF32).set(B);
      // MIN_S <= |a|, |b| < Infinity
      for (const x of [A, B]) c.get(x).op(Op.f64Abs).f64(MIN_S).op(Op.f64Ge).get(x).op(Op.f64Abs).f64(Infinity).op(Op.f64Lt, Op.i32And);
      c.op(Op.i32And, Op.i32Eqz).brIf(slow());
      if (f5 === 0x0b) c.get(A).f64(0).op(Op.f64Lt).brIf(slow());
      c.get(A);
      if (f5 !== 0x0b) c.get(B);
      c.op([Op.f64Add, Op.f64Sub, Op.f64Mul, Op.f64Div][f5] ?? Op.f64Sqrt).set(D);
      c.get(D).op(Op.f32DemoteF64, Op.f64PromoteF32).set(R);
      // Strictly above the smallest normal (a result of exactly 2^-126 may be tiny after rounding).
      c.get(R).op(Op.f64Abs).f64(MIN_S).op(Op.f64Gt, Op.i32Eqz).brIf(slow());
      if (f5 <= 1) {
        // y = ±b; bb = d - a; inexact = r !== d || a - (d - bb) + (y - bb) !== 0
        c.get(B);
        if (f5 === 1) c.op(Op.f64Neg);
        c.set(Y);
        c.get(D).get(A).op(Op.f64Sub).set(BB);
        c.get(R).get(D).op(Op.f64Ne);
        c.get(A).get(D).get(BB).op(Op.f64Sub, Op.f64Sub).get(Y).get(BB).op(Op.f64Sub, Op.f64Add).f64(0).op(Op.f64Ne, Op.i32Or);
      } else if (f5 === 2) c.get(R).get(D).op(Op.f64Ne);
      else if (f5 === 3) c.get(R).get(B).op(Op.f64Mul).get(A).op(Op.f64Ne);
      else c.get(R).get(R).op(Op.f64Mul).get(A).op(Op.f64Ne);
      c.set(L_I);
      // Infinity: OF | NX; else NX if inexact.
      this.accrue(() => c.i32(5).get(L_I).get(R).op(Op.f64Abs).f64(Infinity).op(Op.f64Eq, Op.select));
      c.i32(0).get(R).op(Op.f32DemoteF64).mem(Op.f32Store, 2, this.freg((raw >>> 7) & 31));
      c.i32(0).i32(-1).mem(Op.i32Store, 2, this.freg((raw >>> 7) & 31) + 4);
    });
  }

  /** fadd/fsub/fmul/fdiv/fsqrt.d in RNE: FpUnit.fast's double branch. */
  private fastArith(insn: Insn, k: number): void {
    const c = this.c;
    const raw = insn.raw;
    const f5 = raw >>> 27;
    const [A, B, R, P, BB] = [this.fl(0), this.fl(1), this.fl(3), this.fl(9), this.fl(16)];
    this.withFastPath(insn, k, F_FOP, (slow) => {
      c.i32(0).mem(Op.f64Load, 3, this.freg((raw >>> 15) & 31)).set(A);
      if (f5 === 0x0b) c.f64(1).set(B);
      else c.i32(0).mem(Op.f64Load, 3, this.freg((raw >>> 20) & 31)).set(B);
      this.within(A, FAST_PATH.MIN_D, FAST_PATH.MAX);
      this.within(B, FAST_PATH.MIN_D, FAST_PATH.MAX);
      c.op(Op.i32And, Op.i32Eqz).brIf(slow());
      switch (f5) {
        case 0:
        case 1:
          // y = ±b; r = a + y; bb = r - a; inexact = a - (r - bb) + (y - bb) !== 0
          if (f5 === 1) c.get(B).op(Op.f64Neg).set(B);
          c.get(A).get(B).op(Op.f64Add).set(R);
          c.get(R).get(A).op(Op.f64Sub).set(BB);
          c.get(A).get(R).get(BB).op(Op.f64Sub, Op.f64Sub).get(B).get(BB).op(Op.f64Sub, Op.f64Add).f64(0).op(Op.f64Ne).set(L_I);
          break;
        case 2:
          c.get(A).get(B).op(Op.f64Mul).set(R);
          this.productError(A, B, R);
          c.f64(0).op(Op.f64Ne).set(L_I);
          break;
        case 3:
          // inexact = r * b !== a || productError(r, b, r * b) !== 0
          c.get(A).get(B).op(Op.f64Div).set(R);
          c.get(R).get(B).op(Op.f64Mul).set(P);
          c.get(P).get(A).op(Op.f64Ne);
          this.productError(R, B, P);
          c.f64(0).op(Op.f64Ne, Op.i32Or).set(L_I);
          break;
        default:
          // sqrt: a < 0 takes the software path; inexact = r * r !== a || productError(r, r, r * r) !== 0
          c.get(A).f64(0).op(Op.f64Lt).brIf(slow());
          c.get(A).op(Op.f64Sqrt).set(R);
          c.get(R).get(R).op(Op.f64Mul).set(P);
          c.get(P).get(A).op(Op.f64Ne);
          this.productError(R, R, P);
          c.f64(0).op(Op.f64Ne, Op.i32Or).set(L_I);
      }
      // An overflow to infinity: OF | NX; a result well inside the range: NX if inexact; else the unit.
      c.get(R).op(Op.f64Abs).f64(Infinity).op(Op.f64Eq).if();
      this.nested(() => this.accrue(() => c.i32(5)));
      c.op(Op.else);
      this.nested(() => {
        this.within(R, FAST_PATH.MIN_D, FAST_PATH.MAX);
        c.op(Op.i32Eqz).brIf(slow());
        this.accrue(() => c.get(L_I));
      });
      c.op(Op.end);
      c.i32(0).get(R).mem(Op.f64Store, 3, this.freg((raw >>> 7) & 31));
    });
  }

  /** fmadd/fmsub/fnmsub/fnmadd.d in RNE: FpUnit.fastFma's double branch (TwoProduct, TwoSum, rounding to odd). */
  private fastFused(insn: Insn, k: number): void {
    const c = this.c;
    const raw = insn.raw;
    const kind = (raw >>> 2) & 3;
    const [A, B, C, R] = [this.fl(0), this.fl(1), this.fl(2), this.fl(3)];
    const [UH, UL, TH, TL, S, SE, V, BB] = [this.fl(9), this.fl(10), this.fl(11), this.fl(12), this.fl(13), this.fl(14), this.fl(15), this.fl(16)];
    const MIN = FAST_PATH.FMA_MIN_D;
    const MAX = FAST_PATH.MAX;
    this.withFastPath(insn, k, F_FFMA, (slow) => {
      c.i32(0).mem(Op.f64Load, 3, this.freg((raw >>> 15) & 31));
      if (kind >= 2) c.op(Op.f64Neg);
      c.set(A);
      c.i32(0).mem(Op.f64Load, 3, this.freg((raw >>> 20) & 31)).set(B);
      c.i32(0).mem(Op.f64Load, 3, this.freg(raw >>> 27));
      if (kind === 1 || kind === 3) c.op(Op.f64Neg);
      c.set(C);
      // MIN < |a|, |b| < MAX; |c| < MAX and (c = 0 or |c| > MIN)
      this.within(A, MIN, MAX);
      this.within(B, MIN, MAX);
      c.op(Op.i32And);
      c.get(C).op(Op.f64Abs).f64(MAX).op(Op.f64Lt, Op.i32And);
      c.get(C).op(Op.f64Abs).f64(0).op(Op.f64Eq).get(C).op(Op.f64Abs).f64(MIN).op(Op.f64Gt, Op.i32Or, Op.i32And);
      c.op(Op.i32Eqz).brIf(slow());
      // uh = a * b (well inside the range), ul its error
      c.get(A).get(B).op(Op.f64Mul).set(UH);
      this.within(UH, MIN, MAX);
      c.op(Op.i32Eqz).brIf(slow());
      this.productError(A, B, UH);
      c.set(UL);
      // th + tl = c + uh exactly (TwoSum)
      c.get(C).get(UH).op(Op.f64Add).set(TH);
      c.get(TH).get(C).op(Op.f64Sub).set(BB);
      c.get(C).get(TH).get(BB).op(Op.f64Sub, Op.f64Sub).get(UH).get(BB).op(Op.f64Sub, Op.f64Add).set(TL);
      // s + se = tl + ul exactly
      c.get(TL).get(UL).op(Op.f64Add).set(S);
      c.get(S).get(TL).op(Op.f64Sub).set(BB);
      c.get(TL).get(S).get(BB).op(Op.f64Sub, Op.f64Sub).get(UL).get(BB).op(Op.f64Sub, Op.f64Add).set(SE);
      // v = s rounded to odd: s if exact or odd, else one ulp toward the exact value
      c.get(SE).f64(0).op(Op.f64Eq).if(F64);
      c.get(S);
      c.op(Op.else);
      c.get(S).op(Op.i64ReinterpretF64).set(L_T);
      c.get(L_T).i64(1).op(Op.i64And, Op.i64Eqz).if(F64);
      c.get(L_T).i64(1).i64(-1);
      c.get(SE).f64(0).op(Op.f64Gt).get(S).f64(0).op(Op.f64Gt, Op.i32Eq, Op.select, Op.i64Add, Op.f64ReinterpretI64);
      c.op(Op.else);
      c.get(S);
      c.op(Op.end);
      c.op(Op.end);
      c.set(V);
      // v !== 0 && !(|v| > MIN): the unit
      c.get(V).f64(0).op(Op.f64Ne).get(V).op(Op.f64Abs).f64(MIN).op(Op.f64Gt, Op.i32Eqz, Op.i32And).brIf(slow());
      // r = th + v; inexact = se !== 0 || th - (r - bb) + (v - bb) !== 0
      c.get(TH).get(V).op(Op.f64Add).set(R);
      c.get(R).get(TH).op(Op.f64Sub).set(BB);
      c.get(SE).f64(0).op(Op.f64Ne);
      c.get(TH).get(R).get(BB).op(Op.f64Sub, Op.f64Sub).get(V).get(BB).op(Op.f64Sub, Op.f64Add).f64(0).op(Op.f64Ne, Op.i32Or).set(L_I);
      this.within(R, MIN, MAX);
      c.op(Op.i32Eqz).brIf(slow());
      this.accrue(() => c.get(L_I));
      c.i32(0).get(R).mem(Op.f64Store, 3, this.freg((raw >>> 7) & 31));
    });
  }

  /**
   * A call of the FP unit (import `fn`: fop, ffma, ftox) with the bits, pc and budget
   * before the instruction; a throw inside (an illegal instruction) leaves by the exit.
   */
  private unitCall(insn: Insn, k: number, fn: number, operands: () => void = () => {}): void {
    const c = this.c;
    this.usesUnit = true;
    c.i32(insn.raw | 0);
    operands();
    c.i32(insn.pc);
    this.leftAt(k);
    c.call(fn).brIf(this.exitDepth());
  }

  private fp(insn: Insn, k: number): void {
    switch (insn.mnemonic) {
      case 'flw':
        // Zero-extended, then NaN-boxed.
        return this.load(insn, k, 4, false, () => {
          this.c.i64(-0x100000000n).op(Op.i64Or);
          this.writeF(insn.rd);
        });
      case 'fld':
        return this.load(insn, k, 8, false, () => this.writeF(insn.rd));
      case 'fsw':
      case 'fsd':
        return this.store(insn, k, insn.mnemonic === 'fsw' ? 4 : 8, () => this.readF(insn.rs2));
      case 'fp.arith':
        if (insn.native) return this.signInjection(insn);
        if (Emitter.fastDouble(insn.raw, false, this.hasD)) return this.fastArith(insn, k);
        if (Emitter.fastSingle(insn.raw)) return this.fastArithS(insn, k);
        return this.unitCall(insn, k, F_FOP);
      case 'fp.to.x':
        if (insn.native) return this.moveToX(insn);
        this.unitCall(insn, k, F_FTOX);
        this.c.i32(0).mem(Op.i64Load, 3, this.base + VALUE_OFFSET);
        return this.write(insn.rd);
      case 'fp.from.x':
        if (insn.native) return this.moveFromX(insn);
        return this.unitCall(insn, k, F_FFROMX, () => {
          this.read(insn.rs1);
          this.c.op(Op.i32WrapI64);
          this.read(insn.rs1);
          this.c.i64(32).op(Op.i64ShrU, Op.i32WrapI64);
        });
      default:
        // fmadd, fmsub, fnmsub, fnmadd
        if (Emitter.fastDouble(insn.raw, true, this.hasD)) return this.fastFused(insn, k);
        return this.unitCall(insn, k, F_FFMA);
    }
  }

  private insn(insn: Insn, k: number, last: boolean): void {
    const c = this.c;
    const { rd, imm, pc, len } = insn;
    if (FP_MNEMONICS.has(insn.mnemonic)) return this.fp(insn, k);
    if (insn.fpCsr !== undefined) {
      const a = insn.fpCsr;
      c.i32(a.op).i32(a.csr);
      if (a.immediate) c.i32(a.field);
      else {
        this.read(insn.rs1);
        c.op(Op.i32WrapI64);
      }
      c.i32(a.writes ? 1 : 0).call(F_FCSR).op(Op.i64ExtendI32U);
      this.usesUnit = true;
      return this.write(rd);
    }
    switch (insn.mnemonic) {
      case 'lb': return this.load(insn, k, 1, true);
      case 'lh': return this.load(insn, k, 2, true);
      case 'lw': return this.load(insn, k, 4, true);
      case 'ld': return this.load(insn, k, 8, true);
      case 'lbu': return this.load(insn, k, 1, false);
      case 'lhu': return this.load(insn, k, 2, false);
      case 'lwu': return this.load(insn, k, 4, false);
      case 'sb': return this.store(insn, k, 1);
      case 'sh': return this.store(insn, k, 2);
      case 'sw': return this.store(insn, k, 4);
      case 'sd': return this.store(insn, k, 8);
      case 'jal': {
        c.i64(pc + len);
        this.write(rd);
        if (imm === 0) this.halt(pc);
        else this.goto(pc + imm);
        return;
      }
      case 'jalr': {
        this.read(insn.rs1);
        if (imm !== 0) c.i64(imm).op(Op.i64Add);
        c.i64(-2).op(Op.i64And).set(L_A);
        c.i64(pc + len);
        this.write(rd);
        c.get(L_A).i64(pc).op(Op.i64Eq).if();
        this.nested(() => this.halt(pc));
        c.op(Op.end);
        // A target that starts one of the region's blocks (a switch's jump table, a return
        // into the same page) stays in the region.
        for (const start of this.index.keys()) {
          c.get(L_A).i64(start).op(Op.i64Eq).if();
          this.nested(() => this.goto(start));
          c.op(Op.end);
        }
        c.get(L_A).op(Op.f64ConvertI64U).set(L_NPC);
        c.br(this.exitDepth());
        return;
      }
      case 'beq': case 'bne': case 'blt': case 'bge': case 'bltu': case 'bgeu': {
        const ops: Record<string, number> = { beq: Op.i64Eq, bne: Op.i64Ne, blt: Op.i64LtS, bge: Op.i64GeS, bltu: Op.i64LtU, bgeu: Op.i64GeU };
        this.read(insn.rs1);
        this.read(insn.rs2);
        c.op(ops[insn.mnemonic]!);
        c.if();
        this.nested(() => {
          if (imm === 0) this.halt(pc);
          else this.goto(pc + imm);
        });
        c.op(Op.end);
        this.goto(pc + len);
        return;
      }
      case 'fence': return;
      default:
        break;
    }
    if (last && insn.def.control !== undefined) throw new Error(`wasm tier: unhandled control instruction ${insn.mnemonic}`);
    if (rd === 0) return; // no effect: a hint or a nop
    switch (insn.mnemonic) {
      case 'lui': c.i64(imm); return this.write(rd);
      case 'auipc': c.i64(BigInt(pc) + BigInt(imm)); return this.write(rd);
      case 'addi': return this.immOp(insn, Op.i64Add);
      case 'slti': return this.compare(insn, Op.i64LtS, true);
      case 'sltiu': return this.compare(insn, Op.i64LtU, true);
      case 'xori': return this.immOp(insn, Op.i64Xor);
      case 'ori': return this.immOp(insn, Op.i64Or);
      case 'andi': return this.immOp(insn, Op.i64And);
      case 'slli': return this.immOp(insn, Op.i64Shl, imm & 63);
      case 'srli': return this.immOp(insn, Op.i64ShrU, imm & 63);
      case 'srai': return this.immOp(insn, Op.i64ShrS, imm & 63);
      case 'add': return this.regOp(insn, Op.i64Add);
      case 'sub': return this.regOp(insn, Op.i64Sub);
      case 'sll': return this.regOp(insn, Op.i64Shl);
      case 'slt': return this.compare(insn, Op.i64LtS, false);
      case 'sltu': return this.compare(insn, Op.i64LtU, false);
      case 'xor': return this.regOp(insn, Op.i64Xor);
      case 'srl': return this.regOp(insn, Op.i64ShrU);
      case 'sra': return this.regOp(insn, Op.i64ShrS);
      case 'or': return this.regOp(insn, Op.i64Or);
      case 'and': return this.regOp(insn, Op.i64And);
      case 'addiw': return this.wordOp(insn, Op.i32Add, imm);
      case 'slliw': return this.wordOp(insn, Op.i32Shl, imm & 31);
      case 'srliw': return this.wordOp(insn, Op.i32ShrU, imm & 31);
      case 'sraiw': return this.wordOp(insn, Op.i32ShrS, imm & 31);
      case 'addw': return this.wordOp(insn, Op.i32Add);
      case 'subw': return this.wordOp(insn, Op.i32Sub);
      case 'sllw': return this.wordOp(insn, Op.i32Shl);
      case 'srlw': return this.wordOp(insn, Op.i32ShrU);
      case 'sraw': return this.wordOp(insn, Op.i32ShrS);
      case 'mul': return this.regOp(insn, Op.i64Mul);
      case 'mulw': return this.wordOp(insn, Op.i32Mul);
      case 'mulh': return this.mulh(insn, true, true);
      case 'mulhsu': return this.mulh(insn, true, false);
      case 'mulhu': return this.mulh(insn, false, false);
      case 'div': return this.divide(insn, Op.i64DivS, false);
      case 'divu': return this.divide(insn, Op.i64DivU, false);
      case 'rem': return this.divide(insn, Op.i64RemS, false);
      case 'remu': return this.divide(insn, Op.i64RemU, false);
      case 'divw': return this.divide(insn, Op.i64DivS, true);
      case 'divuw': return this.divide(insn, Op.i64DivU, true);
      case 'remw': return this.divide(insn, Op.i64RemS, true);
      case 'remuw': return this.divide(insn, Op.i64RemU, true);
      default:
        throw new Error(`wasm tier: no translation for ${insn.mnemonic}`);
    }
  }
}

function uleb32(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return out;
}

/** mulhu(a, b): the high 64 bits of the unsigned 128-bit product, by 32-bit halves. */
export function mulhuFunction(): ModuleFunction {
  const c = new Code();
  // params 0 a, 1 b; locals 2 ll, 3 lh, 4 hl, 5 hh, 6 mid
  const M = 0xffffffffn;
  const lo = (x: number): void => void c.get(x).i64(M).op(Op.i64And);
  const hi = (x: number): void => void c.get(x).i64(32).op(Op.i64ShrU);
  lo(0); lo(1); c.op(Op.i64Mul).set(2);
  lo(0); hi(1); c.op(Op.i64Mul).set(3);
  hi(0); lo(1); c.op(Op.i64Mul).set(4);
  hi(0); hi(1); c.op(Op.i64Mul).set(5);
  // mid = (ll >> 32) + (lh & M) + (hl & M)
  hi(2); lo(3); c.op(Op.i64Add); lo(4); c.op(Op.i64Add).set(6);
  // hh + (lh >> 32) + (hl >> 32) + (mid >> 32)
  c.get(5); hi(3); c.op(Op.i64Add); hi(4); c.op(Op.i64Add); hi(6); c.op(Op.i64Add);
  return { type: MULHU_TYPE, locals: [I64, I64, I64, I64, I64], code: c };
}

/** The module of a region: exports `run(left) -> next pc` (see the file doc). */
export function regionModule(blocks: readonly RegionBlock[], base: number, hasD = true): Uint8Array {
  const emitter = new Emitter(blocks, base, hasD);
  const code = emitter.emit();
  const locals = [I32, I64, I64, I64, I32, F64, ...new Array<number>(emitter.registerLocals).fill(I64), ...new Array<number>(emitter.fpScratch).fill(F64)];
  return encodeModule(
    MEMORY_PAGES,
    [
      ...IMPORTS.slice(0, MEMORY_IMPORTS).map((name, i) => ({ name, type: IMPORT_TYPES[i]! })),
      { name: 'mulhu', type: MULHU_TYPE },
      ...(emitter.usesUnit ? IMPORTS.slice(MEMORY_IMPORTS).map((name, i) => ({ name, type: IMPORT_TYPES[MEMORY_IMPORTS + i]! })) : []),
    ],
    [{ type: { params: [I32], results: [F64] }, locals, code, export: 'run' }],
  );
}

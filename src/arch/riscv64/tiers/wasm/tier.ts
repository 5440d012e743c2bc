/**
 * The WebAssembly tier: hot regions of guest code (see compile.ts) become wasm functions,
 * emitted as binary modules at run time; the interpreter runs what no region covers
 * (system and platform instructions, cold code), and an observed run is the js tier's
 * altogether (its observing variants), so every seam behaves as on 'js'.
 *
 * Regions pass control to each other inside WebAssembly, through the hub (hub.ts): the JS
 * dispatcher enters it at a region and gets control back only where the hub's cache misses
 * (cold code, a region not yet in the cache), a region stops, or the budget is used up. The
 * cache is cleared whenever the code cache forgets compiled blocks, so no stale region runs.
 * There is no `try` per region: one that throws has already left the faulting
 * instruction's pc and the budget before it for the catch around the hub.
 *
 * Guest memory stays in the memory port's page frames: loads and stores call back into
 * JS (the port's TLB fast path, then its slow path with permissions, windows and faults).
 * The tier's own linear memory is a 128 KiB area per hart (registers, the call protocol's
 * scratch words, the TLB and the hub's cache), a fixed cost that no guest footprint changes.
 *
 * F and D: the f registers move into the tier area too (HartState.f and the FP unit's views
 * follow), so regions do FP loads, stores and bit moves themselves; the rest calls the
 * FP unit through the imports below, which catch what it throws (an illegal instruction)
 * as the memory slow paths do. An exception taken in machine mode continues at its
 * handler, as in the interpreter.
 */
import { MemoryFault } from '../../../memory/types.js';
import { Block, type CodePage, INTERPRET_ONE, SLOTS } from '../../code-cache.js';
import type { IsaRegistry } from '../../isa/registry.js';
import type { MemoryPort } from '../../memory-port.js';
import type { InstructionObserver } from '../../observer.js';
import type { FpUnit } from '../../fpu/unit.js';
import type { HartState } from '../../state.js';
import { type InterpretFn, interpreterFor } from '../interpreter.js';
import { type BlockStore, JsTier, type JsTierOptions, type RunBlock } from '../js-blocks.js';
import type { ExecutionTier, MachineContext } from '../types.js';
import { StopReason } from '../../types.js';
import { Wasm, type WasmImports, type WasmModule, type WasmTable } from './api.js';
import { TLB_SIZE } from '../../memory-port.js';
import { type WasmMemory } from './api.js';
import { cacheEntry, hubModule } from './hub.js';
import {
  BUDGET_STOP,
  CACHE_ENTRIES,
  CACHE_OFFSET,
  FFLAGS_OFFSET,
  FREGS_OFFSET,
  FRM_OFFSET,
  IMPORTS,
  LEFT_OFFSET,
  FAULT_STOP,
  REGS_OFFSET,
  RLIN_OFFSET,
  ROFF_OFFSET,
  STOP_OFFSET,
  VALUE_OFFSET,
  WLIN_OFFSET,
  WOFF_OFFSET,
  discoverRegion,
  regionModule,
} from './compile.js';
import { LinearFramePool, TIER_AREA } from './frames.js';

const PAGE_SIZE = SLOTS * 2;
/** Regions are compiled only where every pc fits an unsigned 32-bit import argument. */
const PC_LIMIT = 2 ** 32 - PAGE_SIZE;

/** A block whose function is a wasm region: on a throw it has set pc and the budget itself. */
export class RegionBlock extends Block {
  /** Its index in the hub's table, valid while `generation` is the tier's. */
  tableIndex = 0;
  generation = -1;

  constructor(
    fn: Block['fn'],
    n: number,
    offsets: Int32Array,
    start: number,
    /** The region's wasm function. */
    readonly run: unknown,
  ) {
    super(fn, n, offsets, start);
  }
}

/** Most regions in the hub's table at once: past it, the table and the cache start over. */
const TABLE_LIMIT = 65536;

/** A slot where no region starts: interpreted up to the next jump. */
const INTERPRET_TO_JUMP = new Block(null, 0, new Int32Array(0), 0);

/** What the imports and the region wrappers share (one per hart). */
class Shared {
  readonly memory: WasmMemory;
  /** This hart's tier area in the memory (see compile.ts). */
  readonly base: number;
  readonly regs: Int32Array;
  /** The f registers' words (f[2i] low, f[2i+1] high), where regions read and write them. */
  readonly fregs: Int32Array;
  readonly words: Int32Array;
  /** The instruction and the budget before it, recorded on every slow path (for a fault). */
  faultPc = 0;
  faultLeft = 0;
  /** What the last faulting access threw (the region has left with FAULT_STOP). */
  fault: unknown = undefined;
  readonly imports: WasmImports;

  constructor(port: MemoryPort, unit: FpUnit, state: HartState) {
    this.faultPc = 0.5;
    this.faultPc = 0;
    const pool = port.memory.framePool instanceof LinearFramePool ? port.memory.framePool : undefined;
    const area = pool?.tierArea() ?? -1;
    // Without the linear frame pool (or past its harts), a memory of the tier's own: every
    // access then takes the port's path.
    this.memory = area >= 0 ? pool!.memory : new Wasm.Memory({ initial: TIER_AREA / 65536, maximum: TIER_AREA / 65536, shared: true });
    this.base = area >= 0 ? area : 0;
    const buffer = this.memory.buffer;
    const base = this.base;
    this.regs = new Int32Array(buffer, base + REGS_OFFSET, 66);
    this.fregs = new Int32Array(buffer, base + FREGS_OFFSET, 64);
    this.words = new Int32Array(buffer, base, TIER_AREA / 4);
    // The port's linear TLBs move into linear memory, where regions test them: every fill
    // and drop the port makes is then seen by the regions as it happens.
    const rlin = new Float64Array(buffer, base + RLIN_OFFSET, TLB_SIZE).fill(NaN);
    const wlin = new Float64Array(buffer, base + WLIN_OFFSET, TLB_SIZE).fill(NaN);
    port.rlin = rlin;
    port.wlin = wlin;
    port.roff = new Int32Array(buffer, base + ROFF_OFFSET, TLB_SIZE);
    port.woff = new Int32Array(buffer, base + WOFF_OFFSET, TLB_SIZE);
    const linear = area >= 0 ? pool! : undefined;
    port.linearOffset = (frame) => (linear !== undefined && linear.isLinear(frame.u8) ? frame.u8.byteOffset : -1);
    const { rtag, rmem, rmem8, wtag, wmem, wmem8 } = port;
    const words = this.words;
    const V = VALUE_OFFSET >> 2;
    const STOP = STOP_OFFSET >> 2;
    const FFLAGS = FFLAGS_OFFSET >> 2;
    const FRM = FRM_OFFSET >> 2;
    const slow = (pc: number, left: number): number => {
      const at = pc >>> 0;
      this.faultPc = at;
      this.faultLeft = left;
      return at;
    };
    /** A slow path threw: the region leaves by its exit, and the caller rethrows. */
    const faulted = (e: unknown): number => {
      this.fault = e;
      words[STOP] = FAULT_STOP;
      return 3;
    };
    /** After a slow-path store: the region leaves, and stops the run if a hook asked. */
    const after = (): number => {
      if (port.stopRequested) {
        port.stopRequested = false;
        words[STOP] = StopReason.Stop;
      }
      return 1;
    };
    /** The FP unit threw (an illegal instruction): recorded as a faulting access is. */
    const unitFault = (e: unknown, pc: number, left: number): number => {
      this.faultPc = pc >>> 0;
      this.faultLeft = left;
      return faulted(e);
    };
    // Frames outside linear memory (the shared zero frame, or past the arena) still hit the
    // port's own TLBs here; the rest is the port's slow path.
    const fns: Record<(typeof IMPORTS)[number], (...a: number[]) => number | undefined> = {
      ld1: (a, ah, pc, left) => {
        try {
          const i = (a >>> 12) & 255;
          return rtag[i] === ah * 1048576 + (a >>> 12) ? rmem8[i]![a & 4095]! : port.ld(a, ah, 1, slow(pc, left));
        } catch (e) {
          return faulted(e);
        }
      },
      ld2: (a, ah, pc, left) => {
        try {
          const i = (a >>> 12) & 255;
          if (rtag[i] === ah * 1048576 + (a >>> 12) && (a & 1) === 0) {
            const m8 = rmem8[i]!;
            const o = a & 4095;
            return m8[o]! | (m8[o + 1]! << 8);
          }
          return port.ld(a, ah, 2, slow(pc, left));
        } catch (e) {
          return faulted(e);
        }
      },
      ld4: (a, ah, pc, left) => {
        try {
          const i = (a >>> 12) & 255;
          return rtag[i] === ah * 1048576 + (a >>> 12) && (a & 3) === 0 ? rmem[i]![(a & 4095) >> 2]! : port.ld(a, ah, 4, slow(pc, left));
        } catch (e) {
          return faulted(e);
        }
      },
      ld8: (a, ah, pc, left) => {
        try {
          const i = (a >>> 12) & 255;
          if (rtag[i] === ah * 1048576 + (a >>> 12) && (a & 7) === 0) {
            const m32 = rmem[i]!;
            const o = (a & 4095) >> 2;
            words[V] = m32[o]!;
            words[V + 1] = m32[o + 1]!;
          } else {
            words[V] = port.ld(a, ah, 8, slow(pc, left));
            words[V + 1] = port.vhi;
          }
        } catch (e) {
          faulted(e);
        }
        return undefined;
      },
      st1: (a, ah, v, pc, left) => {
        try {
          const i = (a >>> 12) & 255;
          if (wtag[i] === ah * 1048576 + (a >>> 12)) {
            wmem8[i]![a & 4095] = v;
            return 0;
          }
          port.st(a, ah, 1, v, 0, slow(pc, left));
          return after();
        } catch (e) {
          return faulted(e);
        }
      },
      st2: (a, ah, v, pc, left) => {
        try {
          const i = (a >>> 12) & 255;
          if (wtag[i] === ah * 1048576 + (a >>> 12) && (a & 1) === 0) {
            const m8 = wmem8[i]!;
            const o = a & 4095;
            m8[o] = v;
            m8[o + 1] = v >> 8;
            return 0;
          }
          port.st(a, ah, 2, v, 0, slow(pc, left));
          return after();
        } catch (e) {
          return faulted(e);
        }
      },
      st4: (a, ah, v, pc, left) => {
        try {
          const i = (a >>> 12) & 255;
          if (wtag[i] === ah * 1048576 + (a >>> 12) && (a & 3) === 0) {
            wmem[i]![(a & 4095) >> 2] = v;
            return 0;
          }
          port.st(a, ah, 4, v, 0, slow(pc, left));
          return after();
        } catch (e) {
          return faulted(e);
        }
      },
      st8: (a, ah, v, vh, pc, left) => {
        try {
          const i = (a >>> 12) & 255;
          if (wtag[i] === ah * 1048576 + (a >>> 12) && (a & 7) === 0) {
            const m32 = wmem[i]!;
            const o = (a & 4095) >> 2;
            m32[o] = v;
            m32[o + 1] = vh;
            return 0;
          }
          port.st(a, ah, 8, v, vh, slow(pc, left));
          return after();
        } catch (e) {
          return faulted(e);
        }
      },
      fop: (raw, pc, left) => {
        try {
          unit.op(raw >>> 0, pc >>> 0);
          return 0;
        } catch (e) {
          return unitFault(e, pc, left);
        }
      },
      ffma: (raw, pc, left) => {
        try {
          unit.fma(raw >>> 0, pc >>> 0);
          return 0;
        } catch (e) {
          return unitFault(e, pc, left);
        }
      },
      ftox: (raw, pc, left) => {
        try {
          unit.toX(raw >>> 0, pc >>> 0);
          words[V] = unit.lo;
          words[V + 1] = unit.hi;
          return 0;
        } catch (e) {
          return unitFault(e, pc, left);
        }
      },
      ffromx: (raw, lo, hi, pc, left) => {
        try {
          unit.fromX(raw >>> 0, lo, hi, pc >>> 0);
          return 0;
        } catch (e) {
          return unitFault(e, pc, left);
        }
      },
      fcsr: (op, csr, operand, writes) => {
        // The regions' fast-path flags first (a read sees them), and frm for them after.
        const flags = words[FFLAGS];
        if (flags !== 0) {
          state.fflags |= flags!;
          words[FFLAGS] = 0;
        }
        const old = unit.csr(op, csr, operand, writes !== 0);
        words[FRM] = state.frm;
        return old;
      },
    };
    this.imports = { env: { memory: this.memory, ...fns } };
  }
}

/** Modules by their bytes, shared by every hart in the process (a module holds no state). */
const modules = new Map<string, WasmModule>();
const MODULE_CACHE_LIMIT = 4096;

function moduleFor(bytes: Uint8Array): WasmModule {
  const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let m = modules.get(key);
  if (m === undefined) {
    m = new Wasm.Module(bytes);
    if (modules.size >= MODULE_CACHE_LIMIT) modules.delete(modules.keys().next().value!);
    modules.set(key, m);
  }
  return m;
}

export class WasmTier implements ExecutionTier {
  readonly name = 'wasm' as const;
  private readonly js: JsTier;
  private readonly shared: Shared;
  private readonly interpret: InterpretFn;
  private observing = false;
  private readonly table: WasmTable;
  private readonly regionImports: WasmImports;
  private readonly enter: (pc: number, left: number) => number;
  /** The hub's cache in linear memory: (pc, table index) pairs. */
  private readonly cache: Int32Array;
  private generation = 0;
  private nextIndex = 0;
  /** D is registered: regions run the double fast paths. */
  private readonly hasD: boolean;

  constructor(
    private readonly context: MachineContext,
    private readonly isa: IsaRegistry,
    private readonly blocks: BlockStore,
    private readonly options: JsTierOptions,
  ) {
    this.js = new JsTier(context, isa, blocks, options);
    this.hasD = isa.extensions.some((e) => e.letter === 'd');
    this.shared = new Shared(context.port, context.machine.f, context.state);
    // The hart's registers move into linear memory (x0..x31 as i64, then the x0 sink),
    // where regions read and write them: every tier and the hart see the same words.
    const state = context.state as unknown as { x: Int32Array; x64: BigUint64Array; x64s: BigInt64Array };
    const regs = this.shared.regs;
    regs.set(state.x);
    state.x = regs;
    state.x64 = new BigUint64Array(regs.buffer, regs.byteOffset, 32);
    state.x64s = new BigInt64Array(regs.buffer, regs.byteOffset, 32);
    // The f registers too (raw bits), and the FP unit's views of them.
    const fstate = context.state as unknown as { f: Int32Array; f64: BigUint64Array };
    const fregs = this.shared.fregs;
    fregs.set(fstate.f);
    fstate.f = fregs;
    fstate.f64 = new BigUint64Array(fregs.buffer, fregs.byteOffset, 32);
    context.machine.f.attach();
    this.interpret = interpreterFor(isa, 0);
    const base = this.shared.base;
    this.table = new Wasm.Table({ element: 'anyfunc', initial: 1024 });
    const hub = new Wasm.Instance(moduleFor(hubModule(base)), { env: { ...this.shared.imports.env, table: this.table } });
    this.enter = hub.exports.enter as (pc: number, left: number) => number;
    // Regions import the hub's functions (wasm to wasm: no JS wrapper per module).
    const env: Record<string, unknown> = { memory: this.shared.memory, mulhu: hub.exports.mulhu };
    for (const name of IMPORTS) env[name] = hub.exports[name];
    this.regionImports = { env };
    this.cache = new Int32Array(this.shared.memory.buffer, base + CACHE_OFFSET, CACHE_ENTRIES * 2);
    this.clearCache();
    blocks.onBlocksDropped(() => this.clearCache());
  }

  /** Empties the hub's cache and table (odd pcs never match): regions go in again as they run. */
  private clearCache(): void {
    this.cache.fill(1);
    this.generation++;
    this.nextIndex = 0;
  }

  /** Puts `block`, the region entered at `pc`, in the hub's cache (and its table). */
  private install(block: RegionBlock, pc: number): void {
    if (block.generation !== this.generation) {
      if (this.nextIndex >= TABLE_LIMIT) this.clearCache();
      const index = this.nextIndex++;
      const table = this.table;
      if (index >= table.length) table.grow(Math.min(table.length, TABLE_LIMIT - table.length));
      table.set(index, block.run);
      block.tableIndex = index;
      block.generation = this.generation;
    }
    const e = cacheEntry(pc) >> 2;
    this.cache[e] = pc | 0;
    this.cache[e + 1] = block.tableIndex;
  }

  /** Runs regions through the hub from `pc` (its region installed); the block-function contract. */
  private viaHub(pc: number, left: number): number {
    const shared = this.shared;
    const words = shared.words;
    const state = this.context.state;
    words[STOP_OFFSET >> 2] = 0;
    // frm for the regions' FP fast paths (only the interpreter's CSR instructions change it).
    words[FRM_OFFSET >> 2] = state.frm;
    let npc: number;
    try {
      npc = this.enter(pc | 0, left);
    } catch (e) {
      this.mergeFlags();
      state.pc = shared.faultPc;
      state.left = shared.faultLeft;
      throw e;
    }
    this.mergeFlags();
    const stop = words[STOP_OFFSET >> 2]!;
    const after = words[LEFT_OFFSET >> 2]!;
    if (stop === FAULT_STOP) {
      // An access faulted (or the FP unit threw): the region has written its registers back and left.
      state.pc = shared.faultPc;
      state.left = shared.faultLeft;
      const fault = shared.fault;
      shared.fault = undefined;
      const taken = this.context.machine.taken;
      // An exception taken in machine mode: on at its handler, the instruction not retired.
      if (fault === taken) return taken.pc;
      throw fault;
    }
    if (stop !== 0 && stop !== BUDGET_STOP) {
      state.stopReason = stop;
      state.stopLeft = after;
      state.left = 0;
    } else state.left = after;
    return npc;
  }

  /** The fflags the regions' FP fast paths raised, into the hart's fcsr. */
  private mergeFlags(): void {
    const words = this.shared.words;
    const flags = words[FFLAGS_OFFSET >> 2]!;
    if (flags !== 0) {
      this.context.state.fflags |= flags;
      words[FFLAGS_OFFSET >> 2] = 0;
    }
  }

  observe(observer: InstructionObserver | undefined): void {
    // The js tier flushes compiled code when its variant changes, regions included.
    this.js.observe(observer);
    this.observing = observer !== undefined;
  }

  /** A region for `slot` of `cp`, or the js tier's block when no region starts there. */
  private compile(cp: CodePage, slot: number): Block {
    const { code } = this.context;
    if (cp.base < PC_LIMIT) {
      const region = discoverRegion(this.isa, code, cp, slot, this.context.machine);
      if (region.length > 0) {
        const instance = new Wasm.Instance(moduleFor(regionModule(region, this.shared.base, this.hasD)), this.regionImports);
        const run = instance.exports.run as (left: number) => number;
        const first = region[0]!;
        const offsets = Int32Array.from(first.insns, (insn) => insn.pc - first.start);
        // The block-function contract (see code-cache.ts Block), through the hub.
        const start = first.start;
        const fn: RunBlock = (_S, _P, _R, left) => {
          this.install(block, start);
          return this.viaHub(start, left);
        };
        const block = new RegionBlock(fn as unknown as Block['fn'], first.insns.length, offsets, start, run);
        return block;
      }
    }
    // Not compiled here (a system or platform instruction, or a pc beyond 2^32): the
    // interpreter runs from here to the next jump, as it runs cold code.
    return INTERPRET_TO_JUMP;
  }

  run(): number {
    if (this.observing) return this.js.run();
    try {
      return this.dispatch();
    } catch (e) {
      // A region or the interpreter has set the pc of the instruction that threw.
      throw e instanceof MemoryFault && e.pc === undefined ? e.withPc(this.context.state.pc) : e;
    }
  }

  private dispatch(): number {
    const { state, port, code, machine } = this.context;
    const x = state.x;
    const threshold = this.options.threshold;
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
          block = this.compile(cp, slot);
          this.blocks.setBlock(cp, slot, block);
        } else {
          cp.heat[slot] = heat + 1;
        }
      }
      if (block !== undefined && block.n !== 0 && block.n <= left) {
        if (block instanceof RegionBlock) {
          this.install(block, pc);
          pc = this.viaHub(pc, left);
        } else pc = (block.fn as unknown as RunBlock)(state, port, x, left, undefined, machine);
        left = state.left;
        continue;
      }
      state.pc = pc;
      state.left = left;
      state.cp = cp;
      const reason = this.interpret(state, port, code, machine, undefined, block === INTERPRET_ONE ? 1 : left, true);
      if (reason !== 0) return reason;
      pc = state.pc;
      left = state.left;
      cp = state.cp;
    }
    state.pc = pc;
    state.left = left;
    state.cp = cp;
    if (state.stopReason !== 0) {
      // A region stopped the run (see compile.ts).
      const reason = state.stopReason;
      state.stopReason = 0;
      state.left = state.stopLeft;
      return reason;
    }
    return 0;
  }
}

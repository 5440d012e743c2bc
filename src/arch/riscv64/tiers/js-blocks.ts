/**
 * The compiled tier: hot code becomes JavaScript functions (via `new Function`) that V8
 * then compiles to machine code. The unit is a region (js-regions.ts): the hot block at an
 * entry pc and the blocks of its page it branches and jumps to, in one function with an
 * internal `switch (pc)` loop, so loops and functions run without coming back here.
 *
 * The dispatcher below finds the region at the pc (counting heat until a start is hot
 * enough to compile), calls it, and interprets what regions leave out. Its loop has no
 * `try`: a region that throws has already set the faulting instruction's pc and the
 * budget before it in the hart state (rebuilt from the port's `accessPc`), and `run` only
 * names the pc in a memory fault that lacks it.
 */
import { MemoryFault } from '../../memory/types.js';
import { type Block, type CodePage, INTERPRET_ONE, SLOTS } from '../code-cache.js';
import type { IsaRegistry } from '../isa/registry.js';
import { type InstructionObserver, observerVariant } from '../observer.js';
import { type InterpretFn, interpreterFor } from './interpreter.js';
import { compileRegion } from './js-regions.js';
import type { ExecutionTier, MachineContext } from './types.js';

export { MAX_BLOCK, COMPILED_CACHE_LIMIT, compileBlock } from './js-regions.js';

const PAGE_SIZE = SLOTS * 2;

export interface JsTierOptions {
  /** How many times a block start is reached before it is compiled (0–255). */
  readonly threshold: number;
}

/** Where compiled blocks go: the code cache (which evicts them with their page). */
export interface BlockStore {
  setBlock(cp: CodePage, slot: number, block: Block): void;
  flush(): void;
}

type RunRegion = (S: unknown, P: unknown, R: Int32Array, left: number, O: unknown, CP: CodePage) => number;

/** The compiled tier: runs compiled regions, and the interpreter for the rest. */
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
          block = compileRegion(this.isa, code, cp, slot, variant);
          this.blocks.setBlock(cp, slot, block);
        } else {
          cp.heat[slot] = heat + 1;
        }
      }
      if (block !== undefined && block.n !== 0 && block.n <= left) {
        pc = (block.fn as unknown as RunRegion)(state, port, x, left, observer, cp);
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
      // A region stopped the run (see `generateRegion`).
      const reason = state.stopReason;
      state.stopReason = 0;
      state.left = state.stopLeft;
      return reason;
    }
    return 0;
  }
}

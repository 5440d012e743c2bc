import { PAGE_SIZE } from '../memory/types.js';

/** Halfword slots per page: instructions start at any even offset. */
export const SLOTS = PAGE_SIZE / 2;

/**
 * A translated basic block. `fn` runs the whole block (looping on itself while a backward
 * branch to its start is taken and the budget allows another full pass), then stores the
 * next pc in `hart.npc` and the remaining budget in `hart.left`. On a memory fault it writes
 * the registers back, sets `hart.left` to the budget at the start of the faulting pass and
 * rethrows; `hart.faultK` tells which instruction of the block faulted.
 *
 * `n === 0` marks a slot whose first instruction is not translated (system, CSR, AMO,
 * halt, illegal, or one crossing the page end): the dispatcher interprets one instruction.
 */
export class Block {
  constructor(
    readonly fn: BlockFn | null,
    readonly n: number,
    /** Byte offset of each instruction from the block start. */
    readonly offsets: Int32Array,
    readonly start: number,
  ) {}
}

export type BlockFn = (hart: never, registers: Int32Array, left: number) => void;

export const INTERPRET_ONE = new Block(null, 0, new Int32Array(0), 0);

/**
 * The most guest pages a hart keeps decoded code for. A page costs about 42 KiB of host
 * memory (info, imm and raw: 3 x 8 KiB; heat: 2 KiB; the block table: 2048 pointers,
 * 16 KiB), so the cache holds at most ~84 MiB however many pages the guest executes; 2048
 * pages are 8 MiB of guest code, more than the hot code of the programs we run. Past it,
 * the page decoded longest ago goes first (FIFO: deterministic, and eviction only costs
 * speed: the page is decoded again when it runs again). A fixed host-side cap, not
 * charged to the guest's memory budget, so where a guest gets ENOMEM never depends on
 * how its code is cached.
 */
export const MAX_CODE_PAGES = 2048;

/**
 * The most translated blocks a hart keeps (across its pages): each holds a compiled
 * function (up to MAX_BLOCK instructions of JS and V8's code for it), so pages are evicted,
 * oldest first, while there are more. Equal to the shared compiled-function cache's size.
 */
export const MAX_CODE_BLOCKS = 16384;

/**
 * Decoded code of one guest page: per halfword slot, the packed `info` (0 = not decoded),
 * the immediate and the raw instruction bits, plus translated blocks and their heat.
 */
export class CodePage {
  /** page * PAGE_SIZE; -Infinity once invalidated, so cached references miss. */
  base: number;
  readonly info = new Int32Array(SLOTS);
  readonly imm = new Int32Array(SLOTS);
  readonly raw = new Int32Array(SLOTS);
  readonly blocks: (Block | undefined)[] = new Array<Block | undefined>(SLOTS).fill(undefined);
  readonly heat = new Uint8Array(SLOTS);
  /** Entries of `blocks` that are set (for the hart's block cap). */
  blockCount = 0;
  constructor(readonly page: number) {
    this.base = page * PAGE_SIZE;
  }
}

/** A page that never matches a pc: the starting value of cached code-page references. */
export const NO_CODE = new CodePage(0);
NO_CODE.base = -Infinity;

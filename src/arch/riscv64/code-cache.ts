import { CHANGED_CODE, type MemoryObserver, PAGE_LIMIT, type PagedMemory } from '../memory/paged-memory.js';
import { MemoryFault, PAGE_SIZE, PERM_X } from '../memory/types.js';
import type { IsaRegistry } from './isa/registry.js';

/** Halfword slots per page: instructions start at any even offset. */
export const SLOTS = PAGE_SIZE / 2;

/**
 * A translated basic block. `fn` runs the whole block (looping on itself while a backward
 * branch to its start is taken and the budget allows another full pass), then stores the
 * remaining budget in `state.left` and returns the next pc. On a memory fault it writes
 * the registers back, sets `state.left` to the budget at the start of the faulting pass and
 * rethrows; `port.accessPc` tells which instruction of the block faulted.
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

/** A compiled block: (state, port, registers, budget, observer). See tiers/js-blocks.ts. */
export type BlockFn = (state: never, port: never, registers: Int32Array, left: number, observer: never) => number;

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

function numberFault(address: number, reason: 'unmapped' | 'permission', pc: number): MemoryFault {
  const a = Number.isFinite(address) && address >= 0 ? BigInt(Math.trunc(address)) : 0n;
  return new MemoryFault(a, 'execute', reason, pc);
}

/**
 * The code cache: decoded pages (fetch goes through here, with execute permission checked
 * per page), compiled blocks held per page, and their invalidation when code is written,
 * unmapped or protected (the memory reports it) or fence.i runs. Bounded: past
 * MAX_CODE_PAGES pages or MAX_CODE_BLOCKS blocks the page decoded longest ago goes first.
 */
export class CodeCache implements MemoryObserver {
  /** Decoded pages in the order they were decoded (Map order), so the oldest is evicted first. */
  private readonly pages = new Map<number, CodePage>();
  /** Compiled blocks held by all of `pages`. */
  private blocks = 0;
  /** Told whenever compiled blocks are forgotten (a tier's own caches of them go too). */
  private readonly dropListeners: (() => void)[] = [];

  constructor(
    private readonly memory: PagedMemory,
    private readonly isa: IsaRegistry,
  ) {
    memory.addObserver(this);
  }

  /** Calls `listener` whenever compiled blocks are forgotten (dropped, evicted or flushed). */
  onBlocksDropped(listener: () => void): void {
    this.dropListeners.push(listener);
  }

  private blocksDropped(): void {
    for (const listener of this.dropListeners) listener();
  }

  dispose(): void {
    this.memory.removeObserver(this);
  }

  /** How many guest pages currently have decoded code. */
  get pageCount(): number {
    return this.pages.size;
  }

  memoryChanged(firstPage: number, pageCount: number, what: number): void {
    if ((what & CHANGED_CODE) !== 0) this.drop(firstPage, firstPage + pageCount);
  }

  /** Forgets decoded and compiled code of [start, end) (all of it when omitted). */
  flush(start?: number, end?: number): void {
    if (start === undefined) {
      for (const cp of this.pages.values()) cp.base = -Infinity;
      this.pages.clear();
      this.blocks = 0;
      this.blocksDropped();
      return;
    }
    const first = Math.floor(start / PAGE_SIZE);
    const last = end === undefined ? first + 1 : Math.ceil(end / PAGE_SIZE);
    this.drop(first, last);
  }

  private drop(first: number, end: number): void {
    const pages = this.pages;
    if (pages.size === 0) return;
    if (end - first <= pages.size) {
      for (let p = first; p < end; p++) this.dropPage(p);
    } else {
      for (const p of [...pages.keys()]) if (p >= first && p < end) this.dropPage(p);
    }
    // An instruction straddling into `first` was cached at the end of the page before it.
    const before = pages.get(first - 1);
    if (before !== undefined) {
      before.info[SLOTS - 1] = 0;
      if (before.blocks[SLOTS - 1] !== undefined) {
        before.blocks[SLOTS - 1] = undefined;
        before.blockCount--;
        this.blocks--;
        this.blocksDropped();
      }
    }
  }

  private dropPage(page: number): void {
    const cp = this.pages.get(page);
    if (cp !== undefined) {
      cp.base = -Infinity;
      this.pages.delete(page);
      this.blocks -= cp.blockCount;
      if (cp.blockCount > 0) this.blocksDropped();
    }
  }

  /**
   * Drops the page decoded longest ago, as a store into it would: its CodePage misses from
   * now on (base -Infinity, so references holding it re-look-up), an instruction of the
   * page before that straddles into it is forgotten too, and the memory stops reporting
   * stores to it. Only speed changes.
   */
  private evictOldest(): void {
    const oldest = this.pages.keys().next();
    if (oldest.done) return;
    this.drop(oldest.value, oldest.value + 1);
    this.memory.noteCodeWrite(oldest.value);
  }

  /** Stores a compiled block for `slot` of `cp`, evicting old pages past the block cap. */
  setBlock(cp: CodePage, slot: number, block: Block): void {
    cp.blocks[slot] = block;
    cp.blockCount++;
    // May evict `cp` itself: the block still runs (the memory is unchanged), then the next
    // lookup misses and decodes the page again.
    if (++this.blocks > MAX_CODE_BLOCKS) while (this.blocks > MAX_CODE_BLOCKS && this.pages.size > 0) this.evictOldest();
  }

  /** The decoded page holding `pc`, created on first use (checks execute permission). */
  pageAt(pc: number): CodePage {
    if (!(pc >= 0 && pc < 2 ** 53)) throw numberFault(pc, 'unmapped', pc);
    const page = Math.floor(pc / PAGE_SIZE);
    let cp = this.pages.get(page);
    if (cp === undefined) {
      const perms = this.memory.permsOf(page);
      if (perms < 0) throw numberFault(pc, 'unmapped', pc);
      if ((perms & PERM_X) === 0) throw numberFault(pc, 'permission', pc);
      while (this.pages.size >= MAX_CODE_PAGES) this.evictOldest();
      this.memory.markCode(page);
      cp = new CodePage(page);
      this.pages.set(page, cp);
    }
    return cp;
  }

  /** Decodes the instruction at `slot` of `cp` into the cache; returns its info word. */
  decodeAt(cp: CodePage, slot: number): number {
    const memory = this.memory;
    const isa = this.isa;
    const off = slot * 2;
    const u8 = memory.frameForRead(cp.page).u8;
    const half = u8[off]! | (u8[off + 1]! << 8);
    let info: number;
    let raw: number;
    if ((half & 3) !== 3) {
      raw = half;
      info = isa.decodeCompressed(half);
    } else {
      let upper: number;
      if (off + 2 < PAGE_SIZE) {
        upper = u8[off + 2]! | (u8[off + 3]! << 8);
      } else {
        const next = cp.page + 1;
        const perms = next < PAGE_LIMIT ? memory.permsOf(next) : -1;
        const pc = cp.base + off;
        if (perms < 0) throw numberFault(next * PAGE_SIZE, 'unmapped', pc);
        if ((perms & PERM_X) === 0) throw numberFault(next * PAGE_SIZE, 'permission', pc);
        memory.markCode(next);
        const u8n = memory.frameForRead(next).u8;
        upper = u8n[0]! | (u8n[1]! << 8);
      }
      raw = half | (upper << 16);
      info = isa.decode(raw >>> 0);
    }
    cp.info[slot] = info;
    cp.imm[slot] = isa.decodedImm;
    cp.raw[slot] = raw;
    return info;
  }

  /** The decoded instruction at `slot` (decoding it if needed), without executing. */
  peek(cp: CodePage, slot: number): number {
    const info = cp.info[slot]!;
    return info !== 0 ? info : this.decodeAt(cp, slot);
  }
}

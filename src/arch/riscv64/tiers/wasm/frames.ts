/**
 * Guest page frames inside the wasm tier's linear memory, so compiled regions load and
 * store guest memory directly (through a TLB in the same memory) instead of calling out.
 *
 * A `FramePool` for `PagedMemory`: frames are 4 KiB views into one shared WebAssembly
 * memory (shared, so growing it never detaches views already handed out), which grows in
 * steps as pages are first touched, up to ARENA_PAGES; past that, frames are ordinary
 * host buffers and regions reach them through the memory port as before. Growth is
 * only address space until a page is touched, and the frames are the guest's pages
 * that the run's memory budget already counts; the tier's own part is one 128 KiB area per hart (registers, TLB, the hub's region cache),
 * of which only the pages a run touches are resident.
 */
import { Frame, FramePool } from '../../../memory/frame-pool.js';
import { Wasm, type WasmMemory } from './api.js';

const WASM_PAGE = 65536;
const FRAME = 4096;
/** The most linear memory, in 64 KiB pages (1 GiB). */
export const ARENA_PAGES = 16384;
/** Growth step, in 64 KiB pages (4 MiB). */
const GROW_PAGES = 64;
/** Bytes at the start of the memory reserved for each hart's tier area (see compile.ts). */
export const TIER_AREA = 2 * WASM_PAGE;
/** Harts with a tier area in the memory (the rest use a memory of their own). */
const TIER_AREAS = 4;
const RESERVED = TIER_AREAS * TIER_AREA;

export class LinearFramePool extends FramePool {
  readonly memory: WasmMemory;
  /** The buffers the memory had (one per growth): frames in them are linear. */
  private readonly buffers = new WeakSet<object>();
  private readonly linearFree: Frame[] = [];
  private next = RESERVED;
  private areas = 0;

  constructor() {
    super();
    this.memory = new Wasm.Memory({ initial: RESERVED / WASM_PAGE, maximum: ARENA_PAGES, shared: true });
    this.buffers.add(this.memory.buffer);
  }

  /** Whether `view` is a frame in the linear memory (its byteOffset is then its address there). */
  isLinear(view: Uint8Array | Int32Array): boolean {
    return this.buffers.has(view.buffer);
  }

  /** A hart's tier area (registers, scratch, TLB), or -1 when all are taken. */
  tierArea(): number {
    return this.areas < TIER_AREAS ? TIER_AREA * this.areas++ : -1;
  }

  override take(): Frame {
    const frame = this.linearFree.pop();
    if (frame !== undefined) {
      this.reused++;
      frame.i32.fill(0);
      return frame;
    }
    let buffer = this.memory.buffer;
    if (this.next + FRAME > buffer.byteLength) {
      const have = buffer.byteLength / WASM_PAGE;
      if (have >= ARENA_PAGES) return super.take();
      this.memory.grow(Math.min(GROW_PAGES, ARENA_PAGES - have));
      buffer = this.memory.buffer;
      this.buffers.add(buffer);
    }
    const at = this.next;
    this.next += FRAME;
    this.allocated++;
    // Structurally a Frame: the two views of one page.
    return { u8: new Uint8Array(buffer, at, FRAME), i32: new Int32Array(buffer, at, FRAME / 4) } as Frame;
  }

  override give(frame: Frame): void {
    if (this.isLinear(frame.u8)) this.linearFree.push(frame);
    else super.give(frame);
  }
}

/**
 * The hub: the wasm tier's dispatcher inside WebAssembly, so control passes from one
 * compiled region to the next (a return, an indirect jump, a branch off the page) without
 * coming back to JavaScript.
 *
 * Regions are the `run(left) -> next pc` functions of their own modules (compile.ts), put
 * in one function table per hart. The hub looks the next pc up in a direct-mapped cache in
 * the hart's tier area (pc -> table index) and calls the region through the table; it
 * returns to the caller with the next pc when the cache misses (cold code, a region not
 * yet entered through the cache, a pc beyond 2^32), when a region stopped (Halt, Stop, or
 * a budget that does not cover its next block: the STOP word), or when the budget is used
 * up. The budget left is in the LEFT word either way; the cache is the JS side's to fill
 * and clear (see tier.ts), so a stale region is never entered.
 */
import { Code, F64, type FuncType, I32, Op, VOID, encodeModule } from './encoder.js';
import {
  CACHE_ENTRIES,
  CACHE_OFFSET,
  IMPORTS,
  IMPORT_TYPES,
  LEFT_OFFSET,
  MEMORY_PAGES,
  STOP_OFFSET,
  mulhuFunction,
} from './compile.js';

/** A region's type: (left) -> next pc. */
export const REGION_TYPE: FuncType = { params: [I32], results: [F64] };

/** The cache entry's byte offset (from the cache's start) for `pc`. */
export function cacheEntry(pc: number): number {
  return (((pc >>> 1) ^ (pc >>> 14)) & (CACHE_ENTRIES - 1)) << 3;
}

/**
 * The hub module for a tier area at `base`: exports `enter(pc, left) -> next pc`, and the
 * functions regions import (see compile.ts IMPORTS): the memory slow paths, which call the
 * JS imports of the same names, and mulhu.
 */
export function hubModule(base: number): Uint8Array {
  const c = new Code();
  // params: 0 pc (i32), 1 left (i32); locals: 2 entry (i32), 3 npc (f64)
  const PC = 0;
  const LEFT = 1;
  const E = 2;
  const NPC = 3;
  const storeLeft = (): void => void c.i32(0).get(LEFT).mem(Op.i32Store, 2, base + LEFT_OFFSET);
  c.op(Op.loop, VOID);
  // entry = cacheEntry(pc)
  c.get(PC).i32(1).op(Op.i32ShrU).get(PC).i32(14).op(Op.i32ShrU, Op.i32Xor);
  c.i32(CACHE_ENTRIES - 1).op(Op.i32And).i32(3).op(Op.i32Shl).set(E);
  // A miss: back to the caller with the pc.
  c.get(E).mem(Op.i32Load, 2, base + CACHE_OFFSET).get(PC).op(Op.i32Ne).if();
  storeLeft();
  c.get(PC).op(Op.f64ConvertI32U, Op.return);
  c.op(Op.end);
  c.get(LEFT).get(E).mem(Op.i32Load, 2, base + CACHE_OFFSET + 4).callIndirect(0).set(NPC);
  c.i32(0).mem(Op.i32Load, 2, base + LEFT_OFFSET).set(LEFT);
  // A stop, a budget used up, or a pc beyond the cache's: back to the caller.
  c.i32(0).mem(Op.i32Load, 2, base + STOP_OFFSET);
  c.get(LEFT).i32(0).op(Op.i32LeS, Op.i32Or);
  c.get(NPC).f64(4294967296).op(Op.f64Ge, Op.i32Or).if();
  c.get(NPC).op(Op.return);
  c.op(Op.end);
  c.get(NPC).op(Op.i32TruncF64U).set(PC);
  c.br(0);
  c.op(Op.end); // loop
  c.op(Op.unreachable);
  const forwards = IMPORTS.map((name, i) => {
    const type = IMPORT_TYPES[i]!;
    const f = new Code();
    type.params.forEach((_, p) => f.get(p));
    f.call(i);
    return { type, locals: [], code: f, export: name };
  });
  return encodeModule(
    MEMORY_PAGES,
    IMPORTS.map((name, i) => ({ name, type: IMPORT_TYPES[i]! })),
    [
      ...forwards,
      { ...mulhuFunction(), export: 'mulhu' },
      { type: { params: [I32, I32], results: [F64] }, locals: [I32, F64], code: c, export: 'enter' },
    ],
    { type: REGION_TYPE },
  );
}

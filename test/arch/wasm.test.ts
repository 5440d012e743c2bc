import { describe, expect, it } from 'vitest';
import { PagedMemory } from '../../src/arch/memory/paged-memory.js';
import { MemoryFault, PERM_RW } from '../../src/arch/memory/types.js';
import { RiscvHart } from '../../src/arch/riscv64/hart.js';
import { LinearFramePool } from '../../src/arch/riscv64/tiers/wasm/frames.js';
import { StopReason } from '../../src/arch/riscv64/types.js';
import * as A from './asm.js';
import { CODE, DATA, type Machine, machine } from './machine.js';

const T0 = 5;
const T1 = 6;
const T2 = 7;
const A0 = 10;
const A1 = 11;
const A2 = 12;
const A3 = 13;

/** rd = address (below 2^31) with lui/addi. */
function la(rd: number, address: number): number[] {
  const hi = (address + 0x800) >>> 12;
  return [A.lui(rd, hi), A.addi(rd, rd, address - hi * 4096)];
}

/** Registers, pc and instret of a hart. */
function snapshot(hart: RiscvHart): { x: bigint[]; pc: number; instret: number } {
  return { x: Array.from({ length: 32 }, (_, i) => hart.getX(i)), pc: hart.pc, instret: hart.instret };
}

/** Runs `program` in slices of `budgets` on the interpreter and on wasm; what each run gave. */
function both(program: A.Item[], budgets: readonly number[], setup?: (m: Machine) => void) {
  const outcome = (engine: 'interpreter' | 'wasm') => {
    const m = machine(program, { engine, translateThreshold: 0 });
    setup?.(m);
    const steps: unknown[] = [];
    for (const budget of budgets) {
      try {
        steps.push(m.hart.run(budget));
      } catch (e) {
        steps.push(e instanceof MemoryFault ? `${e.access} ${e.reason} at 0x${e.address.toString(16)}, pc 0x${e.pc?.toString(16)}` : String(e));
      }
      steps.push(snapshot(m.hart));
    }
    return { steps, memory: m.memory.read(DATA, 256) };
  };
  return { interpreter: outcome('interpreter'), wasm: outcome('wasm') };
}

/** A loop of two blocks (an inner branch) summing 64-bit words of DATA, storing a running total. */
const SUM_LOOP: A.Item[] = [
  ...la(A0, DATA), // 0, 4
  A.addi(A1, 0, 20), // 8: count
  A.addi(A2, 0, 0), // 12: total
  A.ld(T0, A0, 0), // 16: loop
  A.andi(T1, T0, 1), // 20
  A.beq(T1, 0, 8), // 24: even: skip the subtraction
  A.sub(A2, A2, T0), // 28
  A.add(A2, A2, T0), // 32
  A.add(A2, A2, T0), // 36
  A.sd(A2, A0, 8), // 40
  A.addi(A0, A0, 8), // 44
  A.addi(A1, A1, -1), // 48
  A.bne(A1, 0, -36), // 52: back to 16
  A.ebreak(), // 56
];

function fillData(m: Machine): void {
  const bytes = new Uint8Array(8 * 24);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 24; i++) view.setBigUint64(8 * i, BigInt(i * 0x1234567 + 1) * 0x100000001n, true);
  m.memory.poke(DATA, bytes);
}

describe('the wasm tier', () => {
  it('should give what the interpreter gives for a loop of several blocks, run in slices of any size', () => {
    for (const budgets of [[1_000_000], [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 1000], [7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 1000]]) {
      const { interpreter, wasm } = both(SUM_LOOP, budgets, fillData);
      expect(wasm).toEqual(interpreter);
    }
    const { wasm } = both(SUM_LOOP, [1_000_000], fillData);
    expect(wasm.steps[0]).toBe(StopReason.Ebreak);
  });

  it('should fault in the middle of a region with the faulting pc and the instructions before it retired', () => {
    // The loop walks off the end of the data area: the load faults as unmapped.
    const program: A.Item[] = [...la(A0, DATA + 16 * 4096 - 40), A.addi(A1, 0, 3), A.ld(T0, A0, 0), A.add(A1, A1, T0), A.addi(A0, A0, 8), A.j(-12)];
    const { interpreter, wasm } = both(program, [1_000_000]);
    expect(wasm).toEqual(interpreter);
    expect(String(wasm.steps[0])).toMatch(/read unmapped at 0x50000, pc 0x1000c/);
    expect((wasm.steps[1] as { instret: number }).instret).toBe(3 + 5 * 4);
  });

  it('should give RISC-V results for division by zero, overflow and the high multiplications', () => {
    const values = [0n, 1n, -1n, 7n, -7n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x123456789abcdef0n, -0x80000000n, 0xffffffffn];
    const program: A.Item[] = [
      ...la(A3, DATA),
      A.ld(A0, A3, 0),
      A.ld(A1, A3, 8),
      ...[A.div, A.divu, A.rem, A.remu, A.mul, A.mulh, A.mulhsu, A.mulhu, A.divw, A.divuw, A.remw, A.remuw, A.mulw].flatMap((f, k) => [f(T2, A0, A1), A.sd(T2, A3, 16 + 8 * k)]),
      A.ebreak(),
    ];
    for (const a of values) {
      for (const b of values) {
        const setup = (m: Machine) => {
          const bytes = new Uint8Array(16);
          new DataView(bytes.buffer).setBigInt64(0, a, true);
          new DataView(bytes.buffer).setBigInt64(8, b, true);
          m.memory.poke(DATA, bytes);
        };
        const { interpreter, wasm } = both(program, [1000], setup);
        expect(wasm, `${a} and ${b}`).toEqual(interpreter);
      }
    }
  });

  it('should see memory the kernel writes between runs, and a page unmapped and mapped again as zeros', () => {
    const program: A.Item[] = [...la(A0, DATA), A.ld(A1, A0, 0), A.addi(A1, A1, 1), A.sd(A1, A0, 0), A.ebreak()];
    const m = machine(program, { engine: 'wasm', translateThreshold: 0 });
    const again = () => {
      m.hart.pc = CODE;
      expect(m.hart.run(100)).toBe(StopReason.Ebreak);
      return m.hart.getX(A1);
    };
    expect(again()).toBe(1n);
    expect(again()).toBe(2n);
    m.memory.poke(DATA, new Uint8Array([41]));
    expect(again()).toBe(42n);
    m.memory.unmap(DATA, 4096);
    m.memory.map(DATA, 4096, PERM_RW, 'data');
    expect(again()).toBe(1n);
    expect(m.memory.read(DATA, 1)[0]).toBe(1);
  });

  it('should keep guest pages in its linear memory when the memory takes frames from it', () => {
    const pool = new LinearFramePool();
    const memory = new PagedMemory(pool);
    memory.map(DATA, 4096, PERM_RW, 'data');
    memory.poke(DATA, new Uint8Array([1, 2, 3]));
    expect(pool.isLinear(memory.frameOf(DATA / 4096)!.u8)).toBe(true);
    expect(pool.isLinear(new Uint8Array(8))).toBe(false);
  });

  it('should work on a memory whose frames are ordinary host buffers (every access through the port)', () => {
    const memory = new PagedMemory();
    const m = machine(SUM_LOOP, { engine: 'interpreter' });
    memory.map(CODE, 4096, 5, 'text');
    memory.poke(CODE, m.memory.read(CODE, 60));
    memory.map(DATA, 16 * 4096, PERM_RW, 'data');
    const hart = new RiscvHart(memory, { engine: 'wasm', translateThreshold: 0 });
    hart.pc = CODE;
    hart.setX(2, m.hart.getX(2));
    fillData({ memory, hart });
    fillData(m);
    expect(hart.run(1_000_000)).toBe(StopReason.Ebreak);
    expect(m.hart.run(1_000_000)).toBe(StopReason.Ebreak);
    expect(snapshot(hart)).toEqual(snapshot(m.hart));
    expect(memory.read(DATA, 256)).toEqual(m.memory.read(DATA, 256));
  });

  it("should stop right after a store whose window hook asked to, with the store's memory written", () => {
    const { wasm, interpreter } = both(SUM_LOOP, [1_000_000, 1_000_000], (m) => {
      fillData(m);
      m.hart.addIoWindow({ start: DATA + 8 * 6, end: DATA + 8 * 7, write: () => m.hart.requestStop() });
    });
    expect(wasm).toEqual(interpreter);
    expect(wasm.steps[0]).toBe(StopReason.Stop);
    expect((wasm.steps[1] as { pc: number }).pc).toBe(CODE + 44);
  });

  it('should follow an indirect jump to a block of the same region, budget and all', () => {
    // A loop whose back edge is a jalr (as a switch's jump table or a return would be).
    const program: A.Item[] = [
      A.addi(A0, 0, 25), // 0
      A.auipc(T0, 0), // 4
      A.addi(T0, T0, 8), // 8: T0 = 12
      A.addi(A1, A1, 3), // 12: loop
      A.addi(A0, A0, -1), // 16
      A.beq(A0, 0, 8), // 20
      A.jalr(T1, T0, 0), // 24: back to 12, T1 = 28
      A.ebreak(), // 28
    ];
    for (const budgets of [[1_000_000], [1, 2, 3, 5, 8, 13, 21, 34, 55, 1000], [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 1000]]) {
      const { interpreter, wasm } = both(program, budgets);
      expect(wasm).toEqual(interpreter);
    }
  });

  it('should halt on a jump to itself after executing it once', () => {
    const program: A.Item[] = [A.addi(A0, 0, 5), A.addi(A0, A0, -1), A.bne(A0, 0, -4), A.auipc(T0, 0), A.addi(T0, T0, 8), A.jalr(A1, T0, 0)];
    const { interpreter, wasm } = both(program, [1000]);
    expect(wasm).toEqual(interpreter);
    expect(wasm.steps[0]).toBe(StopReason.Halt);
  });
});

describe('the wasm tier across regions (the hub)', () => {
  /** A loop on one page calling a function on the next page: each call and return is a region change. */
  const FUNC = 4096;
  const program: A.Item[] = [
    A.addi(A0, 0, 30), // 0
    A.jal(1, FUNC - 4), // 4: call
    A.addi(A0, A0, -1), // 8
    A.bne(A0, 0, -8), // 12: back to 4
    A.ebreak(), // 16
    ...new Array<A.Item>((FUNC - 20) / 4).fill(A.addi(0, 0, 0)),
    A.addi(A2, A2, 1), // FUNC
    A.jalr(0, 1, 0), // FUNC + 4: return
  ];

  /** Runs the loop, rewrites the function's first instruction, runs it again. */
  function rewritten(engine: 'interpreter' | 'wasm', budgets: readonly number[]) {
    const m = machine(program, { engine, translateThreshold: 0 });
    const steps: unknown[] = [];
    const go = (): void => {
      m.hart.pc = CODE;
      for (const budget of budgets) {
        steps.push(m.hart.run(budget));
        steps.push(snapshot(m.hart));
        if (m.hart.pc === CODE + 16) break;
      }
    };
    go();
    const word = new Uint8Array(new Uint32Array([A.addi(A2, A2, 100) as number]).buffer);
    m.memory.poke(CODE + FUNC, word);
    go();
    return steps;
  }

  it('should run calls and returns between pages, in slices of any size, as the interpreter does', () => {
    for (const budgets of [[1_000_000], [7, 11, 13, 1000], new Array<number>(60).fill(3).concat([1000])]) {
      expect(rewritten('wasm', budgets)).toEqual(rewritten('interpreter', budgets));
    }
  });

  it('should never enter a region whose code was written since it was compiled', () => {
    const steps = rewritten('wasm', [1_000_000]);
    const last = steps[steps.length - 1] as { x: bigint[] };
    // 30 calls adding 1, then 30 adding 100.
    expect(last.x[A2]).toBe(30n + 3000n);
  });
});

import { describe, expect, it } from 'vitest';
import { isaRegistry } from '../../src/arch/riscv64/isa/index.js';
import { FunctionTable } from '../../src/elf/symbols.js';
import { CallStackTracker } from '../../src/trace/profile/tracker.js';
import { folded } from '../../src/trace/profile/writers.js';
import { addi, jal, jalr } from '../arch/asm.js';

const isa = isaRegistry();
const NOP = addi(0, 0, 0);
const ECALL = 0x73;
const MRET = 0x30200073;
const RET = jalr(0, 1, 0);
const C_RET = 0x8082; // c.jr ra

// main, f, g, h and a handler, 256 bytes each; 0x6000 is code without a symbol.
const table = new FunctionTable([
  { name: 'main', start: 0x1000, size: 0x100 },
  { name: 'f', start: 0x2000, size: 0x100 },
  { name: 'g', start: 0x3000, size: 0x100 },
  { name: 'h', start: 0x4000, size: 0x100 },
  { name: 'handler', start: 0x5000, size: 0x100 },
]);

/** Feeds retired instructions (pc, word) to a tracker, as the hart's observer would. */
function feeder(tracker: CallStackTracker, meter?: { total: number }) {
  return (pc: number, word: number, cost = 1): void => {
    const info = (word & 3) !== 3 ? isa.decodeCompressed(word) : isa.decode(word);
    if (meter) meter.total += cost; // the kernel's meter observes first
    tracker.instruction(pc, word, info, isa.decodedImm);
  };
}

/** The folded lines of what the tracker saw, as a map stack -> instructions. */
function stacks(tracker: CallStackTracker): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of folded(tracker.profile()).trim().split('\n')) {
    const at = line.lastIndexOf(' ');
    out[line.slice(0, at)] = Number(line.slice(at + 1));
  }
  return out;
}

describe('the call-stack tracker', () => {
  it('should push on jal ra, pop on ret, and replace the frame on a tail call (jal x0 to a function start)', () => {
    const tracker = new CallStackTracker({ functions: table, isa });
    const feed = feeder(tracker);
    feed(0x1000, NOP);
    feed(0x1004, jal(1, 0x2000 - 0x1004)); // call f
    feed(0x2000, NOP);
    feed(0x2004, jal(0, 0x3000 - 0x2004)); // tail call g
    feed(0x3000, NOP);
    feed(0x3004, RET); // g returns to main, for f
    feed(0x1008, NOP);
    expect(stacks(tracker)).toEqual({ main: 3, 'main;f': 2, 'main;g': 2 });
  });

  it('should read jalr ra as a call and a compressed ret (c.jr ra) as a return', () => {
    const tracker = new CallStackTracker({ functions: table, isa });
    const feed = feeder(tracker);
    feed(0x1000, jalr(1, 15, 0)); // jalr ra, 0(a5): a5 = f
    feed(0x2000, NOP);
    feed(0x2004, C_RET);
    feed(0x1004, NOP);
    expect(stacks(tracker)).toEqual({ main: 2, 'main;f': 2 });
  });

  it('should follow calls through t0 and returns through t0 (outlined code)', () => {
    const tracker = new CallStackTracker({ functions: table, isa });
    const feed = feeder(tracker);
    feed(0x1000, jal(5, 0x4000 - 0x1000)); // jal t0, h
    feed(0x4000, NOP);
    feed(0x4004, jalr(0, 5, 0)); // jr t0
    feed(0x1004, NOP);
    expect(stacks(tracker)).toEqual({ main: 2, 'main;h': 2 });
  });

  it('should stay in the frame for jumps and branches inside a function', () => {
    const tracker = new CallStackTracker({ functions: table, isa });
    const feed = feeder(tracker);
    feed(0x1000, jal(0, 0x40)); // j within main
    feed(0x1040, jal(0, -0x30));
    feed(0x1010, NOP);
    expect(stacks(tracker)).toEqual({ main: 3 });
  });

  it('should unwind to the frame a longjmp lands in (a jump into the middle of a function on the stack)', () => {
    const tracker = new CallStackTracker({ functions: table, isa });
    const feed = feeder(tracker);
    feed(0x1000, jal(1, 0x2000 - 0x1000)); // main -> f
    feed(0x2000, jal(1, 0x3000 - 0x2000)); // f -> g
    feed(0x3000, jal(1, 0x4000 - 0x3000)); // g -> h
    feed(0x4000, jalr(0, 10, 0)); // longjmp: jr a0 = 0x2040, inside f
    feed(0x2040, NOP);
    feed(0x2044, RET); // f returns to main as if nothing happened
    feed(0x1004, NOP);
    expect(stacks(tracker)).toEqual({ main: 2, 'main;f': 3, 'main;f;g': 1, 'main;f;g;h': 1 });
  });

  it('should unwind on a return to an address nobody called from (musl longjmp returns with ret)', () => {
    const tracker = new CallStackTracker({ functions: table, isa });
    const feed = feeder(tracker);
    feed(0x1000, jal(1, 0x2000 - 0x1000)); // main -> f
    feed(0x2000, jal(1, 0x3000 - 0x2000)); // f -> g
    feed(0x3000, RET); // ra was reloaded by longjmp: 0x1050, inside main
    feed(0x1050, NOP);
    expect(stacks(tracker)).toEqual({ main: 2, 'main;f': 1, 'main;f;g': 1 });
  });

  it('should enter a trap handler as a frame and leave it with mret, whatever the handler called', () => {
    const tracker = new CallStackTracker({ functions: table, isa });
    const feed = feeder(tracker);
    feed(0x1000, ECALL); // machine trap mode: to mtvec
    feed(0x5000, jal(1, 0x3000 - 0x5000)); // the handler calls g
    feed(0x3000, NOP);
    feed(0x3004, jal(0, 0x5010 - 0x3004)); // ...which jumps back into the handler's middle
    feed(0x5010, MRET); // back to mepc + 4
    feed(0x1004, NOP);
    expect(stacks(tracker)).toEqual({ main: 2, 'main;handler': 2, 'main;handler;g': 2 });
  });

  it('should give a signal handler its own frame and drop it at rt_sigreturn (handler -> restorer -> back)', () => {
    const tracker = new CallStackTracker({ functions: table, isa });
    const feed = feeder(tracker);
    feed(0x1000, jal(1, 0x2000 - 0x1000)); // main -> f
    feed(0x2000, ECALL); // a syscall; a signal is delivered on its way back
    feed(0x5000, NOP); // the handler
    feed(0x5004, RET); // returns to the restorer (ra = sa_restorer), code without a symbol
    feed(0x6000, ECALL); // rt_sigreturn: back to after the interrupted ecall
    feed(0x2004, RET);
    feed(0x1004, NOP);
    expect(stacks(tracker)).toEqual({ main: 2, 'main;f': 2, 'main;f;handler': 2, 'main;f;0x6000': 1 });
  });

  it('should keep a stack per thread (switchThread), a new thread starting where it first runs', () => {
    const tracker = new CallStackTracker({ functions: table, isa });
    const feed = feeder(tracker);
    feed(0x1000, jal(1, 0x2000 - 0x1000)); // thread 1: main -> f
    feed(0x2000, ECALL); // blocks
    tracker.switchThread(2);
    feed(0x3000, jal(1, 0x4000 - 0x3000)); // thread 2: g -> h
    feed(0x4000, ECALL);
    tracker.switchThread(1);
    feed(0x2004, RET); // thread 1 goes on in f, returns to main
    feed(0x1004, NOP);
    tracker.switchThread(2);
    feed(0x4004, RET);
    feed(0x3004, NOP);
    const profile = tracker.profile();
    expect(profile.threads.map((t) => t.tid)).toEqual([1, 2]);
    expect(stacks(tracker)).toEqual({ 'thread 1;main': 2, 'thread 1;main;f': 2, 'thread 2;g': 2, 'thread 2;g;h': 2 });
  });

  it('should name code outside every symbol by address, and stay in it across its jumps', () => {
    const tracker = new CallStackTracker({ functions: new FunctionTable([]), isa });
    const feed = feeder(tracker);
    feed(0x1000, jal(1, 0x800)); // call 0x1800
    feed(0x1800, jal(0, 0x10)); // a jump inside it
    feed(0x1810, RET);
    feed(0x1004, NOP);
    expect(stacks(tracker)).toEqual({ '0x1000': 2, '0x1000;0x1800': 2 });
  });

  it("should attribute a cost meter's units to the instructions that spent them", () => {
    const meter = { total: 0 };
    const tracker = new CallStackTracker({ functions: table, isa, meter, costUnit: 'cycles', costName: 'test rows' });
    const feed = feeder(tracker, meter);
    feed(0x1000, NOP, 1);
    feed(0x1004, jal(1, 0x2000 - 0x1004), 2);
    feed(0x2000, NOP, 5);
    feed(0x2004, RET, 7);
    feed(0x1008, NOP, 1);
    const profile = tracker.profile();
    expect(profile.costUnit).toEqual({ unit: 'cycles', name: 'test rows' });
    const byStack = Object.fromEntries(profile.stacks().map((s) => [s.frames.map((f) => profile.name(f)).join(';'), s.cost]));
    expect(byStack).toEqual({ main: 4, 'main;f': 12 });
  });

  it('should attribute correctly when the meter observes after the tracker', () => {
    const meter = { total: 0 };
    const tracker = new CallStackTracker({ functions: table, isa, meter });
    const seq: [number, number, number][] = [
      [0x1000, NOP, 1],
      [0x1004, jal(1, 0x2000 - 0x1004), 2],
      [0x2000, NOP, 5],
      [0x2004, RET, 7],
      [0x1008, NOP, 1],
    ];
    for (const [pc, word, cost] of seq) {
      const info = isa.decode(word);
      tracker.instruction(pc, word, info, isa.decodedImm);
      meter.total += cost;
    }
    const profile = tracker.profile();
    expect(profile.stacks().map((s) => s.cost)).toEqual([4, 12]);
  });

  it('should stop pushing past maxDepth and still come back out', () => {
    const tracker = new CallStackTracker({ functions: table, isa, maxDepth: 2 });
    const feed = feeder(tracker);
    feed(0x1000, jal(1, 0x2000 - 0x1000)); // main -> f (depth 2)
    feed(0x2000, jal(1, 0x3000 - 0x2000)); // f -> g: not pushed
    feed(0x3000, RET); // back to f
    feed(0x2004, RET); // back to main
    feed(0x1004, NOP);
    expect(tracker.truncatedCalls).toBe(1);
    expect(stacks(tracker)).toEqual({ main: 2, 'main;f': 3 });
  });
});

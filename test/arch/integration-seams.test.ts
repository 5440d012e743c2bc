import { describe, expect, it } from 'vitest';
import { MemoryFault } from '../../src/arch/memory/types.js';
import { JOLT_MACHINE_PROFILE } from '../../src/arch/riscv64/csr/index.js';
import { type Extension, type HookContext, STANDARD_EXTENSIONS } from '../../src/arch/riscv64/isa/index.js';
import { StopRequestNotAllowed } from '../../src/arch/riscv64/memory-port.js';
import { CostMeter, type InstructionObserver } from '../../src/arch/riscv64/observer.js';
import { MisalignedAccess, StopReason } from '../../src/arch/riscv64/types.js';
import * as A from './asm.js';
import { CODE, DATA, ENGINES, engineName, machine } from './machine.js';

const RA = 1;
const T0 = 5;
const T1 = 6;
const T2 = 7;
const A0 = 10;
const A1 = 11;
const A2 = 12;

/** An unmapped range of the test machine (between the data area and the stack). */
const DEVICE = 0x60000;

/** rd = address (below 2^31) with lui/addi. */
function la(rd: number, address: number): number[] {
  const hi = (address + 0x800) >>> 12;
  return [A.lui(rd, hi), A.addi(rd, rd, address - hi * 4096)];
}

/** Records every retired instruction's pc, and the block counts. */
class Recorder implements InstructionObserver {
  readonly pcs: number[] = [];
  readonly ops: number[] = [];
  instruction(pc: number, _bits: number, info: number): void {
    this.pcs.push(pc);
    this.ops.push(info & 0x7f);
  }
}

class BlockCounter implements InstructionObserver {
  total = 0;
  block(_start: number, count: number): void {
    this.total += count;
  }
}

/** What `fn` throws (fails the test when it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

/** An integration's error for a refused access, carrying the pc it was given. */
class AlignmentPanic extends Error {
  constructor(
    readonly address: bigint,
    readonly size: number,
    readonly access: string,
    readonly pc: number,
  ) {
    super(`misaligned ${access} of ${size} at 0x${address.toString(16)} (pc 0x${pc.toString(16)})`);
  }
}

describe('unbacked I/O windows', () => {
  for (const options of ENGINES) {
    describe(`on the ${engineName(options)} tier`, () => {
      it('should answer loads and take stores in an unmapped range, every width, and leave mapped memory to memory', () => {
        const program = [
          ...la(T0, DEVICE), ...la(T1, DATA),
          A.addi(T2, 0, -2), A.sd(T2, T1, 0),
          A.ld(A0, T0, 8), A.lw(A1, T0, 4), A.lbu(A2, T0, 1), A.lh(T2, T0, 2),
          A.sw(A0, T0, 0x10), A.sb(A1, T0, 0x21),
          A.ld(T1, T1, 0),
          A.ebreak(),
        ];
        const { hart, memory } = machine(program, options);
        const reads: [number, number][] = [];
        const writes: [number, number, bigint][] = [];
        // A huge window over mapped memory too: only the unmapped part is the device's.
        hart.addIoWindow({
          start: 0,
          end: 0x7fff8000,
          backed: false,
          read: (address, size) => {
            reads.push([address, size]);
            return 0x8899aabbccddeeffn;
          },
          write: (address, size, value) => void writes.push([address, size, value]),
        });
        expect(hart.run(100)).toBe(StopReason.Ebreak);
        expect(reads).toEqual([[DEVICE + 8, 8], [DEVICE + 4, 4], [DEVICE + 1, 1], [DEVICE + 2, 2]]);
        expect(hart.getX(A0)).toBe(0x8899aabbccddeeffn);
        expect(hart.getX(A1)).toBe(0xffffffffccddeeffn); // lw sign-extends the low 4 bytes
        expect(hart.getX(A2)).toBe(0xffn);
        expect(writes).toEqual([[DEVICE + 0x10, 4, 0xccddeeffn], [DEVICE + 0x21, 1, 0xffn]]);
        expect(hart.getX(T1)).toBe(0xfffffffffffffffen); // DATA is memory, not the device
        expect(memory.permsOf(DEVICE / 4096)).toBeLessThan(0); // still unmapped
      });

      it('should leave an access the window declines, and one outside it, an unmapped fault', () => {
        const declined = machine([...la(T0, DEVICE), A.ld(A0, T0, 0)], options).hart;
        declined.addIoWindow({ start: DEVICE, end: DEVICE + 8, backed: false, read: () => undefined });
        expect(thrown(() => declined.run(10))).toMatchObject({ reason: 'unmapped', access: 'read', pc: CODE + 8 });
        const writeOnly = machine([...la(T0, DEVICE), A.ld(A0, T0, 0)], options).hart;
        writeOnly.addIoWindow({ start: DEVICE, end: DEVICE + 8, backed: false, write: () => undefined });
        expect(() => writeOnly.run(10)).toThrow(MemoryFault);
        const outside = machine([...la(T0, DEVICE), A.sd(T0, T0, 8)], options).hart;
        outside.addIoWindow({ start: DEVICE, end: DEVICE + 8, backed: false, write: () => undefined });
        expect(thrown(() => outside.run(10))).toMatchObject({ reason: 'unmapped', access: 'write', pc: CODE + 8 });
        expect(outside.instret).toBe(2);
      });

      it('should still fault on instruction fetch from the window', () => {
        const { hart } = machine([...la(T0, DEVICE), A.jalr(0, T0, 0)], options);
        hart.addIoWindow({ start: DEVICE, end: DEVICE + 4096, backed: false, read: () => 0x13n });
        expect(thrown(() => hart.run(10))).toMatchObject({ access: 'execute', pc: DEVICE });
      });

      it('should run an AMO on the device as a read then a write', () => {
        const { hart } = machine([...la(T0, DEVICE), A.addi(T1, 0, 5), A.amo('add', 'd', A0, T0, T1), A.ebreak()], options);
        const writes: bigint[] = [];
        hart.addIoWindow({ start: DEVICE, end: DEVICE + 8, backed: false, read: () => 37n, write: (_a, _s, v) => void writes.push(v) });
        expect(hart.run(10)).toBe(StopReason.Ebreak);
        expect([hart.getX(A0), writes]).toEqual([37n, [42n]]);
      });

      it('should see every access of a hot loop, and a throwing hook mid-block leaves the hart at the load', () => {
        // 50 passes of: a1 += device[0]; device[8] = a0; a0--.  The read hook throws on pass 40.
        const program = [
          ...la(T0, DEVICE), A.addi(A0, 0, 50),
          A.ld(T1, T0, 0), A.add(A1, A1, T1), A.sd(A0, T0, 8), A.addi(A0, A0, -1), A.bne(A0, 0, -16),
          A.ebreak(),
        ];
        const { hart } = machine(program, options);
        const blocks = new BlockCounter();
        hart.observe(blocks);
        let reads = 0;
        const stored: bigint[] = [];
        hart.addIoWindow({
          start: DEVICE,
          end: DEVICE + 16,
          backed: false,
          read: () => {
            if (++reads === 40) throw new RangeError('device gone');
            return 2n;
          },
          write: (_a, _s, v) => void stored.push(v),
        });
        expect(() => hart.run(10_000)).toThrow('device gone');
        expect(hart.pc).toBe(CODE + 12);
        expect(hart.instret).toBe(3 + 39 * 5);
        expect(blocks.total).toBe(hart.instret);
        expect(hart.getX(A1)).toBe(78n);
        expect(hart.getX(A0)).toBe(11n);
        expect(stored).toHaveLength(39);
      });

      it('should refuse a stop request from a read hook', () => {
        const { hart } = machine([...la(T0, DEVICE), A.ld(A0, T0, 0), A.ebreak()], options);
        hart.addIoWindow({
          start: DEVICE,
          end: DEVICE + 8,
          backed: false,
          read: () => {
            hart.requestStop();
            return 1n;
          },
        });
        expect(() => hart.run(10)).toThrow(StopRequestNotAllowed);
        expect(hart.pc).toBe(CODE + 8);
      });
    });
  }
});

describe('the alignment policy (onMisaligned)', () => {
  const refuse = (address: bigint, size: number, access: 'read' | 'write', pc: number): never => {
    throw new AlignmentPanic(address, size, access, pc);
  };

  for (const options of ENGINES) {
    describe(`on the ${engineName(options)} tier`, () => {
      const cases: [string, number, number, 'read' | 'write'][] = [
        ['lh', A.lh(A0, T0, 1), 2, 'read'],
        ['lhu', A.lhu(A0, T0, 3), 2, 'read'],
        ['lw', A.lw(A0, T0, 2), 4, 'read'],
        ['lwu', A.lwu(A0, T0, 6), 4, 'read'],
        ['ld', A.ld(A0, T0, 4), 8, 'read'],
        ['sh', A.sh(A0, T0, 1), 2, 'write'],
        ['sw', A.sw(A0, T0, 2), 4, 'write'],
        ['sd', A.sd(A0, T0, 12), 8, 'write'],
      ];
      for (const [name, word, size, access] of cases) {
        it(`should refuse a misaligned ${name} with the hook's error, pc at it`, () => {
          const { hart } = machine([...la(T0, DATA), A.addi(A1, 0, 1), word, A.ebreak()], options);
          hart.onMisaligned = refuse;
          const error = thrown(() => hart.run(10)) as AlignmentPanic;
          expect(error).toBeInstanceOf(AlignmentPanic);
          expect([error.size, error.access, error.pc]).toEqual([size, access, CODE + 12]);
          expect(Number(error.address) % size).not.toBe(0);
          expect([hart.pc, hart.instret]).toEqual([CODE + 12, 3]);
        });
      }

      it('should let aligned and byte accesses through, and do nothing without a policy', () => {
        const program = [...la(T0, DATA), A.addi(A1, 0, 7), A.sb(A1, T0, 3), A.lb(A0, T0, 3), A.sd(A1, T0, 8), A.lw(A2, T0, 8), A.ebreak()];
        const policed = machine(program, options).hart;
        policed.onMisaligned = refuse;
        expect(policed.run(20)).toBe(StopReason.Ebreak);
        expect([policed.getX(A0), policed.getX(A2)]).toEqual([7n, 7n]);
        const free = machine([...la(T0, DATA), A.addi(A1, 0, 9), A.sw(A1, T0, 1), A.lw(A0, T0, 1), A.ebreak()], options).hart;
        expect(free.run(20)).toBe(StopReason.Ebreak);
        expect(free.getX(A0)).toBe(9n);
      });

      it('should catch the first misaligned access of a hot loop (compiled code cannot skip it)', () => {
        // a0 walks DATA by 2 bytes; lw at a0: aligned on even passes, misaligned on the second.
        const program = [
          ...la(A0, DATA), A.addi(A1, 0, 20),
          A.lw(T1, A0, 0), A.addi(A0, A0, 4), A.addi(A1, A1, -1), A.bne(A1, 0, -12),
          A.addi(A0, A0, 2), A.addi(A1, 0, 20),
          A.lw(T1, A0, 0), A.addi(A0, A0, 4), A.addi(A1, A1, -1), A.bne(A1, 0, -12),
          A.ebreak(),
        ];
        const { hart } = machine(program, options);
        const blocks = new BlockCounter();
        hart.observe(blocks);
        hart.onMisaligned = refuse;
        const error = thrown(() => hart.run(1000)) as AlignmentPanic;
        expect(error).toBeInstanceOf(AlignmentPanic);
        expect([error.pc, Number(error.address), error.size]).toEqual([CODE + 36, DATA + 80 + 2, 4]);
        expect([hart.pc, hart.instret, blocks.total]).toEqual([CODE + 36, 3 + 4 * 20 + 2, 3 + 4 * 20 + 2]);
      });

      it('should speak before the A extension for LR, SC and AMOs', () => {
        for (const [word, access] of [[A.lrW(A0, T0), 'read'], [A.scD(A0, T0, A1), 'write'], [A.amo('or', 'w', A0, T0, A1), 'write']] as const) {
          const { hart } = machine([...la(T0, DATA + 2), word], options);
          hart.onMisaligned = refuse;
          expect(thrown(() => hart.run(10))).toMatchObject({ access, pc: CODE + 8, address: BigInt(DATA + 2) });
          const plain = machine([...la(T0, DATA + 2), word], options).hart;
          expect(() => plain.run(10)).toThrow(MisalignedAccess);
        }
      });

      it('should let the access go on when the hook returns', () => {
        const { hart } = machine([...la(T0, DATA), A.addi(A1, 0, 5), A.sd(A1, T0, 3), A.ld(A0, T0, 3), A.ebreak()], options);
        const seen: number[] = [];
        hart.onMisaligned = (_a, size) => void seen.push(size);
        expect(hart.run(10)).toBe(StopReason.Ebreak);
        expect([hart.getX(A0), seen]).toEqual([5n, [8, 8]]);
      });
    });
  }
});

// ---------------------------------------------------------------- custom instructions

/** A test integration's custom-1 (0x2b) instructions, each a host function. */
const CUSTOM = 0x2b;
const hostAdd = (rd: number, rs1: number, rs2: number): number => A.rType(0, rs2, rs1, 0, rd, CUSTOM);
const hostReverse = (rs1: number, length: number): number => A.iType(length, rs1, 1, 0, CUSTOM);
const hostStop = (): number => A.iType(0, 0, 2, 0, CUSTOM);
const hostFail = (rs1: number): number => A.iType(0, rs1, 3, 0, CUSTOM);

class HostAssertion extends Error {
  constructor(readonly pc: number) {
    super(`host assertion failed at pc 0x${pc.toString(16)}`);
  }
}

const seenContexts: { mnemonic: string; rd: number; rs1: number; rs2: number; imm: number; bits: number; instret: number }[] = [];

const XHOST: Extension = {
  name: 'xhost',
  instructions: [
    {
      mnemonic: 'host.add',
      match: CUSTOM,
      mask: 0xfe00707f,
      format: 'R',
      semantics: '',
      hook: (h: HookContext) => {
        seenContexts.push({ mnemonic: h.mnemonic, rd: h.rd, rs1: h.rs1, rs2: h.rs2, imm: h.imm, bits: h.bits, instret: h.instret });
        h.setX(h.rd, h.getX(h.rs1) + h.getX(h.rs2));
      },
    },
    {
      mnemonic: 'host.reverse',
      match: CUSTOM | (1 << 12),
      mask: 0x707f,
      format: 'I',
      semantics: '',
      hook: (h) => h.writeMemory(h.getX(h.rs1), h.readMemory(h.getX(h.rs1), h.imm).reverse()),
    },
    { mnemonic: 'host.stop', match: CUSTOM | (2 << 12), mask: 0x707f, format: 'I', semantics: '', hook: (h) => h.stop() },
    {
      mnemonic: 'host.fail',
      match: CUSTOM | (3 << 12),
      mask: 0x707f,
      format: 'I',
      semantics: '',
      hook: (h) => {
        if (h.getXLow(h.rs1) !== 0 || h.getXHigh(h.rs1) !== 0) throw new HostAssertion(h.pc);
        h.setXWords(A2, -1, 0x7fffffff);
      },
    },
  ],
};
const WITH_XHOST = { extensions: [...STANDARD_EXTENSIONS, XHOST] };

describe('instruction hooks', () => {
  for (const options of ENGINES) {
    describe(`on the ${engineName(options)} tier`, () => {
      it('should run the hook as the instruction, in a hot loop, seen by the observer with its op id', () => {
        const program = [A.addi(A0, 0, 30), A.addi(T0, 0, 2), hostAdd(A1, A1, T0), A.addi(A0, A0, -1), A.bne(A0, 0, -8), A.ebreak()];
        const { hart } = machine(program, { ...options, isa: WITH_XHOST });
        const op = hart.isa.opOf('host.add')!;
        const meter = new CostMeter({ cost: (o) => (o === op ? 100 : 1) });
        hart.observe(meter);
        seenContexts.length = 0;
        expect(hart.run(1000)).toBe(StopReason.Ebreak);
        expect(hart.getX(A1)).toBe(60n);
        expect(meter.instructions).toBe(hart.instret);
        expect(meter.total).toBe(30 * 100 + (hart.instret - 30));
        expect(seenContexts[0]).toEqual({ mnemonic: 'host.add', rd: A1, rs1: A1, rs2: T0, imm: 0, bits: hostAdd(A1, A1, T0), instret: 2 });
        expect(seenContexts[29]!.instret).toBe(2 + 29 * 3);
      });

      it('should read and write guest memory through the port (permissions, faults with pc)', () => {
        const program = [...la(T0, DATA), A.addi(T1, 0, 0x102), A.slli(T1, T1, 8), A.addi(T1, T1, 3), A.sd(T1, T0, 0), hostReverse(T0, 3), A.ld(A0, T0, 0), ...la(T2, CODE), hostReverse(T2, 4), A.ebreak()];
        const { hart } = machine(program, { ...options, isa: WITH_XHOST });
        const error = thrown(() => hart.run(100)) as MemoryFault;
        expect(error).toBeInstanceOf(MemoryFault);
        expect([error.access, error.reason, error.pc]).toEqual(['write', 'permission', CODE + 40]);
        expect(hart.getX(A0)).toBe(0x030201n); // 01 02 03 reversed in memory
        expect([hart.pc, hart.instret]).toEqual([CODE + 40, 10]);
      });

      it('should end the run after the instruction when the hook stops, and go on from the next one', () => {
        const program = [A.addi(A0, 0, 1), hostStop(), A.addi(A0, A0, 1), A.ebreak()];
        const { hart } = machine(program, { ...options, isa: WITH_XHOST });
        const recorder = new Recorder();
        hart.observe(recorder);
        expect(hart.run(100)).toBe(StopReason.Stop);
        expect([hart.pc, hart.instret, recorder.pcs]).toEqual([CODE + 8, 2, [CODE, CODE + 4]]);
        expect(recorder.ops[1]).toBe(hart.isa.opOf('host.stop'));
        expect(hart.run(100)).toBe(StopReason.Ebreak);
        expect(hart.getX(A0)).toBe(2n);
      });

      it("should leave the hart at the instruction when the hook throws, not retired", () => {
        const program = [A.addi(A0, 0, 0), hostFail(A0), A.addi(A0, 0, 3), hostFail(A0), A.ebreak()];
        const { hart } = machine(program, { ...options, isa: WITH_XHOST });
        const error = thrown(() => hart.run(100)) as HostAssertion;
        expect(error).toBeInstanceOf(HostAssertion);
        expect([error.pc, hart.pc, hart.instret]).toEqual([CODE + 12, CODE + 12, 3]);
        expect(hart.getX(A2)).toBe(0x7fffffffffffffffn); // set by the first, passing, host.fail
      });

      it('should be an illegal instruction where the extension is not registered', () => {
        const { hart } = machine([hostStop()], options);
        expect(() => hart.run(10)).toThrow(/illegal instruction/);
      });
    });
  }
});

// ---------------------------------------------------------------- stop requests

describe('requestStop from a window write hook', () => {
  for (const options of ENGINES) {
    describe(`on the ${engineName(options)} tier`, () => {
      it('should stop right after the store in a hot loop, counting it, pc at the next instruction', () => {
        // tohost-style: the loop stores a0 to a watched word; the hook stops when a0 = 7.
        const program = [
          ...la(T0, DATA), A.addi(A0, 0, 20),
          A.addi(A1, A1, 1), A.sw(A0, T0, 0), A.addi(A0, A0, -1), A.bne(A0, 0, -12),
          A.ebreak(),
        ];
        for (const observer of [undefined, new Recorder(), new BlockCounter()]) {
          const { hart } = machine(program, options);
          if (observer) hart.observe(observer);
          hart.addIoWindow({ start: DATA, end: DATA + 4, write: (_a, _s, v) => (v === 7n ? hart.requestStop() : undefined) });
          expect(hart.run(10_000)).toBe(StopReason.Stop);
          const passes = 20 - 7 + 1;
          expect([hart.pc, hart.instret, hart.getX(A1), hart.getX(A0)]).toEqual([CODE + 20, 3 + 4 * (passes - 1) + 2, BigInt(passes), 7n]);
          if (observer instanceof Recorder) expect(observer.pcs).toHaveLength(hart.instret);
          if (observer instanceof BlockCounter) expect(observer.total).toBe(hart.instret);
          expect(hart.run(10_000)).toBe(StopReason.Ebreak);
          expect([hart.getX(A1), hart.instret]).toEqual([20n, 3 + 4 * 20 + 1]);
        }
      });

      it('should stop after an unbacked store (HTIF exit) and after an AMO, with its register written', () => {
        const program = [...la(T0, DEVICE), A.addi(A1, 0, 3), A.sd(A1, T0, 0), A.amo('swap', 'd', A0, T0, A1), A.addi(A2, 0, 1), A.ebreak()];
        const { hart } = machine(program, options);
        hart.addIoWindow({ start: DEVICE, end: DEVICE + 8, backed: false, read: () => 9n, write: () => hart.requestStop() });
        expect(hart.run(100)).toBe(StopReason.Stop);
        expect([hart.pc, hart.instret]).toEqual([CODE + 16, 4]);
        expect(hart.run(100)).toBe(StopReason.Stop);
        expect([hart.pc, hart.instret, hart.getX(A0), hart.getX(A2)]).toEqual([CODE + 20, 5, 9n, 0n]);
      });

      it('should prefer the stop when the stopping store is the last of the budget', () => {
        const program = [...la(T0, DATA), A.sw(T0, T0, 0), A.ebreak()];
        const { hart } = machine(program, options);
        hart.addIoWindow({ start: DATA, end: DATA + 4, write: () => hart.requestStop() });
        expect(hart.run(3)).toBe(StopReason.Stop);
        expect([hart.pc, hart.instret]).toEqual([CODE + 12, 3]);
      });

      it('should forget a request whose hook then threw, and honour one made between runs at once', () => {
        const program = [...la(T0, DATA), A.sw(T0, T0, 0), A.sw(T0, T0, 8), A.ebreak()];
        const { hart } = machine(program, options);
        hart.addIoWindow({
          start: DATA,
          end: DATA + 4,
          write: () => {
            hart.requestStop();
            throw new RangeError('bad store');
          },
        });
        expect(() => hart.run(100)).toThrow('bad store');
        expect([hart.pc, hart.instret]).toEqual([CODE + 8, 2]);
        hart.pc = CODE + 12;
        expect(hart.run(100)).toBe(StopReason.Ebreak);
        const before = hart.instret;
        hart.requestStop();
        expect(hart.run(100)).toBe(StopReason.Stop);
        expect(hart.instret).toBe(before);
      });
    });
  }
});

// ---------------------------------------------------------------- halt

describe('StopReason.Halt (the pc stalls)', () => {
  const stalls: [string, A.Item[], number, (h: ReturnType<typeof machine>['hart']) => void][] = [
    ['j .', [A.addi(A0, 0, 1), A.j(0)], CODE + 4, () => undefined],
    ['jal ra, . (ra written)', [A.addi(A0, 0, 1), A.jal(RA, 0)], CODE + 4, (h) => expect(h.getX(RA)).toBe(BigInt(CODE + 8))],
    ['c.j .', [A.addi(A0, 0, 1), A.cJ(0)], CODE + 4, () => undefined],
    ['a taken self-branch', [A.addi(A0, 0, 1), A.addi(A1, A1, 2), A.beq(A0, A0, 0)], CODE + 8, (h) => expect(h.getX(A1)).toBe(2n)],
    ['a self-branch after a hot loop', [A.addi(A0, 0, 30), A.addi(A0, A0, -1), A.bne(A0, 0, -4), A.bge(A0, 0, 0)], CODE + 12, () => undefined],
    ['jalr to itself', [A.auipc(T0, 0), A.addi(T0, T0, 8), A.jalr(0, T0, 0)], CODE + 8, () => undefined],
    ['c.jr to itself', [A.auipc(T0, 0), A.addi(T0, T0, 8), A.cJr(T0)], CODE + 8, () => undefined],
  ];
  for (const options of ENGINES) {
    describe(`on the ${engineName(options)} tier`, () => {
      for (const [name, program, at, check] of stalls) {
        it(`should halt on ${name}, after executing it once`, () => {
          const { hart } = machine(program, options);
          const recorder = new Recorder();
          hart.observe(recorder);
          expect(hart.run(1000)).toBe(StopReason.Halt);
          expect(hart.pc).toBe(at);
          expect(recorder.pcs.at(-1)).toBe(at);
          expect(recorder.pcs.filter((pc) => pc === at)).toHaveLength(1);
          expect(hart.instret).toBe(recorder.pcs.length);
          check(hart);
          expect(hart.run(1000)).toBe(StopReason.Halt); // once more: executes once again
          expect(hart.instret).toBe(recorder.pcs.length);
        });
      }

      it('should not halt on an untaken self-branch', () => {
        const { hart } = machine([A.addi(A0, 0, 1), A.beq(A0, 0, 0), A.ebreak()], options);
        expect(hart.run(10)).toBe(StopReason.Ebreak);
      });

      it("should halt on Jolt's ebreak, retired and observed", () => {
        const { hart } = machine([A.addi(A0, 0, 1), A.ebreak()], { ...options, trapMode: 'machine', machineProfile: JOLT_MACHINE_PROFILE });
        const recorder = new Recorder();
        hart.observe(recorder);
        expect(hart.run(10)).toBe(StopReason.Halt);
        expect([hart.pc, hart.instret, recorder.pcs]).toEqual([CODE + 4, 2, [CODE, CODE + 4]]);
      });
    });
  }
});

// ---------------------------------------------------------------- LR/SC rules

describe('reservationRule', () => {
  /** LR at DATA (width lr), optional store, SC at DATA + scOffset (width sc); a0 = SC's result. */
  const sequence = (lr: 'w' | 'd', sc: 'w' | 'd', options: { store?: boolean; scOffset?: number; secondSc?: boolean } = {}): A.Item[] => [
    ...la(T0, DATA),
    A.addi(T2, T0, options.scOffset ?? 0),
    A.addi(A1, 0, 5),
    lr === 'w' ? A.lrW(T1, T0) : A.lrD(T1, T0),
    ...(options.store ? [A.sw(A1, T0, 0)] : []),
    sc === 'w' ? A.scW(A0, T2, A1) : A.scD(A0, T2, A1),
    ...(options.secondSc ? [A.scD(A0, T2, A1)] : []),
    A.ebreak(),
  ];
  const scResult = (program: A.Item[], rule: 'riscv' | 'jolt', options: (typeof ENGINES)[number]): bigint => {
    const { hart } = machine(program, options);
    if (rule === 'jolt') hart.reservationRule = 'jolt';
    expect(hart.run(100)).toBe(StopReason.Ebreak);
    return hart.getX(A0);
  };

  for (const options of ENGINES) {
    describe(`on the ${engineName(options)} tier`, () => {
      it("should keep RISC-V's rule by default: any width at the address, a store in between clears it", () => {
        expect(scResult(sequence('w', 'd'), 'riscv', options)).toBe(0n);
        expect(scResult(sequence('d', 'w'), 'riscv', options)).toBe(0n);
        expect(scResult(sequence('d', 'd', { store: true }), 'riscv', options)).toBe(1n);
        expect(scResult(sequence('d', 'd', { scOffset: 8 }), 'riscv', options)).toBe(1n);
      });

      it("should follow Jolt's rule: width must cover the SC, stores do not clear, every SC does", () => {
        expect(scResult(sequence('d', 'w'), 'jolt', options)).toBe(0n);
        expect(scResult(sequence('d', 'd'), 'jolt', options)).toBe(0n);
        expect(scResult(sequence('w', 'w'), 'jolt', options)).toBe(0n);
        expect(scResult(sequence('w', 'd'), 'jolt', options)).toBe(1n);
        expect(scResult(sequence('d', 'd', { store: true }), 'jolt', options)).toBe(0n);
        expect(scResult(sequence('d', 'd', { scOffset: 8 }), 'jolt', options)).toBe(1n);
        expect(scResult(sequence('d', 'w', { secondSc: true }), 'jolt', options)).toBe(1n);
      });

      it('should store only when the SC succeeds', () => {
        const { hart, memory } = machine(sequence('w', 'd'), options);
        hart.reservationRule = 'jolt';
        expect(hart.run(100)).toBe(StopReason.Ebreak);
        expect(memory.read(DATA, 8)).toEqual(new Uint8Array(8));
      });
    });
  }
});

describe('several observers at once (addObserver)', () => {
  // 30 passes of a 3-instruction loop after one setup instruction, then ebreak.
  const program = [A.addi(A0, 0, 30), A.addi(A1, A1, 2), A.addi(A0, A0, -1), A.bne(A0, 0, -8), A.ebreak()];
  for (const options of ENGINES) {
    it(`should show every retired instruction to each observer, and stop showing a removed one (${engineName(options)})`, () => {
      const { hart } = machine(program, options);
      const pcs: number[] = [];
      const counter = new BlockCounter();
      const both = { seen: 0, counted: 0, instruction: () => void both.seen++, block: (_s: number, n: number) => void (both.counted += n) };
      hart.addObserver({ instruction: (pc) => void pcs.push(pc) });
      const removeCounter = hart.addObserver(counter);
      hart.addObserver(both);
      expect(hart.run(50)).toBe(StopReason.Budget);
      expect(pcs).toHaveLength(50);
      expect(pcs.slice(0, 5)).toEqual([CODE, CODE + 4, CODE + 8, CODE + 12, CODE + 4]);
      expect([counter.total, both.seen, both.counted]).toEqual([50, 50, 50]);
      removeCounter();
      expect(hart.run(1000)).toBe(StopReason.Ebreak);
      expect(counter.total).toBe(50);
      expect(pcs).toHaveLength(hart.instret);
      expect([both.seen, both.counted]).toEqual([hart.instret, hart.instret]);
    });
  }
});

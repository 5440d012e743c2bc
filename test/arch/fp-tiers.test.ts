/**
 * F and D in compiled code: the js tier's blocks and the wasm tier's regions run FP
 * instructions themselves (calling the one FP unit, or moving bits), and must give the
 * interpreter's registers, fflags, memory, instret, faults and exceptions exactly.
 *
 * Every program here runs with a translate threshold of 0 or 1, so the FP instructions
 * run inside compiled code (the first test checks that they do), and is compared with
 * the interpreter: random FP programs in loops, faulting FP loads and stores in the middle
 * of a block, dynamic rounding with frm changed between runs of one compiled block,
 * fflags accumulated across a block, and illegal instructions (a reserved rounding mode,
 * an invalid frm) raised from inside a block, in host and in machine trap mode.
 */
import { describe, expect, it } from 'vitest';
import { MemoryFault } from '../../src/arch/memory/types.js';
import type { RiscvHart, RiscvHartOptions } from '../../src/arch/riscv64/hart.js';
import { IllegalInstruction, StopReason } from '../../src/arch/riscv64/types.js';
import * as A from './asm.js';
import { CODE, DATA, DATA_PAGES, machine } from './machine.js';
import { Rng } from './reference.js';

const S = 0;
const D = 1;
const [RNE, RTZ, RDN, RUP, RMM, DYN] = [0, 1, 2, 3, 4, 7];
const NV = 16, DZ = 8, OF = 4, UF = 2, NX = 1;
const FFLAGS = 0x001, FRM = 0x002, FCSR = 0x003;
const MTVEC = 0x305, MEPC = 0x341, MCAUSE = 0x342;

const dbl = (x: number): bigint => new BigUint64Array(new Float64Array([x]).buffer)[0]!;
const sgl = (x: number): bigint => 0xffffffff00000000n | BigInt(new Uint32Array(new Float32Array([x]).buffer)[0]!);

const INTERPRETER: RiscvHartOptions = { engine: 'interpreter' };
/** The compiled engines, each compiling from the first or the second time a block start is reached. */
const COMPILED: readonly RiscvHartOptions[] = [
  { engine: 'js', translateThreshold: 0 },
  { engine: 'js', translateThreshold: 1 },
  { engine: 'wasm', translateThreshold: 0 },
  { engine: 'wasm', translateThreshold: 1 },
];
const nameOf = (o: RiscvHartOptions): string => `${o.engine}, threshold ${o.translateThreshold}`;

/** What a run leaves: how it ended and the whole architectural state. */
interface Outcome {
  stop: number | string;
  pc: number;
  instret: number;
  x: bigint[];
  f: bigint[];
  fcsr: bigint;
  data: Uint8Array;
}

function outcome(hart: RiscvHart, memory: ReturnType<typeof machine>['memory'], stop: number | string): Outcome {
  return {
    stop,
    pc: hart.pc,
    instret: hart.instret,
    x: Array.from({ length: 32 }, (_, i) => hart.getX(i)),
    f: Array.from({ length: 32 }, (_, i) => hart.getF(i)),
    fcsr: hart.readCsr(FCSR),
    data: memory.read(DATA, DATA_PAGES * 4096),
  };
}

/** Runs `program` on `options` from a state `setup` makes; a throw is part of the outcome. */
function runOn(options: RiscvHartOptions, program: readonly A.Item[], setup: (hart: RiscvHart) => void, budget = 100_000): Outcome {
  const m = machine(program, options);
  setup(m.hart);
  let stop: number | string;
  try {
    stop = m.hart.run(budget);
  } catch (e) {
    stop = `${(e as Error).name}: ${(e as Error).message}`;
  }
  return outcome(m.hart, m.memory, stop);
}

/** The program on every compiled engine gives the interpreter's outcome (returned). */
function sameAsInterpreter(program: readonly A.Item[], setup: (hart: RiscvHart) => void = () => {}, budget?: number): Outcome {
  const want = runOn(INTERPRETER, program, setup, budget);
  for (const options of COMPILED) {
    const got = runOn(options, program, setup, budget);
    expect(got.stop, nameOf(options)).toEqual(want.stop);
    expect(got.pc, nameOf(options)).toBe(want.pc);
    expect(got.instret, nameOf(options)).toBe(want.instret);
    expect(got.x, nameOf(options)).toEqual(want.x);
    expect(got.f, nameOf(options)).toEqual(want.f);
    expect(got.fcsr, nameOf(options)).toBe(want.fcsr);
    expect(Buffer.from(got.data).equals(Buffer.from(want.data)), `${nameOf(options)}: data memory`).toBe(true);
  }
  return want;
}

/** The byte size of assembled items (halfwords are 2). */
const size = (items: readonly A.Item[]): number => items.reduce<number>((n, item) => n + (typeof item === 'number' ? 4 : 2), 0);

describe('F and D in compiled blocks and regions', () => {
  it('compiles FP instructions into the block (js) and the region (wasm) instead of ending it', () => {
    const body = [
      A.fld(1, 30, 0), A.fadd(D, 2, 1, 1), A.fmul(D, 3, 2, 1, RNE), A.fdiv(D, 4, 3, 2, RTZ), A.fsqrt(D, 5, 4),
      A.fma4(0x43, D, 6, 1, 2, 3), A.fsgnj(D, 7, 6, 1, 1), A.fmvXF(D, 10, 7), A.fmvFX(S, 8, 10), A.fcmp(D, 11, 1, 2, 1),
      A.fclass(S, 12, 8), A.fcvtXF(D, 2, 13, 5, RTZ), A.fcvtFX(S, 0, 9, 13), A.fcvtSD(10, 5), A.flw(11, 30, 8),
      A.fsw(10, 30, 16), A.fsd(6, 30, 24), A.cFldsp(12, 8), A.cFsdsp(12, 32),
    ];
    for (const options of COMPILED.filter((o) => o.translateThreshold === 0)) {
      const m = machine([...body, A.ebreak()], options);
      m.hart.setX(30, BigInt(DATA));
      m.hart.setX(2, BigInt(DATA + 256));
      m.memory.writeU64(DATA, dbl(1.5));
      expect(m.hart.run(1000), nameOf(options)).toBe(StopReason.Ebreak);
      // One compiled block (or region entry) from CODE covers every FP instruction, up to ebreak.
      const block = m.hart.code.pageAt(CODE).blocks[0];
      expect(block?.n, nameOf(options)).toBe(body.length);
      expect(block?.offsets[body.length - 1], nameOf(options)).toBe(size(body.slice(0, -1)));
    }
    sameAsInterpreter([...body, A.ebreak()], (hart) => {
      hart.setX(30, BigInt(DATA));
      hart.setX(2, BigInt(DATA + 256));
    });
  });

  it('a faulting FP load or store (compressed ones too) in the middle of a block stops at its pc, the instructions before it retired', () => {
    const unmapped = BigInt(DATA + DATA_PAGES * 4096 + 0x10000);
    for (const access of [A.fld(1, 6, 8), A.flw(1, 6, 4), A.fsd(2, 6, 0), A.fsw(2, 6, 12), A.cFld(9, 8, 16), A.cFsd(10, 8, 24), A.cFldsp(11, 8), A.cFsdsp(12, 32)]) {
      const program = [A.addi(5, 0, 7), A.fadd(D, 3, 2, 2, RNE), access, A.addi(7, 0, 1), A.fadd(D, 4, 2, 2), A.ebreak()];
      const want = sameAsInterpreter(program, (hart) => {
        hart.setX(6, unmapped);
        hart.setX(8, unmapped);
        hart.setX(2, unmapped);
        hart.setF(2, dbl(1.25));
      });
      expect(want.stop).toMatch(/^MemoryFault/);
      expect(want.pc).toBe(CODE + 8);
      expect(want.instret).toBe(2);
      expect(want.x[5]).toBe(7n);
      expect(want.x[7]).toBe(0n);
      expect(want.f[3]).toBe(dbl(2.5));
      // The hart's own error carries the pc, on every engine.
      for (const options of COMPILED) {
        const m = machine(program, options);
        m.hart.setX(6, unmapped);
        m.hart.setX(8, unmapped);
        m.hart.setX(2, unmapped);
        let fault: unknown;
        try {
          m.hart.run(100);
        } catch (e) {
          fault = e;
        }
        expect(fault, nameOf(options)).toBeInstanceOf(MemoryFault);
        expect((fault as MemoryFault).pc, nameOf(options)).toBe(CODE + 8);
      }
    }
  });

  it('a loop of FP loads that runs off the data area faults on the exact pass and instruction', () => {
    // f2 += each double; the fourth pass's fld is past the end of the data area.
    const end = DATA + DATA_PAGES * 4096;
    const program = [
      A.fld(1, 6, 0), A.fadd(D, 2, 2, 1), A.fsd(2, 6, -2040), A.addi(6, 6, 8), A.addi(5, 5, -1), A.bne(5, 0, -20), A.ebreak(),
    ];
    const want = sameAsInterpreter(program, (hart) => {
      hart.setX(6, BigInt(end - 24));
      hart.setX(5, 10n);
      for (let i = 0; i < 3; i++) hart.memory.writeU64(end - 24 + 8 * i, dbl(0.1 * (i + 1)));
    });
    expect(want.stop).toMatch(/^MemoryFault/);
    expect(want.pc).toBe(CODE);
    expect(want.instret).toBe(18);
    expect(want.f[2]).toBe(dbl(0.1 + 0.2 + 0.30000000000000004));
  });

  it('FP CSR accesses are compiled in: frflags/flt/fsflags (a quiet compare) and fsrm then dyn rounding, in one block', () => {
    const body = [
      A.csrrs(6, FFLAGS, 0), A.fcmp(D, 7, 1, 2, 1), A.csrrw(0, FFLAGS, 6), // quiet flt: flags restored
      A.addi(5, 0, RUP), A.csrrw(8, FRM, 5), A.fadd(D, 3, 1, 4), A.csrrwi(9, FRM, RDN), A.fadd(D, 10, 1, 4),
      A.csrrsi(11, FCSR, 2), A.csrrci(12, FFLAGS, 1), A.csrrs(13, FCSR, 0), A.fmvXF(D, 14, 3), A.fmvXF(D, 15, 10),
    ];
    const program = [...body, A.ebreak()];
    const setup = (hart: RiscvHart): void => {
      hart.setF(1, dbl(1));
      hart.setF(2, 0x7ff8000000000000n); // a quiet NaN: flt raises NV, which fsflags undoes
      hart.setF(4, dbl(2 ** -60));
      hart.writeCsr(FFLAGS, 0x4n);
    };
    for (const options of COMPILED.filter((o) => o.translateThreshold === 0)) {
      const m = machine(program, options);
      setup(m.hart);
      expect(m.hart.run(1000)).toBe(StopReason.Ebreak);
      expect(m.hart.code.pageAt(CODE).blocks[0]?.n, nameOf(options)).toBe(body.length);
    }
    const want = sameAsInterpreter(program, setup);
    expect(want.x[7]).toBe(0n);
    expect(want.x[6]).toBe(4n);
    expect(want.x[8]).toBe(0n);
    expect(want.x[14]).toBe(dbl(1 + 2 ** -52));
    expect(want.x[15]).toBe(dbl(1));
    expect(want.x[11]).toBe(BigInt((RDN << 5) | 4 | NX));
    expect(want.x[13]).toBe(BigInt((RDN << 5) | 4 | UF));
  });

  it('an FP CSR a platform restricts is not compiled: the access is refused as the interpreter refuses it', () => {
    const program = [A.addi(5, 0, 1), A.fadd(D, 3, 1, 1), A.csrrs(6, FFLAGS, 0), A.addi(7, 0, 1), A.ebreak()];
    const outcomes = [INTERPRETER, ...COMPILED].map((options) => {
      const m = machine(program, options);
      m.hart.machine.mode.csrs.restrict((n) => n !== FFLAGS, 'no fflags here');
      try {
        return `stop ${m.hart.run(100)}`;
      } catch (e) {
        return `${(e as Error).name} at ${m.hart.pc} after ${m.hart.instret}: ${(e as Error).message}`;
      }
    });
    expect(outcomes[0]).toMatch(/no fflags here/);
    for (const o of outcomes) expect(o).toBe(outcomes[0]);
  });

  it('dynamic rounding reads frm when the instruction runs: one compiled block under every mode', () => {
    // for (x5 = 0; x5 < 5; x5++) { frm = x5; f3 = f1 + f2 (dyn); x10 = bits; store; fflags accrue }
    const program = [
      A.csrrw(0, FRM, 5),
      A.fadd(D, 3, 1, 2), A.fsub(S, 4, 5, 6), A.fmvXF(D, 10, 3), A.sd(10, 30, 0), A.fsw(4, 30, 8), A.addi(30, 30, 16),
      A.addi(5, 5, 1), A.blt(5, 7, -32),
      A.csrrs(11, FCSR, 0), A.ebreak(),
    ];
    const tiny = 2 ** -60;
    const want = sameAsInterpreter(program, (hart) => {
      hart.setX(7, 5n);
      hart.setX(30, BigInt(DATA));
      hart.setF(1, dbl(1));
      hart.setF(2, dbl(tiny));
      hart.setF(5, sgl(-1));
      hart.setF(6, sgl(2 ** -30));
    });
    expect(want.stop).toBe(StopReason.Ebreak);
    const view = new DataView(want.data.buffer, want.data.byteOffset);
    const results = [RNE, RTZ, RDN, RUP, RMM].map((rm) => view.getFloat64(16 * rm, true));
    expect(results).toEqual([1, 1, 1, 1 + 2 ** -52, 1]);
    const singles = [RNE, RTZ, RDN, RUP, RMM].map((rm) => view.getFloat32(16 * rm + 8, true));
    expect(singles).toEqual([-1, -1, -1 - 2 ** -23, -1, -1]);
    expect(want.x[11]).toBe(BigInt((RMM << 5) | NX));
  });

  it('fflags accrue across a block, over passes of a loop, and only where an instruction raises them', () => {
    const program = [
      A.csrrw(0, FFLAGS, 0),
      A.fadd(D, 10, 1, 2), // 1 + 2^-60: NX
      A.csrrs(20, FFLAGS, 0),
      A.fdiv(D, 11, 1, 0), // 1 / 0: DZ
      A.fsqrt(D, 12, 3), // sqrt(-1): NV
      A.fmul(D, 13, 4, 4), // huge²: OF | NX
      A.fmul(S, 14, 5, 5), // tiny² (single): UF | NX
      A.fsgnj(D, 15, 3, 3, 2), A.fmvXF(D, 6, 15), A.fcmp(D, 7, 1, 2, 2), // no flags
      A.csrrs(21, FFLAGS, 0),
      // A loop whose passes each add one flag to the ones before.
      A.csrrw(0, FFLAGS, 0),
      A.fminmax(D, 16, 1, 8, false), // signalling NaN operand: NV
      A.addi(9, 9, -1), A.bne(9, 0, -8),
      A.csrrs(22, FFLAGS, 0), A.ebreak(),
    ];
    const want = sameAsInterpreter(program, (hart) => {
      hart.setF(0, dbl(0));
      hart.setF(1, dbl(1));
      hart.setF(2, dbl(2 ** -60));
      hart.setF(3, dbl(-1));
      hart.setF(4, dbl(2 ** 1000));
      hart.setF(5, sgl(2 ** -100));
      hart.setF(8, 0x7ff4000000000000n);
      hart.setX(9, 5n);
    });
    expect(want.stop).toBe(StopReason.Ebreak);
    expect(want.x[20]).toBe(BigInt(NX));
    expect(want.x[21]).toBe(BigInt(NV | DZ | OF | UF | NX));
    expect(want.x[22]).toBe(BigInt(NV));
  });

  it('a reserved rounding mode, or dyn with an invalid frm, raises the illegal instruction from inside a block', () => {
    // Static rm 5 (and 6) in the middle of a block.
    for (const rm of [5, 6]) {
      const program = [A.addi(8, 0, 42), A.fadd(D, 3, 1, 1, RNE), A.fmul(D, 4, 1, 1, rm), A.addi(9, 0, 1), A.ebreak()];
      const want = sameAsInterpreter(program, (hart) => hart.setF(1, dbl(3)));
      expect(want.stop).toMatch(/^IllegalInstruction: .*reserved rounding mode/);
      expect([want.pc, want.instret, want.x[8], want.x[9], want.f[3]]).toEqual([CODE + 8, 2, 42n, 0n, dbl(6)]);
    }
    // dyn: a loop compiled while frm is valid, then frm = 5..7 set by the loop itself.
    const program = [
      A.addi(9, 9, 1), A.fadd(D, 3, 3, 1), A.fcvtXF(D, 2, 10, 3), A.fma4(0x43, S, 4, 5, 5, 5), A.addi(8, 8, 1), A.csrrw(0, FRM, 8), A.jal(0, -24),
      A.ebreak(),
    ];
    const want = sameAsInterpreter(program, (hart) => {
      hart.setF(1, dbl(0.75));
      hart.setF(5, sgl(1.5));
    });
    expect(want.stop).toMatch(/^IllegalInstruction: .*frm = 5/);
    expect(want.pc).toBe(CODE + 4);
    expect(want.x[9]).toBe(6n);
    expect(want.x[8]).toBe(5n);
    expect(want.f[3]).toBe(dbl(3.75));
    for (const options of COMPILED) {
      const m = machine(program, options);
      let error: unknown;
      try {
        m.hart.run(1000);
      } catch (e) {
        error = e;
      }
      expect(error, nameOf(options)).toBeInstanceOf(IllegalInstruction);
      expect((error as IllegalInstruction).pc, nameOf(options)).toBe(CODE + 4);
    }
  });

  it('in machine trap mode the illegal instruction traps to mtvec from inside a block, not retired', () => {
    const handler = 40;
    const program = [
      A.auipc(5, 0), A.addi(5, 5, handler), A.csrrw(0, MTVEC, 5), A.addi(6, 0, 5), // 0..12
      A.addi(8, 0, 42), A.fadd(D, 3, 1, 1), A.fsub(D, 4, 1, 1, 6), A.addi(9, 0, 1), A.ebreak(), // 16..32
      A.addi(0, 0, 0), // 36
      A.csrrs(10, MEPC, 0), A.csrrs(11, MCAUSE, 0), A.jal(0, 0), // 40: the handler, then a halt
    ];
    const setup = (hart: RiscvHart): void => hart.setF(1, dbl(2));
    for (const options of COMPILED) {
      const m = machine(program, { ...options, trapMode: 'machine' });
      setup(m.hart);
      const got = outcome(m.hart, m.memory, m.hart.run(1000));
      const ref = machine(program, { ...INTERPRETER, trapMode: 'machine' });
      setup(ref.hart);
      const wanted = outcome(ref.hart, ref.memory, ref.hart.run(1000));
      expect(wanted.stop).toBe(StopReason.Halt);
      expect([wanted.x[10], wanted.x[11], wanted.x[8], wanted.x[9], wanted.f[3]]).toEqual([BigInt(CODE + 24), 2n, 42n, 0n, dbl(4)]);
      expect(got, nameOf(options)).toEqual(wanted);
    }
  });
});

// ---------------------------------------------------------------------------- random programs

const EDGE_D = [
  0, -0, 1, -1, 0.5, 1.5, 3, 0.1, 2 ** -1074, -(2 ** -1074), 2 ** -1022, 2 ** -1022 - 2 ** -1074, Number.MAX_VALUE, -Number.MAX_VALUE,
  Infinity, -Infinity, NaN, 2 ** 53 + 2, 2 ** 63, -(2 ** 63), 2 ** 64, 4294967295.5, -2147483648.5, 1 + 2 ** -52, 1 - 2 ** -53, 1e300, 1e-300,
].map(dbl);
const EDGE_S = [
  0, -0, 1, -1, 0.5, 1.5, 0.1, 2 ** -149, 2 ** -126, 3.4028234663852886e38, Infinity, -Infinity, NaN, 2 ** 24 + 2, 2 ** 31, -(2 ** 31), 1 + 2 ** -23,
].map(sgl);
const SPECIAL = [0x7ff0000000000001n, 0xfff8000000000123n, 0xffffffff7f800001n, 0xffffffffffc00abcn, 0x000000003f800000n, 0x12345678_3f800000n];

function randomValue(rng: Rng): bigint {
  switch (rng.int(4)) {
    case 0:
      return rng.pick(EDGE_D);
    case 1:
      return rng.pick(EDGE_S);
    case 2:
      return rng.pick(SPECIAL);
    default:
      return rng.next64();
  }
}

/** x registers the programs may write: not sp (x2, the c.fldsp base), x30 (data base) or x31 (counter). */
const xDest = (rng: Rng): number => 5 + rng.int(24);
const fr = (rng: Rng): number => rng.int(32);
const rmOf = (rng: Rng): number => rng.pick([RNE, RTZ, RDN, RUP, RMM, DYN, DYN, DYN]);
const fmtOf = (rng: Rng): number => rng.int(2);

function randomFpInsn(rng: Rng): A.Item[] {
  switch (rng.int(20)) {
    case 0:
      return [rng.pick([A.fadd, A.fsub, A.fmul, A.fdiv])(fmtOf(rng), fr(rng), fr(rng), fr(rng), rmOf(rng))];
    case 1:
    case 2:
      return [rng.pick([A.fadd, A.fmul])(fmtOf(rng), fr(rng), fr(rng), fr(rng), rng.pick([RNE, DYN]))];
    case 3:
      return [A.fsqrt(fmtOf(rng), fr(rng), fr(rng), rmOf(rng))];
    case 4:
      return [A.fma4(rng.pick([0x43, 0x47, 0x4b, 0x4f]), fmtOf(rng), fr(rng), fr(rng), fr(rng), fr(rng), rmOf(rng))];
    case 5:
      return [A.fsgnj(fmtOf(rng), fr(rng), fr(rng), fr(rng), rng.int(3))];
    case 6:
      return [A.fminmax(fmtOf(rng), fr(rng), fr(rng), fr(rng), rng.int(2) === 1)];
    case 7:
      return [A.fcmp(fmtOf(rng), xDest(rng), fr(rng), fr(rng), rng.int(3))];
    case 8:
      return [A.fclass(fmtOf(rng), xDest(rng), fr(rng))];
    case 9:
      return [A.fmvXF(fmtOf(rng), xDest(rng), fr(rng))];
    case 10:
      return [A.fmvFX(fmtOf(rng), fr(rng), rng.int(31))];
    case 11:
      return [A.fcvtXF(fmtOf(rng), rng.int(4), xDest(rng), fr(rng), rmOf(rng))];
    case 12:
      return [A.fcvtFX(fmtOf(rng), rng.int(4), fr(rng), rng.int(31), rmOf(rng))];
    case 13:
      return [rng.int(2) === 0 ? A.fcvtSD(fr(rng), fr(rng), rmOf(rng)) : A.fcvtDS(fr(rng), fr(rng), rmOf(rng))];
    case 14: {
      // Any offset: misaligned ones take the port's slow path.
      const off = rng.int(2) === 0 ? 8 * (rng.int(256) - 128) : rng.int(2048) - 1024;
      return [rng.int(2) === 0 ? A.fld(fr(rng), 30, off) : A.flw(fr(rng), 30, off)];
    }
    case 15: {
      const off = rng.int(2) === 0 ? 8 * (rng.int(256) - 128) : rng.int(2048) - 1024;
      return [rng.int(2) === 0 ? A.fsd(fr(rng), 30, off) : A.fsw(fr(rng), 30, off)];
    }
    case 16:
      return [rng.int(2) === 0 ? A.cFldsp(fr(rng), 8 * rng.int(64)) : A.cFsdsp(fr(rng), 8 * rng.int(64))];
    case 17:
      // frm changes (a CSR instruction ends a block) and fflags reads.
      // frm changes and fflags reads and writes, in the block (all six Zicsr forms on the three FP CSRs).
      switch (rng.int(4)) {
        case 0:
          return [A.addi(29, 0, rng.int(5)), A.csrrw(xDest(rng), FRM, 29)];
        case 1:
          return [rng.pick([A.csrrs, A.csrrc, A.csrrw])(xDest(rng), rng.pick([FFLAGS, FCSR]), rng.pick([0, 29]))];
        case 2:
          return [rng.pick([A.csrrwi, A.csrrsi, A.csrrci])(xDest(rng), rng.pick([FFLAGS, FRM, FCSR]), rng.pick([0, 1, 2, 3, 4, 31 & ~0x18]))];
        default:
          return [A.csrrs(xDest(rng), FFLAGS, 0)];
      }
    case 18:
      return [A.addi(xDest(rng), rng.int(31), rng.int(4096) - 2048)];
    default:
      return [A.fadd(D, fr(rng), fr(rng), fr(rng), DYN), A.fmvXF(D, xDest(rng), fr(rng))];
  }
}

describe('random F/D programs: every compiled engine matches the interpreter', () => {
  for (let seed = 1; seed <= 40; seed++) {
    it(`registers, fcsr, memory and instret agree (seed ${seed})`, () => {
      const rng = new Rng(BigInt(seed) * 0x9e3779b97f4a7c15n);
      const body: A.Item[] = [];
      const length = 10 + rng.int(40);
      while (body.length < length) body.push(...randomFpInsn(rng));
      // loop: body; x31--; bne x31, x0, loop
      const program = [...body, A.addi(31, 31, -1), A.bne(31, 0, -size(body) - 4), A.ebreak()];
      const f = Array.from({ length: 32 }, () => randomValue(rng));
      const x = Array.from({ length: 32 }, () => rng.next64());
      const frm = rng.int(5);
      sameAsInterpreter(program, (hart) => {
        for (let i = 1; i < 29; i++) if (i !== 2) hart.setX(i, x[i]!);
        hart.setX(2, BigInt(DATA + 0x1000)); // c.fldsp/c.fsdsp base
        hart.setX(30, BigInt(DATA + 0x4000));
        hart.setX(31, 6n);
        for (let i = 0; i < 32; i++) hart.setF(i, f[i]!);
        hart.writeCsr(FRM, BigInt(frm));
        for (let i = 0; i < DATA_PAGES * 512; i += 7) hart.memory.writeU64(DATA + 8 * i, f[i & 31]!);
      });
    });
  }
});

describe('every OP-FP word in a compiled block does what the interpreter does, reserved encodings included', () => {
  it('random words of the OP-FP opcode, and the sign-injection and fmv groups with every funct3, rs2 and fmt', () => {
    const rng = new Rng(0x5eedf00dn);
    const words: number[] = [];
    for (let i = 0; i < 150; i++) words.push(((rng.int(0x2000000) << 7) | 0x53) >>> 0);
    for (const f5 of [0x04, 0x1c, 0x1e]) {
      for (let fmt = 0; fmt < 4; fmt++) {
        for (let f3 = 0; f3 < 8; f3++) {
          for (const rs2 of [0, 1, 3]) words.push(((f5 << 27) | (fmt << 25) | (rs2 << 20) | (3 << 15) | (f3 << 12) | (9 << 7) | 0x53) >>> 0);
        }
      }
    }
    for (const word of words) {
      sameAsInterpreter([A.addi(8, 8, 1), word, A.addi(9, 9, 1), A.ebreak()], (hart) => {
        for (let i = 0; i < 32; i++) hart.setF(i, i % 3 === 0 ? dbl(-1.5 * i) : i % 3 === 1 ? sgl(0.25 * i) : 0x7ff8000000000000n + BigInt(i));
        hart.setX(3, 0x8000000000001234n);
      });
    }
  });
});

describe("the wasm regions' own double fast paths (RNE) give the FP unit's bits and flags", () => {
  /** A normal double 2^e × 1.m with random sign and mantissa, e in [-lo, hi]. */
  const normal = (rng: Rng, spread = 60): bigint =>
    (BigInt(rng.int(2)) << 63n) | (BigInt(1023 + rng.int(2 * spread + 1) - spread) << 52n) | (rng.next64() & 0xfffffffffffffn);
  const fromBits = (bits: bigint): number => new Float64Array(new BigUint64Array([bits]).buffer)[0]!;

  it('fadd, fsub, fmul, fdiv, fsqrt and the four fused forms over random, near-cancelling and double-rounding operands', () => {
    const rng = new Rng(0xfa57n);
    const CASES = 200;
    const INPUT = DATA;
    const OUTPUT = DATA + 0x2000;
    const ops = [
      (rm: number) => A.fadd(D, 3, 1, 2, rm), (rm: number) => A.fsub(D, 3, 1, 2, rm), (rm: number) => A.fmul(D, 3, 1, 2, rm),
      (rm: number) => A.fdiv(D, 3, 1, 2, rm), (rm: number) => A.fsqrt(D, 3, 1, rm),
      ...[0x43, 0x47, 0x4b, 0x4f].map((opcode) => (rm: number) => A.fma4(opcode, D, 3, 1, 2, 4, rm)),
      // Singles: the low words of the first two operands (and of a product-scale third).
      (rm: number) => A.fadd(S, 3, 5, 6, rm), (rm: number) => A.fsub(S, 3, 5, 6, rm), (rm: number) => A.fmul(S, 3, 5, 6, rm),
      (rm: number) => A.fdiv(S, 3, 5, 6, rm), (rm: number) => A.fsqrt(S, 3, 5, rm), (rm: number) => A.fadd(S, 3, 5, 7, rm),
    ];
    // Each pass: three operands in, each operation's result and fflags out (16 bytes each).
    const body: A.Item[] = [A.fld(1, 30, 0), A.fld(2, 30, 8), A.fld(4, 30, 16), A.flw(5, 30, 0), A.flw(6, 30, 8), A.flw(7, 30, 20)];
    ops.forEach((op, i) => {
      body.push(A.csrrw(0, FFLAGS, 0), op(i % 2 === 0 ? DYN : RNE), A.fsd(3, 29, 16 * i), A.csrrs(5, FFLAGS, 0), A.sd(5, 29, 16 * i + 8));
    });
    body.push(A.addi(30, 30, 24), A.addi(29, 29, 16 * ops.length), A.addi(31, 31, -1));
    const program = [...body, A.bne(31, 0, -size(body)), A.ebreak()];
    const inputs: bigint[] = [];
    for (let i = 0; i < CASES; i++) {
      const a = normal(rng);
      const b = normal(rng);
      let c: bigint;
      switch (i % 4) {
        case 0:
          c = normal(rng);
          break;
        case 1: {
          // Nearly cancels the product (the hard cases), give or take a few ulps.
          const p = fromBits(a) * fromBits(b);
          c = dbl(-p) + BigInt(rng.int(7)) - 3n;
          break;
        }
        case 2:
          // A large accumulator plus a small product, and the reverse.
          c = dbl(fromBits(a) * 2 ** (rng.int(120) - 60));
          break;
        default:
          c = normal(rng, 3);
      }
      inputs.push(a, b, c);
    }
    // 1 + 2^-53 (1 ∓ 2^-60)-shaped sums just off the midpoint of 1 and 1 + 2^-52: rounding to odd decides.
    inputs.splice(0, 6, dbl(2 ** -53 * (1 + 2 ** -30)), dbl(1 - 2 ** -30), dbl(1), dbl(2 ** -53 * (1 + 2 ** -30)), dbl(1 + 2 ** -30), dbl(1));
    const want = sameAsInterpreter(program, (hart) => {
      hart.setX(30, BigInt(INPUT));
      hart.setX(29, BigInt(OUTPUT));
      hart.setX(31, BigInt(CASES));
      inputs.forEach((v, i) => hart.memory.writeU64(INPUT + 8 * i, v));
    }, 1_000_000);
    expect(want.stop).toBe(StopReason.Ebreak);
    const view = new DataView(want.data.buffer, want.data.byteOffset);
    const at = (k: number, op: number): [number, number] => [view.getFloat64(OUTPUT - DATA + 16 * (ops.length * k + op), true), Number(view.getBigUint64(OUTPUT - DATA + 16 * (ops.length * k + op) + 8, true))];
    // The double-rounding cases: fmadd gives 1, then 1 + 2^-52, both inexact.
    expect(at(0, 5)).toEqual([1, NX]);
    expect(at(1, 5)).toEqual([1 + 2 ** -52, NX]);
  });
});

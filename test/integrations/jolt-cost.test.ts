import { describe, expect, it } from 'vitest';
import * as A from '../arch/asm.js';
import { CODE, ENGINES, engineName, machine } from '../arch/machine.js';
import { StopReason } from '../../src/arch/riscv64/types.js';
import { STANDARD_EXTENSIONS, isaRegistry } from '../../src/arch/riscv64/isa/index.js';
import { CostAccounting } from '../../src/kernel/cost.js';
import type { Arch } from '../../src/kernel/contracts/arch.js';
import { EXIT_CODES } from '../../src/errors.js';
import {
  JOLT_COST_MODEL_NAME,
  JoltCostModel,
  JoltTraceTooLong,
  ZEROOS_TRAP_PATH_UNCOUNTED,
  joltCostReport,
  joltMaxRows,
  joltPadded,
  rowTableFor,
} from '../../src/integrations/jolt/cost-model.js';
import { JoltHostServices, joltExtension } from '../../src/integrations/jolt/instructions.js';
import { expected, runBareMetal } from './jolt-cost-harness.js';

/**
 * The fact sheet's row counts (§1.3, from Jolt's expansion recipes at a16z/jolt ff9f8c13),
 * written out here on their own so the guests' totals are computed from the sheet, not
 * from the cost model's table.
 */
const SHEET: Record<string, number> = {
  lui: 1, auipc: 1, jal: 1, bne: 1, addi: 1, addiw: 1, add: 1, sub: 1, slli: 1, srli: 1, srai: 1, slliw: 1,
  sll: 2, srl: 2, sra: 2, sllw: 2, srliw: 3, sraiw: 3, srlw: 5, sraw: 5,
  ld: 1, sd: 1, lw: 6, lwu: 9, lh: 9, lhu: 9, lb: 8, lbu: 8, sb: 13, sh: 14, sw: 15, fence: 1,
  mul: 1, mulh: 7, mulhsu: 11, mulhu: 1, mulw: 1, div: 24, divu: 8, rem: 24, remu: 7, divw: 21, divuw: 11, remw: 21, remuw: 9,
  'amoadd.w': 19, 'amoadd.d': 4, 'amoswap.d': 3, 'amomax.w': 24, 'lr.d': 5, 'sc.d': 16, 'lr.w': 10, 'sc.w': 37,
  // CSRRW: rd = x0 1, rd == rs1 3, else 2; CSRRS: rs1 = x0 1, rd = x0 1, rd == rs1 3, else 2.
  'csrrw rd=x0': 1, 'csrrw rd=rs1': 3, csrrw: 2, 'csrrs rs1=x0': 1, 'csrrs rd=x0': 1, 'csrrs rd=rs1': 3, csrrs: 2,
  // §1.2: rd = x0 on a side-effect-free kind is one ADDI row; a load keeps its rows.
  'rd=x0 alu': 1,
};

/** [sheet entry, times] for each instruction the guest's header lists as executed. */
type Executed = readonly (readonly [string, number])[];

// guests/zkvm/src/jolt_mix1.S, in execution order (compressed ones under their 32-bit form).
const MIX1: Executed = [
  ['auipc', 1], ['addi', 1], ['addi', 2], ['add', 1], ['sub', 1], ['sll', 1], ['slli', 1], ['srl', 1], ['sra', 1],
  ['srli', 1], ['srai', 1], ['sllw', 1], ['slliw', 1], ['srlw', 1], ['sraw', 1], ['srliw', 1], ['sraiw', 1],
  ['sd', 1], ['ld', 1], ['sw', 1], ['lw', 1], ['lwu', 1], ['sh', 1], ['lh', 1], ['lhu', 1], ['sb', 1], ['lb', 1], ['lbu', 1],
  ['rd=x0 alu', 3], // add x0, sll x0, srlw x0
  ['lw', 1], // lw x0: a load keeps its 6 rows
  ['lui', 1], ['addiw', 1], ['fence', 1],
  ['addi', 1], ['slli', 1], ['add', 1], ['add', 1], ['addi', 1], ['ld', 1], ['sw', 1], ['lw', 1], ['srli', 1], // c.li c.slli c.add c.mv c.addi c.ld c.sw c.lw c.srli
  ['rd=x0 alu', 1], // c.nop = addi x0, x0, 0
  ['addi', 1], ['addi', 4], ['bne', 4], // the loop
  ['auipc', 1], ['addi', 1], ['addi', 1], ['sb', 1], ['jal', 1], // termination store, j .
];

// guests/zkvm/src/jolt_mix2.S.
const MIX2: Executed = [
  ['auipc', 1], ['addi', 1], ['addi', 3],
  ['mul', 1], ['mulh', 1], ['mulhsu', 1], ['mulhu', 1], ['mulw', 1], ['div', 1], ['divu', 1], ['rem', 1], ['remu', 1],
  ['divw', 1], ['divuw', 1], ['remw', 1], ['remuw', 1],
  ['rd=x0 alu', 2], // div x0, mulh x0
  ['div', 1], // by zero: the same recipe
  ['amoadd.w', 1], ['amoadd.d', 1], ['amoswap.d', 1], ['amomax.w', 1], ['amoadd.d', 1], // the last with rd = x0: keeps its rows
  ['lr.d', 1], ['sc.d', 1], ['lr.w', 1], ['sc.w', 2], // one succeeds, one fails: the same rows
  ['csrrw rd=x0', 1], ['csrrs rs1=x0', 1], ['csrrw', 1], ['csrrs', 1], ['csrrs rd=x0', 1], ['csrrw rd=rs1', 1], ['csrrs rd=rs1', 1],
  ['addi', 1], ['mul', 3], ['addi', 3], ['bne', 3],
  ['auipc', 1], ['addi', 1], ['addi', 1], ['sb', 1], ['jal', 1],
];

const sheetRows = (list: Executed): number => list.reduce((sum, [kind, times]) => sum + SHEET[kind]! * times, 0);
const instructions = (list: Executed): number => list.reduce((sum, [, times]) => sum + times, 0);

describe('joltPadded', () => {
  it('should pad as the prover does: 256 at least, else the next power of two above the length', () => {
    const cases: [number, number][] = [[0, 256], [1, 256], [255, 256], [256, 512], [511, 512], [512, 1024], [194, 256], [376, 512], [2 ** 24 - 1, 2 ** 24], [2 ** 24, 2 ** 25]];
    expect(cases.map(([n]) => joltPadded(n))).toEqual(cases.map(([, p]) => p));
  });
});

describe('joltMaxRows', () => {
  it('should be the longest trace whose padded length fits max_trace_length', () => {
    expect(joltMaxRows(2 ** 24)).toBe(2 ** 24 - 1);
    expect(joltPadded(joltMaxRows(2 ** 24))).toBe(2 ** 24);
    expect(joltPadded(joltMaxRows(2 ** 24) + 1)).toBeGreaterThan(2 ** 24);
    expect(joltMaxRows(1000)).toBe(511); // 512 rows would pad to 1024 > 1000
    expect(joltMaxRows(256)).toBe(255);
    expect(joltMaxRows(255)).toBe(-1); // no trace pads below 256
  });
});

describe('JoltRowTable', () => {
  const isa = isaRegistry({ extensions: [...STANDARD_EXTENSIONS, joltExtension(new JoltHostServices())] });
  const table = rowTableFor(isa);
  const rows = (word: number): number => {
    const info = isa.decode(word);
    return table.cost(info & 0x7f, info);
  };
  const half = (h: A.Half): number => {
    const info = isa.decodeCompressed(h.half);
    return table.cost(info & 0x7f, info);
  };

  describe('when rd is x0', () => {
    it('should price a side-effect-free instruction at one row', () => {
      expect([rows(A.add(0, 5, 6)), rows(A.div(0, 5, 6)), rows(A.mulh(0, 5, 6)), rows(A.sll(0, 5, 6)), rows(A.sraw(0, 5, 6)), rows(A.lui(0, 5)), rows(A.auipc(0, 1))]).toEqual([1, 1, 1, 1, 1, 1, 1]);
    });
    it('should keep the rows of loads, AMOs, jumps and system instructions', () => {
      expect([rows(A.lw(0, 5, 0)), rows(A.lb(0, 5, 0)), rows(A.amo('add', 'w', 0, 5, 6)), rows(A.jal(0, 8)), rows(A.jalr(0, 1, 0)), rows(A.ecall())]).toEqual([6, 8, 19, 1, 1, 7]);
    });
  });

  describe('when rd is a register', () => {
    it("should price each instruction at its recipe's rows", () => {
      expect([rows(A.div(5, 6, 7)), rows(A.divu(5, 6, 7)), rows(A.remuw(5, 6, 7)), rows(A.sll(5, 6, 7)), rows(A.srlw(5, 6, 7)), rows(A.lwu(5, 6, 0)), rows(A.sh(5, 6, 0))]).toEqual([24, 8, 9, 2, 5, 9, 14]);
      expect([rows(A.amo('swap', 'w', 5, 6, 7)), rows(A.amo('minu', 'd', 5, 6, 7)), rows(A.scW(5, 6, 7)), rows(A.lrW(5, 6))]).toEqual([18, 7, 37, 10]);
      expect([rows(A.ebreak()), rows(A.mret()), rows(A.fence()), rows(A.fenceI()), rows(A.ecall())]).toEqual([1, 1, 1, 1, 7]);
    });
    it('should not let the immediate change a count', () => {
      expect([rows(A.slli(5, 6, 0)), rows(A.slli(5, 6, 63)), rows(A.srliw(5, 6, 1)), rows(A.srliw(5, 6, 31))]).toEqual([1, 1, 3, 3]);
    });
  });

  describe('CSRRW and CSRRS', () => {
    const MSCRATCH = 0x340;
    it('should follow the rd = x0, rs1 = x0 and rd == rs1 cases', () => {
      expect([rows(A.csrrw(0, MSCRATCH, 5)), rows(A.csrrw(5, MSCRATCH, 5)), rows(A.csrrw(5, MSCRATCH, 6))]).toEqual([1, 3, 2]);
      expect([rows(A.csrrs(5, MSCRATCH, 0)), rows(A.csrrs(0, MSCRATCH, 5)), rows(A.csrrs(5, MSCRATCH, 5)), rows(A.csrrs(5, MSCRATCH, 6)), rows(A.csrrs(0, MSCRATCH, 0))]).toEqual([1, 1, 3, 2, 1]);
    });
  });

  describe('compressed instructions', () => {
    it('should cost what their 32-bit forms cost', () => {
      expect([half(A.cLwsp(5, 8)), half(A.cSwsp(5, 8)), half(A.cLdsp(5, 8)), half(A.cSdsp(5, 8)), half(A.cNop()), half(A.cAdd(5, 6)), half(A.cMv(5, 6))]).toEqual([6, 15, 1, 1, 1, 1, 1]);
    });
  });

  describe("Jolt's custom instructions", () => {
    const custom = (f3: number, f7 = 0, rd = 5): number => A.rType(f7, 0, 6, f3, rd, 0x5b);
    it('should price the 0x5B instructions and the inlines', () => {
      expect([custom(0, 0), custom(0, 1), custom(0, 2), custom(0, 3), custom(0, 4), custom(0, 5), custom(1), custom(2, 0, 0)].map(rows)).toEqual([3, 3, 3, 1, 1, 1, 1, 1]);
      expect([A.rType(0, 11, 10, 0, 0, 0x0b), A.rType(0, 11, 10, 1, 0, 0x0b), A.rType(1, 0, 10, 0, 0, 0x0b)].map(rows)).toEqual([2300, 2260, 3260]);
      expect([A.rType(2, 11, 10, 0, 0, 0x0b), A.rType(3, 11, 10, 0, 0, 0x0b), A.rType(3, 11, 10, 1, 12, 0x0b)].map(rows)).toEqual([1067, 648, 646]);
    });
    it('should keep an advice load and an inline at their rows with rd = x0', () => {
      expect([rows(custom(0, 0, 0)), rows(A.rType(1, 0, 10, 0, 0, 0x0b))]).toEqual([3, 3260]);
    });
  });
});

describe('JoltCostModel', () => {
  describe('on the instruction-mix guests (rows computed by hand from the sheet)', () => {
    for (const options of ENGINES) {
      describe(`on the ${engineName(options)} tier`, () => {
        it(`should count jolt_mix1's ${sheetRows(MIX1)} rows and ${instructions(MIX1)} instructions`, () => {
          const run = runBareMetal('jolt_mix1', options);
          expect(run.stop).toBe(StopReason.Halt);
          expect([run.rows, run.instructions]).toEqual([sheetRows(MIX1), instructions(MIX1)]);
          expect(run.rows).toBe(194); // the guest header's total
          expect(joltPadded(run.rows)).toBe(256);
          expect(expected('jolt_mix1', 'rows')).toBe(`instructions ${run.instructions}\nrows ${run.rows}\npadded ${joltPadded(run.rows)}\n`);
          expect(run.termination).toBe(1);
        });

        it(`should count jolt_mix2's ${sheetRows(MIX2)} rows and ${instructions(MIX2)} instructions`, () => {
          const run = runBareMetal('jolt_mix2', options);
          expect(run.stop).toBe(StopReason.Halt);
          expect([run.rows, run.instructions]).toEqual([sheetRows(MIX2), instructions(MIX2)]);
          expect(run.rows).toBe(376);
          expect(joltPadded(run.rows)).toBe(512);
          expect(expected('jolt_mix2', 'rows')).toBe(`instructions ${run.instructions}\nrows ${run.rows}\npadded ${joltPadded(run.rows)}\n`);
          expect(run.termination).toBe(1);
        });
      });
    }
  });

  describe('.limit', () => {
    /** `count` addi, then `j .`: count + 1 rows. */
    function straightLine(count: number, maxTraceLength: number, options = ENGINES[0]!) {
      const program = [...Array.from({ length: count }, () => A.addi(5, 5, 1)), A.j(0)];
      const { hart } = machine(program, options);
      const model = new JoltCostModel({ maxTraceLength, isa: hart.isa });
      const accounting = new CostAccounting({ hart } as unknown as Arch, model);
      accounting.onBoot();
      return { hart, model, accounting };
    }

    for (const options of ENGINES) {
      it(`should let a trace of exactly 255 rows run under max_trace_length 256 (${engineName(options)})`, () => {
        const { hart, accounting } = straightLine(254, 256, options);
        expect(hart.run(10_000)).toBe(StopReason.Halt);
        expect(accounting.total).toBe(255);
      });

      it(`should stop the 256th row under max_trace_length 256 with JoltTraceTooLong, exit 82 (${engineName(options)})`, () => {
        const { hart, accounting } = straightLine(255, 256, options);
        let error: unknown;
        try {
          hart.run(10_000);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(JoltTraceTooLong);
        const e = error as JoltTraceTooLong;
        expect([e.rows, e.padded, e.maxTraceLength, e.exitCode, e.pc]).toEqual([256, 512, 256, EXIT_CODES.zkvmRejected, CODE + 255 * 4]);
        expect(e.message).toMatch(/^Execution trace length \(256 cycles, padded to 512\) exceeds max_trace_length \(256\)/);
        expect(accounting.total).toBe(256);
      });
    }

    it('should refuse jolt_mix2 (376 rows) under max_trace_length 256 and not under 512', () => {
      expect(new JoltCostModel({ maxTraceLength: 512 }).limit).toBeGreaterThanOrEqual(376);
      expect(new JoltCostModel({ maxTraceLength: 256 }).limit).toBeLessThan(376);
      expect(new JoltCostModel().limit).toBe(2 ** 24 - 1);
    });
  });

  describe('.ecalls', () => {
    it('should count the ECALLs it prices (7 rows each)', () => {
      const { hart } = machine([A.addi(17, 0, 1), A.ecall()], ENGINES[0]!);
      const model = new JoltCostModel({ isa: hart.isa });
      const accounting = new CostAccounting({ hart } as unknown as Arch, model);
      accounting.onBoot();
      expect(hart.run(10)).toBe(StopReason.Ecall);
      expect([model.ecalls, accounting.total]).toEqual([1, 8]);
    });
  });
});

describe('JoltRunParts', () => {
  it("should report jolt_cycles' cycles, padded length and spans together", () => {
    const run = runBareMetal('jolt_cycles');
    const report = run.parts.report();
    expect(report.lines).toEqual([
      ['cycles', '97 (Jolt trace rows (a16z/jolt ff9f8c13))'],
      ['padded', '256'],
      ['span span_a', '28 rows: 8 RV64IMAC cycles + 20 virtual instructions'],
      ['span span_b', '25 rows: 6 RV64IMAC cycles + 19 virtual instructions'],
    ]);
    expect(report.data).toMatchObject({ cycles: 97, padded: 256, maxTraceLength: 2 ** 24, trapMode: 'machine', warnings: [] });
    expect((report.data['spans'] as { label: string }[]).map((s) => s.label)).toEqual(['span_a', 'span_b']);
  });
});

describe('joltCostReport', () => {
  it('should print cycles with the model and commit, then padded (machine trap mode)', () => {
    const report = joltCostReport({ rows: 194, trapMode: 'machine' });
    expect(report.lines).toEqual([
      ['cycles', '194 (Jolt trace rows (a16z/jolt ff9f8c13))'],
      ['padded', '256'],
    ]);
    expect(report.data).toMatchObject({ cycles: 194, padded: 256, model: JOLT_COST_MODEL_NAME });
  });

  it('should say in host trap mode that the trap path is not counted and estimate it per syscall', () => {
    const report = joltCostReport({ rows: 1000, trapMode: 'host', ecalls: 3 });
    expect(report.lines[0]).toEqual(['cycles', '1000 (Jolt trace rows (a16z/jolt ff9f8c13); host trap mode: the in-guest trap path is not counted)']);
    expect(report.lines[1]).toEqual(['padded', '1024']);
    expect(ZEROOS_TRAP_PATH_UNCOUNTED).toBe(96);
    expect(report.lines[2]![0]).toBe('trap path');
    expect(report.lines[2]![1]).toMatch(/^~96 rows per syscall not counted .*ECALL 7 counted \+ save 55 \+ restore 41, handler body excluded; ZeroOS c4087a82 trap\.rs:175-294\): 3 syscalls, ~288 rows, ~1288 cycles in all \(padded 2048\)$/);
    expect(report.data['trapPath']).toEqual({ perSyscall: 96, ecall: 7, save: 55, restore: 41, syscalls: 3, estimatedRows: 288, estimatedCycles: 1288 });
  });
});

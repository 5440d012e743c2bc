import { describe, expect, it } from 'vitest';
import { MemoryFault } from '../../src/arch/memory/types.js';
import { JOLT_MACHINE_PROFILE } from '../../src/arch/riscv64/csr/index.js';
import { MISA_RV64IMAC, MISA_RV64IMAFDC } from '../../src/arch/riscv64/csr/numbers.js';
import {
  type Extension,
  IsaRegistry,
  RV64I,
  RV64M,
  STANDARD_EXTENSIONS,
  ZICSR,
  isaRegistry,
} from '../../src/arch/riscv64/isa/index.js';
import { CostMeter, type InstructionObserver, decodedForm } from '../../src/arch/riscv64/observer.js';
import { HWCAP_RV64IMAC, IllegalInstruction, RefusedInstruction, StopReason } from '../../src/arch/riscv64/types.js';
import { EXIT_CODES } from '../../src/errors.js';
import * as A from './asm.js';
import { CODE, DATA, DATA_PAGES, ENGINES, engineName, machine } from './machine.js';

const T0 = 5;
const T1 = 6;
const A0 = 10;
const A1 = 11;

/** rd = address (below 2^31) with lui/addi. */
function la(rd: number, address: number): number[] {
  const hi = (address + 0x800) >>> 12;
  return [A.lui(rd, hi), A.addi(rd, rd, address - hi * 4096)];
}

/** Records every retired instruction's pc and mnemonic. */
class Recorder implements InstructionObserver {
  readonly pcs: number[] = [];
  readonly infos: number[] = [];
  readonly bits: number[] = [];
  instruction(pc: number, bits: number, info: number): void {
    this.pcs.push(pc);
    this.bits.push(bits);
    this.infos.push(info);
  }
}

describe('MemoryPort I/O windows', () => {
  for (const options of ENGINES) {
    describe(`on the ${engineName(options)} tier`, () => {
      it('should call the write hook for an 8-byte store that overlaps the window by one byte', () => {
        const program = [...la(T0, DATA), A.addi(T1, 0, -1), A.sd(T1, T0, 0), A.sd(T1, T0, 8), A.ebreak()];
        const { hart, memory } = machine(program, options);
        const writes: [number, number, bigint][] = [];
        hart.addIoWindow({ start: DATA + 7, end: DATA + 8, write: (a, s, v) => writes.push([a, s, v]) });
        expect(hart.run(100)).toBe(StopReason.Ebreak);
        expect(writes).toEqual([[DATA, 8, 0xffffffffffffffffn]]); // sd at DATA+8 does not touch it
        expect(memory.read(DATA, 8)).toEqual(new Uint8Array(8).fill(0xff)); // the bytes landed too
      });

      it('should let the read hook answer a misaligned load that overlaps the window', () => {
        const program = [...la(T0, DATA), A.lw(A0, T0, 0x12), A.lw(A1, T0, 0x20), A.ebreak()];
        const { hart } = machine(program, options);
        const reads: [number, number][] = [];
        hart.addIoWindow({
          start: DATA + 0x15,
          end: DATA + 0x16,
          read: (a, s) => {
            reads.push([a, s]);
            return 0x87654321n;
          },
        });
        expect(hart.run(100)).toBe(StopReason.Ebreak);
        expect(reads).toEqual([[DATA + 0x12, 4]]);
        expect(hart.getX(A0)).toBe(0xffffffff87654321n); // lw sign-extends what the window gave
        expect(hart.getX(A1)).toBe(0n);
      });

      it('should not call the hook for a store that faults', () => {
        const end = DATA + DATA_PAGES * 4096; // the first unmapped byte
        const program = [...la(T0, end - 4), A.sd(T0, T0, 0), A.ebreak()];
        const { hart } = machine(program, options);
        const writes: number[] = [];
        hart.addIoWindow({ start: end - 4, end, write: (a) => writes.push(a) });
        expect(() => hart.run(100)).toThrow(MemoryFault);
        expect(writes).toEqual([]);
        expect(hart.pc).toBe(CODE + 8);
        expect(hart.instret).toBe(2);
      });

      it('should see every store of a hot loop (inside compiled blocks) and leave other pages on the fast path', () => {
        const program = [
          ...la(T0, DATA), ...la(T1, DATA + 4096), A.addi(A0, 0, 100),
          A.sw(A0, T0, 4), A.sw(A0, T1, 0), A.addi(A0, A0, -1), A.bne(A0, 0, -12),
          A.ebreak(),
        ];
        const { hart, memory } = machine(program, options);
        const writes: bigint[] = [];
        hart.addIoWindow({ start: DATA + 4, end: DATA + 8, write: (_a, _s, v) => writes.push(v) });
        expect(hart.run(10_000)).toBe(StopReason.Ebreak);
        expect(writes).toHaveLength(100);
        expect(writes[0]).toBe(100n);
        expect(writes[99]).toBe(1n);
        expect(memory.read(DATA + 4096, 4)).toEqual(new Uint8Array([1, 0, 0, 0]));
        expect(hart.instret).toBe(5 + 4 * 100 + 1);
      });

      it('should report a hook that throws at the storing instruction, with what came before retired', () => {
        const program = [...la(T0, DATA), A.addi(A0, 0, 7), A.sw(A0, T0, 0), A.addi(A1, 0, 1), A.ebreak()];
        const { hart } = machine(program, options);
        hart.addIoWindow({
          start: DATA,
          end: DATA + 4,
          write: () => {
            throw new RangeError('panic word written');
          },
        });
        expect(() => hart.run(100)).toThrow('panic word written');
        expect(hart.pc).toBe(CODE + 12);
        expect(hart.instret).toBe(3);
        expect(hart.getX(A0)).toBe(7n);
      });
    });
  }
});

describe('InstructionObserver', () => {
  for (const options of ENGINES) {
    describe(`on the ${engineName(options)} tier`, () => {
      it('should see exactly the retired instructions, in hot loops, through an ecall stop', () => {
        const program = [A.addi(A0, 0, 50), A.addi(A1, A1, 3), A.addi(A0, A0, -1), A.bne(A0, 0, -8), A.ecall(), A.ebreak()];
        const { hart } = machine(program, options);
        const recorder = new Recorder();
        hart.observe(recorder);
        expect(hart.run(1000)).toBe(StopReason.Ecall);
        expect(recorder.pcs).toHaveLength(hart.instret);
        expect(hart.instret).toBe(1 + 3 * 50 + 1);
        expect(recorder.pcs.slice(0, 4)).toEqual([CODE, CODE + 4, CODE + 8, CODE + 12]);
        expect(recorder.pcs.at(-1)).toBe(CODE + 16);
        expect(recorder.bits.at(-1)).toBe(A.ecall());
        const isa = isaRegistry();
        expect(decodedForm(isa, recorder.infos[1]!, 3)).toMatchObject({ mnemonic: 'addi', rd: A1, rs1: A1, imm: 3 });
      });

      it('should not see a faulting instruction, nor anything after it', () => {
        const program = [A.addi(A0, 0, 1), A.addi(A1, 0, 2), A.ld(A0, 0, 8), A.addi(A1, 0, 3), A.ebreak()];
        const { hart } = machine(program, options);
        const recorder = new Recorder();
        hart.observe(recorder);
        expect(() => hart.run(100)).toThrow(MemoryFault);
        expect(recorder.pcs).toEqual([CODE, CODE + 4]);
        expect(hart.instret).toBe(2);
      });

      it('should give block counts that add up to instret, also when a block faults', () => {
        const program = [A.addi(A0, 0, 30), A.addi(A1, A1, 3), A.addi(A0, A0, -1), A.bne(A0, 0, -8), A.addi(A1, 0, 1), A.ld(A0, 0, 8), A.ebreak()];
        const { hart } = machine(program, options);
        const counts: number[] = [];
        hart.observe({ block: (_start, count) => counts.push(count) });
        expect(() => hart.run(1000)).toThrow(MemoryFault);
        expect(hart.instret).toBe(1 + 3 * 30 + 1);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(hart.instret);
        // Whole blocks at a time (an observed wasm run is the js tier's).
        if (options.engine !== 'interpreter') expect(Math.max(...counts)).toBeGreaterThan(1);
        else expect(new Set(counts)).toEqual(new Set([1]));
      });

      it('should stop costing anything once detached (the ordinary tier again)', () => {
        const program = [A.addi(A0, 0, 10), A.addi(A0, A0, -1), A.bne(A0, 0, -4), A.ebreak()];
        const { hart } = machine(program, options);
        const recorder = new Recorder();
        hart.observe(recorder);
        hart.run(5);
        hart.observe(undefined);
        expect(hart.run(100)).toBe(StopReason.Ebreak);
        expect(recorder.pcs).toHaveLength(5);
        expect(hart.instret).toBe(1 + 2 * 10 + 1);
      });
    });
  }
});

describe('CostMeter', () => {
  for (const options of ENGINES) {
    it(`should sum a cost model exactly on the ${engineName(options)} tier`, () => {
      // 10 passes of (mul, addi, bne) + li + ebreak: 10 muls at 2, 22 others at 1.
      const program = [A.addi(A0, 0, 10), A.mul(A1, A0, A0), A.addi(A0, A0, -1), A.bne(A0, 0, -8), A.ebreak()];
      const { hart } = machine(program, options);
      const isa = isaRegistry();
      const mul = isa.opOf('mul');
      const meter = new CostMeter({ cost: (op) => (op === mul ? 2 : 1) });
      hart.observe(meter);
      expect(hart.run(1000)).toBe(StopReason.Ebreak);
      expect(meter.instructions).toBe(hart.instret);
      expect(meter.total).toBe(10 * 2 + 22);
    });
  }
});

describe('refused instructions', () => {
  for (const options of ENGINES) {
    describe(`on the ${engineName(options)} tier`, () => {
      it('should raise RefusedInstruction naming the instruction, the pc and the reason', () => {
        const program = [A.addi(A0, 0, 1), A.wfi(), A.ebreak()];
        const { hart } = machine(program, { ...options, isa: { refuse: [{ mnemonic: 'wfi', reason: 'Jolt does not accept WFI' }] } });
        let error: unknown;
        try {
          hart.run(100);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(RefusedInstruction);
        const refused = error as RefusedInstruction;
        expect([refused.mnemonic, refused.pc, refused.reason, refused.exitCode]).toEqual([
          'wfi', CODE + 4, 'Jolt does not accept WFI', EXIT_CODES.zkvmRejected,
        ]);
        expect(hart.instret).toBe(1);
        expect(hart.pc).toBe(CODE + 4);
      });

      it('should refuse every instruction of a refused extension, also after a hot loop', () => {
        const program = [A.addi(A0, 0, 20), A.addi(A0, A0, -1), A.bne(A0, 0, -4), A.mul(A1, A0, A0), A.ebreak()];
        const { hart } = machine(program, { ...options, isa: { refuse: [{ extension: 'm', reason: 'no multiplier' }] } });
        expect(() => hart.run(1000)).toThrow(/mul .* is refused: no multiplier/);
        expect(hart.pc).toBe(CODE + 12);
        expect(hart.instret).toBe(1 + 2 * 20);
      });
    });
  }
});

describe('a refused C extension', () => {
  for (const options of ENGINES) {
    it(`should refuse the first halfword instruction on the ${engineName(options)} tier`, () => {
      const program = [A.addi(A0, 0, 1), A.cNop(), A.cNop(), A.ebreak()];
      const { hart } = machine(program, { ...options, isa: { refuse: [{ extension: 'c', reason: 'no compressed instructions' }] } });
      expect(() => hart.run(10)).toThrow(RefusedInstruction);
      expect(() => hart.run(10)).toThrow('c (compressed) (0x0001) at pc 0x10004 is refused: no compressed instructions');
      expect(hart.instret).toBe(1);
    });
  }
});

describe('IsaRegistry registration', () => {
  it('should derive misa and AT_HWCAP from the registered extensions', () => {
    const standard = isaRegistry();
    expect(standard.misa).toBe(MISA_RV64IMAFDC);
    expect(standard.hwcap).toBe(HWCAP_RV64IMAC);
    expect(standard.hwcap).toBe(Number(MISA_RV64IMAFDC & 0x3ffffffn) & ~(1 << 20)); // no U in AT_HWCAP
    expect(new IsaRegistry({ extensions: STANDARD_EXTENSIONS.filter((e) => e.name !== 'f' && e.name !== 'd') }).misa).toBe(MISA_RV64IMAC);
    const base = new IsaRegistry({ extensions: [RV64I, ZICSR] });
    expect(base.hwcap).toBe(1 << 8);
    expect(base.compressed).toBe(false);
  });

  it('should refuse to refuse what no registered extension defines', () => {
    expect(() => new IsaRegistry({ extensions: [RV64I], refuse: [{ mnemonic: 'mul', reason: 'x' }] })).toThrow(/mul/);
    expect(() => new IsaRegistry({ extensions: [RV64I, RV64I] })).toThrow(/twice/);
  });

  // A custom instruction on the custom-0 opcode: rd = rs1 + rs2 + 1 (64-bit).
  const XPLUS: Extension = {
    name: 'xplus',
    instructions: [
      {
        mnemonic: 'addplus1',
        match: 0x0b,
        mask: 0xfe00707f,
        format: 'R',
        writesRd: true,
        semantics:
          'v = ($rs1 + $rs2) | 0; w = ($rs1h + $rs2h + ((v >>> 0) < ($rs1 >>> 0) ? 1 : 0)) | 0; t = (v + 1) | 0; w = (w + (t === 0 ? 1 : 0)) | 0; v = t;',
      },
    ],
  };
  const addplus1 = (rd: number, rs1: number, rs2: number): number => A.rType(0, rs2, rs1, 0, rd, 0x0b);

  for (const options of ENGINES) {
    it(`should run a registered extension's instruction on the ${engineName(options)} tier, and call an unregistered one illegal`, () => {
      const program = [A.addi(T0, 0, -1), A.addi(A0, 0, 30), addplus1(A1, A1, T0), addplus1(A1, A1, A0), A.addi(A0, A0, -1), A.bne(A0, 0, -8), A.ebreak()];
      const { hart } = machine(program, { ...options, isa: { extensions: [...STANDARD_EXTENSIONS, XPLUS] } });
      expect(hart.run(1000)).toBe(StopReason.Ebreak);
      // Each pass adds (-1 + 1) + (a0 + 1) for a0 = 30..1.
      expect(hart.getX(A1)).toBe(BigInt((30 * 31) / 2 + 30));
      const plain = machine(program, options).hart;
      expect(() => plain.run(1000)).toThrow(IllegalInstruction);
      const noM = machine([A.mul(A1, A0, A0)], { ...options, isa: { extensions: [RV64I] } }).hart;
      expect(() => noM.run(10)).toThrow(IllegalInstruction);
      expect(RV64M.instructions.map((d) => d.mnemonic)).toContain('mul');
    });
  }
});

describe('machine trap mode through the CSR file', () => {
  for (const options of ENGINES) {
    describe(`on the ${engineName(options)} tier`, () => {
      // mtvec = handler at CODE + 0x40: a0 = mcause, a1 = mtval, then halt.
      const handler = [A.csrrs(A0, 0x342, 0), A.csrrs(A1, 0x343, 0), A.j(0)];
      const withHandler = (body: number[]): number[] => {
        const setup = [A.auipc(T0, 0), A.addi(T0, T0, 0x40), A.csrrw(0, 0x305, T0)];
        const code = [...setup, ...body];
        while (code.length < 0x40 / 4) code.push(A.nop());
        return [...code, ...handler];
      };

      it('should take an illegal instruction to mtvec with mtval = its bits, not retiring it', () => {
        const { hart } = machine(withHandler([0xffffffff]), { ...options, trapMode: 'machine' });
        expect(hart.run(100)).toBe(StopReason.Halt);
        expect([hart.getX(A0), hart.getX(A1), hart.readCsr(0x341)]).toEqual([2n, 0xffffffffn, BigInt(CODE + 12)]);
        expect(hart.instret).toBe(3 + 3);
      });

      it('should take a misaligned AMO to mtvec with mtval = the address', () => {
        const { hart } = machine(withHandler([...la(T1, DATA + 2), A.amo('add', 'w', A0, T1, T1)]), { ...options, trapMode: 'machine' });
        expect(hart.run(100)).toBe(StopReason.Halt);
        expect([hart.getX(A0), hart.getX(A1)]).toEqual([6n, BigInt(DATA + 2)]);
      });

      it('should take a refused CSR access as an illegal instruction', () => {
        const { hart } = machine(withHandler([A.csrrs(A1, 0xc00, 0)]), { ...options, trapMode: 'machine' });
        hart.machine.mode.csrs.restrict([0x305, 0x342, 0x343, 0x341], 'only the trap CSRs');
        expect(hart.run(100)).toBe(StopReason.Halt);
        expect(hart.getX(A0)).toBe(2n);
      });
    });
  }
});

describe('RiscvHart machineProfile', () => {
  for (const options of ENGINES) {
    it(`should run Jolt's machine mode on the ${engineName(options)} tier: ebreak halts, a refused CSR faults`, () => {
      const { hart } = machine([A.csrrw(0, 0x340, T0), A.ebreak()], { ...options, trapMode: 'machine', machineProfile: JOLT_MACHINE_PROFILE });
      expect(hart.run(10)).toBe(StopReason.Halt);
      expect(hart.pc).toBe(CODE + 4);
      const other = machine([A.csrrs(A0, 0xc00, 0)], { ...options, trapMode: 'machine', machineProfile: JOLT_MACHINE_PROFILE }).hart;
      expect(() => other.run(10)).toThrow(/Jolt supports only/);
      // Jolt takes no illegal-instruction trap: the program is refused (exit 82), not SIGILL.
      const refused = machine([A.csrrs(A0, 0xc00, 0)], { ...options, trapMode: 'machine', machineProfile: JOLT_MACHINE_PROFILE }).hart;
      expect(() => refused.run(10)).toThrow(RefusedInstruction);
    });
  }
});

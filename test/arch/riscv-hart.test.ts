import { describe, expect, it } from 'vitest';
import { MemoryFault, PERM_R, PERM_RW, PERM_RWX } from '../../src/arch/memory/types.js';
import { CsrAccessError } from '../../src/arch/riscv64/csr/index.js';
import { IllegalInstruction, StopReason } from '../../src/arch/riscv64/types.js';
import * as A from './asm.js';
import { CODE, DATA, ENGINES, STACK_TOP, engineName, machine } from './machine.js';
import { BRANCH, EDGE_VALUES, RI, RR, Rng, sext32, u64 } from './reference.js';

const T0 = 5;
const T1 = 6;
const T2 = 7;
const A0 = 10;
const A1 = 11;
const A2 = 12;
const RA = 1;
const SP = 2;
const A7 = 17;

const rng = new Rng(0x5eed1234n);
const OPERANDS: readonly bigint[] = [...EDGE_VALUES, ...Array.from({ length: 12 }, () => rng.operand())];
const IMMEDIATES = [0, 1, -1, 2, 5, 31, 2047, -2048, 1024, -1000, 0x555, -0x556];

const RR_ENCODERS: Record<string, (rd: number, rs1: number, rs2: number) => number> = {
  add: A.add, sub: A.sub, sll: A.sll, slt: A.slt, sltu: A.sltu, xor: A.xor, srl: A.srl, sra: A.sra,
  or: A.or, and: A.and, addw: A.addw, subw: A.subw, sllw: A.sllw, srlw: A.srlw, sraw: A.sraw,
  mul: A.mul, mulh: A.mulh, mulhsu: A.mulhsu, mulhu: A.mulhu, div: A.div, divu: A.divu, rem: A.rem,
  remu: A.remu, mulw: A.mulw, divw: A.divw, divuw: A.divuw, remw: A.remw, remuw: A.remuw,
};
const RI_ENCODERS: Record<string, (rd: number, rs1: number, imm: number) => number> = {
  addi: A.addi, slti: A.slti, sltiu: A.sltiu, xori: A.xori, ori: A.ori, andi: A.andi,
  slli: A.slli, srli: A.srli, srai: A.srai, addiw: A.addiw, slliw: A.slliw, srliw: A.srliw, sraiw: A.sraiw,
};
const BRANCH_ENCODERS: Record<string, (rs1: number, rs2: number, off: number) => number> = {
  beq: A.beq, bne: A.bne, blt: A.blt, bge: A.bge, bltu: A.bltu, bgeu: A.bgeu,
};

for (const options of ENGINES) {
  const engine = engineName(options);

  describe(`RiscvHart (${engine})`, () => {
    describe('when executing register-register operations', () => {
      for (const [name, ref] of Object.entries(RR)) {
        it(`should compute ${name} exactly for edge and random operands`, () => {
          const encode = RR_ENCODERS[name]!;
          const { hart } = machine([encode(T2, T0, T1), A.ebreak()], options);
          for (const a of OPERANDS) {
            for (const b of OPERANDS) {
              hart.pc = CODE;
              hart.setX(T0, a);
              hart.setX(T1, b);
              expect(hart.run(10)).toBe(StopReason.Ebreak);
              const got = hart.getX(T2);
              if (got !== ref(a, b)) {
                expect.fail(`${name}(${a.toString(16)}, ${b.toString(16)}) = ${got.toString(16)}, want ${ref(a, b).toString(16)}`);
              }
            }
          }
        });
      }

      it('should give the same result when rd is also a source', () => {
        const { hart } = machine([A.add(T0, T0, T0), A.sub(T1, T0, T1), A.mulhu(T0, T0, T1), A.ebreak()], options);
        hart.setX(T0, 0x8000000000000001n);
        hart.setX(T1, 5n);
        hart.run(10);
        const t0 = u64(0x8000000000000001n * 2n);
        const t1 = u64(t0 - 5n);
        expect(hart.getX(T1)).toBe(t1);
        expect(hart.getX(T0)).toBe((t0 * t1) >> 64n);
      });

      it('should ignore writes to x0', () => {
        const { hart } = machine([A.addi(0, 0, 5), A.add(0, T0, T0), A.lw(0, SP, -8), A.add(T1, 0, 0), A.ebreak()], options);
        hart.setX(T0, 9n);
        hart.run(10);
        expect(hart.getX(0)).toBe(0n);
        expect(hart.getX(T1)).toBe(0n);
      });
    });

    describe('when executing register-immediate operations', () => {
      for (const [name, ref] of Object.entries(RI)) {
        const shift = /^s[lr][la]i/.test(name);
        const wide = !name.endsWith('w');
        const imms = shift ? Array.from({ length: wide ? 64 : 32 }, (_, i) => i) : IMMEDIATES;
        it(`should compute ${name} exactly${shift ? ' for every shift amount' : ''}`, () => {
          const encode = RI_ENCODERS[name]!;
          for (const imm of imms) {
            const { hart } = machine([encode(T2, T0, imm), A.ebreak()], options);
            for (const a of OPERANDS) {
              hart.pc = CODE;
              hart.setX(T0, a);
              hart.run(10);
              const got = hart.getX(T2);
              if (got !== ref(a, imm)) {
                expect.fail(`${name}(${a.toString(16)}, ${imm}) = ${got.toString(16)}, want ${ref(a, imm).toString(16)}`);
              }
            }
          }
        });
      }

      it('should mask register shift amounts to 6 bits (64-bit) and 5 bits (W forms)', () => {
        const { hart } = machine([A.sll(A0, T0, T1), A.srl(A1, T0, T1), A.sllw(A2, T0, T1), A.ebreak()], options);
        hart.setX(T0, 0x0123456789abcdefn);
        hart.setX(T1, 0xffffffffffffff44n); // 64 + 4 → 4 (6 bits), & 31 → 4
        hart.run(10);
        expect(hart.getX(A0)).toBe(u64(0x0123456789abcdefn << 4n));
        expect(hart.getX(A1)).toBe(0x0123456789abcdefn >> 4n);
        expect(hart.getX(A2)).toBe(sext32(0x89abcdefn << 4n));
      });
    });

    describe('when executing lui and auipc', () => {
      it('should sign-extend the 32-bit upper immediate', () => {
        const { hart } = machine([A.lui(A0, 0x80000), A.lui(A1, 0x7ffff), A.lui(A2, 0xfffff), A.ebreak()], options);
        hart.run(10);
        expect(hart.getX(A0)).toBe(0xffffffff80000000n);
        expect(hart.getX(A1)).toBe(0x7ffff000n);
        expect(hart.getX(A2)).toBe(0xfffffffffffff000n);
      });

      it('should add the sign-extended immediate to pc for auipc', () => {
        const { hart } = machine([A.nop(), A.auipc(A0, 1), A.auipc(A1, 0xfffff), A.auipc(A2, 0x80000), A.ebreak()], options);
        hart.run(10);
        expect(hart.getX(A0)).toBe(BigInt(CODE + 4 + 0x1000));
        expect(hart.getX(A1)).toBe(BigInt(CODE + 8 - 0x1000));
        expect(hart.getX(A2)).toBe(u64(BigInt(CODE + 12) - 0x80000000n));
      });
    });

    describe('when executing branches', () => {
      for (const [name, cond] of Object.entries(BRANCH)) {
        it(`should take ${name} exactly when its condition holds`, () => {
          // branch +8 over "addi a0, x0, 1"; a0 = 1 means not taken.
          const { hart } = machine([BRANCH_ENCODERS[name]!(T0, T1, 8), A.addi(A0, 0, 1), A.ebreak()], options);
          for (const a of OPERANDS.slice(0, 30)) {
            for (const b of OPERANDS.slice(0, 30)) {
              hart.pc = CODE;
              hart.setX(A0, 0n);
              hart.setX(T0, a);
              hart.setX(T1, b);
              hart.run(10);
              expect(hart.getX(A0) === 0n, `${name} ${a} ${b}`).toBe(cond(a, b));
            }
          }
        });
      }

      it('should branch backwards', () => {
        // a0 counts down from 5 to 0, a1 counts iterations.
        const { hart } = machine(
          [A.addi(A0, 0, 5), A.addi(A0, A0, -1), A.addi(A1, A1, 1), A.bne(A0, 0, -8), A.ebreak()],
          options,
        );
        expect(hart.run(100)).toBe(StopReason.Ebreak);
        expect(hart.getX(A1)).toBe(5n);
        expect(hart.instret).toBe(1 + 5 * 3 + 1);
      });
    });

    describe('when executing jal and jalr', () => {
      it('should link pc+4 and jump relative for jal', () => {
        const { hart } = machine([A.jal(RA, 8), A.ebreak(), A.addi(A0, 0, 7), A.ebreak()], options);
        expect(hart.run(10)).toBe(StopReason.Ebreak);
        expect(hart.getX(RA)).toBe(BigInt(CODE + 4));
        expect(hart.getX(A0)).toBe(7n);
        expect(hart.pc).toBe(CODE + 12);
      });

      it('should jump to (rs1 + imm) & ~1 and link for jalr, also when rd = rs1', () => {
        const { hart } = machine([A.jalr(T0, T0, 5), A.ebreak(), A.ebreak(), A.ebreak()], options);
        hart.setX(T0, BigInt(CODE));
        expect(hart.run(10)).toBe(StopReason.Ebreak);
        expect(hart.pc).toBe(CODE + 4);
        expect(hart.getX(T0)).toBe(BigInt(CODE + 4));
        hart.pc = CODE;
        hart.setX(T0, BigInt(CODE + 3)); // (CODE + 3 + 5) & ~1 = CODE + 8
        hart.run(10);
        expect(hart.pc).toBe(CODE + 8);
      });

      it('should call and return', () => {
        const { hart } = machine(
          [A.jal(RA, 12), A.addi(A1, A0, 1), A.ebreak(), A.addi(A0, 0, 41), A.jalr(0, RA, 0)],
          options,
        );
        expect(hart.run(10)).toBe(StopReason.Ebreak);
        expect(hart.getX(A1)).toBe(42n);
        expect(hart.instret).toBe(5);
      });
    });

    describe('when executing loads and stores', () => {
      it('should sign- or zero-extend each load width', () => {
        const program = [
          A.lb(10, T0, 0), A.lbu(11, T0, 0), A.lh(12, T0, 0), A.lhu(13, T0, 0),
          A.lw(14, T0, 0), A.lwu(15, T0, 0), A.ld(16, T0, 0), A.lb(17, T0, 7), A.ebreak(),
        ];
        const { hart, memory } = machine(program, options);
        memory.writeU64(DATA, 0x7f00c3d4e5f6a7b8n);
        hart.setX(T0, BigInt(DATA));
        hart.run(20);
        expect(hart.getX(10)).toBe(0xffffffffffffffb8n);
        expect(hart.getX(11)).toBe(0xb8n);
        expect(hart.getX(12)).toBe(0xffffffffffffa7b8n);
        expect(hart.getX(13)).toBe(0xa7b8n);
        expect(hart.getX(14)).toBe(0xffffffffe5f6a7b8n);
        expect(hart.getX(15)).toBe(0xe5f6a7b8n);
        expect(hart.getX(16)).toBe(0x7f00c3d4e5f6a7b8n);
        expect(hart.getX(17)).toBe(0x7fn);
      });

      it('should store the low bytes of each width', () => {
        const program = [A.sb(T1, T0, 0), A.sh(T1, T0, 8), A.sw(T1, T0, 16), A.sd(T1, T0, 24), A.ebreak()];
        const { hart, memory } = machine(program, options);
        hart.setX(T0, BigInt(DATA));
        hart.setX(T1, 0x1122334455667788n);
        hart.run(10);
        expect(memory.readU64(DATA)).toBe(0x88n);
        expect(memory.readU64(DATA + 8)).toBe(0x7788n);
        expect(memory.readU64(DATA + 16)).toBe(0x55667788n);
        expect(memory.readU64(DATA + 24)).toBe(0x1122334455667788n);
      });

      it('should use negative offsets', () => {
        const { hart, memory } = machine([A.sd(T1, SP, -16), A.ld(A0, SP, -16), A.ebreak()], options);
        hart.setX(T1, 0xabcdefn);
        hart.run(10);
        expect(hart.getX(A0)).toBe(0xabcdefn);
        expect(memory.readU64(STACK_TOP - 16)).toBe(0xabcdefn);
      });

      it('should allow misaligned loads and stores, also across a page boundary', () => {
        const program = [
          A.sd(T1, T0, 1), A.ld(A0, T0, 1), A.sw(T1, T0, 0x7fe), A.lw(A1, T0, 0x7fe),
          A.sh(T1, T0, -1), A.lh(A2, T0, -1), A.ld(13, T0, -3), A.ebreak(),
        ];
        const { hart, memory } = machine(program, options);
        const base = DATA + 0x1000 + 0x801; // T0: so 0x7fe + T0 crosses into the next page
        hart.setX(T0, BigInt(base));
        hart.setX(T1, 0x8877665544332211n);
        expect(hart.run(20)).toBe(StopReason.Ebreak);
        expect(hart.getX(A0)).toBe(0x8877665544332211n);
        expect(hart.getX(A1)).toBe(0x44332211n);
        expect(memory.readU32(base + 0x7fe)).toBe(0x44332211);
        expect(hart.getX(A2)).toBe(0x2211n);
        expect(memory.readU16(base - 1)).toBe(0x2211);
        const crossing = base + 0x7fe;
        expect(4096 - (crossing % 4096)).toBeLessThan(4);
        // Overlapping writes: bytes at base-1.. are 11 22 then sd at base+1.
        expect(hart.getX(13)).toBe(memory.readU64(base - 3));
      });

      it('should see stores made by the kernel between runs', () => {
        const { hart, memory } = machine([A.ld(A0, T0, 0), A.ebreak()], options);
        hart.setX(T0, BigInt(DATA + 0x3000));
        hart.run(10);
        expect(hart.getX(A0)).toBe(0n);
        memory.writeU64(DATA + 0x3000, 99n);
        hart.pc = CODE;
        hart.run(10);
        expect(hart.getX(A0)).toBe(99n);
      });
    });

    describe('when a memory access faults', () => {
      it('should throw MemoryFault with address, kind and pc, without retiring the access', () => {
        const { hart } = machine([A.addi(A0, 0, 1), A.addi(A1, 0, 2), A.ld(A2, T0, 8), A.ebreak()], options);
        hart.setX(T0, 0x900000n);
        const fault = catchFault(() => hart.run(10));
        expect(fault).toBeInstanceOf(MemoryFault);
        expect(fault.address).toBe(0x900008n);
        expect(fault.access).toBe('read');
        expect(fault.reason).toBe('unmapped');
        expect(fault.pc).toBe(CODE + 8);
        expect(hart.pc).toBe(CODE + 8);
        expect(hart.instret).toBe(2);
        expect(hart.getX(A0)).toBe(1n);
        expect(hart.getX(A1)).toBe(2n);
      });

      it('should report a store to a read-only page as a write permission fault', () => {
        const { hart, memory } = machine([A.addi(A0, 0, 3), A.sw(A0, T0, 0), A.ebreak()], options);
        memory.map(0x200000, 4096, PERM_R, 'ro');
        hart.setX(T0, 0x200000n);
        const fault = catchFault(() => hart.run(10));
        expect([fault.address, fault.access, fault.reason, fault.pc]).toEqual([0x200000n, 'write', 'permission', CODE + 4]);
        expect(hart.instret).toBe(1);
      });

      it('should fault at the first byte of the bad page for a page-crossing access', () => {
        const { hart, memory } = machine([A.ld(A0, T0, 0), A.ebreak()], options);
        memory.map(0x300000, 4096, PERM_RW, 'one');
        hart.setX(T0, 0x300ffcn);
        const fault = catchFault(() => hart.run(10));
        expect(fault.address).toBe(0x301000n);
        expect(fault.pc).toBe(CODE);
      });

      it('should treat addresses with high bits set as unmapped', () => {
        const { hart } = machine([A.lw(A0, T0, 0), A.ebreak()], options);
        hart.setX(T0, 0xffffffff80000000n);
        const fault = catchFault(() => hart.run(10));
        expect(fault.address).toBe(0xffffffff80000000n);
        expect(fault.reason).toBe('unmapped');
      });

      it('should report an instruction fetch from unmapped memory as an execute fault', () => {
        const { hart } = machine([A.jalr(0, T0, 0)], options);
        hart.setX(T0, 0x700000n);
        const fault = catchFault(() => hart.run(10));
        expect([fault.address, fault.access, fault.reason, fault.pc]).toEqual([0x700000n, 'execute', 'unmapped', 0x700000]);
        expect(hart.pc).toBe(0x700000);
        expect(hart.instret).toBe(1);
      });

      it('should refuse to execute a page without execute permission', () => {
        const { hart } = machine([A.jalr(0, T0, 0)], options);
        hart.setX(T0, BigInt(DATA));
        const fault = catchFault(() => hart.run(10));
        expect([fault.access, fault.reason, fault.pc]).toEqual(['execute', 'permission', DATA]);
      });
    });

    describe('when mappings change between runs', () => {
      it('should fault on a page that was unmapped after the hart cached it', () => {
        const { hart, memory } = machine([A.ld(A0, T0, 0), A.sd(A0, T0, 8), A.ebreak()], options);
        hart.setX(T0, BigInt(DATA));
        memory.writeU64(DATA, 5n);
        expect(hart.run(10)).toBe(StopReason.Ebreak);
        memory.unmap(DATA, 4096);
        hart.pc = CODE;
        expect(catchFault(() => hart.run(10)).reason).toBe('unmapped');
      });

      it('should fault on a store after the page became read-only', () => {
        const { hart, memory } = machine([A.sd(T1, T0, 0), A.ebreak()], options);
        hart.setX(T0, BigInt(DATA));
        hart.run(10);
        memory.protect(DATA, 4096, PERM_R);
        hart.pc = CODE;
        const fault = catchFault(() => hart.run(10));
        expect([fault.access, fault.reason]).toEqual(['write', 'permission']);
      });

      it('should read what was written after the page was released by zero', () => {
        const { hart, memory } = machine([A.ld(A0, T0, 0), A.sd(T1, T0, 0), A.ebreak()], options);
        hart.setX(T0, BigInt(DATA));
        hart.setX(T1, 7n);
        memory.writeU64(DATA, 3n);
        hart.run(10);
        expect(hart.getX(A0)).toBe(3n);
        memory.zero(DATA, 4096); // releases the frame the hart cached
        expect(memory.readU64(DATA)).toBe(0n);
        memory.writeU64(DATA, 4n);
        hart.pc = CODE;
        hart.run(10);
        expect(hart.getX(A0)).toBe(4n);
        expect(memory.readU64(DATA)).toBe(7n);
      });

      it('should see pages the kernel moved with copyPages, data and code', () => {
        const { hart, memory } = machine([A.ld(A0, T0, 0), A.jalr(RA, T1, 0), A.ebreak()], options);
        memory.map(0x200000, 4096, PERM_RWX, 'old');
        memory.map(0x300000, 4096, PERM_RWX, 'new');
        memory.poke(0x200000, A.assemble([A.addi(A1, 0, 1), A.jalr(0, RA, 0)]));
        memory.poke(0x300000, A.assemble([A.addi(A1, 0, 2), A.jalr(0, RA, 0)]));
        memory.writeU64(0x300800, 5n);
        hart.setX(T0, 0x300800n);
        hart.setX(T1, 0x300000n);
        hart.run(10);
        expect([hart.getX(A0), hart.getX(A1)]).toEqual([5n, 2n]);
        memory.writeU64(0x200800, 6n);
        memory.copyPages(0x200000, 0x300000, 4096);
        hart.pc = CODE;
        hart.run(10);
        expect([hart.getX(A0), hart.getX(A1)]).toEqual([6n, 1n]);
      });

      it('should see a page the kernel first wrote after the hart read it as zeros', () => {
        const { hart, memory } = machine([A.ld(A0, T0, 0), A.ebreak()], options);
        hart.setX(T0, BigInt(DATA + 0x5000));
        hart.run(10);
        expect(hart.getX(A0)).toBe(0n);
        expect(memory.residentPages).toBe(1); // only the code page: the read did not allocate
        memory.writeU64(DATA + 0x5000, 11n);
        hart.pc = CODE;
        hart.run(10);
        expect(hart.getX(A0)).toBe(11n);
      });
    });

    describe('when executing atomics', () => {
      const names = ['swap', 'add', 'xor', 'and', 'or', 'min', 'max', 'minu', 'maxu'] as const;
      const ref: Record<(typeof names)[number], (a: bigint, b: bigint, w: boolean) => bigint> = {
        swap: (_a, b) => b,
        add: (a, b) => a + b,
        xor: (a, b) => a ^ b,
        and: (a, b) => a & b,
        or: (a, b) => a | b,
        min: (a, b, w) => (sx(a, w) < sx(b, w) ? a : b),
        max: (a, b, w) => (sx(a, w) > sx(b, w) ? a : b),
        minu: (a, b, w) => (ux(a, w) < ux(b, w) ? a : b),
        maxu: (a, b, w) => (ux(a, w) > ux(b, w) ? a : b),
      };
      const sx = (v: bigint, w: boolean): bigint => (w ? BigInt.asIntN(32, v) : BigInt.asIntN(64, v));
      const ux = (v: bigint, w: boolean): bigint => (w ? BigInt.asUintN(32, v) : BigInt.asUintN(64, v));
      const values = [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0xfffffffffffffffen, 0x8000000000000000n, 0x123456789n];
      for (const width of ['w', 'd'] as const) {
        for (const name of names) {
          it(`should perform amo${name}.${width} with the old value (sign-extended) in rd`, () => {
            const w = width === 'w';
            const { hart, memory } = machine([A.amo(name, width, A0, T0, T1, 1, 1), A.ebreak()], options);
            for (const old of values) {
              for (const src of values) {
                hart.pc = CODE;
                memory.writeU64(DATA, 0x5a5a5a5a5a5a5a5an);
                if (w) memory.writeU32(DATA, Number(old & 0xffffffffn));
                else memory.writeU64(DATA, old);
                hart.setX(T0, BigInt(DATA));
                hart.setX(T1, src);
                expect(hart.run(10)).toBe(StopReason.Ebreak);
                expect(hart.getX(A0)).toBe(w ? sext32(old) : old);
                const result = ref[name](old, src, w);
                if (w) {
                  expect(memory.readU32(DATA)).toBe(Number(result & 0xffffffffn));
                  expect(memory.readU32(DATA + 4)).toBe(0x5a5a5a5a); // untouched
                } else {
                  expect(memory.readU64(DATA)).toBe(u64(result));
                }
              }
            }
          });
        }
      }

      it('should succeed sc after lr to the same address and write 0 to rd', () => {
        const program = [A.lrW(A0, T0), A.addi(A0, A0, 1), A.scW(A1, T0, A0), A.lrD(A2, T0), A.scD(13, T0, T1), A.ebreak()];
        const { hart, memory } = machine(program, options);
        memory.writeU64(DATA, 0xffffffffn);
        hart.setX(T0, BigInt(DATA));
        hart.setX(T1, 0x1234567890n);
        hart.run(10);
        expect(hart.getX(A0)).toBe(0n); // lr.w sign-extends 0xffffffff to -1, +1 = 0
        expect(hart.getX(A1)).toBe(0n);
        expect(hart.getX(A2)).toBe(0n); // lr.d reads the word the sc.w wrote
        expect(hart.getX(13)).toBe(0n);
        expect(memory.readU64(DATA)).toBe(0x1234567890n);
      });

      it('should fail sc without a reservation, after a previous sc, or for another address', () => {
        const program = [
          A.scW(A0, T0, T1), // no reservation
          A.lrW(A1, T0), A.scW(A1, T0, T1), A.scW(A2, T0, T1), // second sc fails
          A.lrD(13, T0), A.scD(14, T2, T1), // other address
          A.ebreak(),
        ];
        const { hart, memory } = machine(program, options);
        hart.setX(T0, BigInt(DATA));
        hart.setX(T2, BigInt(DATA + 8));
        hart.setX(T1, 77n);
        hart.run(20);
        expect(hart.getX(A0)).toBe(1n);
        expect(hart.getX(A1)).toBe(0n);
        expect(hart.getX(A2)).toBe(1n);
        expect(hart.getX(14)).toBe(1n);
        expect(memory.readU64(DATA + 8)).toBe(0n);
      });

      it('should fail sc when a store hit the reserved address in between', () => {
        const program = [A.lrD(A0, T0), A.sw(0, T0, 4), A.scD(A1, T0, T1), A.ebreak()];
        const { hart, memory } = machine(program, options);
        memory.writeU64(DATA, 0x1111111122222222n);
        hart.setX(T0, BigInt(DATA));
        hart.setX(T1, 5n);
        hart.run(10);
        expect(hart.getX(A1)).toBe(1n);
        expect(memory.readU64(DATA)).toBe(0x22222222n);
      });

      it('should report an amo on a read-only page as a write fault', () => {
        const { hart, memory } = machine([A.amo('add', 'w', A0, T0, T1), A.ebreak()], options);
        memory.map(0x200000, 4096, PERM_R, 'ro');
        hart.setX(T0, 0x200000n);
        const fault = catchFault(() => hart.run(10));
        expect([fault.access, fault.reason, fault.pc]).toEqual(['write', 'permission', CODE]);
        expect(hart.instret).toBe(0);
      });
    });

    describe('when executing CSR instructions', () => {
      it('should read and write machine CSRs with csrrw/csrrs/csrrc and their immediate forms', () => {
        const program = [
          A.csrrw(A0, 0x340, T0), // a0 = mscratch (0), mscratch = t0
          A.csrrs(A1, 0x340, T1), // a1 = old, mscratch |= t1
          A.csrrc(A2, 0x340, T2), // a2 = old, mscratch &= ~t2
          A.csrrwi(13, 0x343, 21), // mtval = 21
          A.csrrsi(14, 0x343, 2), // mtval |= 2
          A.csrrci(15, 0x343, 1), // mtval &= ~1
          A.csrrs(16, 0x343, 0), // read mtval
          A.csrrs(17, 0x340, 0),
          A.ebreak(),
        ];
        const { hart } = machine(program, options);
        hart.setX(T0, 0xf0f0f0f0f0f0f0f0n);
        hart.setX(T1, 0x0f00000000000001n);
        hart.setX(T2, 0xf000000000000000n);
        hart.run(20);
        expect(hart.getX(A0)).toBe(0n);
        expect(hart.getX(A1)).toBe(0xf0f0f0f0f0f0f0f0n);
        expect(hart.getX(A2)).toBe(0xfff0f0f0f0f0f0f1n);
        expect(hart.getX(17)).toBe(0x0ff0f0f0f0f0f0f1n);
        expect(hart.getX(13)).toBe(0n);
        expect(hart.getX(14)).toBe(21n);
        expect(hart.getX(15)).toBe(23n);
        expect(hart.getX(16)).toBe(22n);
        expect(hart.readCsr(0x343)).toBe(22n);
      });

      it('should read exact cycle/instret/time counters (instructions retired before the read)', () => {
        const program = [A.nop(), A.nop(), A.csrrs(A0, 0xc02, 0), A.csrrs(A1, 0xc00, 0), A.csrrs(A2, 0xc01, 0), A.csrrs(13, 0xb02, 0), A.ebreak()];
        const { hart } = machine(program, options);
        hart.run(100);
        expect([hart.getX(A0), hart.getX(A1), hart.getX(A2), hart.getX(13)]).toEqual([2n, 3n, 4n, 5n]);
        expect(hart.instret).toBe(7);
        expect(hart.readCsr(0xc02)).toBe(7n);
      });

      it('should continue counting from a value written to minstret/mcycle', () => {
        const program = [A.csrrw(0, 0xb02, T0), A.csrrs(A0, 0xb02, 0), A.nop(), A.csrrs(A1, 0xb02, 0), A.csrrw(0, 0xb00, 0), A.csrrs(A2, 0xc00, 0), A.ebreak()];
        const { hart } = machine(program, options);
        hart.setX(T0, 0xfffffffffffffffen);
        hart.run(100);
        expect(hart.getX(A0)).toBe(0xfffffffffffffffen);
        expect(hart.getX(A1)).toBe(0n); // wrapped: fffe, ffff (nop), 0
        expect(hart.getX(A2)).toBe(0n);
        expect(hart.instret).toBe(7); // the architectural count is unaffected
      });

      it('should use the time source for the time CSR', () => {
        const { hart } = machine([A.csrrs(A0, 0xc01, 0), A.ebreak()], options);
        hart.timeSource = () => 123456789012345n;
        hart.run(10);
        expect(hart.getX(A0)).toBe(123456789012345n);
      });

      it('should expose misa, mhartid and the zero id registers', () => {
        const program = [A.csrrs(A0, 0x301, 0), A.csrrs(A1, 0xf14, 0), A.csrrs(A2, 0xf11, 0), A.csrrs(13, 0xf12, 0), A.csrrs(14, 0xf13, 0), A.ebreak()];
        const { hart } = machine(program, options);
        hart.setX(A1, 5n);
        hart.setX(A2, 5n);
        hart.run(10);
        expect(hart.getX(A0)).toBe(0x800000000010112dn); // RV64 IMAFDC + U
        expect([hart.getX(A1), hart.getX(A2), hart.getX(13), hart.getX(14)]).toEqual([0n, 0n, 0n, 0n]);
      });

      it.each([
        ['an unknown CSR', A.csrrs(A0, 0x7c0, 0)],
        ['cycleh (RV32 only)', A.csrrs(A0, 0xc80, 0)],
        ['instreth (RV32 only)', A.csrrs(A0, 0xc82, 0)],
        ['a write to the read-only cycle', A.csrrw(0, 0xc00, T0)],
        ['a set of bits in the read-only mhartid', A.csrrsi(A0, 0xf14, 1)],
      ])('should raise IllegalInstruction for %s', (_what, word) => {
        const { hart } = machine([A.nop(), word, A.ebreak()], options);
        const error = catchError(() => hart.run(10));
        expect(error).toBeInstanceOf(IllegalInstruction);
        const illegal = error as IllegalInstruction;
        expect([illegal.pc, illegal.bits, illegal.length]).toEqual([CODE + 4, word, 4]);
        expect(hart.pc).toBe(CODE + 4);
        expect(hart.instret).toBe(1);
      });
    });

    describe('when executing system instructions', () => {
      it('should stop at ecall in host mode with pc on the ecall, counting it', () => {
        const { hart } = machine([A.addi(A7, 0, 93), A.ecall(), A.addi(A0, 0, 1), A.ebreak()], options);
        expect(hart.run(100)).toBe(StopReason.Ecall);
        expect(hart.pc).toBe(CODE + 4);
        expect(hart.instret).toBe(2);
        hart.pc += 4;
        expect(hart.run(100)).toBe(StopReason.Ebreak);
        expect(hart.getX(A0)).toBe(1n);
        expect(hart.pc).toBe(CODE + 12);
        expect(hart.instret).toBe(4);
      });

      it('should trap ecall to mtvec in machine mode and return with mret', () => {
        const program = [
          A.auipc(T0, 0), A.addi(T0, T0, 28), A.csrrw(0, 0x305, T0), // mtvec = handler
          A.ecall(), // 12
          A.addi(A1, 0, 2), // 16
          A.j(0), // 20: halt (in machine mode ebreak traps too)
          A.nop(), // 24
          // handler (28): a0 = mcause, a2 = mepc + 4 → mepc, mret
          A.csrrs(A0, 0x342, 0), A.csrrs(A2, 0x341, 0), A.csrrs(13, 0x300, 0), A.csrrs(14, 0x343, 0),
          A.addi(A2, A2, 4), A.csrrw(0, 0x341, A2), A.mret(),
        ];
        const { hart } = machine(program, { ...options, trapMode: 'machine' });
        hart.writeCsr(0x343, 99n);
        expect(hart.run(100)).toBe(StopReason.Halt);
        expect(hart.getX(A0)).toBe(11n);
        expect(hart.getX(A2)).toBe(BigInt(CODE + 16));
        expect(hart.getX(13)).toBe(0x2_0000_1800n); // UXL = 64-bit, MPP = M, MIE = MPIE = 0
        expect(hart.getX(14)).toBe(0n);
        expect(hart.getX(A1)).toBe(2n);
        expect(hart.readCsr(0x341)).toBe(BigInt(CODE + 16));
        expect(hart.instret).toBe(3 + 1 + 7 + 2);
      });

      it('should stop at ebreak and c.ebreak with pc on it', () => {
        const { hart } = machine([A.nop(), A.cEbreak(), A.cNop(), A.ebreak()], options);
        expect(hart.run(10)).toBe(StopReason.Ebreak);
        expect(hart.pc).toBe(CODE + 4);
        expect(hart.instret).toBe(2);
        hart.pc += 2;
        expect(hart.run(10)).toBe(StopReason.Ebreak);
        expect(hart.pc).toBe(CODE + 8);
      });

      it('should treat fence, wfi and the hint fences as no-ops', () => {
        const { hart } = machine([A.fence(), A.wfi(), 0x8330000f /* fence.tso */, A.addi(A0, 0, 1), A.ebreak()], options);
        expect(hart.run(10)).toBe(StopReason.Ebreak);
        expect(hart.getX(A0)).toBe(1n);
        expect(hart.instret).toBe(5);
      });

      it('should halt on a jump to itself, retiring it once', () => {
        const { hart } = machine([A.addi(A0, 0, 1), A.j(0)], options);
        expect(hart.run(100)).toBe(StopReason.Halt);
        expect(hart.pc).toBe(CODE + 4);
        expect(hart.instret).toBe(2);
        expect(hart.run(100)).toBe(StopReason.Halt);
        expect(hart.instret).toBe(3);
      });

      it('should halt on c.j 0', () => {
        const { hart } = machine([A.cNop(), A.cJ(0)], options);
        expect(hart.run(100)).toBe(StopReason.Halt);
        expect(hart.pc).toBe(CODE + 2);
        expect(hart.instret).toBe(2);
      });
    });

    describe('when an instruction does not decode', () => {
      it.each([
        ['the all-zero halfword', 0x00000000, 2],
        ['an all-ones word', 0xffffffff, 4],
        ['a quad-precision load (no Q extension)', 0x00004007, 4],
        ['fadd.h (no Zfh)', 0x04000053, 4],
        ['slli with shamt bit 6 set in funct6', 0x04001013 | (1 << 26), 4],
        ['a reserved load width', 0x00007003, 4],
        ['an unknown funct7 for add', 0x40001033 | (1 << 27), 4],
        ['lr.w with rs2 != 0', A.lrW(A0, T0) | (1 << 20), 4],
        ['sret', 0x10200073, 4],
        ['the reserved quadrant-0 funct3 100', 0x8000, 2],
      ])('should raise IllegalInstruction for %s without retiring it', (_what, bits, length) => {
        const words = length === 2 ? [A.nop(), { half: bits }, { half: 0x0001 }] : [A.nop(), bits];
        const { hart } = machine(words, options);
        const error = catchError(() => hart.run(10));
        expect(error).toBeInstanceOf(IllegalInstruction);
        const illegal = error as IllegalInstruction;
        expect(illegal.pc).toBe(CODE + 4);
        expect(illegal.bits).toBe(length === 2 ? bits & 0xffff : bits >>> 0);
        expect(illegal.length).toBe(length);
        expect(hart.pc).toBe(CODE + 4);
        expect(hart.instret).toBe(1);
      });
    });

    describe('when executing compressed instructions', () => {
      it('should advance pc by 2 and run c.li/c.addi/c.mv/c.add/c.slli/c.addiw', () => {
        const program = [A.cLi(A0, -3), A.cAddi(A0, 10), A.cMv(A1, A0), A.cAdd(A1, A0), A.cSlli(A1, 33), A.cAddiw(A2, -1), A.cEbreak()];
        const { hart } = machine(program, options);
        hart.setX(A2, 0x80000000n);
        expect(hart.run(20)).toBe(StopReason.Ebreak);
        expect(hart.pc).toBe(CODE + 12);
        expect(hart.getX(A0)).toBe(7n);
        expect(hart.getX(A1)).toBe(14n << 33n);
        expect(hart.getX(A2)).toBe(0x7fffffffn);
        expect(hart.instret).toBe(7);
      });

      it('should link pc+2 for c.jalr and return through c.jr', () => {
        const program = [A.cJalr(T0), A.cEbreak(), A.cLi(A0, 9), A.cJr(RA)];
        const { hart } = machine(program, options);
        hart.setX(T0, BigInt(CODE + 4));
        expect(hart.run(20)).toBe(StopReason.Ebreak);
        expect(hart.getX(RA)).toBe(BigInt(CODE + 2));
        expect(hart.getX(A0)).toBe(9n);
        expect(hart.pc).toBe(CODE + 2);
      });

      it('should adjust sp with c.addi16sp and use c.swsp/c.lwsp/c.sdsp/c.ldsp', () => {
        const program = [A.cAddi16sp(-64), A.cSwsp(T0, 4), A.cLwsp(A0, 4), A.cSdsp(T0, 8), A.cLdsp(A1, 8), A.cAddi16sp(48), A.cEbreak()];
        const { hart, memory } = machine(program, options);
        hart.setX(T0, 0x80000000fedcba98n);
        hart.run(20);
        expect(hart.getX(SP)).toBe(BigInt(STACK_TOP - 16));
        expect(hart.getX(A0)).toBe(0xfffffffffedcba98n);
        expect(hart.getX(A1)).toBe(0x80000000fedcba98n);
        expect(memory.readU64(STACK_TOP - 64 + 8)).toBe(0x80000000fedcba98n);
      });

      it('should branch with c.beqz/c.bnez and mix 2- and 4-byte instructions', () => {
        const program = [
          A.cLi(8, 3), // s0 = 3
          A.addi(A0, A0, 1), // loop: a0++
          A.cAddi(8, -1),
          A.cBnez(8, -6),
          A.cBeqz(8, 6),
          A.cLi(A1, 1), // skipped
          A.cNop(),
          A.cEbreak(), // 16: the c.beqz target

        ];
        const { hart } = machine(program, options);
        hart.setX(8, 0n);
        const stop = hart.run(50);
        expect(stop).toBe(StopReason.Ebreak);
        expect(hart.getX(A0)).toBe(3n);
        expect(hart.getX(A1)).toBe(0n);
      });

      it('should execute a 4-byte instruction that straddles a page boundary', () => {
        const { hart, memory } = machine([A.ebreak()], options);
        memory.map(0x100000, 0x2000, PERM_RWX, 'code');
        const code = A.assemble([A.cNop(), A.addi(A0, 0, 42), A.ebreak()]);
        memory.poke(0x101000 - 6, code);
        hart.pc = 0x101000 - 6;
        expect(hart.run(10)).toBe(StopReason.Ebreak);
        expect(hart.getX(A0)).toBe(42n);
      });
    });

    describe('.run', () => {
      it('should stop after exactly the budget', () => {
        const { hart } = machine([A.addi(A0, A0, 1), A.j(-4)], options);
        for (const n of [0, 1, 2, 3, 7, 100, 1001]) {
          const before = hart.instret;
          expect(hart.run(n)).toBe(StopReason.Budget);
          expect(hart.instret - before).toBe(n);
        }
        expect(hart.getX(A0)).toBe(BigInt(Math.ceil((1 + 2 + 3 + 7 + 100 + 1001) / 2)));
      });

      it('should run without a budget when given Infinity', () => {
        const { hart } = machine([A.addi(A0, A0, 1), A.bne(A0, T0, -4), A.ebreak()], options);
        hart.setX(T0, 100000n);
        expect(hart.run(Infinity)).toBe(StopReason.Ebreak);
        expect(hart.instret).toBe(200001);
      });

      it('should reject a negative or fractional budget', () => {
        const { hart } = machine([A.ebreak()], options);
        expect(() => hart.run(-1)).toThrow(RangeError);
        expect(() => hart.run(1.5)).toThrow(RangeError);
      });
    });

    describe('.flushCode', () => {
      it('should pick up self-modified code after fence.i', () => {
        // Patch "addi a0, x0, 1" at `target` into "addi a0, x0, 2" and run it twice.
        const program = [
          A.auipc(T0, 0), // 0
          A.addi(T0, T0, 36), // 4: t0 = target
          A.jal(RA, 28), // 8: call target
          A.sw(T1, T0, 0), // 12: patch
          A.fenceI(), // 16
          A.jal(RA, 16), // 20: call target again
          A.ebreak(), // 24
          A.nop(), A.nop(), // 28, 32
          A.addi(A0, A0, 1), // 36: target
          A.jalr(0, RA, 0), // 40
        ];
        const { hart, memory } = machine([], options);
        memory.map(0x100000, 4096, PERM_RWX, 'rwx');
        memory.poke(0x100000, A.assemble(program));
        hart.pc = 0x100000;
        hart.setX(T1, BigInt(A.addi(A0, A0, 10)));
        expect(hart.run(100)).toBe(StopReason.Ebreak);
        expect(hart.getX(A0)).toBe(11n);
      });

      it('should see code the kernel rewrote between runs', () => {
        const { hart, memory } = machine([A.addi(A0, 0, 1), A.ebreak()], options);
        hart.run(10);
        expect(hart.getX(A0)).toBe(1n);
        memory.poke(CODE, A.assemble([A.addi(A0, 0, 2)]));
        hart.pc = CODE;
        hart.run(10);
        expect(hart.getX(A0)).toBe(2n);
      });

      it('should fault when the code page loses execute permission', () => {
        const { hart, memory } = machine([A.nop(), A.ebreak()], options);
        hart.run(10);
        memory.protect(CODE, 4096, PERM_R);
        hart.pc = CODE;
        const fault = catchFault(() => hart.run(10));
        expect([fault.access, fault.reason]).toEqual(['execute', 'permission']);
      });
    });

    describe('.readCsr', () => {
      it('should read and write CSRs for the kernel and reject unknown or read-only ones', () => {
        const { hart } = machine([A.csrrs(A0, 0x340, 0), A.ebreak()], options);
        hart.writeCsr(0x340, -2n);
        expect(hart.readCsr(0x340)).toBe(0xfffffffffffffffen);
        hart.writeCsr(0x341, 0x1235n);
        expect(hart.readCsr(0x341)).toBe(0x1234n); // mepc bit 0 is always clear
        hart.run(10);
        expect(hart.getX(A0)).toBe(0xfffffffffffffffen);
        hart.writeCsr(0xb02, 1000n);
        expect(hart.readCsr(0xc02)).toBe(1000n);
        expect(hart.instret).toBe(2);
        expect(() => hart.readCsr(0x7c0)).toThrow(CsrAccessError);
        expect(() => hart.writeCsr(0xc00, 1n)).toThrow(CsrAccessError);
      });
    });

    describe('when the machine trap vector has mode bits', () => {
      it('should trap to the vector base for ecall', () => {
        const { hart } = machine([A.ecall(), A.j(0), A.j(0)], { ...options, trapMode: 'machine' });
        hart.writeCsr(0x305, BigInt(CODE + 8) | 1n); // vectored mode: exceptions still go to base
        expect(hart.run(10)).toBe(StopReason.Halt);
        expect(hart.pc).toBe(CODE + 8);
        expect(hart.readCsr(0x341)).toBe(BigInt(CODE));
        expect(hart.readCsr(0x342)).toBe(11n);
      });

      it('should switch between host and machine ecall handling at run time', () => {
        const { hart } = machine([A.ecall(), A.j(0), A.j(0)], options);
        hart.writeCsr(0x305, BigInt(CODE + 8));
        expect(hart.run(10)).toBe(StopReason.Ecall);
        hart.trapMode = 'machine';
        expect(hart.run(10)).toBe(StopReason.Halt);
        expect(hart.pc).toBe(CODE + 8);
      });
    });

    describe('when pc leaves the mapped code', () => {
      it('should fault at the second half of an instruction straddling into a non-executable page', () => {
        const { hart, memory } = machine([A.ebreak()], options);
        memory.map(0x100000, 4096, PERM_RWX, 'code');
        memory.map(0x101000, 4096, PERM_RW, 'data');
        memory.poke(0x100ffe, A.assemble([A.addi(A0, 0, 1)]));
        hart.pc = 0x100ffe;
        const fault = catchFault(() => hart.run(10));
        expect([fault.address, fault.access, fault.reason, fault.pc]).toEqual([0x101000n, 'execute', 'permission', 0x100ffe]);
        expect(hart.instret).toBe(0);
      });

      it('should fault at a jump target with high address bits', () => {
        const { hart } = machine([A.jalr(0, T0, 0)], options);
        hart.setX(T0, 0xffffffff00001000n);
        const fault = catchFault(() => hart.run(10));
        expect([fault.access, fault.reason]).toEqual(['execute', 'unmapped']);
        expect(hart.instret).toBe(1);
      });
    });

    describe('.flushCode (explicit ranges)', () => {
      it('should re-decode code in the flushed range', () => {
        const { hart, memory } = machine([A.addi(A0, 0, 1), A.ebreak()], options);
        hart.run(10);
        // Write behind the hart's back through a raw frame, then flush the page.
        memory.frameForWrite(CODE / 4096).u8.set(A.assemble([A.addi(A0, 0, 5)]), 0);
        hart.pc = CODE;
        hart.run(10);
        expect(hart.getX(A0)).toBe(1n); // still the cached decode
        hart.flushCode(CODE, CODE + 4);
        hart.pc = CODE;
        hart.run(10);
        expect(hart.getX(A0)).toBe(5n);
      });
    });

    describe('.saveContext', () => {
      it('should round-trip registers and pc through restoreContext', () => {
        const { hart } = machine([A.ebreak()], options);
        for (let i = 1; i < 32; i++) hart.setX(i, u64(BigInt(i) * 0x0101010101010101n - 7n));
        hart.pc = CODE + 4;
        const saved = hart.saveContext();
        for (let i = 1; i < 32; i++) hart.setX(i, 0n);
        hart.restoreContext(saved);
        for (let i = 1; i < 32; i++) expect(hart.getX(i)).toBe(u64(BigInt(i) * 0x0101010101010101n - 7n));
        expect(hart.pc).toBe(CODE + 4);
        expect(hart.getXSigned(1)).toBe(0x0101010101010101n - 7n);
        expect(hart.getXSigned(31)).toBe(BigInt.asIntN(64, 31n * 0x0101010101010101n - 7n));
        saved.x[5] = 1n;
        expect(hart.getX(5)).not.toBe(1n);
      });
    });
  });
}


function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

function catchFault(f: () => unknown): MemoryFault {
  const e = catchError(f);
  if (!(e instanceof MemoryFault)) throw e;
  return e;
}

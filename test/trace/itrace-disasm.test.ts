import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Disassembler, disassemble } from '../../src/arch/riscv64/disasm.js';
import { isaRegistry, STANDARD_EXTENSIONS } from '../../src/arch/riscv64/isa/index.js';
import { FunctionTable } from '../../src/elf/symbols.js';
import { joltExtension } from '../../src/integrations/jolt/instructions.js';
import { ItraceReader } from '../../src/trace/itrace/reader.js';
import { guestPath, tracedRun } from './itrace-support.js';

// Encoders written from the ISA manual, independent of the registry the disassembler uses.
const R = (f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number) => ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const I = (imm: number, rs1: number, f3: number, rd: number, op: number) => (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const S = (imm: number, rs2: number, rs1: number, f3: number) => ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | 0x23) >>> 0;
const B = (off: number, rs2: number, rs1: number, f3: number) =>
  ((((off >> 12) & 1) << 31) | (((off >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (((off >> 1) & 0xf) << 8) | (((off >> 11) & 1) << 7) | 0x63) >>> 0;
const U = (imm20: number, rd: number, op: number) => ((imm20 << 12) | (rd << 7) | op) >>> 0;
const J = (off: number, rd: number) => ((((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) | (((off >> 12) & 0xff) << 12) | (rd << 7) | 0x6f) >>> 0;
const AMO = (f5: number, aq: number, rl: number, rs2: number, rs1: number, f3: number, rd: number) => R((f5 << 2) | (aq << 1) | rl, rs2, rs1, f3, rd, 0x2f);

const [zero, ra, sp, gp, s0, a0, a1, a2, a5] = [0, 1, 2, 3, 8, 10, 11, 12, 15];
const PC = 0x10000;
const d = (word: number, pc = PC) => disassemble(word, pc);

describe('the disassembler', () => {
  it('should print register-immediate instructions and their aliases', () => {
    expect(d(I(16, sp, 0, a0, 0x13))).toBe('addi a0, sp, 16');
    expect(d(I(-1, zero, 0, a0, 0x13))).toBe('li a0, -1');
    expect(d(I(0, a1, 0, a0, 0x13))).toBe('mv a0, a1');
    expect(d(I(0, zero, 0, zero, 0x13))).toBe('nop');
    expect(d(I(0, a1, 0, a0, 0x1b))).toBe('sext.w a0, a1');
    expect(d(I(5, a1, 0, a0, 0x1b))).toBe('addiw a0, a1, 5');
    expect(d(I(-1, a1, 4, a0, 0x13))).toBe('not a0, a1');
    expect(d(I(1, a1, 3, a0, 0x13))).toBe('seqz a0, a1');
    expect(d(I(-16, sp, 7, sp, 0x13))).toBe('andi sp, sp, -16');
    expect(d(I(7, a1, 2, a0, 0x13))).toBe('slti a0, a1, 7');
  });

  it('should print shifts with their amounts', () => {
    expect(d(I(63, a0, 1, a0, 0x13))).toBe('slli a0, a0, 63');
    expect(d(I(0x400 | 5, a1, 5, a0, 0x13))).toBe('srai a0, a1, 5');
    expect(d(I(0x400 | 31, a1, 5, a0, 0x1b))).toBe('sraiw a0, a1, 31');
    expect(d(R(0, a2, a1, 1, a0, 0x3b))).toBe('sllw a0, a1, a2');
  });

  it('should print register-register, M and their aliases', () => {
    expect(d(R(0, a2, a1, 0, a0, 0x33))).toBe('add a0, a1, a2');
    expect(d(R(0x20, a2, a1, 0, a0, 0x33))).toBe('sub a0, a1, a2');
    expect(d(R(1, a2, a1, 0, a0, 0x33))).toBe('mul a0, a1, a2');
    expect(d(R(1, a2, a1, 3, a0, 0x33))).toBe('mulhu a0, a1, a2');
    expect(d(R(1, a2, a1, 5, a0, 0x3b))).toBe('divuw a0, a1, a2');
    expect(d(R(1, a2, a1, 7, a0, 0x33))).toBe('remu a0, a1, a2');
    expect(d(R(0x20, a1, zero, 0, a0, 0x33))).toBe('neg a0, a1');
    expect(d(R(0x20, a1, zero, 0, a0, 0x3b))).toBe('negw a0, a1');
    expect(d(R(0, a1, zero, 3, a0, 0x33))).toBe('snez a0, a1');
    expect(d(R(0, zero, a1, 2, a0, 0x33))).toBe('sltz a0, a1');
    expect(d(R(0, a1, zero, 2, a0, 0x33))).toBe('sgtz a0, a1');
  });

  it('should print loads and stores as offset(base)', () => {
    expect(d(I(8, sp, 3, ra, 0x03))).toBe('ld ra, 8(sp)');
    expect(d(I(-1, a1, 4, a0, 0x03))).toBe('lbu a0, -1(a1)');
    expect(d(I(2044, a1, 6, a0, 0x03))).toBe('lwu a0, 2044(a1)');
    expect(d(S(8, ra, sp, 3))).toBe('sd ra, 8(sp)');
    expect(d(S(-4, a0, s0, 0))).toBe('sb a0, -4(s0)');
    expect(d(S(-2048, a0, s0, 1))).toBe('sh a0, -2048(s0)');
  });

  it('should print upper immediates in hex', () => {
    expect(d(U(0x12, a0, 0x37))).toBe('lui a0, 0x12');
    expect(d(U(0xfffff, a0, 0x37))).toBe('lui a0, 0xfffff');
    expect(d(U(3, gp, 0x17))).toBe('auipc gp, 0x3');
  });

  it('should print jumps and branches with their targets, named by the symbol function', () => {
    const symbols = new FunctionTable([
      { name: 'main', start: 0x10234, size: 0x40 },
      { name: 'loop', start: 0xff00, size: 0x100 },
    ]);
    const named = new Disassembler({ symbol: (a) => (symbols.lookup(a) ? symbols.describe(a) : undefined) });
    expect(named.disassemble(J(0x234, ra), PC)).toBe('jal ra, 0x10234 <main>');
    expect(named.disassemble(J(0x240, zero), PC)).toBe('j 0x10240 <main+0xc>');
    expect(named.disassemble(J(-0x100, a5), PC)).toBe('jal a5, 0xff00 <loop>');
    expect(d(J(0x800, ra))).toBe('jal ra, 0x10800');
    expect(named.disassemble(B(0x234, a1, a0, 0), PC)).toBe('beq a0, a1, 0x10234 <main>');
    expect(d(B(-8, a1, a0, 1))).toBe('bne a0, a1, 0xfff8');
    expect(d(B(16, a1, a0, 4))).toBe('blt a0, a1, 0x10010');
    expect(d(B(16, a1, a0, 7))).toBe('bgeu a0, a1, 0x10010');
    expect(d(B(16, zero, a0, 0))).toBe('beqz a0, 0x10010');
    expect(d(B(16, zero, a0, 1))).toBe('bnez a0, 0x10010');
    expect(d(B(16, zero, a0, 5))).toBe('bgez a0, 0x10010');
    expect(d(B(16, zero, a0, 4))).toBe('bltz a0, 0x10010');
    expect(d(B(16, a0, zero, 5))).toBe('blez a0, 0x10010');
    expect(d(B(16, a0, zero, 4))).toBe('bgtz a0, 0x10010');
    // `j .`: the zkVM halt convention is the jump it is.
    expect(d(0x0000006f)).toBe('j 0x10000');
  });

  it('should print jalr and its aliases', () => {
    expect(d(I(0, ra, 0, zero, 0x67))).toBe('ret');
    expect(d(I(0, a5, 0, zero, 0x67))).toBe('jr a5');
    expect(d(I(0, a5, 0, ra, 0x67))).toBe('jalr a5');
    expect(d(I(8, a0, 0, ra, 0x67))).toBe('jalr ra, 8(a0)');
  });

  it('should print CSR instructions with CSR names and their aliases', () => {
    expect(d(I(0xf14, zero, 2, a0, 0x73))).toBe('csrr a0, mhartid');
    expect(d(I(0x305, a0, 1, zero, 0x73))).toBe('csrw mtvec, a0');
    expect(d(I(0x340, a1, 1, a0, 0x73))).toBe('csrrw a0, mscratch, a1');
    expect(d(I(0x300, a1, 2, zero, 0x73))).toBe('csrs mstatus, a1');
    expect(d(I(0x300, a1, 3, zero, 0x73))).toBe('csrc mstatus, a1');
    expect(d(I(0x300, 8, 5, zero, 0x73))).toBe('csrwi mstatus, 8');
    expect(d(I(0x300, 8, 6, a0, 0x73))).toBe('csrrsi a0, mstatus, 8');
    expect(d(I(0xc00, zero, 2, a0, 0x73))).toBe('rdcycle a0');
    expect(d(I(0xc01, zero, 2, a0, 0x73))).toBe('rdtime a0');
    expect(d(I(0xc02, zero, 2, a0, 0x73))).toBe('rdinstret a0');
    expect(d(I(0x7c0, zero, 2, a0, 0x73))).toBe('csrr a0, 0x7c0');
  });

  it('should print atomics with (base) and their ordering suffix', () => {
    expect(d(AMO(0x02, 0, 0, 0, a1, 2, a0))).toBe('lr.w a0, (a1)');
    expect(d(AMO(0x02, 1, 0, 0, a1, 3, a0))).toBe('lr.d.aq a0, (a1)');
    expect(d(AMO(0x03, 1, 1, a2, a1, 3, a0))).toBe('sc.d.aqrl a0, a2, (a1)');
    expect(d(AMO(0x00, 0, 1, a1, a2, 2, a0))).toBe('amoadd.w.rl a0, a1, (a2)');
    expect(d(AMO(0x01, 0, 0, a1, a2, 3, a0))).toBe('amoswap.d a0, a1, (a2)');
    expect(d(AMO(0x1c, 0, 0, a1, a2, 2, a0))).toBe('amomaxu.w a0, a1, (a2)');
  });

  it('should print system instructions and fences', () => {
    expect(d(0x00000073)).toBe('ecall');
    expect(d(0x00100073)).toBe('ebreak');
    expect(d(0x30200073)).toBe('mret');
    expect(d(0x10500073)).toBe('wfi');
    expect(d(0x0ff0000f)).toBe('fence');
    expect(d(0x0330000f)).toBe('fence rw, rw');
    expect(d(0x0210000f)).toBe('fence r, w');
    expect(d(0x0120000f)).toBe('fence w, r');
    expect(d(0x8330000f)).toBe('fence.tso');
    expect(d(0x0000100f)).toBe('fence.i');
  });

  it('should print compressed instructions as the base instructions they expand to', () => {
    expect(d(0x1141)).toBe('addi sp, sp, -16');
    expect(d(0x60a2)).toBe('ld ra, 8(sp)');
    expect(d(0xe406)).toBe('sd ra, 8(sp)');
    expect(d(0x8082)).toBe('ret');
    expect(d(0x852e)).toBe('mv a0, a1');
    expect(d(0x4501)).toBe('li a0, 0');
    expect(d(0xa009, 0x1019a)).toBe('j 0x1019c');
    expect(d(0x9002)).toBe('ebreak');
    expect(d(0x0001)).toBe('nop');
  });

  it('should print words nothing matches as .word or .half', () => {
    expect(d(0xffffffff)).toBe('.word 0xffffffff');
    expect(d(0x0000007f)).toBe('.word 0x0000007f');
    expect(d(0x0000)).toBe('.half 0x0000');
    // A reserved quadrant-0 halfword (funct3 100) and a quad-precision load (no Q).
    expect(d(0x8000)).toBe('.half 0x8000');
    expect(d(0x00004007)).toBe('.word 0x00004007');
  });

  it('should print F/D instructions with FP register names, and a static rounding mode', () => {
    expect(d(0x2000)).toBe('fld fs0, 0(s0)'); // c.fld
    expect(d(0xa422)).toBe('fsd fs0, 8(sp)'); // c.fsdsp
    expect(d(0x00c5f553)).toBe('fadd.s fa0, fa1, fa2'); // rm = 7 (dyn)
    expect(d(0x02c58553)).toBe('fadd.d fa0, fa1, fa2, rne');
    expect(d(0xc2059553)).toBe('fcvt.w.d a0, fa1, rtz');
    expect(d(0xe2058553)).toBe('fmv.x.d a0, fa1');
    expect(d(0xf2058553)).toBe('fmv.d.x fa0, a1');
    expect(d(0xa2c5a553)).toBe('feq.d a0, fa1, fa2');
    expect(d(0x6ac5f543)).toBe('fmadd.d fa0, fa1, fa2, fa3');
    expect(d(0x0085b507)).toBe('fld fa0, 8(a1)');
    expect(d(0x00a5a427)).toBe('fsw fa0, 8(a1)');
  });

  it('should print the base forms with aliases off', () => {
    const raw = new Disassembler({ aliases: false });
    expect(raw.disassemble(I(-1, zero, 0, a0, 0x13), PC)).toBe('addi a0, zero, -1');
    expect(raw.disassemble(I(0, ra, 0, zero, 0x67), PC)).toBe('jalr zero, 0(ra)');
    expect(raw.disassemble(J(16, zero), PC)).toBe('jal zero, 0x10010');
    expect(raw.disassemble(0x8082, PC)).toBe('jalr zero, 0(ra)');
    expect(raw.disassemble(0x0ff0000f, PC)).toBe('fence iorw, iorw');
    expect(raw.disassemble(I(0xf14, zero, 2, a0, 0x73), PC)).toBe('csrrs a0, mhartid, zero');
  });

  it('should print an integration\'s custom instructions by their registered mnemonics', () => {
    const jolt = joltExtension({} as Parameters<typeof joltExtension>[0]);
    const withJolt = new Disassembler({ isa: isaRegistry({ extensions: [...STANDARD_EXTENSIONS, jolt] }) });
    const custom = jolt.instructions[0]!;
    const word = (custom.match | (a0 << 7)) >>> 0;
    expect(withJolt.disassemble(word, PC)).toBe(`${custom.mnemonic} a0, zero, zero`);
    expect(d(word)).toMatch(/^\.word /);
  });

  it('should know every instruction a real C and a real Jolt run retire', () => {
    for (const [guest, kernel] of [['hello', {}], ['jolt/jolt_hash', { platform: 'jolt' }]] as const) {
      const trace = ItraceReader.fromBytes(tracedRun(guest, {}, { kernel }).file);
      const jolt = joltExtension({} as Parameters<typeof joltExtension>[0]);
      const disassembler = new Disassembler({ isa: isaRegistry({ extensions: [...STANDARD_EXTENSIONS, jolt] }) });
      let n = 0;
      for (const r of trace) {
        expect(disassembler.disassemble(r.bits, r.pc), `${guest} at 0x${r.pc.toString(16)}`).not.toMatch(/^\.(word|half)/);
        n++;
      }
      expect(n).toBeGreaterThan(1000);
    }
    expect(readFileSync(guestPath('hello')).length).toBeGreaterThan(0);
  });
});

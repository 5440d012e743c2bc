import { describe, expect, it } from 'vitest';
import * as decoder from '../../src/arch/riscv64/decoder.js';
import { INFO_COMPRESSED, OP_NAMES, SINK, decode } from '../../src/arch/riscv64/decoder.js';
import * as hart from '../../src/arch/riscv64/hart.js';
import * as A from './asm.js';

const opIds = Object.entries(decoder).filter(([name]) => name.startsWith('OP_') && name !== 'OP_NAMES') as [string, number][];

function fields(word: number): { op: string; rd: number; rs1: number; rs2: number; imm: number } {
  const info = decode(word);
  return {
    op: OP_NAMES[info & 0x7f]!,
    rd: ((info >> 8) & 0xff) >> 1,
    rs1: ((info >> 16) & 0xff) >> 1,
    rs2: (info >>> 24) >> 1,
    imm: decoder.decodedImm,
  };
}

describe('decode', () => {
  it('should give every op id a mnemonic', () => {
    expect(OP_NAMES).toHaveLength(Math.max(...opIds.map(([, id]) => id)) + 1);
    for (const [name, id] of opIds) {
      expect(OP_NAMES[id]!.replace('.', '_').toUpperCase()).toBe(name.slice(3));
    }
  });

  it('should agree with the op ids the interpreter switches on', () => {
    const Op = (hart as unknown as { Op: Record<string, number> }).Op;
    for (const [name, id] of opIds) expect(Op[name.slice(3)], name).toBe(id);
  });

  it('should extract sign-extended immediates of every format at their extremes', () => {
    expect(fields(A.addi(1, 2, -2048))).toMatchObject({ op: 'addi', rd: 1, rs1: 2, imm: -2048 });
    expect(fields(A.addi(1, 2, 2047)).imm).toBe(2047);
    expect(fields(A.sd(3, 4, -2048))).toMatchObject({ op: 'sd', rs1: 4, rs2: 3, imm: -2048 });
    expect(fields(A.sd(3, 4, 2047)).imm).toBe(2047);
    expect(fields(A.beq(5, 6, -4096))).toMatchObject({ op: 'beq', rs1: 5, rs2: 6, imm: -4096 });
    expect(fields(A.bgeu(5, 6, 4094)).imm).toBe(4094);
    expect(fields(A.jal(1, -(1 << 20))).imm).toBe(-(1 << 20));
    expect(fields(A.jal(1, (1 << 20) - 2)).imm).toBe((1 << 20) - 2);
    expect(fields(A.lui(7, 0xfffff)).imm).toBe(-4096);
    expect(fields(A.srai(1, 1, 63))).toMatchObject({ op: 'srai', imm: 63 });
    expect(fields(A.csrrw(1, 0xfff, 2))).toMatchObject({ op: 'csrrw', imm: 0xfff });
  });

  it('should send writes to x0 to the sink register pair', () => {
    expect((decode(A.add(0, 1, 2)) >> 8) & 0xff).toBe(SINK);
    expect((decode(A.add(5, 1, 2)) >> 8) & 0xff).toBe(10);
  });

  it('should decode jal x0, 0 as the halt convention', () => {
    expect(fields(A.j(0)).op).toBe('halt');
    expect(fields(A.jal(1, 0)).op).toBe('jal');
  });

  it('should leave the compressed flag to the caller', () => {
    expect(decode(A.addi(1, 1, 1)) & INFO_COMPRESSED).toBe(0);
  });

  it('should decode every AMO with any aq/rl bits', () => {
    for (const name of ['swap', 'add', 'xor', 'and', 'or', 'min', 'max', 'minu', 'maxu'] as const) {
      for (const width of ['w', 'd'] as const) {
        for (const bits of [0, 1, 2, 3]) {
          expect(fields(A.amo(name, width, 1, 2, 3, bits >> 1, bits & 1)).op).toBe(`amo${name}.${width}`);
        }
      }
    }
  });
});

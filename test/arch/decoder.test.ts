import { describe, expect, it } from 'vitest';
import { INFO_COMPRESSED, SINK, isaRegistry } from '../../src/arch/riscv64/isa/index.js';
import * as A from './asm.js';

const isa = isaRegistry();

function fields(word: number): { op: string; rd: number; rs1: number; rs2: number; imm: number } {
  const info = isa.decode(word);
  return {
    op: isa.names[info & 0x7f]!,
    rd: ((info >> 8) & 0xff) >> 1,
    rs1: ((info >> 16) & 0xff) >> 1,
    rs2: (info >>> 24) >> 1,
    imm: isa.decodedImm,
  };
}

describe('IsaRegistry', () => {
  describe('.decode', () => {
    it('should give every op id one mnemonic', () => {
      expect(new Set(isa.names).size).toBe(isa.names.length);
      for (const [id, name] of isa.names.entries()) if (id > 0) expect(isa.opOf(name)).toBe(id);
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
      expect((isa.decode(A.add(0, 1, 2)) >> 8) & 0xff).toBe(SINK);
      expect((isa.decode(A.add(5, 1, 2)) >> 8) & 0xff).toBe(10);
    });

    it('should decode jal x0, 0 as the halt convention', () => {
      expect(fields(A.j(0)).op).toBe('halt');
      expect(fields(A.jal(1, 0)).op).toBe('jal');
    });

    it('should leave the compressed flag to the caller', () => {
      expect(isa.decode(A.addi(1, 1, 1)) & INFO_COMPRESSED).toBe(0);
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

    it('should call reserved encodings illegal', () => {
      expect(fields(0x00007003).op).toBe('illegal'); // a load with funct3 = 7
      expect(fields(0x02002073 | (1 << 25)).op).toBe('csrrs'); // csr field covers bits 31..20
      expect(fields(0x4000103b).op).toBe('illegal'); // sllw with funct7 0x20
      expect(fields(0xffffffff).op).toBe('illegal');
    });
  });
});

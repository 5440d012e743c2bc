import { describe, expect, it } from 'vitest';
import { fd, int, long, ptr, size, uint, word } from '../../src/kernel/syscall/args.js';

describe('syscall argument specs', () => {
  describe('int', () => {
    it('should take the low 32 bits as a signed value', () => {
      expect(int('x').decode(0xffff_ffffn)).toBe(-1);
      expect(int('x').decode(0x1_0000_0005n)).toBe(5);
      expect(int('x').decode(0x8000_0000n)).toBe(-0x8000_0000);
    });
  });
  describe('fd', () => {
    it('should read AT_FDCWD (-100 sign-extended) as -100', () => {
      expect(fd().decode(BigInt.asUintN(64, -100n))).toBe(-100);
    });
  });
  describe('uint', () => {
    it('should take the low 32 bits unsigned and print hex', () => {
      const spec = uint('flags');
      expect(spec.decode(0xffff_ffff_8000_0001n)).toBe(0x8000_0001);
      expect(spec.format(0x5413)).toBe('0x5413');
    });
  });
  describe('ptr', () => {
    it('should keep addresses below 2^53 exact', () => {
      expect(ptr('p').decode(0x1f_ffff_ffff_fff0n)).toBe(0x1f_ffff_ffff_fff0);
    });
    it('should keep addresses past 2^53 past 2^53, where nothing is mapped', () => {
      expect(ptr('p').decode(0xffff_ffff_ffff_fff0n)).toBeGreaterThanOrEqual(2 ** 53);
      expect(ptr('p').format(ptr('p').decode(0xffff_ffff_ffff_fff0n))).toBe('bad-pointer');
    });
    it('should print NULL and hex', () => {
      expect(ptr('p').format(0)).toBe('NULL');
      expect(ptr('p').format(0x1000)).toBe('0x1000');
    });
  });
  describe('size', () => {
    it('should read (size_t)-1 as about 2^64', () => {
      expect(size('n').decode(2n ** 64n - 1n)).toBe(2 ** 64);
      expect(size('n').decode(4096n)).toBe(4096);
    });
  });
  describe('long and word', () => {
    it('should keep all 64 bits', () => {
      expect(long('off').decode(2n ** 64n - 2n)).toBe(-2n);
      expect(word('arg').decode(2n ** 64n - 2n)).toBe(2n ** 64n - 2n);
    });
  });
});

import { describe, expect, it } from 'vitest';
import {
  T,
  div64,
  divu64,
  mul64,
  mulh64,
  mulhsu64,
  mulhu32,
  mulhu64,
  rem64,
  remu64,
  udivmod64,
} from '../../src/arch/riscv64/int64.js';
import { EDGE_VALUES, RR, Rng, u64 } from './reference.js';

const lo = (v: bigint): number => Number(BigInt.asIntN(32, v));
const hi = (v: bigint): number => Number(BigInt.asIntN(32, v >> 32n));
const result = (): bigint => u64((BigInt(T[1]!) << 32n) | BigInt(T[0]! >>> 0));

const rng = new Rng(42n);
const PAIRS: [bigint, bigint][] = [];
for (const a of EDGE_VALUES) for (const b of EDGE_VALUES) PAIRS.push([a, b]);
for (let i = 0; i < 20_000; i++) PAIRS.push([rng.operand(), rng.operand()]);

const CASES: [string, (al: number, ah: number, bl: number, bh: number) => void, string][] = [
  ['mul64', mul64, 'mul'],
  ['mulh64', mulh64, 'mulh'],
  ['mulhsu64', mulhsu64, 'mulhsu'],
  ['mulhu64', mulhu64, 'mulhu'],
  ['div64', div64, 'div'],
  ['divu64', divu64, 'divu'],
  ['rem64', rem64, 'rem'],
  ['remu64', remu64, 'remu'],
];

describe('int64', () => {
  for (const [name, fn, ref] of CASES) {
    describe(`.${name}`, () => {
      it('should match the BigInt reference on edge and random operands', () => {
        const want = RR[ref]!;
        for (const [a, b] of PAIRS) {
          fn(lo(a), hi(a), lo(b), hi(b));
          if (result() !== want(a, b)) expect.fail(`${name}(${a.toString(16)}, ${b.toString(16)})`);
        }
      });
    });
  }

  describe('.udivmod64', () => {
    it('should leave quotient and remainder for every operand size class', () => {
      for (const [a, b] of PAIRS) {
        if (b === 0n) continue;
        udivmod64(lo(a), hi(a), lo(b), hi(b));
        const q = result();
        const r = u64((BigInt(T[3]!) << 32n) | BigInt(T[2]! >>> 0));
        if (q !== a / b || r !== a % b) expect.fail(`udivmod64(${a.toString(16)}, ${b.toString(16)})`);
      }
    });
  });

  describe('.mulhu32', () => {
    it('should give the high word of 32x32 products', () => {
      for (const [a, b] of PAIRS.slice(0, 5000)) {
        const x = a & 0xffffffffn;
        const y = b & 0xffffffffn;
        expect(mulhu32(Number(x), Number(y))).toBe(Number(BigInt.asIntN(32, (x * y) >> 32n)));
      }
    });
  });
});

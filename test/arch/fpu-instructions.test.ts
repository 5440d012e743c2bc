/**
 * The F and D instructions through a hart, on every engine: arithmetic with fflags and the
 * rounding modes, NaN-boxing, FMA exactness, conversions' saturation, moves, compares,
 * fclass, loads and stores (compressed ones too), reserved rounding modes, fcsr and the
 * saved thread context.
 */
import { describe, expect, it } from 'vitest';
import { expandCompressed } from '../../src/arch/riscv64/compressed.js';
import { RV64D, RV64F, STANDARD_EXTENSIONS, expandCompressedFp, fpMnemonic, isaRegistry } from '../../src/arch/riscv64/isa/index.js';
import { IllegalInstruction, StopReason } from '../../src/arch/riscv64/types.js';
import type { RiscvHartOptions } from '../../src/arch/riscv64/hart.js';
import { PAYLOAD_ADDRESS, PAYLOAD_NONE, PAYLOAD_VALUE } from '../../src/trace/itrace/format.js';
import { payloadKinds } from '../../src/trace/itrace/writer.js';
import * as A from './asm.js';
import { DATA, ENGINES, engineName, machine } from './machine.js';

const FD_ISA = { extensions: [...STANDARD_EXTENSIONS.filter((e) => e.name !== 'f' && e.name !== 'd'), RV64F, RV64D] };
const S = 0;
const D = 1;
const [RNE, RTZ, RDN, RUP, RMM] = [0, 1, 2, 3, 4];
const NV = 16, DZ = 8, OF = 4, UF = 2, NX = 1;
const FCSR = 0x003, FFLAGS = 0x001, FRM = 0x002;

/** Bits of a double / a NaN-boxed single. */
const dbl = (x: number): bigint => new BigUint64Array(new Float64Array([x]).buffer)[0]!;
const sgl = (x: number): bigint => 0xffffffff00000000n | BigInt(new Uint32Array(new Float32Array([x]).buffer)[0]!);
const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);

/** Runs `program` then ebreak on a hart with F and D; `setup` sets registers first. */
function run(options: RiscvHartOptions, program: readonly A.Item[], setup: (m: ReturnType<typeof machine>) => void = () => {}) {
  const m = machine([...program, A.ebreak()], { ...options, isa: FD_ISA });
  setup(m);
  expect(m.hart.run(1000)).toBe(StopReason.Ebreak);
  return m;
}

for (const options of ENGINES) {
  describe(`F and D instructions (${engineName(options)})`, () => {
    it('fadd.d rounds per rm and accrues NX; fcsr reads frm and fflags', () => {
      const tiny = 2 ** -53;
      for (const [rm, expected] of [[RNE, 1], [RTZ, 1], [RDN, 1], [RUP, 1 + 2 ** -52], [RMM, 1 + 2 ** -52]] as const) {
        const m = run(options, [A.fadd(D, 3, 1, 2, rm), A.csrrs(10, FCSR, 0)], ({ hart }) => {
          hart.setF(1, dbl(1));
          hart.setF(2, dbl(tiny));
        });
        expect(m.hart.getF(3), `rm ${rm}`).toBe(dbl(expected));
        expect(m.hart.getX(10)).toBe(BigInt(NX));
      }
      // Dynamic rounding: frm = RUP from fsrm (csrrw frm).
      const m = run(options, [A.addi(5, 0, RUP), A.csrrw(0, FRM, 5), A.fadd(D, 3, 1, 2), A.csrrs(10, FCSR, 0)], ({ hart }) => {
        hart.setF(1, dbl(1));
        hart.setF(2, dbl(tiny));
      });
      expect(m.hart.getF(3)).toBe(dbl(1 + 2 ** -52));
      expect(m.hart.getX(10)).toBe(BigInt((RUP << 5) | NX));
    });

    it('single results are NaN-boxed; a badly boxed single reads as the canonical NaN', () => {
      const m = run(options, [A.fadd(S, 3, 1, 2, RNE), A.fadd(S, 4, 1, 5, RNE), A.fmvXF(S, 10, 4), A.csrrs(11, FFLAGS, 0)], ({ hart }) => {
        hart.setF(1, sgl(1.5));
        hart.setF(2, sgl(2.25));
        hart.setF(5, 0x00000000_3f800000n); // 1.0f without the box
      });
      expect(m.hart.getF(3)).toBe(sgl(3.75));
      expect(m.hart.getF(4)).toBe(0xffffffff_7fc00000n);
      expect(m.hart.getX(10)).toBe(0x7fc00000n);
      expect(m.hart.getX(11)).toBe(0n); // a canonical (quiet) NaN operand raises nothing
    });

    it('division by zero, overflow, underflow and invalid set their flags', () => {
      const m = run(
        options,
        [
          A.fdiv(D, 3, 1, 0, RNE), A.csrrw(10, FFLAGS, 0),
          A.fmul(D, 4, 2, 2, RNE), A.csrrw(11, FFLAGS, 0),
          A.fmul(D, 6, 5, 5, RNE), A.csrrw(12, FFLAGS, 0),
          A.fsqrt(D, 7, 8, RNE), A.csrrw(13, FFLAGS, 0),
        ],
        ({ hart }) => {
          hart.setF(0, dbl(0));
          hart.setF(1, dbl(1));
          hart.setF(2, dbl(1e300));
          hart.setF(5, dbl(1e-200));
          hart.setF(8, dbl(-4));
        },
      );
      expect(m.hart.getF(3)).toBe(dbl(Infinity));
      expect(m.hart.getX(10)).toBe(BigInt(DZ));
      expect(m.hart.getF(4)).toBe(dbl(Infinity));
      expect(m.hart.getX(11)).toBe(BigInt(OF | NX));
      expect(m.hart.getF(6)).toBe(0n);
      expect(m.hart.getX(12)).toBe(BigInt(UF | NX));
      expect(m.hart.getF(7)).toBe(0x7ff8000000000000n);
      expect(m.hart.getX(13)).toBe(BigInt(NV));
    });

    it('fmadd.d is fused: the exact product counts (JS a*b+c would give 0)', () => {
      const a = 1 + 2 ** -30;
      const b = 1 - 2 ** -30;
      expect(a * b - 1).toBe(0);
      const m = run(options, [A.fma4(0x43, D, 3, 1, 2, 4, RNE), A.fma4(0x4f, D, 5, 1, 2, 4, RNE), A.fma4(0x47, D, 6, 1, 2, 4, RNE), A.fma4(0x4b, D, 7, 1, 2, 4, RNE)], ({ hart }) => {
        hart.setF(1, dbl(a));
        hart.setF(2, dbl(b));
        hart.setF(4, dbl(-1));
      });
      expect(m.hart.getF(3)).toBe(dbl(-(2 ** -60))); // a*b + c
      expect(m.hart.getF(5)).toBe(dbl(2 ** -60)); // -(a*b) - c
      expect(m.hart.getF(6)).toBe(dbl(2 - 2 ** -60)); // a*b - c
      expect(m.hart.getF(7)).toBe(dbl(-2 + 2 ** -60)); // -(a*b) + c
    });

    it('fcvt to integers saturates with NV; 32-bit results are sign-extended', () => {
      const m = run(
        options,
        [
          A.fcvtXF(D, 0, 10, 1, RTZ), // fcvt.w.d 3e9 -> 2^31-1
          A.fcvtXF(D, 0, 11, 2, RTZ), // fcvt.w.d NaN -> 2^31-1
          A.fcvtXF(D, 0, 12, 3, RTZ), // fcvt.w.d -inf -> -2^31
          A.fcvtXF(D, 1, 13, 4, RTZ), // fcvt.wu.d -1 -> 0
          A.fcvtXF(D, 1, 14, 1, RTZ), // fcvt.wu.d 3e9 -> 0xb2d05e00, sign-extended
          A.fcvtXF(D, 2, 15, 5, RNE), // fcvt.l.d 2.5 -> 2 (ties to even)
          A.fcvtXF(D, 2, 16, 5, RMM), // fcvt.l.d 2.5 -> 3
          A.fcvtXF(D, 3, 17, 6, RTZ), // fcvt.lu.d -0.5 -> 0, NX only
          A.csrrs(18, FFLAGS, 0),
          A.fcvtXF(S, 3, 19, 7, RTZ), // fcvt.lu.s 2^64 -> all ones
        ],
        ({ hart }) => {
          hart.setF(1, dbl(3e9));
          hart.setF(2, 0x7ff0000000000001n);
          hart.setF(3, dbl(-Infinity));
          hart.setF(4, dbl(-1));
          hart.setF(5, dbl(2.5));
          hart.setF(6, dbl(-0.5));
          hart.setF(7, sgl(2 ** 64));
        },
      );
      expect(m.hart.getX(10)).toBe(0x7fffffffn);
      expect(m.hart.getX(11)).toBe(0x7fffffffn);
      expect(m.hart.getX(12)).toBe(u64(-(2n ** 31n)));
      expect(m.hart.getX(13)).toBe(0n);
      expect(m.hart.getX(14)).toBe(0xffffffff_b2d05e00n);
      expect(m.hart.getX(15)).toBe(2n);
      expect(m.hart.getX(16)).toBe(3n);
      expect(m.hart.getX(17)).toBe(0n);
      expect(m.hart.getX(18)).toBe(BigInt(NV | NX));
      expect(m.hart.getX(19)).toBe(u64(-1n));
    });

    it('fcvt from integers rounds per rm; fcvt.s.d / fcvt.d.s; fmv moves raw bits', () => {
      const m = run(
        options,
        [
          ...A.li(5, (1n << 53n) + 1n),
          A.fcvtFX(D, 2, 1, 5, RNE), // 2^53+1 -> 2^53
          A.fcvtFX(D, 2, 2, 5, RUP), // -> 2^53+2
          A.addi(6, 0, -1),
          A.fcvtFX(S, 1, 3, 6, RNE), // fcvt.s.wu 0xffffffff -> 2^32
          A.fcvtFX(S, 0, 4, 6, RNE), // fcvt.s.w -1 -> -1
          A.fcvtSD(7, 8, RNE),
          A.fcvtDS(9, 7, RNE),
          A.fmvXF(S, 10, 11), // sign-extends bit 31
          A.fmvFX(S, 12, 6), // boxes the low word
          A.fmvXF(D, 13, 8),
          A.fmvFX(D, 14, 6),
        ],
        ({ hart }) => {
          hart.setF(8, dbl(0.1));
          hart.setF(11, 0x12345678_80000001n);
        },
      );
      expect(m.hart.getF(1)).toBe(dbl(2 ** 53));
      expect(m.hart.getF(2)).toBe(dbl(2 ** 53 + 2));
      expect(m.hart.getF(3)).toBe(sgl(2 ** 32));
      expect(m.hart.getF(4)).toBe(sgl(-1));
      expect(m.hart.getF(7)).toBe(sgl(Math.fround(0.1)));
      expect(m.hart.getF(9)).toBe(dbl(Math.fround(0.1)));
      expect(m.hart.getX(10)).toBe(0xffffffff_80000001n);
      expect(m.hart.getF(12)).toBe(0xffffffff_ffffffffn);
      expect(m.hart.getX(13)).toBe(dbl(0.1));
      expect(m.hart.getF(14)).toBe(u64(-1n));
    });

    it('compares, fmin/fmax (2019 NaN rules), fsgnj and fclass', () => {
      const m = run(
        options,
        [
          A.fcmp(D, 10, 1, 2, 2), A.csrrw(20, FFLAGS, 0), // feq 1, qNaN: 0, no flag
          A.fcmp(D, 11, 1, 2, 1), A.csrrw(21, FFLAGS, 0), // flt 1, qNaN: 0, NV
          A.fcmp(D, 12, 3, 4, 0), // fle -0, +0: 1
          A.fcmp(D, 13, 3, 4, 1), // flt -0, +0: 0
          A.fminmax(D, 5, 3, 4, false), // fmin -0, +0 = -0
          A.fminmax(D, 6, 3, 4, true), // fmax = +0
          A.fminmax(D, 7, 1, 2, false), // fmin 1, qNaN = 1
          A.fminmax(D, 8, 2, 2, true), // both NaN: canonical
          A.fminmax(D, 9, 1, 15, true), A.csrrw(22, FFLAGS, 0), // sNaN operand: 1, NV
          A.fsgnj(D, 16, 1, 3, 0), // -1
          A.fsgnj(D, 17, 3, 3, 1), // +0
          A.fsgnj(D, 18, 3, 3, 2), // +0 (sign xor)
          A.fclass(D, 14, 3), A.fclass(D, 15, 15), A.fclass(S, 16, 19),
        ],
        ({ hart }) => {
          hart.setF(1, dbl(1));
          hart.setF(2, 0x7ff8000000000123n);
          hart.setF(3, dbl(-0));
          hart.setF(4, dbl(0));
          hart.setF(15, 0x7ff0000000000001n);
          hart.setF(19, sgl(1e-40)); // a single subnormal
        },
      );
      expect([10, 11, 12, 13].map((r) => m.hart.getX(r))).toEqual([0n, 0n, 1n, 0n]);
      expect([20, 21, 22].map((r) => m.hart.getX(r))).toEqual([0n, BigInt(NV), BigInt(NV)]);
      expect(m.hart.getF(5)).toBe(dbl(-0));
      expect(m.hart.getF(6)).toBe(dbl(0));
      expect(m.hart.getF(7)).toBe(dbl(1));
      expect(m.hart.getF(8)).toBe(0x7ff8000000000000n);
      expect(m.hart.getF(9)).toBe(dbl(1));
      expect(m.hart.getF(16)).toBe(dbl(-1));
      expect(m.hart.getF(17)).toBe(dbl(0));
      expect(m.hart.getF(18)).toBe(dbl(0));
      expect(m.hart.getX(14)).toBe(1n << 3n);
      expect(m.hart.getX(15)).toBe(1n << 8n);
      expect(m.hart.getX(16)).toBe(1n << 5n);
    });

    it('loads and stores, compressed forms included', () => {
      const m = run(
        options,
        [
          ...A.li(8, BigInt(DATA)),
          A.fld(1, 8, 0),
          A.fsd(1, 8, 16),
          A.cFld(9, 8, 16), // f9 <- 16(x8)
          A.cFsd(9, 8, 24),
          A.flw(2, 8, 8), // NaN-boxed
          A.fsw(2, 8, 32),
          A.addi(2, 2, -64),
          A.cFsdsp(1, 8),
          A.cFldsp(3, 8),
          A.fmvXF(D, 10, 9),
        ],
        ({ memory }) => {
          const bytes = new Uint8Array(16);
          new DataView(bytes.buffer).setFloat64(0, Math.PI, true);
          new DataView(bytes.buffer).setFloat32(8, Math.E, true);
          memory.poke(DATA, bytes);
        },
      );
      expect(m.hart.getF(1)).toBe(dbl(Math.PI));
      expect(m.hart.getF(9)).toBe(dbl(Math.PI));
      expect(m.hart.getX(10)).toBe(dbl(Math.PI));
      expect(m.hart.getF(2)).toBe(sgl(Math.E));
      expect(m.hart.getF(3)).toBe(dbl(Math.PI));
      const view = new DataView(m.memory.read(DATA, 40).slice().buffer);
      expect(view.getFloat64(24, true)).toBe(Math.PI);
      expect(view.getFloat32(32, true)).toBe(Math.fround(Math.E));
    });

    it('a reserved rounding mode, or an invalid frm under dyn, is an illegal instruction', () => {
      const bad = machine([A.fadd(D, 3, 1, 2, 5), A.ebreak()], { ...options, isa: FD_ISA });
      expect(() => bad.hart.run(10)).toThrow(IllegalInstruction);
      const dyn = machine([A.addi(5, 0, 5), A.csrrw(0, FRM, 5), A.fadd(D, 3, 1, 2), A.ebreak()], { ...options, isa: FD_ISA });
      expect(() => dyn.hart.run(10)).toThrow(/frm = 5/);
      // fsgnj's funct3 selects, it is not a rounding mode: 3 is no instruction.
      const sgnj = machine([A.fsgnj(D, 3, 1, 2, 3), A.ebreak()], { ...options, isa: FD_ISA });
      expect(() => sgnj.hart.run(10)).toThrow(IllegalInstruction);
    });

    it('F without D: the .d forms and fld are illegal; misa has F and D bits only when registered', () => {
      const fOnly = { extensions: [...FD_ISA.extensions.filter((e) => e.name !== 'd')] };
      const m = machine([A.fadd(D, 3, 1, 2, RNE), A.ebreak()], { ...options, isa: fOnly });
      expect(() => m.hart.run(10)).toThrow(IllegalInstruction);
      const l = machine([A.fld(1, 2, 0), A.ebreak()], { ...options, isa: fOnly });
      expect(() => l.hart.run(10)).toThrow(IllegalInstruction);
      const misaF = m.hart.readCsr(0x301);
      expect(misaF & (1n << 5n)).toBe(1n << 5n);
      expect(misaF & (1n << 3n)).toBe(0n);
      const both = machine([A.ebreak()], { ...options, isa: FD_ISA });
      expect(both.hart.readCsr(0x301) & 0x28n).toBe(0x28n);
    });

    it('a saved context carries the f registers and fcsr', () => {
      const m = run(options, [A.fdiv(D, 1, 1, 2, RNE)], ({ hart }) => {
        hart.setF(1, dbl(1));
        hart.setF(2, dbl(3));
        hart.writeCsr(FRM, 3n);
      });
      const saved = m.hart.saveContext();
      expect(saved.fcsr).toBe((3 << 5) | NX);
      m.hart.setF(1, 0n);
      m.hart.writeCsr(FCSR, 0n);
      m.hart.restoreContext(saved);
      expect(m.hart.getF(1)).toBe(dbl(1 / 3));
      expect(m.hart.readCsr(FCSR)).toBe(BigInt((3 << 5) | NX));
      m.hart.restoreContext({ x: saved.x, pc: saved.pc });
      expect(m.hart.getF(1)).toBe(0n);
      expect(m.hart.readCsr(FCSR)).toBe(0n);
    });
  });
}

describe('F and D encodings', () => {
  it('reserved OP-FP encodings are illegal instructions on every engine', () => {
    const words = [
      A.fsqrt(D, 1, 2, RNE) | (1 << 20), // fsqrt with rs2 != 0
      A.fclass(D, 1, 2) | (3 << 20),
      A.fmvFX(S, 1, 2) | (1 << 12), // fmv.w.x with funct3 != 0
      A.fcvtXF(D, 4, 1, 2, RNE), // fcvt with rs2 = 4
      A.fcvtFX(D, 5, 1, 2, RNE),
      A.fminmax(S, 1, 2, 3, false) | (2 << 12),
      A.fcmp(S, 1, 2, 3, 3),
      A.fadd(2, 1, 2, 3, RNE), // fmt H
      A.fcvtSD(1, 2) ^ (3 << 20), // fcvt.s.d with rs2 = 2
      (0x10 << 27) | 0x53, // funct5 10000
      (0x06 << 27) | 0x53, // funct5 00110
      (0x13 << 27) | 0x53, // funct5 10011
      A.fma4(0x43, 2, 1, 2, 3, 4, RNE), // fmt H
    ];
    for (const options of ENGINES) {
      for (const word of words) {
        const m = machine([word >>> 0, A.ebreak()], { ...options, isa: FD_ISA });
        expect(() => m.hart.run(10), `${engineName(options)}: ${(word >>> 0).toString(16)}`).toThrow(IllegalInstruction);
      }
    }
  });

  it('fpMnemonic names every F/D instruction exactly', () => {
    expect(fpMnemonic(A.fadd(D, 1, 2, 3))).toBe('fadd.d');
    expect(fpMnemonic(A.fsgnj(S, 1, 2, 3, 2))).toBe('fsgnjx.s');
    expect(fpMnemonic(A.fcvtXF(S, 1, 1, 2))).toBe('fcvt.wu.s');
    expect(fpMnemonic(A.fcvtFX(D, 3, 1, 2))).toBe('fcvt.d.lu');
    expect(fpMnemonic(A.fcvtSD(1, 2))).toBe('fcvt.s.d');
    expect(fpMnemonic(A.fmvXF(S, 1, 2))).toBe('fmv.x.w');
    expect(fpMnemonic(A.fmvFX(D, 1, 2))).toBe('fmv.d.x');
    expect(fpMnemonic(A.fcmp(D, 1, 2, 3, 1))).toBe('flt.d');
    expect(fpMnemonic(A.fma4(0x4b, S, 1, 2, 3, 4))).toBe('fnmsub.s');
    expect(fpMnemonic(A.fsd(1, 2, 8))).toBe('fsd');
    expect(fpMnemonic(A.add(1, 2, 3))).toBeUndefined();
  });

  it('instruction traces record x-register results only, and FP store addresses', () => {
    const isa = isaRegistry();
    const kinds = payloadKinds(isa);
    const kind = (mnemonic: string): number => kinds[isa.opOf(mnemonic)!]!;
    expect(['fp.arith', 'fp.from.x', 'fmadd', 'flw', 'fld'].map(kind)).toEqual([PAYLOAD_NONE, PAYLOAD_NONE, PAYLOAD_NONE, PAYLOAD_NONE, PAYLOAD_NONE]);
    expect(['fp.to.x', 'fsw', 'fsd', 'add'].map(kind)).toEqual([PAYLOAD_VALUE, PAYLOAD_ADDRESS, PAYLOAD_ADDRESS, PAYLOAD_VALUE]);
  });

  it('c.fld/c.fsd/c.fldsp/c.fsdsp expand like c.ld/c.sd/c.ldsp/c.sdsp, to the FP opcodes', () => {
    for (let rest = 0; rest < 0x800; rest++) {
      const q0 = (rest << 2) & 0x1ffc;
      expect(expandCompressedFp((1 << 13) | q0)).toBe((expandCompressed((3 << 13) | q0) | 0x04) >>> 0);
      expect(expandCompressedFp((5 << 13) | q0)).toBe((expandCompressed((7 << 13) | q0) | 0x04) >>> 0);
      const q2 = (rest << 2) | 2;
      const ldsp = expandCompressed((3 << 13) | q2);
      // c.ldsp with rd = x0 is reserved; c.fldsp with rd = f0 is an ordinary load.
      if (ldsp >= 0) expect(expandCompressedFp((1 << 13) | q2)).toBe((ldsp | 0x04) >>> 0);
      else expect(expandCompressedFp((1 << 13) | q2)).toBe((expandCompressed((3 << 13) | q2 | (1 << 7)) & ~(31 << 7)) | 0x04);
      expect(expandCompressedFp((5 << 13) | q2)).toBe((expandCompressed((7 << 13) | q2) | 0x04) >>> 0);
      expect(expandCompressedFp((3 << 13) | q0)).toBe(-1); // c.ld is no FP form
    }
  });

  it('F and D fit the op-id space next to a platform with 16 instructions of its own', () => {
    const isa = isaRegistry(FD_ISA);
    expect(isa.instructions.length + 16).toBeLessThanOrEqual(128);
  });
});

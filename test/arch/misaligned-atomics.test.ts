import { describe, expect, it } from 'vitest';
import {
  CAUSE_LOAD_ADDRESS_MISALIGNED,
  CAUSE_STORE_ADDRESS_MISALIGNED,
  MisalignedAccess,
  StopReason,
} from '../../src/arch/riscv64/types.js';
import { signalExitCode } from '../../src/errors.js';
import * as A from './asm.js';
import { CODE, DATA, ENGINES, engineName, machine } from './machine.js';

const T0 = 5;
const T1 = 6;
const T2 = 7;
const A0 = 10;

const NAMES = ['lr', 'sc', 'swap', 'add', 'xor', 'and', 'or', 'min', 'max', 'minu', 'maxu'] as const;
const mnemonic = (name: (typeof NAMES)[number], width: 'w' | 'd') =>
  name === 'lr' || name === 'sc' ? `${name}.${width}` : `amo${name}.${width}`;
const INSTRUCTIONS = (['w', 'd'] as const).flatMap((width) => NAMES.map((name) => [mnemonic(name, width), name, width] as const));
const FILL = 0x1122334455667788n;

function catchMisaligned(run: () => unknown): MisalignedAccess {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MisalignedAccess);
    return error as MisalignedAccess;
  }
  throw new Error('expected a misaligned-access fault');
}

describe.each(ENGINES)('RiscvHart atomics ($engine)', (options) => {
  describe.each(INSTRUCTIONS)('%s', (text, name, width) => {
    const size = width === 'w' ? 4 : 8;
    const program = () => [A.amo(name, width, A0, T0, name === 'lr' ? 0 : T1), A.ebreak()];

    it(`should execute at a ${size}-byte aligned address (${engineName(options)})`, () => {
      const { hart, memory } = machine(program(), options);
      memory.writeU64(DATA + 8, 5n);
      hart.setX(T0, BigInt(DATA + 8));
      hart.setX(T1, 3n);
      hart.setX(A0, 0xdeadn);
      expect(hart.run(10)).toBe(StopReason.Ebreak);
      expect(hart.instret).toBe(2); // the atomic and the ebreak
      // sc without a reservation fails (rd = 1); everything else reads the old value 5.
      expect(hart.getX(A0)).toBe(name === 'sc' ? 1n : 5n);
    });

    it.each(width === 'w' ? [1, 2, 3] : [1, 2, 4, 7])(
      'should raise an address-misaligned fault at offset %i instead of executing',
      (offset) => {
        const { hart, memory } = machine(program(), options);
        memory.writeU64(DATA, FILL);
        memory.writeU64(DATA + 8, FILL);
        hart.setX(T0, BigInt(DATA + offset));
        hart.setX(T1, 3n);
        hart.setX(A0, 0xdeadn);
        const fault = catchMisaligned(() => hart.run(10));
        expect(fault.instruction).toBe(text);
        expect(fault.address).toBe(BigInt(DATA + offset));
        expect(fault.size).toBe(size);
        expect(fault.pc).toBe(CODE);
        expect(fault.trapCause).toBe(name === 'lr' ? CAUSE_LOAD_ADDRESS_MISALIGNED : CAUSE_STORE_ADDRESS_MISALIGNED);
        expect(fault.exitCode).toBe(signalExitCode(7));
        expect(fault.message).toBe(
          `misaligned atomic access: ${text} of 0x${(DATA + offset).toString(16)} (needs ${size}-byte alignment) at pc 0x${CODE.toString(16)}`,
        );
        // Not retired, nothing written, rd untouched, pc at the instruction.
        expect(hart.instret).toBe(0);
        expect(hart.pc).toBe(CODE);
        expect(hart.getX(A0)).toBe(0xdeadn);
        expect(memory.readU64(DATA)).toBe(FILL);
        expect(memory.readU64(DATA + 8)).toBe(FILL);
      },
    );
  });

  it('should fault on a misaligned sc.w even right after a misaligned-free lr.w reserved the word', () => {
    // lr.w at DATA+8 reserves it; sc.w at DATA+9 must fault, not just fail.
    const { hart } = machine([A.lrW(A0, T0), A.scW(A0, T2, T1), A.ebreak()], options);
    hart.setX(T0, BigInt(DATA + 8));
    hart.setX(T2, BigInt(DATA + 9));
    const fault = catchMisaligned(() => hart.run(10));
    expect([fault.instruction, fault.pc, hart.instret]).toEqual(['sc.w', CODE + 4, 1]);
  });

  it('should report the atomic\'s own pc and the instructions retired before it inside a hot loop', () => {
    // addi; addi; amoadd.w — the two addi form a block the translator compiles (threshold 0);
    // the AMO is always interpreted, so both tiers must stop at the same place.
    const program = [A.addi(T2, T2, 1), A.addi(T2, T2, 1), A.amo('add', 'w', A0, T0, T1), A.ebreak()];
    const { hart } = machine(program, options);
    hart.setX(T0, BigInt(DATA + 2));
    const fault = catchMisaligned(() => hart.run(100));
    expect(fault.pc).toBe(CODE + 8);
    expect(hart.pc).toBe(CODE + 8);
    expect(hart.instret).toBe(2);
    expect(hart.getX(T2)).toBe(2n);
  });
});

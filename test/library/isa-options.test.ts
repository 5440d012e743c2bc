import { LinuxPlatform } from '../../src/platform/linux/linux-platform.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RefusedInstruction } from '../../src/arch/riscv64/types.js';
import { JOLT_MACHINE_PROFILE } from '../../src/arch/riscv64/csr/index.js';
import { EXIT_CODES } from '../../src/errors.js';
import { ARCH } from '../../src/kernel/tokens.js';
import { createKernel } from '../../src/zeroos.js';

const cpubench = readFileSync('guests/bin/cpubench');

describe('createKernel', () => {
  describe('when the platform refuses an instruction (isa)', () => {
    it.each(['js', 'interpreter', 'wasm'] as const)('should stop with RefusedInstruction naming it and the reason, exit 82 (%s tier)', (engine) => {
      const zeroos = createKernel({ engine, isa: { refuse: [{ mnemonic: 'mul', reason: 'this zkVM has no multiplier' }] } });
      zeroos.load({ executable: cpubench, argv: ['cpubench', '2'] });
      let error: unknown;
      try {
        zeroos.run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RefusedInstruction);
      expect((error as RefusedInstruction).exitCode).toBe(EXIT_CODES.zkvmRejected);
      expect((error as Error).message).toMatch(/mul.*this zkVM has no multiplier/);
    });
    it('should run the same program to its end when nothing is refused', () => {
      const zeroos = createKernel();
      zeroos.load({ executable: cpubench, argv: ['cpubench', '2'] });
      expect(zeroos.run().exitCode).toBe(0);
    });
  });

  describe('when the platform brings its machine profile', () => {
    it('should restrict the hart\'s CSRs to the profile\'s, with its reason', () => {
      // A bare Platform object: the Linux integration itself offers host trap mode only.
      const zeroos = createKernel({ platform: new LinuxPlatform(), trapMode: 'machine', machineProfile: JOLT_MACHINE_PROFILE });
      const hart = zeroos.container.get(ARCH).hart;
      expect(() => hart.readCsr(0xb00)).toThrow(/Jolt/);
      hart.writeCsr(0x340, 42n); // mscratch: one of Jolt's six
      expect(hart.readCsr(0x340)).toBe(42n);
    });
  });
});

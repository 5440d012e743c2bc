import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryFault } from '../../src/arch/memory/types.js';
import { IllegalInstruction } from '../../src/arch/riscv64/types.js';
import { loadGuest, runGuest } from './guest-runner.js';
import { ENGINES, engineName } from './machine.js';

const guest = (name: string): string => new URL(`../../guests/bin/${name}`, import.meta.url).pathname;
const expected = (file: string): string =>
  readFileSync(new URL(`../../guests/expected/${file}`, import.meta.url), 'utf8');

for (const options of [...ENGINES, {}]) {
  describe(`RiscvHart (${engineName(options)})`, () => {
    describe('when running the static musl guests', () => {
      it('should print exactly what qemu printed for the instruction corner cases', () => {
        const run = runGuest(loadGuest(guest('corners'), ['corners'], options));
        expect(run.stdout).toBe(expected('corners.stdout'));
        expect(run.exitCode).toBe(0);
      });

      it('should compute the cpubench digests qemu computed', () => {
        const run = runGuest(loadGuest(guest('cpubench'), ['cpubench', '6'], options));
        expect(run.stdout).toBe(expected('cpubench.stdout'));
        expect(run.instret).toBeGreaterThan(10_000_000);
      });

      it('should fault at the store to address 0x10 in segv', () => {
        let error: unknown;
        try {
          runGuest(loadGuest(guest('segv'), ['segv'], options));
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(MemoryFault);
        const fault = error as MemoryFault;
        expect([fault.address, fault.access, fault.reason]).toEqual([0x10n, 'write', 'unmapped']);
        expect(fault.pc).toBeGreaterThan(0x10000);
      });

      it('should raise IllegalInstruction for the reserved word in illegal', () => {
        let error: unknown;
        try {
          runGuest(loadGuest(guest('illegal'), ['illegal'], options));
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(IllegalInstruction);
        expect((error as IllegalInstruction).bits).toBe(0x0000201b);
      });
    });
  });
}

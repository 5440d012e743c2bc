import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isaRegistry } from '../../src/arch/riscv64/isa/index.js';
import { EXIT_CODES, ZeroOSError } from '../../src/errors.js';
import { JoltFloatRejected } from '../../src/integrations/jolt/errors.js';
import { joltIsa } from '../../src/integrations/jolt/isa.js';
import { parseElf } from '../../src/platform/elf/index.js';
import { createKernel } from '../../src/zeroos.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** An lp64d program (freestanding rv64gc, the F/D conformance guest for memory and CSRs). */
const lp64d = () => new Uint8Array(readFileSync(join(ROOT, 'guests', 'bin', 'conf_fd_mem')));

function loadOnJolt(bytes: Uint8Array, trapMode: 'host' | 'machine' = 'host'): unknown {
  const zeroos = createKernel({ platform: 'jolt', trapMode });
  try {
    zeroos.load({ executable: bytes, path: '/bin/fd', argv: ['/bin/fd'] });
  } catch (error) {
    return error;
  } finally {
    zeroos.dispose();
  }
  throw new Error('expected Jolt to refuse the program');
}

describe('Jolt and floating point', () => {
  it('should refuse an lp64d executable at load with JoltFloatRejected (exit 82), naming the ABI', () => {
    for (const trap of ['host', 'machine'] as const) {
      const error = loadOnJolt(lp64d(), trap);
      expect(error).toBeInstanceOf(JoltFloatRejected);
      expect((error as ZeroOSError).exitCode).toBe(EXIT_CODES.zkvmRejected);
      expect((error as ZeroOSError).exitCode).toBe(82);
      expect((error as Error).message).toBe(
        'Jolt rejects this program: it is built for the lp64d (double-float) hard-float ABI (e_flags 0x5), and Jolt proves RV64IMAC programs only (no F/D registers or instructions); build with -march=rv64imac -mabi=lp64',
      );
    }
  });

  it('should refuse a soft-float executable whose code holds an F/D instruction, naming it', () => {
    // jolt_hello (soft-float, linked for Jolt) with its first instruction, a 4-byte auipc at
    // the entry point, replaced by fadd.d ft0, ft0, ft0 (dyn)
    const bytes = new Uint8Array(readFileSync(join(ROOT, 'guests', 'bin', 'jolt', 'jolt_hello')));
    const elf = parseElf(bytes);
    const text = elf.loadSegments.find((s) => elf.entry >= s.vaddr && elf.entry < s.vaddr + s.filesz)!;
    const at = text.offset + (elf.entry - text.vaddr);
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(at, true) & 0x7f).toBe(0x17); // auipc
    view.setUint32(at, 0x02007053, true);
    const error = loadOnJolt(bytes) as JoltFloatRejected;
    expect(error).toBeInstanceOf(JoltFloatRejected);
    expect(error.exitCode).toBe(82);
    expect(error.flags).toBeUndefined();
    expect(error.words).toEqual([expect.objectContaining({ address: elf.entry, word: 0x02007053, length: 4, mnemonic: 'fadd.d' })]);
    expect(error.message).toBe(
      `Jolt rejects this program: it has 1 floating-point instruction (the first: fadd.d 0x02007053 at 0x${elf.entry.toString(16)}), and Jolt proves RV64IMAC programs only (no F/D registers or instructions); build with -march=rv64imac -mabi=lp64`,
    );
  });

  it('should never give Jolt F or D, whatever the standard set holds', () => {
    const registry = isaRegistry(joltIsa());
    expect(registry.hwcap & ((1 << 5) | (1 << 3))).toBe(0);
    expect(registry.opOf('fadd.d')).toBeUndefined();
    expect(registry.opOf('flw')).toBeUndefined();
  });
});

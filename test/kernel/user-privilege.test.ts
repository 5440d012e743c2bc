import { describe, expect, it } from 'vitest';
import { PERM_RW, PERM_RWX } from '../../src/arch/memory/types.js';
import type { BootContext, BootInfo, Platform } from '../../src/kernel/contracts/platform.js';
import { GuestFault } from '../../src/kernel/errors.js';
import { MemoryLayout } from '../../src/platform/layout.js';
import { createKernel } from '../../src/zeroos.js';

/** A platform whose program is the given instruction words at 0x10000. */
class WordsPlatform implements Platform {
  readonly name = 'words';
  readonly layout = new MemoryLayout([
    { name: 'code', kind: 'image', start: 0x10000, size: 0x1000, perms: PERM_RWX },
    { name: 'heap', kind: 'heap', start: 0x100000, size: 0x1000, perms: PERM_RW },
    { name: 'stack', kind: 'stack', start: 0x7000_0000, size: 0x1000, perms: PERM_RW },
  ]);
  constructor(private readonly words: readonly number[]) {}
  bootstrap(context: BootContext): BootInfo {
    context.memory.map(0x10000, 0x1000, PERM_RWX, 'code');
    const bytes = new Uint8Array(this.words.length * 4);
    const view = new DataView(bytes.buffer);
    this.words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
    context.memory.poke(0x10000, bytes);
    context.memory.map(0x7000_0000, 0x1000, PERM_RW, 'stack');
    context.hart.pc = 0x10000;
    return { entry: 0x10000, stackPointer: 0x7000_0ff0, imageEnd: 0x100000, programHeaders: 0, loadedSegments: [] };
  }
}

const EXIT_WITH_A0 = [0x05d00893, 0x00000073]; // li a7, 93 (exit); ecall

function run(words: number[], engine: 'interpreter' | 'js' | 'wasm') {
  const zeroos = createKernel({ platform: new WordsPlatform([...words, ...EXIT_WITH_A0]), engine });
  zeroos.load({ executable: new Uint8Array(0) });
  return zeroos;
}

describe('a Linux user program (host trap mode)', () => {
  for (const engine of ['interpreter', 'js', 'wasm'] as const) {
    describe(`on the ${engine} tier`, () => {
      it('should be killed by SIGILL when it reads a machine CSR, as on Linux', () => {
        for (const csrr of [0x30002573 /* mstatus */, 0x30102573 /* misa */, 0xf1402573 /* mhartid */, 0x34102573 /* mepc */]) {
          const zeroos = run([csrr], engine);
          let fault: unknown;
          try {
            zeroos.run();
          } catch (error) {
            fault = error;
          }
          expect(fault).toBeInstanceOf(GuestFault);
          expect((fault as GuestFault).signal).toBe(4);
          expect((fault as GuestFault).exitCode).toBe(132);
          expect(zeroos.result().exitCode).toBe(132);
        }
      });
      it('should read the user counters (instret: what retired before the read)', () => {
        // addi a0, x0, 0; addi a0, x0, 0; csrr a0, instret → 2
        const zeroos = run([0x00000513, 0x00000513, 0xc0202573], engine);
        expect(zeroos.run().exitCode).toBe(2);
      });
    });
  }
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PERM_RW, PERM_RWX } from '../../src/arch/memory/types.js';
import { ZeroOSError } from '../../src/errors.js';
import type { BootContext, BootInfo, Platform } from '../../src/kernel/contracts/platform.js';
import { KernelPanic } from '../../src/kernel/errors.js';
import { MemoryLayout } from '../../src/platform/layout.js';
import { createKernel } from '../../src/zeroos.js';

/** A platform whose program is whatever bytes the test gives, with a stack, a heap and an mmap region. */
class BytesPlatform implements Platform {
  readonly name = 'bytes';
  readonly layout = new MemoryLayout([
    { name: 'code', kind: 'image', start: 0x10000, size: 0x10000, perms: PERM_RWX },
    { name: 'heap', kind: 'heap', start: 0x100000, size: 0x100000, perms: PERM_RW },
    { name: 'mmap', kind: 'mmap', start: 0x1000_0000, size: 0x1000_0000, perms: PERM_RWX },
    { name: 'stack', kind: 'stack', start: 0x7000_0000, size: 0x10000, perms: PERM_RW },
  ]);
  constructor(private readonly code: Uint8Array) {}
  bootstrap(context: BootContext): BootInfo {
    context.memory.map(0x10000, 0x10000, PERM_RWX, 'code');
    context.memory.poke(0x10000, this.code);
    context.memory.map(0x7000_0000, 0x10000, PERM_RW, 'stack');
    context.hart.pc = 0x10000;
    context.hart.setX(2, 0x7000_fff0n);
    return { entry: 0x10000, stackPointer: 0x7000_fff0, imageEnd: 0x100000, programHeaders: 0, loadedSegments: [] };
  }
}

describe('random programs', () => {
  it('should end every run in an exit, a budget stop or a named guest error, never an internal one', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 512 }), fc.boolean(), fc.boolean(), (code, enosys, tight) => {
        const zeroos = createKernel({
          platform: new BytesPlatform(code),
          maxInstructions: 20_000,
          unknownSyscall: enosys ? 'enosys' : 'fail',
          // Code and stack hold 128 KiB: a tight budget leaves the program little to grow.
          ...(tight ? { memoryLimit: 256 * 1024 } : {}),
        });
        zeroos.load({ executable: new Uint8Array(0) });
        try {
          zeroos.run();
        } catch (error) {
          expect(error).toBeInstanceOf(ZeroOSError);
          expect(error).not.toBeInstanceOf(KernelPanic);
        }
      }),
      { numRuns: 400, seed: 7 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { PERM_RW, PERM_RWX, PERM_RX } from '../../src/arch/memory/types.js';
import type { BootContext } from '../../src/kernel/contracts/platform.js';
import { DynamicExecutable } from '../../src/platform/elf/errors.js';
import { AT, atRandomBytes } from '../../src/platform/initial-stack.js';
import { LayoutError } from '../../src/platform/layout.js';
import {
  LINUX_DEFAULT_STACK_SIZE,
  LINUX_MAX_STACK_SIZE,
  LINUX_STACK_TOP,
  LinuxPlatform,
  linuxMemoryLayout,
} from '../../src/platform/linux/index.js';
import { UnknownPlatform, builtinIntegrations } from '../../src/integrations/index.js';
import { ET_DYN, PF_R, PF_W, PF_X, staticExecutable } from './elf-builder.js';
import { PagedMemory } from '../../src/arch/index.js';
import { newMachine } from './machine.js';

function bootContext(executable: Uint8Array, overrides: Partial<BootContext> = {}): BootContext {
  const { memory, hart } = newMachine();
  return {
    memory,
    hart,
    seed: 11n,
    executable,
    executablePath: '/bin/hello',
    argv: ['/bin/hello', 'one'],
    envp: ['PATH=/bin'],
    ...overrides,
  };
}

describe(linuxMemoryLayout, () => {
  describe('when built with the defaults', () => {
    const layout = linuxMemoryLayout();

    it('should lay out the Sv39 user half as documented', () => {
      expect(layout.regions.map(({ name, kind, start, end, perms }) => ({ name, kind, start, end, perms }))).toEqual([
        { name: 'null-guard', kind: 'guard', start: 0, end: 0x1_0000, perms: 0 },
        { name: 'image', kind: 'image', start: 0x1_0000, end: 0x4000_0000, perms: PERM_RWX },
        { name: 'heap', kind: 'heap', start: 0x4000_0000, end: 0x10_0000_0000, perms: PERM_RW },
        { name: 'mmap', kind: 'mmap', start: 0x10_0000_0000, end: 0x3f_f000_0000, perms: PERM_RWX },
        { name: 'stack-guard', kind: 'guard', start: 0x3f_f000_0000, end: 0x3f_ff7f_f000, perms: 0 },
        { name: 'stack', kind: 'stack', start: 0x3f_ff7f_f000, end: 0x3f_ffff_f000, perms: PERM_RW },
        { name: 'stack-top-guard', kind: 'guard', start: 0x3f_ffff_f000, end: 0x40_0000_0000, perms: 0 },
      ]);
    });

    it('should print as a table', () => {
      expect(layout.toTable()).toBe(
        [
          'name             kind   start         end           size         perms',
          'null-guard       guard  0x0000000000  0x0000010000  64 KiB       ---',
          'image            image  0x0000010000  0x0040000000  1023.94 MiB  rwx',
          'heap             heap   0x0040000000  0x1000000000  63 GiB       rw-',
          'mmap             mmap   0x1000000000  0x3ff0000000  191.75 GiB   rwx',
          'stack-guard      guard  0x3ff0000000  0x3fff7ff000  253948 KiB   ---',
          'stack            stack  0x3fff7ff000  0x3ffffff000  8 MiB        rw-',
          'stack-top-guard  guard  0x3ffffff000  0x4000000000  4 KiB        ---',
        ].join('\n'),
      );
    });
  });

  describe('when given a stack size', () => {
    it('should end the stack at the stack top', () => {
      const stack = linuxMemoryLayout({ stackSize: 64 * 1024 * 1024 }).find('stack')!;
      expect(stack).toMatchObject({ start: LINUX_STACK_TOP - 64 * 1024 * 1024, end: LINUX_STACK_TOP });
    });

    it('should accept the largest stack that leaves the guard gap', () => {
      const layout = linuxMemoryLayout({ stackSize: LINUX_MAX_STACK_SIZE });
      expect(layout.get('stack-guard')?.size).toBe(1024 * 1024);
    });

    it('should reject a stack size that is not a positive multiple of the page size', () => {
      expect(() => linuxMemoryLayout({ stackSize: 1000 })).toThrow(
        expect.objectContaining({ name: 'LayoutError', region: 'stack', message: 'stack size 1000 is not a positive multiple of 4096' }),
      );
      expect(() => linuxMemoryLayout({ stackSize: 0 })).toThrow(LayoutError);
    });

    it('should reject a stack too large for the space below the stack top', () => {
      expect(LINUX_MAX_STACK_SIZE).toBe(255 * 1024 * 1024 - 4096);
      expect(() => linuxMemoryLayout({ stackSize: LINUX_MAX_STACK_SIZE + 4096 })).toThrow(
        expect.objectContaining({
          name: 'LayoutError',
          message: 'stack size 255 MiB does not fit below 0x3ffffff000: at most 261116 KiB',
        }),
      );
    });
  });
});

describe(LinuxPlatform, () => {
  const exe = staticExecutable();

  it('should be named linux and use the Linux layout', () => {
    const platform = new LinuxPlatform();
    expect(platform.name).toBe('linux');
    expect(platform.layout.toTable()).toBe(linuxMemoryLayout().toTable());
  });

  describe('.bootstrap', () => {
    describe('when given a static executable', () => {
      const context = bootContext(exe.bytes);
      const info = new LinuxPlatform().bootstrap(context);
      const memory = context.memory as PagedMemory;

      it('should set pc to the entry point and sp to the initial stack', () => {
        expect(context.hart.pc).toBe(exe.entry);
        expect(context.hart.getX(2)).toBe(BigInt(info.stackPointer));
        expect(info.stackPointer % 16).toBe(0);
      });

      it('should leave every other register zero', () => {
        for (let index = 1; index < 32; index++) {
          if (index !== 2) expect(context.hart.getX(index), `x${index}`).toBe(0n);
        }
      });

      it('should report what it loaded', () => {
        expect(info).toEqual({
          entry: exe.entry,
          stackPointer: info.stackPointer,
          imageEnd: 0x14000,
          programHeaders: 0x10040,
          loadedSegments: [
            { start: 0x10000, end: exe.textEnd, perms: PERM_RX },
            { start: exe.dataStart, end: exe.dataEnd, perms: PERM_RW },
          ],
          // the auxiliary vector as placed on the stack, kept for /proc/self/auxv
          auxv: info.auxv,
        });
        expect(info.auxv?.at(-1)).toEqual([0, 0n]);
      });

      it('should map the whole stack region read-write', () => {
        expect(memory.mappings()).toContainEqual({
          start: LINUX_STACK_TOP - LINUX_DEFAULT_STACK_SIZE,
          end: LINUX_STACK_TOP,
          perms: PERM_RW,
          name: 'stack',
        });
      });

      it('should pass argc, argv, envp and the auxiliary vector', () => {
        const sp = info.stackPointer;
        expect(memory.readU64(sp)).toBe(2n);
        const argv1 = Number(memory.readU64(sp + 16));
        expect(new TextDecoder().decode(memory.readCString(argv1, 100))).toBe('one');
        const envp0 = Number(memory.readU64(sp + 32));
        expect(new TextDecoder().decode(memory.readCString(envp0, 100))).toBe('PATH=/bin');
        const auxv = new Map<number, bigint>();
        for (let at = sp + 48; ; at += 16) {
          const key = Number(memory.readU64(at));
          auxv.set(key, memory.readU64(at + 8));
          if (key === AT.NULL) break;
        }
        expect(auxv.get(AT.ENTRY)).toBe(BigInt(exe.entry));
        expect(auxv.get(AT.PHDR)).toBe(0x10040n);
        expect(auxv.get(AT.PHNUM)).toBe(3n);
        expect(memory.read(Number(auxv.get(AT.RANDOM)), 16)).toEqual(atRandomBytes(11n));
      });
    });

    describe('when argv is empty', () => {
      it('should pass the executable path as argv[0]', () => {
        const context = bootContext(exe.bytes, { argv: [] });
        const info = new LinuxPlatform().bootstrap(context);
        expect(context.memory.readU64(info.stackPointer)).toBe(1n);
        const argv0 = Number(context.memory.readU64(info.stackPointer + 8));
        expect(new TextDecoder().decode(context.memory.readCString(argv0, 100))).toBe('/bin/hello');
      });
    });

    describe('when PT_GNU_STACK asks for an executable stack', () => {
      it('should map the stack with execute permission', () => {
        const context = bootContext(staticExecutable({ stackFlags: PF_R | PF_W | PF_X }).bytes);
        new LinuxPlatform().bootstrap(context);
        expect(context.memory.mappingAt(LINUX_STACK_TOP - 8)?.perms).toBe(PERM_RWX);
      });
    });

    describe('when given a static-pie', () => {
      const pie = staticExecutable({ type: ET_DYN, base: 0, phdrHeader: true });

      it('should load it at the image start by default', () => {
        const context = bootContext(pie.bytes);
        const info = new LinuxPlatform().bootstrap(context);
        expect(info.entry).toBe(pie.entry + 0x10000);
        expect(context.hart.pc).toBe(pie.entry + 0x10000);
        expect(info.programHeaders).toBe(0x10040);
      });

      it('should load it at the configured base', () => {
        const info = new LinuxPlatform({ pieBase: 0x40000 }).bootstrap(bootContext(pie.bytes));
        expect(info.entry).toBe(pie.entry + 0x40000);
      });
    });

    describe('when given a dynamically linked executable', () => {
      it('should throw DynamicExecutable before touching the stack', () => {
        const context = bootContext(staticExecutable({ interpreter: '/lib/ld-musl-riscv64.so.1' }).bytes);
        expect(() => new LinuxPlatform().bootstrap(context)).toThrow(DynamicExecutable);
        expect(context.memory.mappings()).toEqual([]);
        expect(context.hart.pc).toBe(0);
      });
    });
  });
});

describe('the linux integration', () => {
  it('should be the default and set up the Linux platform', () => {
    const registry = builtinIntegrations();
    expect(registry.names()[0]).toBe('linux');
    const setup = registry.get('linux').setup({ options: {}, trapMode: 'host', purpose: 'run' });
    expect(setup.platform).toBeInstanceOf(LinuxPlatform);
  });

  it('should reject an unknown name, listing the known ones', () => {
    expect(() => builtinIntegrations().get('plan9')).toThrow(UnknownPlatform);
    expect(() => builtinIntegrations().get('plan9')).toThrow('unknown platform "plan9" (known: linux, jolt, spike;');
  });
});

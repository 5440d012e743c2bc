import { describe, expect, it } from 'vitest';
import { joltMemoryLayout, joltProgramSize } from '../../src/platform/jolt-layout.js';
import { linkerScript, spikeMemoryLayout } from '../../src/platform/linker-script.js';
import { staticExecutable } from './elf-builder.js';

/** Appends a section header table (null + one section per [addr, size]) to an ELF image. */
function withSections(elf: Uint8Array, sections: readonly [number, number][]): Uint8Array {
  const shoff = Math.ceil(elf.length / 8) * 8;
  const out = new Uint8Array(shoff + (sections.length + 1) * 64);
  out.set(elf);
  const view = new DataView(out.buffer);
  view.setBigUint64(40, BigInt(shoff), true);
  view.setUint16(58, 64, true);
  view.setUint16(60, sections.length + 1, true);
  sections.forEach(([addr, size], i) => {
    const header = shoff + (i + 1) * 64;
    view.setUint32(header + 4, 8, true); // SHT_NOBITS
    view.setBigUint64(header + 16, BigInt(addr), true);
    view.setBigUint64(header + 32, BigInt(size), true);
  });
  return out;
}

describe(joltProgramSize, () => {
  it('should take the end of the highest section at or above RAM_START, .bss included', () => {
    const elf = staticExecutable({ base: 0x8000_0000 });
    const sized = withSections(elf.bytes, [[0x8000_0000, 0x100], [0x8000_2000, 0x345], [0x1000, 0x10_0000]]);
    expect(joltProgramSize(sized)).toBe(0x2345);
  });
  it('should fall back to PT_LOAD segments when there are no section headers', () => {
    const elf = staticExecutable({ base: 0x8000_0000, bssSize: 0x100 });
    expect(joltProgramSize(elf.bytes)).toBe(elf.dataEnd - 0x8000_0000);
  });
});

describe(spikeMemoryLayout, () => {
  it('should lay out ZeroOS\'s Spike defaults as its template does', () => {
    expect(spikeMemoryLayout()).toMatchObject({
      stackTop: 0x8800_0000,
      stackBottom: 0x8780_0000,
      heapEnd: 0x877f_f000,
      heapStart: 0x837f_f000,
    });
  });
});

describe(linkerScript, () => {
  const order = (script: string, needles: readonly string[]) => needles.map((needle) => script.indexOf(needle));

  describe('when given Jolt\'s default layout', () => {
    const script = linkerScript({ platform: 'jolt', jolt: joltMemoryLayout({ programSize: 0 }), memorySize: 128 * 2 ** 20 });

    it('should put ENTRY, MEMORY and the sections in order', () => {
      const positions = order(script, [
        'ENTRY(_start)',
        'ORIGIN = 0x80000000',
        '.text.boot :',
        '.text :',
        '.rodata :',
        '.init_array :',
        '.fini_array :',
        '.data :',
        '.sdata :',
        '__global_pointer$ = __sdata_start + 0x800',
        '.tdata :',
        '.tbss :',
        '.bss (NOLOAD)',
        '__bss_start = .',
        '__bss_end = .',
        '__stack_bottom = __bss_end',
        '__stack_top =',
        '__heap_start =',
        '__heap_end =',
      ]);
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    });
    it('should define musl\'s init/fini array symbols', () => {
      for (const name of ['__init_array_start', '__init_array_end', '__fini_array_start', '__fini_array_end']) {
        expect(script).toContain(`PROVIDE_HIDDEN(${name} = .)`);
      }
    });
    it('should define each I/O region at Jolt\'s addresses', () => {
      expect(script).toContain('__trusted_advice_start = 0x7fff8000;');
      expect(script).toContain('__trusted_advice_end = 0x7fff9000;');
      expect(script).toContain('__untrusted_advice_start = 0x7fff9000;');
      expect(script).toContain('__untrusted_advice_end = 0x7fffa000;');
      expect(script).toContain('__input_start = 0x7fffa000;');
      expect(script).toContain('__input_end = 0x7fffb000;');
      expect(script).toContain('__output_start = 0x7fffb000;');
      expect(script).toContain('__output_end = 0x7fffc000;');
      expect(script).toContain('__panic = 0x7fffc000;');
      expect(script).toContain('__termination = 0x7fffc008;');
    });
    it('should carry the stack and heap sizes as absolute symbols, and the canary before the stack', () => {
      expect(script).toContain('__stack_size = ABSOLUTE(0x1000);');
      expect(script).toContain('__heap_size = ABSOLUTE(0x2000000);');
      expect(script).toContain('__stack_top = __stack_bottom + __stack_canary_size + __stack_size;');
      expect(script).not.toMatch(/\.stack\s*[:(]/);
      expect(script).toMatch(/ASSERT\(__heap_end <= ORIGIN\(ram\) \+ LENGTH\(ram\)/);
    });
  });

  describe('when given a Jolt layout with options', () => {
    it('should follow them', () => {
      const script = linkerScript({
        platform: 'jolt',
        jolt: joltMemoryLayout({ programSize: 0, stackSize: 0x10000, heapSize: 0x1000, maxUntrustedAdviceSize: 0x4000 }),
        memorySize: 2 ** 20,
      });
      expect(script).toContain('__stack_size = ABSOLUTE(0x10000);');
      expect(script).toContain('__heap_size = ABSOLUTE(0x1000);');
      expect(script).toContain('__untrusted_advice_start = 0x7fff8000;');
      expect(script).toContain('__trusted_advice_start = 0x7fffc000;');
      expect(script).toContain('LENGTH = 0x100000');
    });
  });

  describe('when given Spike\'s layout', () => {
    const script = linkerScript({ platform: 'spike', spike: spikeMemoryLayout() });
    it('should place tohost/fromhost after .bss, the stack at the top and the heap below the guard', () => {
      const positions = order(script, ['.text.boot :', '.bss (NOLOAD)', 'tohost = .', 'fromhost = .']);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(positions[0]).toBeGreaterThan(0);
      expect(script).toContain('__stack_top = 0x88000000;');
      expect(script).toContain('__stack_bottom = 0x87800000;');
      expect(script).toContain('__heap_end = 0x877ff000;');
      expect(script).toContain('__heap_start = 0x837ff000;');
      expect(script).toContain('__stack_size = ABSOLUTE(0x800000);');
      expect(script).toContain('ASSERT(__image_end <= __heap_start');
    });
  });
});

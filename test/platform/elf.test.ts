import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';
import { PERM_RW, PERM_RWX, PERM_RX } from '../../src/arch/memory/types.js';
import {
  BadEntryPoint,
  BadProgramHeaderTable,
  BadSegment,
  DynamicExecutable,
  ElfError,
  NoLoadableSegments,
  NotElf,
  OverlappingSegments,
  SegmentOutsideLayout,
  TruncatedElf,
  UnsupportedElfAbi,
  UnsupportedElfVersion,
  UnsupportedOsAbi,
  WrongByteOrder,
  WrongElfClass,
  WrongElfType,
  WrongMachine,
  loadElf,
  parseElf,
} from '../../src/platform/elf/index.js';
import { MemoryLayout } from '../../src/platform/layout.js';
import { linuxMemoryLayout } from '../../src/platform/linux/layout.js';
import {
  EHDR_SIZE,
  EM_X86_64,
  ET_DYN,
  ET_REL,
  EXIT_42,
  PF_R,
  PF_W,
  PF_X,
  PHDR_SIZE,
  PT_GNU_STACK,
  PT_LOAD,
  staticExecutable,
  writeElf,
  type ElfFields,
  type ProgramHeaderFields,
} from './elf-builder.js';
import { PagedMemory } from '../../src/arch/index.js';

type ErrorClass = abstract new (...args: never[]) => ElfError;

/** Loads into fresh memory under the Linux layout and returns the ElfError it must raise. */
function rejection(bytes: Uint8Array, layout: MemoryLayout = linuxMemoryLayout()): ElfError {
  try {
    loadElf(bytes, new PagedMemory(), layout);
  } catch (error) {
    if (error instanceof ElfError) return error;
    throw error;
  }
  throw new Error('expected the ELF to be rejected');
}

function expectRejected(bytes: Uint8Array, errorClass: ErrorClass, message: string, layout?: MemoryLayout): ElfError {
  const error = rejection(bytes, layout);
  expect(error).toBeInstanceOf(errorClass);
  expect(error.message).toBe(message);
  expect(error.exitCode).toBe(EXIT_CODES.badElf);
  return error;
}

const valid = staticExecutable();

/** The valid executable with some fields replaced. */
function variant(changes: Partial<ElfFields>): Uint8Array {
  return writeElf({ ...valid.fields, ...changes });
}

/** The valid executable with one program header's fields replaced. */
function withHeader(index: number, changes: Partial<ProgramHeaderFields>): Uint8Array {
  const headers = valid.fields.programHeaders.map((header, i) => (i === index ? { ...header, ...changes } : header));
  return variant({ programHeaders: headers });
}

function load(
  type: number,
  flags: number,
  vaddr: number,
  size: number,
  extra: Partial<ProgramHeaderFields> = {},
): ProgramHeaderFields {
  return { type, flags, offset: vaddr % 0x1000, vaddr, filesz: size, memsz: size, align: 0x1000, ...extra };
}

describe(parseElf, () => {
  describe('when the file is truncated', () => {
    it('should report an empty file', () => {
      expectRejected(new Uint8Array(0), TruncatedElf, 'truncated ELF: the file is empty');
    });

    it.each([10, 63])('should report a file of %i bytes as a cut ELF header', (length) => {
      const error = expectRejected(
        valid.bytes.slice(0, length),
        TruncatedElf,
        `truncated ELF: the ELF header needs the file up to offset 0x40 but it has only ${length} bytes`,
      );
      expect(error).toMatchObject({ neededEnd: 64n, fileSize: length });
    });

    it('should report program headers cut by the end of the file', () => {
      expectRejected(
        valid.bytes.slice(0, EHDR_SIZE + PHDR_SIZE + 10),
        TruncatedElf,
        'truncated ELF: the program header table (3 entries at offset 0x40) needs the file up to offset 0xe8 but it has only 130 bytes',
      );
    });

    it('should report a segment whose file bytes run past the end of the file', () => {
      const cut = valid.bytes.length - 3;
      expectRejected(
        valid.bytes.slice(0, cut),
        TruncatedElf,
        `truncated ELF: segment 1's file bytes (p_offset 0xf8, p_filesz 0x8) needs the file up to offset 0x100 but it has only ${cut} bytes`,
      );
    });

    it('should raise a named ElfError at every length short of the whole file', () => {
      for (let length = 0; length < valid.bytes.length; length++) {
        expect(() => parseElf(valid.bytes.slice(0, length)), `length ${length}`).toThrow(ElfError);
      }
    });
  });

  describe('when the identification is wrong', () => {
    it('should reject a file without the ELF magic', () => {
      expectRejected(
        variant({ magic: [0x4d, 0x5a, 0x90, 0x00] }),
        NotElf,
        'not an ELF executable: it starts with 4d 5a 90 00, not the ELF magic 7f 45 4c 46',
      );
    });

    it('should reject a short file whose first bytes already differ from the magic', () => {
      expectRejected(Uint8Array.of(0x7f, 0x45, 0x00), NotElf, 'not an ELF executable: it starts with 7f 45 00, not the ELF magic 7f 45 4c 46');
    });

    it('should recognise a script', () => {
      expectRejected(
        new TextEncoder().encode('#!/bin/sh\necho hi\n'),
        NotElf,
        'not an ELF executable: it is a script (starts with "#!"); run its interpreter instead',
      );
    });

    it('should reject a 32-bit ELF', () => {
      expectRejected(
        variant({ elfClass: 1 }),
        WrongElfClass,
        'a 32-bit ELF (ELFCLASS32): ZeroOS runs 64-bit RISC-V executables; build for riscv64',
      );
    });

    it('should reject an unknown class', () => {
      expectRejected(variant({ elfClass: 7 }), WrongElfClass, 'unknown ELF class 7 (expected 2, ELFCLASS64)');
    });

    it('should reject a big-endian ELF', () => {
      expectRejected(variant({ encoding: 2 }), WrongByteOrder, 'a big-endian ELF (ELFDATA2MSB): RISC-V executables are little-endian');
    });

    it('should reject an unknown ELF version in the identification and in e_version', () => {
      expectRejected(
        variant({ identVersion: 0 }),
        UnsupportedElfVersion,
        'unsupported ELF version 0 in e_ident[EI_VERSION] (expected 1, EV_CURRENT)',
      );
      expectRejected(variant({ version: 2 }), UnsupportedElfVersion, 'unsupported ELF version 2 in e_version (expected 1, EV_CURRENT)');
    });

    it('should reject an OS ABI other than System V or Linux', () => {
      expectRejected(
        variant({ osAbi: 9 }),
        UnsupportedOsAbi,
        'ELF built for OS ABI 9; ZeroOS serves the Linux ABI (expected 0, SYSV, or 3, Linux)',
      );
    });

    it('should accept the Linux OS ABI', () => {
      expect(parseElf(variant({ osAbi: 3 })).osAbi).toBe(3);
    });
  });

  describe('when the header describes something else', () => {
    it('should reject an x86-64 executable', () => {
      const error = expectRejected(
        variant({ machine: EM_X86_64 }),
        WrongMachine,
        'an ELF for x86-64 (EM_X86_64), not RISC-V (EM_RISCV, 243): cross-compile for riscv64',
      );
      expect(error).toMatchObject({ machine: 62 });
    });

    it('should reject a relocatable object', () => {
      expectRejected(variant({ type: ET_REL }), WrongElfType, 'relocatable object (ET_REL) is not an executable: link it into a static executable first');
    });

    it('should reject a core dump', () => {
      expectRejected(
        variant({ type: 4 }),
        WrongElfType,
        'core dump (ET_CORE) is not an executable (expected ET_EXEC or a static-pie ET_DYN)',
      );
    });

    it('should reject the double-float ABI', () => {
      expectRejected(
        variant({ flags: 0x5 }),
        UnsupportedElfAbi,
        'built for the lp64d (double-float) hard-float ABI, which needs the F and D extensions (e_flags 0x5); ZeroOS emulates RV64IMAC: build for the lp64 soft-float ABI',
      );
    });

    it('should reject RV64E', () => {
      expectRejected(
        variant({ flags: 0x9 }),
        UnsupportedElfAbi,
        'built for RV64E (16 registers) (e_flags 0x9); ZeroOS emulates RV64IMAC: build for the lp64 soft-float ABI',
      );
    });
  });

  describe('when the program header table is malformed', () => {
    it('should reject a table outside the file', () => {
      expectRejected(
        variant({ phoff: 2n ** 62n }),
        TruncatedElf,
        `truncated ELF: the program header table (3 entries at offset 0x4000000000000000) needs the file up to offset 0x40000000000000a8 but it has only ${valid.bytes.length} bytes`,
      );
    });

    it('should reject a table whose end wraps past 2^64', () => {
      expect(rejection(variant({ phoff: 2n ** 64n - 8n }))).toBeInstanceOf(TruncatedElf);
    });

    it('should reject an entry size other than 56', () => {
      expectRejected(
        variant({ phentsize: 32 }),
        BadProgramHeaderTable,
        'bad program header table: e_phentsize is 32, but an ELF64 program header is 56 bytes',
      );
    });

    it('should reject extended numbering (PN_XNUM)', () => {
      expectRejected(
        variant({ phnum: 0xffff }),
        BadProgramHeaderTable,
        'bad program header table: e_phnum is PN_XNUM (more than 65534 headers), which ZeroOS does not support',
      );
    });

    it('should reject an executable without program headers', () => {
      expectRejected(variant({ phnum: 0 }), NoLoadableSegments, 'the ELF has no loadable (PT_LOAD) segment: nothing to run');
    });

    it('should reject an executable whose only PT_LOAD is empty', () => {
      expectRejected(
        variant({ programHeaders: [load(PT_LOAD, PF_R | PF_X, 0x10000, 0)] }),
        NoLoadableSegments,
        'the ELF has no loadable (PT_LOAD) segment: nothing to run',
      );
    });
  });

  describe('when a segment is malformed', () => {
    it('should reject p_filesz larger than p_memsz', () => {
      expectRejected(withHeader(1, { memsz: 4 }), BadSegment, 'bad segment 1: p_filesz 0x8 is larger than p_memsz 0x4');
    });

    it('should reject file bytes beyond the end of the file', () => {
      expectRejected(
        withHeader(1, { offset: 0x10_0000 + 0xf8, vaddr: valid.dataStart + 0x10_0000 }),
        TruncatedElf,
        `truncated ELF: segment 1's file bytes (p_offset 0x1000f8, p_filesz 0x8) needs the file up to offset 0x100100 but it has only ${valid.bytes.length} bytes`,
      );
    });

    it('should reject a p_offset that makes the end wrap past 2^64', () => {
      expect(rejection(withHeader(1, { offset: 2n ** 64n - 4n }))).toBeInstanceOf(TruncatedElf);
    });

    it('should reject a huge p_memsz', () => {
      expectRejected(
        withHeader(1, { memsz: 2n ** 63n }),
        BadSegment,
        'bad segment 1: p_memsz 0x8000000000000000 is larger than any address space ZeroOS can map',
      );
    });

    it('should reject a segment that ends beyond 2^53', () => {
      expectRejected(
        withHeader(1, { vaddr: 2n ** 53n - 0x1000n + 0xf8n, memsz: 0x2000 }),
        BadSegment,
        'bad segment 1: [0x1ffffffffff0f8, 0x200000000010f8) reaches beyond 0x20000000000000, the end of the address space ZeroOS can map',
      );
    });

    it('should reject a segment whose end wraps past 2^64', () => {
      expect(rejection(withHeader(1, { vaddr: 2n ** 64n - 0x1000n + 0xf8n, memsz: 0x2000 }))).toBeInstanceOf(BadSegment);
    });

    it('should reject a p_align that is not a power of two', () => {
      expectRejected(withHeader(1, { align: 0x1800 }), BadSegment, 'bad segment 1: p_align 0x1800 is not a power of two');
    });

    it('should reject p_vaddr and p_offset that disagree modulo p_align', () => {
      expectRejected(
        withHeader(1, { vaddr: valid.dataStart + 8 }),
        BadSegment,
        'bad segment 1: p_vaddr 0x11100 and p_offset 0xf8 disagree modulo p_align 0x1000, so the segment cannot be mapped from its file pages',
      );
    });

    it('should accept any placement when p_align is 0 or 1', () => {
      expect(() => parseElf(withHeader(1, { vaddr: valid.dataStart + 8, align: 0 }))).not.toThrow();
      expect(() => parseElf(withHeader(1, { vaddr: valid.dataStart + 8, align: 1 }))).not.toThrow();
    });

    it('should reject overlapping segments, naming both', () => {
      const error = expectRejected(
        withHeader(1, { vaddr: 0x100f0, offset: 0xf0, filesz: 8, memsz: 8 }),
        OverlappingSegments,
        'segment 0 [0x10000, 0x100f4) overlaps segment 1 [0x100f0, 0x100f8)',
      );
      expect(error).toMatchObject({ first: { index: 0 }, second: { index: 1 } });
    });

    it('should name overlapping segments in table order even when listed out of address order', () => {
      const headers = [load(PT_LOAD, PF_R | PF_W, 0x20000, 0x100), load(PT_LOAD, PF_R | PF_X, 0x1f000, 0x1100)];
      expectRejected(
        variant({ programHeaders: headers, entry: 0x1f000, contents: [] , size: 0x2000 }),
        OverlappingSegments,
        'segment 0 [0x20000, 0x20100) overlaps segment 1 [0x1f000, 0x20100)',
      );
    });
  });

  describe('when the entry point is unusable', () => {
    it('should reject an entry point outside every executable segment', () => {
      expectRejected(variant({ entry: valid.dataStart }), BadEntryPoint, 'entry point 0x110f8 is not inside an executable (PF_X) segment');
    });

    it('should reject an odd entry point', () => {
      expectRejected(variant({ entry: valid.entry + 1 }), BadEntryPoint, `entry point 0x${(valid.entry + 1).toString(16)} is not 2-byte aligned, so no instruction can start there`);
    });

    it('should reject an entry point far beyond the address space', () => {
      expect(rejection(variant({ entry: 2n ** 64n - 2n }))).toBeInstanceOf(BadEntryPoint);
    });
  });

  describe('when the executable is valid', () => {
    const elf = parseElf(valid.bytes);

    it('should report the header fields', () => {
      expect(elf).toMatchObject({
        type: 2,
        osAbi: 0,
        flags: 1,
        entry: valid.entry,
        programHeaderOffset: 64,
        programHeaderCount: 3,
        executableStack: false,
      });
      expect(elf.interpreter).toBeUndefined();
      expect(elf.phdrSegment).toBeUndefined();
    });

    it('should list the loadable segments in address order', () => {
      expect(elf.loadSegments.map((segment) => [segment.index, segment.vaddr, segment.filesz, segment.memsz])).toEqual([
        [0, 0x10000, valid.textEnd - 0x10000, valid.textEnd - 0x10000],
        [1, valid.dataStart, 8, 8 + 0x2000],
      ]);
    });

    it('should keep every program header, including the ones it does not load', () => {
      expect(elf.programHeaders.map((header) => header.type)).toEqual([PT_LOAD, PT_LOAD, PT_GNU_STACK]);
    });
  });
});

describe(loadElf, () => {
  const layout = linuxMemoryLayout();

  describe('when the executable is dynamically linked', () => {
    it('should reject it, naming the interpreter', () => {
      const dynamic = staticExecutable({ interpreter: '/lib/ld-musl-riscv64.so.1' });
      const error = expectRejected(
        dynamic.bytes,
        DynamicExecutable,
        'dynamically linked executable (needs /lib/ld-musl-riscv64.so.1): build with -static',
      );
      expect(error).toMatchObject({ interpreter: '/lib/ld-musl-riscv64.so.1' });
    });

    it('should still parse it, so tools can inspect it', () => {
      expect(parseElf(staticExecutable({ interpreter: '/lib/ld.so' }).bytes).interpreter).toBe('/lib/ld.so');
    });
  });

  describe('when a segment lies outside the image region', () => {
    it('should reject a segment linked for another platform', () => {
      const jolt = staticExecutable({ base: 0x8000_0000 });
      expectRejected(
        jolt.bytes,
        SegmentOutsideLayout,
        'segment 0 (r-x) at [0x80000000, 0x800000f4) lies outside the platform\'s image: the image region is "image" [0x10000, 0x40000000); link the program for this platform',
      );
    });

    it('should reject a segment whose pages run past the end of the image region', () => {
      const error = expectRejected(
        withHeader(1, { memsz: 0x4000_0000 }),
        SegmentOutsideLayout,
        'segment 1 (rw-) at [0x110f8, 0x400110f8) lies outside the platform\'s image: the image region is "image" [0x10000, 0x40000000); link the program for this platform',
      );
      expect(error).toMatchObject({ index: 1, start: 0x110f8, end: 0x400110f8, perms: PERM_RW });
    });

    it('should reject a segment in the null page', () => {
      expect(rejection(staticExecutable({ base: 0x1000 }).bytes)).toBeInstanceOf(SegmentOutsideLayout);
    });

    it('should list every image region of the layout', () => {
      const twoImages = new MemoryLayout([
        { name: 'rom', kind: 'image', start: 0x1000, size: 0x1000, perms: PERM_RX },
        { name: 'ram', kind: 'image', start: 0x8000, size: 0x1000, perms: PERM_RW },
      ]);
      expectRejected(
        valid.bytes,
        SegmentOutsideLayout,
        'segment 0 (r-x) at [0x10000, 0x100f4) lies outside the platform\'s image: the image regions are "rom" [0x1000, 0x2000), "ram" [0x8000, 0x9000); link the program for this platform',
        twoImages,
      );
    });

    it('should say when the layout has no image region', () => {
      const noImage = new MemoryLayout([{ name: 'heap', kind: 'heap', start: 0x10000, size: 0x10000, perms: PERM_RW }]);
      expect(rejection(valid.bytes, noImage).message).toBe(
        "segment 0 (r-x) at [0x10000, 0x100f4) lies outside the platform's image: the layout has no image region; link the program for this platform",
      );
    });

    it('should map nothing when it rejects', () => {
      const memory = new PagedMemory();
      expect(() => loadElf(withHeader(1, { memsz: 0x4000_0000 }), memory, layout)).toThrow(SegmentOutsideLayout);
      expect(memory.mappings()).toEqual([]);
    });
  });

  describe('when the executable is a valid static ET_EXEC', () => {
    const memory = new PagedMemory();
    const image = loadElf(valid.bytes, memory, layout);

    it("should map each segment's pages with its p_flags", () => {
      expect(memory.mappings()).toEqual([
        { start: 0x10000, end: 0x11000, perms: PERM_RX, name: 'text' },
        { start: 0x11000, end: 0x14000, perms: PERM_RW, name: 'data' },
      ]);
    });

    it('should copy the file bytes of each segment', () => {
      expect(memory.read(valid.entry, EXIT_42.length)).toEqual(EXIT_42);
      expect(memory.read(valid.dataStart, 8)).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
      expect(memory.read(0x10000, 4)).toEqual(Uint8Array.of(0x7f, 0x45, 0x4c, 0x46));
    });

    it('should leave the bss zeroed', () => {
      expect(memory.read(valid.dataFileEnd, valid.dataEnd - valid.dataFileEnd).every((byte) => byte === 0)).toBe(true);
    });

    it('should report entry, program headers, image bounds and segments', () => {
      expect(image).toEqual({
        entry: valid.entry,
        programHeaders: 0x10040,
        programHeaderCount: 3,
        programHeaderSize: 56,
        programHeaderTable: valid.bytes.slice(64, 64 + 3 * 56),
        loadBias: 0,
        imageStart: 0x10000,
        imageEnd: 0x14000,
        segments: [
          { start: 0x10000, end: 0x100f4, perms: PERM_RX },
          { start: 0x110f8, end: 0x13100, perms: PERM_RW },
        ],
        executableStack: false,
      });
    });

    it('should make the program headers readable where AT_PHDR points', () => {
      const firstHeader = memory.read(image.programHeaders, PHDR_SIZE);
      expect(new DataView(firstHeader.buffer).getUint32(0, true)).toBe(PT_LOAD);
    });

    it('should accept an already parsed file', () => {
      const again = loadElf(parseElf(valid.bytes), new PagedMemory(), layout);
      expect(again).toEqual(image);
    });
  });

  describe('when segments share a page', () => {
    // Text [0x10000, 0x10800) r-x and data [0x10800, 0x12800) rw-: page 0x10000 holds both.
    const headers = [
      load(PT_LOAD, PF_R | PF_X, 0x10000, 0x800),
      load(PT_LOAD, PF_R | PF_W, 0x10800, 0x10, { memsz: 0x2000 }),
    ];
    const bytes = writeElf({
      entry: 0x10100,
      programHeaders: headers,
      contents: [{ offset: 0x800, bytes: Uint8Array.of(0xaa, 0xbb) }],
      size: 0x810,
    });
    const memory = new PagedMemory();
    const image = loadElf(bytes, memory, layout);

    it('should give the shared page both segments\' permissions, as Linux does', () => {
      expect(memory.mappings()).toEqual([
        { start: 0x10000, end: 0x11000, perms: PERM_RWX, name: 'text' },
        { start: 0x11000, end: 0x13000, perms: PERM_RW, name: 'data' },
      ]);
    });

    it("should copy each segment's bytes to its own place", () => {
      expect(memory.read(0x10800, 2)).toEqual(Uint8Array.of(0xaa, 0xbb));
      expect(memory.read(0x10000, 4)).toEqual(Uint8Array.of(0x7f, 0x45, 0x4c, 0x46));
    });

    it('should end the image at the page after the bss', () => {
      expect(image.imageEnd).toBe(0x13000);
    });
  });

  describe('when the executable has PT_PHDR, PT_TLS and an executable stack', () => {
    const exe = staticExecutable({
      phdrHeader: true,
      stackFlags: PF_R | PF_W | PF_X,
      tls: { fileSize: 4, memorySize: 16, align: 8 },
    });
    const image = loadElf(exe.bytes, new PagedMemory(), layout);

    it('should take AT_PHDR from PT_PHDR', () => {
      expect(image.programHeaders).toBe(0x10040);
      expect(image.programHeaderCount).toBe(5);
    });

    it('should report the TLS template and the executable stack', () => {
      expect(image.tls).toEqual({ start: exe.dataStart, fileSize: 4, memorySize: 16, align: 8 });
      expect(image.executableStack).toBe(true);
    });
  });

  describe('when PT_PHDR points outside every loadable segment', () => {
    it('should reject it', () => {
      const exe = staticExecutable({ phdrHeader: true });
      const headers = exe.fields.programHeaders.map((header, i) => (i === 0 ? { ...header, vaddr: 0x3000_0000 } : header));
      expectRejected(
        writeElf({ ...exe.fields, programHeaders: headers }),
        BadSegment,
        'bad segment 0: the program headers (PT_PHDR) are not inside a loadable segment',
      );
    });
  });

  describe('when no segment carries the program headers', () => {
    it('should report AT_PHDR as 0', () => {
      const bytes = writeElf({
        entry: 0x20000,
        programHeaders: [load(PT_LOAD, PF_R | PF_X, 0x20000, 0x100, { offset: 0x1000 })],
        size: 0x1100,
      });
      expect(loadElf(bytes, new PagedMemory(), layout).programHeaders).toBe(0);
    });
  });

  describe('when the executable is a static-pie (ET_DYN without PT_INTERP)', () => {
    const pie = staticExecutable({ type: ET_DYN, base: 0, phdrHeader: true });

    it('should load it at the start of the image region by default', () => {
      const memory = new PagedMemory();
      const image = loadElf(pie.bytes, memory, layout);
      expect(image).toMatchObject({
        loadBias: 0x10000,
        entry: pie.entry + 0x10000,
        programHeaders: 0x10040,
        imageStart: 0x10000,
        imageEnd: 0x10000 + 0x4000,
      });
      expect(memory.read(pie.entry + 0x10000, EXIT_42.length)).toEqual(EXIT_42);
      expect(memory.read(pie.dataStart + 0x10000, 2)).toEqual(Uint8Array.of(1, 2));
    });

    it('should load it at a chosen base, rounded up to the segment alignment', () => {
      const image = loadElf(pie.bytes, new PagedMemory(), layout, { pieBase: 0x40800 });
      expect(image.loadBias).toBe(0x41000);
      expect(image.entry).toBe(pie.entry + 0x41000);
    });

    it('should reject a base that puts it outside the image region', () => {
      expect(() => loadElf(pie.bytes, new PagedMemory(), layout, { pieBase: 0x4000_0000 })).toThrow(SegmentOutsideLayout);
    });
  });

  describe('when given arbitrary corruption of a valid executable', () => {
    it('should either load it or raise a named ElfError, never a TypeError or RangeError', () => {
      const headerBytes = EHDR_SIZE + 3 * PHDR_SIZE;
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(headerBytes - 1), fc.nat(255)), { minLength: 1, maxLength: 8 }),
          (flips) => {
            const bytes = valid.bytes.slice();
            for (const [at, value] of flips) bytes[at] = value;
            try {
              loadElf(bytes, new PagedMemory(), layout);
            } catch (error) {
              if (!(error instanceof ElfError)) throw error;
            }
          },
        ),
        { numRuns: 2000, seed: 42 },
      );
    });
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE, PERM_RW, PERM_RX } from '../../src/arch/memory/types.js';
import { PT_INTERP, PT_LOAD, loadElf, parseElf } from '../../src/platform/elf/index.js';
import { AT } from '../../src/platform/initial-stack.js';
import { LinuxPlatform } from '../../src/platform/linux/index.js';
import { FakeHart, FakeMemory } from './fake-machine.js';

// The committed guest programs: static rv64imac musl executables, non-PIE at 0x10000.
const GUEST_DIR = new URL('../../guests/bin/', import.meta.url);
const guestNames = readdirSync(GUEST_DIR).sort();

function guest(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, GUEST_DIR)));
}

describe(loadElf, () => {
  describe('when given guests/bin/hello', () => {
    const bytes = guest('hello');
    const header = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const elf = parseElf(bytes);
    const memory = new FakeMemory();
    const platform = new LinuxPlatform();
    const image = loadElf(elf, memory, platform.layout);

    it('should read the header as the file states it', () => {
      expect(elf.entry).toBe(Number(header.getBigUint64(24, true)));
      expect(elf.programHeaderCount).toBe(header.getUint16(56, true));
      expect(elf.flags).toBe(0x1);
      expect(elf.type).toBe(2);
      expect(elf.interpreter).toBeUndefined();
    });

    it('should find the two loadable segments, text then data', () => {
      expect(elf.loadSegments).toHaveLength(2);
      expect(elf.programHeaders.filter((ph) => ph.type === PT_INTERP)).toEqual([]);
      expect(image.segments[0]).toMatchObject({ start: 0x10000, perms: PERM_RX });
      expect(image.segments[1]!.perms).toBe(PERM_RW);
    });

    it('should copy the code at the entry point', () => {
      const text = elf.loadSegments[0]!;
      const entryOffset = text.offset + (elf.entry - text.vaddr);
      expect(memory.peek(image.entry, 64)).toEqual(bytes.subarray(entryOffset, entryOffset + 64));
    });

    it('should copy the initialised data and zero the bss', () => {
      const data = elf.loadSegments[1]!;
      expect(memory.peek(data.vaddr, data.filesz)).toEqual(bytes.subarray(data.offset, data.offset + data.filesz));
      expect(memory.peek(data.vaddr + data.filesz, data.memsz - data.filesz).every((byte) => byte === 0)).toBe(true);
    });

    it('should point AT_PHDR at the program headers inside the text segment', () => {
      expect(image.programHeaders).toBe(0x10040);
      expect(memory.peek(image.programHeaders, 56 * elf.programHeaderCount)).toEqual(bytes.subarray(64, 64 + 56 * elf.programHeaderCount));
    });

    it('should end the image at the page after the bss', () => {
      const data = elf.loadSegments[1]!;
      expect(image.imageEnd).toBe(Math.ceil((data.vaddr + data.memsz) / PAGE_SIZE) * PAGE_SIZE);
    });
  });

  describe('when given every committed guest', () => {
    it.each(guestNames)('should boot %s on the Linux platform', (name) => {
      const memory = new FakeMemory();
      const hart = new FakeHart(memory);
      const info = new LinuxPlatform().bootstrap({
        memory,
        hart,
        seed: 0n,
        executable: guest(name),
        executablePath: `/bin/${name}`,
        argv: [`/bin/${name}`],
        envp: [],
      });
      expect(hart.pc).toBe(info.entry);
      expect(info.loadedSegments.map((segment) => segment.perms)).toEqual([PERM_RX, PERM_RW]);
      expect(info.loadedSegments[0]!.start).toBe(0x10000);
      expect(memory.isAccessible(info.entry, 4, PERM_RX)).toBe(true);
      expect(memory.readU64(info.stackPointer)).toBe(1n);
      // AT_PHNUM sits among the auxv pairs after argc, argv[0], NULL, NULL.
      const auxv = new Map<number, bigint>();
      for (let at = info.stackPointer + 32; ; at += 16) {
        const key = Number(memory.readU64(at));
        auxv.set(key, memory.readU64(at + 8));
        if (key === AT.NULL) break;
      }
      expect(auxv.get(AT.PHNUM)).toBe(BigInt(parseElf(guest(name)).programHeaders.length));
      expect(parseElf(guest(name)).programHeaders.filter((ph) => ph.type === PT_LOAD)).toHaveLength(2);
    });
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE, PERM_RW, PERM_RX } from '../../src/arch/memory/types.js';
import { PT_INTERP, PT_LOAD, loadElf, parseElf } from '../../src/platform/elf/index.js';
import { AT } from '../../src/platform/initial-stack.js';
import { LinuxPlatform } from '../../src/platform/linux/index.js';
import { PagedMemory, StopReason } from '../../src/arch/index.js';
import { newMachine } from './machine.js';

// The committed guest programs: static rv64imac musl executables, non-PIE at 0x10000.
const GUEST_DIR = new URL('../../guests/bin/', import.meta.url);
// (files only: guests/bin/jolt/ and guests/bin/spike/ hold the zkVM guests, linked elsewhere)
const guestNames = readdirSync(GUEST_DIR, { withFileTypes: true })
  .filter((entry) => entry.isFile())
  // the F/D conformance guests (lp64d, no libc) boot in test/platform/elf-float-abi.test.ts
  .filter((entry) => !entry.name.startsWith('conf_fd_'))
  // the Go guest (lp64d, Go's own runtime, three PT_LOADs): test/integration/go-guests.test.ts
  .filter((entry) => entry.name !== 'go_demo')
  .map((entry) => entry.name)
  .sort();

function guest(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, GUEST_DIR)));
}

/** One argument (or environment entry) per line, as guests/src/<name>.args and .env hold them. */
function lines(path: string): string[] {
  const text = readFileSync(new URL(path, GUEST_DIR), 'utf8');
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

const ENOTTY = 25;

/**
 * Boots a guest on the Linux platform with the real hart and serves the four system calls
 * musl's startup and stdio make (set_tid_address, ioctl, writev, exit_group), so what the
 * guest reads from its initial stack can be compared with its run under qemu.
 */
function runGuest(name: string, argv: readonly string[], envp: readonly string[]): { stdout: string; exitCode: number } {
  const { memory, hart } = newMachine();
  new LinuxPlatform().bootstrap({ memory, hart, seed: 1n, executable: guest(name), executablePath: argv[0]!, argv, envp });
  let stdout = '';
  const decoder = new TextDecoder();
  for (;;) {
    const reason = hart.run(10_000_000);
    if (reason !== StopReason.Ecall) throw new Error(`${name} stopped with reason ${reason} at pc 0x${hart.pc.toString(16)}`);
    const number = Number(hart.getX(17));
    const [a0, a1, a2] = [hart.getX(10), hart.getX(11), hart.getX(12)];
    let result: bigint;
    switch (number) {
      case 96: // set_tid_address
        result = 1n;
        break;
      case 29: // ioctl: not a terminal, so musl buffers stdout fully
        result = BigInt(-ENOTTY);
        break;
      case 66: {
        // writev
        let total = 0;
        for (let i = 0; i < Number(a2); i++) {
          const base = Number(memory.readU64(Number(a1) + i * 16));
          const length = Number(memory.readU64(Number(a1) + i * 16 + 8));
          if (a0 === 1n && length > 0) stdout += decoder.decode(memory.read(base, length));
          total += length;
        }
        result = BigInt(total);
        break;
      }
      case 94: // exit_group
        return { stdout, exitCode: Number(a0 & 0xffn) };
      default:
        throw new Error(`${name} made system call ${number}, which this test does not serve`);
    }
    hart.setX(10, result);
    hart.pc += 4;
  }
}

describe(loadElf, () => {
  describe('when given guests/bin/hello', () => {
    const bytes = guest('hello');
    const header = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const elf = parseElf(bytes);
    const memory = new PagedMemory();
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
      expect(memory.read(image.entry, 64)).toEqual(bytes.subarray(entryOffset, entryOffset + 64));
    });

    it('should copy the initialised data and zero the bss', () => {
      const data = elf.loadSegments[1]!;
      expect(memory.read(data.vaddr, data.filesz)).toEqual(bytes.subarray(data.offset, data.offset + data.filesz));
      expect(memory.read(data.vaddr + data.filesz, data.memsz - data.filesz).every((byte) => byte === 0)).toBe(true);
    });

    it('should point AT_PHDR at the program headers inside the text segment', () => {
      expect(image.programHeaders).toBe(0x10040);
      expect(memory.read(image.programHeaders, 56 * elf.programHeaderCount)).toEqual(bytes.subarray(64, 64 + 56 * elf.programHeaderCount));
    });

    it('should end the image at the page after the bss', () => {
      const data = elf.loadSegments[1]!;
      expect(image.imageEnd).toBe(Math.ceil((data.vaddr + data.memsz) / PAGE_SIZE) * PAGE_SIZE);
    });
  });

  describe('when given every committed guest', () => {
    it.each(guestNames)('should boot %s on the Linux platform', (name) => {
      const { memory, hart } = newMachine();
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
      // The hart's extensions decide whether a hard-float (lp64d) guest loads, as in the kernel.
      const elf = parseElf(guest(name), { hwcap: hart.isa.hwcap });
      expect(auxv.get(AT.PHNUM)).toBe(BigInt(elf.programHeaders.length));
      expect(elf.programHeaders.filter((ph) => ph.type === PT_LOAD)).toHaveLength(2);
    });
  });

  describe('when run by the hart from the state bootstrap leaves', () => {
    it('should print hello as under qemu', () => {
      expect(runGuest('hello', ['/bin/hello'], [])).toEqual({
        stdout: readFileSync(new URL('../expected/hello.stdout', GUEST_DIR), 'utf8'),
        exitCode: 0,
      });
    });

    it('should give args the argv, envp and auxv it reports under qemu', () => {
      const result = runGuest('args', ['/bin/args', ...lines('../src/args.args')], lines('../src/args.env'));
      expect(result.stdout).toBe(readFileSync(new URL('../expected/args.stdout', GUEST_DIR), 'utf8'));
      expect(result.exitCode).toBe(0);
    });
  });
});

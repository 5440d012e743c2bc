import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PagedMemory } from '../../src/arch/index.js';
import type { Hart } from '../../src/arch/riscv64/types.js';
import { EXIT_CODES } from '../../src/errors.js';
import { UnsupportedElfAbi, isaNameOfHwcap, loadElf, parseElf } from '../../src/platform/elf/index.js';
import { AT } from '../../src/platform/initial-stack.js';
import { LinuxPlatform } from '../../src/platform/linux/index.js';

/** AT_HWCAP bits of an ISA string's letters ('a' = bit 0). */
const hwcapOf = (letters: string) => [...letters].reduce((bits, l) => bits | (1 << (l.charCodeAt(0) - 97)), 0);
const IMAC = hwcapOf('imac');
const IMAFC = hwcapOf('imafc');
const IMAFDC = hwcapOf('imafdc');

/** A committed lp64d guest (freestanding, rv64gc): the F/D conformance program for memory and CSRs. */
const lp64d = () => new Uint8Array(readFileSync(new URL('../../guests/bin/conf_fd_mem', import.meta.url)));
/** The same file with other e_flags. */
function withFlags(flags: number): Uint8Array {
  const bytes = lp64d();
  new DataView(bytes.buffer).setUint32(48, flags, true);
  return bytes;
}
function refusal(run: () => unknown): UnsupportedElfAbi {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UnsupportedElfAbi);
    expect((error as UnsupportedElfAbi).exitCode).toBe(EXIT_CODES.badElf);
    return error as UnsupportedElfAbi;
  }
  throw new Error('expected UnsupportedElfAbi');
}

/** Just what LinuxPlatform.bootstrap asks of a hart: its extensions, pc and sp. */
function stubHart(hwcap: number): Hart & { readonly sp: bigint } {
  const regs = new Map<number, bigint>();
  return {
    isa: { hwcap },
    pc: 0,
    setX(index: number, value: bigint) {
      regs.set(index, value);
    },
    get sp() {
      return regs.get(2) ?? 0n;
    },
  } as unknown as Hart & { readonly sp: bigint };
}

describe('the float ABI check of the ELF loader', () => {
  it('should read the committed lp64d guest as double-float with RVC', () => {
    expect(lp64d()[48]! & 0x7).toBe(0x5);
  });

  it('should accept lp64d when the hart has F and D', () => {
    const elf = parseElf(lp64d(), { hwcap: IMAFDC });
    expect(elf.flags & 0x6).toBe(0x4);
    expect(elf.loadSegments).toHaveLength(2);
  });

  it('should refuse lp64d without a hart to check against, naming what it needs', () => {
    expect(refusal(() => parseElf(lp64d())).message).toBe(
      'built for the lp64d (double-float) hard-float ABI, which needs the F and D extensions (e_flags 0x5); ZeroOS emulates RV64IMAC: build for the lp64 soft-float ABI',
    );
  });

  it('should refuse lp64d on a hart without D, and name that hart', () => {
    const error = refusal(() => parseElf(lp64d(), { hwcap: IMAFC }));
    expect(error.message).toBe(
      'built for the lp64d (double-float) hard-float ABI, which needs the F and D extensions (e_flags 0x5); ZeroOS runs rv64imafc here: build for the lp64 soft-float ABI',
    );
    expect(error.hwcap).toBe(IMAFC);
    expect(refusal(() => parseElf(lp64d(), { hwcap: IMAC })).message).toMatch(/ZeroOS runs rv64imac here/);
  });

  it('should accept lp64f with F, refuse it without', () => {
    expect(parseElf(withFlags(0x3), { hwcap: IMAFC }).flags).toBe(0x3);
    expect(refusal(() => parseElf(withFlags(0x3), { hwcap: IMAC })).message).toMatch(/^built for the lp64f \(single-float\) hard-float ABI, which needs the F extension/);
  });

  it('should refuse lp64q and RV64E whatever the hart has', () => {
    expect(refusal(() => parseElf(withFlags(0x7), { hwcap: IMAFDC })).message).toBe(
      'built for the lp64q (quad-float) hard-float ABI, which needs the Q extension (e_flags 0x7); ZeroOS runs rv64imafdc here: build for lp64 or lp64d',
    );
    expect(refusal(() => parseElf(withFlags(0x9), { hwcap: IMAFDC })).message).toBe(
      'built for RV64E (16 registers) (e_flags 0x9); ZeroOS runs rv64imafdc here: build for lp64 or lp64d',
    );
  });

  it('should pass the hart extensions through loadElf', () => {
    const platform = new LinuxPlatform();
    expect(loadElf(lp64d(), new PagedMemory(), platform.layout, { hwcap: IMAFDC }).entry).toBe(parseElf(lp64d(), { hwcap: IMAFDC }).entry);
    refusal(() => loadElf(lp64d(), new PagedMemory(), platform.layout, { hwcap: IMAC }));
  });

  it('should name ISA strings from hwcap bits', () => {
    expect(isaNameOfHwcap(IMAFDC)).toBe('rv64imafdc');
    expect(isaNameOfHwcap(IMAC)).toBe('rv64imac');
  });
});

describe('LinuxPlatform with an lp64d executable', () => {
  const boot = (hwcap: number) => {
    const memory = new PagedMemory();
    const hart = stubHart(hwcap);
    const info = new LinuxPlatform().bootstrap({ memory, hart, seed: 0n, executable: lp64d(), executablePath: '/bin/conf_fd_mem', argv: ['/bin/conf_fd_mem'], envp: [] });
    return { memory, hart, info };
  };

  it('should boot it on a hart with F and D and report them in AT_HWCAP', () => {
    const { memory, hart, info } = boot(IMAFDC);
    expect(hart.pc).toBe(info.entry);
    expect(hart.sp).toBe(BigInt(info.stackPointer));
    const auxv = new Map<number, bigint>();
    for (let at = info.stackPointer + 32; ; at += 16) {
      const key = Number(memory.readU64(at));
      auxv.set(key, memory.readU64(at + 8));
      if (key === AT.NULL) break;
    }
    expect(auxv.get(AT.HWCAP)).toBe(BigInt(IMAFDC));
  });

  it('should refuse it on an RV64IMAC hart with the named error', () => {
    expect(refusal(() => boot(IMAC)).message).toMatch(/lp64d .* needs the F and D extensions .*ZeroOS runs rv64imac here/);
  });
});

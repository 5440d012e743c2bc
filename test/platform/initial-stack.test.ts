import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';
import { PERM_RW, type GuestMemory } from '../../src/arch/memory/types.js';
import { HWCAP_RV64IMAC } from '../../src/arch/riscv64/types.js';
import {
  AT,
  BadProcessArgument,
  InitialStackOverflow,
  atRandomBytes,
  buildInitialStack,
  type InitialStackSpec,
} from '../../src/platform/initial-stack.js';
import { PagedMemory } from '../../src/arch/index.js';

const STACK = { start: 0x3f_ff7f_f000, end: 0x3f_ffff_f000 };

const spec: InitialStackSpec = {
  argv: ['/bin/hello', 'wörld', ''],
  envp: ['HOME=/', 'LANG=C.UTF-8'],
  executablePath: '/bin/hello',
  seed: 7n,
  entry: 0x100e8,
  programHeaders: 0x10040,
  programHeaderCount: 4,
};

function stackMemory(region = STACK): PagedMemory {
  const memory = new PagedMemory();
  memory.map(region.start, region.end - region.start, PERM_RW, 'stack');
  return memory;
}

const decoder = new TextDecoder();

/** Reads the initial stack back the way a C runtime's _start does. */
function readStack(memory: GuestMemory, sp: number) {
  let at = sp;
  const next = (): bigint => {
    const value = memory.readU64(at);
    at += 8;
    return value;
  };
  const string = (address: bigint): string => decoder.decode(memory.readCString(Number(address), 4096));
  const argc = Number(next());
  const argv = Array.from({ length: argc }, () => string(next()));
  const argvTerminator = next();
  const envp: string[] = [];
  for (let pointer = next(); pointer !== 0n; pointer = next()) envp.push(string(pointer));
  const auxv: [number, bigint][] = [];
  for (;;) {
    const key = Number(next());
    const value = next();
    auxv.push([key, value]);
    if (key === AT.NULL) break;
  }
  return { argc, argv, argvTerminator, envp, auxv, end: at, string };
}

describe(buildInitialStack, () => {
  describe('when the arguments fit', () => {
    const memory = stackMemory();
    const built = buildInitialStack(memory, STACK, spec);
    const parsed = readStack(memory, built.stackPointer);
    const aux = new Map(parsed.auxv);

    it('should point sp at argc, 16-byte aligned', () => {
      expect(built.stackPointer % 16).toBe(0);
      expect(parsed.argc).toBe(3);
      expect(built.argc).toBe(3);
    });

    it('should pass argv and envp intact, NULL-terminated', () => {
      expect(parsed.argv).toEqual(['/bin/hello', 'wörld', '']);
      expect(parsed.argvTerminator).toBe(0n);
      expect(parsed.envp).toEqual(['HOME=/', 'LANG=C.UTF-8']);
    });

    it('should lay out the auxiliary vector in Linux order, ending in AT_NULL', () => {
      expect(parsed.auxv.map(([key]) => key)).toEqual([
        AT.HWCAP,
        AT.PAGESZ,
        AT.CLKTCK,
        AT.PHDR,
        AT.PHENT,
        AT.PHNUM,
        AT.BASE,
        AT.FLAGS,
        AT.ENTRY,
        AT.UID,
        AT.EUID,
        AT.GID,
        AT.EGID,
        AT.SECURE,
        AT.RANDOM,
        AT.EXECFN,
        AT.NULL,
      ]);
    });

    it('should describe the program and the machine', () => {
      expect(aux.get(AT.PHDR)).toBe(0x10040n);
      expect(aux.get(AT.PHENT)).toBe(56n);
      expect(aux.get(AT.PHNUM)).toBe(4n);
      expect(aux.get(AT.PAGESZ)).toBe(4096n);
      expect(aux.get(AT.ENTRY)).toBe(0x100e8n);
      expect(aux.get(AT.HWCAP)).toBe(BigInt(HWCAP_RV64IMAC));
      expect(aux.get(AT.CLKTCK)).toBe(100n);
    });

    it('should say root, static, not setuid', () => {
      for (const key of [AT.BASE, AT.FLAGS, AT.UID, AT.EUID, AT.GID, AT.EGID, AT.SECURE, AT.NULL]) {
        expect(aux.get(key), `key ${key}`).toBe(0n);
      }
    });

    it('should point AT_EXECFN at the executable path', () => {
      expect(parsed.string(aux.get(AT.EXECFN)!)).toBe('/bin/hello');
      expect(Number(aux.get(AT.EXECFN))).toBe(built.executablePathAddress);
    });

    it('should point AT_RANDOM at 16 seed-derived bytes, 16-byte aligned', () => {
      const address = Number(aux.get(AT.RANDOM));
      expect(address).toBe(built.randomAddress);
      expect(address % 16).toBe(0);
      expect(memory.read(address, 16)).toEqual(atRandomBytes(7n));
      expect(built.randomBytes).toEqual(atRandomBytes(7n));
    });

    it('should put the strings above the pointers and the random bytes, below the top', () => {
      const lowestString = Math.min(...built.argvAddresses, ...built.envpAddresses, built.executablePathAddress);
      expect(lowestString).toBeGreaterThanOrEqual(built.randomAddress + 16);
      expect(built.randomAddress).toBeGreaterThanOrEqual(parsed.end);
      expect(built.executablePathAddress + '/bin/hello'.length + 1).toBe(STACK.end - 8);
      expect(memory.readU64(STACK.end - 8)).toBe(0n);
    });

    it('should store argv strings in order below the envp strings, as Linux does', () => {
      expect(built.argvAddresses[0]!).toBeLessThan(built.argvAddresses[1]!);
      expect(built.argvAddresses[2]!).toBeLessThan(built.envpAddresses[0]!);
      expect(built.envpAddresses[1]!).toBeLessThan(built.executablePathAddress);
    });

    it('should return the auxiliary vector it wrote', () => {
      expect(built.auxv).toEqual(parsed.auxv);
    });
  });

  describe('when argc and envc vary', () => {
    it.each([
      [1, 0],
      [2, 0],
      [2, 1],
      [3, 3],
      [4, 7],
    ])('should keep sp 16-byte aligned with %i args and %i environment entries', (argc, envc) => {
      for (const pathLength of [1, 2, 7, 8, 9, 15, 16]) {
        const memory = stackMemory();
        const built = buildInitialStack(memory, STACK, {
          ...spec,
          argv: Array.from({ length: argc }, (_, i) => 'a'.repeat(i + pathLength)),
          envp: Array.from({ length: envc }, (_, i) => `V${i}=x`),
          executablePath: 'p'.repeat(pathLength),
        });
        expect(built.stackPointer % 16).toBe(0);
        const parsed = readStack(memory, built.stackPointer);
        expect(parsed.argc).toBe(argc);
        expect(parsed.envp).toHaveLength(envc);
      }
    });
  });

  describe('when the arguments do not fit', () => {
    const small = { start: 0x10_0000, end: 0x10_1000 };

    it('should throw InitialStackOverflow and write nothing', () => {
      const memory = stackMemory(small);
      let error: unknown;
      try {
        buildInitialStack(memory, small, { ...spec, argv: ['x'.repeat(5000)] });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InitialStackOverflow);
      const overflow = error as InitialStackOverflow;
      expect(overflow.available).toBe(4096);
      expect(overflow.needed).toBeGreaterThan(5000);
      expect(overflow.message).toBe(
        `the initial stack (argv, envp, auxv) needs ${overflow.needed} bytes but the stack region holds 4096: ` +
          'pass fewer or shorter arguments, or give the platform a larger stack',
      );
      expect(overflow.exitCode).toBe(EXIT_CODES.layout);
      expect(memory.read(small.start, 4096).every((byte) => byte === 0)).toBe(true);
    });

    it('should accept arguments that just fit a small region', () => {
      const memory = stackMemory(small);
      expect(() => buildInitialStack(memory, small, { ...spec, argv: ['x'.repeat(3000)] })).not.toThrow();
    });
  });

  describe('when a string contains a NUL byte', () => {
    it('should throw BadProcessArgument naming it', () => {
      expect(() => buildInitialStack(stackMemory(), STACK, { ...spec, envp: ['A=1', 'B=\0'] })).toThrow(
        new BadProcessArgument('envp[1]'),
      );
      expect(new BadProcessArgument('argv[2]').message).toBe('argv[2] contains a NUL byte, which a C string cannot carry');
      expect(new BadProcessArgument('argv[2]').exitCode).toBe(EXIT_CODES.usage);
    });
  });
});

describe(atRandomBytes, () => {
  it('should be the first 16 bytes of sha256("zeroos.at_random" || seed as u64 LE)', () => {
    const input = new Uint8Array([...new TextEncoder().encode('zeroos.at_random'), 0x2a, 0, 0, 0, 0, 0, 0, 0]);
    expect(atRandomBytes(42n)).toEqual(sha256(input).slice(0, 16));
  });

  it('should give the same bytes for the same seed', () => {
    expect(atRandomBytes(123n)).toEqual(atRandomBytes(123n));
  });

  it('should give different bytes for different seeds', () => {
    expect(atRandomBytes(0n)).not.toEqual(atRandomBytes(1n));
    expect(atRandomBytes(1n)).not.toEqual(atRandomBytes(1n << 32n));
  });

  it('should take the seed modulo 2^64', () => {
    expect(atRandomBytes(-1n)).toEqual(atRandomBytes(2n ** 64n - 1n));
    expect(atRandomBytes(2n ** 64n + 5n)).toEqual(atRandomBytes(5n));
  });

  it('should return 16 bytes', () => {
    expect(atRandomBytes(9n)).toHaveLength(16);
  });
});

describe('an image that does not load its program headers', () => {
  const table = Uint8Array.from({ length: 2 * 56 }, (_, i) => (i * 7 + 1) & 0xff);
  const memory = stackMemory();
  const built = buildInitialStack(memory, STACK, { ...spec, programHeaders: 0, programHeaderCount: 2, programHeaderTable: table });
  const aux = new Map(readStack(memory, built.stackPointer).auxv);

  it('should copy the table onto the stack, 16-byte aligned below AT_RANDOM, and point AT_PHDR at the copy', () => {
    const phdr = Number(aux.get(AT.PHDR));
    expect(phdr % 16).toBe(0);
    expect(phdr).toBeLessThan(built.randomAddress);
    expect(phdr).toBeGreaterThan(built.stackPointer);
    expect(memory.read(phdr, table.length)).toEqual(table);
    expect(aux.get(AT.PHNUM)).toBe(2n);
  });

  it('should leave AT_PHDR alone when the image loads its headers', () => {
    const other = stackMemory();
    const loaded = buildInitialStack(other, STACK, { ...spec, programHeaderTable: table });
    expect(new Map(readStack(other, loaded.stackPointer).auxv).get(AT.PHDR)).toBe(BigInt(spec.programHeaders));
  });
});

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RefusedInstruction } from '../../src/arch/riscv64/types.js';
import { EXIT_CODES } from '../../src/errors.js';
import {
  JoltInputTooLarge,
  JoltProgramRejected,
  JoltRejected,
  JoltSizeMismatch,
  JoltStackTooSmall,
  NotLinkedForJolt,
  JoltHostServices,
  joltExtension,
  joltIsa,
  joltRejectedWords,
  joltLayoutText,
  postcardEncode,
  parseSchema,
} from '../../src/integrations/jolt/index.js';
import type { IntegrationOptionValues } from '../../src/integrations/index.js';
import { createKernel, type RunResult, type ZeroOS } from '../../src/zeroos.js';

const root = join(import.meta.dirname, '..', '..');
const guest = (name: string): Uint8Array => readFileSync(join(root, 'guests', 'bin', 'jolt', name));
const expected = (file: string): string => readFileSync(join(root, 'guests', 'expected', 'jolt', file), 'utf8');
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const scratch = mkdtempSync(join(tmpdir(), 'zeroos-jolt-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  readonly zeroos: ZeroOS;
  readonly result?: RunResult;
  readonly error?: unknown;
}

/** Runs a Jolt guest to its end (or its error) on the real kernel. */
function runJolt(
  name: string,
  options: { trap?: 'host' | 'machine'; args?: string[]; env?: string[]; values?: IntegrationOptionValues; patch?: (zeroos: ZeroOS) => void } = {},
): Run {
  const zeroos = createKernel({ platform: 'jolt', trapMode: options.trap ?? 'host', platformOptions: options.values ?? {} });
  zeroos.load({ executable: guest(name), path: `/bin/${name}`, argv: [`/bin/${name}`, ...(options.args ?? [])], env: options.env ?? [] });
  options.patch?.(zeroos);
  try {
    return { zeroos, result: zeroos.run() };
  } catch (error) {
    return { zeroos, error };
  }
}

const joltReport = (run: Run) => run.zeroos.reports().find((r) => r.source === 'jolt')!;
const line = (run: Run, label: string): string | undefined => joltReport(run).lines.find(([l]) => l === label)?.[1];

describe('JoltPlatform', () => {
  describe('when the hashing guest gets its input and writes its output (host trap mode)', () => {
    const message = new TextEncoder().encode('zeroos on jolt: the input region, hashed');
    const input = postcardEncode(parseSchema('bytes'), '0x' + Buffer.from(message).toString('hex'));
    const inputPath = join(scratch, 'hash.input');
    const outputPath = join(scratch, 'hash.output');
    writeFileSync(inputPath, input);
    const run = runJolt('jolt_hash', { values: { input: inputPath, output: outputPath } });
    const digest = createHash('sha256').update(message).digest();

    it('should end terminated with exit_group(0), the termination store seen', () => {
      expect(run.error).toBeUndefined();
      expect(run.result!.exitCode).toBe(0);
      expect(run.result!.outcome).toMatchObject({ name: 'exited', exitCode: 0 });
      expect(line(run, 'termination')).toMatch(/^1 \(stored by pc 0x8/);
      expect(line(run, 'panic')).toBe('0');
    });

    it('should print and write to --output the SHA-256 of the postcard-decoded input', () => {
      expect(text(run.result!.stdout)).toBe(`sha256(${message.length} bytes) = ${digest.toString('hex')}\n`);
      expect(readFileSync(outputPath)).toEqual(digest);
      expect(line(run, 'inputs')).toContain(`input ${input.length} of 4096 bytes`);
    });
  });

  describe('when a guest ends by a halt', () => {
    it('should be panicked (80) after a store to the panic byte', () => {
      const run = runJolt('jolt_panic');
      expect(run.result!.exitCode).toBe(EXIT_CODES.zkvmPanic);
      expect(run.result!.outcome?.name).toBe('panicked');
      expect(text(run.result!.stdout)).toBe(expected('jolt_panic.stdout'));
    });

    it('should be no-termination (81) without a store of 1 to the termination word, naming the verifier inference', () => {
      const run = runJolt('jolt_notermination');
      expect(run.result!.exitCode).toBe(EXIT_CODES.zkvmNoTermination);
      expect(run.result!.outcome?.name).toBe('no-termination');
      expect(run.result!.outcome?.detail).toMatch(/verifier would likely reject.*not verified/);
    });

    it('should count abort() as a panic (80), as ZeroOS\'s __platform_abort sets the panic flag', () => {
      const run = runJolt('jolt_abort');
      expect(run.result!.exitCode).toBe(EXIT_CODES.zkvmPanic);
      expect(run.result!.signal).toBeUndefined();
      expect(run.result!.outcome?.name).toBe('panicked');
      expect(line(run, 'panic')).toBe('1 (set by abort())');
      expect(text(run.result!.stdout)).toBe(expected('jolt_abort.stdout'));
    });
  });

  describe('when a guest breaks one of Jolt\'s memory rules', () => {
    const rejected = (mode: string): JoltRejected => {
      const run = runJolt('jolt_overflow', { args: [mode] });
      expect(text(run.zeroos.console.stdout)).toBe(`jolt_overflow: ${mode}\n`);
      expect(run.error).toBeInstanceOf(JoltRejected);
      expect(joltReport(run).outcome).toMatchObject({ name: 'rejected', exitCode: 82 });
      return run.error as JoltRejected;
    };

    it('should reject a write in the stack canary with Jolt\'s message and --stack-size', () => {
      const error = rejected('stack');
      expect(error.exitCode).toBe(82);
      expect(error.joltMessage).toMatch(/^Stack overflow: attempted to write to 0x8[0-9A-F]+, which is in the stack canary region\. Increase stack_size in MemoryConfig \(currently 65536 bytes\)\.$/);
      expect(error.message).toContain('--stack-size');
    });

    it('should reject a write at heap_end as a heap overflow and a read there as an illegal access', () => {
      expect(rejected('heap').joltMessage).toMatch(/^Heap overflow: attempted to write to 0x8[0-9A-F]+, which is beyond the heap\. Increase heap_size in MemoryConfig \(currently 4194304 bytes\)\.$/);
      expect(rejected('heapread').joltMessage).toMatch(/^Illegal Memory Access: Attempted to read from 0x8[0-9A-F]+\.$/);
    });

    it('should reject misaligned ld and lw with the tracer\'s asserts', () => {
      expect(rejected('misaligned').joltMessage).toBe('Unaligned load_doubleword');
      expect(rejected('misaligned_w').joltMessage).toMatch(/^RAM access \(LW or LWU\) is not word aligned: 8[0-9a-f]+[26ae]$/);
    });

    it('should set the panic flag when output stores run into the panic byte, as Jolt\'s device does', () => {
      const run = runJolt('jolt_overflow', { args: ['output'] });
      expect(run.result!.exitCode).toBe(0); // exit_group(0): host trap mode keeps the guest's code
      expect(run.result!.outcome).toMatchObject({ name: 'exited' });
      expect(run.result!.outcome!.detail).toContain('panic flag is set');
      expect(line(run, 'panic')).toMatch(/^1 \(set by a store at pc 0x8/);
      expect(line(run, 'output')).toMatch(/^4096 bytes/);
    });

    // Bare-metal code patched in at the entry of a real guest: addresses below RAM_START.
    const words = (...list: number[]): Uint8Array => new Uint8Array(new Uint32Array(list).buffer);
    const patched = (code: Uint8Array) =>
      runJolt('jolt_trap', { trap: 'machine', patch: (z) => z.kernel.arch.memory.poke(z.kernel.arch.hart.pc, code) });

    it('should reject a store between io_end and RAM_START as an I/O overflow', () => {
      // lui t0, 0x7fffc; addi t0, t0, 24; sd x0, 0(t0)  -> 0x7FFFC018, past io_end 0x7FFFC010
      const run = patched(words(0x7fffc2b7, 0x01828293, 0x0002b023));
      expect((run.error as JoltRejected).joltMessage).toBe('I/O overflow: Attempted to write to 0x7FFFC018. Out of bounds.');
    });

    it('should reject a store into the input region as an illegal device store', () => {
      // lui t0, 0x7fffa; sb x0, 0(t0)
      const run = patched(words(0x7fffa2b7, 0x00028023));
      expect((run.error as JoltRejected).joltMessage).toBe('Illegal device store: Unknown memory mapping: 0x7FFFA000');
    });

    it('should read zeros below the I/O regions but reject the dtb range', () => {
      // lui t0, 0x10; ld t1, 0(t0); j .   -> halts: zero read, no termination
      const quiet = patched(words(0x000102b7, 0x0002b303, 0x0000006f));
      expect(quiet.result!.exitCode).toBe(EXIT_CODES.zkvmNoTermination);
      expect(quiet.zeroos.kernel.arch.hart.getX(6)).toBe(0n);
      // lui t0, 1; addi t0, t0, 32; ld t1, 0(t0)
      const dtb = patched(words(0x000012b7, 0x02028293, 0x0002b303));
      expect((dtb.error as JoltRejected).joltMessage).toBe('load_raw:dtb is unsupported.');
    });

    it('should refuse wfi when it runs (code Jolt never saw at build)', () => {
      const run = patched(words(0x10500073));
      expect(run.error).toBeInstanceOf(RefusedInstruction);
      expect((run.error as RefusedInstruction).exitCode).toBe(82);
      expect((run.error as Error).message).toMatch(/wfi.*Jolt rejects it/);
    });
  });

  describe('when the program holds words Jolt cannot build', () => {
    for (const name of ['jolt_bad_csr', 'jolt_bad_csrrc', 'jolt_bad_wfi']) {
      it(`should refuse ${name} at load, naming the word and its address`, () => {
        const [address, word, mnemonic] = expected(`${name}.refused`).trim().split(' ');
        expect(() => runJolt(name, { trap: 'machine' })).toThrow(JoltProgramRejected);
        try {
          runJolt(name, { trap: 'machine' });
        } catch (error) {
          expect((error as JoltProgramRejected).exitCode).toBe(82);
          expect((error as JoltProgramRejected).words).toEqual([expect.objectContaining({ address: Number.parseInt(address!, 16), word: Number.parseInt(word!, 16), mnemonic })]);
          expect((error as Error).message).toContain('Jolt rejects');
        }
      });
    }
  });

  describe('in machine trap mode', () => {
    it('should run a guest with its own trap handler: Jolt\'s ECALL, mret to mepc', () => {
      const run = runJolt('jolt_trap', { trap: 'machine' });
      expect(run.error).toBeUndefined();
      expect(text(run.result!.stdout)).toBe(expected('jolt_trap.stdout'));
      expect(run.result!.exitCode).toBe(0);
      expect(run.result!.outcome?.name).toBe('terminated');
      expect(run.result!.syscalls).toBe(0);
    });
  });

  describe('in host trap mode, unmodified Linux programs linked for Jolt', () => {
    it('should run musl C with brk and mmap inside Jolt\'s heap, printing what qemu-riscv64 printed', () => {
      const run = runJolt('jolt_hello');
      expect(text(run.result!.stdout)).toBe(expected('jolt_hello.stdout'));
      expect(run.result!.exitCode).toBe(Number(expected('jolt_hello.exit')));
      const memory = run.zeroos.stats().memory;
      expect(memory.brkStart).toBeGreaterThan(0x8000_0000);
      expect(memory.brk).toBeLessThan(0x8041_7140);
    });

    it('should run the Rust std program (threads, collections) printing what its Linux build prints', () => {
      const run = runJolt('jolt_rust');
      expect(text(run.result!.stdout)).toBe(expected('jolt_rust.stdout'));
      expect(run.result!.exitCode).toBe(Number(expected('jolt_rust.exit')));
      expect(line(run, 'jolt memory')).toContain('stack 1048576 (program), heap 33554432 (program)');
    });

    it('should name --stack-size when the Linux initial stack does not fit Jolt\'s stack', () => {
      const env = Array.from({ length: 64 }, (_, i) => `VARIABLE_${i}=${'x'.repeat(100)}`);
      expect(() => runJolt('jolt_trap', { trap: 'host', env })).toThrow(JoltStackTooSmall);
      expect(() => runJolt('jolt_trap', { trap: 'host', env })).toThrow(/--stack-size/);
    });
  });

  describe('when options and the program disagree', () => {
    it('should refuse a --stack-size that differs from the linked __stack_size, naming both', () => {
      expect(() => runJolt('jolt_hello', { values: { stackSize: 4096 } })).toThrow(JoltSizeMismatch);
      expect(() => runJolt('jolt_hello', { values: { stackSize: 4096 } })).toThrow(/--stack-size 4096 .* __stack_size = 65536/);
      expect(runJolt('jolt_hello', { values: { stackSize: 65536 } }).result?.exitCode).toBe(0);
    });

    it('should refuse an input file larger than its region before reading it', () => {
      const big = join(scratch, 'big.input');
      writeFileSync(big, new Uint8Array(4097));
      expect(() => createKernel({ platform: 'jolt', platformOptions: { input: big } })).toThrow(JoltInputTooLarge);
      expect(() => createKernel({ platform: 'jolt', platformOptions: { trustedAdvice: big } })).toThrow(/4097 bytes, larger than its region \(4096 bytes\).*--max-trusted-advice-size/);
      expect(createKernel({ platform: 'jolt', platformOptions: { input: big, maxInputSize: 8192 } })).toBeDefined();
    });
  });
});

describe('zeroos run --platform jolt (the CLI)', () => {
  const cli = join(root, 'dist', 'cli', 'main.js');
  const zeroos = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });

  it.skipIf(!existsSync(cli))('should round-trip the hashing guest through --input and --output, with the outcome in --stats', () => {
    const outputPath = join(scratch, 'cli.output');
    const run = zeroos('run', '--platform', 'jolt', '--stats', '--input', 'guests/expected/jolt/jolt_hash.input', '--output', outputPath, 'guests/bin/jolt/jolt_hash');
    expect(run.stdout).toBe(expected('jolt_hash.stdout'));
    expect(run.status).toBe(0);
    expect(readFileSync(outputPath)).toEqual(readFileSync(join(root, 'guests/expected/jolt/jolt_hash.output')));
    expect(run.stderr).toMatch(/^outcome +exited \(exit 0\)/m);
    expect(run.stderr).toMatch(/^termination +1 \(stored by pc/m);
  });

  it.skipIf(!existsSync(cli))('should exit 80, 81 and 82 for panic, no termination and a rejected run', () => {
    expect(zeroos('run', '--platform', 'jolt', 'guests/bin/jolt/jolt_panic').status).toBe(80);
    expect(zeroos('run', '--platform', 'jolt', 'guests/bin/jolt/jolt_notermination').status).toBe(81);
    const rejected = zeroos('run', '--platform', 'jolt', 'guests/bin/jolt/jolt_overflow', 'heap');
    expect(rejected.status).toBe(82);
    expect(rejected.stderr).toContain('Heap overflow');
    const bad = zeroos('run', '--platform', 'jolt', '--trap', 'machine', 'guests/bin/jolt/jolt_bad_wfi');
    expect(bad.status).toBe(82);
  });

  it.skipIf(!existsSync(cli))('should print Jolt\'s default layout from 0x7FFF8000 to the termination word at 0x7FFFC008', () => {
    const run = zeroos('layout', '--platform', 'jolt');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^trusted advice +0x7FFF8000 +0x7FFF9000/m);
    expect(run.stdout).toMatch(/^termination +0x7FFFC008 +0x7FFFC010/m);
  });

  it.skipIf(!existsSync(cli))('should refuse an input file larger than the region as a usage error (64)', () => {
    const big = join(scratch, 'cli-big.input');
    writeFileSync(big, new Uint8Array(5000));
    const run = zeroos('run', '--platform', 'jolt', '--input', big, 'guests/bin/jolt/jolt_hash');
    expect(run.status).toBe(64);
    expect(run.stderr).toContain('5000 bytes, larger than its region (4096 bytes)');
  });
});

describe('a program not linked for Jolt', () => {
  it('should be refused at load with a named ELF error saying how to link it', () => {
    const zeroos = createKernel({ platform: 'jolt' });
    const load = () => zeroos.load({ executable: readFileSync(join(root, 'guests', 'bin', 'hello')), path: '/bin/hello' });
    expect(load).toThrow(NotLinkedForJolt);
    expect(load).toThrow(/not linked for Jolt: none of its sections is at or above RAM_START 0x80000000/);
    expect(new NotLinkedForJolt(0x100e8, 0).exitCode).toBe(EXIT_CODES.badElf);
  });
});

describe("Jolt's build-time decode of the custom opcodes", () => {
  const isa = joltIsa([joltExtension(new JoltHostServices())]);
  const program = (words: number[]) => {
    const bytes = new Uint8Array(words.length * 4);
    words.forEach((word, i) => new DataView(bytes.buffer).setUint32(i * 4, word >>> 0, true));
    return { entry: 0x8000_0000, symbols: new Map<string, number>(), sections: [{ name: '.text', address: 0x8000_0000, size: bytes.length, bytes, text: true }] };
  };

  it('should reject an inline word no inline is registered for, and accept the SHA-256 and VirtualHostIO words', () => {
    const sha256 = 0x0b | (0 << 12) | (0 << 25); // funct7 0 funct3 0: SHA-256 compression
    const hostIo = 0x0000205b;
    const unregistered = 0x0b | (3 << 12) | (0x7f << 25);
    const rejected = joltRejectedWords(program([sha256, hostIo, unregistered]), isa);
    expect(rejected.map((r) => r.address)).toEqual([0x8000_0008]);
    expect(rejected[0]!.reason).toMatch(/No inline registered/);
  });
});

describe('zeroos layout --platform jolt with a linked program', () => {
  it('should place the stack and heap with the sizes the program was linked with, and refuse a different option', () => {
    const bytes = guest('jolt_hello');
    const text = joltLayoutText({}, { path: 'jolt_hello', bytes });
    expect(text).toMatch(/^stack +0x[0-9A-F]+ +0x[0-9A-F]+ +64 KiB$/m);
    expect(text).toMatch(/^heap +0x[0-9A-F]+ +0x[0-9A-F]+ +4 MiB$/m);
    expect(() => joltLayoutText({ stackSize: 8192 }, { path: 'jolt_hello', bytes })).toThrow(JoltSizeMismatch);
  });
});

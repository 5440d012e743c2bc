import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addi, andi, beq, bne, jal, ld, lui, or, sd, slli, srli, sub, sw } from '../arch/asm.js';
import { createKernel, type RunResult } from '../../src/index.js';
import {
  HtifNoInput,
  HtifOutsideRam,
  HtifSymbolsMissing,
  HtifSyscallProxyRefused,
  HtifUnknownCommand,
  NotLinkedForSpike,
  SpikeGuestHang,
  SpikeLayoutMismatch,
  elfSymbols,
} from '../../src/integrations/spike/index.js';
import { IntegrationOptionError, spikeIntegration } from '../../src/integrations/index.js';

const root = join(import.meta.dirname, '..', '..');
const guest = (name: string) => readFileSync(join(root, 'guests', 'bin', 'spike', name));
const expected = (name: string, ext: string) => readFileSync(join(root, 'guests', 'expected', 'spike', `${name}.${ext}`), 'utf8');
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const ENGINES = ['js', 'interpreter', 'wasm'] as const;

type Options = Parameters<typeof createKernel>[0];

function run(executable: Uint8Array, options: Options = {}, path = '/bin/guest'): { result: RunResult; zeroos: ReturnType<typeof createKernel> } {
  const zeroos = createKernel({ platform: 'spike', ...options });
  zeroos.load({ executable, path });
  return { result: zeroos.run(), zeroos };
}

function runError(executable: Uint8Array, options: Options = {}): unknown {
  try {
    run(executable, options);
  } catch (error) {
    return error;
  }
  throw new Error('the run did not fail');
}

function cli(args: string[], input = '') {
  const result = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), ...args], { cwd: root, encoding: 'utf8', input });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// ------------------------------------------------------------------------------------
// Bare-metal programs made here, with a symbol table, for what the committed guests do
// not do (a missing tohost, the syscall proxy, getchar, unknown packets, a hang): one
// RWX PT_LOAD at 0x80000000 with the code at its start and tohost/fromhost at +0x1000.

const RAM = 0x8000_0000;
const TOHOST = RAM + 0x1000;
const FROMHOST = RAM + 0x1040;
const [T0, T1, T2, S1, A0, A1] = [5, 6, 7, 9, 10, 11];

/** t1 = &tohost (RAM + 0x1000: lui 0x80001 is sign-extended on RV64, so build it as 1 << 31 | 0x1000). */
const loadTohost = (reg: number, offset = 0): number[] => [addi(reg, 0, 1), slli(reg, reg, 31), lui(T2, 1), or(reg, reg, T2), ...(offset ? [addi(reg, reg, offset)] : [])];
/** t0 = device << 56 | command << 48 | payload (payload < 2048). */
const packet = (device: number, command: number, payload: number): number[] => [
  addi(T0, 0, (device << 8) | command),
  slli(T0, T0, 48),
  addi(T2, 0, payload),
  or(T0, T0, T2),
];
/** Stores t0 to tohost (t1) and waits until it reads 0 again, as ZeroOS's send_packet does. */
const send = (): number[] => [sd(T0, T1, 0), ld(T2, T1, 0), bne(T2, 0, -4)];
const halt = (): number[] => [jal(0, 0)];

function spikeElf(words: readonly number[], symbols: Readonly<Record<string, number>> = { tohost: TOHOST, fromhost: FROMHOST }): Uint8Array {
  const code = new Uint8Array(words.length * 4);
  words.forEach((word, i) => new DataView(code.buffer).setUint32(i * 4, word >>> 0, true));
  const names = ['', ...Object.keys(symbols)];
  const strtab = names.map((n) => n + '\0').join('');
  const shstrtab = '\0.symtab\0.strtab\0.shstrtab\0';
  const enc = new TextEncoder();
  const codeOffset = 0x1000;
  const symOffset = codeOffset + code.length;
  const symSize = 24 * names.length;
  const strOffset = symOffset + symSize;
  const shstrOffset = strOffset + strtab.length;
  const shOffset = Math.ceil((shstrOffset + shstrtab.length) / 8) * 8;
  const bytes = new Uint8Array(shOffset + 64 * 4);
  const v = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, 243, true); // EM_RISCV
  v.setUint32(20, 1, true);
  v.setBigUint64(24, BigInt(RAM), true); // e_entry
  v.setBigUint64(32, 64n, true); // e_phoff
  v.setBigUint64(40, BigInt(shOffset), true);
  v.setUint32(48, 1, true); // RVC, soft float
  v.setUint16(52, 64, true);
  v.setUint16(54, 56, true);
  v.setUint16(56, 1, true);
  v.setUint16(58, 64, true);
  v.setUint16(60, 4, true);
  v.setUint16(62, 3, true);
  // PT_LOAD RWX [RAM, RAM + 0x2000)
  v.setUint32(64, 1, true);
  v.setUint32(68, 7, true);
  v.setBigUint64(72, BigInt(codeOffset), true);
  v.setBigUint64(80, BigInt(RAM), true);
  v.setBigUint64(88, BigInt(RAM), true);
  v.setBigUint64(96, BigInt(code.length), true);
  v.setBigUint64(104, 0x2000n, true);
  v.setBigUint64(112, 0x1000n, true);
  bytes.set(code, codeOffset);
  let nameAt = 1;
  names.forEach((name, i) => {
    if (i === 0) return;
    v.setUint32(symOffset + 24 * i, nameAt, true);
    v.setUint8(symOffset + 24 * i + 4, 0x10); // STB_GLOBAL, STT_NOTYPE
    v.setBigUint64(symOffset + 24 * i + 8, BigInt(symbols[name]!), true);
    nameAt += name.length + 1;
  });
  bytes.set(enc.encode(strtab), strOffset);
  bytes.set(enc.encode(shstrtab), shstrOffset);
  const section = (i: number, name: number, type: number, offset: number, size: number, link = 0, entsize = 0) => {
    const at = shOffset + 64 * i;
    v.setUint32(at, name, true);
    v.setUint32(at + 4, type, true);
    v.setBigUint64(at + 24, BigInt(offset), true);
    v.setBigUint64(at + 32, BigInt(size), true);
    v.setUint32(at + 40, link, true);
    v.setBigUint64(at + 56, BigInt(entsize), true);
  };
  section(1, 1, 2, symOffset, symSize, 2, 24); // .symtab
  section(2, 9, 3, strOffset, strtab.length); // .strtab
  section(3, 17, 3, shstrOffset, shstrtab.length); // .shstrtab
  return bytes;
}

/** putchar each byte of `message`, then exit with `code`. */
const printAndExit = (message: string, code: number): number[] => [
  ...loadTohost(T1),
  ...[...message].flatMap((ch) => [...packet(1, 1, ch.charCodeAt(0)), ...send()]),
  ...packet(0, 0, (code << 1) | 1),
  ...send(),
  ...halt(),
];

describe('spike integration', () => {
  describe('spike_htif (HTIF putchar and exit, machine trap mode)', () => {
    it.each(ENGINES)('should print and exit as qemu-system-riscv64 -machine spike recorded (%s)', (engine) => {
      const { result, zeroos } = run(guest('spike_htif'), { trapMode: 'machine', engine });
      expect(text(result.stdout)).toBe(expected('spike_htif', 'stdout'));
      expect(text(result.stderr)).toBe(expected('spike_htif', 'stderr'));
      expect(result.exitCode).toBe(Number(expected('spike_htif', 'exit')));
      expect(result.outcome).toMatchObject({ name: 'htif-exit', exitCode: 7 });
      expect(result.outcome!.detail).toContain('*** FAILED *** (tohost = 7)');
      const report = zeroos.stats().reports.find((r) => r.source === 'spike')!;
      const message = 'hello from htif\n';
      expect(report.data).toMatchObject({ packets: message.length + 1, putchar: message.length, getchar: 0, exitCode: 7, exitPacket: '0xf', trapMode: 'machine' });
      expect(report.lines.find(([label]) => label === 'htif packets')![1]).toContain('Spike polls tohost every 5000 instructions');
    });

    it('should find tohost and fromhost in the symbol table as Spike does', () => {
      const symbols = elfSymbols(guest('spike_htif'));
      expect(symbols.get('tohost')).toBe(0x8000_00c0n);
      expect(symbols.get('fromhost')).toBe(0x8000_00c8n);
    });

    it('should clear tohost after each packet, so the guest never spins on it', () => {
      // each putchar is 4 + sd, ld, bne (not taken); the exit ends right after its sd
      const { result } = run(spikeElf(printAndExit('ok', 0)), { trapMode: 'machine' });
      expect(text(result.stdout)).toBe('ok');
      expect(result.exitCode).toBe(0);
      expect(result.outcome).toMatchObject({ name: 'htif-exit', exitCode: 0 });
      expect(result.outcome!.detail).not.toContain('FAILED');
      expect(result.instructions).toBe(4 + 2 * (4 + 3) + 4 + 1);
    });

    it('should take a packet written as two 32-bit halves when the upper half lands', () => {
      // lower half 'A' (65: odd, so served alone it would read as exit 32), then 0x0101 << 16 above it
      const program = spikeElf([
        ...loadTohost(T1),
        addi(T0, 0, 65),
        sw(T0, T1, 0),
        addi(T0, 0, 0x101),
        slli(T0, T0, 16),
        sw(T0, T1, 4),
        ld(T2, T1, 0),
        bne(T2, 0, -4),
        ...packet(0, 0, 1),
        ...send(),
      ]);
      const { result } = run(program, { trapMode: 'machine' });
      expect(text(result.stdout)).toBe('A');
      expect(result.exitCode).toBe(0);
    });

    it('should exit with payload >> 1, the low 8 bits as the status', () => {
      const { result, zeroos } = run(spikeElf(printAndExit('', 300)), { trapMode: 'machine' });
      expect(result.exitCode).toBe(300 & 0xff);
      expect(zeroos.stats().reports[0]!.data).toMatchObject({ exitCode: 300 });
    });
  });

  describe('spike_hello (a musl program linked for Spike, host trap mode)', () => {
    it.each(ENGINES)('should print what its Linux build prints and exit 3 (%s)', (engine) => {
      const { result, zeroos } = run(guest('spike_hello'), { trapMode: 'host', engine });
      expect(text(result.stdout)).toBe(expected('spike_hello', 'stdout'));
      expect(result.exitCode).toBe(Number(expected('spike_hello', 'exit')));
      expect(result.outcome).toMatchObject({ name: 'exited', exitCode: 3 });
      const stats = zeroos.stats();
      // brk starts at ZeroOS's __heap_start, the initial stack sits at the top of RAM
      expect(stats.memory.brkStart).toBe(0x837f_f000);
      expect(stats.memory.brk).toBeGreaterThan(0x837f_f000);
      expect(stats.memory.brk).toBeLessThan(0x837f_f000 + 32 * 2 ** 20);
      expect(zeroos.kernel.bootInfo!.stackPointer).toBeLessThan(0x8800_0000);
      expect(zeroos.kernel.bootInfo!.stackPointer).toBeGreaterThan(0x8800_0000 - 4096);
      expect(stats.reports[0]!.data).toMatchObject({ layout: { fromSymbols: true, stackTop: 0x8800_0000, heapStart: 0x837f_f000 } });
    });

    it('should take the sizes it was linked with and refuse different ones', () => {
      expect(run(guest('spike_hello'), { platformOptions: { memorySize: 128 * 2 ** 20, stackSize: 8 * 2 ** 20 } }).result.exitCode).toBe(3);
      const error = runError(guest('spike_hello'), { platformOptions: { memorySize: 256 * 2 ** 20 } });
      expect(error).toBeInstanceOf(SpikeLayoutMismatch);
      expect((error as SpikeLayoutMismatch).exitCode).toBe(64);
      expect((error as Error).message).toMatch(/__stack_top = 0x88000000, but this run puts it at 0x90000000 \(--memory-size 268435456 = 256 MiB\)/);
      expect(runError(guest('spike_hello'), { platformOptions: { heapSize: 2 ** 20 } })).toBeInstanceOf(SpikeLayoutMismatch);
    });
  });

  describe('machine trap mode', () => {
    const csrrw = (rd: number, csr: number, rs1: number) => ((csr << 20) | (rs1 << 15) | (1 << 12) | (rd << 7) | 0x73) >>> 0;
    const csrr = (rd: number, csr: number) => ((csr << 20) | (2 << 12) | (rd << 7) | 0x73) >>> 0;
    const [MTVEC, MEPC, MCAUSE] = [0x305, 0x341, 0x342];

    it.each(ENGINES)("should take ecall to the guest's mtvec with the privileged spec's mepc and mcause (%s)", (engine) => {
      // mtvec = handler; ecall at RAM + 12; the handler exits with mcause << 4 | (mepc - RAM)
      const program = spikeElf([
        0x00000297, // auipc t0, 0
        addi(T0, T0, 20),
        csrrw(0, MTVEC, T0),
        0x00000073, // ecall
        ...halt(),
        csrr(A0, MCAUSE),
        csrr(A1, MEPC),
        addi(T2, 0, 1),
        slli(T2, T2, 31),
        sub(A1, A1, T2),
        slli(A0, A0, 4),
        or(A0, A0, A1),
        ...loadTohost(T1),
        slli(T0, A0, 1),
        addi(T0, T0, 1),
        ...send(),
      ]);
      const { result } = run(program, { trapMode: 'machine', engine });
      expect(result.exitCode).toBe((11 << 4) | 12);
      expect(result.syscalls).toBe(0);
    });
  });

  describe('--memory-size, --stack-size, --heap-size', () => {
    it('should lay out RAM, stack and heap from the options for a program without layout symbols', () => {
      // exit_group(5) through ecall: host trap mode, ZeroOS serves it
      const program = spikeElf([addi(A0, 0, 5), addi(17, 0, 94), 0x73, ...halt()]);
      const { result, zeroos } = run(program, { platformOptions: { memorySize: 64 * 2 ** 20, stackSize: 2 ** 20, heapSize: 4 * 2 ** 20 } });
      expect(result.exitCode).toBe(5);
      const layout = zeroos.kernel.platform.layout;
      const region = (name: string) => layout.regions.find((r) => r.name === name)!;
      expect([region('stack').start, region('stack').end]).toEqual([0x8400_0000 - 2 ** 20, 0x8400_0000]);
      expect(region('guard').start).toBe(0x8400_0000 - 2 ** 20 - 4096);
      expect([region('heap').start, region('mmap').end]).toEqual([0x8400_0000 - 2 ** 20 - 4096 - 4 * 2 ** 20, 0x8400_0000 - 2 ** 20 - 4096]);
      expect(region('mmap').start - region('heap').start).toBe(2 * 2 ** 20);
      expect(zeroos.kernel.bootInfo!.stackPointer).toBeGreaterThan(0x8400_0000 - 4096);
    });

    it('should refuse sizes that leave no room for the image, or RAM that is no whole number of pages', () => {
      expect(() => createKernel({ platform: 'spike', platformOptions: { memorySize: 8 * 2 ** 20 } })).toThrow(IntegrationOptionError);
      expect(() => createKernel({ platform: 'spike', platformOptions: { memorySize: 128 * 2 ** 20 + 16 } })).toThrow(/not a multiple of 4 KiB/);
    });

    it('should map all of RAM in machine mode, as Spike has it', () => {
      // store then load at the last word of a 64 MiB RAM, then exit with what was read
      const top = [addi(T0, 0, 1), slli(T0, T0, 31), addi(T2, 0, 1), slli(T2, T2, 26), or(T0, T0, T2), addi(T0, T0, -8)];
      const program = spikeElf([...top, addi(A0, 0, 21), sd(A0, T0, 0), ld(A0, T0, 0), ...loadTohost(T1), slli(T0, A0, 1), addi(T0, T0, 1), ...send(), ...halt()]);
      expect(run(program, { trapMode: 'machine', platformOptions: { memorySize: 64 * 2 ** 20, stackSize: 2 ** 20, heapSize: 2 ** 20 } }).result.exitCode).toBe(21);
      // the same store past a 32 MiB RAM faults
      expect(runError(program, { trapMode: 'machine', platformOptions: { memorySize: 32 * 2 ** 20, stackSize: 2 ** 20, heapSize: 2 ** 20 } })).toMatchObject({ exitCode: 139 });
    });
    it('should hold a RAM larger than the default memory budget (Spike itself defaults to 2 GiB)', () => {
      const { result, zeroos } = run(spikeElf(printAndExit('big', 4)), { trapMode: 'machine', platformOptions: { memorySize: 3 * 2 ** 30 } });
      expect(text(result.stdout)).toBe('big');
      expect(result.exitCode).toBe(4);
      expect(zeroos.stats().settings.memoryLimit).toBe(3 * 2 ** 30 + 32 * 2 ** 20);
    });

    it('should serve HTIF in host trap mode too (a user program may store to tohost)', () => {
      const { result } = run(spikeElf(printAndExit('user', 6)), { trapMode: 'host' });
      expect(text(result.stdout)).toBe('user');
      expect(result.outcome).toMatchObject({ name: 'htif-exit', exitCode: 6 });
    });
  });

  describe('refusals', () => {
    it('should refuse a Linux executable linked at 0x10000, naming where Spike has RAM', () => {
      const linux = readFileSync(join(root, 'guests', 'bin', 'hello'));
      for (const trapMode of ['host', 'machine'] as const) {
        const error = runError(linux, { trapMode });
        expect(error).toBeInstanceOf(NotLinkedForSpike);
        expect((error as NotLinkedForSpike).exitCode).toBe(65);
        expect((error as Error).message).toMatch(/segment \d+ at \[0x10000, .*linked for Linux or another machine.*zeroos linker-script --platform spike/);
      }
    });

    it("should refuse a program without tohost/fromhost in machine mode, with Spike's warning", () => {
      const error = runError(spikeElf(printAndExit('x', 0), { start: RAM }), { trapMode: 'machine' });
      expect(error).toBeInstanceOf(HtifSymbolsMissing);
      expect((error as HtifSymbolsMissing).exitCode).toBe(65);
      expect((error as Error).message).toContain("warning: tohost and fromhost symbols not in ELF; can't communicate with target (missing: tohost, fromhost)");
      expect(runError(spikeElf(printAndExit('x', 0), { tohost: TOHOST }), { trapMode: 'machine' })).toMatchObject({ missing: ['fromhost'] });
    });

    it('should refuse tohost outside RAM (Spike stops at its first poll)', () => {
      const error = runError(spikeElf(printAndExit('x', 0), { tohost: 0x1000, fromhost: FROMHOST }), { trapMode: 'machine' });
      expect(error).toBeInstanceOf(HtifOutsideRam);
      expect((error as Error).message).toMatch(/^tohost is at 0x1000, outside Spike's RAM \[0x80000000, 0x88000000\)/);
    });

    it('should run a program without tohost/fromhost in host mode, with the warning in its report', () => {
      const { result, zeroos } = run(spikeElf([addi(A0, 0, 9), addi(17, 0, 94), 0x73], {}), { trapMode: 'host' });
      expect(result.exitCode).toBe(9);
      const report = zeroos.stats().reports[0]!;
      expect(report.lines.find(([label]) => label === 'htif')![1]).toContain("can't communicate with target");
      expect(report.data).toMatchObject({ warning: expect.stringContaining('tohost and fromhost symbols not in ELF') });
    });

    it('should refuse the HTIF syscall proxy (device 0, payload bit 0 clear), naming the syscall', () => {
      // magic_mem at RAM + 0x1100 holds syscall 64 (write)
      const program = spikeElf([...loadTohost(T1), ...loadTohost(A0, 0x100), addi(T0, 0, 64), sd(T0, A0, 0), or(T0, A0, 0), ...send(), ...halt()]);
      const error = runError(program, { trapMode: 'machine' });
      expect(error).toBeInstanceOf(HtifSyscallProxyRefused);
      expect((error as HtifSyscallProxyRefused).exitCode).toBe(78);
      expect((error as Error).message).toMatch(/syscall #64 from magic_mem at 0x80001100/);
    });

    it('should refuse packets ZeroOS never sends', () => {
      const program = spikeElf([...loadTohost(T1), ...packet(2, 0, 1), ...send(), ...halt()]);
      const error = runError(program, { trapMode: 'machine' });
      expect(error).toBeInstanceOf(HtifUnknownCommand);
      expect((error as Error).message).toMatch(/device 2, command 0/);
    });

    it('should report a jump to itself before any HTIF exit as SpikeGuestHang', () => {
      const error = runError(spikeElf([...loadTohost(T1), ...packet(1, 1, 65), ...send(), ...halt()]), { trapMode: 'machine' });
      expect(error).toBeInstanceOf(SpikeGuestHang);
      expect((error as SpikeGuestHang).exitCode).toBe(74);
      expect((error as Error).message).toMatch(/until --instructions runs out and spike then exits 0 silently/);
    });
  });

  describe('checkImage (zeroos check)', () => {
    const checked = (bytes: Uint8Array, segments: { index: number; start: number; end: number; perms: number }[]) => ({
      path: 'prog',
      bytes,
      entry: RAM,
      fixedAddress: true,
      segments,
      undecodable: [],
    });

    it('should accept spike_hello and refuse a Linux image with the relink recipe', () => {
      const setup = spikeIntegration.setup({ options: {}, trapMode: 'host', purpose: 'describe' });
      expect(setup.checkImage!(checked(guest('spike_hello'), [{ index: 0, start: RAM, end: 0x8000_6bd0, perms: 7 }]))).toMatchObject({ fits: true, problems: [] });
      const linux = setup.checkImage!(checked(readFileSync(join(root, 'guests', 'bin', 'hello')), [{ index: 1, start: 0x10000, end: 0x11222, perms: 5 }]));
      expect(linux.fits).toBe(false);
      expect(linux.offers).toEqual([{ name: 'image', start: RAM, end: 0x837f_f000 }]);
      expect(linux.problems[0]).toMatch(/segment 1 at \[0x10000, 0x11222\)/);
      expect(linux.relink).toContain('zeroos linker-script --platform spike > spike.ld');
    });

    it('should refuse, in machine mode, an image without tohost/fromhost', () => {
      const setup = spikeIntegration.setup({ options: {}, trapMode: 'machine', purpose: 'describe' });
      const fit = setup.checkImage!(checked(spikeElf(halt(), {}), [{ index: 0, start: RAM, end: RAM + 0x2000, perms: 7 }]));
      expect(fit.fits).toBe(false);
      expect(fit.problems[0]).toContain("can't communicate with target");
    });
  });

  describe('getchar (device 1, command 0)', () => {
    // getchar, wait for fromhost, clear it, putchar the answer's low byte, exit with answer >> 48
    const echo = spikeElf([
      ...loadTohost(T1),
      ...loadTohost(A0, 0x40),
      ...packet(1, 0, 0),
      ...send(),
      ld(T2, A0, 0),
      beq(T2, 0, -4),
      sd(0, A0, 0),
      or(S1, T2, 0),
      andi(A1, S1, 0xff),
      ...packet(1, 1, 0),
      or(T0, T0, A1),
      ...send(),
      srli(T0, S1, 48),
      slli(T0, T0, 1),
      addi(T0, T0, 1),
      ...send(),
      ...halt(),
    ]);

    it('should answer 0x100 | ch in fromhost with the request device and command, as fesvr does', () => {
      const { result, zeroos } = run(echo, { trapMode: 'machine', console: { stdin: 'Z' } });
      expect(text(result.stdout)).toBe('Z');
      expect(result.exitCode).toBe(0);
      // answer >> 48 = device 1, command 0
      expect(zeroos.stats().reports[0]!.data).toMatchObject({ getchar: 1, putchar: 1, exitCode: 0x100 });
      // fromhost was cleared by the guest after it took the answer
      expect(zeroos.kernel.arch.memory.readU64(FROMHOST)).toBe(0n);
    });

    it('should stop with HtifNoInput when stdin is empty (Spike would wait for ever)', () => {
      expect(runError(echo, { trapMode: 'machine', console: { stdin: '' } })).toBeInstanceOf(HtifNoInput);
    });
  });

  describe('the CLI', () => {
    it('should run spike_htif with --platform spike --trap machine, and report HTIF in --stats', () => {
      const out = cli(['run', '--platform', 'spike', '--trap', 'machine', '--stats', 'guests/bin/spike/spike_htif']);
      expect(out.stdout).toBe(expected('spike_htif', 'stdout'));
      expect(out.status).toBe(7);
      expect(out.stderr).toMatch(/^outcome +htif-exit \(exit 7\): the guest stored tohost = 0xf/m);
      expect(out.stderr).toMatch(/^htif packets +17: putchar 16, getchar 0, exit 1/m);
      expect(out.stderr).toMatch(/^htif +tohost 0x800000c0, fromhost 0x800000c8/m);
    });

    it('should run spike_hello in host trap mode and take the size options', () => {
      const out = cli(['run', '--platform', 'spike', 'guests/bin/spike/spike_hello']);
      expect(out.stdout).toBe(expected('spike_hello', 'stdout'));
      expect(out.status).toBe(3);
      const bad = cli(['run', '--platform', 'spike', '--stack-size', '1M', 'guests/bin/spike/spike_hello']);
      expect(bad.status).toBe(64);
      expect(bad.stderr).toMatch(/SpikeLayoutMismatch: .*__stack_bottom/);
    });

    it('should take --memory-size, --stack-size and --heap-size for a program without layout symbols', () => {
      const dir = mkdtempSync(join(tmpdir(), 'spike-'));
      try {
        const path = join(dir, 'prog');
        writeFileSync(path, spikeElf(printAndExit('sized\n', 2)));
        const out = cli(['run', '--platform', 'spike', '--trap', 'machine', '--memory-size', '64M', '--stack-size', '1M', '--heap-size', '2M', '--stats', path]);
        expect(out.stdout).toBe('sized\n');
        expect(out.status).toBe(2);
        expect(out.stderr).toMatch(/^spike layout +RAM 0x80000000\+64 MiB, stack \[0x83f00000, 0x84000000\), heap \[0x83cff000, 0x83eff000\)$/m);
        const tooSmall = cli(['run', '--platform', 'spike', '--memory-size', '4M', path]);
        expect(tooSmall.status).toBe(64);
        expect(tooSmall.stderr).toContain('leave no room for the image');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('should refuse a Linux executable with exit 65', () => {
      const out = cli(['run', '--platform', 'spike', 'guests/bin/hello']);
      expect(out.status).toBe(65);
      expect(out.stderr).toMatch(/NotLinkedForSpike: segment \d+ at \[0x10000/);
    });
  });

  const qemu = ['/usr/bin/qemu-system-riscv64', '/usr/local/bin/qemu-system-riscv64'].find((path) => existsSync(path));
  it.skipIf(qemu === undefined)('should print and exit exactly as qemu-system-riscv64 -machine spike does (live)', () => {
    const elf = join(root, 'guests', 'bin', 'spike', 'spike_htif');
    const reference = spawnSync(qemu!, ['-machine', 'spike', '-nographic', '-bios', 'none', '-kernel', elf], { encoding: 'utf8', timeout: 60_000, input: '' });
    const ours = cli(['run', '--platform', 'spike', '--trap', 'machine', 'guests/bin/spike/spike_htif']);
    expect(ours.stdout).toBe(reference.stdout);
    expect(ours.status).toBe(reference.status);
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';
import { builtinIntegrations } from '../../src/integrations/index.js';
import { CHECK_SCHEMA, checkProgram, classifyHalf, classifyWord, type CheckReport } from '../../src/check/index.js';

const root = join(import.meta.dirname, '..', '..');
const registry = builtinIntegrations();

function check(path: string, platform = 'linux', extra: { trapMode?: 'host' | 'machine'; run?: { args: string[] } } = {}): CheckReport {
  return checkProgram({ path, bytes: readFileSync(join(root, path)), integration: registry.get(platform), ...extra });
}

function zeroos(args: string[]) {
  const run = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const extension = (report: CheckReport, name: string) => report.isa.extensions.find((e) => e.name === name);
const call = (report: CheckReport, nr: number) => report.syscalls.static.calls.find((c) => c.nr === nr);

describe('checkProgram', () => {
  describe('when hello (static musl, rv64imac) is checked on linux', () => {
    const report = check('guests/bin/hello');
    it('should say it runs, with no reasons', () => {
      expect(report.reasons).toEqual([]);
      expect(report.runs).toBe(true);
      expect(report.exitCode).toBe(0);
      expect(report.schema).toBe(CHECK_SCHEMA);
    });
    it('should find only I, M, A and C, all executed', () => {
      expect(report.isa.extensions.map((e) => [e.name, e.status])).toEqual([
        ['I', 'ok'],
        ['M', 'ok'],
        ['A', 'ok'],
        ['C', 'ok'],
      ]);
      expect(report.code.source).toBe('sections');
      expect(report.code.undecodable.count).toBe(0);
      expect(report.isa.csrs).toEqual([]);
    });
    it('should find every ecall number statically, marked from the table', () => {
      expect(report.syscalls.static.unknown).toEqual([]);
      expect(call(report, 66)).toMatchObject({ name: 'writev', support: 'served' });
      expect(call(report, 94)).toMatchObject({ name: 'exit_group', support: 'served' });
      expect(call(report, 29)).toMatchObject({ name: 'ioctl', support: 'partial' });
      // _Exit: exit_group, then exit in a loop that jumps back to the same ecall.
      expect(call(report, 93)?.sites).toEqual(call(report, 94)?.sites);
    });
    it('should find the image inside the Linux image region', () => {
      expect(report.layout.fits).toBe(true);
      expect(report.layout.offers).toEqual([{ name: 'image', start: '0x10000', end: '0x40000000' }]);
    });
  });

  describe('when an lp64d program that multiplies doubles is checked', () => {
    const report = check('test/check/fixtures/fpmul');
    // The Linux hart is RV64GC: the lp64d ABI and the D instructions are accepted.
    it('should accept its ABI and its F/D instructions on linux', () => {
      expect(report.exitCode).toBe(0);
      expect(report.program.floatAbi).toBe('double');
      expect(report.reasons).toEqual([]);
    });
    it('should count D and mark it, like the rest, as executed', () => {
      expect(extension(report, 'D')).toMatchObject({ status: 'ok', count: 4, first: '0x100b0', mnemonics: { 'c.fld': 2, 'fmul.d': 1, fsd: 1 } });
      expect(extension(report, 'I')?.status).toBe('ok');
    });
  });

  describe('when an lp64d program is checked on jolt', () => {
    const report = check('guests/bin/conf_fd_mem', 'jolt');
    it("should say that Jolt's loader refuses it, and why", () => {
      expect(report.exitCode).toBe(1);
      expect(report.program.floatAbi).toBe('double');
      expect(report.reasons[0]).toEqual({
        kind: 'abi',
        message: "built for the lp64d hard-float ABI (e_flags 0x5), which needs F and D: jolt's hart is rv64imac, so its loader refuses it; build with -march=rv64imac -mabi=lp64 (or run it on a platform whose hart has them)",
      });
      expect(report.reasons).toContainEqual({
        kind: 'load',
        message: "jolt's loader refuses it: JoltFloatRejected: Jolt rejects this program: it is built for the lp64d (double-float) hard-float ABI (e_flags 0x5), and Jolt proves RV64IMAC programs only (no F/D registers or instructions); build with -march=rv64imac -mabi=lp64",
      });
      expect(extension(report, 'D')).toMatchObject({ status: 'not-executed' });
      expect(extension(report, 'F')).toMatchObject({ status: 'not-executed' });
    });
  });

  describe('when an lp64d program is checked on linux', () => {
    const report = check('guests/bin/conf_fd_mem');
    it('should accept its ABI, its F/D instructions and its fcsr accesses (the hart is RV64GC), and report its F/D use', () => {
      expect(report.isa.hart).toEqual(expect.arrayContaining(['f', 'd']));
      expect(report.reasons).toEqual([]);
      expect(report.exitCode).toBe(0);
      expect(extension(report, 'D')!.count).toBeGreaterThan(40);
      expect(extension(report, 'F')!.count).toBeGreaterThan(10);
    });
  });

  describe('when the ISA mix is checked on linux', () => {
    const report = check('test/check/fixtures/isamix');
    it('should name V, B, the custom opcode and sret as not executed', () => {
      expect(extension(report, 'V')).toMatchObject({ status: 'not-executed', mnemonics: { vsetvli: 1, 'vector opivv': 1 } });
      expect(extension(report, 'Zba')).toMatchObject({ status: 'not-executed', mnemonics: { sh1add: 1 } });
      expect(extension(report, 'Zbb')).toMatchObject({ status: 'not-executed', mnemonics: { andn: 1 } });
      expect(extension(report, 'Zbs')).toMatchObject({ status: 'not-executed', mnemonics: { bseti: 1 } });
      expect(extension(report, 'custom')).toMatchObject({ status: 'not-executed', first: '0x100c4' });
      expect(extension(report, 'privileged')?.problems).toEqual([
        expect.objectContaining({ mnemonic: 'sret', count: 1, first: '0x100c8' }),
      ]);
      expect(report.exitCode).toBe(1);
    });
    it('should judge each CSR as the hart would in U-mode', () => {
      const csr = (number: string) => report.isa.csrs.find((c) => c.number === number);
      // The Linux hart has F: fcsr exists (Jolt, without F, restricts it).
      expect(csr('0x3')).toMatchObject({ name: 'fcsr', status: 'ok', reads: 1, writes: 0 });
      expect(check('test/check/fixtures/isamix', 'jolt').isa.csrs.find((c) => c.number === '0x3')).toMatchObject({ name: 'fcsr', status: 'restricted' });
      expect(csr('0x300')).toMatchObject({ name: 'mstatus', status: 'privilege' });
      expect(csr('0x300')?.reason).toMatch(/U-mode/);
      expect(csr('0xc00')).toMatchObject({ name: 'cycle', status: 'ok' });
    });
    it('should recover a7 through li, lui+addi, a move and both paths of a branch, and not from a caller', () => {
      const sites = Object.fromEntries(report.syscalls.static.calls.map((c) => [c.nr, c.sites]));
      expect(sites).toEqual({ 64: ['0x100e0'], 93: ['0x100f8'], 172: ['0x1010c'], 174: ['0x1010c'], 2048: ['0x100ec'] });
      expect(call(report, 2048)).toMatchObject({ support: 'missing', note: 'not a Linux riscv64 syscall number' });
      expect(report.syscalls.static.unknown).toEqual([{ address: '0x1011c', why: expect.stringMatching(/caller of the function at 0x10118/) }]);
    });
  });

  describe('when a Linux program is checked on Jolt', () => {
    const report = check('guests/bin/hello', 'jolt');
    it('should refuse it for its layout and say how to relink', () => {
      expect(report.exitCode).toBe(1);
      const layout = report.reasons.filter((r) => r.kind === 'layout').map((r) => r.message);
      // Each load segment of the Linux image lies below RAM_START, where Jolt loads nothing.
      expect(layout.length).toBeGreaterThan(0);
      expect(layout[0]).toMatch(/0x10000.*below Jolt's RAM_START 0x80000000.*linked for another layout/);
      for (const message of layout) expect(message).toMatch(/linked for another layout/);
      expect(report.layout.fits).toBe(false);
      expect(report.layout.relink).toMatch(/zeroos linker-script --platform jolt > jolt\.ld/);
      expect(report.layout.relink).toMatch(/-mcmodel=medany/);
    });
  });

  describe('when the Jolt guests are checked on Jolt', () => {
    it('should pass a musl program linked by the Jolt script', () => {
      const report = check('guests/bin/jolt/jolt_hello', 'jolt');
      expect(report.reasons).toEqual([]);
      expect(report.layout.fits).toBe(true);
      expect(report.layout.offers[0]).toMatchObject({ start: '0x80000000' });
    });
    it('should pass the machine-mode guest with its own trap handler, CSRs and Jolt instructions', () => {
      const report = check('guests/bin/jolt/jolt_trap', 'jolt', { trapMode: 'machine' });
      expect(report.reasons).toEqual([]);
      expect(report.syscalls.servedBy).toBe('guest');
      expect(report.isa.csrs.map((c) => [c.name, c.status])).toEqual([
        ['mtvec', 'ok'],
        ['mepc', 'ok'],
        ['mcause', 'ok'],
      ]);
    });
    it('should name the instructions and CSRs Jolt rejects', () => {
      const wfi = check('guests/bin/jolt/jolt_bad_wfi', 'jolt');
      expect(wfi.exitCode).toBe(1);
      expect(wfi.reasons[0]).toMatchObject({ kind: 'isa', message: expect.stringMatching(/^privileged: 1 instruction \(wfi ×1\).*Jolt rejects it/) });
      const csrrc = check('guests/bin/jolt/jolt_bad_csrrc', 'jolt');
      expect(csrrc.reasons.some((r) => r.kind === 'isa' && /csrrc/.test(r.message))).toBe(true);
      const csr = check('guests/bin/jolt/jolt_bad_csr', 'jolt', { trapMode: 'machine' });
      expect(csr.reasons.some((r) => r.kind === 'csr' && /Jolt supports only mstatus, mtvec, mscratch, mepc, mcause, mtval/.test(r.message))).toBe(true);
    });
  });

  describe.runIf(existsSync(join(root, 'guests/bin/spike/spike_hello')))('when the Spike guests are checked', () => {
    it('should pass the musl program linked for Spike and refuse the Linux one', () => {
      expect(check('guests/bin/spike/spike_hello', 'spike').reasons).toEqual([]);
      const linux = check('guests/bin/hello', 'spike');
      expect(linux.exitCode).toBe(1);
      expect(linux.reasons.map((r) => r.kind)).toContain('load');
    });
  });

  describe('with a run', () => {
    it('should list the syscalls hello made, marked', () => {
      const report = check('guests/bin/hello', 'linux', { run: { args: [] } });
      expect(report.syscalls.run).toMatchObject({ exitCode: 0, stdoutBytes: readFileSync(join(root, 'guests/expected/hello.stdout')).length, stderrBytes: 0 });
      expect(report.syscalls.run?.calls.map((c) => [c.name, c.support, c.count])).toEqual([
        ['ioctl', 'partial', 1],
        ['writev', 'served', 1],
        ['exit_group', 'served', 1],
        ['set_tid_address', 'served', 1],
      ]);
      expect(report.exitCode).toBe(0);
    });
    it('should refuse a program whose run makes a syscall ZeroOS does not serve', () => {
      const report = check('guests/bin/nosys', 'linux', { run: { args: [] } });
      expect(report.exitCode).toBe(1);
      expect(report.reasons).toEqual([expect.objectContaining({ kind: 'run', message: expect.stringMatching(/io_uring_setup \(425\) ×1, which ZeroOS does not serve/) })]);
    });
  });
});

describe('classifyWord and classifyHalf', () => {
  it('should know encodings the hart does not execute', () => {
    expect(classifyWord(0x12f57553)).toEqual({ extension: 'D', mnemonic: 'fmul.d' });
    expect(classifyWord(0x00052087)).toEqual({ extension: 'F', mnemonic: 'flw' });
    expect(classifyWord(0x20c5a533)).toEqual({ extension: 'Zba', mnemonic: 'sh1add' });
    expect(classifyWord(0x6b855513)).toEqual({ extension: 'Zbb', mnemonic: 'rev8' });
    expect(classifyWord(0x0000005b)).toEqual({ extension: 'custom', mnemonic: 'custom-2 funct3=0' });
    expect(classifyWord(0x10200073)).toEqual({ extension: 'privileged', mnemonic: 'sret' });
    expect(classifyWord(0xffffffff)).toBeUndefined();
  });
  it('should read compressed FP as D and the zero halfword as padding', () => {
    expect(classifyHalf(0x2108)).toEqual({ extension: 'D', mnemonic: 'c.fld' });
    expect(classifyHalf(0x0000)).toBe('padding');
    expect(classifyHalf(0x4505)).toEqual({ extension: 'C', mnemonic: 'c.li' });
    expect(classifyHalf(0x8000)).toBeUndefined(); // reserved (Zcb)
  });
});

describe('zeroos check', () => {
  it('should exit 0 for hello on linux and print the verdict', () => {
    const run = zeroos(['check', 'guests/bin/hello']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^verdict\s+should run on linux/m);
    expect(run.stdout).toMatch(/^\s+66\s+writev\s+served\s+1 site/m);
  });
  it('should exit 0 for the F/D program on linux (an RV64GC hart), in JSON too', () => {
    const text = zeroos(['check', 'test/check/fixtures/fpmul']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^verdict\s+should run on linux$/m);
    expect(text.stdout).toMatch(/^\s+D: c\.fld ×2, fmul\.d ×1, fsd ×1$/m);
    const json = zeroos(['check', '--json', 'test/check/fixtures/fpmul']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as CheckReport;
    expect(report).toMatchObject({ schema: 'zeroos-check/1', runs: true, exitCode: 0, platform: { name: 'linux', trapMode: 'host' } });
  });
  it('should flag a Linux binary checked against Jolt with how to relink', () => {
    const run = zeroos(['check', 'guests/bin/hello', '--platform', 'jolt']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/zeroos linker-script --platform jolt > jolt\.ld/);
  });
  it('should list the syscalls of a run with --run', () => {
    const run = zeroos(['check', 'guests/bin/hello', '--run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^run\s+no args: exited with 0 after \d+ instructions/m);
  });
  it('should exit 64 on usage errors and 65 on a file that is no RISC-V ELF', () => {
    expect(zeroos(['check', 'guests/bin/hello', '--platform', 'nosuch']).code).toBe(EXIT_CODES.usage);
    expect(zeroos(['check', 'guests/bin/hello', '--max-instructions', '5']).code).toBe(EXIT_CODES.usage);
    expect(zeroos(['check', 'no/such/file']).code).toBe(EXIT_CODES.usage);
    expect(zeroos(['check']).code).toBe(EXIT_CODES.usage);
    const notElf = zeroos(['check', 'test/check/fixtures/fpmul.c']);
    expect(notElf.code).toBe(EXIT_CODES.badElf);
    expect(notElf.stderr).toMatch(/^zeroos: NotElf: /);
  });
});

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';

const root = join(import.meta.dirname, '..', '..');

function zeroos(args: string[]) {
  const run = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('zeroos layout', () => {
  it('should print Jolt\'s default layout with program size 0 and say so', () => {
    const run = zeroos(['layout', '--platform', 'jolt']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^program size\s+0 \(no ELF given/m);
    expect(run.stdout).toMatch(/^trusted advice\s+0x7FFF8000\s+0x7FFF9000/m);
    expect(run.stdout).toMatch(/^untrusted advice\s+0x7FFF9000\s+0x7FFFA000/m);
    expect(run.stdout).toMatch(/^input\s+0x7FFFA000\s+0x7FFFB000/m);
    expect(run.stdout).toMatch(/^output\s+0x7FFFB000\s+0x7FFFC000/m);
    expect(run.stdout).toMatch(/^panic\s+0x7FFFC000/m);
    expect(run.stdout).toMatch(/^termination\s+0x7FFFC008/m);
    expect(run.stdout).toMatch(/^io_end\s+0x7FFFC010/m);
    expect(run.stdout).toMatch(/^max trace length\s+16777216$/m);
  });
  it('should follow the memory options', () => {
    const run = zeroos(['layout', '--platform', 'jolt', '--stack-size', '64K', '--heap-size', '0x1000', '--max-input-size', '0x8000']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^stack\s+0x80000080\s+0x80010080\s+64 KiB$/m);
    expect(run.stdout).toMatch(/^heap\s+0x80010080\s+0x80011080\s+4 KiB$/m);
    expect(run.stdout).toMatch(/^trusted advice\s+0x7FFF0000/m);
  });
  it('should keep printing the Linux layout', () => {
    const run = zeroos(['layout']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^stack\s+stack\s+0x3fff7ff000\s+0x3ffffff000/m);
  });
  it('should print ZeroOS\'s Spike layout', () => {
    const run = zeroos(['layout', '--platform', 'spike']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^heap\s+heap\s+0x837ff000\s+0x877ff000/m);
    expect(run.stdout).toMatch(/^stack\s+stack\s+0x87800000\s+0x88000000/m);
  });
  it('should reject bad option values as usage errors', () => {
    for (const args of [
      ['--stack-size', 'lots'],
      ['--max-trusted-advice-size', '3000'],
      ['--memory-size', '1M'],
      ['--heap-size', '0'],
    ]) {
      const run = zeroos(['layout', '--platform', 'jolt', ...args]);
      expect(run.code, args.join(' ')).toBe(EXIT_CODES.usage);
    }
    expect(zeroos(['layout', '--platform', 'spike', '--max-input-size', '8']).code).toBe(EXIT_CODES.usage);
    expect(zeroos(['layout', '--platform', 'sp1']).code).toBe(EXIT_CODES.usage);
  });
  it('should refuse a file that is no RISC-V ELF with the ELF error code', () => {
    expect(zeroos(['layout', '--platform', 'jolt', 'package.json']).code).toBe(EXIT_CODES.badElf);
  });
});

describe('zeroos linker-script', () => {
  it('should print a Jolt script carrying the layout and the sizes', () => {
    const run = zeroos(['linker-script', '--platform', 'jolt', '--stack-size', '8K']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ENTRY(_start)');
    expect(run.stdout).toContain('__termination = 0x7fffc008;');
    expect(run.stdout).toContain('__stack_size = ABSOLUTE(0x2000);');
  });
  it('should print a Spike script with tohost and fromhost', () => {
    const run = zeroos(['linker-script', '--platform', 'spike']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('tohost = .;');
    expect(run.stdout).toContain('__stack_top = 0x88000000;');
  });
  it('should refuse the Linux platform as a usage error', () => {
    expect(zeroos(['linker-script', '--platform', 'linux']).code).toBe(EXIT_CODES.usage);
  });
});

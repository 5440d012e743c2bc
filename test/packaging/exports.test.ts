import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as arch from '../../src/arch/index.js';
import * as root from '../../src/index.js';
import * as kernel from '../../src/kernel/index.js';
import * as platform from '../../src/platform/index.js';
import * as subsystems from '../../src/subsystems/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, { types: string; default: string } | string>;
  files: string[];
  license: string;
};

describe('the package root', () => {
  it('should export what the README documents', () => {
    for (const name of [
      'createKernel',
      'ZeroOS',
      'EXIT_CODES',
      'ZeroOSError',
      'signalExitCode',
      // the tokens users rebind
      'SCHEDULER',
      'ALLOCATOR',
      'DEVICE',
      'PLATFORM',
      'SYSCALL_PROVIDER',
      'SYSCALL_TABLE',
      'TRAP_HANDLER',
      'ARCH',
      'SCHEDULER_OPTIONS',
      // named outcomes
      'GuestFault',
      'UnknownSyscall',
      'InstructionBudgetExhausted',
      'Deadlock',
      'GuestHang',
      'KernelPanic',
      'UnsupportedFeature',
      'OutOfMemory',
      'ElfError',
      'LayoutError',
      'HostFileError',
      'MountError',
      'ConfigurationError',
      'Interrupted',
      // writing an integration, also by path (the adapter gets this API)
      'integrationModule',
      'loadIntegration',
      'MemoryLayout',
      'loadElf',
      'buildInitialStack',
      'LinuxPlatform',
      // writing a syscall provider
      'defineSyscall',
      'NO_RETURN',
      'Errno',
    ]) {
      expect(root, name).toHaveProperty(name);
    }
  });
  it('should leave the internals to the subpath entries', () => {
    const internals: [string, object][] = [
      ['RiscvHart', arch],
      ['PagedMemory', arch],
      ['DataSyscallTable', kernel],
      ['SyscallTrapHandler', kernel],
      ['coreModule', kernel],
      ['parseElf', platform],
      ['BuddyAllocator', subsystems],
      ['CooperativeScheduler', subsystems],
      ['MemoryFileSystem', subsystems],
      ['Vfs', subsystems],
    ];
    for (const [name, entry] of internals) {
      expect(root, name).not.toHaveProperty(name);
      expect(entry, name).toHaveProperty(name);
    }
  });
  it('should stay a curated list', () => {
    // Running, outcomes, services, and the building blocks an integration written by path uses.
    expect(Object.keys(root).length).toBeLessThan(100);
  });
});

describe('package.json', () => {
  it('should map each documented subpath to an entry built from src', () => {
    expect(Object.keys(manifest.exports).sort()).toEqual(['.', './arch', './check', './integrations', './kernel', './package.json', './platform', './subsystems', './trace']);
    for (const [subpath, entry] of Object.entries(manifest.exports)) {
      if (typeof entry === 'string') continue;
      const source = entry.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
      expect(existsSync(join(ROOT, source)), `${subpath} -> ${source}`).toBe(true);
      expect(entry.types).toBe(entry.default.replace(/\.js$/, '.d.ts'));
    }
  });
  it('should publish the license and no benchmarks', () => {
    expect(manifest.license).toBe('MIT');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 The ZeroOS TypeScript authors\n/);
    expect(manifest.files).toContain('LICENSE');
    expect(manifest.files).toContain('!dist/bench');
  });
  it('should build without source maps that would point to unpublished sources', () => {
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    expect(build.compilerOptions['sourceMap']).toBe(false);
    expect(build.compilerOptions['declarationMap'] ?? false).toBe(false);
  });
});

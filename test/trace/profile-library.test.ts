import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ARCH, createKernel } from '../../src/index.js';
import { CallStackTracker, FunctionTable } from '../../src/trace/index.js';

const ROOT = join(import.meta.dirname, '..', '..');

it("should run docs/profiling.md's library example: the tracker on a kernel's hart names cpubench's hot function", () => {
  const elf = readFileSync(join(ROOT, 'guests/bin/symbols/cpubench'));
  const zeroos = createKernel({});
  const hart = zeroos.container.get(ARCH).hart;
  const tracker = new CallStackTracker({ functions: FunctionTable.fromElf(elf), isa: hart.isa });
  hart.addObserver(tracker);
  zeroos.events.threadSwitch$.subscribe((e) => tracker.switchThread(e.to));
  zeroos.load({ executable: elf, argv: ['prog', '1'] }).run();
  const profile = tracker.profile();
  const [top] = profile.topFunctions();
  expect(top!.name).toBe('sha256_block');
  expect(top!.selfInstructions).toBe(top!.totalInstructions);
  expect(profile.totals().instructions).toBe(zeroos.stats().instructions);
});

it('should bound what a guest can make the profiler hold: call paths past maxNodes are not followed, and every instruction is still counted', () => {
  const run = (elfPath: string, maxNodes: number) => {
    const elf = readFileSync(join(ROOT, elfPath));
    const zeroos = createKernel({});
    const hart = zeroos.container.get(ARCH).hart;
    const tracker = new CallStackTracker({ functions: FunctionTable.fromElf(elf), isa: hart.isa, maxNodes });
    hart.addObserver(tracker);
    zeroos.events.threadSwitch$.subscribe((e) => tracker.switchThread(e.to));
    zeroos.load({ executable: elf, argv: ['prog', '1'] }).run();
    return { profile: tracker.profile(), instructions: zeroos.stats().instructions };
  };
  const full = run('guests/bin/symbols/cpubench', 1_000_000);
  const capped = run('guests/bin/symbols/cpubench', 4);
  expect(full.profile.truncatedCalls).toBe(0);
  expect(capped.profile.truncatedCalls).toBeGreaterThan(0);
  expect(new Set(capped.profile.stacks().map((s) => s.frames.join(';'))).size).toBeLessThanOrEqual(4);
  expect(capped.profile.totals().instructions).toBe(capped.instructions);
  // A stripped executable: each call target outside every symbol is a function, up to maxNodes.
  const stripped = run('guests/bin/cpubench', 3);
  expect(stripped.profile.functions.length).toBeLessThanOrEqual(4);
  expect(stripped.profile.functions.map((f) => f.name)).toContain('(other addresses)');
  expect(stripped.profile.totals().instructions).toBe(stripped.instructions);
});

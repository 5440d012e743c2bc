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

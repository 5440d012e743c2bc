/**
 * A profiled run: the call-stack tracker on the hart, following thread switches, and at
 * the end the profile written in the chosen format, however the run ended (an exit, a
 * fault, a budget, Ctrl-C: the profile covers what ran).
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { FunctionTable } from '../../elf/symbols.js';
import { CostAccounting } from '../../kernel/cost.js';
import { ARCH, COST_MODEL } from '../../kernel/tokens.js';
import { HostFileError } from '../../subsystems/vfs/errors.js';
import type { CallTreeProfile } from '../../trace/profile/profile.js';
import { CallStackTracker } from '../../trace/profile/tracker.js';
import { type ProfileFormat, writeProfile } from '../../trace/profile/writers.js';
import type { RunAddonContext, RunAddonSession } from './types.js';

/** How many functions --stats lists. */
const TOP = 10;

export interface ProfileSettings {
  readonly path: string;
  readonly format: ProfileFormat;
}

export function startProfile(settings: ProfileSettings, context: RunAddonContext): RunAddonSession {
  const container = context.zeroos.container;
  const hart = container.get(ARCH).hart;
  const functions = FunctionTable.fromElf(context.executable);
  if (functions.functions.length === 0) {
    context.stderr(`zeroos: --profile: ${basename(context.elfPath)} has no symbol table (stripped): functions are named by address\n`);
  }
  const model = container.isBound(COST_MODEL) ? container.get(COST_MODEL) : undefined;
  const tracker = new CallStackTracker({
    functions,
    isa: hart.isa,
    ...(model === undefined ? {} : { meter: container.get(CostAccounting), costUnit: model.unit, costName: model.name }),
  });
  const detach = hart.addObserver(tracker);
  const switches = context.zeroos.events.threadSwitch$.subscribe((e) => tracker.switchThread(e.to));
  let profile: CallTreeProfile | undefined;
  return {
    finish(): void {
      detach();
      switches.unsubscribe();
      profile = tracker.profile();
      const bytes = writeProfile(profile, settings.format, { program: basename(context.elfPath) });
      try {
        writeFileSync(settings.path, bytes);
      } catch (error) {
        throw new HostFileError(settings.path, 'write the profile to', error);
      }
    },
    statsLines(): string[] {
      return profile === undefined ? [] : statsLines(profile, settings);
    },
  };
}

const pct = (part: number, whole: number): string => `${whole === 0 ? '0.0' : ((100 * part) / whole).toFixed(1)}%`;

/** `--stats` lines: what was written, then the top functions by self instructions. */
export function statsLines(profile: CallTreeProfile, settings: ProfileSettings): string[] {
  const totals = profile.totals();
  const unit = profile.costUnit?.unit;
  const lines = [
    `profile         ${settings.path} (${settings.format}): ${totals.instructions} instructions${unit === undefined ? '' : `, ${totals.cost} ${unit}`} in ${totals.byThread.size} thread${totals.byThread.size === 1 ? '' : 's'}, ${profile.functions.length} functions${profile.truncatedCalls > 0 ? `; ${profile.truncatedCalls} calls past the depth or call-path limit not followed` : ''}`,
  ];
  for (const f of profile.topFunctions().slice(0, TOP)) {
    let text = `${pct(f.selfInstructions, totals.instructions).padStart(6)} self ${String(f.selfInstructions).padStart(10)}, ${pct(f.totalInstructions, totals.instructions).padStart(6)} total ${String(f.totalInstructions).padStart(10)}`;
    if (unit !== undefined) text += `; ${unit} ${pct(f.selfCost, totals.cost)} self, ${pct(f.totalCost, totals.cost)} total`;
    lines.push(`profile top     ${text}  ${f.name}`);
  }
  return lines;
}

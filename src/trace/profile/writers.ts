/**
 * The profile formats people open directly:
 *
 * - speedscope JSON (https://www.speedscope.app/file-format-schema.json): one sampled
 *   profile per thread weighted in instructions, and with a cost model a second one per
 *   thread weighted in its unit (Jolt cycles). Samples are the distinct call stacks, in
 *   depth-first order of the call tree, each weighted by what its innermost frame spent.
 * - pprof (profile.proto, gzipped as `go tool pprof` and Perfetto expect): sample types
 *   `instructions/count` and, with a cost model, `<unit>/count`; one sample per distinct
 *   stack and thread, labelled `thread`; one location per function at its first address.
 * - folded stacks for flamegraph.pl: `main;f;g 1234`, instructions of the innermost frame;
 *   lines sum to the instructions retired. With more than one thread each line starts with
 *   the thread (`thread 2;...`).
 *
 * Every writer's output is a function of the profile alone: no dates, no host paths.
 */
import { gzipSync } from 'node:zlib';
import { Function as PprofFunction, Label, Line, Location, Mapping, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import type { CallTreeProfile } from './profile.js';

/** The formats `--profile-format` accepts. */
export const PROFILE_FORMATS = ['speedscope', 'pprof', 'folded'] as const;
export type ProfileFormat = (typeof PROFILE_FORMATS)[number];

/** What a written profile says about the program (its name, not a host path). */
export interface ProfileMeta {
  /** The program's name, e.g. `cpubench`. */
  readonly program: string;
}

/** The profile in `format`, as the bytes of its file. */
export function writeProfile(profile: CallTreeProfile, format: ProfileFormat, meta: ProfileMeta): Uint8Array {
  switch (format) {
    case 'speedscope':
      return new TextEncoder().encode(JSON.stringify(speedscope(profile, meta)) + '\n');
    case 'pprof':
      return pprof(profile, meta);
    case 'folded':
      return new TextEncoder().encode(folded(profile));
  }
}

// ----------------------------------------------------------------------- speedscope

interface SpeedscopeSampled {
  type: 'sampled';
  name: string;
  unit: 'none';
  startValue: number;
  endValue: number;
  samples: number[][];
  weights: number[];
}

export interface SpeedscopeFile {
  $schema: 'https://www.speedscope.app/file-format-schema.json';
  shared: { frames: { name: string }[] };
  profiles: SpeedscopeSampled[];
  name: string;
  activeProfileIndex: number;
  exporter: string;
}

/** The profile as a speedscope file object. */
export function speedscope(profile: CallTreeProfile, meta: ProfileMeta): SpeedscopeFile {
  const frameOf = new Map<number, number>();
  const frames: { name: string }[] = [];
  const frameIndex = (f: number): number => {
    let i = frameOf.get(f);
    if (i === undefined) {
      i = frames.length;
      frames.push({ name: profile.name(f) });
      frameOf.set(f, i);
    }
    return i;
  };
  const byInstructions: SpeedscopeSampled[] = [];
  const byCost: SpeedscopeSampled[] = [];
  const tids = profile.threads.map((t) => t.tid);
  for (const tid of tids) {
    const stacks = profile.stacks(tid);
    if (stacks.length === 0) continue;
    const samples = stacks.map((s) => s.frames.map(frameIndex));
    const instructions = stacks.map((s) => s.instructions);
    const label = `thread ${tid}`;
    const sampled = (name: string, weights: number[]): SpeedscopeSampled => {
      // Stacks without weight in this unit are left out (speedscope draws them as nothing anyway).
      const keep = weights.map((w, i) => (w > 0 ? i : -1)).filter((i) => i >= 0);
      const total = keep.reduce((sum, i) => sum + weights[i]!, 0);
      return { type: 'sampled', name, unit: 'none', startValue: 0, endValue: total, samples: keep.map((i) => samples[i]!), weights: keep.map((i) => weights[i]!) };
    };
    byInstructions.push(sampled(`${label} (instructions)`, instructions));
    if (profile.costUnit !== undefined) byCost.push(sampled(`${label} (${profile.costUnit.unit})`, stacks.map((s) => s.cost)));
  }
  return {
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    shared: { frames },
    profiles: [...byInstructions, ...byCost],
    name: `${meta.program} (zeroos)`,
    activeProfileIndex: 0,
    exporter: 'zeroos --profile',
  };
}

// -------------------------------------------------------------------------- folded

/** Folded stacks: one line per distinct stack, `a;b;c <instructions>`. */
export function folded(profile: CallTreeProfile): string {
  const threaded = new Set(profile.stacks().map((s) => s.tid)).size > 1;
  const lines: string[] = [];
  for (const s of profile.stacks()) {
    if (s.instructions === 0) continue;
    // flamegraph.pl splits frames on ';' and the count on the last space.
    const names = s.frames.map((f) => profile.name(f).replaceAll(';', ':').replaceAll('\n', ' '));
    if (threaded) names.unshift(`thread ${s.tid}`);
    lines.push(`${names.join(';')} ${s.instructions}`);
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

// --------------------------------------------------------------------------- pprof

/** The profile as a gzipped pprof protobuf. */
export function pprof(profile: CallTreeProfile, meta: ProfileMeta): Uint8Array {
  const strings = new StringTable();
  const sampleType = [new ValueType({ type: strings.dedup('instructions'), unit: strings.dedup('count') })];
  if (profile.costUnit !== undefined) sampleType.push(new ValueType({ type: strings.dedup(profile.costUnit.unit), unit: strings.dedup('count') }));
  const mapping = new Mapping({ id: 1, filename: strings.dedup(meta.program), hasFunctions: true });
  const functions: PprofFunction[] = [];
  const locations: Location[] = [];
  const locationOf = new Map<number, number>();
  const location = (f: number): number => {
    let id = locationOf.get(f);
    if (id === undefined) {
      id = locations.length + 1;
      const fn = profile.functions[f]!;
      functions.push(new PprofFunction({ id, name: strings.dedup(profile.name(f)), systemName: strings.dedup(fn.name), filename: strings.dedup(meta.program) }));
      locations.push(new Location({ id, mappingId: 1, address: fn.start, line: [new Line({ functionId: id })] }));
      locationOf.set(f, id);
    }
    return id;
  };
  const threadKey = strings.dedup('thread');
  const samples: Sample[] = [];
  for (const s of profile.stacks()) {
    const value = profile.costUnit === undefined ? [s.instructions] : [s.instructions, s.cost];
    // pprof lists a sample's locations innermost first.
    const locationId = s.frames.map(location).reverse();
    samples.push(new Sample({ locationId, value, label: [new Label({ key: threadKey, num: s.tid })] }));
  }
  const comment = [strings.dedup(`zeroos --profile of ${meta.program}: instructions retired per call stack${profile.costUnit ? `, and ${profile.costUnit.name}` : ''}`)];
  const out = new Profile({
    sampleType,
    sample: samples,
    mapping: [mapping],
    location: locations,
    function: functions,
    stringTable: strings,
    periodType: new ValueType({ type: strings.dedup('instructions'), unit: strings.dedup('count') }),
    period: 1,
    comment,
    defaultSampleType: profile.costUnit === undefined ? 0 : strings.dedup(profile.costUnit.unit),
  });
  return gzipSync(out.encode());
}

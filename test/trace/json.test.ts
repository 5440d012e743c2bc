import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { KernelEvent } from '../../src/kernel/events.js';
import { HostFileError } from '../../src/subsystems/vfs/errors.js';
import { eventFromJson, eventToJson, JsonLinesTraceWriter, readTrace, replayTrace, TraceFormatError } from '../../src/trace/json.js';
import { createKernel } from '../../src/zeroos.js';
import { GUESTS, runGuest } from './events-support.js';

const dir = mkdtempSync(join(tmpdir(), 'zeroos-json-'));

describe('eventToJson', () => {
  it('should make every event JSON-safe: bigints as decimal strings, an absent result as null', () => {
    const run = runGuest('futex_pingpong', { args: ['2'] });
    for (const event of run.events) expect(() => JSON.stringify(eventToJson(event))).not.toThrow();
    const exit = run.events.find((e) => e.kind === 'syscall-exit' && e.errno === 'ETIMEDOUT')!;
    const json = eventToJson(exit);
    expect(json).toMatchObject({ kind: 'syscall-exit', result: '-110', errno: 'ETIMEDOUT', resumed: true });
    expect((json['args'] as string[]).every((a) => /^\d+$/.test(a))).toBe(true);
    const groupExit = run.events.filter((e) => e.kind === 'syscall-exit').at(-1)!;
    expect(eventToJson(groupExit)['result']).toBeNull();
  });

  it('should round-trip through eventFromJson to the same event', () => {
    const run = runGuest('signals');
    for (const event of run.events) expect(eventFromJson(JSON.stringify(eventToJson(event)))).toEqual(event);
  });

  it('should refuse a line that is not an event with TraceFormatError naming the line', () => {
    expect(() => eventFromJson('{"kind":"fault","seq":1}', 7)).toThrow(TraceFormatError);
    expect(() => eventFromJson('nope', 3)).toThrow(/trace line 3: not JSON/);
    expect(() => eventFromJson('{"kind":"fault","seq":1,"instret":2,"tid":1,"address":"0x10"}')).toThrow(/"address" is not a decimal integer/);
  });
});

describe('--trace-json writer and replayTrace', () => {
  function traced(name: string, path: string, options: Parameters<typeof createKernel>[0] = {}) {
    const zeroos = createKernel({ maxInstructions: 50_000_000, ...options });
    const events: KernelEvent[] = [];
    zeroos.events.all$.subscribe((e) => events.push(e));
    const writer = new JsonLinesTraceWriter(zeroos.events, path);
    zeroos.load({ executable: readFileSync(join(GUESTS, 'bin', name)), path: `/bin/${name}`, argv: [`/bin/${name}`] });
    try {
      zeroos.run();
    } catch {
      // the trace covers runs that end in errors too
    }
    writer.close();
    return { events, writer };
  }

  it('should write one JSON object per line, every event, ending with process-exit', () => {
    const path = join(dir, 'pipe.jsonl');
    const { events, writer } = traced('pipe_threads', path);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(events.length);
    expect(writer.count).toBe(events.length);
    const parsed = lines.map((l) => JSON.parse(l) as { kind: string; seq: number });
    expect(parsed.map((p) => p.seq)).toEqual(events.map((e) => e.seq));
    expect(parsed.at(-1)!.kind).toBe('process-exit');
  });

  it('should replay a trace file as a stream equal to the live events', async () => {
    const path = join(dir, 'segv.jsonl');
    const { events } = traced('segv', path);
    const replayed = await lastValueFrom(replayTrace(path).pipe(toArray()));
    expect(replayed).toEqual(events);
    expect(replayed.at(-1)).toMatchObject({ kind: 'process-exit', reason: 'fault' });
    // From text as well, and all at once.
    const text = readFileSync(path, 'utf8');
    expect(await lastValueFrom(replayTrace(text).pipe(toArray()))).toEqual(events);
    expect(readTrace(path)).toEqual(events);
  });

  it('should error the stream with TraceFormatError on a bad line, HostFileError on a missing file', async () => {
    const path = join(dir, 'bad.jsonl');
    writeFileSync(path, '{"kind":"thread-switch","seq":0,"instret":1,"tid":1,"from":1,"to":2}\n{oops\n');
    await expect(lastValueFrom(replayTrace(path).pipe(toArray()))).rejects.toThrow(/trace line 2/);
    await expect(firstValueFrom(replayTrace(join(dir, 'missing.jsonl')))).rejects.toBeInstanceOf(HostFileError);
  });

  it('should refuse a trace file it cannot create with HostFileError (77), not a crash', () => {
    const zeroos = createKernel();
    expect(() => new JsonLinesTraceWriter(zeroos.events, join(dir, 'no', 'such', 'dir.jsonl'))).toThrow(HostFileError);
  });

  it('should keep a write error for close() and let the run go on', () => {
    const zeroos = createKernel();
    // /dev/full refuses every write with ENOSPC.
    const writer = new JsonLinesTraceWriter(zeroos.events, '/dev/full');
    zeroos.load({ executable: readFileSync(join(GUESTS, 'bin', 'yes_lines')), path: '/bin/yes_lines', argv: ['/bin/yes_lines', '3000'] });
    expect(zeroos.run().exitCode).toBe(0);
    expect(() => writer.close()).toThrow(/cannot write the JSON trace \/dev\/full: ENOSPC/);
  });
});

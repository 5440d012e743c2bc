import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelEvent } from '../../src/kernel/events.js';
import { createKernel, type KernelOptions, type RunResult, type ZeroOS } from '../../src/zeroos.js';

export const GUESTS = join(import.meta.dirname, '..', '..', 'guests');

/** The run of a committed guest with every event collected (all$), however it ended. */
export interface GuestRun {
  readonly zeroos: ZeroOS;
  readonly events: KernelEvent[];
  readonly result?: RunResult;
  readonly error?: unknown;
}

/** Runs guests/bin/<name> through the library, collecting all$ (unless `subscribe` is false). */
export function runGuest(name: string, options: KernelOptions & { args?: string[]; subscribe?: boolean } = {}): GuestRun {
  const { args = [], subscribe = true, ...kernelOptions } = options;
  const zeroos = createKernel({ maxInstructions: 200_000_000, ...kernelOptions });
  const events: KernelEvent[] = [];
  if (subscribe) zeroos.events.all$.subscribe((e) => events.push(e));
  const path = `/bin/${name.split('/').pop()}`;
  zeroos.load({ executable: readFileSync(join(GUESTS, 'bin', name)), path, argv: [path, ...args] });
  try {
    return { zeroos, events, result: zeroos.run() };
  } catch (error) {
    return { zeroos, events, error };
  }
}

export function ofKind<K extends KernelEvent['kind']>(events: readonly KernelEvent[], kind: K): Extract<KernelEvent, { kind: K }>[] {
  return events.filter((e): e is Extract<KernelEvent, { kind: K }> => e.kind === kind);
}

/**
 * Checks the syscall story of a run: each enter has exactly one exit, later, in the same
 * thread, with the same nr/pc/args; an unfinished sits between them and makes the exit
 * resumed. Returns the calls as [enter, unfinished?, exit].
 */
export function pairCalls(events: readonly KernelEvent[]) {
  const open = new Map<number, { enter: Extract<KernelEvent, { kind: 'syscall-enter' }>; unfinished?: Extract<KernelEvent, { kind: 'syscall-unfinished' }> }>();
  const calls: {
    enter: Extract<KernelEvent, { kind: 'syscall-enter' }>;
    unfinished?: Extract<KernelEvent, { kind: 'syscall-unfinished' }>;
    exit: Extract<KernelEvent, { kind: 'syscall-exit' }>;
  }[] = [];
  for (const e of events) {
    if (e.kind === 'syscall-enter') {
      if (open.has(e.tid)) throw new Error(`thread ${e.tid} entered ${e.name} (seq ${e.seq}) inside another call`);
      open.set(e.tid, { enter: e });
    } else if (e.kind === 'syscall-unfinished') {
      const call = open.get(e.tid);
      if (!call || call.unfinished || call.enter.nr !== e.nr) throw new Error(`unfinished ${e.name} (seq ${e.seq}) without its enter`);
      call.unfinished = e;
    } else if (e.kind === 'syscall-exit') {
      const call = open.get(e.tid);
      if (!call) throw new Error(`exit of ${e.name} (seq ${e.seq}) without an enter`);
      if (call.enter.nr !== e.nr || call.enter.pc !== e.pc || call.enter.args.join() !== e.args.join()) throw new Error(`exit ${e.seq} does not match its enter`);
      if (e.resumed !== (call.unfinished !== undefined)) throw new Error(`exit ${e.seq}: resumed ${e.resumed}`);
      if (e.instructions !== e.instret - call.enter.instret) throw new Error(`exit ${e.seq}: instructions ${e.instructions}`);
      open.delete(e.tid);
      calls.push({ ...call, exit: e });
    }
  }
  if (open.size > 0) throw new Error(`calls never ended: ${[...open.values()].map((c) => c.enter.name).join(', ')}`);
  return calls;
}

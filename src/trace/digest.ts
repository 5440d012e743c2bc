/**
 * A run's digest: one SHA-256 over a canonical encoding of what the guest did and saw
 * (its events, its stdout and stderr bytes, how it ended), leaving out host paths,
 * tracing options and the engine, so two runs, two engines or two machines compare in
 * one line. The encoding is versioned (DIGEST_VERSION) and documented in
 * docs/trace-events.md ("The run digest"); it is computed as the run goes, in constant
 * memory.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Subscription } from 'rxjs';
import type { KernelEvent, KernelEvents } from '../kernel/events.js';
import type { Console } from '../subsystems/console/index.js';
import { eventToJson, type JsonValue } from './json.js';

/** The version of the canonical encoding; a change to what is hashed is a new version. */
export const DIGEST_VERSION = 1;

/**
 * The canonical form of one event for the digest (version 1): the event's JSON form
 * (eventToJson) without what depends on the host or on how the trace is printed:
 * `formatted` (syscall-enter), `hostPath` (input-read) and process-exit's `outcome.detail`.
 */
export function digestEventView(event: KernelEvent): Record<string, JsonValue> {
  const json: Record<string, JsonValue> = { ...eventToJson(event) };
  switch (event.kind) {
    case 'syscall-enter':
      delete json['formatted'];
      break;
    case 'input-read':
      delete json['hostPath'];
      break;
    case 'process-exit': {
      const outcome = json['outcome'];
      if (outcome && typeof outcome === 'object' && !Array.isArray(outcome)) {
        const { detail: _detail, ...rest } = outcome;
        json['outcome'] = rest;
      }
      break;
    }
  }
  return json;
}

/** JSON with object keys sorted (recursively) and no white space: one text per value. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k]!)}`).join(',')}}`;
}

/** One part of the digest: a running hash and how much went into it. */
class Part {
  readonly hash = sha256.create();
  count = 0;
  update(data: string | Uint8Array, count: number): void {
    this.hash.update(typeof data === 'string' ? utf8ToBytes(data) : data);
    this.count += count;
  }
  line(label: string): string {
    return `${label} ${this.count} ${bytesToHex(this.hash.digest())}\n`;
  }
}

/**
 * Digests a run as it goes: subscribe before the program is loaded, call `digest()` once
 * the run is over (after `process-exit`). Version 1:
 *
 *   events = SHA-256 of canonicalJson(digestEventView(e)) + "\n" for every event in order
 *   stdout = SHA-256 of the bytes the guest wrote to stdout (the host took), stderr alike
 *   digest = SHA-256 of the text
 *     "zeroos-run-digest 1\n" +
 *     "events <count> <events hex>\n" + "stdout <bytes> <stdout hex>\n" + "stderr <bytes> <stderr hex>\n"
 *
 * How the run ended is the last event (process-exit: code, signal, reason, outcome name).
 */
export class RunDigest {
  readonly #events = new Part();
  readonly #stdout = new Part();
  readonly #stderr = new Part();
  readonly #subscriptions: Subscription[];
  #result: string | undefined;

  constructor(events: KernelEvents, console: Console) {
    this.#subscriptions = [
      events.all$.subscribe((event) => this.#events.update(canonicalJson(digestEventView(event)) + '\n', 1)),
      console.output$.subscribe(({ stream, data }) => (stream === 'stdout' ? this.#stdout : this.#stderr).update(data, data.length)),
    ];
  }

  /** Events digested so far. */
  get events(): number {
    return this.#events.count;
  }

  /** Ends the digest: `sha256:<64 hex>`. Later calls return the same. */
  digest(): string {
    if (this.#result === undefined) {
      for (const s of this.#subscriptions) s.unsubscribe();
      const text =
        `zeroos-run-digest ${DIGEST_VERSION}\n` + this.#events.line('events') + this.#stdout.line('stdout') + this.#stderr.line('stderr');
      this.#result = `sha256:${bytesToHex(sha256(utf8ToBytes(text)))}`;
    }
    return this.#result;
  }
}

/**
 * Kernel events as JSON: `eventToJson` (bigints as decimal strings, an absent syscall
 * result as null), a JSON-lines writer for `--trace-json`, and `replayTrace`, which reads
 * such a file back as an RxJS stream of events with their bigints restored. The schema
 * (every kind and field) is docs/trace-events.md; it is version TRACE_JSON_VERSION.
 */
import { closeSync, createReadStream, openSync, readFileSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Observable, type Subscription } from 'rxjs';
import { EXIT_CODES, ZeroOSError } from '../errors.js';
import type { KernelEvent, KernelEvents } from '../kernel/events.js';
import { HostFileError } from '../subsystems/vfs/errors.js';

/** The version of the JSON encoding of events (docs/trace-events.md). */
export const TRACE_JSON_VERSION = 1;

/** A JSON value as eventToJson makes them. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A kernel event as plain JSON data: what one line of a --trace-json file holds. */
export type JsonEvent = { readonly kind: KernelEvent['kind']; readonly seq: number; readonly instret: number; readonly tid: number } & {
  readonly [key: string]: JsonValue;
};

/**
 * A plain, JSON-safe copy of `event`: every bigint (also inside arrays and an integration's
 * data) becomes its decimal string, a syscall-exit's undefined result becomes null, other
 * undefined fields are left out, byte arrays become arrays of numbers. Field order is the
 * event's, so the same event always gives the same text.
 */
export function eventToJson(event: KernelEvent): JsonEvent {
  const json = toJson(event) as Record<string, JsonValue>;
  if (event.kind === 'syscall-exit' && event.result === undefined) json['result'] = null;
  return json as JsonEvent;
}

function toJson(value: unknown): JsonValue | undefined {
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  if (value instanceof Uint8Array) return [...value];
  if (Array.isArray(value)) return value.map((v) => toJson(v) ?? null);
  const out: Record<string, JsonValue> = {};
  for (const [key, v] of Object.entries(value as object)) {
    const json = toJson(v);
    if (json !== undefined) out[key] = json;
  }
  return out;
}

/** One event as one line of JSON (with its newline). */
export function eventToJsonLine(event: KernelEvent): string {
  return JSON.stringify(eventToJson(event)) + '\n';
}

/** The top-level fields each kind carries as bigint (decimal strings in JSON). */
const BIGINT_FIELDS: Readonly<Partial<Record<KernelEvent['kind'], readonly string[]>>> = {
  'syscall-enter': ['args'],
  'syscall-unfinished': ['args'],
  'syscall-exit': ['args', 'result'],
  'syscall-unsupported': ['args'],
  'memory-map': ['start', 'length', 'oldStart'],
  signal: ['handler'],
  fault: ['address'],
};

/** A line of a trace that is not an event as the schema has it. */
export class TraceFormatError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`trace line ${line}: ${reason}`);
  }
}

/**
 * The event a JSON line (or an object from one) stands for, bigints restored: `args`,
 * `result` (null: undefined), `start`, `length`, `oldStart`, `handler`, `address`, a
 * signal's `info.addr` and `info.value` where the kind has them. An integration's data stays as written. Throws TraceFormatError.
 */
export function eventFromJson(json: string | Record<string, unknown>, line = 1): KernelEvent {
  let value: unknown;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new TraceFormatError(line, `not JSON (${(error as Error).message})`);
    }
  } else {
    value = json;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TraceFormatError(line, 'not a JSON object');
  const event: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (typeof event['kind'] !== 'string') throw new TraceFormatError(line, 'no "kind"');
  for (const field of ['seq', 'instret', 'tid']) {
    if (typeof event[field] !== 'number') throw new TraceFormatError(line, `"${field}" is not a number`);
  }
  for (const field of BIGINT_FIELDS[event['kind'] as KernelEvent['kind']] ?? []) {
    if (!(field in event)) continue;
    const raw = event[field];
    if (raw === null && field === 'result') {
      event[field] = undefined;
    } else if (Array.isArray(raw)) {
      event[field] = raw.map((v) => toBigint(v, field, line));
    } else {
      event[field] = toBigint(raw, field, line);
    }
  }
  // a delivered signal's siginfo: its address and value are bigints too
  const info = event['kind'] === 'signal' ? event['info'] : undefined;
  if (typeof info === 'object' && info !== null && !Array.isArray(info)) {
    const restored: Record<string, unknown> = { ...(info as Record<string, unknown>) };
    for (const field of ['addr', 'value']) if (field in restored) restored[field] = toBigint(restored[field], `info.${field}`, line);
    event['info'] = restored;
  }
  return event as unknown as KernelEvent;
}

function toBigint(value: unknown, field: string, line: number): bigint {
  if ((typeof value === 'string' && /^-?\d+$/.test(value)) || (typeof value === 'number' && Number.isSafeInteger(value))) return BigInt(value);
  throw new TraceFormatError(line, `"${field}" is not a decimal integer`);
}

/**
 * Replays a JSON-lines trace (what --trace-json wrote) as a stream of events, bigints
 * restored. `source` is the trace's text (anything that starts with "{" or holds a newline,
 * or is empty) or the path of a trace file, which is read line by line (constant memory).
 * Blank lines are skipped; a malformed line errors the stream with TraceFormatError, a file
 * that cannot be read with HostFileError. Cold: each subscription reads the trace again.
 */
export function replayTrace(source: string): Observable<KernelEvent> {
  const isText = source === '' || source.trimStart().startsWith('{') || source.includes('\n');
  if (isText) {
    return new Observable<KernelEvent>((subscriber) => {
      let number = 0;
      for (const line of source.split('\n')) {
        number++;
        if (subscriber.closed) return;
        if (line.trim() === '') continue;
        try {
          subscriber.next(eventFromJson(line, number));
        } catch (error) {
          subscriber.error(error);
          return;
        }
      }
      subscriber.complete();
    });
  }
  return new Observable<KernelEvent>((subscriber) => {
    const stream = createReadStream(source, { encoding: 'utf8' });
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    let number = 0;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      lines.close();
      stream.destroy();
      subscriber.error(error);
    };
    const readError = (error: unknown) => fail(new HostFileError(source, 'read the trace', error));
    stream.on('error', readError);
    lines.on('error', readError);
    lines.on('line', (line) => {
      number++;
      if (failed || line.trim() === '') return;
      try {
        subscriber.next(eventFromJson(line, number));
      } catch (error) {
        fail(error);
      }
    });
    lines.on('close', () => {
      if (!failed) subscriber.complete();
    });
    return () => {
      failed = true;
      lines.close();
      stream.destroy();
    };
  });
}

/** The whole trace file (or text) at once, for small traces and tests. */
export function readTrace(source: string): KernelEvent[] {
  const text = source === '' || source.trimStart().startsWith('{') || source.includes('\n') ? source : readHostTrace(source);
  return text
    .split('\n')
    .map((line, i) => [line, i + 1] as const)
    .filter(([line]) => line.trim() !== '')
    .map(([line, number]) => eventFromJson(line, number));
}

function readHostTrace(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new HostFileError(path, 'read the trace', error);
  }
}

/** Bytes of JSON lines gathered before one write to the host. */
const WRITE_CHUNK = 64 * 1024;

/**
 * Writes every event of a run as one JSON line to a host file as the run goes (in chunks
 * of WRITE_CHUNK bytes; `close()` writes the rest). A host write error ends the trace with
 * a HostFileError kept for `close()` to throw; the run itself goes on.
 */
export class JsonLinesTraceWriter {
  readonly #fd: number;
  readonly #subscription: Subscription;
  #error: HostFileError | undefined;
  #closed = false;
  #pending: string[] = [];
  #pendingLength = 0;
  /** Events written. */
  count = 0;

  constructor(
    events: KernelEvents,
    readonly path: string,
  ) {
    try {
      this.#fd = openSync(path, 'w');
    } catch (error) {
      throw new HostFileError(path, 'open the JSON trace', error);
    }
    this.#subscription = events.all$.subscribe((event) => this.write(eventToJsonLine(event)));
  }

  private write(line: string): void {
    if (this.#error !== undefined || this.#closed) return;
    this.#pending.push(line);
    this.#pendingLength += line.length;
    this.count++;
    if (this.#pendingLength >= WRITE_CHUNK) this.flush();
  }

  private flush(): void {
    if (this.#pending.length === 0 || this.#error !== undefined) return;
    const bytes = Buffer.from(this.#pending.join(''), 'utf8');
    this.#pending = [];
    this.#pendingLength = 0;
    try {
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(this.#fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      this.#error = new HostFileError(this.path, 'write the JSON trace', error);
    }
  }

  /** Stops listening and closes the file; throws the HostFileError of a failed write or close. */
  close(): void {
    if (this.#closed) return;
    this.#subscription.unsubscribe();
    this.flush();
    this.#closed = true;
    try {
      closeSync(this.#fd);
    } catch (error) {
      this.#error ??= new HostFileError(this.path, 'close the JSON trace', error);
    }
    if (this.#error !== undefined) throw this.#error;
  }
}

/**
 * Postcard (the Rust `postcard` crate, 1.x wire format): how Jolt moves a guest's arguments
 * in and its return value out. The host serializes each argument with `postcard::to_stdvec`
 * and concatenates them (no extra framing), the guest takes them back one after another; the
 * return value goes the other way, and the host decodes it from the start of the
 * zero-padded output region. A tuple schema of the arguments therefore encodes the whole
 * input region.
 *
 * The wire format: u8/i8 one raw byte; u16/u32/u64/u128 LEB128 varints (at most 3, 5, 10
 * and 19 bytes); signed integers zigzag, then varint; usize/isize as u64/i64 (Jolt's guest
 * is rv64); f32/f64 little-endian IEEE; bool one byte 0 or 1; strings, chars, bytes and
 * sequences a varint length then the contents; Option 0 or 1 then the value; enums a
 * varint variant index then the variant's fields; fixed arrays, tuples and structs their
 * fields in order; unit nothing. No npm package implements it (the `postcard` package on
 * npm is an unrelated application platform), hence this module.
 *
 * The schema is a small Rust-like type expression, parsed by parseSchema:
 *
 *   u8 u16 u32 u64 u128 usize i8 i16 i32 i64 i128 isize f32 f64 bool char string bytes
 *   [T]          sequence (Vec<T> is the same)       [T; N]   fixed array
 *   ()           unit     (T)  just T                 (T, U,)  tuple
 *   {a: T, b: U} struct, fields in order              Option<T>
 *   enum{A, B(T), C(T, U), D{x: T}}                   variants by index, from 0
 *
 * Values are plain JSON: integers are numbers when they are safe (|n| < 2^53) and decimal
 * strings otherwise (encode also takes bigints, and any integer as a decimal string);
 * f32/f64 are numbers, or "NaN", "Infinity", "-Infinity"; `bytes` decode to a "0x…" hex
 * string and, like any u8 array or sequence, encode from an array of numbers or a "0x…"
 * string; char and string are strings; Option is null or the value; unit is null; tuples
 * and arrays are arrays; structs are objects; enums are "A", {"B": 5}, {"C": [1, 2]},
 * {"D": {"x": -1}}.
 */
import { EXIT_CODES, ZeroOSError } from '../../errors.js';

/** A parsed schema: what parseSchema returns and what the codec walks. */
export type PostcardType =
  | { readonly kind: 'uint'; readonly bits: 8 | 16 | 32 | 64 | 128; readonly name: string }
  | { readonly kind: 'int'; readonly bits: 8 | 16 | 32 | 64 | 128; readonly name: string }
  | { readonly kind: 'float'; readonly bits: 32 | 64 }
  | { readonly kind: 'bool' }
  | { readonly kind: 'char' }
  | { readonly kind: 'string' }
  | { readonly kind: 'bytes' }
  | { readonly kind: 'unit' }
  | { readonly kind: 'seq'; readonly item: PostcardType }
  | { readonly kind: 'array'; readonly item: PostcardType; readonly length: number }
  | { readonly kind: 'tuple'; readonly items: readonly PostcardType[] }
  | { readonly kind: 'struct'; readonly fields: readonly PostcardField[] }
  | { readonly kind: 'option'; readonly item: PostcardType }
  | { readonly kind: 'enum'; readonly variants: readonly PostcardVariant[] };

export interface PostcardField {
  readonly name: string;
  readonly type: PostcardType;
}

/** An enum variant: unit (no fields), newtype (one unnamed), tuple (several unnamed) or struct (named). */
export type PostcardVariant =
  | { readonly name: string; readonly shape: 'unit' }
  | { readonly name: string; readonly shape: 'newtype'; readonly type: PostcardType }
  | { readonly name: string; readonly shape: 'tuple'; readonly items: readonly PostcardType[] }
  | { readonly name: string; readonly shape: 'struct'; readonly fields: readonly PostcardField[] };

/** A JSON value as encode takes it and decode gives it (encode also takes bigints). */
export type PostcardValue = null | boolean | number | string | bigint | PostcardValue[] | { [key: string]: PostcardValue };

/** What to do with bytes left after the value: Jolt's host zero-pads the output region, so zeros are fine by default. */
export type TrailingBytes = 'zeros' | 'error' | 'allow';

/** A schema that does not parse: the message names the position. */
export class PostcardSchemaError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
}

/** A value that does not fit its schema, or bytes that do not decode: the message names the field path ($.a[2].B). */
export class PostcardError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

// ---------------------------------------------------------------------------------------
// Schema parsing

const PRIMITIVES: Record<string, PostcardType> = {
  u8: { kind: 'uint', bits: 8, name: 'u8' },
  u16: { kind: 'uint', bits: 16, name: 'u16' },
  u32: { kind: 'uint', bits: 32, name: 'u32' },
  u64: { kind: 'uint', bits: 64, name: 'u64' },
  u128: { kind: 'uint', bits: 128, name: 'u128' },
  usize: { kind: 'uint', bits: 64, name: 'usize' },
  i8: { kind: 'int', bits: 8, name: 'i8' },
  i16: { kind: 'int', bits: 16, name: 'i16' },
  i32: { kind: 'int', bits: 32, name: 'i32' },
  i64: { kind: 'int', bits: 64, name: 'i64' },
  i128: { kind: 'int', bits: 128, name: 'i128' },
  isize: { kind: 'int', bits: 64, name: 'isize' },
  f32: { kind: 'float', bits: 32 },
  f64: { kind: 'float', bits: 64 },
  bool: { kind: 'bool' },
  char: { kind: 'char' },
  string: { kind: 'string' },
  String: { kind: 'string' },
  bytes: { kind: 'bytes' },
};

/** Parses a schema such as `(u32, {a: [u8; 4], b: Option<string>})`. */
export function parseSchema(text: string): PostcardType {
  const tokens = [...text.matchAll(/\s*(?:([A-Za-z_][A-Za-z0-9_]*|\d+)|(\S))/gy)];
  let i = 0;
  const at = (): number => {
    const t = tokens[i];
    return t === undefined ? text.length : t.index + t[0].length - (t[1] ?? t[2] ?? '').length;
  };
  const peek = (): string | undefined => tokens[i]?.[1] ?? tokens[i]?.[2];
  const fail = (what: string): never => {
    const found = peek();
    throw new PostcardSchemaError(`schema: expected ${what} at offset ${at()}, found ${found === undefined ? 'the end' : `'${found}'`}`);
  };
  const take = (expected: string): void => {
    if (peek() !== expected) fail(`'${expected}'`);
    i++;
  };
  const ident = (): string => {
    const t = tokens[i]?.[1];
    if (t === undefined || /^\d/.test(t)) return fail('a name');
    i++;
    return t;
  };
  /** Comma-separated items up to `close`, a trailing comma allowed; also says whether a comma was seen. */
  const list = <T>(close: string, item: () => T): { items: T[]; comma: boolean } => {
    const items: T[] = [];
    let comma = false;
    while (peek() !== close) {
      items.push(item());
      if (peek() === ',') {
        comma = true;
        i++;
      } else if (peek() !== close) fail(`',' or '${close}'`);
    }
    i++;
    return { items, comma };
  };
  const fields = (): PostcardField[] => {
    const seen = new Set<string>();
    return list('}', () => {
      const name = ident();
      if (seen.has(name)) throw new PostcardSchemaError(`schema: field '${name}' appears twice`);
      seen.add(name);
      take(':');
      return { name, type: type() };
    }).items;
  };
  const type = (): PostcardType => {
    const t = peek();
    if (t === '[') {
      i++;
      const item = type();
      if (peek() === ';') {
        i++;
        const n = tokens[i]?.[1];
        if (n === undefined || !/^\d+$/.test(n)) return fail('an array length');
        i++;
        take(']');
        return { kind: 'array', item, length: Number(n) };
      }
      take(']');
      return { kind: 'seq', item };
    }
    if (t === '(') {
      i++;
      const { items, comma } = list(')', type);
      if (items.length === 0) return { kind: 'unit' };
      return items.length === 1 && !comma ? items[0]! : { kind: 'tuple', items };
    }
    if (t === '{') {
      i++;
      return { kind: 'struct', fields: fields() };
    }
    const name = ident();
    if (name === 'Option' || name === 'Vec') {
      take('<');
      const item = type();
      take('>');
      return name === 'Option' ? { kind: 'option', item } : { kind: 'seq', item };
    }
    if (name === 'enum') {
      take('{');
      const seen = new Set<string>();
      const variants = list('}', (): PostcardVariant => {
        const vname = ident();
        if (seen.has(vname)) throw new PostcardSchemaError(`schema: variant '${vname}' appears twice`);
        seen.add(vname);
        if (peek() === '(') {
          i++;
          const { items } = list(')', type);
          if (items.length === 0) return { name: vname, shape: 'unit' };
          return items.length === 1 ? { name: vname, shape: 'newtype', type: items[0]! } : { name: vname, shape: 'tuple', items };
        }
        if (peek() === '{') {
          i++;
          return { name: vname, shape: 'struct', fields: fields() };
        }
        return { name: vname, shape: 'unit' };
      }).items;
      if (variants.length === 0) throw new PostcardSchemaError('schema: an enum needs at least one variant');
      return { kind: 'enum', variants };
    }
    const primitive = PRIMITIVES[name];
    if (primitive === undefined) {
      i--;
      return fail(`a type (${Object.keys(PRIMITIVES).join(', ')}, [T], [T; N], (T, U), {a: T}, Option<T>, enum{...})`);
    }
    return primitive;
  };
  const result = type();
  if (i < tokens.length) fail('the end of the schema');
  return result;
}

const schemaOf = (schema: string | PostcardType): PostcardType => (typeof schema === 'string' ? parseSchema(schema) : schema);

// ---------------------------------------------------------------------------------------
// Encoding

/** Most bytes a varint of this many bits may take: ceil(bits / 7). */
const varintMax = (bits: number): number => Math.ceil(bits / 7);

class Writer {
  #bytes: number[] = [];
  byte(b: number): void {
    this.#bytes.push(b);
  }
  raw(bytes: Uint8Array): void {
    for (const b of bytes) this.#bytes.push(b);
  }
  varint(value: bigint): void {
    let v = value;
    while (v >= 0x80n) {
      this.#bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.#bytes.push(Number(v));
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

const isObject = (v: unknown): v is { [key: string]: PostcardValue } => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'bigint') return `${value}`;
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value) ?? String(value);
}

function toInteger(value: PostcardValue, path: string, name: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new PostcardError(path, `expected ${name}, found ${describe(value)}`);
    if (!Number.isSafeInteger(value)) throw new PostcardError(path, `${value} is beyond 2^53 and may have lost digits: give it as a decimal string`);
    return BigInt(value);
  }
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  throw new PostcardError(path, `expected ${name}, found ${describe(value)}`);
}

function toFloat(value: PostcardValue, path: string, name: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity' || value === 'inf') return Infinity;
  if (value === '-Infinity' || value === '-inf') return -Infinity;
  throw new PostcardError(path, `expected ${name}, found ${describe(value)}`);
}

function hexToBytes(text: string, path: string): Uint8Array {
  const digits = text.slice(2);
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) throw new PostcardError(path, `"${text}" is not an even number of hex digits`);
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** A u8 sequence or array given as "0x…" or as an array of numbers. */
function toBytes(value: PostcardValue, path: string): Uint8Array | undefined {
  if (typeof value === 'string' && value.startsWith('0x')) return hexToBytes(value, path);
  return undefined;
}

const isU8 = (t: PostcardType): boolean => t.kind === 'uint' && t.bits === 8;

function encodeInto(w: Writer, t: PostcardType, value: PostcardValue, path: string): void {
  switch (t.kind) {
    case 'uint': {
      const n = toInteger(value, path, t.name);
      if (n < 0n || n >= 1n << BigInt(t.bits)) throw new PostcardError(path, `${n} is out of range for ${t.name}`);
      if (t.bits === 8) w.byte(Number(n));
      else w.varint(n);
      return;
    }
    case 'int': {
      const n = toInteger(value, path, t.name);
      const half = 1n << BigInt(t.bits - 1);
      if (n < -half || n >= half) throw new PostcardError(path, `${n} is out of range for ${t.name}`);
      if (t.bits === 8) w.byte(Number(BigInt.asUintN(8, n)));
      else w.varint(n < 0n ? -2n * n - 1n : 2n * n);
      return;
    }
    case 'float': {
      const f = toFloat(value, path, `f${t.bits}`);
      const bytes = new Uint8Array(t.bits / 8);
      const view = new DataView(bytes.buffer);
      if (t.bits === 32) view.setFloat32(0, f, true);
      else view.setFloat64(0, f, true);
      w.raw(bytes);
      return;
    }
    case 'bool':
      if (typeof value !== 'boolean') throw new PostcardError(path, `expected a bool, found ${describe(value)}`);
      w.byte(value ? 1 : 0);
      return;
    case 'char':
    case 'string': {
      if (typeof value !== 'string') throw new PostcardError(path, `expected a ${t.kind}, found ${describe(value)}`);
      if (t.kind === 'char' && [...value].length !== 1) throw new PostcardError(path, `expected one character, found ${describe(value)}`);
      if (/[\uD800-\uDFFF]/u.test(value)) throw new PostcardError(path, 'the string has a lone surrogate: it has no UTF-8 form');
      const utf8 = new TextEncoder().encode(value);
      w.varint(BigInt(utf8.length));
      w.raw(utf8);
      return;
    }
    case 'bytes': {
      const bytes = toBytes(value, path) ?? u8Array(value, path);
      w.varint(BigInt(bytes.length));
      w.raw(bytes);
      return;
    }
    case 'unit':
      if (value !== null) throw new PostcardError(path, `expected null (unit), found ${describe(value)}`);
      return;
    case 'seq':
    case 'array': {
      const items: readonly PostcardValue[] | Uint8Array | undefined = isU8(t.item) ? toBytes(value, path) : undefined;
      const list = items ?? value;
      if (!Array.isArray(list) && !(list instanceof Uint8Array)) throw new PostcardError(path, `expected an array, found ${describe(value)}`);
      if (t.kind === 'array' && list.length !== t.length) throw new PostcardError(path, `expected ${t.length} items, found ${list.length}`);
      if (t.kind === 'seq') w.varint(BigInt(list.length));
      for (let k = 0; k < list.length; k++) encodeInto(w, t.item, list[k]!, `${path}[${k}]`);
      return;
    }
    case 'tuple':
      if (!Array.isArray(value)) throw new PostcardError(path, `expected a ${t.items.length}-tuple as an array, found ${describe(value)}`);
      if (value.length !== t.items.length) throw new PostcardError(path, `expected ${t.items.length} items, found ${value.length}`);
      t.items.forEach((item, k) => encodeInto(w, item, value[k]!, `${path}[${k}]`));
      return;
    case 'struct':
      encodeFields(w, t.fields, value, path);
      return;
    case 'option':
      if (value === null) w.byte(0);
      else {
        w.byte(1);
        encodeInto(w, t.item, value, path);
      }
      return;
    case 'enum': {
      let name: string;
      let inner: PostcardValue | undefined;
      if (typeof value === 'string') name = value;
      else if (isObject(value) && Object.keys(value).length === 1) {
        name = Object.keys(value)[0]!;
        inner = value[name];
      } else throw new PostcardError(path, `expected a variant ("A" or {"B": ...}), found ${describe(value)}`);
      const index = t.variants.findIndex((v) => v.name === name);
      const variant = t.variants[index];
      if (variant === undefined) throw new PostcardError(path, `no variant '${name}' (${t.variants.map((v) => v.name).join(', ')})`);
      const at = `${path}.${name}`;
      w.varint(BigInt(index));
      if (variant.shape === 'unit') {
        if (inner !== undefined && inner !== null) throw new PostcardError(at, `unit variant takes no value, found ${describe(inner)}`);
        return;
      }
      if (inner === undefined) throw new PostcardError(path, `variant '${name}' needs a value: {"${name}": ...}`);
      if (variant.shape === 'newtype') encodeInto(w, variant.type, inner, at);
      else if (variant.shape === 'tuple') encodeInto(w, { kind: 'tuple', items: variant.items }, inner, at);
      else encodeFields(w, variant.fields, inner, at);
      return;
    }
  }
}

function u8Array(value: PostcardValue, path: string): Uint8Array {
  if (!Array.isArray(value)) throw new PostcardError(path, `expected bytes ("0x…" or an array of numbers), found ${describe(value)}`);
  const w = new Writer();
  value.forEach((b, k) => encodeInto(w, PRIMITIVES['u8']!, b, `${path}[${k}]`));
  return w.finish();
}

function encodeFields(w: Writer, fields: readonly PostcardField[], value: PostcardValue, path: string): void {
  if (!isObject(value)) throw new PostcardError(path, `expected an object, found ${describe(value)}`);
  const extra = Object.keys(value).filter((k) => !fields.some((f) => f.name === k));
  if (extra.length > 0) throw new PostcardError(path, `unknown field '${extra[0]}'`);
  for (const f of fields) {
    const v = value[f.name];
    if (v === undefined) throw new PostcardError(path, `missing field '${f.name}'`);
    encodeInto(w, f.type, v, `${path}.${f.name}`);
  }
}

/** Serializes a value as `postcard::to_stdvec` would. */
export function postcardEncode(schema: string | PostcardType, value: PostcardValue): Uint8Array {
  const w = new Writer();
  encodeInto(w, schemaOf(schema), value, '$');
  return w.finish();
}

// ---------------------------------------------------------------------------------------
// Decoding

const utf8 = new TextDecoder('utf-8', { fatal: true });

class Reader {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}
  byte(path: string): number {
    const b = this.bytes[this.offset];
    if (b === undefined) throw new PostcardError(path, `the input ends at byte ${this.offset}`);
    this.offset++;
    return b;
  }
  take(n: bigint, path: string): Uint8Array {
    const left = this.bytes.length - this.offset;
    if (n > BigInt(left)) throw new PostcardError(path, `needs ${n} bytes at byte ${this.offset}, only ${left} left`);
    const out = this.bytes.subarray(this.offset, this.offset + Number(n));
    this.offset += Number(n);
    return out;
  }
  /**
   * A varint of `bits` bits, as postcard reads it: at most ceil(bits/7) bytes, and the last
   * of the longest form may only carry the bits left. (Like postcard, a redundant zero
   * continuation such as 80 00 for 0 is accepted within that length.)
   */
  varint(bits: number, path: string): bigint {
    const start = this.offset;
    const max = varintMax(bits);
    let out = 0n;
    for (let k = 0; k < max; k++) {
      const b = this.byte(path);
      out |= BigInt(b & 0x7f) << BigInt(7 * k);
      if ((b & 0x80) === 0) {
        if (k === max - 1 && b >> (bits - 7 * (max - 1)) !== 0) throw new PostcardError(path, `the varint at byte ${start} overflows ${bits} bits`);
        return out;
      }
    }
    throw new PostcardError(path, `the varint at byte ${start} is longer than the ${max} bytes a ${bits}-bit integer may take`);
  }
}

/** A bigint as JSON: a number when safe, else a decimal string. */
const jsonInteger = (n: bigint): number | string => (n >= -(2n ** 53n) + 1n && n <= 2n ** 53n - 1n ? Number(n) : n.toString());
const jsonFloat = (f: number): number | string => (Number.isFinite(f) ? f : String(f));
const toHex = (bytes: Uint8Array): string => '0x' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function decodeFrom(r: Reader, t: PostcardType, path: string): PostcardValue {
  switch (t.kind) {
    case 'uint':
      return t.bits === 8 ? r.byte(path) : jsonInteger(r.varint(t.bits, path));
    case 'int': {
      if (t.bits === 8) return (r.byte(path) << 24) >> 24;
      const z = r.varint(t.bits, path);
      return jsonInteger(z & 1n ? -(z >> 1n) - 1n : z >> 1n);
    }
    case 'float': {
      const bytes = r.take(BigInt(t.bits / 8), path);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return jsonFloat(t.bits === 32 ? view.getFloat32(0, true) : view.getFloat64(0, true));
    }
    case 'bool': {
      const at = r.offset;
      const b = r.byte(path);
      if (b > 1) throw new PostcardError(path, `byte ${at} is ${b}: a bool is 0 or 1`);
      return b === 1;
    }
    case 'char':
    case 'string': {
      const at = r.offset;
      const bytes = r.take(r.varint(64, path), path);
      let text: string;
      try {
        text = utf8.decode(bytes);
      } catch {
        throw new PostcardError(path, `the ${t.kind} at byte ${at} is not valid UTF-8`);
      }
      if (t.kind === 'char' && [...text].length !== 1) throw new PostcardError(path, `the char at byte ${at} holds ${[...text].length} characters`);
      return text;
    }
    case 'bytes':
      return toHex(r.take(r.varint(64, path), path));
    case 'unit':
      return null;
    case 'seq':
    case 'array': {
      const n = t.kind === 'seq' ? r.varint(64, path) : BigInt(t.length);
      // Every item takes at least one byte unless it is a unit: a length past the input is refused before allocating.
      if (n > BigInt(r.bytes.length - r.offset) && !zeroSized(t.item)) throw new PostcardError(path, `a length of ${n} items at byte ${r.offset} is past the end of the input`);
      const out: PostcardValue[] = [];
      for (let k = 0; k < Number(n); k++) out.push(decodeFrom(r, t.item, `${path}[${k}]`));
      return out;
    }
    case 'tuple':
      return t.items.map((item, k) => decodeFrom(r, item, `${path}[${k}]`));
    case 'struct':
      return decodeFields(r, t.fields, path);
    case 'option': {
      const at = r.offset;
      const tag = r.byte(path);
      if (tag > 1) throw new PostcardError(path, `byte ${at} is ${tag}: an Option tag is 0 or 1`);
      return tag === 0 ? null : decodeFrom(r, t.item, path);
    }
    case 'enum': {
      const at = r.offset;
      const index = r.varint(32, path);
      const variant = t.variants[Number(index)];
      if (index >= BigInt(t.variants.length) || variant === undefined) throw new PostcardError(path, `variant index ${index} at byte ${at}: the enum has ${t.variants.length} variants`);
      const inner = `${path}.${variant.name}`;
      switch (variant.shape) {
        case 'unit':
          return variant.name;
        case 'newtype':
          return { [variant.name]: decodeFrom(r, variant.type, inner) };
        case 'tuple':
          return { [variant.name]: variant.items.map((item, k) => decodeFrom(r, item, `${inner}[${k}]`)) };
        case 'struct':
          return { [variant.name]: decodeFields(r, variant.fields, inner) };
      }
    }
  }
}

function zeroSized(t: PostcardType): boolean {
  switch (t.kind) {
    case 'unit':
      return true;
    case 'array':
      return t.length === 0 || zeroSized(t.item);
    case 'tuple':
      return t.items.every(zeroSized);
    case 'struct':
      return t.fields.every((f) => zeroSized(f.type));
    default:
      return false;
  }
}

function decodeFields(r: Reader, fields: readonly PostcardField[], path: string): { [key: string]: PostcardValue } {
  const out: { [key: string]: PostcardValue } = {};
  for (const f of fields) out[f.name] = decodeFrom(r, f.type, `${path}.${f.name}`);
  return out;
}

/**
 * Takes one value from the front of `bytes`, as `postcard::take_from_bytes` does (how
 * Jolt's guest reads its arguments one after another), and returns it with the rest.
 */
export function postcardTake(schema: string | PostcardType, bytes: Uint8Array): { value: PostcardValue; rest: Uint8Array } {
  const r = new Reader(bytes);
  const value = decodeFrom(r, schemaOf(schema), '$');
  return { value, rest: bytes.subarray(r.offset) };
}

/**
 * Deserializes a value from the start of `bytes`. What follows it: 'zeros' (the default)
 * accepts only zero bytes, as in Jolt's zero-padded output region; 'error' accepts none
 * (exactly one value); 'allow' ignores it (as `postcard::from_bytes` does).
 */
export function postcardDecode(schema: string | PostcardType, bytes: Uint8Array, options: { trailing?: TrailingBytes } = {}): PostcardValue {
  const { value, rest } = postcardTake(schema, bytes);
  const trailing = options.trailing ?? 'zeros';
  const end = bytes.length - rest.length;
  if (trailing === 'error' && rest.length > 0) throw new PostcardError('$', `${rest.length} bytes follow the value at byte ${end}`);
  if (trailing === 'zeros') {
    const k = rest.findIndex((b) => b !== 0);
    if (k >= 0) throw new PostcardError('$', `byte ${end + k} after the value is ${rest[k]}, not zero padding`);
  }
  return value;
}

/**
 * JSON.parse that keeps integers beyond 2^53 exact: they come back as decimal strings,
 * which postcardEncode takes for any integer type.
 */
export function parsePostcardJson(text: string): PostcardValue {
  const safe = text.replace(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, (match) =>
    /^-?\d+$/.test(match) && !Number.isSafeInteger(Number(match)) ? `"${match}"` : match,
  );
  return JSON.parse(safe) as PostcardValue;
}

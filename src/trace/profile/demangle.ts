/**
 * Rust symbol demangling, so profiles name a Rust guest's functions as people wrote them:
 * the v0 scheme (`_R...`, rustc's default since 1.9x; RFC 2603) and the legacy one
 * (`_ZN...17h<hash>E`). Names are printed in rustc-demangle's alternate form: no crate
 * disambiguators and no legacy hash (`<std::sync::once_lock::OnceLock<T>>::initialize`).
 *
 * Anything that does not parse completely is returned unchanged: a C name, a C++ name, a
 * malformed or truncated symbol. Demangling never throws.
 */

/** The demangled form of `name` when it is a Rust symbol, else `name` itself. */
export function demangle(name: string): string {
  if (name.startsWith('_R')) {
    // A v0 name has no dots: LLVM and the linker append suffixes (`.llvm.1234`, `.cold`, `.0`).
    const dot = name.indexOf('.');
    const out = demangleV0(dot < 0 ? name.slice(2) : name.slice(2, dot));
    return out === undefined ? name : out + (dot < 0 ? '' : name.slice(dot));
  }
  if (name.startsWith('_ZN')) {
    // Legacy names use `..` themselves: a suffix can only start after the closing `E`.
    for (let end = name.length; end > 3; end = name.lastIndexOf('.', end - 1)) {
      if (end < name.length && name[end - 1] !== 'E') continue;
      const out = demangleLegacy(name.slice(3, end));
      if (out !== undefined) return out + name.slice(end);
    }
  }
  return name;
}

// ------------------------------------------------------------------------- legacy

const LEGACY_ESCAPES: Readonly<Record<string, string>> = {
  SP: '@',
  BP: '*',
  RF: '&',
  LT: '<',
  GT: '>',
  LP: '(',
  RP: ')',
  C: ',',
};

/** `_ZN` already removed: length-prefixed components up to `E`. */
function demangleLegacy(s: string): string | undefined {
  const parts: string[] = [];
  let i = 0;
  while (i < s.length && s[i] !== 'E') {
    let len = 0;
    const digits = i;
    while (i < s.length && s[i]! >= '0' && s[i]! <= '9') len = len * 10 + (s.charCodeAt(i++) - 48);
    if (i === digits || len === 0 || i + len > s.length) return undefined;
    parts.push(s.slice(i, i + len));
    i += len;
  }
  if (i !== s.length - 1 || parts.length === 0) return undefined;
  // The last component is the hash: h followed by 16 hex digits.
  const last = parts[parts.length - 1]!;
  if (parts.length > 1 && /^h[0-9a-f]{16}$/.test(last)) parts.pop();
  const out: string[] = [];
  for (const part of parts) {
    const text = unescapeLegacy(part);
    if (text === undefined) return undefined;
    out.push(text);
  }
  return out.join('::');
}

function unescapeLegacy(part: string): string | undefined {
  let p = part.startsWith('_$') ? part.slice(1) : part;
  let out = '';
  while (p.length > 0) {
    if (p.startsWith('..')) {
      out += '::';
      p = p.slice(2);
    } else if (p[0] === '$') {
      const end = p.indexOf('$', 1);
      if (end < 0) return undefined;
      const code = p.slice(1, end);
      let ch = LEGACY_ESCAPES[code];
      if (ch === undefined && code.startsWith('u')) {
        const n = Number.parseInt(code.slice(1), 16);
        if (!Number.isFinite(n) || !/^[0-9a-f]+$/.test(code.slice(1))) return undefined;
        ch = String.fromCodePoint(n);
      }
      if (ch === undefined) return undefined;
      out += ch;
      p = p.slice(end + 1);
    } else {
      out += p[0];
      p = p.slice(1);
    }
  }
  return out;
}

// ----------------------------------------------------------------------------- v0

const BASIC_TYPES: Readonly<Record<string, string>> = {
  a: 'i8',
  b: 'bool',
  c: 'char',
  d: 'f64',
  e: 'str',
  f: 'f32',
  h: 'u8',
  i: 'isize',
  j: 'usize',
  l: 'i32',
  m: 'u32',
  n: 'i128',
  o: 'u128',
  s: 'i16',
  t: 'u16',
  u: '()',
  v: '...',
  x: 'i64',
  y: 'u64',
  z: '!',
  p: '_',
};

class Invalid extends Error {}

/** Deepest nesting of paths and types followed (a hostile symbol cannot blow the stack). */
const MAX_DEPTH = 200;

/** A v0 symbol (after `_R`): the path, then an optional instantiating crate, ignored. */
function demangleV0(s: string): string | undefined {
  if (s.length === 0 || (s[0]! >= '0' && s[0]! <= '9')) return undefined; // an encoding version: none is defined
  try {
    const p = new V0Printer(s);
    const out = p.path(true);
    if (p.pos < s.length) {
      // The instantiating crate: a path that must parse, printed by nobody.
      p.path(false);
    }
    if (p.pos !== s.length) return undefined;
    return out;
  } catch (e) {
    if (e instanceof Invalid || e instanceof RangeError) return undefined;
    throw e;
  }
}

class V0Printer {
  pos = 0;
  private depth = 0;
  /** Lifetimes bound by enclosing binders (for `'a`, `'b` names). */
  private boundLifetimes = 0;

  constructor(private readonly s: string) {}

  private peek(): string | undefined {
    return this.s[this.pos];
  }
  private eat(c: string): boolean {
    if (this.s[this.pos] === c) {
      this.pos++;
      return true;
    }
    return false;
  }
  private next(): string {
    const c = this.s[this.pos++];
    if (c === undefined) throw new Invalid();
    return c;
  }

  /** base-62-number: `_` is 0, else digits then `_`, value + 1. */
  private base62(): number {
    if (this.eat('_')) return 0;
    let x = 0;
    for (;;) {
      const c = this.next();
      if (c === '_') return x + 1;
      let d: number;
      if (c >= '0' && c <= '9') d = c.charCodeAt(0) - 48;
      else if (c >= 'a' && c <= 'z') d = c.charCodeAt(0) - 97 + 10;
      else if (c >= 'A' && c <= 'Z') d = c.charCodeAt(0) - 65 + 36;
      else throw new Invalid();
      // Disambiguators are 64-bit hashes: their value is never used, so precision may go.
      x = x * 62 + d;
    }
  }

  private optBase62(tag: string): number {
    return this.eat(tag) ? this.base62() + 1 : 0;
  }

  private decimal(): number {
    const start = this.pos;
    if (this.eat('0')) return 0;
    let x = 0;
    while (this.pos < this.s.length && this.s[this.pos]! >= '0' && this.s[this.pos]! <= '9') {
      x = x * 10 + (this.s.charCodeAt(this.pos++) - 48);
      if (x > this.s.length) throw new Invalid();
    }
    if (this.pos === start) throw new Invalid();
    return x;
  }

  /** undisambiguated-identifier: ["u"] decimal ["_"] bytes (punycode when "u"). */
  private ident(): string {
    const puny = this.eat('u');
    const len = this.decimal();
    this.eat('_');
    if (this.pos + len > this.s.length) throw new Invalid();
    const raw = this.s.slice(this.pos, this.pos + len);
    this.pos += len;
    return puny ? punycode(raw) : raw;
  }

  /** Runs `f` at the backref's position and comes back. */
  private backref<T>(f: () => T): T {
    const start = this.pos - 1;
    const target = this.base62();
    if (target >= start) throw new Invalid();
    const saved = this.pos;
    this.pos = target;
    try {
      return this.nested(f);
    } finally {
      this.pos = saved;
    }
  }

  private nested<T>(f: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new Invalid();
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  /** A path; `value` when it names a value (generic args then print as `::<...>`). */
  path(value: boolean): string {
    return this.nested(() => {
      const tag = this.next();
      switch (tag) {
        case 'C': {
          this.optBase62('s');
          return this.ident();
        }
        case 'M': {
          this.optBase62('s');
          this.path(false);
          return `<${this.type()}>`;
        }
        case 'X': {
          this.optBase62('s');
          this.path(false);
          const self = this.type();
          return `<${self} as ${this.path(false)}>`;
        }
        case 'Y': {
          const self = this.type();
          return `<${self} as ${this.path(false)}>`;
        }
        case 'N': {
          const ns = this.next();
          if (!/[a-zA-Z]/.test(ns)) throw new Invalid();
          const outer = this.path(value);
          const dis = this.optBase62('s');
          const name = this.ident();
          if (ns >= 'A' && ns <= 'Z') {
            const kind = ns === 'C' ? 'closure' : ns === 'S' ? 'shim' : ns;
            return `${outer}::{${kind}${name === '' ? '' : `:${name}`}#${dis}}`;
          }
          return name === '' ? outer : `${outer}::${name}`;
        }
        case 'I': {
          const outer = this.path(value);
          const args: string[] = [];
          while (!this.eat('E')) args.push(this.genericArg());
          return `${outer}${value ? '::' : ''}<${args.join(', ')}>`;
        }
        case 'B':
          return this.backref(() => this.path(value));
        default:
          throw new Invalid();
      }
    });
  }

  private genericArg(): string {
    if (this.eat('L')) return this.lifetime(this.base62());
    if (this.eat('K')) return this.constant();
    return this.type();
  }

  private lifetime(index: number): string {
    if (index === 0) return "'_";
    const depth = this.boundLifetimes - index;
    if (depth < 0) throw new Invalid();
    return depth < 26 ? `'${String.fromCharCode(97 + depth)}` : `'_${depth}`;
  }

  private binder<T>(f: (names: string[]) => T): T {
    const count = this.optBase62('G');
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const depth = this.boundLifetimes + i;
      names.push(depth < 26 ? `'${String.fromCharCode(97 + depth)}` : `'_${depth}`);
    }
    this.boundLifetimes += count;
    try {
      return f(names);
    } finally {
      this.boundLifetimes -= count;
    }
  }

  type(): string {
    return this.nested(() => {
      const tag = this.next();
      const basic = BASIC_TYPES[tag];
      if (basic !== undefined) return basic;
      switch (tag) {
        case 'C':
        case 'M':
        case 'X':
        case 'Y':
        case 'N':
        case 'I':
          this.pos--;
          return this.path(false);
        case 'A': {
          const t = this.type();
          return `[${t}; ${this.constant()}]`;
        }
        case 'S':
          return `[${this.type()}]`;
        case 'T': {
          const items: string[] = [];
          while (!this.eat('E')) items.push(this.type());
          return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
        }
        case 'R':
        case 'Q': {
          const lt = this.eat('L') ? this.base62() : 0;
          const prefix = lt === 0 ? '&' : `&${this.lifetime(lt)} `;
          return `${prefix}${tag === 'Q' ? 'mut ' : ''}${this.type()}`;
        }
        case 'P':
          return `*const ${this.type()}`;
        case 'O':
          return `*mut ${this.type()}`;
        case 'F':
          return this.binder((names) => {
            const unsafe = this.eat('U');
            let abi = '';
            if (this.eat('K')) abi = this.eat('C') ? 'C' : this.ident().replaceAll('_', '-');
            const params: string[] = [];
            while (!this.eat('E')) params.push(this.type());
            const ret = this.type();
            const forAll = names.length > 0 ? `for<${names.join(', ')}> ` : '';
            return `${forAll}${unsafe ? 'unsafe ' : ''}${abi !== '' ? `extern "${abi}" ` : ''}fn(${params.join(', ')})${ret === '()' ? '' : ` -> ${ret}`}`;
          });
        case 'D': {
          const bounds = this.binder((names) => {
            const traits: string[] = [];
            while (!this.eat('E')) {
              let t = this.path(false);
              const bindings: string[] = [];
              while (this.eat('p')) {
                const name = this.ident();
                bindings.push(`${name} = ${this.type()}`);
              }
              if (bindings.length > 0) t = t.endsWith('>') ? `${t.slice(0, -1)}, ${bindings.join(', ')}>` : `${t}<${bindings.join(', ')}>`;
              traits.push(t);
            }
            const forAll = names.length > 0 ? `for<${names.join(', ')}> ` : '';
            return forAll + traits.join(' + ');
          });
          if (!this.eat('L')) throw new Invalid();
          const lt = this.base62();
          return `dyn ${bounds}${lt === 0 ? '' : ` + ${this.lifetime(lt)}`}`;
        }
        case 'B':
          return this.backref(() => this.type());
        default:
          throw new Invalid();
      }
    });
  }

  /** A const generic argument: a typed value, `_` (placeholder) or a backref. */
  private constant(): string {
    return this.nested(() => {
      if (this.eat('p')) return '_';
      if (this.eat('B')) return this.backref(() => this.constant());
      const tag = this.next();
      switch (tag) {
        case 'h': case 't': case 'm': case 'y': case 'o': case 'j': // unsigned
          return this.constInt(false);
        case 'a': case 's': case 'l': case 'x': case 'n': case 'i': // signed
          return this.constInt(true);
        case 'b': {
          const v = this.constHex();
          if (v === 0n) return 'false';
          if (v === 1n) return 'true';
          throw new Invalid();
        }
        case 'c': {
          const v = this.constHex();
          if (v > 0x10ffffn) throw new Invalid();
          return `'${String.fromCodePoint(Number(v))}'`;
        }
        case 'e': {
          // a string: its UTF-8 bytes as hex pairs
          const start = this.pos;
          while (this.peek() !== '_') this.next();
          const hex = this.s.slice(start, this.pos);
          this.pos++;
          if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) throw new Invalid();
          const bytes = Uint8Array.from({ length: hex.length / 2 }, (_, i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16));
          return JSON.stringify(new TextDecoder().decode(bytes));
        }
        case 'R':
        case 'Q':
          return `&${tag === 'Q' ? 'mut ' : ''}${this.constant()}`;
        case 'A': {
          const items: string[] = [];
          while (!this.eat('E')) items.push(this.constant());
          return `[${items.join(', ')}]`;
        }
        case 'T': {
          const items: string[] = [];
          while (!this.eat('E')) items.push(this.constant());
          return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
        }
        case 'V': {
          const name = this.path(true);
          if (this.eat('U')) return name;
          if (this.eat('T')) {
            const items: string[] = [];
            while (!this.eat('E')) items.push(this.constant());
            return `${name}(${items.join(', ')})`;
          }
          if (this.eat('S')) {
            const fields: string[] = [];
            while (!this.eat('E')) {
              this.optBase62('s');
              const field = this.ident();
              fields.push(`${field}: ${this.constant()}`);
            }
            return `${name} { ${fields.join(', ')} }`;
          }
          throw new Invalid();
        }
        default:
          throw new Invalid();
      }
    });
  }

  private constInt(signed: boolean): string {
    const negative = signed && this.eat('n');
    const v = this.constHex();
    return `${negative ? '-' : ''}${v.toString()}`;
  }

  private constHex(): bigint {
    const start = this.pos;
    while (this.peek() !== '_') {
      const c = this.next();
      if (!/[0-9a-f]/.test(c)) throw new Invalid();
    }
    const hex = this.s.slice(start, this.pos);
    this.pos++;
    return hex === '' ? 0n : BigInt(`0x${hex}`);
  }
}

/** RFC 3492 punycode, with v0's `_` in place of the `-` delimiter. */
function punycode(input: string): string {
  const delim = input.lastIndexOf('_');
  const output: number[] = [];
  if (delim > 0) for (const ch of input.slice(0, delim)) output.push(ch.charCodeAt(0));
  const base = 36;
  const tMin = 1;
  const tMax = 26;
  let n = 128;
  let i = 0;
  let bias = 72;
  let pos = delim > 0 ? delim + 1 : 0;
  const digit = (c: string): number => {
    if (c >= 'a' && c <= 'z') return c.charCodeAt(0) - 97;
    if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48 + 26;
    throw new Invalid();
  };
  while (pos < input.length) {
    const oldI = i;
    let w = 1;
    for (let k = base; ; k += base) {
      if (pos >= input.length) throw new Invalid();
      const d = digit(input[pos++]!);
      i += d * w;
      const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
      if (d < t) break;
      w *= base - t;
      if (i > 0x10ffff * 64) throw new Invalid();
    }
    // adapt the bias
    let delta = oldI === 0 ? Math.floor((i - oldI) / 700) : Math.floor((i - oldI) / 2);
    delta += Math.floor(delta / (output.length + 1));
    let k = 0;
    while (delta > ((base - tMin) * tMax) >> 1) {
      delta = Math.floor(delta / (base - tMin));
      k += base;
    }
    bias = k + Math.floor(((base - tMin + 1) * delta) / (delta + 38));
    n += Math.floor(i / (output.length + 1));
    i %= output.length + 1;
    if (n > 0x10ffff) throw new Invalid();
    output.splice(i, 0, n);
    i++;
  }
  return String.fromCodePoint(...output);
}

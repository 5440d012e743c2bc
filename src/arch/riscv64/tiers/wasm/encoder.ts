/**
 * A small WebAssembly binary encoder: just what the wasm tier emits (one function per
 * module plus helpers, an imported memory and imported functions). Written here rather
 * than taken from npm: the maintained encoders are AST printers or whole toolchains
 * (binaryen), far more than a run-time code generator needs, and a few hundred bytes of
 * module per region must be cheap to build.
 */

/** Value types. */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;
/** The empty block type. */
export const VOID = 0x40;

/** Opcodes used by the tier (the MVP set plus sign extension). */
export const Op = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  brTable: 0x0e,
  return: 0x0f,
  call: 0x10,
  callIndirect: 0x11,
  drop: 0x1a,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i64Load: 0x29,
  f64Load: 0x2b,
  i64Load8S: 0x30,
  i64Load8U: 0x31,
  i64Load16S: 0x32,
  i64Load16U: 0x33,
  i64Load32S: 0x34,
  i64Load32U: 0x35,
  i32Store: 0x36,
  i64Store: 0x37,
  i64Store8: 0x3c,
  i64Store16: 0x3d,
  i64Store32: 0x3e,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32LeS: 0x4c,
  i32GeS: 0x4e,
  i64Eqz: 0x50,
  i64Eq: 0x51,
  i64Ne: 0x52,
  i64LtS: 0x53,
  i64LtU: 0x54,
  i64GtS: 0x55,
  i64GtU: 0x56,
  i64GeS: 0x59,
  i64GeU: 0x5a,
  f32Load: 0x2a,
  f32Store: 0x38,
  f64Store: 0x39,
  f32DemoteF64: 0xb6,
  f64PromoteF32: 0xbb,
  f64Eq: 0x61,
  f64Ne: 0x62,
  f64Lt: 0x63,
  f64Gt: 0x64,
  f64Ge: 0x66,
  f64Abs: 0x99,
  f64Neg: 0x9a,
  f64Sqrt: 0x9f,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  i64ReinterpretF64: 0xbd,
  f64ReinterpretI64: 0xbf,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32DivS: 0x6d,
  i32DivU: 0x6e,
  i32RemS: 0x6f,
  i32RemU: 0x70,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  i32ShrU: 0x76,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64DivS: 0x7f,
  i64DivU: 0x80,
  i64RemS: 0x81,
  i64RemU: 0x82,
  i64And: 0x83,
  i64Or: 0x84,
  i64Xor: 0x85,
  i64Shl: 0x86,
  i64ShrS: 0x87,
  i64ShrU: 0x88,
  i32WrapI64: 0xa7,
  i32TruncF64U: 0xab,
  i64ExtendI32S: 0xac,
  i64ExtendI32U: 0xad,
  f64ConvertI32U: 0xb8,
  f64ConvertI64U: 0xba,
  i32Extend8S: 0xc0,
  i32Extend16S: 0xc1,
} as const;

/** Appends the unsigned LEB128 of `n` (0 ≤ n < 2^32). */
export function uleb(out: number[], n: number): void {
  let v = n >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
}

/** Appends the signed LEB128 of `n` (any bigint in the i64 range). */
export function sleb(out: number[], n: bigint): void {
  let v = BigInt.asIntN(64, n);
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** Appends the signed LEB128 of an int32. */
export function sleb32(out: number[], n: number): void {
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** A function body under construction. */
export class Code {
  readonly bytes: number[] = [];

  op(...ops: number[]): this {
    for (const o of ops) this.bytes.push(o);
    return this;
  }

  i32(n: number): this {
    this.bytes.push(Op.i32Const);
    sleb32(this.bytes, n);
    return this;
  }

  i64(n: bigint | number): this {
    this.bytes.push(Op.i64Const);
    if (typeof n === 'number' && Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff) sleb32(this.bytes, n);
    else sleb(this.bytes, BigInt(n));
    return this;
  }

  f64(value: number): this {
    this.bytes.push(0x44);
    const bytes = new Uint8Array(new Float64Array([value]).buffer);
    for (let i = 0; i < 8; i++) this.bytes.push(bytes[i]!);
    return this;
  }

  get(local: number): this {
    this.bytes.push(Op.localGet);
    uleb(this.bytes, local);
    return this;
  }

  set(local: number): this {
    this.bytes.push(Op.localSet);
    uleb(this.bytes, local);
    return this;
  }

  tee(local: number): this {
    this.bytes.push(Op.localTee);
    uleb(this.bytes, local);
    return this;
  }

  /** A load or store with alignment `align` (log2) and a constant offset. */
  mem(op: number, align: number, offset: number): this {
    this.bytes.push(op);
    uleb(this.bytes, align);
    uleb(this.bytes, offset);
    return this;
  }

  call(index: number): this {
    this.bytes.push(Op.call);
    uleb(this.bytes, index);
    return this;
  }

  brIf(depth: number): this {
    this.bytes.push(Op.brIf);
    uleb(this.bytes, depth);
    return this;
  }

  /** `call_indirect` through table 0 with type index `type`. */
  callIndirect(type: number): this {
    this.bytes.push(Op.callIndirect);
    uleb(this.bytes, type);
    this.bytes.push(0x00);
    return this;
  }

  br(depth: number): this {
    this.bytes.push(Op.br);
    uleb(this.bytes, depth);
    return this;
  }

  /** `if` with a block type (VOID or a value type). */
  if(type: number = VOID): this {
    this.bytes.push(Op.if, type);
    return this;
  }
}

export interface FuncType {
  readonly params: readonly number[];
  readonly results: readonly number[];
}

export interface ModuleFunction {
  readonly type: FuncType;
  /** Locals beyond the parameters, by type, in order. */
  readonly locals: readonly number[];
  readonly code: Code;
  /** Exported under this name, if given. */
  readonly export?: string;
}

function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  uleb(out, body.length);
  for (let i = 0; i < body.length; i++) out.push(body[i]!);
}

function name(out: number[], s: string): void {
  uleb(out, s.length);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

/**
 * A module importing the shared memory `env.memory` (at most `memoryPages` pages), the functions
 * `imports` (`env.<name>`) and, when `table` is given, the function table `env.table` whose
 * `call_indirect`s use the type `table.type` (type index 0); it defines `functions` (indices
 * follow the imports').
 */
export function encodeModule(
  memoryPages: number,
  imports: readonly { name: string; type: FuncType }[],
  functions: readonly ModuleFunction[],
  table?: { readonly type: FuncType },
): Uint8Array {
  const types: FuncType[] = [];
  const typeIndex = (t: FuncType): number => {
    const key = (u: FuncType): string => `${u.params.join(',')}:${u.results.join(',')}`;
    let i = types.findIndex((u) => key(u) === key(t));
    if (i < 0) i = types.push(t) - 1;
    return i;
  };
  if (table !== undefined) typeIndex(table.type);
  const importTypes = imports.map((f) => typeIndex(f.type));
  const funcTypes = functions.map((f) => typeIndex(f.type));

  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const typeSec: number[] = [];
  uleb(typeSec, types.length);
  for (const t of types) {
    typeSec.push(0x60);
    uleb(typeSec, t.params.length);
    typeSec.push(...t.params);
    uleb(typeSec, t.results.length);
    typeSec.push(...t.results);
  }
  section(out, 1, typeSec);

  const importSec: number[] = [];
  uleb(importSec, imports.length + 1 + (table === undefined ? 0 : 1));
  if (table !== undefined) {
    name(importSec, 'env');
    name(importSec, 'table');
    // funcref, no maximum, at least one entry
    importSec.push(0x01, 0x70, 0x00, 0x01);
  }
  name(importSec, 'env');
  name(importSec, 'memory');
  // A shared memory (limits flag 3: min and max): views of it survive its growth.
  importSec.push(0x02, 0x03);
  uleb(importSec, 1);
  uleb(importSec, memoryPages);
  imports.forEach((f, i) => {
    name(importSec, 'env');
    name(importSec, f.name);
    importSec.push(0x00);
    uleb(importSec, importTypes[i]!);
  });
  section(out, 2, importSec);

  const funcSec: number[] = [];
  uleb(funcSec, functions.length);
  for (const t of funcTypes) uleb(funcSec, t);
  section(out, 3, funcSec);

  const exportSec: number[] = [];
  const exported = functions.map((f, i) => [f.export, i + imports.length] as const).filter(([e]) => e !== undefined);
  uleb(exportSec, exported.length);
  for (const [e, index] of exported) {
    name(exportSec, e!);
    exportSec.push(0x00);
    uleb(exportSec, index);
  }
  section(out, 7, exportSec);

  // The code section: bodies are the bulk of the module, copied once into the result.
  const bodies: Uint8Array[] = [];
  let codeSize = 0;
  for (const f of functions) {
    const head: number[] = [];
    // Locals as runs of one type.
    const runs: [number, number][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    uleb(head, runs.length);
    for (const [count, t] of runs) {
      uleb(head, count);
      head.push(t);
    }
    const code = f.code.bytes;
    const size = head.length + code.length + 1;
    const prefix: number[] = [];
    uleb(prefix, size);
    const body = new Uint8Array(prefix.length + size);
    body.set(prefix, 0);
    body.set(head, prefix.length);
    body.set(code, prefix.length + head.length);
    body[body.length - 1] = Op.end;
    bodies.push(body);
    codeSize += body.length;
  }
  const count: number[] = [];
  uleb(count, functions.length);
  const sectionHead: number[] = [10];
  uleb(sectionHead, count.length + codeSize);
  const result = new Uint8Array(out.length + sectionHead.length + count.length + codeSize);
  let at = 0;
  for (const part of [out, sectionHead, count]) {
    result.set(part, at);
    at += part.length;
  }
  for (const body of bodies) {
    result.set(body, at);
    at += body.length;
  }
  return result;
}

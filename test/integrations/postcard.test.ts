import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';
import {
  PostcardError,
  PostcardSchemaError,
  parsePostcardJson,
  parseSchema,
  postcardDecode,
  postcardEncode,
  postcardTake,
  type PostcardType,
  type PostcardValue,
} from '../../src/integrations/jolt/index.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const bytes = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

describe('postcardEncode', () => {
  // The vectors follow the postcard 1.x wire-format specification.
  it.each<[string, PostcardValue, string]>([
    ['u8', 255, 'ff'],
    ['i8', -1, 'ff'],
    ['u16', 65535, 'ffff03'],
    ['u32', 0, '00'],
    ['u32', 127, '7f'],
    ['u32', 128, '8001'],
    ['u32', 300, 'ac02'],
    ['u32', 4294967295, 'ffffffff0f'],
    ['i32', -1, '01'],
    ['i32', 1, '02'],
    ['i32', -64, '7f'],
    ['i32', 64, '8001'],
    ['i16', -32768, 'ffff03'],
    ['u64', '18446744073709551615', 'ffffffffffffffffff01'],
    ['i64', '-9223372036854775808', 'ffffffffffffffffff01'],
    ['u128', '340282366920938463463374607431768211455', 'ffffffffffffffffffffffffffffffffffff03'],
    ['f32', 1.5, '0000c03f'],
    ['f64', -2, '00000000000000c0'],
    ['bool', true, '01'],
    ['bool', false, '00'],
    ['string', 'hi', '026869'],
    ['string', 'é', '02c3a9'],
    ['char', '€', '03e282ac'],
    ['bytes', '0xdead', '02dead'],
    ['bytes', [1, 2, 3], '03010203'],
    ['[u32]', [1, 300], '0201ac02'],
    ['Vec<u8>', '0x0102', '020102'],
    ['[u8; 4]', [1, 2, 3, 4], '01020304'],
    ['[u16; 2]', [1, 2], '0102'],
    ['()', null, ''],
    ['(u32, string)', [5, 'hi'], '05026869'],
    ['(u8,)', [9], '09'],
    ['{a: u32, b: [u8]}', { a: 1, b: [2] }, '010102'],
    ['Option<u8>', null, '00'],
    ['Option<u8>', 7, '0107'],
    ['enum{A, B(u32)}', 'A', '00'],
    ['enum{A, B(u32)}', { B: 5 }, '0105'],
    ['enum{A, B(u8, u8), C{x: i8}}', { B: [1, 2] }, '010102'],
    ['enum{A, B(u8, u8), C{x: i8}}', { C: { x: -1 } }, '02ff'],
  ])('should encode %s %j as %s', (schema, value, expected) => {
    expect(hex(postcardEncode(schema, value))).toBe(expected);
    expect(postcardDecode(schema, bytes(expected), { trailing: 'error' })).toEqual(
      // Decode gives bytes as hex and u8 arrays as numbers; everything else as written.
      schema === 'bytes' ? '0x' + expected.slice(2) : schema === 'Vec<u8>' ? [1, 2] : value,
    );
  });

  it('should take bigints and decimal strings for any integer, and give big values back as strings', () => {
    expect(hex(postcardEncode('u64', 2n ** 64n - 1n))).toBe('ffffffffffffffffff01');
    expect(hex(postcardEncode('u32', '300'))).toBe('ac02');
    expect(postcardDecode('u64', bytes('ffffffffffffffffff01'))).toBe('18446744073709551615');
    expect(postcardDecode('u64', bytes('ffffffffffffff0f'))).toBe(2 ** 53 - 1);
    expect(postcardDecode('u64', bytes('8080808080808010'))).toBe('9007199254740992');
  });

  describe('when the value does not fit the schema', () => {
    it.each<[string, PostcardValue, RegExp]>([
      ['u8', 256, /^\$: 256 is out of range for u8$/],
      ['u32', -1, /out of range for u32/],
      ['i8', 128, /out of range for i8/],
      ['u64', 2 ** 64, /beyond 2\^53.*decimal string/],
      ['u32', 1.5, /expected u32/],
      ['bool', 1, /expected a bool/],
      ['{a: u32, b: [u8]}', { a: 1, b: [2, 300] }, /^\$\.b\[1\]: 300 is out of range for u8$/],
      ['{a: u32}', {}, /missing field 'a'/],
      ['{a: u32}', { a: 1, z: 2 }, /unknown field 'z'/],
      ['[u8; 2]', [1], /expected 2 items, found 1/],
      ['enum{A, B(u32)}', 'C', /no variant 'C'/],
      ['enum{A, B(u32)}', 'B', /variant 'B' needs a value/],
      ['(u32, enum{A, C{x: i8}})', [1, { C: { x: 200 } }], /^\$\[1\]\.C\.x: 200 is out of range for i8$/],
      ['char', 'ab', /one character/],
      ['string', '\ud800', /lone surrogate/],
      ['bytes', '0xabc', /even number of hex digits/],
    ])('should refuse %s %j with a message naming the field', (schema, value, message) => {
      const act = () => postcardEncode(schema, value);
      expect(act).toThrow(PostcardError);
      expect(act).toThrow(message);
    });
  });
});

describe('postcardDecode', () => {
  describe('when the bytes are malformed', () => {
    it.each<[string, string, RegExp]>([
      ['u32', '8080808080', /longer than the 5 bytes a 32-bit integer may take/],
      ['u16', '808080', /longer than the 3 bytes/],
      ['u64', '80808080808080808080', /longer than the 10 bytes/],
      ['u32', 'ffffffff1f', /overflows 32 bits/],
      ['u16', 'ffff04', /overflows 16 bits/],
      ['u64', 'ffffffffffffffffff02', /overflows 64 bits/],
      ['i64', 'ffffffffffffffffff03', /overflows 64 bits/],
      ['bool', '02', /^\$: byte 0 is 2: a bool is 0 or 1$/],
      ['Option<u8>', '02', /an Option tag is 0 or 1/],
      ['u32', '80', /the input ends at byte 1/],
      ['f64', '000000', /needs 8 bytes at byte 0, only 3 left/],
      ['string', '0568', /needs 5 bytes/],
      ['{a: u8, s: string}', '0102c328', /^\$\.s: the string at byte 1 is not valid UTF-8$/],
      ['enum{A, B(u32)}', '02', /variant index 2 at byte 0: the enum has 2 variants/],
      ['[u64]', 'ffffffff0f', /a length of 4294967295 items at byte 5 is past the end/],
      ['char', '026869', /holds 2 characters/],
    ])('should refuse %s from %s', (schema, input, message) => {
      const act = () => postcardDecode(schema, bytes(input), { trailing: 'allow' });
      expect(act).toThrow(PostcardError);
      expect(act).toThrow(message);
    });
  });

  it('should accept a redundant zero continuation within the maximum length, as postcard does', () => {
    expect(postcardDecode('u32', bytes('8000'))).toBe(0);
  });

  describe('when bytes follow the value', () => {
    it('should accept zero padding by default, as in Jolt\'s output region', () => {
      expect(postcardDecode('(u32, bool)', bytes('ac0201000000'))).toEqual([300, true]);
    });
    it('should refuse anything but zeros by default', () => {
      expect(() => postcardDecode('u32', bytes('ac020007'))).toThrow(/^\$: byte 3 after the value is 7, not zero padding$/);
    });
    it('should refuse any byte under trailing: error', () => {
      expect(() => postcardDecode('u32', bytes('ac0200'), { trailing: 'error' })).toThrow(/1 bytes follow the value at byte 2/);
    });
    it('should ignore them under trailing: allow', () => {
      expect(postcardDecode('u32', bytes('ac02ffff'), { trailing: 'allow' })).toBe(300);
    });
  });

  it('should take arguments one after another as the guest does (postcardTake)', () => {
    const input = new Uint8Array([...postcardEncode('u32', 300), ...postcardEncode('string', 'hi')]);
    const first = postcardTake('u32', input);
    expect(first.value).toBe(300);
    const second = postcardTake('string', first.rest);
    expect(second.value).toBe('hi');
    expect(second.rest.length).toBe(0);
    expect(postcardDecode('(u32, string)', input, { trailing: 'error' })).toEqual([300, 'hi']);
  });
});

describe('parseSchema', () => {
  it('should parse nested types', () => {
    expect(parseSchema('{a: [u8; 32], b: Option<(u32, i64)>, c: enum{A, B(u8), C{x: i8},}}')).toEqual({
      kind: 'struct',
      fields: [
        { name: 'a', type: { kind: 'array', item: { kind: 'uint', bits: 8, name: 'u8' }, length: 32 } },
        {
          name: 'b',
          type: { kind: 'option', item: { kind: 'tuple', items: [{ kind: 'uint', bits: 32, name: 'u32' }, { kind: 'int', bits: 64, name: 'i64' }] } },
        },
        {
          name: 'c',
          type: {
            kind: 'enum',
            variants: [
              { name: 'A', shape: 'unit' },
              { name: 'B', shape: 'newtype', type: { kind: 'uint', bits: 8, name: 'u8' } },
              { name: 'C', shape: 'struct', fields: [{ name: 'x', type: { kind: 'int', bits: 8, name: 'i8' } }] },
            ],
          },
        },
      ],
    });
  });
  it.each([
    ['u33', /expected a type .* at offset 0, found 'u33'/],
    ['[u8; x]', /expected an array length at offset 5/],
    ['(u8 u8)', /expected ',' or '\)' at offset 4/],
    ['{a: u8, a: u8}', /field 'a' appears twice/],
    ['enum{}', /at least one variant/],
    ['u8 u8', /expected the end of the schema at offset 3/],
    ['u8 $', /expected the end of the schema at offset 3, found '\$'/],
    ['Option<u8', /expected '>' at offset 9, found the end/],
  ])('should refuse %s', (text, message) => {
    expect(() => parseSchema(text)).toThrow(PostcardSchemaError);
    expect(() => parseSchema(text)).toThrow(message);
  });
});

describe('parsePostcardJson', () => {
  it('should keep integers beyond 2^53 exact as strings and leave the rest alone', () => {
    expect(parsePostcardJson('[18446744073709551615, -9223372036854775808, 12, 1.5e300, 0.12345678901234567, "99999999999999999999"]')).toEqual([
      '18446744073709551615',
      '-9223372036854775808',
      12,
      1.5e300,
      0.12345678901234567,
      '99999999999999999999',
    ]);
  });
});

// ---------------------------------------------------------------------------------------
// Property tests: arbitrary schemas, arbitrary values of them, encode → decode → the same.

const U8: PostcardType = { kind: 'uint', bits: 8, name: 'u8' };
const leaf = fc.constantFrom<PostcardType>(
  U8,
  ...(['u16', 'u32', 'u64', 'u128', 'i8', 'i16', 'i32', 'i64', 'i128', 'f32', 'f64', 'bool', 'char', 'string', 'bytes', '()'] as const).map((s) => parseSchema(s)),
);
const name = fc.constantFrom('a', 'b', 'c', 'x', 'y');
const uniqueFields = (type: fc.Arbitrary<PostcardType>) =>
  fc.uniqueArray(fc.record({ name, type }), { selector: (f) => f.name, maxLength: 3 });

const { schema: schemaArb } = fc.letrec<{ schema: PostcardType }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constant('seq' as const), item: tie('schema') }),
    fc.record({ kind: fc.constant('array' as const), item: tie('schema'), length: fc.integer({ min: 0, max: 4 }) }),
    fc.record({ kind: fc.constant('tuple' as const), items: fc.array(tie('schema'), { minLength: 2, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('struct' as const), fields: uniqueFields(tie('schema')) }),
    fc.record({ kind: fc.constant('option' as const), item: tie('schema') }),
    fc.record({
      kind: fc.constant('enum' as const),
      variants: fc.uniqueArray(
        fc.oneof(
          fc.record({ name, shape: fc.constant('unit' as const) }),
          fc.record({ name, shape: fc.constant('newtype' as const), type: tie('schema') }),
          fc.record({ name, shape: fc.constant('tuple' as const), items: fc.array(tie('schema'), { minLength: 2, maxLength: 3 }) }),
          fc.record({ name, shape: fc.constant('struct' as const), fields: uniqueFields(tie('schema')) }),
        ),
        { selector: (v) => v.name, minLength: 1, maxLength: 4 },
      ),
    }),
  ),
}));

/** A JSON integer as decode gives it: a number when safe, else a decimal string. */
const asJson = (n: bigint): PostcardValue => (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString());

/** A value of the schema, in the form decode gives back. Option<Option<T>> is left out of values: JSON null cannot tell Some(None) from None. */
function valueOf(t: PostcardType): fc.Arbitrary<PostcardValue> {
  switch (t.kind) {
    case 'uint':
      return fc.bigInt({ min: 0n, max: (1n << BigInt(t.bits)) - 1n }).map(asJson);
    case 'int':
      return fc.bigInt({ min: -(1n << BigInt(t.bits - 1)), max: (1n << BigInt(t.bits - 1)) - 1n }).map(asJson);
    case 'float':
      return (t.bits === 32 ? fc.float({ noNaN: true, noDefaultInfinity: true }) : fc.double({ noNaN: true, noDefaultInfinity: true })).map((f) => (Object.is(f, -0) ? 0 : f));
    case 'bool':
      return fc.boolean();
    case 'char':
      return fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 });
    case 'string':
      return fc.string({ unit: 'binary', maxLength: 8 });
    case 'bytes':
      return fc.uint8Array({ maxLength: 8 }).map((b) => '0x' + hex(b));
    case 'unit':
      return fc.constant(null);
    case 'seq':
      return fc.array(valueOf(t.item), { maxLength: 3 });
    case 'array':
      return fc.array(valueOf(t.item), { minLength: t.length, maxLength: t.length });
    case 'tuple':
      return fc.tuple(...t.items.map(valueOf));
    case 'struct':
      return fc.record(Object.fromEntries(t.fields.map((f) => [f.name, valueOf(f.type)])));
    case 'option':
      return t.item.kind === 'option' || t.item.kind === 'unit' ? fc.constant(null) : fc.option(valueOf(t.item), { nil: null });
    case 'enum':
      return fc.oneof(
        ...t.variants.map((v): fc.Arbitrary<PostcardValue> => {
          switch (v.shape) {
            case 'unit':
              return fc.constant(v.name);
            case 'newtype':
              return valueOf(v.type).map((x) => ({ [v.name]: x }));
            case 'tuple':
              return fc.tuple(...v.items.map(valueOf)).map((x) => ({ [v.name]: x }));
            case 'struct':
              return fc.record(Object.fromEntries(v.fields.map((f) => [f.name, valueOf(f.type)]))).map((x) => ({ [v.name]: x }));
          }
        }),
      );
  }
}

describe('postcard round trip', () => {
  it('should decode what it encodes, for arbitrary schemas and values', () => {
    fc.assert(
      fc.property(
        schemaArb.chain((t) => fc.tuple(fc.constant(t), valueOf(t))),
        ([t, value]) => {
          const encoded = postcardEncode(t, value);
          // f32 values are floats already, so they survive exactly.
          expect(postcardDecode(t, encoded, { trailing: 'error' })).toEqual(value);
          // Jolt's host decodes from a zero-padded region.
          expect(postcardDecode(t, new Uint8Array([...encoded, 0, 0, 0]))).toEqual(value);
          // Every strict prefix is refused (a complete value of a zero-sized type aside).
          if (encoded.length > 0) expect(() => postcardDecode(t, encoded.subarray(0, encoded.length - 1), { trailing: 'allow' })).toThrow(PostcardError);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('should encode integers as the reference varint and zigzag do', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n) => {
        const zigzag = n < 0n ? -2n * n - 1n : 2n * n;
        const encoded = postcardEncode('i64', n);
        let decoded = 0n;
        encoded.forEach((b, k) => (decoded |= BigInt(b & 0x7f) << BigInt(7 * k)));
        expect(decoded).toBe(zigzag);
        expect(encoded.length).toBe(Math.max(1, Math.ceil(zigzag.toString(2).length / 7)));
        expect(encoded.slice(0, -1).every((b) => b & 0x80)).toBe(true);
        expect(encoded[encoded.length - 1]! & 0x80).toBe(0);
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------
// The CLI (the built one: `npm run build` first).

const root = join(import.meta.dirname, '..', '..');

function zeroos(args: string[], input = '') {
  const run = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), ...args], { cwd: root, encoding: 'utf8', input });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('zeroos postcard', () => {
  it('should encode a JSON value to hex', () => {
    expect(zeroos(['postcard', 'encode', '--schema', '(u32, string, u64)', '[300, "hi", 18446744073709551615]'])).toEqual({
      code: 0,
      stdout: 'ac02026869ffffffffffffffffff01\n',
      stderr: '',
    });
  });
  it('should read the value from stdin when no argument is given', () => {
    expect(zeroos(['postcard', 'encode', '--schema', 'Option<u8>'], '7\n').stdout).toBe('0107\n');
  });
  it('should decode hex to JSON, big integers as strings', () => {
    expect(zeroos(['postcard', 'decode', '--schema', '(u32, string, u64)', '0xac02026869ffffffffffffffffff01000000'])).toEqual({
      code: 0,
      stdout: '[300,"hi","18446744073709551615"]\n',
      stderr: '',
    });
  });
  it('should write raw bytes with --out-file and read them with --in-file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zeroos-postcard-'));
    const file = join(dir, 'input.bin');
    const schema = '{a: enum{A, B(u32)}, b: [u8; 2]}';
    expect(zeroos(['postcard', 'encode', '--schema', schema, '--out-file', file, '{"a": {"B": 5}, "b": "0x0a0b"}']).code).toBe(0);
    expect(hex(readFileSync(file))).toBe('01050a0b');
    writeFileSync(file, bytes('01050a0b0000'));
    expect(zeroos(['postcard', 'decode', '--schema', schema, '--in-file', file]).stdout).toBe('{"a":{"B":5},"b":[10,11]}\n');
    expect(zeroos(['postcard', 'decode', '--schema', schema, '--trailing', 'error', '--in-file', file]).code).toBe(EXIT_CODES.usage);
  });
  it.each([
    [['encode', '--schema', 'u33', '1'], /PostcardSchemaError: schema: expected a type/],
    [['encode', '--schema', 'u8', '[1'], /PostcardInputError: the value is not JSON/],
    [['encode', '--schema', '{a: u8}', '{"a": 256}'], /PostcardError: \$\.a: 256 is out of range for u8/],
    [['decode', '--schema', 'bool', '02'], /PostcardError: \$: byte 0 is 2: a bool is 0 or 1/],
    [['decode', '--schema', 'u8', 'xyz'], /PostcardInputError: expected the bytes as an even number of hex digits/],
  ])('should exit 64 with one line for postcard %j', (args, message) => {
    const run = zeroos(['postcard', ...args]);
    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { EXIT_CODES, ZeroOSError } from '../../errors.js';
import { parsePostcardJson, parseSchema, postcardDecode, postcardEncode, type TrailingBytes } from '../../integrations/jolt/postcard.js';
import { writeDiagnostic } from '../host-io.js';

/** A bad JSON value, hex string or file on the postcard command line: exit 64. */
class PostcardInputError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
}

function readHost(path: string | number): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new PostcardInputError(`cannot read ${path === 0 ? 'stdin' : path}: ${(error as Error).message}`);
  }
}

function parseJsonArgument(text: string): ReturnType<typeof parsePostcardJson> {
  try {
    return parsePostcardJson(text);
  } catch (error) {
    throw new PostcardInputError(`the value is not JSON: ${(error as Error).message}`);
  }
}

function parseHex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '').replace(/^0x/i, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) throw new PostcardInputError('expected the bytes as an even number of hex digits (0x optional)');
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

const hexOf = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** `zeroos postcard encode|decode`: Jolt's input and output bytes from and to JSON. */
export function addPostcardCommand(program: Command): void {
  const postcard = program
    .command('postcard')
    .description('encode or decode Jolt inputs and outputs (the Rust postcard wire format)')
    .addHelpText(
      'after',
      `
Schemas: u8..u128 i8..i128 usize isize f32 f64 bool char string bytes, [T] (sequence),
[T; N] (fixed array), () (unit), (T, U) (tuple), {a: T, b: U} (struct), Option<T>,
enum{A, B(T), C{x: T}}. Several arguments of a Jolt function encode as one tuple.
Values are JSON: big integers as decimal strings, bytes as "0x…" or [1, 2], Option as
null or the value, enums as "A", {"B": 5}, {"C": {"x": -1}}.`,
    );

  postcard
    .command('encode')
    .description('JSON value (argument or stdin) → postcard bytes, printed as hex')
    .requiredOption('--schema <schema>', 'the value\'s type, e.g. \'(u32, string)\'')
    .option('--out-file <file>', 'write the raw bytes to this file instead of printing hex')
    .argument('[json]', 'the value (default: read from stdin)')
    .action((json: string | undefined, options: { schema: string; outFile?: string }) => {
      const schema = parseSchema(options.schema);
      const value = parseJsonArgument(json ?? readHost(0).toString('utf8'));
      const bytes = postcardEncode(schema, value);
      if (options.outFile === undefined) {
        writeDiagnostic(1, hexOf(bytes) + '\n');
        return;
      }
      try {
        writeFileSync(options.outFile, bytes);
      } catch (error) {
        throw new PostcardInputError(`cannot write ${options.outFile}: ${(error as Error).message}`);
      }
    });

  postcard
    .command('decode')
    .description('postcard bytes (hex argument or --in-file) → JSON')
    .requiredOption('--schema <schema>', 'the value\'s type, e.g. \'(u32, string)\'')
    .option('--in-file <file>', 'read raw bytes from this file')
    .addOption(
      new Option('--trailing <mode>', 'bytes after the value: zeros (only zero padding, as in Jolt\'s output region), error or allow')
        .choices(['zeros', 'error', 'allow'])
        .default('zeros'),
    )
    .argument('[hex]', 'the bytes as hex')
    .action((hex: string | undefined, options: { schema: string; inFile?: string; trailing: TrailingBytes }) => {
      const schema = parseSchema(options.schema);
      if ((hex === undefined) === (options.inFile === undefined)) throw new PostcardInputError('give the bytes either as a hex argument or with --in-file');
      const bytes = hex !== undefined ? parseHex(hex) : new Uint8Array(readHost(options.inFile!));
      const value = postcardDecode(schema, bytes, { trailing: options.trailing });
      writeDiagnostic(1, JSON.stringify(value) + '\n');
    });
}

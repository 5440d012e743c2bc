import { readFileSync, writeFileSync } from 'node:fs';
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

/** `zeroos postcard encode`: a JSON value → postcard bytes (hex, or raw into --out-file). */
export function encodeCommand(json: string | undefined, options: { schema: string; outFile?: string }): void {
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
}

/** `zeroos postcard decode`: postcard bytes (hex or --in-file) → JSON. */
export function decodeCommand(hex: string | undefined, options: { schema: string; inFile?: string; trailing: TrailingBytes }): void {
  const schema = parseSchema(options.schema);
  if ((hex === undefined) === (options.inFile === undefined)) throw new PostcardInputError('give the bytes either as a hex argument or with --in-file');
  const bytes = hex !== undefined ? parseHex(hex) : new Uint8Array(readHost(options.inFile!));
  const value = postcardDecode(schema, bytes, { trailing: options.trailing });
  writeDiagnostic(1, JSON.stringify(value) + '\n');
}

import { Command, Option } from 'commander';
import type { TrailingBytes } from '../../integrations/jolt/postcard.js';

/** `zeroos postcard encode|decode`: Jolt's input and output bytes from and to JSON (the codec loads when one runs: postcard-action.ts). */
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
    .action(async (json: string | undefined, options: { schema: string; outFile?: string }) => {
      (await import('./postcard-action.js')).encodeCommand(json, options);
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
    .action(async (hex: string | undefined, options: { schema: string; inFile?: string; trailing: TrailingBytes }) => {
      (await import('./postcard-action.js')).decodeCommand(hex, options);
    });
}

import { EXIT_CODES, ZeroOSError } from '../errors.js';
import type { Integration, IntegrationOption, IntegrationOptionValues, OptionKind } from './types.js';

/** A bad option value or an option the chosen integration does not take (exit 64). */
export class IntegrationOptionError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
}

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

/** "4096", "0x1000", "4K", "32MiB" → bytes; 0 allowed. Undefined when the text is no size. */
export function parseSizeText(value: string): number | undefined {
  const text = value.trim().replace(/_/g, '');
  const hexMatch = /^0x[0-9a-f]+$/i.exec(text);
  const match = /^(\d+)\s*([kmg]?)(?:i?b)?$/i.exec(text);
  const bytes = hexMatch ? Number(text) : match ? Number(match[1]) * UNITS[match[2]!.toLowerCase()]! : NaN;
  return Number.isSafeInteger(bytes) && bytes >= 0 ? bytes : undefined;
}

/** Parses one option's text by its kind; throws a message for the CLI's error line. */
export function parseOptionValue(kind: OptionKind, text: string, positive = false): number | string {
  const value = parseByKind(kind, text);
  if (positive && value === 0) throw new RangeError(kind === 'size' ? 'expected a positive size' : 'expected a positive integer');
  return value;
}

function parseByKind(kind: OptionKind, text: string): number | string {
  switch (kind) {
    case 'size': {
      const bytes = parseSizeText(text);
      if (bytes === undefined) throw new RangeError('expected a size such as 4096, 0x1000, 64K or 32M');
      return bytes;
    }
    case 'count': {
      const n = Number(text.replace(/_/g, ''));
      if (!Number.isSafeInteger(n) || n < 0) throw new RangeError('expected a non-negative integer');
      return n;
    }
    case 'file':
    case 'string':
      if (text === '') throw new RangeError('expected a value');
      return text;
  }
}

/** 'max-input-size' → 'maxInputSize'. */
export function optionKey(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** 'maxInputSize' → '--max-input-size'. */
export function optionFlag(key: string): string {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/**
 * Checks that every given value is one of the integration's options for this command,
 * of the right type: an option meant for another platform is refused, not ignored.
 */
export function checkIntegrationOptions(
  integration: Integration,
  values: IntegrationOptionValues,
  command: 'run' | 'layout' | 'linker-script',
): void {
  const options = new Map<string, IntegrationOption>((integration.options ?? []).map((o) => [optionKey(o.name), o]));
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const option = options.get(key);
    if (!option || (option.commands && !option.commands.includes(command))) {
      throw new IntegrationOptionError(`${optionFlag(key)} does not apply to \`zeroos ${command} --platform ${integration.name}\``);
    }
    const numeric = option.kind === 'size' || option.kind === 'count';
    if (numeric ? typeof value !== 'number' : typeof value !== 'string') {
      throw new IntegrationOptionError(`${optionFlag(key)} of platform ${integration.name} expects ${numeric ? 'a number' : 'text'}, got ${typeof value}`);
    }
  }
}

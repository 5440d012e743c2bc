import { readFileSync } from 'node:fs';
import { EXIT_CODES, ZeroOSError } from '../../errors.js';
import { checkIntegrationOptions, type Integration, type IntegrationRegistry } from '../../integrations/index.js';
import { checkProgram, formatCheckReport } from '../../check/index.js';
import { writeDiagnostic } from '../host-io.js';
import type { CheckCommandOptions } from './check.js';
import { integrationValues } from './layout.js';

/** A user mistake on the command line: message and EXIT_CODES.usage, no stack. */
class UsageError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
}

/** `zeroos check`'s work, loaded when the command runs (the declaration is in check.ts); returns the exit status. */
export function runCheck(elf: string, options: CheckCommandOptions & Record<string, unknown>, registry: IntegrationRegistry, all: readonly Integration[]): number {
  const integration = registry.get(options.platform);
  const values = integrationValues(options, all);
  checkIntegrationOptions(integration, values, 'layout');
  if (options.maxInstructions !== undefined && options.run === undefined) throw new UsageError('--max-instructions needs --run');
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(elf);
  } catch (error) {
    throw new UsageError(`cannot read ${elf}: ${(error as Error).message}`);
  }
  const report = checkProgram({
    path: elf,
    bytes,
    integration,
    platformOptions: values,
    trapMode: options.trap,
    ...(options.run === undefined
      ? {}
      : { run: { args: options.run === true ? [] : options.run === false ? [] : options.run, ...(options.maxInstructions === undefined ? {} : { maxInstructions: options.maxInstructions }) } }),
  });
  const text = options.json ? JSON.stringify(report, null, 2) + '\n' : formatCheckReport(report);
  writeDiagnostic(1, new TextEncoder().encode(text));
  return report.exitCode;
}

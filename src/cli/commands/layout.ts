import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { EXIT_CODES, ZeroOSError } from '../../errors.js';
import {
  checkIntegrationOptions,
  optionKey,
  parseOptionValue,
  type Integration,
  type IntegrationOptionValues,
  type IntegrationRegistry,
} from '../../integrations/index.js';
import { writeDiagnostic } from '../host-io.js';

/** A user mistake on the command line: message and EXIT_CODES.usage, no stack. */
class UsageError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
}

type Purpose = 'run' | 'layout' | 'linker-script';

/**
 * Adds every integration's options that `purpose` takes to `command` (an option two
 * integrations share, such as --stack-size, is added once; its help names both).
 */
export function addIntegrationOptions(command: Command, integrations: readonly Integration[], purpose: Purpose): Command {
  const seen = new Map<string, string[]>();
  for (const integration of integrations) {
    for (const option of integration.options ?? []) {
      if (option.commands && !option.commands.includes(purpose)) continue;
      const owners = seen.get(option.name);
      if (owners) {
        owners.push(integration.name);
        continue;
      }
      seen.set(option.name, [integration.name]);
    }
  }
  for (const [name, owners] of seen) {
    const first = integrations.find((i) => i.name === owners[0])!;
    const spec = first.options!.find((o) => o.name === name && (!o.commands || o.commands.includes(purpose)))!;
    const defaults = owners
      .map((owner) => {
        const o = integrations.find((i) => i.name === owner)!.options!.find((x) => x.name === name && (!x.commands || x.commands.includes(purpose)))!;
        return o.defaultText === undefined ? undefined : `${owner} ${o.defaultText}`;
      })
      .filter((d) => d !== undefined);
    const placeholder = spec.kind === 'size' ? '<bytes>' : spec.kind === 'count' ? '<n>' : spec.kind === 'file' ? '<file>' : '<value>';
    const help = `${owners.join(', ')}: ${spec.description}${defaults.length ? ` (default ${defaults.join(', ')})` : ''}`;
    command.addOption(
      new Option(`--${name} ${placeholder}`, help).argParser((text: string) => {
        try {
          return parseOptionValue(spec.kind, text, spec.positive);
        } catch (error) {
          throw new InvalidArgumentError((error as Error).message);
        }
      }),
    );
  }
  return command;
}

/** The values of `integration`'s options among commander's parsed options. */
export function integrationValues(parsed: Record<string, unknown>, integrations: readonly Integration[]): Record<string, number | string> {
  const keys = new Set(integrations.flatMap((i) => (i.options ?? []).map((o) => optionKey(o.name))));
  const values: Record<string, number | string> = {};
  for (const key of keys) {
    const value = parsed[key];
    if (typeof value === 'number' || typeof value === 'string') values[key] = value;
  }
  return values;
}

function readProgram(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

function describe(integration: Integration, values: IntegrationOptionValues, purpose: Purpose) {
  checkIntegrationOptions(integration, values, purpose);
  return integration.setup({ options: values, trapMode: 'host', purpose: 'describe' });
}

export function addLayoutCommands(program: Command, registry: IntegrationRegistry): void {
  const all = registry.list();
  const platformOption = () => new Option('--platform <name>', `platform: ${registry.names().join(', ')}`).default('linux');

  addIntegrationOptions(
    program
      .command('layout')
      .description("print a platform's memory layout (for Jolt, of the program ELF when given)")
      .argument('[elf]', 'Jolt: the program whose size places the stack and heap')
      .addOption(platformOption()),
    all,
    'layout',
  ).action((elf: string | undefined, options: Record<string, unknown> & { platform: string }) => {
    const integration = registry.get(options.platform);
    const setup = describe(integration, integrationValues(options, all), 'layout');
    if (!setup.layoutText) throw new UsageError(`platform ${integration.name} does not describe its layout`);
    const text = setup.layoutText(elf === undefined ? undefined : { path: elf, bytes: readProgram(elf) });
    writeDiagnostic(1, new TextEncoder().encode(text + '\n'));
  });

  addIntegrationOptions(
    program.command('linker-script').description("print a GNU ld script that links a program for a platform's layout").addOption(platformOption()),
    all,
    'linker-script',
  ).action((options: Record<string, unknown> & { platform: string }) => {
    const integration = registry.get(options.platform);
    const setup = describe(integration, integrationValues(options, all), 'linker-script');
    if (!setup.linkerScript) {
      throw new UsageError(`platform ${integration.name} has no linker script (Linux programs link with the toolchain's own)`);
    }
    writeDiagnostic(1, new TextEncoder().encode(setup.linkerScript()));
  });
}

import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXIT_CODES, ZeroOSError } from '../errors.js';
import type { Integration } from './types.js';

/** `--platform` names no known integration. */
export class UnknownPlatform extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
  constructor(
    readonly platformName: string,
    known: readonly string[],
  ) {
    super(`unknown platform "${platformName}" (known: ${known.join(', ')}; or a path to an adapter module such as ./my-adapter.js)`);
  }
}

/** An adapter module that could not be loaded or whose default export is no integration. */
export class IntegrationLoadError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
}

/** Whether `value` has the shape of an Integration (name, summary, setup). */
export function isIntegration(value: unknown): value is Integration {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Integration>;
  return typeof v.name === 'string' && typeof v.summary === 'string' && typeof v.setup === 'function';
}

const NAME = /^[a-z][a-z0-9._-]*$/;

/**
 * The integrations a run can choose from, by name. The built-ins contribute themselves
 * (src/integrations/index.ts); adapters loaded by path and libraries add theirs with
 * `register`. Nothing here switches on a name.
 */
export class IntegrationRegistry {
  readonly #byName = new Map<string, Integration>();

  constructor(integrations: Iterable<Integration> = []) {
    for (const integration of integrations) this.register(integration);
  }

  /** Adds an integration; a second one with the same name is refused. */
  register(integration: Integration): this {
    if (!isIntegration(integration)) throw new IntegrationLoadError('not an integration: it needs a name, a summary and a setup function');
    if (!NAME.test(integration.name)) {
      throw new IntegrationLoadError(`integration name "${integration.name}" must be lowercase letters, digits, '.', '_' or '-', starting with a letter`);
    }
    if (this.#byName.has(integration.name)) throw new IntegrationLoadError(`an integration named "${integration.name}" is already registered`);
    this.#byName.set(integration.name, integration);
    return this;
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** The integration named `name`, or UnknownPlatform (exit 64). */
  get(name: string): Integration {
    const integration = this.#byName.get(name);
    if (!integration) throw new UnknownPlatform(name, this.names());
    return integration;
  }

  names(): string[] {
    return [...this.#byName.keys()];
  }

  list(): Integration[] {
    return [...this.#byName.values()];
  }
}

/** Whether a --platform value is a path to an adapter module rather than a name. */
export function isAdapterPath(value: string): boolean {
  return value.startsWith('.') || value.startsWith('/') || isAbsolute(value) || /\.[cm]?js$/.test(value);
}

/**
 * Loads an adapter module by path. Its default export is an Integration, or a function
 * that receives `api` (the ZeroOS API the caller runs on, so the adapter never loads a
 * second copy of the package) and returns one (or a promise of one).
 */
export async function loadIntegration(path: string, api: unknown): Promise<Integration> {
  const url = pathToFileURL(resolve(path)).href;
  let module: { default?: unknown };
  try {
    module = (await import(url)) as { default?: unknown };
  } catch (error) {
    throw new IntegrationLoadError(`cannot load the adapter ${path}: ${(error as Error)?.message ?? error}`);
  }
  let exported = module.default;
  if (typeof exported === 'function') {
    try {
      exported = await (exported as (api: unknown) => unknown)(api);
    } catch (error) {
      if (error instanceof ZeroOSError) throw error;
      throw new IntegrationLoadError(`the adapter ${path} failed while building its integration: ${(error as Error)?.message ?? error}`);
    }
  }
  if (!isIntegration(exported)) {
    throw new IntegrationLoadError(
      `${path} is not a ZeroOS integration: its default export must be an integration ({ name, summary, setup }) or a function (zeroos) => integration`,
    );
  }
  return exported;
}

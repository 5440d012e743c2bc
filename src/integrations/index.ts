/**
 * The integrations: one folder per zkVM (and the Linux-user default), each contributing one
 * `Integration` (types.ts). The registry is built from these contributions; adapters loaded
 * by path join it at run time. The kernel never names a platform.
 *
 *   linux/   the default: a Linux riscv64 user process, ZeroOS serves every ecall
 *   jolt/    a16z/jolt: MemoryConfig layout, I/O regions, outcomes, ISA limits, trace rows
 *   spike/   Spike/HTIF, ZeroOS's reference platform
 */
import { joltIntegration } from './jolt/integration.js';
import { linuxIntegration } from './linux/index.js';
import { IntegrationRegistry } from './registry.js';
import { spikeIntegration } from './spike/integration.js';
import type { Integration } from './types.js';

/** The built-in integrations, the default first. */
export const BUILTIN_INTEGRATIONS: readonly Integration[] = [linuxIntegration, joltIntegration, spikeIntegration];

/** The default integration's name. */
export const DEFAULT_PLATFORM = linuxIntegration.name;

/** A registry holding the built-ins (a new one each call: registering into it changes only it). */
export function builtinIntegrations(): IntegrationRegistry {
  return new IntegrationRegistry(BUILTIN_INTEGRATIONS);
}

export * from './types.js';
export { integrationModule, type IntegrationMachine, type IntegrationParts } from './module.js';
export { IntegrationRegistry, UnknownPlatform, IntegrationLoadError, isIntegration, isAdapterPath, loadIntegration } from './registry.js';
export { IntegrationOptionError, checkIntegrationOptions, parseOptionValue, parseSizeText, optionKey, optionFlag } from './options.js';
export { linuxIntegration } from './linux/index.js';
export { joltIntegration } from './jolt/integration.js';
export { spikeIntegration } from './spike/integration.js';
/** Each built-in integration's own parts (errors, platforms, devices), for library users who test for them. */
export * as jolt from './jolt/index.js';
export * as spike from './spike/index.js';

import 'reflect-metadata';
import { Container, type ContainerModule } from 'inversify';
import type { Platform } from './contracts/platform.js';
import { coreModule } from './modules/core-module.js';
import { PLATFORM, type KernelConfig } from './tokens.js';

/**
 * Builds the container: the kernel core, the platform, then each subsystem's module in
 * order, then the user's modules last so their `rebind` wins.
 */
export function composeContainer(
  config: KernelConfig,
  platform: Platform,
  subsystems: readonly ContainerModule[],
  userModules: readonly ContainerModule[] = [],
): Container {
  // One instance per service and run: a user's `rebind(TOKEN).to(Class)` must give every
  // consumer the same object (two schedulers would each see half the threads).
  const container = new Container({ defaultScope: 'Singleton' });
  container.load(coreModule(config));
  container.bind(PLATFORM).toConstantValue(platform);
  container.load(...subsystems);
  if (userModules.length) container.load(...userModules);
  return container;
}

import { ContainerModule } from 'inversify';
import { RUN_REPORTER } from '../../kernel/tokens.js';
import type { JoltPlatform } from './platform.js';

/**
 * Jolt's part of the container: what the run reports (its outcome, the termination and
 * panic words, the output and inputs). The memory rules are the platform's (installed by
 * its bootstrap, with the program's layout).
 */
export function joltModule(platform: JoltPlatform): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(RUN_REPORTER).toConstantValue({ report: () => platform.report() });
  });
}

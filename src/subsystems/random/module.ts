import { ContainerModule } from 'inversify';
import { ENTROPY, KERNEL_CONFIG, SYSCALL_PROVIDER } from '../../kernel/tokens.js';
import { SeededRandom } from './generator.js';
import { RandomSyscalls } from './syscalls.js';

/** The randomness subsystem: one seeded ChaCha20 stream per run. */
export function randomModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(SeededRandom)
      .toDynamicValue((context) => new SeededRandom(context.get(KERNEL_CONFIG).seed))
      .inSingletonScope();
    bind(ENTROPY).toService(SeededRandom);
    bind(RandomSyscalls).toSelf().inSingletonScope();
    bind(SYSCALL_PROVIDER).toService(RandomSyscalls);
  });
}

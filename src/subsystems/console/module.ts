import { ContainerModule } from 'inversify';
import { DEVICE } from '../../kernel/tokens.js';
import { Console, type ConsoleOptions } from './console.js';

/** The console device (stdin, stdout, stderr). */
export function consoleModule(options: ConsoleOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Console).toConstantValue(new Console(options));
    bind(DEVICE).toService(Console);
  });
}

import { ContainerModule } from 'inversify';
import { DEVICE, SIGNAL_DELIVERY } from '../../kernel/tokens.js';
import { Console, type ConsoleOptions } from './console.js';

/** The console device (stdin, stdout, stderr); SIGPIPE for a closed host pipe goes through SIGNAL_DELIVERY when bound. */
export function consoleModule(options: ConsoleOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Console)
      .toDynamicValue((context) => new Console(options, context.get(SIGNAL_DELIVERY, { optional: true })))
      .inSingletonScope();
    bind(DEVICE).toService(Console);
  });
}

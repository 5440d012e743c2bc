import { inject, injectable, multiInject } from 'inversify';
import type { BootContribution } from '../../kernel/contracts/boot.js';
import type { Device } from '../../kernel/contracts/device.js';
import { KernelStateError } from '../../kernel/errors.js';
import type { Process } from '../../kernel/process.js';
import { DEVICE } from '../../kernel/tokens.js';
import { Vfs } from './vfs.js';

/**
 * Opens fds 0, 1 and 2 when the process comes up: the console's streams, except that a
 * --stdin file becomes fd 0 as a regular file (as `< FILE` does in a shell).
 */
@injectable()
export class StandardStreams implements BootContribution {
  constructor(
    @multiInject(DEVICE) private readonly devices: Device[],
    @inject(Vfs) private readonly vfs: Vfs,
  ) {}

  onBoot(process: Process): void {
    const console = this.devices.find((d) => d.name === 'console');
    if (!console) throw new KernelStateError('no console device is bound: load consoleModule()');
    process.files.installAt(0, this.vfs.openStdin() ?? console.open('stdin'));
    process.files.installAt(1, console.open('stdout'));
    process.files.installAt(2, console.open('stderr'));
  }
}

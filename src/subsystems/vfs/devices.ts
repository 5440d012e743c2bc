import { inject, injectable } from 'inversify';
import type { Device, OpenFile } from '../../kernel/contracts/device.js';
import type { EntropySource } from '../../kernel/contracts/platform.js';
import { ENTROPY } from '../../kernel/tokens.js';

/** /dev/null: reads end at once, writes vanish. */
@injectable()
export class NullDevice implements Device {
  readonly name: string = 'null';
  readonly node = { major: 1, minor: 3 };

  open(): OpenFile {
    return {
      path: '/dev/null',
      readable: true,
      writable: true,
      read: () => new Uint8Array(0),
      write: (_context, data) => data.length,
    };
  }
}

/** /dev/zero: endless zeros; writes vanish; a private mapping of it is anonymous memory. */
@injectable()
export class ZeroDevice implements Device {
  readonly name: string = 'zero';
  readonly node = { major: 1, minor: 5 };

  open(): OpenFile {
    return {
      path: '/dev/zero',
      readable: true,
      writable: true,
      read: (_context, length) => new Uint8Array(length),
      write: (_context, data) => data.length,
      // Nothing to copy: the fresh mapping is already zero.
      mapContents: () => new Uint8Array(0),
    };
  }
}

/**
 * /dev/urandom and /dev/random: bytes from the run's seeded generator (the same stream
 * getrandom draws from), so a seed fixes them. Writes are accepted and ignored, as Linux
 * accepts them to stir the pool. Like Linux since 5.6, /dev/random never blocks.
 */
export class RandomDevice implements Device {
  readonly node: { readonly major: number; readonly minor: number };

  constructor(
    readonly name: 'urandom' | 'random',
    private readonly random: EntropySource,
  ) {
    this.node = { major: 1, minor: name === 'random' ? 8 : 9 };
  }

  open(): OpenFile {
    return {
      path: `/dev/${this.name}`,
      readable: true,
      writable: true,
      read: (_context, length) => this.random.bytes(length),
      write: (_context, data) => data.length,
    };
  }
}

/** /dev/urandom, bound on DEVICE. */
@injectable()
export class UrandomDevice extends RandomDevice {
  constructor(@inject(ENTROPY) random: EntropySource) {
    super('urandom', random);
  }
}

/** /dev/random, bound on DEVICE. */
@injectable()
export class DevRandomDevice extends RandomDevice {
  constructor(@inject(ENTROPY) random: EntropySource) {
    super('random', random);
  }
}

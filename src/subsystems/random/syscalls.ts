import { inject, injectable } from 'inversify';
import { PERM_W } from '../../arch/memory/types.js';
import { defineSyscall, type SyscallDefinition, type SyscallProvider } from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import { ptr, size, uint } from '../../kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../kernel/syscall/numbers.js';
import { SeededRandom } from './generator.js';

const GRND_NONBLOCK = 1;
const GRND_RANDOM = 2;
const GRND_INSECURE = 4;
/** Linux returns at most this much per getrandom call. */
const GETRANDOM_MAX = 0x1ff_ffff;

/** getrandom from the seeded generator. */
@injectable()
export class RandomSyscalls implements SyscallProvider {
  readonly subsystem = 'random';

  constructor(@inject(SeededRandom) private readonly random: SeededRandom) {}

  syscalls(): readonly SyscallDefinition[] {
    const random = this.random;
    return [
      defineSyscall({
        name: 'getrandom',
        nr: NR.getrandom,
        args: [ptr('buf'), size('buflen'), uint('flags')],
        support: 'full',
        note: 'ChaCha20 keyed by the run seed: never blocks, same seed same bytes',
        handler(context, buffer, length, flags) {
          if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return -Errno.EINVAL;
          if (flags & GRND_RANDOM && flags & GRND_INSECURE) return -Errno.EINVAL;
          const n = Math.min(length, GETRANDOM_MAX);
          if (n === 0) return 0;
          if (!context.memory.isAccessible(buffer, n, PERM_W)) return -Errno.EFAULT;
          context.memory.write(buffer, random.bytes(n));
          return n;
        },
      }),
    ];
  }
}

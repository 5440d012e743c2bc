import { inject, injectable } from 'inversify';
import { defineSyscall, type SyscallDefinition, type SyscallProvider } from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import { fd, int, long, ptr, size, uint } from '../../kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../kernel/syscall/numbers.js';
import { AddressSpace, MAP_ANONYMOUS, MAP_PRIVATE, MAP_TYPE, PROT_WRITE } from './address-space.js';

/** brk, mmap, munmap, mprotect, madvise, mremap over the AddressSpace. */
@injectable()
export class MemorySyscalls implements SyscallProvider {
  readonly subsystem = 'memory';

  constructor(@inject(AddressSpace) private readonly space: AddressSpace) {}

  syscalls(): readonly SyscallDefinition[] {
    const space = this.space;
    return [
      defineSyscall({
        name: 'brk',
        nr: NR.brk,
        args: [ptr('addr')],
        support: 'full',
        note: 'a real program break in the heap region; returns the unchanged break when it cannot move',
        handler: (_context, address) => space.brk(address),
      }),
      defineSyscall({
        name: 'mmap',
        nr: NR.mmap,
        args: [ptr('addr'), size('length'), uint('prot'), uint('flags'), fd(), long('offset')],
        support: 'partial',
        note: 'anonymous private/shared, MAP_FIXED, MAP_FIXED_NOREPLACE, hints, PROT_NONE; files: a private copy of their bytes (MAP_SHARED only read-only: a writable shared file mapping is -ENODEV, nothing is written back)',
        handler(context, address, length, prot, flags, descriptor, offset) {
          if (flags & MAP_ANONYMOUS) return space.mmap(address, length, prot, flags, offset);
          const file = context.process.files.get(descriptor);
          if (!file) return -Errno.EBADF;
          // Files that cannot be mapped at all (consoles, pipes, directories) say so first.
          if (!file.mapContents) return space.mmap(address, length, prot, flags, offset, true);
          if ((flags & MAP_TYPE) !== MAP_PRIVATE && prot & PROT_WRITE) return file.writable ? -Errno.ENODEV : -Errno.EACCES;
          if (!file.readable) return -Errno.EACCES;
          const mapContents = file.mapContents.bind(file);
          return space.mmap(address, length, prot, flags, offset, {
            name: file.path,
            contents: (size) => (offset < 0n || offset > BigInt(Number.MAX_SAFE_INTEGER) ? -Errno.EINVAL : mapContents(context, Number(offset), size)),
          });
        },
      }),
      defineSyscall({
        name: 'munmap',
        nr: NR.munmap,
        args: [ptr('addr'), size('length')],
        support: 'full',
        handler: (_context, address, length) => space.munmap(address, length),
      }),
      defineSyscall({
        name: 'mprotect',
        nr: NR.mprotect,
        args: [ptr('addr'), size('length'), uint('prot')],
        support: 'full',
        note: 'enforced: writes to read-only pages and any access to PROT_NONE pages fault',
        handler: (_context, address, length, prot) => space.mprotect(address, length, prot),
      }),
      defineSyscall({
        name: 'madvise',
        nr: NR.madvise,
        args: [ptr('addr'), size('length'), int('advice')],
        support: 'full',
        note: 'MADV_DONTNEED/FREE/REMOVE zero the range; the advisory kinds are accepted',
        handler: (_context, address, length, advice) => space.madvise(address, length, advice),
      }),
      defineSyscall({
        name: 'mremap',
        nr: NR.mremap,
        args: [ptr('old_address'), size('old_size'), size('new_size'), uint('flags'), ptr('new_address')],
        support: 'full',
        handler: (_context, old, oldSize, newSize, flags, newAddress) => space.mremap(old, oldSize, newSize, flags, newAddress),
      }),
    ];
  }
}

import { inject, injectable } from 'inversify';
import { defineSyscall, type SyscallContext, type SyscallDefinition, type SyscallProvider } from '../../kernel/contracts/syscall.js';
import type { MemoryMapEvent } from '../../kernel/events.js';
import { Errno } from '../../kernel/errno.js';
import { fd, int, long, ptr, size, uint } from '../../kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../kernel/syscall/numbers.js';
import { AddressSpace, MAP_ANONYMOUS, MAP_PRIVATE, MAP_TYPE, PROT_WRITE } from './address-space.js';

const PAGE = 4096;
/** A length as the page-rounded range it covers. */
const pages = (length: number): bigint => (BigInt(length) + BigInt(PAGE - 1)) & ~BigInt(PAGE - 1);
/** A successful result: not -4095..-1. */
const succeeded = (result: number): boolean => !(result < 0 && result >= -4095);

/** A memory-map event for a change that took place (built only when someone listens; counted always). */
function mapped(context: SyscallContext, event: Omit<MemoryMapEvent, 'kind' | 'seq' | 'instret' | 'tid'>): void {
  const events = context.events;
  if (events.tracingMemoryMaps) events.emitMemoryMap({ instret: context.hart.instret, tid: context.thread.tid, ...event });
  else events.skip();
}

/** brk, mmap, munmap, mprotect, madvise, mincore, mremap over the AddressSpace; each change is a memory-map event. */
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
        handler: (context, address) => {
          const old = space.currentBreak;
          const result = space.brk(address);
          if (result !== old) {
            mapped(context, { op: 'brk', start: BigInt(Math.min(old, result)), length: BigInt(Math.abs(result - old)), oldStart: BigInt(old) });
          }
          return result;
        },
      }),
      defineSyscall({
        name: 'mmap',
        nr: NR.mmap,
        args: [ptr('addr'), size('length'), uint('prot'), uint('flags'), fd(), long('offset')],
        support: 'partial',
        note: 'anonymous private/shared, MAP_FIXED, MAP_FIXED_NOREPLACE, hints, PROT_NONE; files: a private copy of their bytes (MAP_SHARED only read-only: a writable shared file mapping is -ENODEV, nothing is written back)',
        handler(context, address, length, prot, flags, descriptor, offset) {
          const result = mmapFile(space, context, address, length, prot, flags, descriptor, offset);
          if (succeeded(result)) mapped(context, { op: 'mmap', start: BigInt(result), length: pages(length), prot, flags });
          return result;
        },
      }),
      defineSyscall({
        name: 'munmap',
        nr: NR.munmap,
        args: [ptr('addr'), size('length')],
        support: 'full',
        handler: (context, address, length) => {
          const result = space.munmap(address, length);
          if (result === 0) mapped(context, { op: 'munmap', start: BigInt(address), length: pages(length) });
          return result;
        },
      }),
      defineSyscall({
        name: 'mprotect',
        nr: NR.mprotect,
        args: [ptr('addr'), size('length'), uint('prot')],
        support: 'full',
        note: 'enforced: writes to read-only pages and any access to PROT_NONE pages fault',
        handler: (context, address, length, prot) => {
          const result = space.mprotect(address, length, prot);
          if (result === 0 && length > 0) mapped(context, { op: 'mprotect', start: BigInt(address), length: pages(length), prot });
          return result;
        },
      }),
      defineSyscall({
        name: 'madvise',
        nr: NR.madvise,
        args: [ptr('addr'), size('length'), int('advice')],
        support: 'full',
        note: 'Linux\'s rules per advice: DONTNEED/FREE zero private anonymous pages, REMOVE needs a shared file (EINVAL/EACCES), POPULATE_* check the protection, the advisory kinds (WILLNEED, HUGEPAGE, DONTFORK, COLD, ...) return 0; EINVAL for unknown advice or a misaligned start, ENOMEM for unmapped pages in the range',
        handler: (context, address, length, advice) => {
          const result = space.madvise(address, length, advice);
          if (result === 0 && length > 0) mapped(context, { op: 'madvise', start: BigInt(address), length: pages(length), flags: advice });
          return result;
        },
      }),
      defineSyscall({
        name: 'mincore',
        nr: NR.mincore,
        args: [ptr('addr'), size('length'), ptr('vec')],
        support: 'full',
        note: 'every mapped page reads as resident (1): guest memory is never paged out; EINVAL for a misaligned start, ENOMEM at the first unmapped page, EFAULT for a vec that cannot take the bytes',
        handler: (context, address, length, vec) => space.mincore(context.memory, address, length, vec),
      }),
      defineSyscall({
        name: 'mremap',
        nr: NR.mremap,
        args: [ptr('old_address'), size('old_size'), size('new_size'), uint('flags'), ptr('new_address')],
        support: 'full',
        handler: (context, old, oldSize, newSize, flags, newAddress) => {
          const result = space.mremap(old, oldSize, newSize, flags, newAddress);
          if (succeeded(result)) mapped(context, { op: 'mremap', start: BigInt(result), length: pages(newSize), flags, oldStart: BigInt(old) });
          return result;
        },
      }),
    ];
  }
}

/** mmap's work: an anonymous mapping, or a private copy of a file's bytes. */
function mmapFile(space: AddressSpace, context: SyscallContext, address: number, length: number, prot: number, flags: number, descriptor: number, offset: bigint): number {
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
}

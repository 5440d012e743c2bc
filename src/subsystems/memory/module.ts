import { ContainerModule, type Newable } from 'inversify';
import type { Allocator } from '../../kernel/contracts/allocator.js';
import { ALLOCATOR, BOOT_CONTRIBUTION, SYSCALL_PROVIDER } from '../../kernel/tokens.js';
import { AddressSpace } from './address-space.js';
import { createAllocator, type AllocatorName } from './allocators/index.js';
import { MemorySyscalls } from './syscalls.js';

export interface MemoryModuleOptions {
  /** Which allocator keeps the mmap region's free space: a built-in name or your own class. Default 'linked-list'. */
  readonly allocator?: AllocatorName | Newable<Allocator>;
}

/**
 * The memory subsystem: the address space (brk, mmap and friends) over a swappable
 * Allocator. Its limit is the run's `memoryLimit` (KernelConfig).
 */
export function memoryModule(options: MemoryModuleOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const allocator = options.allocator ?? 'linked-list';
    if (typeof allocator === 'string') bind(ALLOCATOR).toDynamicValue(() => createAllocator(allocator)).inSingletonScope();
    else bind(ALLOCATOR).to(allocator).inSingletonScope();
    bind(AddressSpace).toSelf().inSingletonScope();
    bind(BOOT_CONTRIBUTION).toService(AddressSpace);
    bind(MemorySyscalls).toSelf().inSingletonScope();
    bind(SYSCALL_PROVIDER).toService(MemorySyscalls);
  });
}

import type { Allocator } from '../../../kernel/contracts/allocator.js';
import { BuddyAllocator } from './buddy.js';
import { BumpAllocator } from './bump.js';
import { AllocatorMisuse } from './errors.js';
import { LinkedListAllocator } from './linked-list.js';

/** Every allocator by name; the first is the default (as in the original ZeroOS). */
export const ALLOCATOR_NAMES = ['linked-list', 'buddy', 'bump'] as const;
export type AllocatorName = (typeof ALLOCATOR_NAMES)[number];
export const DEFAULT_ALLOCATOR: AllocatorName = 'linked-list';

/** For checking a name that comes from outside (a CLI option, a config file). */
export function isAllocatorName(name: string): name is AllocatorName {
  return (ALLOCATOR_NAMES as readonly string[]).includes(name);
}

/** A new, uninitialised allocator of the named policy. */
export function createAllocator(name: AllocatorName): Allocator {
  switch (name) {
    case 'linked-list':
      return new LinkedListAllocator();
    case 'buddy':
      return new BuddyAllocator();
    case 'bump':
      return new BumpAllocator();
  }
  // Only reachable from untyped callers: check outside names with isAllocatorName first.
  throw new AllocatorMisuse(String(name), 'createAllocator', `no such allocator (one of ${ALLOCATOR_NAMES.join(', ')})`);
}

export { BuddyAllocator } from './buddy.js';
export { BumpAllocator } from './bump.js';
export { AllocatorMisuse } from './errors.js';
export {
  ALLOCATOR_NAMES,
  DEFAULT_ALLOCATOR,
  createAllocator,
  isAllocatorName,
  type AllocatorName,
} from './factory.js';
export { LinkedListAllocator } from './linked-list.js';
export type { FreeRange } from './region.js';

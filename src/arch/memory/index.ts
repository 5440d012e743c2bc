export * from './types.js';
export { DEFAULT_FRAMES_KEPT, FramePool, SLAB_PAGES } from './frame-pool.js';
export {
  CHANGED_CODE,
  CHANGED_TRANSLATION,
  Frame,
  type MemoryObserver,
  PAGE_LIMIT,
  PagedMemory,
  ZERO_FRAME,
} from './paged-memory.js';

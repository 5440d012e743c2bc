import type { ServiceIdentifier } from 'inversify';

export interface MemoryOptions {
  /** Bytes of address space the guest may hold (image, stack, heap and mappings), like RLIMIT_AS. Default: no limit beyond the layout. */
  readonly memoryLimit?: number;
}

export const MEMORY_OPTIONS = Symbol.for('zeroos.MemoryOptions') as ServiceIdentifier<MemoryOptions>;

/**
 * `zeroos/subsystems`: every subsystem's door in one entry — its ContainerModule, the
 * services it binds (schedulers, allocators, the VFS and its file systems, signals, ...)
 * and its syscall providers. For integrations that compose their own kernel or extend a
 * subsystem; the package root has what most users need.
 */
export * from './console/index.js';
export * from './memory/index.js';
export * from './process/index.js';
export * from './scheduler/index.js';
export * from './signals/index.js';
export * from './random/index.js';
export * from './time/index.js';
export * from './vfs/index.js';

import type { SyscallContext, SyscallResult } from './syscall.js';

/**
 * An open file as the fd table holds it: what read, write and ioctl do on it. Devices
 * produce these; the VFS issue adds regular files and pipes behind the same shape.
 * Methods return a byte count or a negative errno.
 */
export interface OpenFile {
  /** A name for messages and /proc (e.g. "console:stdout", "/dev/null"). */
  readonly path: string;
  readonly readable: boolean;
  readonly writable: boolean;
  /** Reads at most `length` bytes; an empty result means end of file. */
  read?(context: SyscallContext, length: number): Uint8Array | number;
  write?(context: SyscallContext, data: Uint8Array): number;
  ioctl?(context: SyscallContext, request: number, argument: bigint): SyscallResult;
}

/** A device (console, null, zero, urandom, ...). Bound many-to-one on the DEVICE token. */
export interface Device {
  readonly name: string;
  /** Opens the device; `stream` selects a channel for multi-channel devices such as the console. */
  open(stream?: string): OpenFile;
}

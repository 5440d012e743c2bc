import { EXIT_CODES, ZeroOSError } from '../errors.js';
import type { Platform } from '../kernel/contracts/platform.js';
import type { MemoryLayout } from './layout.js';
import { LinuxPlatform } from './linux/linux-platform.js';

/** The built-in platforms, by the name the CLI and `createKernel` take. */
export const PLATFORM_NAMES = ['linux'] as const;
export type PlatformName = (typeof PLATFORM_NAMES)[number];

/** A platform whose layout is a `MemoryLayout` (printable with `toTable()`). */
export interface BuiltInPlatform extends Platform {
  readonly layout: MemoryLayout;
}

export class UnknownPlatform extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
  constructor(readonly platformName: string) {
    super(`unknown platform "${platformName}" (known: ${PLATFORM_NAMES.join(', ')})`);
  }
}

/** A built-in platform with its default options. */
export function createPlatform(name: PlatformName): BuiltInPlatform {
  switch (name) {
    case 'linux':
      return new LinuxPlatform();
    default:
      throw new UnknownPlatform(String(name));
  }
}

import type { Process } from '../process.js';
import type { BootInfo } from './platform.js';

/** A subsystem's part of bringing a process up, after the platform loaded it (e.g. opening fds 0–2). */
export interface BootContribution {
  onBoot(process: Process, info: BootInfo): void;
}

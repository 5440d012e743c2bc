import type { Thread } from '../process.js';

/** Serves the traps the hart hands back to the kernel. */
export interface TrapHandler {
  /** An `ecall` by `thread`: decode, dispatch, write a0, advance pc. */
  onEcall(thread: Thread): void;
}

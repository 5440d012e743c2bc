import type { Thread } from '../process.js';

/** Serves the traps the hart hands back to the kernel. */
export interface TrapHandler {
  /** An `ecall` by `thread`: decode, dispatch, write a0, advance pc. */
  onEcall(thread: Thread): void;
  /** `thread` gets the hart back after a wait, its result in a0 (a blocked call completes). */
  onResume?(thread: Thread): void;
  /** The process ended: calls still blocked get their end (syscall-exit without a result). */
  endUnfinished?(): void;
}

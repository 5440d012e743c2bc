import type { GuestMemory } from '../../arch/memory/types.js';
import type { Hart } from '../../arch/riscv64/types.js';
import type { Process, Thread } from '../process.js';
import type { KernelEvents } from '../events.js';

/** How a raw 64-bit register becomes a handler argument, and how it prints in a trace. */
export interface ArgSpec<T> {
  readonly name: string;
  readonly type: string;
  decode(raw: bigint): T;
  format(value: T): string;
}

/** How completely ZeroOS serves a syscall (the gVisor way: stated in the table, printed by `zeroos syscalls`). */
export type SupportLevel = 'full' | 'partial' | 'missing';

/**
 * What a handler may touch. Handlers get decoded arguments and never read registers;
 * the trap handler writes their return value to a0.
 */
export interface SyscallContext {
  readonly memory: GuestMemory;
  readonly hart: Hart;
  readonly process: Process;
  readonly thread: Thread;
  readonly events: KernelEvents;
}

/**
 * A handler's result: the value for a0 (a negative errno on failure), or NO_RETURN when
 * the calling thread ended or must not be resumed (exit, exit_group, a blocking wait
 * that the scheduler will complete later).
 */
export type SyscallResult = number | bigint | typeof NO_RETURN;
export const NO_RETURN: unique symbol = Symbol('zeroos.NoReturn');

type Decoded<A extends readonly ArgSpec<unknown>[]> = { [K in keyof A]: A[K] extends ArgSpec<infer T> ? T : never };

/** One row of the syscall table, as data. */
export interface SyscallDefinition<A extends readonly ArgSpec<unknown>[] = readonly ArgSpec<unknown>[]> {
  readonly name: string;
  readonly nr: number;
  readonly args: A;
  readonly support: Exclude<SupportLevel, 'missing'>;
  /** What is and is not served, for partial support. */
  readonly note?: string;
  readonly handler: (context: SyscallContext, ...args: Decoded<A>) => SyscallResult;
}

/** A group of syscalls a subsystem serves; bound many-to-one on SYSCALL_PROVIDER. */
export interface SyscallProvider {
  /** The subsystem's name, shown in `zeroos syscalls`. */
  readonly subsystem: string;
  syscalls(): readonly SyscallDefinition[];
}

/** An entry of the assembled table: every Linux number has one, served or not. */
export interface SyscallEntry {
  readonly nr: number;
  readonly name: string;
  readonly support: SupportLevel;
  readonly subsystem?: string;
  readonly note?: string;
  readonly definition?: SyscallDefinition;
}

export interface SyscallTable {
  lookup(nr: number): SyscallEntry | undefined;
  entries(): readonly SyscallEntry[];
}

/** What happens on a syscall nobody provides. */
export type UnknownSyscallPolicy = 'fail' | 'enosys';

/** Types a definition so its handler's parameters follow its argument specs. */
export function defineSyscall<const A extends readonly ArgSpec<unknown>[]>(
  definition: SyscallDefinition<A>,
): SyscallDefinition {
  return definition as unknown as SyscallDefinition;
}

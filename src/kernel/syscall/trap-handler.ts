import { inject, injectable } from 'inversify';
import { MemoryFault } from '../../arch/memory/types.js';
import { ZeroOSError } from '../../errors.js';
import type { Arch } from '../contracts/arch.js';
import { NO_RETURN, type SyscallContext, type SyscallDefinition, type SyscallTable } from '../contracts/syscall.js';
import type { TrapHandler } from '../contracts/trap-handler.js';
import { Errno } from '../errno.js';
import { KernelPanic, UnknownSyscall, hostErrno } from '../errors.js';
import type { KernelEvents } from '../events.js';
import type { Process, Thread } from '../process.js';
import { ARCH, KERNEL_CONFIG, KERNEL_EVENTS, PROCESS, SYSCALL_TABLE, type KernelConfig } from '../tokens.js';
import { syscallName } from './numbers.js';

const A0 = 10;
const A7 = 17;

/** One remembered syscall, for the "last syscalls" part of an UnknownSyscall report. */
interface RecentCall {
  nr: number;
  args: bigint[];
  result: bigint | undefined;
}

/**
 * The ecall path, xv6-style: read a7 and a0–a5, look the number up in the table, decode
 * the arguments as the entry declares, call the handler, write its result to a0 and step
 * over the ecall. A guest pointer that faults while a handler reads or writes guest memory
 * becomes -EFAULT, and a host operation the host refuses (a Node ErrnoException) becomes
 * an errno (see hostErrno), as in Linux.
 */
@injectable()
export class SyscallTrapHandler implements TrapHandler {
  /** Calls per syscall name, for --stats and "which syscalls does it need". */
  readonly counts = new Map<string, number>();
  #total = 0;
  readonly #recent: RecentCall[] = [];

  constructor(
    @inject(ARCH) private readonly arch: Arch,
    @inject(SYSCALL_TABLE) private readonly table: SyscallTable,
    @inject(KERNEL_EVENTS) private readonly events: KernelEvents,
    @inject(PROCESS) private readonly process: Process,
    @inject(KERNEL_CONFIG) private readonly config: KernelConfig,
  ) {}

  get totalSyscalls(): number {
    return this.#total;
  }

  onEcall(thread: Thread): void {
    const hart = this.arch.hart;
    const nr = Number(BigInt.asUintN(32, hart.getX(A7)));
    const raw = [hart.getX(10), hart.getX(11), hart.getX(12), hart.getX(13), hart.getX(14), hart.getX(15)];
    const pc = hart.pc;
    const entry = this.table.lookup(nr);
    const definition = entry?.definition;
    const name = entry?.name ?? syscallName(nr) ?? `syscall_${nr}`;
    this.#total++;
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);

    if (!definition) {
      if (this.config.unknownSyscall === 'fail') {
        throw new UnknownSyscall(nr, entry?.name ?? syscallName(nr), raw, pc, thread.tid, this.recentCalls());
      }
      this.events.emitUnsupported({ instret: hart.instret, tid: thread.tid, nr, name, pc, args: raw });
      this.remember(nr, raw, BigInt(-Errno.ENOSYS));
      this.complete(-Errno.ENOSYS);
      return;
    }

    const args = definition.args.map((spec, i) => spec.decode(raw[i] ?? 0n));
    const tracing = this.events.tracingSyscalls;
    if (tracing) {
      this.events.emitSyscallEnter({
        instret: hart.instret,
        tid: thread.tid,
        nr,
        name,
        pc,
        args: raw,
        formatted: formatCall(definition, args),
      });
    }
    // Step over the ecall before the handler runs, so a handler that switches threads or
    // redirects the pc (signal delivery, sigreturn) sees the resume point.
    hart.pc = pc + 4;
    const result = this.invoke(definition, thread, args);
    const value = result === NO_RETURN ? undefined : BigInt(result);
    if (value !== undefined) hart.setX(A0, value);
    this.remember(nr, raw, value);
    if (tracing) {
      this.events.emitSyscallExit({ instret: hart.instret, tid: thread.tid, nr, name, result: value });
    }
  }

  private invoke(definition: SyscallDefinition, thread: Thread, args: unknown[]) {
    const context: SyscallContext = {
      memory: this.arch.memory,
      hart: this.arch.hart,
      process: this.process,
      thread,
      events: this.events,
    };
    try {
      return (definition.handler as (c: SyscallContext, ...a: unknown[]) => ReturnType<SyscallDefinition['handler']>)(
        context,
        ...args,
      );
    } catch (error) {
      if (error instanceof MemoryFault) return -Errno.EFAULT;
      if (error instanceof ZeroOSError) throw error;
      // The host refused an operation the handler made for the guest (a full disk, an
      // I/O error): the guest's syscall fails with an errno, as on Linux. Only errors
      // that are not host failures (a TypeError, ...) are bugs.
      const errno = hostErrno(error);
      if (errno !== undefined) return -errno;
      throw new KernelPanic(`the ${definition.name} handler failed: ${(error as Error)?.message ?? error}`, error);
    }
  }

  private complete(value: number): void {
    const hart = this.arch.hart;
    hart.setX(A0, BigInt(value));
    hart.pc += 4;
  }

  private remember(nr: number, args: bigint[], result: bigint | undefined): void {
    if (this.config.recentSyscalls <= 0) return;
    if (this.#recent.length >= this.config.recentSyscalls) this.#recent.shift();
    this.#recent.push({ nr, args, result });
  }

  private recentCalls(): string[] {
    return this.#recent.map(({ nr, args, result }) => {
      const definition = this.table.lookup(nr)?.definition;
      const name = syscallName(nr) ?? `syscall_${nr}`;
      const shown = definition
        ? formatCall(definition, definition.args.map((spec, i) => spec.decode(args[i] ?? 0n)))
        : `${name}(${args.map((a) => '0x' + a.toString(16)).join(', ')})`;
      return `${shown} = ${result === undefined ? '?' : formatResult(result)}`;
    });
  }
}

function formatCall(definition: SyscallDefinition, args: unknown[]): string {
  const shown = definition.args.map((spec, i) => (spec.format as (v: unknown) => string)(args[i]));
  return `${definition.name}(${shown.join(', ')})`;
}

const ERRNO_NAMES = new Map<number, string>(Object.entries(Errno).map(([k, v]) => [v, k]));

/** A syscall result strace style: "3", or "-1 EBADF". */
export function formatResult(result: bigint): string {
  if (result < 0n && result >= -4095n) {
    const name = ERRNO_NAMES.get(Number(-result));
    return name ? `-1 ${name}` : String(result);
  }
  return String(result);
}


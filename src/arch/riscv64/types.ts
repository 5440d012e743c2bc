import { EXIT_CODES, signalExitCode, ZeroOSError, hex } from '../../errors.js';
import type { GuestMemory } from '../memory/types.js';
import { STANDARD_EXTENSIONS, isaRegistry, type IsaRegistry } from './isa/index.js';
import type { IoWindow, MisalignedHook, ReservationRule } from './memory-port.js';
import type { InstructionObserver } from './observer.js';

/** Why `Hart.run` returned to the kernel. */
export const StopReason = {
  /** An `ecall`: pc still points at it; the kernel serves it and advances pc by 4. */
  Ecall: 1,
  /** An `ebreak`/`c.ebreak`: pc points at it. */
  Ebreak: 2,
  /** The instruction budget given to `run` is used up (exactly). */
  Budget: 3,
  /**
   * The pc stalled: an instruction whose next pc is its own (`j .`, `c.j .`, a taken
   * self-branch, a jump or jalr to itself; Jolt's ebreak), the zkVM convention for "done".
   * It executed once (retired, counted, observed); pc points at it.
   */
  Halt: 4,
  /**
   * A hook asked to end the run (`requestStop`: a store's window write hook, or an
   * instruction hook): the instruction retired, instret counts it, pc is the next one.
   */
  Stop: 5,
} as const;
export type StopReason = (typeof StopReason)[keyof typeof StopReason];

/**
 * Where an `ecall` goes. `host`: back to the TypeScript kernel (the default: ZeroOS serves
 * the syscall). `machine`: as on a bare-metal zkVM: mepc = pc, mcause = 11, mtval = 0,
 * jump to mtvec; the guest's own trap handler runs and returns with `mret`.
 */
export type TrapMode = 'host' | 'machine';

/**
 * A thread's saved register state: x0..x31 as unsigned 64-bit values, and pc; with F/D,
 * f0..f31 as raw 64-bit values and fcsr (frm << 5 | fflags). A context without them
 * (made by hand) restores zeroed f registers and fcsr.
 */
export interface HartContext {
  readonly x: BigUint64Array; // length 32; x[0] is ignored
  pc: number;
  readonly f?: BigUint64Array; // length 32
  fcsr?: number;
}

/** Letters of the standard extensions the hart registers by default (misa, AT_HWCAP). */
export const ISA_EXTENSIONS = STANDARD_EXTENSIONS.flatMap((e) => (e.letter === undefined ? [] : [e.letter])).join('');
/**
 * AT_HWCAP of the default instruction set: one bit per letter ('a' = bit 0), from the
 * registry. The name is historical: the default is RV64IMAFDC (I, M, A, F, D, C) now.
 */
export const HWCAP_RV64IMAC = isaRegistry().hwcap;

/**
 * One RV64IMAC hart with Zicsr and the machine-mode CSRs a zkVM platform uses.
 * Registers are 64-bit; the accessors here are the slow path (BigInt) for the kernel.
 */
export interface Hart {
  readonly memory: GuestMemory;
  /** The instruction set it runs: op ids, mnemonics (`instructions[op].def.mnemonic`), refusals, misa. */
  readonly isa: IsaRegistry;
  pc: number;
  /** Instructions retired, exact to one instruction (an ecall that stopped `run` counts). */
  readonly instret: number;
  trapMode: TrapMode;

  /** Integer register as an unsigned 64-bit value; x0 reads 0. */
  getX(index: number): bigint;
  /** Sets a register from any bigint (taken modulo 2^64); writes to x0 are ignored. */
  setX(index: number, value: bigint): void;
  /** Integer register as a signed 64-bit value. */
  getXSigned(index: number): bigint;

  /**
   * Runs until an ecall, ebreak, halt, a hook's stop request, or until exactly
   * `maxInstructions` retired. Throws `IllegalInstruction`, `MemoryFault` (with pc) or
   * `MisalignedAccess` (an LR, SC or AMO off its natural alignment) on a fault, and
   * whatever a hook (window, alignment policy, instruction hook) throws; the instruction
   * is then not retired and pc points at it.
   */
  run(maxInstructions: number): StopReason;

  saveContext(): HartContext;
  restoreContext(context: HartContext): void;

  readCsr(csr: number): bigint;
  writeCsr(csr: number, value: bigint): void;

  /** Forgets decoded/compiled code in [start, end) (all of it when omitted): fence.i, munmap, mprotect. */
  flushCode(start?: number, end?: number): void;

  /** The source of the `time` CSR (default: instret). The time subsystem replaces it. */
  timeSource: () => bigint;

  /**
   * Installs an I/O window: loads and stores overlapping [start, end) call its hooks, on
   * every tier (with the accessing pc). `backed: false` makes it a device range whose
   * bytes are not memory: it need not be mapped, and only accesses that would fault as
   * unmapped reach its hooks. Returns a function that removes it.
   */
  addIoWindow(window: IoWindow): () => void;

  /**
   * Sees every retired instruction from now on (undefined: nobody). Costs nothing while
   * nobody observes.
   */
  observe(observer: InstructionObserver | undefined): void;
  /**
   * Adds an observer beside the others (a cost meter, a tracer and a profiler at once);
   * returns a function that removes it. `observe` replaces them all.
   */
  addObserver(observer: InstructionObserver): () => void;

  /**
   * Ends the current `run` right after the instruction under way retires: `run` returns
   * StopReason.Stop with pc at the next instruction. Call it from an I/O window's write
   * hook or an instruction hook (a read hook may not: StopRequestNotAllowed). Called
   * between runs, the next `run` returns Stop at once, retiring nothing.
   */
  requestStop(): void;

  /**
   * The alignment policy: called for every load, store, LR, SC or AMO of 2, 4 or 8 bytes
   * at an address that is not a multiple of its size, on every tier; throw to refuse.
   * undefined (default): misaligned plain loads and stores work.
   */
  onMisaligned: MisalignedHook | undefined;

  /** Which SC succeeds: 'riscv' (default) or 'jolt' (see ReservationRule). */
  reservationRule: ReservationRule;
}

export class IllegalInstruction extends ZeroOSError {
  /** SIGILL, as Linux would end the process. */
  readonly exitCode = signalExitCode(4);
  constructor(
    readonly pc: number,
    readonly bits: number,
    readonly length: 2 | 4,
    detail?: string,
  ) {
    super(
      `illegal instruction ${hex(bits >>> 0, length * 2)} at pc ${hex(pc)}` + (detail ? `: ${detail}` : ''),
    );
  }
}

/** mcause of a misaligned load (LR) and of a misaligned store or AMO (SC and the AMOs). */
export { CAUSE_LOAD_ADDRESS_MISALIGNED, CAUSE_STORE_ADDRESS_MISALIGNED } from './csr/numbers.js';

/**
 * An LR, SC or AMO at an address that is not naturally aligned. The A extension raises
 * an address-misaligned exception for it (load address misaligned for LR, store/AMO for
 * the rest) instead of executing; Linux turns that into SIGBUS (BUS_ADRALN, si_addr = the
 * pc). The instruction is not retired and pc points at it.
 */
export class MisalignedAccess extends ZeroOSError {
  /** SIGBUS, as Linux would end the process. */
  readonly exitCode = signalExitCode(7);
  constructor(
    readonly address: bigint,
    /** The instruction's mnemonic (amoadd.w, lr.d, ...). */
    readonly instruction: string,
    /** The alignment it needs: 4 or 8 bytes. */
    readonly size: number,
    /** The exception a bare-metal hart would take: CAUSE_LOAD_ADDRESS_MISALIGNED or CAUSE_STORE_ADDRESS_MISALIGNED. */
    readonly trapCause: number,
    readonly pc: number,
  ) {
    super(`misaligned atomic access: ${instruction} of ${hex(address)} (needs ${size}-byte alignment) at pc ${hex(pc)}`);
  }
}

/**
 * An instruction the platform does not accept (a zkVM that cannot prove it): the hart
 * decodes it but refuses to execute it, naming the instruction and the platform's reason.
 * The instruction is not retired and pc points at it.
 */
export class RefusedInstruction extends ZeroOSError {
  readonly exitCode = EXIT_CODES.zkvmRejected;
  constructor(
    readonly mnemonic: string,
    readonly pc: number,
    readonly bits: number,
    readonly length: 2 | 4,
    readonly reason: string,
  ) {
    super(`${mnemonic} (${hex(bits >>> 0, length * 2)}) at pc ${hex(pc)} is refused: ${reason}`);
  }
}

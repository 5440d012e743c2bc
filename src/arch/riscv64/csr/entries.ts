import type { CsrAccessor, CsrEntry } from './csr-file.js';
import type { MachineState } from './machine.js';
import {
  CSR_CYCLE,
  CSR_INSTRET,
  CSR_MARCHID,
  CSR_MCAUSE,
  CSR_MCOUNTEREN,
  CSR_MCYCLE,
  CSR_MEPC,
  CSR_MHARTID,
  CSR_MIE,
  CSR_MIMPID,
  CSR_MINSTRET,
  CSR_MIP,
  CSR_MISA,
  CSR_MSCRATCH,
  CSR_MSTATUS,
  CSR_MTVAL,
  CSR_MTVEC,
  CSR_MVENDORID,
  CSR_TIME,
  PRIV_M,
  type Privilege,
} from './numbers.js';

/** What the CSR file needs from the hart besides the machine state. */
export interface HartCounters {
  /**
   * Instructions retired so far. While a CSR instruction executes: those retired before it
   * (the reading instruction does not count itself, as the spec requires).
   */
  instret(): number;
  /** The `time` CSR's source (the time subsystem replaces it; default: instret). */
  time(): bigint;
}

export interface StandardCsrOptions extends HartCounters {
  /** misa's value: the hart derives it from its registered extensions (see `misaFor`). */
  misa: bigint;
  /** mhartid (default 0). */
  hartId?: number;
}

/**
 * mcycle and minstret. Both count retired instructions (one instruction per cycle, so the
 * counts are deterministic); a write stores an offset from the architectural count, which
 * `--stats` and instret keep reporting unchanged.
 */
class Counter {
  offset = 0n;
  constructor(private readonly counters: HartCounters) {}

  read(): bigint {
    return BigInt.asUintN(64, BigInt(this.counters.instret()) + this.offset);
  }

  /** An instruction's write replaces its own increment: the next instruction reads `value`. */
  write(value: bigint, by: CsrAccessor): void {
    this.offset = value - BigInt(this.counters.instret() + (by === 'instruction' ? 1 : 0));
  }
}

/** U-mode may read cycle/time/instret only with its mcounteren bit (CY 0, TM 1, IR 2) set. */
function enabledBy(state: MachineState, bit: number): (privilege: Privilege) => boolean {
  return (privilege) => privilege === PRIV_M || ((state.mcounteren >> bit) & 1) === 1;
}

const ignore = (): void => {};

/**
 * The CSRs of ZeroOS's RV64 M/U hart, with the values and behaviour it has always had:
 * the counters and their unprivileged shadows (RV64: no cycleh/timeh/instreth), the
 * machine information registers, misa, and the trap CSRs over `state`. mie and mip read 0
 * and ignore writes: there are no interrupt sources.
 */
export function standardCsrEntries(state: MachineState, options: StandardCsrOptions): CsrEntry[] {
  const cycle = new Counter(options);
  const instret = new Counter(options);
  const hartId = BigInt(options.hartId ?? 0);
  const { misa } = options;
  const constant = (number: number, name: string, value: bigint): CsrEntry => ({ number, name, read: () => value });
  return [
    { number: CSR_CYCLE, name: 'cycle', read: () => cycle.read(), accessible: enabledBy(state, 0) },
    { number: CSR_TIME, name: 'time', read: () => BigInt.asUintN(64, options.time()), accessible: enabledBy(state, 1) },
    { number: CSR_INSTRET, name: 'instret', read: () => instret.read(), accessible: enabledBy(state, 2) },
    { number: CSR_MCYCLE, name: 'mcycle', read: () => cycle.read(), write: (v, by) => cycle.write(v, by) },
    { number: CSR_MINSTRET, name: 'minstret', read: () => instret.read(), write: (v, by) => instret.write(v, by) },
    { number: CSR_MSTATUS, name: 'mstatus', read: () => state.mstatus, write: (v) => (state.mstatus = v) },
    { number: CSR_MISA, name: 'misa', read: () => misa, write: ignore }, // WARL: the ISA is fixed
    { number: CSR_MIE, name: 'mie', read: () => 0n, write: ignore },
    { number: CSR_MTVEC, name: 'mtvec', read: () => state.mtvec, write: (v) => state.writeMtvec(v) },
    { number: CSR_MCOUNTEREN, name: 'mcounteren', read: () => BigInt(state.mcounteren), write: (v) => state.writeMcounteren(v) },
    { number: CSR_MSCRATCH, name: 'mscratch', read: () => state.mscratch, write: (v) => (state.mscratch = v) },
    { number: CSR_MEPC, name: 'mepc', read: () => state.mepc, write: (v) => state.writeMepc(v) },
    { number: CSR_MCAUSE, name: 'mcause', read: () => state.mcause, write: (v) => (state.mcause = v) },
    { number: CSR_MTVAL, name: 'mtval', read: () => state.mtval, write: (v) => (state.mtval = v) },
    { number: CSR_MIP, name: 'mip', read: () => 0n, write: ignore },
    constant(CSR_MVENDORID, 'mvendorid', 0n),
    constant(CSR_MARCHID, 'marchid', 0n),
    constant(CSR_MIMPID, 'mimpid', 0n),
    constant(CSR_MHARTID, 'mhartid', hartId),
  ];
}

import { ZeroOSError, hex, signalExitCode } from '../../../errors.js';
import { csrMinimumPrivilege, isReadOnlyCsr, PRIV_M, type Privilege } from './numbers.js';

/**
 * Who accesses a CSR. `instruction`: a Zicsr instruction of the guest, checked against the
 * hart's privilege; a counter written this way reads the written value at the next
 * instruction (the write replaces the writing instruction's increment). `host`: the kernel
 * or a test between instructions, above every privilege; a counter reads the value at once.
 */
export type CsrAccessor = 'instruction' | 'host';

/** One CSR: what reading and writing it does, and who may. */
export interface CsrEntry {
  readonly number: number;
  readonly name: string;
  read(): bigint;
  /**
   * Absent: the CSR is read-only and a write is refused. A WARL CSR whose value is fixed
   * (misa) has a write that ignores its value. `value` is unsigned 64-bit.
   */
  write?(value: bigint, by: CsrAccessor): void;
  /** The lowest privilege that may access it (default: the number's bits 9..8). */
  readonly privilege?: number;
  /** A further access rule at that privilege (U-mode counters and mcounteren). */
  accessible?(privilege: Privilege): boolean;
}

/** Why a CSR access was refused (each is an illegal-instruction exception for the guest). */
export type CsrRefusal = 'missing' | 'read-only' | 'privilege' | 'restricted';

/**
 * A CSR access the hart must turn into an illegal-instruction exception (or, on a platform
 * that does not trap, an IllegalInstruction error carrying this message as its detail).
 * Thrown before anything is written.
 */
export class CsrAccessError extends ZeroOSError {
  /** SIGILL: what the guest gets if the hart lets this escape. */
  readonly exitCode = signalExitCode(4);
  constructor(
    readonly csr: number,
    readonly refusal: CsrRefusal,
    /** The CSR's name when it has an entry. */
    readonly csrName: string | undefined,
    /** The restriction's reason or the privilege that was needed. */
    readonly detail?: string,
  ) {
    const what = `CSR ${hex(csr, 3)}` + (csrName === undefined ? '' : ` (${csrName})`);
    const tail = detail === undefined ? '' : `: ${detail}`;
    const text: Record<CsrRefusal, string> = {
      missing: `${what} does not exist`,
      'read-only': `${what} is read-only`,
      privilege: `${what} is not accessible`,
      restricted: `${what} is not available`,
    };
    super(text[refusal] + tail);
  }
}

/** CSRRW(I), CSRRS(I), CSRRC(I). */
export type CsrOp = 'rw' | 'rs' | 'rc';

const CSR_COUNT = 4096;
const PRIVILEGE_NAMES = ['U', 'S', 'H', 'M'];

/**
 * The CSR file: a table number → entry. The Zicsr instructions go through `exchange`; the
 * kernel through `read`/`write` with `'host'`. An integration shapes the table for its
 * platform: `restrict` (what the platform accepts, with the reason shown to the user),
 * `remove`, and `define` for its own CSRs.
 *
 * Refusals throw CsrAccessError (a guest-caused condition, thrown only on the failure path,
 * so a successful access allocates nothing beyond its bigints).
 */
export class CsrFile {
  readonly #entries = new Array<CsrEntry | undefined>(CSR_COUNT).fill(undefined);
  /** Per number, the reason of the restriction that refuses it. */
  readonly #refused = new Array<string | undefined>(CSR_COUNT).fill(undefined);

  /** `privilege()`: the hart's current privilege, asked at each instruction access. */
  constructor(
    private readonly privilege: () => Privilege = () => PRIV_M,
    entries: Iterable<CsrEntry> = [],
  ) {
    for (const entry of entries) this.define(entry);
  }

  /**
   * Adds or replaces an entry. A number refused by an earlier `restrict` becomes available
   * again: defining a CSR is the integration saying it exists on its platform.
   */
  define(entry: CsrEntry): void {
    checkNumber(entry.number);
    this.#entries[entry.number] = entry;
    this.#refused[entry.number] = undefined;
  }

  /** Removes entries: accessing them is then a `missing` refusal. */
  remove(numbers: Iterable<number>): void {
    for (const n of numbers) {
      checkNumber(n);
      this.#entries[n] = undefined;
    }
  }

  /**
   * Refuses every CSR that `allowed` does not accept, with `reason` in the error (e.g.
   * "Jolt supports only mstatus, mtvec, mscratch, mepc, mcause, mtval"). Restrictions add
   * up; the CSRs stay in the table (the machine's trap path still uses mepc and the others)
   * but instructions and the host cannot reach the refused ones.
   */
  restrict(allowed: readonly number[] | ((csr: number) => boolean), reason: string): void {
    const set = typeof allowed === 'function' ? undefined : new Set(allowed);
    const accepts = typeof allowed === 'function' ? allowed : (n: number) => set!.has(n);
    for (let n = 0; n < CSR_COUNT; n++) {
      if (this.#refused[n] === undefined && !accepts(n)) this.#refused[n] = reason;
    }
  }

  /** Whether `csr` has an entry that no restriction refuses. */
  has(csr: number): boolean {
    return this.#entries[csr] !== undefined && this.#refused[csr] === undefined;
  }

  /** The available entries in number order (for listings and documentation). */
  entries(): CsrEntry[] {
    const out: CsrEntry[] = [];
    for (let n = 0; n < CSR_COUNT; n++) if (this.has(n)) out.push(this.#entries[n]!);
    return out;
  }

  /** The entry for `csr`, or undefined (a restricted CSR still has one; see `has`). */
  entry(csr: number): CsrEntry | undefined {
    return this.#entries[csr];
  }

  /** Reads a CSR; throws CsrAccessError if it is missing, restricted or above the privilege. */
  read(csr: number, by: CsrAccessor = 'instruction'): bigint {
    return this.#access(csr, by).read();
  }

  /** Writes a CSR (value taken modulo 2^64); throws CsrAccessError as `read` does, or if it is read-only. */
  write(csr: number, value: bigint, by: CsrAccessor = 'instruction'): void {
    const entry = this.#access(csr, by);
    const write = writerOf(entry, csr);
    write.call(entry, BigInt.asUintN(64, value), by);
  }

  /**
   * A Zicsr instruction: reads the CSR, computes the new value and writes it, and returns
   * the old value for rd. `operand` is rs1's value or the zero-extended uimm.
   * `writes`: whether CSRRS/CSRRC(I) write, which is rs1 ≠ x0 (uimm ≠ 0) whatever the
   * operand's value; CSRRW(I) always write (pass true). A CSRRS/CSRRC that does not write
   * may read a read-only CSR. Throws CsrAccessError before writing anything.
   */
  exchange(csr: number, op: CsrOp, operand: bigint, writes: boolean): bigint {
    const entry = this.#access(csr, 'instruction');
    const old = entry.read();
    if (op === 'rw' || writes) {
      const write = writerOf(entry, csr);
      const v = BigInt.asUintN(64, operand);
      write.call(entry, op === 'rw' ? v : op === 'rs' ? old | v : old & ~v, 'instruction');
    }
    return old;
  }

  #access(csr: number, by: CsrAccessor): CsrEntry {
    const entry = this.#entries[csr];
    const reason = this.#refused[csr];
    if (reason !== undefined) throw new CsrAccessError(csr, 'restricted', entry?.name, reason);
    if (entry === undefined) throw new CsrAccessError(csr, 'missing', undefined);
    if (by === 'instruction') {
      const current = this.privilege();
      const needed = entry.privilege ?? csrMinimumPrivilege(csr);
      if (current < needed) {
        throw new CsrAccessError(csr, 'privilege', entry.name, `needs ${PRIVILEGE_NAMES[needed]}-mode, the hart is in ${PRIVILEGE_NAMES[current]}-mode`);
      }
      if (entry.accessible !== undefined && !entry.accessible(current)) {
        throw new CsrAccessError(csr, 'privilege', entry.name, `not enabled for ${PRIVILEGE_NAMES[current]}-mode`);
      }
    }
    return entry;
  }
}

/** The entry's write, or a `read-only` refusal (by number, bits 11..10 = 0b11, or by having none). */
function writerOf(entry: CsrEntry, csr: number): NonNullable<CsrEntry['write']> {
  const write = entry.write;
  if (isReadOnlyCsr(csr) || write === undefined) throw new CsrAccessError(csr, 'read-only', entry.name);
  return write;
}

function checkNumber(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n >= CSR_COUNT) throw new RangeError(`not a CSR number: ${n}`);
}

/**
 * Jolt's trace-row cost model (a16z/jolt ff9f8c13): what Jolt calls "cycles" is the number
 * of trace rows, virtual rows included (crates/jolt-prover-legacy/src/host/analyze.rs:19-21).
 * Each instruction costs the rows of its expansion recipe (crates/jolt-program/src/expand/),
 * which depend on the instruction and on its operands only, never on values:
 *
 * - rd = x0 on an instruction without side effects (ALU, shifts, M, LUI, AUIPC) is one row
 *   (EXP/mod.rs:129-144); loads, stores, AMOs, jumps, CSR and system instructions keep their
 *   rows;
 * - CSRRW: 1 row when rd = x0, 3 when rd = rs1, else 2; CSRRS: 1 when rs1 = x0 or rd = x0,
 *   3 when rd = rs1, else 2 (EXP/control_flow/csrr{w,s}.rs);
 * - a compressed instruction costs what its 32-bit form does (the tracer un-compresses it);
 * - ECALL 7 rows, MRET and EBREAK 1, FENCE (any) 1; Jolt's custom 0x5B instructions 1
 *   (AdviceLB/LH/LW 3); inlines their recipe's rows (inlines/index.ts).
 *
 * Wiring (for the platform), all in one: `joltRunParts` at the end of this file. Piece by piece:
 *   const model = new JoltCostModel({ maxTraceLength });      // NamedCostModel, bind to COST_MODEL
 *   onBoot: model.attach(hart.isa);                            // op ids → rows, once per registry
 *   report: joltCostReport({ rows: machine.cost(), trapMode, ecalls: model.ecalls, name: model.name })
 * The prover pads the trace to joltPadded(rows) and refuses a run whose padded length
 * passes max_trace_length (prover.rs:347-362): `limit` is the most rows that still fit,
 * and one row more ends the run with JoltTraceTooLong (exit 82).
 */
import { EXIT_CODES, ZeroOSError, hex } from '../../errors.js';
import { type Extension, type IsaConfig, STANDARD_EXTENSIONS, isaRegistry } from '../../arch/riscv64/isa/index.js';
import type { IsaRegistry } from '../../arch/riscv64/isa/registry.js';
import type { Hart } from '../../arch/riscv64/types.js';
import { JOLT_DEFAULT_MAX_TRACE_LENGTH } from '../../platform/jolt-layout.js';
import type { NamedCostModel } from '../../kernel/contracts/outcome.js';
import { JOLT_INLINES } from './inlines/index.js';
import { JOLT_INLINE_MNEMONICS, JOLT_MNEMONICS, JoltHostServices, joltExtension } from './instructions.js';

/** The Jolt commit the rows follow. */
export const JOLT_COST_COMMIT = 'ff9f8c13';
export const JOLT_COST_MODEL_NAME = `Jolt trace rows (a16z/jolt ${JOLT_COST_COMMIT})`;
/** The prover's smallest padded trace (PCS::MIN_PADDED_TRACE_LENGTH for Dory). */
export const JOLT_MIN_PADDED_TRACE_LENGTH = 256;

/** The prover's padded trace length for `rows` rows: 256 below 256, else the next power of two above rows (so 2^k pads to 2^(k+1)). */
export function joltPadded(rows: number): number {
  if (rows < JOLT_MIN_PADDED_TRACE_LENGTH) return JOLT_MIN_PADDED_TRACE_LENGTH;
  let p = 1;
  while (p < rows + 1) p *= 2;
  return p;
}

/** The most rows a run may have so that joltPadded(rows) <= maxTraceLength (-1: none fit). */
export function joltMaxRows(maxTraceLength: number): number {
  if (maxTraceLength < JOLT_MIN_PADDED_TRACE_LENGTH) return -1;
  let p = JOLT_MIN_PADDED_TRACE_LENGTH;
  while (p * 2 <= maxTraceLength) p *= 2;
  return p - 1;
}

/** The run's trace passed max_trace_length once padded: Jolt's prover refuses it (prover.rs:353-359). */
export class JoltTraceTooLong extends ZeroOSError {
  readonly exitCode = EXIT_CODES.zkvmRejected;
  constructor(
    readonly rows: number,
    readonly padded: number,
    readonly maxTraceLength: number,
    readonly pc: number,
  ) {
    super(
      `Execution trace length (${rows} cycles, padded to ${padded}) exceeds max_trace_length (${maxTraceLength}) at pc ${hex(pc)}: ` +
        `Jolt's prover would refuse this run; raise --max-trace-length to at least ${padded}`,
    );
  }
}

/** Rows per instruction by mnemonic, with rd a real register (§1.3 of the fact sheet; EXP/ recipes). */
const ROWS: Readonly<Record<string, number>> = {
  // RV64I
  lui: 1, auipc: 1, jal: 1, jalr: 1, halt: 1,
  beq: 1, bne: 1, blt: 1, bge: 1, bltu: 1, bgeu: 1,
  lb: 8, lbu: 8, lh: 9, lhu: 9, lw: 6, lwu: 9, ld: 1,
  sb: 13, sh: 14, sw: 15, sd: 1,
  addi: 1, slti: 1, sltiu: 1, xori: 1, ori: 1, andi: 1, slli: 1, srli: 1, srai: 1,
  add: 1, sub: 1, sll: 2, slt: 1, sltu: 1, xor: 1, srl: 2, sra: 2, or: 1, and: 1,
  addiw: 1, slliw: 1, srliw: 3, sraiw: 3, addw: 1, subw: 1, sllw: 2, srlw: 5, sraw: 5,
  fence: 1, 'fence.i': 1, ecall: 7, ebreak: 1, mret: 1,
  // RV64M
  mul: 1, mulh: 7, mulhsu: 11, mulhu: 1, div: 24, divu: 8, rem: 24, remu: 7,
  mulw: 1, divw: 21, divuw: 11, remw: 21, remuw: 9,
  // RV64A
  'lr.w': 10, 'sc.w': 37, 'lr.d': 5, 'sc.d': 16,
  'amoswap.w': 18, 'amoadd.w': 19, 'amoxor.w': 19, 'amoand.w': 19, 'amoor.w': 19,
  'amomin.w': 24, 'amomax.w': 24, 'amominu.w': 24, 'amomaxu.w': 24,
  'amoswap.d': 3, 'amoadd.d': 4, 'amoxor.d': 4, 'amoand.d': 4, 'amoor.d': 4,
  'amomin.d': 7, 'amomax.d': 7, 'amominu.d': 7, 'amomaxu.d': 7,
  // Jolt's 0x5B instructions
  [JOLT_MNEMONICS.adviceLb]: 3, [JOLT_MNEMONICS.adviceLh]: 3, [JOLT_MNEMONICS.adviceLw]: 3, [JOLT_MNEMONICS.adviceLd]: 1,
  [JOLT_MNEMONICS.adviceLen]: 1, [JOLT_MNEMONICS.rev8w]: 1, [JOLT_MNEMONICS.assertEq]: 1, [JOLT_MNEMONICS.hostIo]: 1,
};

/**
 * Instructions whose rd = x0 form is one row (no side effects: jolt-riscv kind.rs
 * source_side_effects_for_marker). Everything else keeps its rows with rd = x0.
 */
const RD0_ONE_ROW = new Set([
  'lui', 'auipc', 'addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'slli', 'srli', 'srai',
  'add', 'sub', 'sll', 'slt', 'sltu', 'xor', 'srl', 'sra', 'or', 'and',
  'addiw', 'slliw', 'srliw', 'sraiw', 'addw', 'subw', 'sllw', 'srlw', 'sraw',
  'mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu', 'mulw', 'divw', 'divuw', 'remw', 'remuw',
  JOLT_MNEMONICS.adviceLen, JOLT_MNEMONICS.rev8w,
]);

// info layout (isa/registry.ts): rd*2 in bits 8..15 (64 = x0's sink), rs1*2 in bits 16..23.
const RD_SINK = 64;
const KIND_PLAIN = 0;
const KIND_CSRRW = 1;
const KIND_CSRRS = 2;

/** Rows of every op id of one IsaRegistry. */
export class JoltRowTable {
  /** Rows with rd a real register, and with rd = x0, by op id. */
  readonly rows = new Int32Array(128);
  readonly rowsRd0 = new Int32Array(128);
  readonly kind = new Uint8Array(128);
  /** Mnemonics the table has no count for (refused by Jolt's ISA limits: they never retire there). */
  readonly unpriced: string[] = [];
  readonly ecallOp: number;

  constructor(readonly isa: IsaRegistry) {
    const inlineRows = new Map(JOLT_INLINES.map((i) => [i.name, i.rows]));
    for (const { id, def } of isa.instructions) {
      const m = def.mnemonic;
      let rows = ROWS[m];
      const inline = JOLT_INLINE_MNEMONICS[m];
      if (inline !== undefined) rows = inlineRows.get(inline);
      if (m === 'csrrw') this.kind[id] = KIND_CSRRW;
      if (m === 'csrrs') this.kind[id] = KIND_CSRRS;
      if (rows === undefined) {
        // Refused on Jolt (csrrc, the immediate CSR forms, wfi, ...), an inline that stops
        // the run, or not an instruction at all: one row, should one ever retire.
        rows = 1;
        if (id > 1 && this.kind[id] === KIND_PLAIN) this.unpriced.push(m);
      }
      this.rows[id] = rows;
      this.rowsRd0[id] = RD0_ONE_ROW.has(m) ? 1 : rows;
    }
    this.ecallOp = isa.opOf('ecall') ?? -1;
  }

  /** Rows of one decoded instruction (`info` and op id as the observer gets them). */
  cost(op: number, info: number): number {
    const kind = this.kind[op]!;
    const rd = (info >> 8) & 0xff;
    if (kind === KIND_PLAIN) return rd === RD_SINK ? this.rowsRd0[op]! : this.rows[op]!;
    const rs1 = (info >> 16) & 0xff;
    if (kind === KIND_CSRRW) return rd === RD_SINK ? 1 : rd === rs1 ? 3 : 2;
    // CSRRS: csrr (rs1 = x0) and csrs (rd = x0) are one row.
    return rs1 === 0 || rd === RD_SINK ? 1 : rd === rs1 ? 3 : 2;
  }
}

export interface JoltCostModelOptions {
  /** Jolt's max_trace_length (default 2^24): the padded trace may not pass it. */
  readonly maxTraceLength?: number;
  /** The registry now, when it is known (else `attach` at boot). */
  readonly isa?: IsaRegistry;
}

/**
 * Jolt's trace rows as a NamedCostModel (bind it to COST_MODEL; the kernel's
 * CostAccounting sums it over the retired instructions and stops the run past `limit`).
 * It also counts the ECALLs it prices, for the host-trap-mode estimate.
 */
export class JoltCostModel implements NamedCostModel {
  readonly name = JOLT_COST_MODEL_NAME;
  readonly unit = 'cycles';
  readonly limit: number;
  readonly maxTraceLength: number;
  /** ECALL instructions priced so far. */
  ecalls = 0;
  #table: JoltRowTable | undefined;
  #ecallOp = -1;

  constructor(options: JoltCostModelOptions = {}) {
    this.maxTraceLength = options.maxTraceLength ?? JOLT_DEFAULT_MAX_TRACE_LENGTH;
    this.limit = joltMaxRows(this.maxTraceLength);
    if (options.isa) this.attach(options.isa);
  }

  /** Prices the op ids of `isa` (the hart's registry: `hart.isa`). Tables are kept per registry. */
  attach(isa: IsaRegistry): JoltRowTable {
    const table = rowTableFor(isa);
    this.#table = table;
    this.#ecallOp = table.ecallOp;
    return table;
  }

  get table(): JoltRowTable | undefined {
    return this.#table;
  }

  cost(op: number, info: number): number {
    const table = this.#table;
    if (table === undefined) throw new Error('JoltCostModel: attach(hart.isa) before the first instruction');
    if (op === this.#ecallOp) this.ecalls++;
    return table.cost(op, info);
  }

  limitError(total: number, pc: number): Error {
    return new JoltTraceTooLong(total, joltPadded(total), this.maxTraceLength, pc);
  }
}

const tables = new WeakMap<IsaRegistry, JoltRowTable>();

/** The row table of `isa`, built once per registry. */
export function rowTableFor(isa: IsaRegistry): JoltRowTable {
  let table = tables.get(isa);
  if (table === undefined) {
    table = new JoltRowTable(isa);
    tables.set(isa, table);
  }
  return table;
}

// ------------------------------------------------------------------ the report

/**
 * ZeroOS's in-guest trap path on Jolt, per syscall, in rows (fact sheet §6, derived from
 * LayerZero-Labs/ZeroOS c4087a82 crates/zeroos-arch-riscv/src/trap.rs:175-294 priced with
 * §1.3): the ECALL itself (7, which the model counts in host trap mode too), the register
 * save (55: `csrrw tp,mscratch,tp` is 3 rows) and the restore through mret (41); the
 * syscall handler's own work is not included.
 */
export const ZEROOS_TRAP_PATH_ROWS = { ecall: 7, save: 55, restore: 41 } as const;
/** Rows the host trap mode leaves out per syscall (save + restore; the ECALL is counted). */
export const ZEROOS_TRAP_PATH_UNCOUNTED = ZEROOS_TRAP_PATH_ROWS.save + ZEROOS_TRAP_PATH_ROWS.restore;

export interface JoltCostReportInput {
  /** Rows of the run (CostAccounting.total). */
  readonly rows: number;
  readonly trapMode: 'host' | 'machine';
  /** ECALLs the run made (JoltCostModel.ecalls): the syscalls in host trap mode. */
  readonly ecalls?: number;
  readonly name?: string;
  readonly maxTraceLength?: number;
}

/** The cost part of Jolt's run report: `cycles`, `padded`, and in host trap mode what the in-guest trap path would add. */
export function joltCostReport(input: JoltCostReportInput): { lines: [string, string][]; data: Record<string, unknown> } {
  const name = input.name ?? JOLT_COST_MODEL_NAME;
  const padded = joltPadded(input.rows);
  const host = input.trapMode === 'host';
  const ecalls = input.ecalls ?? 0;
  const lines: [string, string][] = [
    ['cycles', `${input.rows} (${name}${host ? '; host trap mode: the in-guest trap path is not counted' : ''})`],
    ['padded', String(padded)],
  ];
  const data: Record<string, unknown> = { cycles: input.rows, padded, model: name, trapMode: input.trapMode };
  if (input.maxTraceLength !== undefined) data['maxTraceLength'] = input.maxTraceLength;
  if (host) {
    const extra = ecalls * ZEROOS_TRAP_PATH_UNCOUNTED;
    const { ecall, save, restore } = ZEROOS_TRAP_PATH_ROWS;
    lines.push([
      'trap path',
      `~${ZEROOS_TRAP_PATH_UNCOUNTED} rows per syscall not counted (ZeroOS's in-guest handler on Jolt: ECALL ${ecall} counted + save ${save} + restore ${restore}, ` +
        `handler body excluded; ZeroOS c4087a82 trap.rs:175-294): ${ecalls} syscalls, ~${extra} rows, ~${input.rows + extra} cycles in all (padded ${joltPadded(input.rows + extra)})`,
    ]);
    data['trapPath'] = { perSyscall: ZEROOS_TRAP_PATH_UNCOUNTED, ecall, save, restore, syscalls: ecalls, estimatedRows: extra, estimatedCycles: input.rows + extra };
  }
  return { lines, data };
}

// ------------------------------------------------------------------ everything for a run

export interface JoltRunPartsOptions {
  /** --max-trace-length (default 2^24). */
  readonly maxTraceLength?: number;
  readonly trapMode: 'host' | 'machine';
  /** Bytes on the advice tape before the first instruction (Jolt's first-pass advice), if any. */
  readonly advice?: Uint8Array;
}

/** What the Jolt platform's boot step hands over. */
export interface JoltRunIo {
  /** The guest's stdout (VirtualHostIO prints). */
  write(bytes: Uint8Array): void;
  /** Where Jolt's warnings go besides the report (e.g. stderr); default only the report. */
  warn?(message: string): void;
}

/**
 * The cost model, the custom instructions and their host for one Jolt run, wired together:
 *
 *   const parts = joltRunParts({ maxTraceLength, trapMode });
 *   setup: isa = parts.isa(refusals)   (or [...STANDARD_EXTENSIONS, parts.extension]),
 *          module: integrationModule({ costModel: parts.costModel, onBoot(m) { parts.boot(m, { write }) }, report: … parts.report() … })
 *   parts.host.events$: spans, prints and warnings as they happen.
 */
export class JoltRunParts {
  readonly costModel: JoltCostModel;
  readonly host: JoltHostServices;
  /** Jolt's custom instructions (an Extension for IsaConfig.extensions). */
  readonly extension: Extension;
  readonly trapMode: 'host' | 'machine';
  #cost: () => number = () => 0;

  constructor(options: JoltRunPartsOptions) {
    this.trapMode = options.trapMode;
    this.costModel = new JoltCostModel(options.maxTraceLength === undefined ? {} : { maxTraceLength: options.maxTraceLength });
    this.host = new JoltHostServices(undefined, options.advice === undefined ? {} : { advice: options.advice });
    this.extension = joltExtension(this.host);
  }

  /** The IsaConfig for the hart: the standard extensions, Jolt's, and the platform's refusals. */
  isa(refuse: IsaConfig['refuse'] = []): IsaConfig {
    return { extensions: [...STANDARD_EXTENSIONS, this.extension], refuse };
  }

  /**
   * At boot (after load, before the first instruction): prices the hart's op ids and
   * connects the prints and the cost so far (`machine.cost()`: the kernel's CostAccounting).
   * A hart without `isa` (the Hart interface does not promise one) gets a registry rebuilt
   * from `config`, which numbers ops the same way.
   */
  boot(machine: { readonly hart: Hart; cost(): number }, io: JoltRunIo, config: IsaConfig = this.isa()): void {
    const isa = (machine.hart as Hart & { readonly isa?: IsaRegistry }).isa ?? isaRegistry(config);
    this.costModel.attach(isa);
    this.#cost = () => machine.cost();
    this.host.attach({ write: (bytes) => io.write(bytes), rows: this.#cost, ...(io.warn ? { warn: (m: string) => io.warn!(m) } : {}) });
  }

  /** The report's lines and data: cycles, padded, the trap-path estimate (host mode), spans, warnings. */
  report(): { lines: [string, string][]; data: Record<string, unknown> } {
    const cost = joltCostReport({ rows: this.#cost(), trapMode: this.trapMode, ecalls: this.costModel.ecalls, maxTraceLength: this.costModel.maxTraceLength });
    return { lines: [...cost.lines, ...this.host.reportLines()], data: { ...cost.data, ...this.host.reportData() } };
  }
}

/** `new JoltRunParts(options)`. */
export function joltRunParts(options: JoltRunPartsOptions): JoltRunParts {
  return new JoltRunParts(options);
}

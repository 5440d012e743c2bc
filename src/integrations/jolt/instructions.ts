/**
 * Jolt's custom instructions (a16z/jolt ff9f8c13) as an ISA extension whose instructions
 * run host functions (InstructionDef.hook):
 *
 * - opcode 0x5B (tracer/src/instruction/mod.rs:1346-1377): the advice loads AdviceLB/LH/LW/LD
 *   (funct3 0, funct7 0..3), VirtualAdviceLen (funct7 4), VirtualRev8W (funct7 5),
 *   VirtualAssertEQ (funct3 1) and VirtualHostIO (funct3 2: print, cycle-tracking markers,
 *   advice writes, selected by a0);
 * - the inline opcodes 0x0B and 0x2B (inlines/): SHA-256, Keccak-f, BLAKE2b and BLAKE3 run; every other
 *   inline Jolt registers stops the run naming it; an encoding with none registered stops
 *   it with Jolt's own message.
 *
 * Every failure Jolt's tracer would panic on is a named error with exit status 82
 * (EXIT_CODES.zkvmRejected): Jolt's emulator would reject the run.
 *
 * Wiring (for the platform):
 *   const host = new JoltHostServices({ write: (bytes) => …the guest's stdout…, rows: () => …cost so far… });
 *   setup.isa = { extensions: [...STANDARD_EXTENSIONS, joltExtension(host)], refuse: … };
 *   report lines: host.reportLines(); events: host.events$; spans: host.spans.
 * `rows` must give the cost model's total before the current instruction (the kernel's
 * CostAccounting.total, which adds an instruction's rows after it retires): Jolt reads its
 * counters while the marker executes, before the marker's own row.
 */
import { Subject, type Observable } from 'rxjs';
import { EXIT_CODES, ZeroOSError, hex } from '../../errors.js';
import type { Extension, HookContext, InstructionDef } from '../../arch/riscv64/isa/types.js';
import { InlinePointerMisaligned, JOLT_EXTERNAL_INLINE_OPCODE, JOLT_INLINES, JOLT_INLINE_OPCODE, joltInlineOf, noInlineMessage, type JoltInline } from './inlines/index.js';

// ------------------------------------------------------------------ constants

/** Jolt's custom opcode (tracer/src/instruction/mod.rs:4). */
export const JOLT_CUSTOM_OPCODE = 0x5b;
/** VirtualHostIO's call ids, in a0 (jolt-platform/src/{print,cycle_tracking,advice}.rs). */
export const JOLT_PRINT_CALL_ID = 0x505249;
export const JOLT_CYCLE_TRACK_CALL_ID = 0xc7c1e;
export const JOLT_ADVICE_WRITE_CALL_ID = 0xadbabe;
/** Print events (a3): 1 prints, 2 prints a line. */
export const JOLT_PRINT_STRING = 1;
export const JOLT_PRINT_LINE = 2;
/** Cycle-marker events (a3). */
export const JOLT_CYCLE_MARKER_START = 1;
export const JOLT_CYCLE_MARKER_END = 2;

/** The extension's mnemonics (op ids come from the hart's IsaRegistry: `isa.opOf(mnemonic)`). */
export const JOLT_MNEMONICS = {
  adviceLb: 'jolt.advice_lb',
  adviceLh: 'jolt.advice_lh',
  adviceLw: 'jolt.advice_lw',
  adviceLd: 'jolt.advice_ld',
  adviceLen: 'jolt.advice_len',
  rev8w: 'jolt.rev8w',
  assertEq: 'jolt.assert_eq',
  hostIo: 'jolt.host_io',
  sha256: 'jolt.sha256',
  sha256Init: 'jolt.sha256_init',
  keccak256: 'jolt.keccak256',
  blake2: 'jolt.blake2',
  blake3: 'jolt.blake3',
  blake3Keyed64: 'jolt.blake3_keyed64',
  /** Any other word on opcode 0x0B / 0x2B: an inline ZeroOS does not run, or none at all. */
  inline: 'jolt.inline',
  externalInline: 'jolt.inline_external',
} as const;

/** The inline (upstream name) each executing mnemonic stands for. */
export const JOLT_INLINE_MNEMONICS: Readonly<Record<string, string>> = {
  [JOLT_MNEMONICS.sha256]: 'SHA256_INLINE',
  [JOLT_MNEMONICS.sha256Init]: 'SHA256_INIT_INLINE',
  [JOLT_MNEMONICS.keccak256]: 'KECCAK256_INLINE',
  [JOLT_MNEMONICS.blake2]: 'BLAKE2_INLINE',
  [JOLT_MNEMONICS.blake3]: 'BLAKE3_INLINE',
  [JOLT_MNEMONICS.blake3Keyed64]: 'BLAKE3_KEYED64_INLINE',
};

// ------------------------------------------------------------------ errors

/** A Jolt custom instruction did something Jolt's tracer panics on: Jolt would reject the run. */
export abstract class JoltInstructionRejected extends ZeroOSError {
  readonly exitCode = EXIT_CODES.zkvmRejected;
  constructor(
    readonly pc: number,
    message: string,
  ) {
    super(`${message} (at pc ${hex(pc)}; Jolt's tracer panics here, so Jolt would reject this run)`);
  }
}

/** VirtualHostIO print with an event other than 1 or 2 (cpu.rs:1291-1305). */
export class JoltPrintEventError extends JoltInstructionRejected {
  constructor(
    pc: number,
    readonly event: number,
  ) {
    super(pc, `Unexpected event type: ${event}`);
  }
}

/** A cycle-tracking marker with an event other than start (1) or end (2) (cpu.rs:1282-1284). */
export class JoltCycleMarkerEventError extends JoltInstructionRejected {
  constructor(
    pc: number,
    readonly event: number,
  ) {
    super(pc, `Unexpected event: event must match either start or end marker (a3 = ${event})`);
  }
}

/** An advice load found the advice tape short (advice_l*.rs: `expect("Failed to read from advice tape")`). */
export class JoltAdviceTapeExhausted extends JoltInstructionRejected {
  constructor(
    pc: number,
    readonly wanted: number,
    readonly remaining: number,
  ) {
    super(pc, `Failed to read from advice tape: ${wanted} bytes wanted, ${remaining} left (the guest writes advice with VirtualHostIO a0 = 0xADBABE before reading it)`);
  }
}

/** VirtualAssertEQ with imm = 0 on unequal registers (virtual_assert_eq.rs: assert_eq!). */
export class JoltAssertionFailed extends JoltInstructionRejected {
  constructor(
    pc: number,
    readonly left: bigint,
    readonly right: bigint,
  ) {
    super(pc, `VirtualAssertEQ failed: assertion \`left == right\` failed, left: ${left}, right: ${right}`);
  }
}

/** An inline opcode with no inline registered for its funct3/funct7 (inline.rs:100-109). */
export class JoltInlineNotRegistered extends JoltInstructionRejected {
  constructor(
    pc: number,
    readonly word: number,
  ) {
    super(pc, noInlineMessage(word));
  }
}

/** A Jolt inline that ZeroOS does not execute (Jolt would run it; this run cannot go on faithfully). */
export class JoltInlineNotImplemented extends ZeroOSError {
  readonly exitCode = EXIT_CODES.unsupported;
  constructor(
    readonly pc: number,
    readonly inline: JoltInline,
  ) {
    super(
      `the Jolt inline ${inline.name} (${inline.summary}; opcode ${hex(inline.opcode)}, funct7 ${hex(inline.funct7)}, funct3 ${inline.funct3}) ` +
        `at pc ${hex(pc)} is not executed by ZeroOS (Jolt would run it): the inlines that run here are ${JOLT_INLINES.filter((i) => i.execute)
          .map((i) => i.name)
          .join(', ')}`,
    );
  }
}

/** An inline's pointer that its doubleword loads cannot use (Jolt's tracer panics "Unaligned load_doubleword"). */
export class JoltInlineMisaligned extends JoltInstructionRejected {
  constructor(
    pc: number,
    readonly inline: string,
    readonly detail: string,
  ) {
    super(pc, `${inline}: ${detail} (the inline loads doublewords: Unaligned load_doubleword)`);
  }
}

// ------------------------------------------------------------------ the host

/** A counter reading at a marker: rows and instructions before the marker instruction. */
export interface CyclePoint {
  readonly rows: number;
  readonly instructions: number;
  readonly pc: number;
}

/** A finished cycle-tracking span: Jolt's "<label>": <real> RV64IMAC cycles + <virtual> virtual instructions = <total> total cycles. */
export interface CycleSpan {
  readonly label: string;
  /** The label's guest address (Jolt keys markers by it, not by the text). */
  readonly pointer: number;
  /** Trace rows from the START marker (included) to the END marker (excluded). */
  readonly rows: number;
  /** Instructions retired in the same range (Jolt's "real" RV64IMAC cycles). */
  readonly instructions: number;
  /** rows - instructions (Jolt's "virtual instructions"). */
  readonly virtualRows: number;
  readonly startPc: number;
  readonly endPc: number;
}

/** What the host reports as the custom instructions run (JoltHostServices.events$). */
export type JoltHostEvent =
  | { readonly kind: 'span-start'; readonly label: string; readonly pointer: number; readonly at: CyclePoint }
  | { readonly kind: 'span-end'; readonly span: CycleSpan }
  | { readonly kind: 'print'; readonly bytes: Uint8Array; readonly newline: boolean }
  | { readonly kind: 'advice-write'; readonly length: number }
  | { readonly kind: 'warning'; readonly message: string; readonly pc: number };

/**
 * What Jolt's custom instructions need from the run. `JoltHostServices` is the default;
 * a platform may bring its own.
 */
export interface JoltHost {
  /** VirtualHostIO print: text for the guest's stdout (event 2 has its newline added already). */
  print(bytes: Uint8Array, newline: boolean): void;
  /** Trace rows so far, not counting the instruction executing now. */
  rows(): number;
  /** A cycle-tracking START marker for the label at `pointer`. */
  spanStart(pointer: number, label: string, at: CyclePoint): void;
  /** An END marker: the span keyed by `pointer` ends (before this marker's own row). */
  spanEnd(pointer: number, at: CyclePoint): void;
  /** Appends to the advice tape (VirtualHostIO a0 = 0xADBABE). */
  adviceWrite(bytes: Uint8Array): void;
  /** Reads `size` bytes (little-endian, unsigned) off the advice tape, or undefined when fewer remain (nothing consumed). */
  adviceRead(size: 1 | 2 | 4 | 8): bigint | undefined;
  /** Bytes left to read on the tape. */
  adviceRemaining(): number;
  /** Something Jolt logs with warn! (a re-started or never-started marker, a spoiled proof). */
  warn(message: string, pc: number): void;
}

/**
 * Jolt's advice tape (cpu.rs AdviceTape): one byte queue for the run. Jolt fills it in a
 * first emulation pass (the guest built to compute advice writes it) and the proving pass
 * reads it; a run here is one pass, so writes append and advice loads consume in order.
 */
export class AdviceTape {
  #data = new Uint8Array(64);
  #length = 0;
  #read = 0;

  constructor(initial?: Uint8Array) {
    if (initial) this.write(initial);
  }

  write(bytes: Uint8Array): void {
    if (this.#length + bytes.length > this.#data.length) {
      const grown = new Uint8Array(Math.max(this.#data.length * 2, this.#length + bytes.length));
      grown.set(this.#data.subarray(0, this.#length));
      this.#data = grown;
    }
    this.#data.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  read(size: number): bigint | undefined {
    if (this.#read + size > this.#length) return undefined;
    let value = 0n;
    for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(this.#data[this.#read + i]!);
    this.#read += size;
    return value;
  }

  get remaining(): number {
    return this.#length - this.#read;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }
}

/** What the platform gives JoltHostServices. */
export interface JoltHostIo {
  /** The guest's stdout (the kernel's console in host trap mode, the process's stdout otherwise). */
  write(bytes: Uint8Array): void;
  /** The cost model's total so far (rows of the instructions retired before the current one). */
  rows(): number;
  /** Where warnings go besides events$ and the report (e.g. stderr); default nowhere. */
  warn?(message: string): void;
  /**
   * Charges `bytes` more of host memory the guest made the host keep (the advice tape) to
   * the run's memory budget; throws the budget's OutOfMemory when it does not fit.
   */
  reserve?(bytes: number): void;
}

/** Finished spans and warnings kept one by one; past these the report counts the rest. */
const KEPT_SPANS = 1024;
const KEPT_WARNINGS = 100;

interface ActiveMarker {
  readonly label: string;
  readonly at: CyclePoint;
}

/** The default JoltHost: prints through `io.write`, keeps the advice tape, the markers and the finished spans. */
export class JoltHostServices implements JoltHost {
  readonly advice: AdviceTape;
  /** Finished spans, in the order their END markers ran. */
  readonly spans: CycleSpan[] = [];
  /** Warnings Jolt would log, in order. */
  readonly warnings: string[] = [];
  /** Spans and warnings past KEPT_SPANS / KEPT_WARNINGS, counted but not kept. */
  droppedSpans = 0;
  droppedWarnings = 0;
  readonly #active = new Map<number, ActiveMarker>();
  readonly #events = new Subject<JoltHostEvent>();
  /** Spans, prints, advice writes and warnings as they happen (hot; completed by `dispose`). */
  readonly events$: Observable<JoltHostEvent> = this.#events.asObservable();
  #io: JoltHostIo | undefined;

  constructor(io?: JoltHostIo, options: { advice?: Uint8Array } = {}) {
    this.#io = io;
    this.advice = new AdviceTape(options.advice);
  }

  /** Connects the run's output and cost (when they exist only after boot). */
  attach(io: JoltHostIo): void {
    this.#io = io;
  }

  print(bytes: Uint8Array, newline: boolean): void {
    this.#io?.write(bytes);
    this.#events.next({ kind: 'print', bytes, newline });
  }

  rows(): number {
    return this.#io?.rows() ?? 0;
  }

  spanStart(pointer: number, label: string, at: CyclePoint): void {
    // cpu.rs:1250-1268: a label already active is a warning; the pointer is the key.
    for (const marker of this.#active.values()) {
      if (marker.label === label) {
        this.warn(`Marker with label '${label}' is already active`, at.pc);
        break;
      }
    }
    this.#active.set(pointer, { label, at });
    this.#events.next({ kind: 'span-start', label, pointer, at });
  }

  spanEnd(pointer: number, at: CyclePoint): void {
    const marker = this.#active.get(pointer);
    if (marker === undefined) {
      this.warn(`Attempt to end a marker (ptr: 0x${pointer.toString(16)}) that was never started`, at.pc);
      return;
    }
    this.#active.delete(pointer);
    const rows = at.rows - marker.at.rows;
    const instructions = at.instructions - marker.at.instructions;
    const span: CycleSpan = { label: marker.label, pointer, rows, instructions, virtualRows: rows - instructions, startPc: marker.at.pc, endPc: at.pc };
    if (this.spans.length < KEPT_SPANS) this.spans.push(span);
    else this.droppedSpans++;
    this.#events.next({ kind: 'span-end', span });
  }

  adviceWrite(bytes: Uint8Array): void {
    this.#io?.reserve?.(bytes.length);
    this.advice.write(bytes);
    this.#events.next({ kind: 'advice-write', length: bytes.length });
  }

  adviceRead(size: 1 | 2 | 4 | 8): bigint | undefined {
    return this.advice.read(size);
  }

  adviceRemaining(): number {
    return this.advice.remaining;
  }

  warn(message: string, pc: number): void {
    if (this.warnings.length < KEPT_WARNINGS) this.warnings.push(message);
    else this.droppedWarnings++;
    this.#io?.warn?.(message);
    this.#events.next({ kind: 'warning', message, pc });
  }

  /** Labels started and not ended (Jolt reports nothing for them). */
  get openSpans(): readonly string[] {
    return [...this.#active.values()].map((m) => m.label);
  }

  /** --stats lines: one per finished span, then warnings and markers left open. */
  reportLines(): [label: string, text: string][] {
    const lines: [string, string][] = this.spans.map((s) => [
      `span ${s.label}`,
      `${s.rows} rows: ${s.instructions} RV64IMAC cycles + ${s.virtualRows} virtual instructions`,
    ]);
    for (const label of this.openSpans) lines.push([`span ${label}`, 'started, never ended (not reported by Jolt)']);
    if (this.droppedSpans > 0) lines.push(['spans', `${this.droppedSpans} more finished spans not listed (the first ${KEPT_SPANS} are)`]);
    for (const warning of this.warnings) lines.push(['jolt warning', warning]);
    if (this.droppedWarnings > 0) lines.push(['jolt warning', `${this.droppedWarnings} more warnings not listed`]);
    if (this.advice.length > 0) lines.push(['advice tape', `${this.advice.length} bytes written, ${this.advice.remaining} unread`]);
    return lines;
  }

  /** The same as JSON-safe data. */
  reportData(): { spans: CycleSpan[]; openSpans: string[]; warnings: string[]; adviceBytes: number } {
    return { spans: [...this.spans], openSpans: [...this.openSpans], warnings: [...this.warnings], adviceBytes: this.advice.length };
  }

  dispose(): void {
    this.#events.complete();
  }
}

// ------------------------------------------------------------------ semantics

const decoder = new TextDecoder(); // lossy, as String::from_utf8_lossy
const NEWLINE = new Uint8Array([10]);
/** The longest advice write taken at once (Jolt has no limit; a larger one is surely a bug). */
const MAX_ADVICE_WRITE = 1 << 28;
/**
 * The longest print and cycle-tracking label read at once: the bytes are copied on the host
 * before they go anywhere, and the range may be I/O memory that reads as zeros without
 * being mapped, so the guest's length alone must not size a host buffer.
 */
const MAX_PRINT = 1 << 24;
const MAX_LABEL = 4096;

function point(h: HookContext, host: JoltHost): CyclePoint {
  return { rows: host.rows(), instructions: h.instret, pc: h.pc };
}

/** VirtualHostIO (virtual_host_io.rs): a0 selects print, cycle marker or advice write; other values do nothing. */
export function executeHostIo(h: HookContext, host: JoltHost): void {
  const call = h.getXLow(10) >>> 0; // cpu.x[10] as u32
  if (call === JOLT_ADVICE_WRITE_CALL_ID) {
    const pointer = h.getX(11);
    const length = h.getX(12);
    if (length > BigInt(MAX_ADVICE_WRITE)) throw new JoltAdviceWriteTooLarge(h.pc, length);
    host.adviceWrite(h.readMemory(pointer, Number(length)));
    return;
  }
  const pointer = h.getXLow(11) >>> 0; // u32, as Jolt truncates them
  const length = h.getXLow(12) >>> 0;
  const event = h.getXLow(13) >>> 0;
  if (call === JOLT_CYCLE_TRACK_CALL_ID) {
    if (event === JOLT_CYCLE_MARKER_START && length > MAX_LABEL) throw new JoltHostIoTooLarge(h.pc, 'cycle-tracking label', length, MAX_LABEL);
    if (event === JOLT_CYCLE_MARKER_START) host.spanStart(pointer, decoder.decode(h.readMemory(pointer, length)), point(h, host));
    else if (event === JOLT_CYCLE_MARKER_END) host.spanEnd(pointer, point(h, host));
    else throw new JoltCycleMarkerEventError(h.pc, event);
  } else if (call === JOLT_PRINT_CALL_ID) {
    if (length > MAX_PRINT) throw new JoltHostIoTooLarge(h.pc, 'print', length, MAX_PRINT);
    const text = h.readMemory(pointer, length);
    if (event === JOLT_PRINT_STRING) host.print(text, false);
    else if (event === JOLT_PRINT_LINE) {
      const line = new Uint8Array(text.length + 1);
      line.set(text);
      line.set(NEWLINE, text.length);
      host.print(line, true);
    } else throw new JoltPrintEventError(h.pc, event);
  }
}

/** An advice write longer than ZeroOS takes at once. */
export class JoltAdviceWriteTooLarge extends JoltInstructionRejected {
  constructor(
    pc: number,
    readonly length: bigint,
  ) {
    super(pc, `advice write of ${length} bytes (a2) is larger than ${MAX_ADVICE_WRITE}`);
  }
}

/** A print or cycle-tracking label longer than ZeroOS reads at once. */
export class JoltHostIoTooLarge extends JoltInstructionRejected {
  constructor(
    pc: number,
    readonly what: string,
    readonly length: number,
    readonly limit: number,
  ) {
    super(pc, `${what} of ${length} bytes (a2) is longer than ${limit}, the most ZeroOS reads at once`);
  }
}

/** AdviceLB/LH/LW/LD: `size` bytes off the tape into rd, sign-extended (LD: all 64 bits). */
export function executeAdviceLoad(h: HookContext, host: JoltHost, size: 1 | 2 | 4 | 8): void {
  const value = host.adviceRead(size);
  if (value === undefined) throw new JoltAdviceTapeExhausted(h.pc, size, host.adviceRemaining());
  h.setX(h.rd, BigInt.asIntN(size * 8, value));
}

/** VirtualAdviceLen: rd = the bytes left on the tape. */
export function executeAdviceLen(h: HookContext, host: JoltHost): void {
  h.setX(h.rd, BigInt(host.adviceRemaining()));
}

/** Reverses the bytes of each 32-bit half (virtual_rev8w.rs rev8w). */
export function rev8w(value: bigint): bigint {
  const swap = (w: number): number => (((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24)) >>> 0;
  const lo = swap(Number(value & 0xffffffffn));
  const hi = swap(Number((value >> 32n) & 0xffffffffn));
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** VirtualRev8W: rd = rev8w(rs1). */
export function executeRev8w(h: HookContext): void {
  h.setX(h.rd, rev8w(h.getX(h.rs1)));
}

/** VirtualAssertEQ: imm = 0 asserts rs1 == rs2 (a named error); any other imm only warns that the proof is spoiled. */
export function executeAssertEq(h: HookContext, host: JoltHost): void {
  const left = BigInt.asIntN(64, h.getX(h.rs1));
  const right = BigInt.asIntN(64, h.getX(h.rs2));
  if (left === right) return;
  if (h.imm === 0) throw new JoltAssertionFailed(h.pc, left, right);
  host.warn(`VirtualAssertEQ (spoil): rs1=${left} != rs2=${right}, proof will be unsatisfiable`, h.pc);
}

/** An inline word: runs the registered inline it names, or stops with the named error. */
export function executeInline(h: HookContext): void {
  const inline = joltInlineOf(h.bits);
  if (inline === undefined) throw new JoltInlineNotRegistered(h.pc, h.bits);
  if (inline.execute === undefined) throw new JoltInlineNotImplemented(h.pc, inline);
  try {
    inline.execute(h);
  } catch (error) {
    if (error instanceof InlinePointerMisaligned) throw new JoltInlineMisaligned(h.pc, inline.name, error.message);
    throw error;
  }
}

// ------------------------------------------------------------------ what Jolt's program build refuses

/**
 * Why Jolt cannot build a program holding `word` (a 32-bit word on Jolt's custom or inline
 * opcodes), or undefined when it can: Jolt decodes and expands every word of the
 * executable sections up front (crates/jolt-program/src/image/elf.rs:107-146), so a bad
 * custom word or an inline with none registered fails the build, reached or not. Other
 * opcodes are not judged here.
 */
export function joltCustomWordProblem(word: number): string | undefined {
  const opcode = word & 0x7f;
  if (opcode === JOLT_CUSTOM_OPCODE) {
    const funct3 = (word >>> 12) & 7;
    if (funct3 === 0 && (word >>> 25) > 5) return 'Invalid funct7 for virtual R-type instruction';
    if (funct3 > 2) return 'Invalid custom/virtual instruction';
    return undefined;
  }
  if (opcode === JOLT_INLINE_OPCODE || opcode === JOLT_EXTERNAL_INLINE_OPCODE) return joltInlineOf(word) === undefined ? noInlineMessage(word) : undefined;
  return undefined;
}

// ------------------------------------------------------------------ the extension

const R_MASK = 0xfe00707f; // opcode, funct3, funct7
const F3_MASK = 0x0000707f; // opcode, funct3

const custom = (funct3: number, funct7 = 0): number => JOLT_CUSTOM_OPCODE | (funct3 << 12) | (funct7 << 25);
const inlineMatch = (inline: { funct3: number; funct7: number }): number => JOLT_INLINE_OPCODE | (inline.funct3 << 12) | (inline.funct7 << 25);

/**
 * Jolt's custom instructions as an Extension ('xjolt') for `IsaConfig.extensions`, their
 * host effects going to `host`. Encodings Jolt does not decode (opcode 0x5B with funct3
 * 3..7, or funct3 0 with funct7 > 5) are left out: they are illegal instructions, as
 * Jolt's decoder has them.
 */
export function joltExtension(host: JoltHost): Extension {
  const def = (mnemonic: string, match: number, mask: number, format: InstructionDef['format'], hook: (h: HookContext) => void): InstructionDef => ({
    mnemonic,
    match,
    mask,
    format,
    semantics: '',
    hook,
  });
  return {
    name: 'xjolt',
    instructions: [
      def(JOLT_MNEMONICS.adviceLb, custom(0, 0), R_MASK, 'R', (h) => executeAdviceLoad(h, host, 1)),
      def(JOLT_MNEMONICS.adviceLh, custom(0, 1), R_MASK, 'R', (h) => executeAdviceLoad(h, host, 2)),
      def(JOLT_MNEMONICS.adviceLw, custom(0, 2), R_MASK, 'R', (h) => executeAdviceLoad(h, host, 4)),
      def(JOLT_MNEMONICS.adviceLd, custom(0, 3), R_MASK, 'R', (h) => executeAdviceLoad(h, host, 8)),
      def(JOLT_MNEMONICS.adviceLen, custom(0, 4), R_MASK, 'R', (h) => executeAdviceLen(h, host)),
      def(JOLT_MNEMONICS.rev8w, custom(0, 5), R_MASK, 'R', executeRev8w),
      def(JOLT_MNEMONICS.assertEq, custom(1), F3_MASK, 'B', (h) => executeAssertEq(h, host)),
      def(JOLT_MNEMONICS.hostIo, custom(2), F3_MASK, 'I', (h) => executeHostIo(h, host)),
      def(JOLT_MNEMONICS.sha256, inlineMatch({ funct3: 0, funct7: 0 }), R_MASK, 'R', executeInline),
      def(JOLT_MNEMONICS.sha256Init, inlineMatch({ funct3: 1, funct7: 0 }), R_MASK, 'R', executeInline),
      def(JOLT_MNEMONICS.keccak256, inlineMatch({ funct3: 0, funct7: 1 }), R_MASK, 'R', executeInline),
      def(JOLT_MNEMONICS.blake2, inlineMatch({ funct3: 0, funct7: 2 }), R_MASK, 'R', executeInline),
      def(JOLT_MNEMONICS.blake3, inlineMatch({ funct3: 0, funct7: 3 }), R_MASK, 'R', executeInline),
      def(JOLT_MNEMONICS.blake3Keyed64, inlineMatch({ funct3: 1, funct7: 3 }), R_MASK, 'R', executeInline),
      // Every other inline word: the registry tries the more specific encodings above first.
      def(JOLT_MNEMONICS.inline, JOLT_INLINE_OPCODE, 0x7f, 'R', executeInline),
      def(JOLT_MNEMONICS.externalInline, JOLT_EXTERNAL_INLINE_OPCODE, 0x7f, 'R', executeInline),
    ],
  };
}

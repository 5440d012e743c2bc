/**
 * How an instruction is defined: once, as data plus a small JS-source template, from which
 * every execution tier is generated (the interpreter's switch and the compiled blocks).
 *
 * ## The template vocabulary
 * A template is a few JS statements over this fixed vocabulary; each tier spells the
 * `$` terms its own way (the interpreter reads the decoded fields at run time, a compiled
 * block gets literals and register locals).
 *
 * Operands (int32 words of 64-bit values):
 * - `$rs1` `$rs1h` `$rs2` `$rs2h`: low and high words of the source registers.
 * - `$rs1n`: 0 when rs1 is x0 (for "write the CSR only if rs1 != x0"); `$uimm`: the 5-bit
 *   immediate of the CSR immediate forms.
 * - `$imm` `$immh`: the immediate (sign-extended int32) and its high word (`$imm >> 31`).
 * - `$pc`, `$len` (2 or 4), `$next` (pc + len), `$target` (pc + imm), and the int32
 *   pairs `$nextlo`/`$nexthi`, `$targetlo`/`$targethi` of the last two.
 * - `$raw`: the instruction's bits as fetched (16 or 32).
 * - `$left`: the run's budget before this instruction (`interpretOnly` instructions only:
 *   the CSR file derives the counters from it).
 *
 * Results and control:
 * - Assign the result to `v` (low word) and `w` (high word) and declare `writesRd`; the
 *   tier stores them in rd (nothing for x0) after the template, so sources read in the
 *   template are the values before the instruction.
 * - Assign `npc` (the next pc) and declare `control` for a control transfer.
 * - `$stop(N)`: retire the instruction and return StopReason N with pc left at it (only in
 *   `interpretOnly` instructions).
 * - `$stopAfter(N)`: finish the instruction (it retires, pc moves on to the next one), then
 *   return StopReason N (the slow path of `$stN` uses it when a window hook asked to stop).
 * - `$info`: the decoded info word (op id and registers; see registry.ts).
 *
 * Memory, through the memory port (TLB fast path, then the port's slow path, which checks
 * permissions and I/O windows):
 * - `$ea`: the effective address rs1 + imm into `a`/`ah` (low/high word) and the TLB
 *   index `i`.
 * - `$ld1` `$ld2` `$ld4`: load at (a, ah) into `v` (zero-extended bytes/halves, the raw
 *   int32 word); `$ld8`: into `v` and `w`.
 * - `$st1` `$st2` `$st4` `$st8`: store rs2 at (a, ah).
 * - `$sv4` `$sv8`: store the scratch words `t` (low) and `u` (high) at (a, ah): a value
 *   that is no x register (the FP stores).
 *
 * Scratch locals: `t u v w a ah i o npc ol oh bl bh nl nh`. Services: `P` (the memory
 * port: `ld`, `st`, `amoLoad` (their last argument is `$pc`), `vhi`, `reserve`,
 * `claimReservation`, `misaligned`, `stopRequested`), `M` (machine
 * services, machine-services.ts: `csr`, `ecall`, `ebreak`, `mret`, `illegal`,
 * `misaligned`, `flushCode`, `hook`; only in `interpretOnly` instructions; their errors are
 * thrown, an exception taken in machine mode included; `M.f`, the FP unit, in any
 * instruction: a compiled block passes it in, and records the pc before each call, since
 * the unit throws for reserved encodings and rounding modes), and the int64 helpers (`T`, `mul64`, `mulh64`,
 * `mulhsu64`, `mulhu64`, `div64`, `divu64`, `rem64`, `remu64`, `divw`, `divuw`, `remw`,
 * `remuw`).
 */

/**
 * What an instruction hook (`InstructionDef.hook`) gets: the instruction and a handle on
 * the hart. One object per hart, reused for every hooked instruction: do not keep it.
 *
 * The contract:
 * - The hook runs when the instruction executes, on every tier (hooked instructions are
 *   interpret-only: a compiled block ends before one). Its effects are the instruction's
 *   effects; when it returns, the instruction retires (instret counts it, the observer
 *   sees it with its op id, so a CostModel prices it) and pc moves to pc + length (a
 *   hooked instruction does not jump).
 * - Registers: reads see the values before the instruction and the hook's own writes;
 *   writes to x0 are ignored.
 * - Memory: `readMemory`/`writeMemory` access guest memory as the instruction's own loads
 *   and stores would: page permissions, I/O windows, code invalidation; a fault is a
 *   MemoryFault with this pc. They bypass the alignment policy (a hook reads byte ranges).
 * - Errors: whatever the hook throws ends `run` with it (use the integration's named
 *   errors, with `pc`); the instruction is not retired and pc points at it, but register
 *   and memory writes made before the throw stay: check first, then write.
 * - `stop()`: `run` returns StopReason.Stop right after this instruction retires, pc at
 *   the next instruction.
 */
export interface HookContext {
  /** The instruction's address, its bits as fetched (16 or 32) and its length. */
  readonly pc: number;
  readonly bits: number;
  readonly length: 2 | 4;
  /** Its op id (IsaRegistry.opOf) and mnemonic. */
  readonly op: number;
  readonly mnemonic: string;
  /** Its operands, cut out per its `format` (register numbers 0..31; 0 where the format has none). */
  readonly rd: number;
  readonly rs1: number;
  readonly rs2: number;
  readonly imm: number;
  /** Instructions retired before this one. */
  readonly instret: number;
  /** Register `index` as an unsigned 64-bit value (x0 reads 0). */
  getX(index: number): bigint;
  /** Sets register `index` (modulo 2^64; x0 ignored). */
  setX(index: number, value: bigint): void;
  /** The low and high int32 words of register `index` (no BigInt). */
  getXLow(index: number): number;
  getXHigh(index: number): number;
  /** Sets register `index` from int32 words (x0 ignored). */
  setXWords(index: number, lo: number, hi: number): void;
  /** `length` bytes of guest memory at `address` (see the contract). */
  readMemory(address: bigint | number, length: number): Uint8Array;
  /** Writes `bytes` to guest memory at `address` (see the contract). */
  writeMemory(address: bigint | number, bytes: Uint8Array): void;
  /** Ends the run after this instruction (StopReason.Stop). */
  stop(): void;
}

/** How the operand fields are cut out of the 32-bit word. */
export type Format =
  /** rd, rs1, rs2. */
  | 'R'
  /** rd, rs1, imm[11:0]. */
  | 'I'
  /** rs1, rs2, store offset. */
  | 'S'
  /** rs1, rs2, branch offset. */
  | 'B'
  /** rd, imm[31:12] << 12. */
  | 'U'
  /** rd, jump offset. */
  | 'J'
  /** rd, rs1, 6-bit shift amount. */
  | 'shamt'
  /** rd, rs1, 5-bit shift amount. */
  | 'shamtw'
  /** rd, rs1, imm = CSR number. */
  | 'csr'
  /** rd, uimm (in the rs2 field, not doubled), imm = CSR number. */
  | 'csri'
  /** No operands. */
  | 'none';

/** Register and immediate fields of a decoded instruction (register numbers 0..31). */
export interface Operands {
  readonly rd: number;
  readonly rs1: number;
  readonly rs2: number;
  readonly imm: number;
}

/** One instruction: its encoding, its operand format and its semantics, written once. */
export interface InstructionDef {
  readonly mnemonic: string;
  /** The instruction is `(word & mask) === match` (32-bit encodings, compressed ones expand to these). */
  readonly match: number;
  readonly mask: number;
  readonly format: Format;
  /** The semantics: a JS-source template over the vocabulary above. */
  readonly semantics: string;
  /** The template leaves the result in (v, w) for rd. */
  readonly writesRd?: boolean;
  /**
   * A control transfer: the template sets `npc`. 'direct' = pc + imm (jal and the
   * branches, whose target a block compiler knows), 'indirect' = computed (jalr, traps).
   */
  readonly control?: 'direct' | 'indirect';
  /**
   * For a conditional branch: the condition alone (a template expression). `semantics` is
   * then `npc = (condition) ? $target : $next;`, and a block compiler may branch on the
   * condition itself (a block that loops on itself tests it once per pass).
   */
  readonly condition?: string;
  /**
   * System instructions (CSR access, traps, atomics, fence.i): only the interpreter runs
   * them; a compiled block ends before one and hands it to the interpreter.
   */
  readonly interpretOnly?: boolean;
  /**
   * A cheaper template for a compiled block when the operands are known (e.g. `addi rd,
   * rs1, 0` is a move); undefined to use `semantics`. Same meaning, by construction.
   */
  readonly specialize?: (operands: Operands) => string | undefined;
  /**
   * The semantics as a host function, for an integration's custom instructions (a zkVM's
   * host I/O, advice loads, assertions, hashing inlines). See HookContext for the
   * contract. With a hook, `semantics` is ignored (give ''), the instruction is
   * interpret-only, and `writesRd`/`control` do not apply: the hook writes what it
   * writes and the pc moves on by the instruction's length.
   */
  readonly hook?: (context: HookContext) => void;
}

/** An ISA extension: a named set of instructions (and, for C, the halfword expansion). */
export interface Extension {
  /** 'i', 'm', 'a', 'c', 'zicsr', 'zifencei', 'machine', ... */
  readonly name: string;
  /** Its misa / AT_HWCAP letter, if it has one. */
  readonly letter?: string;
  readonly instructions: readonly InstructionDef[];
  /**
   * Compressed instructions: expands a 16-bit halfword into the 32-bit instruction it
   * stands for, or a negative number when the halfword is illegal.
   */
  readonly expandCompressed?: (half: number) => number;
}

/** Why a platform does not accept an extension or an instruction. */
export interface Refusal {
  /** An instruction mnemonic ('wfi') or an extension name ('a'). */
  readonly mnemonic?: string;
  readonly extension?: string;
  readonly reason: string;
}

/** A platform's instruction set: the extensions it registers and what it refuses. */
export interface IsaConfig {
  /** Extensions, in registration order (default: the standard RV64IMAC set). */
  readonly extensions?: readonly Extension[];
  readonly refuse?: readonly Refusal[];
}

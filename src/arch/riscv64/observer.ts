/**
 * The instruction observer: sees every retired instruction, on every tier, exactly the ones
 * `instret` counts (a faulting instruction is not retired and not seen; an ecall, ebreak or
 * halt that stops the run is). Observing costs nothing when nobody observes: a tier then
 * runs its ordinary generated code; attaching an observer switches it to a variant with
 * the call spliced in after each instruction.
 *
 * Cost models (a zkVM's rows per instruction) and tracers sit on it.
 */
import { type IsaRegistry, unpackInfo } from './isa/registry.js';

export interface InstructionObserver {
  /**
   * One retired instruction: its pc, its bits as fetched (16 or 32 of them), and its
   * decoded form: `info` packs the op id and registers (see `decodedForm`), `imm` is the
   * immediate. Called after the instruction's effects: registers read through the hart
   * during the call (`getX`, the state's pairs) hold the values after this instruction,
   * on every tier (a compiled block writes its results through when observed).
   */
  instruction?(pc: number, bits: number, info: number, imm: number): void;
  /**
   * Counts only, cheaper: `count` instructions retired in a run of straight-line code from
   * `start` (a compiled block's pass, or the instructions retired before a fault in it;
   * one instruction at a time in the interpreter). The counts add up to instret.
   */
  block?(start: number, count: number): void;
}

/** Which hooks an observer has (bit 0: instruction, bit 1: block): the tier variant to run. */
export function observerVariant(observer: InstructionObserver | undefined): number {
  if (observer === undefined) return 0;
  return (observer.instruction !== undefined ? 1 : 0) | (observer.block !== undefined ? 2 : 0);
}

/** A decoded instruction in readable form. */
export interface DecodedForm {
  readonly op: number;
  readonly mnemonic: string;
  readonly rd: number;
  readonly rs1: number;
  readonly rs2: number;
  readonly imm: number;
  readonly compressed: boolean;
}

/** Unpacks what an observer received into a readable form (slow: for tracers and tests). */
export function decodedForm(isa: IsaRegistry, info: number, imm: number): DecodedForm {
  const f = unpackInfo(info);
  return { ...f, mnemonic: isa.instructions[f.op]?.def.mnemonic ?? '(unknown)', imm };
}

/**
 * An integration's price of instructions (e.g. a zkVM's trace rows per instruction). Gets
 * the op id (see `IsaRegistry.opOf`) and operands, so a cost may depend on both.
 */
export interface CostModel {
  cost(op: number, info: number, imm: number, pc: number): number;
}

/** Sums a cost model over the retired instructions: attach it with `hart.observe(meter)`. */
export class CostMeter implements InstructionObserver {
  total = 0;
  instructions = 0;
  constructor(private readonly model: CostModel) {}

  instruction(pc: number, _bits: number, info: number, imm: number): void {
    this.total += this.model.cost(info & 0x7f, info, imm, pc);
    this.instructions++;
  }
}

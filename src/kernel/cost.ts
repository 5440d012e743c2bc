import { inject, injectable, optional } from 'inversify';
import type { InstructionObserver } from '../arch/riscv64/observer.js';
import type { Arch } from './contracts/arch.js';
import type { BootContribution } from './contracts/boot.js';
import type { NamedCostModel } from './contracts/outcome.js';
import { ARCH, COST_MODEL } from './tokens.js';

/**
 * Meters the run with the integration's cost model, when one is bound: every retired
 * instruction adds its cost (Jolt: its trace rows). Without a model nothing observes the
 * hart and the run pays nothing.
 */
@injectable()
export class CostAccounting implements BootContribution, InstructionObserver {
  /** Units so far (Jolt: rows). */
  total = 0;
  private readonly _limit: number;

  constructor(
    @inject(ARCH) private readonly arch: Arch,
    @inject(COST_MODEL) @optional() readonly model: NamedCostModel | undefined,
  ) {
    this._limit = model?.limit ?? Infinity;
  }

  onBoot(): void {
    if (this.model) this.arch.hart.addObserver(this);
  }

  instruction(pc: number, _bits: number, info: number, imm: number): void {
    this.total += this.model!.cost(info & 0x7f, info, imm, pc);
    // The error ends the run (a named one from the model, else a KernelPanic naming the limit).
    if (this.total > this._limit) {
      throw this.model!.limitError?.(this.total, pc) ?? new RangeError(`the run's ${this.model!.unit} passed ${this._limit}`);
    }
  }
}

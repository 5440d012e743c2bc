/**
 * The architectural state of one hart that every tier reads and writes: the integer
 * registers as int32 (lo, hi) pairs, the pc, and the run bookkeeping the tiers share.
 * The F/D state lives here too: the f registers as raw bits and the fcsr fields.
 */
import { type CodePage, NO_CODE } from './code-cache.js';

export class HartState {
  /**
   * Registers: x[2i] is the low word of register i, x[2i+1] the high word; x[64..65] is a
   * sink for writes to x0 (decoded instructions name it instead of x0).
   */
  readonly x = new Int32Array(66);
  readonly x64 = new BigUint64Array(this.x.buffer, 0, 32);
  readonly x64s = new BigInt64Array(this.x.buffer, 0, 32);
  /**
   * F/D registers as raw bits: f[2i] is the low word of f_i, f[2i+1] the high word (all
   * ones for a NaN-boxed single). `f64` views them as 64-bit values.
   */
  readonly f = new Int32Array(64);
  readonly f64 = new BigUint64Array(this.f.buffer);
  /** fcsr's fields: the accrued exception flags (5 bits) and the dynamic rounding mode (3 bits). */
  fflags = 0;
  frm = 0;
  pc = 0;
  /** Budget left in the current chunk of `run`. */
  left = 0;
  /** `retired` at the end of the current chunk: instructions retired = runEnd - left. */
  runEnd = 0;
  /** Instructions retired before the current chunk (exact between chunks). */
  retired = 0;
  /**
   * A stop a compiled block took on its way out (StopReason.Halt or Stop; 0: none): the
   * block leaves `left` at 0 so its dispatcher's loop ends without a test per block, and
   * the real budget left in `stopLeft`.
   */
  stopReason = 0;
  stopLeft = 0;
  /** The decoded page the tiers last ran in (a cache of the code cache's lookup). */
  cp: CodePage = NO_CODE;

  constructor() {
    // Fields that may hold values beyond V8's small-integer range start out as doubles, so
    // the object's shape does not change (discarding optimized code) the first time they
    // do (e.g. a pc at 0x80000000).
    this.pc = this.retired = this.runEnd = 0.5;
    this.pc = this.retired = this.runEnd = 0;
  }
}

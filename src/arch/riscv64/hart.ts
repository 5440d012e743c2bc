/**
 * The hart: a facade over the machine's parts, implementing the `Hart` contract the kernel
 * uses. It owns no behaviour of its own beyond choosing the tier and counting budgets.
 *
 *   state.ts            registers (int32 pairs), pc, run bookkeeping
 *   memory-port.ts      loads and stores: TLBs, permissions, I/O windows, LR reservation
 *   code-cache.ts       fetch and decode per page, compiled blocks, invalidation
 *   isa/                one module per extension; each instruction defined once
 *   machine-services.ts CSRs, machine traps, mret (what system instructions call)
 *   tiers/              the interpreter and the compiled (js) tier, both generated from isa/,
 *                       and the WebAssembly tier (tiers/wasm/: regions emitted as wasm binary)
 *   observer.ts         the per-instruction observer and cost models
 *   hook-context.ts     what an instruction hook (an integration's custom instruction) gets
 *
 * Seams for integrations (zkVMs, HTIF), each the same on every tier, and free for code
 * that does not use them:
 *   addIoWindow(w)        memory-mapped I/O: hooks on loads/stores overlapping [start, end);
 *                         `backed: false` for a device range that is not memory (need not be
 *                         mapped, may be huge; reached only where an access would fault as
 *                         unmapped). Hooks get the accessing pc.
 *   onMisaligned          alignment policy: (address, size, access, pc) => void, called for
 *                         every 2/4/8-byte load, store, LR, SC or AMO off its natural
 *                         alignment; throw the platform's error to refuse it.
 *   isa.extensions        custom instructions: an Extension whose InstructionDefs have
 *                         `hook(ctx: HookContext)` (isa/types.ts) run a host function.
 *   requestStop()         from a store's window hook or an instruction hook: `run` returns
 *                         StopReason.Stop right after that instruction retires.
 *   StopReason.Halt       any instruction whose next pc is its own (j ., a taken self-branch,
 *                         jalr to itself; Jolt's ebreak) ends the run after executing once.
 *   reservationRule       'riscv' (default) or 'jolt': which SC succeeds.
 *   observe(o)            the instruction observer; CostMeter sums a CostModel over it.
 *   machine.mode          CSRs, trap semantics, machine profiles (csr/); `isa.refuse`.
 */
import type { PagedMemory } from '../memory/paged-memory.js';
import { CodeCache } from './code-cache.js';
import { PRIV_M, PRIV_U, type MachineProfile } from './csr/index.js';
import { type IsaConfig, type IsaRegistry, isaRegistry } from './isa/index.js';
import { MachineServices } from './machine-services.js';
import { type IoWindow, MemoryPort, type MisalignedHook, type ReservationRule } from './memory-port.js';
import type { InstructionObserver } from './observer.js';
import { HartState } from './state.js';
import { InterpreterTier } from './tiers/interpreter.js';
import { JsTier } from './tiers/js-blocks.js';
import type { EngineName, ExecutionTier, MachineContext } from './tiers/types.js';
import { WasmTier } from './tiers/wasm/tier.js';
import { type Hart, type HartContext, StopReason, type TrapMode } from './types.js';

/**
 * How the hart executes guest code: 'js' (hot blocks compiled to JavaScript, the default),
 * 'wasm' (hot regions compiled to WebAssembly, tiers/wasm/) or 'interpreter'.
 * 'translator' is the former name of 'js'.
 */
export type ExecutionEngine = EngineName | 'translator';

export interface RiscvHartOptions {
  /** Where `ecall` goes (default 'host'). */
  trapMode?: TrapMode;
  /** The execution tier (default 'js'). */
  engine?: ExecutionEngine;
  /**
   * How many times a block start is reached before it is compiled (0–255; default 64 on
   * 'js', 255 on 'wasm', whose regions cost more to compile): compiling costs far more than
   * interpreting a block a few times.
   */
  translateThreshold?: number;
  /** Value of mhartid (default 0). */
  hartId?: number;
  /**
   * The privilege the guest starts in: 'machine' (default: every CSR is reachable, as a
   * zkVM guest with its own trap handler has it) or 'user' (a Linux user program: machine
   * CSRs are illegal instructions, SIGILL, as on Linux; the user counters stay readable).
   */
  privilege?: 'user' | 'machine';
  /** The instruction set: extensions registered and instructions refused (default RV64IMAC). */
  isa?: IsaConfig;
  /**
   * Machine mode as a platform has it: trap semantics, mstatus model, the CSRs it accepts
   * (default: the privileged spec, every standard CSR).
   */
  machineProfile?: MachineProfile;
}

/** `run` works in chunks so budget counters stay small integers. */
const CHUNK = 1 << 30;

export class RiscvHart implements Hart {
  readonly engine: EngineName;
  readonly isa: IsaRegistry;
  readonly state = new HartState();
  readonly port: MemoryPort;
  readonly code: CodeCache;
  readonly machine: MachineServices;
  private readonly tier: ExecutionTier;

  constructor(
    readonly memory: PagedMemory,
    options: RiscvHartOptions = {},
  ) {
    const threshold = options.translateThreshold ?? (options.engine === 'wasm' ? 255 : 64);
    if (!Number.isInteger(threshold) || threshold < 0 || threshold > 255) {
      throw new RangeError(`translateThreshold must be an integer in 0..255, got ${threshold}`);
    }
    this.engine = options.engine === 'interpreter' || options.engine === 'wasm' ? options.engine : 'js';
    this.isa = isaRegistry(options.isa);
    this.port = new MemoryPort(memory);
    this.code = new CodeCache(memory, this.isa);
    this.machine = new MachineServices(this.state, this.code, this.isa, this.port, options.trapMode ?? 'host', options.hartId ?? 0, options.privilege === 'user' ? PRIV_U : PRIV_M);
    if (options.machineProfile !== undefined) this.machine.mode.apply(options.machineProfile);
    const context: MachineContext = { state: this.state, port: this.port, code: this.code, machine: this.machine };
    this.tier =
      this.engine === 'interpreter'
        ? new InterpreterTier(context, this.isa)
        : this.engine === 'wasm'
          ? new WasmTier(context, this.isa, this.code, { threshold })
          : new JsTier(context, this.isa, this.code, { threshold });
  }

  get pc(): number {
    return this.state.pc;
  }

  set pc(value: number) {
    this.state.pc = value;
  }

  get trapMode(): TrapMode {
    return this.machine.trapMode;
  }

  set trapMode(mode: TrapMode) {
    this.machine.trapMode = mode;
  }

  get timeSource(): () => bigint {
    return this.machine.timeSource;
  }

  set timeSource(source: () => bigint) {
    this.machine.timeSource = source;
  }

  get instret(): number {
    return this.state.retired;
  }

  // ------------------------------------------------------------------ registers & context

  getX(index: number): bigint {
    return this.state.x64[index & 31]!;
  }

  setX(index: number, value: bigint): void {
    if (index === 0) return;
    this.state.x64[index & 31] = BigInt.asUintN(64, value);
  }

  getXSigned(index: number): bigint {
    return this.state.x64s[index & 31]!;
  }

  /** f register `index` as its raw 64 bits (a single is NaN-boxed: upper 32 bits all ones). */
  getF(index: number): bigint {
    return this.state.f64[index & 31]!;
  }

  /** Sets f register `index` to raw bits (modulo 2^64). */
  setF(index: number, bits: bigint): void {
    this.state.f64[index & 31] = BigInt.asUintN(64, bits);
  }

  saveContext(): HartContext {
    const s = this.state;
    return { x: new BigUint64Array(s.x64), pc: s.pc, f: new BigUint64Array(s.f64), fcsr: (s.frm << 5) | s.fflags };
  }

  restoreContext(context: HartContext): void {
    const s = this.state;
    s.x64.set(context.x.subarray(0, 32));
    s.x64[0] = 0n;
    s.pc = context.pc;
    if (context.f === undefined) s.f64.fill(0n);
    else s.f64.set(context.f.subarray(0, 32));
    s.fflags = (context.fcsr ?? 0) & 0x1f;
    s.frm = ((context.fcsr ?? 0) >> 5) & 7;
    this.port.clearReservation();
  }

  /** Detaches the hart from its memory's observers (the hart must not run afterwards). */
  dispose(): void {
    this.port.dispose();
    this.code.dispose();
  }

  readCsr(csr: number): bigint {
    return this.machine.read(csr);
  }

  writeCsr(csr: number, value: bigint): void {
    this.machine.write(csr, value);
  }

  flushCode(start?: number, end?: number): void {
    this.code.flush(start, end);
  }

  // ------------------------------------------------------------------ integration seams

  /** Installs an I/O window (see `IoWindow`); returns a function that removes it. */
  addIoWindow(window: IoWindow): () => void {
    return this.port.addWindow(window);
  }

  /**
   * Observes every retired instruction with `observer` alone (undefined: stop observing);
   * replaces every observer added with `addObserver`.
   */
  observe(observer: InstructionObserver | undefined): void {
    this.observers.length = 0;
    if (observer !== undefined) this.observers.push(observer);
    this.tier.observe(observer);
  }

  /**
   * Adds an observer of every retired instruction beside the others (a cost meter, a
   * tracer, a profiler each see every instruction, in the order they were added); returns a
   * function that removes it.
   */
  addObserver(observer: InstructionObserver): () => void {
    this.observers.push(observer);
    this.tier.observe(fanOut(this.observers));
    return () => {
      const at = this.observers.indexOf(observer);
      if (at < 0) return;
      this.observers.splice(at, 1);
      this.tier.observe(fanOut(this.observers));
    };
  }

  private readonly observers: InstructionObserver[] = [];

  /** See `Hart.requestStop`. */
  requestStop(): void {
    this.port.requestStop();
  }

  /** See `Hart.onMisaligned`. */
  get onMisaligned(): MisalignedHook | undefined {
    return this.port.onMisaligned;
  }

  set onMisaligned(hook: MisalignedHook | undefined) {
    this.port.onMisaligned = hook;
  }

  /** See `Hart.reservationRule`. */
  get reservationRule(): ReservationRule {
    return this.port.reservationRule;
  }

  set reservationRule(rule: ReservationRule) {
    if (rule !== 'riscv' && rule !== 'jolt') throw new RangeError(`reservationRule must be 'riscv' or 'jolt', got ${String(rule)}`);
    this.port.reservationRule = rule;
  }

  /** How many guest pages currently have decoded code (for tests and statistics). */
  get codePageCount(): number {
    return this.code.pageCount;
  }

  // ------------------------------------------------------------------ run

  /** See `Hart.run`; `Infinity` runs until a stop or a fault. */
  run(maxInstructions: number): StopReason {
    if (!(Number.isSafeInteger(maxInstructions) || maxInstructions === Infinity) || maxInstructions < 0) {
      throw new RangeError(`run: the budget must be a non-negative integer or Infinity, got ${maxInstructions}`);
    }
    const state = this.state;
    const port = this.port;
    if (port.stopRequested) {
      // Asked between runs: nothing runs.
      port.stopRequested = false;
      return StopReason.Stop;
    }
    let remaining = maxInstructions;
    while (remaining > 0) {
      const chunk = remaining > CHUNK ? CHUNK : remaining;
      state.left = chunk;
      state.runEnd = state.retired + chunk;
      let reason: number;
      try {
        reason = this.tier.run();
      } catch (e) {
        // A hook that asked to stop and then threw: the request dies with the run.
        port.stopRequested = false;
        state.stopReason = 0;
        throw e;
      } finally {
        state.retired = state.runEnd - state.left;
      }
      remaining -= chunk - state.left;
      if (reason !== 0) return reason as StopReason;
    }
    return StopReason.Budget;
  }
}

/** One observer that calls each of `observers` (undefined for none; the observer itself for one). */
function fanOut(observers: readonly InstructionObserver[]): InstructionObserver | undefined {
  if (observers.length <= 1) return observers[0];
  const all = [...observers];
  const withInstruction = all.filter((o) => o.instruction !== undefined);
  const withBlock = all.filter((o) => o.block !== undefined);
  const fan: InstructionObserver = {};
  if (withInstruction.length > 0) {
    fan.instruction = (pc, bits, info, imm) => {
      for (const o of withInstruction) o.instruction!(pc, bits, info, imm);
    };
  }
  // When some observer needs `instruction`, the tier calls that alone: the `block` hooks
  // then see each instruction as a block of one.
  if (withBlock.length > 0) {
    if (withInstruction.length > 0) {
      const each = fan.instruction!;
      fan.instruction = (pc, bits, info, imm) => {
        each(pc, bits, info, imm);
        for (const o of withBlock) o.block!(pc, 1);
      };
    } else {
      fan.block = (start, count) => {
        for (const o of withBlock) o.block!(start, count);
      };
    }
  }
  return fan;
}

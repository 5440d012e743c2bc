/**
 * An execution tier: one way of running guest code over the same parts (hart state,
 * memory port, code cache, machine services). Tiers are interchangeable: the same program
 * gives the same registers, memory, instret, stops and faults on each.
 */
import type { CodePage } from '../code-cache.js';
import type { MachineServices } from '../machine-services.js';
import type { MemoryPort } from '../memory-port.js';
import type { HartState } from '../state.js';
import type { InstructionObserver } from '../observer.js';

/**
 * The tiers by name: 'js' (hot blocks compiled to JavaScript, the default), 'interpreter',
 * and 'wasm' (hot regions compiled to WebAssembly, the rest interpreted).
 */
export type EngineName = 'interpreter' | 'js' | 'wasm';

/** What a tier runs over: the hart's parts, each through its declared interface. */
export interface MachineContext {
  readonly state: HartState;
  readonly port: MemoryPort;
  readonly code: CodeLookup;
  readonly machine: MachineServices;
}

/** The code cache as tiers see it. */
export interface CodeLookup {
  pageAt(pc: number): CodePage;
  decodeAt(cp: CodePage, slot: number): number;
  peek(cp: CodePage, slot: number): number;
}

export interface ExecutionTier {
  readonly name: EngineName;
  /**
   * Runs from `state.pc` until `state.left` reaches 0 or an instruction stops the run;
   * returns the StopReason, or 0 when the budget ran out. Faults propagate with pc at the
   * faulting instruction and `state.left` counting only retired instructions.
   */
  run(): number;
  /** Switches observing on (an observer) or off (undefined): the tier uses its observing variant. */
  observe(observer: InstructionObserver | undefined): void;
}

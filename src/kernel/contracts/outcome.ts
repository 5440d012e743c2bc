import type { CostModel } from '../../arch/riscv64/observer.js';

/**
 * How a run ended where the platform has its own notion of it: a zkVM's "terminated",
 * "panicked" or "halted without a termination store", each with the exit status of the
 * one table (EXIT_CODES).
 */
export interface RunOutcome {
  /** 'terminated', 'panicked', 'no-termination', 'exited', ... */
  readonly name: string;
  /** The exit status it stands for. */
  readonly exitCode: number;
  /** One sentence for people: what happened and what a prover would make of it. */
  readonly detail: string;
}

/** What an integration adds to `--stats`, `RunStats.reports` and `RunResult.outcome`. */
export interface RunReport {
  /** Who reports (the integration's name). */
  readonly source: string;
  readonly outcome?: RunOutcome;
  /** Lines for --stats, label then text ('cycles', '12345 (…)'). */
  readonly lines: readonly (readonly [label: string, text: string])[];
  /** The same facts as data (JSON-safe: numbers, strings, arrays, plain objects). */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Plural token RUN_REPORTER: asked once the run has ended (or stopped with an error). */
export interface RunReporter {
  report(): RunReport;
}

/**
 * An integration's price of a run (e.g. Jolt's trace rows): the observer's CostModel plus
 * what people read off it. Bound to COST_MODEL; the kernel then meters every retired
 * instruction (which costs speed: only zkVM integrations bind one).
 */
export interface NamedCostModel extends CostModel {
  /** What it follows, e.g. 'Jolt trace rows (a16z/jolt ff9f8c13)'. */
  readonly name: string;
  /** What one unit is called in --stats: 'cycles'. */
  readonly unit: string;
  /** Most units a run may use; past it the run stops with `limitError`. */
  readonly limit?: number;
  limitError?(total: number, pc: number): Error;
}

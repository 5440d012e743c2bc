/**
 * Run add-ons: what `zeroos run` can do beside running the guest (tracing, instruction
 * traces, profiles, digests). Each add-on brings its options and, when they ask for it,
 * starts for a run: it subscribes to the kernel's streams or observes the hart before the
 * program is loaded, and finishes after the run ends, however it ended.
 */
import type { Command } from 'commander';
import type { RunResult, ZeroOS } from '../../zeroos.js';

export interface RunAddonContext {
  readonly zeroos: ZeroOS;
  /** The executable as given on the command line, and its bytes. */
  readonly elfPath: string;
  readonly executable: Uint8Array;
  /** Writes to the host's stderr; never throws (a closed pipe drops the text). */
  readonly stderr: (text: string) => void;
}

export interface RunAddonSession {
  /**
   * The run ended: with `result`, or with `error` (a fault, a deadlock, a budget, an
   * interrupt...). Flush files and print what is printed at the end. Errors thrown here
   * are reported like the run's own.
   */
  finish?(result: RunResult | undefined, error: unknown): void | Promise<void>;
  /** Lines for `--stats`, after the kernel's own. */
  statsLines?(): string[];
}

export interface RunAddon {
  readonly name: string;
  /** Adds the add-on's options to `zeroos run`. */
  addOptions(command: Command): void;
  /** Its options that take no value (the adapter pre-scan must not skip an argument after them). */
  readonly switches?: readonly string[];
  /**
   * Starts for a run when the parsed options (commander's camel-cased names) ask for it,
   * before the program is loaded; undefined when they do not.
   */
  start(options: Readonly<Record<string, unknown>>, context: RunAddonContext): RunAddonSession | undefined | Promise<RunAddonSession | undefined>;
}

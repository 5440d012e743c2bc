import { isGoExecutable } from '../elf/go.js';

/**
 * The quantum a Go program runs with when none was asked for: 100,000 instructions, a
 * tenth of a virtual millisecond at the default clock rate (1 ns per instruction).
 *
 * Go's runtime preempts: its sysmon thread sleeps 20 µs to 10 ms between looks, and a
 * goroutine that has run 10 ms without yielding gets SIGURG (tgkill) from it; the garbage
 * collector's stop-the-world waits for every thread to reach a safe point. On one hart
 * that only switches when a thread blocks, a spinning goroutine keeps sysmon (whose
 * nanosleep ended long ago) from ever running again: the program hangs. With a quantum,
 * sysmon's sleep ends at most one quantum late, so the 10 ms preemption comes at
 * 10 ms + 0.1 ms of virtual time, not "never". Smaller quanta cost more thread switches
 * for nothing Go can see; much larger ones make every short sysmon sleep (20 µs) last a
 * whole quantum and slow the runtime's own hand-offs. 100,000 is where a CPU-bound Go
 * program with GOMAXPROCS > 1 spends no measurable time switching (docs/scheduler.md
 * has the measurement).
 */
export const DEFAULT_GO_QUANTUM = 100_000;

/** Why a run has the quantum it has. */
export type QuantumSource = 'option' | 'go-default' | 'none';

/**
 * The quantum a run uses: the scheduler's own (the --quantum option) when it has one,
 * else DEFAULT_GO_QUANTUM for a Go executable (its `.note.go.buildid`), else none (threads
 * switch only when they block, yield or exit).
 */
export function effectiveQuantum(
  schedulerQuantum: number | undefined,
  executable: Uint8Array,
): { quantum: number | undefined; source: QuantumSource } {
  if (schedulerQuantum !== undefined) return { quantum: schedulerQuantum, source: 'option' };
  if (isGoExecutable(executable)) return { quantum: DEFAULT_GO_QUANTUM, source: 'go-default' };
  return { quantum: undefined, source: 'none' };
}

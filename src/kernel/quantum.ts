import { isGoExecutable } from '../elf/go.js';

/**
 * The quantum a Go program runs with when none was asked for: 1,000,000 instructions, one
 * virtual millisecond at the default clock rate (1 ns per instruction), about the time
 * slice Linux's scheduler gives a CPU-bound thread.
 *
 * Go's runtime preempts: its sysmon thread sleeps 20 µs to 10 ms between looks, and a
 * goroutine that has run 10 ms without yielding gets SIGURG (tgkill) from it; the garbage
 * collector's stop-the-world waits for every thread to reach a safe point. On one hart
 * that only switches when a thread blocks, a spinning goroutine keeps sysmon (whose
 * nanosleep ended long ago) from ever running again: the program hangs. With a quantum,
 * sysmon's sleep ends at most one quantum late, so the 10 ms preemption comes by 11 ms of
 * virtual time. Measured (docs/scheduler.md): a Go program whose goroutine spins 1.2
 * billion instructions while main calls runtime.GC() finishes the same way with quanta of
 * 10,000 to 10,000,000 instructions, but the smaller ones cost wall time in switches
 * (about 2.2 s at 10,000 and 100,000, 1.4 s at 1,000,000, 1.2 s at 10,000,000); above
 * 1 ms, sysmon's own sleeps (10 ms at most) stop being the bound.
 */
export const DEFAULT_GO_QUANTUM = 1_000_000;

/** Why a run has the quantum it has ('option' with no quantum: --quantum 0). */
export type QuantumSource = 'option' | 'go-default' | 'none';

/**
 * The quantum a run uses: the scheduler's own (the --quantum option) when it has one,
 * else DEFAULT_GO_QUANTUM for a Go executable (its `.note.go.buildid`), else none (threads
 * switch only when they block, yield or exit). A quantum of 0 asks for none, also for a Go
 * program: its threads are never preempted (what a Go program that spins then does is
 * hang, as it would on a kernel without preemption; the Go guest's tests show it).
 */
export function effectiveQuantum(
  schedulerQuantum: number | undefined,
  executable: Uint8Array,
): { quantum: number | undefined; source: QuantumSource } {
  if (schedulerQuantum === 0) return { quantum: undefined, source: 'option' };
  if (schedulerQuantum !== undefined) return { quantum: schedulerQuantum, source: 'option' };
  if (isGoExecutable(executable)) return { quantum: DEFAULT_GO_QUANTUM, source: 'go-default' };
  return { quantum: undefined, source: 'none' };
}

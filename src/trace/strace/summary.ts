/**
 * strace -c for a deterministic machine: per syscall, the calls, the failures and the
 * guest instructions retired between its entry and its exit (a call served on the host
 * costs none; one that blocks costs what the other threads ran meanwhile), and, when the
 * platform has a cost model, its units (e.g. Jolt's trace rows).
 */

interface Row {
  calls: number;
  errors: number;
  instructions: number;
  cost: number;
}

/** One finished call, as the summary counts it. */
export interface SummarizedCall {
  readonly name: string;
  /** The signed result; undefined for a call that does not return (exit_group). */
  readonly result: bigint | undefined;
  readonly instructions: number;
  readonly cost?: number;
}

/** Accumulates calls and prints strace -c's table. */
export class SyscallSummary {
  readonly #rows = new Map<string, Row>();
  #withCost = false;

  add(call: SummarizedCall): void {
    let row = this.#rows.get(call.name);
    if (row === undefined) {
      row = { calls: 0, errors: 0, instructions: 0, cost: 0 };
      this.#rows.set(call.name, row);
    }
    row.calls++;
    if (call.result !== undefined && call.result < 0n && call.result >= -4095n) row.errors++;
    row.instructions += call.instructions;
    if (call.cost !== undefined) {
      row.cost += call.cost;
      this.#withCost = true;
    }
  }

  get size(): number {
    return this.#rows.size;
  }

  /**
   * The table: `% instr`, `instructions`, `instr/call`, `calls`, `errors`, then the cost
   * columns when a cost model counted, then `syscall`; sorted by instructions, then calls,
   * then name; a total line at the end. `costUnit` names the cost column (default `cost`).
   */
  format(costUnit = 'cost'): string {
    const rows = [...this.#rows.entries()].sort(
      ([an, a], [bn, b]) => b.instructions - a.instructions || b.cost - a.cost || b.calls - a.calls || (an < bn ? -1 : an > bn ? 1 : 0),
    );
    const total: Row = { calls: 0, errors: 0, instructions: 0, cost: 0 };
    for (const [, row] of rows) {
      total.calls += row.calls;
      total.errors += row.errors;
      total.instructions += row.instructions;
      total.cost += row.cost;
    }
    const unit = costUnit.slice(0, 11);
    const header = ['% instr', 'instructions', 'instr/call', 'calls', 'errors', ...(this.#withCost ? [unit, `${unit.slice(0, 6)}/call`] : []), 'syscall'];
    const widths = [7, 13, 11, 9, 9, ...(this.#withCost ? [13, 11] : []), 16];
    const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padStart(widths[i]!))).join(' ').trimEnd();
    const rule = widths.map((w) => '-'.repeat(w)).join(' ');
    const cells = (name: string, row: Row) => [
      total.instructions === 0 ? '0.00' : ((100 * row.instructions) / total.instructions).toFixed(2),
      String(row.instructions),
      String(row.calls === 0 ? 0 : Math.round(row.instructions / row.calls)),
      String(row.calls),
      row.errors === 0 ? '' : String(row.errors),
      ...(this.#withCost ? [String(row.cost), String(row.calls === 0 ? 0 : Math.round(row.cost / row.calls))] : []),
      name,
    ];
    const totalCells = cells('total', total);
    totalCells[0] = '100.00';
    return [line(header), rule, ...rows.map(([name, row]) => line(cells(name, row))), rule, line(totalCells)].join('\n') + '\n';
  }
}

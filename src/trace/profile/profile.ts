/**
 * A cycle profile: the call tree of every thread with the instructions (and cost units)
 * spent in each call stack, as the CallStackTracker built it. The writers (speedscope,
 * pprof, folded) and `--stats` read it through `stacks()` and `topFunctions()`.
 */
import { demangle } from './demangle.js';

/** A guest function: its symbol name (mangled, as the ELF has it), first address and size. */
export interface ProfileFunction {
  readonly name: string;
  readonly start: number;
  /** Bytes; 0 when unknown (a symbol without size, or a made-up function named by address). */
  readonly size: number;
}

export interface ProfileThread {
  readonly tid: number;
  /** Its virtual root node: the outermost frames are its children. */
  readonly root: number;
}

/** What the second set of weights is (a cost model's unit). */
export interface ProfileCostUnit {
  /** 'cycles' */
  readonly unit: string;
  /** What it follows, e.g. 'Jolt trace rows (a16z/jolt ff9f8c13)'. */
  readonly name: string;
}

export interface CallTreeData {
  readonly functions: readonly ProfileFunction[];
  /** By node id: parent node (-1 for a thread's root), function (-1 for a root), self weights. */
  readonly parent: readonly number[];
  readonly func: readonly number[];
  readonly self: readonly number[];
  readonly cost: readonly number[] | undefined;
  readonly threads: readonly ProfileThread[];
  readonly costUnit: ProfileCostUnit | undefined;
  /** Calls not followed because a stack was too deep. */
  readonly truncatedCalls: number;
}

/** One call stack with what was spent in its innermost frame. */
export interface ProfileStack {
  readonly tid: number;
  /** Function ids, outermost first. */
  readonly frames: readonly number[];
  readonly instructions: number;
  /** Cost units (0 without a cost model). */
  readonly cost: number;
}

/** A function's share: self (in its own code) and total (with what it called). */
export interface FunctionShare {
  readonly function: number;
  readonly name: string;
  readonly selfInstructions: number;
  readonly totalInstructions: number;
  readonly selfCost: number;
  readonly totalCost: number;
}

export class CallTreeProfile {
  readonly functions: readonly ProfileFunction[];
  readonly threads: readonly ProfileThread[];
  readonly costUnit: ProfileCostUnit | undefined;
  readonly truncatedCalls: number;
  private readonly data: CallTreeData;
  private readonly names = new Map<number, string>();

  constructor(data: CallTreeData) {
    this.data = data;
    this.functions = data.functions;
    this.threads = data.threads;
    this.costUnit = data.costUnit;
    this.truncatedCalls = data.truncatedCalls;
  }

  /** The readable name of function `id` (Rust names demangled). */
  name(id: number): string {
    let name = this.names.get(id);
    if (name === undefined) {
      name = demangle(this.functions[id]!.name);
      this.names.set(id, name);
    }
    return name;
  }

  /** Every stack that spent something, thread by thread, depth first (callees after callers). */
  stacks(tid?: number): ProfileStack[] {
    const { parent, func, self, cost } = this.data;
    const kids: number[][] = parent.map(() => []);
    for (let n = 0; n < parent.length; n++) if (parent[n]! >= 0) kids[parent[n]!]!.push(n);
    const out: ProfileStack[] = [];
    for (const thread of this.threads) {
      if (tid !== undefined && thread.tid !== tid) continue;
      // Depth first without recursion: (node, depth) pairs; path[depth] is the node's function.
      const path: number[] = [];
      const todo: [number, number][] = kids[thread.root]!.map((k) => [k, 0] as [number, number]).reverse();
      while (todo.length > 0) {
        const [node, depth] = todo.pop()!;
        path.length = depth;
        path.push(func[node]!);
        if (self[node]! > 0 || (cost !== undefined && cost[node]! > 0)) {
          out.push({ tid: thread.tid, frames: path.slice(), instructions: self[node]!, cost: cost?.[node] ?? 0 });
        }
        const k = kids[node]!;
        for (let i = k.length - 1; i >= 0; i--) todo.push([k[i]!, depth + 1]);
      }
    }
    return out;
  }

  /** Instructions (and cost) per thread, and over all threads. */
  totals(): { instructions: number; cost: number; byThread: Map<number, { instructions: number; cost: number }> } {
    const byThread = new Map<number, { instructions: number; cost: number }>();
    let instructions = 0;
    let cost = 0;
    for (const s of this.stacks()) {
      const t = byThread.get(s.tid) ?? { instructions: 0, cost: 0 };
      t.instructions += s.instructions;
      t.cost += s.cost;
      byThread.set(s.tid, t);
      instructions += s.instructions;
      cost += s.cost;
    }
    return { instructions, cost, byThread };
  }

  /** Functions by self instructions (ties: by name), each with its self and total share. */
  topFunctions(): FunctionShare[] {
    const selfI = new Map<number, number>();
    const totalI = new Map<number, number>();
    const selfC = new Map<number, number>();
    const totalC = new Map<number, number>();
    const add = (m: Map<number, number>, k: number, v: number) => m.set(k, (m.get(k) ?? 0) + v);
    for (const s of this.stacks()) {
      const leaf = s.frames[s.frames.length - 1]!;
      add(selfI, leaf, s.instructions);
      add(selfC, leaf, s.cost);
      // A recursive function counts once per stack.
      for (const f of new Set(s.frames)) {
        add(totalI, f, s.instructions);
        add(totalC, f, s.cost);
      }
    }
    const out: FunctionShare[] = [...totalI.keys()].map((f) => ({
      function: f,
      name: this.name(f),
      selfInstructions: selfI.get(f) ?? 0,
      totalInstructions: totalI.get(f) ?? 0,
      selfCost: selfC.get(f) ?? 0,
      totalCost: totalC.get(f) ?? 0,
    }));
    return out.sort((a, b) => b.selfInstructions - a.selfInstructions || b.totalInstructions - a.totalInstructions || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

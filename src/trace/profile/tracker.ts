/**
 * The call-stack tracker behind `--profile`: an instruction observer that follows the
 * guest's calls and returns and attributes every retired instruction (and, with a cost
 * model, its units: Jolt trace rows) to the call stack it ran in. The result is a call
 * tree per thread (CallTreeProfile) that the writers turn into speedscope, pprof or folded
 * stacks.
 *
 * How control transfers are read (docs/profiling.md says the same for users). The
 * observer sees each instruction after it ran; where control went is the next observed pc.
 *
 * - Calls: jal/jalr whose rd is a link register (ra or t0, RISC-V's return-address hints;
 *   the compressed c.jal/c.jalr expand to these): push the function at the target, to
 *   return to the instruction after the call.
 * - Returns: jalr x0 through ra or t0 (ret, c.jr ra, jr t0): pop to the frame that
 *   expected this return address. A return nobody expected is read as a jump (below).
 * - Jumps (jal/jalr/branch not linking): within the current function nothing changes; to
 *   the first instruction of another function it is a tail call (the top frame is
 *   replaced); into the middle of a function that is on the stack it unwinds to that frame
 *   (longjmp, a return past frames); anywhere else the top frame is replaced by the
 *   function holding the target.
 * - Control arriving somewhere the previous instruction did not lead (a trap into the
 *   guest's own mtvec handler, a signal handler, a fault's handler): a new frame for the
 *   handler, marked with where the interrupted code resumes. Coming back to that pc (mret,
 *   rt_sigreturn) pops it; `mret` pops to the innermost such frame whatever its target.
 * - Threads: each thread has its own stack (`switchThread`, driven by threadSwitch$); a
 *   new thread's stack starts at its first instruction (musl's __clone).
 *
 * Costs nothing when not attached; attached, one observer call per instruction.
 */
import type { IsaRegistry } from '../../arch/riscv64/isa/registry.js';
import type { InstructionObserver } from '../../arch/riscv64/observer.js';
import type { FunctionTable } from '../../elf/symbols.js';
import { CallTreeProfile, type ProfileFunction, type ProfileThread } from './profile.js';

/** What the tracker reads a run's cost from: a meter of units so far (the kernel's CostAccounting). */
export interface CostMeterSource {
  readonly total: number;
}

export interface CallStackTrackerOptions {
  /** The executable's functions (empty for a stripped one: functions are then named by address). */
  readonly functions: FunctionTable;
  /** The hart's instruction set (op ids of the control-transfer instructions). */
  readonly isa: IsaRegistry;
  /**
   * The run's cost meter, when a cost model is bound. Its increments are attributed to the
   * instructions that made them; the meter must observe the hart too (it does: the kernel's
   * CostAccounting), before or after this tracker.
   */
  readonly meter?: CostMeterSource;
  /** What the cost is: the unit ('cycles') and what it follows (the model's name). */
  readonly costUnit?: string;
  readonly costName?: string;
  /** The thread running first (default 1: the process's main thread). */
  readonly firstTid?: number;
  /** Most frames kept per thread; deeper calls are not pushed (default 4096). */
  readonly maxDepth?: number;
  /**
   * Most call-tree nodes (distinct call paths, all threads; default 1,000,000, about 100 MB):
   * past it a call along a new path is not followed, as past maxDepth, so a guest cannot make
   * the host hold an unbounded tree. Likewise at most this many addresses outside every
   * symbol get a function of their own; the rest share one.
   */
  readonly maxNodes?: number;
}

// Instruction kinds, by op id.
const PLAIN = 0;
const BRANCH = 1;
const JAL = 2;
const JALR = 3;
const TRAP = 4; // ecall, ebreak: the kernel or the guest's handler runs, control may move
const MRET = 5;
const OTHER = 6; // any other control transfer (an integration's custom instruction)

/** Register fields in `info` are doubled register numbers; x0 reads as 64 in rd. */
const RA = 2;
const T0 = 10;
const isLink = (r: number): boolean => r === RA || r === T0;

/** One thread's call stack. */
interface ThreadStack {
  readonly tid: number;
  /** Its virtual root node (function -1): the outermost frames are its children. */
  readonly root: number;
  readonly nodes: number[];
  /** The pc a return to this frame's caller goes to (-1: none). */
  readonly returnTo: number[];
  /** For a frame entered by a trap or signal: the pc the interrupted code resumes at (-1: none). */
  readonly resume: number[];
  // Where the thread stood after its last retired instruction (saved while it is switched out).
  expect: number;
  lastPc: number;
  lastInfo: number;
  lastImm: number;
  lastKind: number;
  seqNext: number;
}

/** Follows calls and returns over retired instructions and builds a call tree per thread. */
export class CallStackTracker implements InstructionObserver {
  // The call tree (all threads): parallel arrays by node id.
  private readonly parent: number[] = [];
  private readonly func: number[] = [];
  private readonly self: number[] = [];
  private readonly cost: number[] = [];
  private readonly children: (Map<number, number> | undefined)[] = [];

  // The functions: the table's, then ones made up for addresses outside every symbol.
  private readonly functions: ProfileFunction[] = [];
  private readonly fnStart: number[] = [];
  /** End (exclusive); -1 for a made-up function (its extent is unknown). */
  private readonly fnEnd: number[] = [];
  private readonly fnAt = new Map<number, number>();
  private readonly table: FunctionTable;
  private readonly tableIndex = new Map<object, number>();

  private readonly kinds: Uint8Array;
  private readonly threads = new Map<number, ThreadStack>();
  private t: ThreadStack;
  /** The node the current thread runs in (its top frame's). */
  private node: number;
  /** The pc the next instruction has when control simply falls through (-1: check it). */
  private expect = -1;

  private readonly meter: CostMeterSource | undefined;
  private meterSeen = 0;
  /** Whether the meter has counted an instruction by the time this tracker sees it. */
  private meterFirst: boolean | undefined;
  private costNode = -1;
  private readonly maxDepth: number;
  private readonly maxNodes: number;
  /** The function standing for addresses past maxNodes made-up ones (-1 until needed). */
  private otherAddresses = -1;
  /** Calls not pushed because a stack was at maxDepth or the tree at maxNodes. */
  truncatedCalls = 0;

  constructor(private readonly options: CallStackTrackerOptions) {
    this.table = options.functions;
    this.meter = options.meter;
    this.maxDepth = options.maxDepth ?? 4096;
    this.maxNodes = options.maxNodes ?? 1_000_000;
    options.functions.functions.forEach((f, i) => {
      this.tableIndex.set(f, i);
      const next = options.functions.functions[i + 1];
      this.functions.push({ name: f.name, start: f.start, size: f.size });
      this.fnStart.push(f.start);
      this.fnEnd.push(f.size > 0 ? f.start + f.size : next === undefined ? Number.MAX_SAFE_INTEGER : next.start);
    });
    this.kinds = classify(options.isa);
    this.t = this.thread(options.firstTid ?? 1);
    this.node = this.t.root;
  }

  instruction(pc: number, _bits: number, info: number, imm: number): void {
    if (pc !== this.expect) this.transfer(pc);
    const node = this.node;
    this.self[node]!++;
    if (this.meter !== undefined) this.meterStep(node);
    const t = this.t;
    const kind = this.kinds[info & 0x7f]!;
    const next = pc + 4 - ((info >> 6) & 2);
    t.lastPc = pc;
    t.lastInfo = info;
    t.lastImm = imm;
    t.lastKind = kind;
    t.seqNext = next;
    this.expect = kind === PLAIN ? next : -1;
  }

  /** The kernel switched the hart to thread `tid` (threadSwitch$). */
  switchThread(tid: number): void {
    if (tid === this.t.tid) return;
    this.t.expect = this.expect;
    this.t = this.thread(tid);
    this.expect = this.t.expect;
    const top = this.t.nodes.length - 1;
    this.node = top < 0 ? this.t.root : this.t.nodes[top]!;
  }

  /** The profile so far (call at the end of the run). */
  profile(): CallTreeProfile {
    if (this.meter !== undefined && this.costNode >= 0) {
      // The meter's last increment: the last instruction's, when the meter ran after us.
      this.cost[this.costNode]! += this.meter.total - this.meterSeen;
      this.meterSeen = this.meter.total;
    }
    const threads: ProfileThread[] = [...this.threads.values()].map((t) => ({ tid: t.tid, root: t.root }));
    const cost =
      this.meter === undefined ? undefined : { unit: this.options.costUnit ?? 'cost', name: this.options.costName ?? this.options.costUnit ?? 'cost' };
    return new CallTreeProfile({
      functions: this.functions.slice(),
      parent: this.parent.slice(),
      func: this.func.slice(),
      self: this.self.slice(),
      cost: this.meter === undefined ? undefined : this.cost.slice(),
      threads,
      costUnit: cost,
      truncatedCalls: this.truncatedCalls,
    });
  }

  // ------------------------------------------------------------------ internals

  private meterStep(node: number): void {
    const total = this.meter!.total;
    if (this.meterFirst === undefined) {
      // Every instruction costs something: a meter that already counted the first one runs first.
      this.meterFirst = total !== 0;
    }
    if (this.meterFirst) {
      this.cost[node]! += total - this.meterSeen;
    } else if (this.costNode >= 0) {
      this.cost[this.costNode]! += total - this.meterSeen;
    }
    this.meterSeen = total;
    this.costNode = node;
  }

  private thread(tid: number): ThreadStack {
    let t = this.threads.get(tid);
    if (t === undefined) {
      t = { tid, root: this.newNode(-1, -1), nodes: [], returnTo: [], resume: [], expect: -1, lastPc: -1, lastInfo: 0, lastImm: 0, lastKind: -1, seqNext: -1 };
      this.threads.set(tid, t);
    }
    return t;
  }

  private newNode(parent: number, func: number): number {
    const id = this.parent.length;
    this.parent.push(parent);
    this.func.push(func);
    this.self.push(0);
    this.cost.push(0);
    this.children.push(undefined);
    return id;
  }

  /**
   * The node for `func` called from `parent`; -1 when it would be new past maxNodes (unless
   * `always`: a thread's outermost frame, one per thread, bounded by its threads).
   */
  private child(parent: number, func: number, always = false): number {
    let map = this.children[parent];
    if (map === undefined) {
      map = new Map();
      this.children[parent] = map;
    }
    let id = map.get(func);
    if (id === undefined) {
      if (this.parent.length >= this.maxNodes && !always) return -1;
      id = this.newNode(parent, func);
      map.set(func, id);
    }
    return id;
  }

  /** The function holding `pc` (made up, named by address, where no symbol holds it). */
  private functionAt(pc: number): number {
    let id = this.fnAt.get(pc);
    if (id !== undefined) return id;
    const symbol = this.table.lookup(pc);
    if (symbol !== undefined) id = this.tableIndex.get(symbol)!;
    else if (this.functions.length - this.table.functions.length >= this.maxNodes) {
      // Past maxNodes made-up functions, one stands for every other address.
      if (this.otherAddresses < 0) {
        this.otherAddresses = this.functions.length;
        this.functions.push({ name: '(other addresses)', start: 0, size: 0 });
        this.fnStart.push(0);
        this.fnEnd.push(-1);
      }
      return this.otherAddresses;
    } else {
      id = this.functions.length;
      this.functions.push({ name: `0x${pc.toString(16)}`, start: pc, size: 0 });
      this.fnStart.push(pc);
      this.fnEnd.push(-1);
    }
    // The cache of addresses looked up is bounded too (a lookup is a binary search).
    if (this.fnAt.size < this.maxNodes) this.fnAt.set(pc, id);
    return id;
  }

  private contains(func: number, pc: number): boolean {
    return func >= 0 && this.fnEnd[func]! >= 0 && pc >= this.fnStart[func]! && pc < this.fnEnd[func]!;
  }

  /** Control reached `pc` other than by falling through: read the previous instruction. */
  private transfer(pc: number): void {
    const t = this.t;
    if (t.nodes.length === 0) {
      // A thread's first instruction (or its stack was lost): it starts in the function here.
      this.push(this.functionAt(pc), -1, -1);
      return;
    }
    const last = t.lastPc;
    switch (t.lastKind) {
      case BRANCH:
        if (pc === t.seqNext || pc === last + t.lastImm) {
          if (pc !== t.seqNext) this.jump(pc);
          return;
        }
        break;
      case JAL:
      case JALR: {
        const rd = (t.lastInfo >> 8) & 0xff;
        const rs1 = t.lastKind === JALR ? (t.lastInfo >> 16) & 0xff : -1;
        if (isLink(rd)) this.call(pc, t.seqNext);
        else if (isLink(rs1)) this.ret(pc);
        else this.jump(pc);
        return;
      }
      case TRAP:
        if (pc === t.seqNext) return;
        break;
      case MRET: {
        for (let i = t.nodes.length - 1; i >= 1; i--) {
          if (t.resume[i]! >= 0) {
            this.truncate(i);
            break;
          }
        }
        this.jump(pc);
        return;
      }
      case PLAIN:
        if (pc === t.seqNext) return;
        break;
      default:
        break;
    }
    // Control arrived where the program did not send it: a trap, a signal, a fault handler.
    if (this.resumeAt(pc)) return;
    if (t.lastKind === OTHER) {
      this.jump(pc);
      return;
    }
    this.push(this.functionAt(pc), -1, t.seqNext);
  }

  /** Pops to below a trap or signal frame whose interrupted code resumes at `pc`. */
  private resumeAt(pc: number): boolean {
    const t = this.t;
    for (let i = t.nodes.length - 1; i >= 1; i--) {
      if (t.resume[i] === pc) {
        this.truncate(i);
        return true;
      }
    }
    return false;
  }

  private call(target: number, returnTo: number): void {
    if (this.t.nodes.length >= this.maxDepth) {
      this.truncatedCalls++;
      return;
    }
    this.push(this.functionAt(target), returnTo, -1);
  }

  private ret(target: number): void {
    const t = this.t;
    for (let i = t.nodes.length - 1; i >= 1; i--) {
      if (t.returnTo[i] === target) {
        this.truncate(i);
        return;
      }
    }
    this.jump(target);
  }

  /** A jump that neither calls nor returns. */
  private jump(target: number): void {
    const t = this.t;
    const top = t.nodes.length - 1;
    const f = this.func[t.nodes[top]!]!;
    if (this.contains(f, target)) return;
    // Inside code without symbols, jumps stay in the same made-up function.
    if (this.fnEnd[f]! < 0 && this.table.lookup(target) === undefined) return;
    const g = this.functionAt(target);
    if (g === f) return;
    if (this.fnStart[g] !== target && this.unwindInto(target, 1)) return;
    this.replaceTop(g);
  }

  /** Unwinds to the innermost frame below the top whose function holds `pc` (longjmp). */
  private unwindInto(pc: number, skipTop: number): boolean {
    const t = this.t;
    for (let i = t.nodes.length - 1 - skipTop; i >= 0; i--) {
      if (this.contains(this.func[t.nodes[i]!]!, pc)) {
        this.truncate(i + 1);
        return true;
      }
    }
    return false;
  }

  private push(func: number, returnTo: number, resume: number): void {
    const t = this.t;
    const parent = t.nodes.length === 0 ? t.root : t.nodes[t.nodes.length - 1]!;
    const node = this.child(parent, func, t.nodes.length === 0);
    if (node < 0) {
      this.truncatedCalls++;
      return;
    }
    t.nodes.push(node);
    t.returnTo.push(returnTo);
    t.resume.push(resume);
    this.node = node;
  }

  /** The top frame now runs `func` (a tail call): same caller, same return address. */
  private replaceTop(func: number): void {
    const t = this.t;
    const top = t.nodes.length - 1;
    const parent = this.parent[t.nodes[top]!]!;
    const node = this.child(parent, func);
    // Past maxNodes: the code jumped to stays in the frame it came from.
    if (node < 0) return;
    t.nodes[top] = node;
    this.node = node;
  }

  /** Keeps the `length` outermost frames (at least one). */
  private truncate(length: number): void {
    const t = this.t;
    const keep = Math.max(1, length);
    t.nodes.length = keep;
    t.returnTo.length = keep;
    t.resume.length = keep;
    this.node = t.nodes[keep - 1]!;
  }
}

/** The kind of each op id of `isa`. */
function classify(isa: IsaRegistry): Uint8Array {
  const kinds = new Uint8Array(128);
  for (const r of isa.instructions) {
    const m = r.def.mnemonic;
    if (m === 'jal') kinds[r.id] = JAL;
    else if (m === 'jalr') kinds[r.id] = JALR;
    else if (m === 'ecall' || m === 'ebreak') kinds[r.id] = TRAP;
    else if (m === 'mret') kinds[r.id] = MRET;
    else if (r.def.control === 'direct' && r.def.format === 'B') kinds[r.id] = BRANCH;
    else if (r.def.control !== undefined) kinds[r.id] = OTHER;
  }
  return kinds;
}

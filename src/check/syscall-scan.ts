/**
 * The syscalls a program can reach, found statically: every `ecall` in the code, with the
 * number in a7 recovered by walking back from it along every path into it (fall-through,
 * and the branches and jumps that target each instruction on the way) to the instructions
 * that set a7: `li a7, N` (addi a7, x0, N / c.li), `lui` + `addi(w)`, or a move from a
 * register set that way. Anything else (a7 loaded from memory, passed in by a caller as
 * in musl's `syscall(n, ...)`, set before a call or an indirect jump) is reported as
 * unknown, with why.
 */
import type { SyscallTable } from '../kernel/contracts/syscall.js';
import type { ScannedInstruction } from './isa-scan.js';

/** How ZeroOS serves a syscall: its table's support level in the check's words. */
export type SyscallMark = 'served' | 'partial' | 'missing';

export interface EcallSite {
  readonly address: number;
  /** The syscall number, when the scan found it (the lowest, when paths differ). */
  readonly nr?: number;
  /** Every number a7 may hold there (paths into the ecall may set different ones). */
  readonly numbers?: readonly number[];
  /** Why the number is unknown. */
  readonly unknown?: string;
}

export interface MarkedSyscall {
  readonly nr: number;
  readonly name: string;
  readonly mark: SyscallMark;
  /** The table's note (partial support: what is not served). */
  readonly note?: string;
  /** The subsystem that serves it. */
  readonly subsystem?: string;
}

/** How many instructions the walk back from one ecall may visit (over all paths). */
const MAX_VISITS = 512;
const A7 = 17;

type Value = { readonly numbers: ReadonlySet<bigint> } | { readonly unknown: string };

/** The code as one list, with who jumps where (the walk back follows these edges). */
interface Flow {
  readonly instructions: readonly ScannedInstruction[];
  readonly indexOf: ReadonlyMap<number, number>;
  /** Branches and plain jumps (jal x0) by their target address: index of the jumping instruction. */
  readonly jumpsTo: ReadonlyMap<number, readonly number[]>;
  /** Addresses some jal with a link register calls: function entries, where a7 comes from the caller. */
  readonly called: ReadonlySet<number>;
}

/** Every ecall site with its syscall number(s) where the scan can find them. */
export function findEcallSites(regions: readonly (readonly ScannedInstruction[])[]): EcallSite[] {
  const flow = flowOf(regions);
  const sites: EcallSite[] = [];
  flow.instructions.forEach((ins, index) => {
    if (ins.word !== 0x73) return;
    const value = valueBefore(flow, index, A7, 0n, new Set(), { visits: 0 });
    if ('unknown' in value) sites.push({ address: ins.address, unknown: value.unknown });
    else {
      const numbers = [...value.numbers].map((n) => BigInt.asIntN(64, n)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const bad = numbers.find((n) => n < 0n || n >= 1n << 20n);
      if (numbers.length === 0) sites.push({ address: ins.address, unknown: 'a7 is set on no path that reaches the ecall' });
      else if (bad !== undefined) sites.push({ address: ins.address, unknown: `a7 is ${bad}, not a syscall number` });
      else sites.push({ address: ins.address, nr: Number(numbers[0]!), numbers: numbers.map(Number) });
    }
  });
  return sites;
}

function flowOf(regions: readonly (readonly ScannedInstruction[])[]): Flow {
  const instructions = regions.flat();
  const indexOf = new Map<number, number>();
  const jumpsTo = new Map<number, number[]>();
  const called = new Set<number>();
  instructions.forEach((ins, index) => {
    indexOf.set(ins.address, index);
    if (ins.word === -1) return;
    const w = ins.word >>> 0;
    const opcode = w & 0x7f;
    if (opcode === 0x63 || (opcode === 0x6f && ((w >>> 7) & 31) === 0)) {
      const target = ins.address + (opcode === 0x63 ? branchOffset(w) : jumpOffset(w));
      jumpsTo.set(target, [...(jumpsTo.get(target) ?? []), index]);
    } else if (opcode === 0x6f) called.add(ins.address + jumpOffset(w));
  });
  return { instructions, indexOf, jumpsTo, called };
}

/** Whether execution can fall from `ins` into the instruction after it. */
function fallsThrough(ins: ScannedInstruction): boolean {
  if (ins.word === -1) return true;
  const w = ins.word >>> 0;
  const opcode = w & 0x7f;
  if ((opcode === 0x6f || opcode === 0x67) && ((w >>> 7) & 31) === 0) return false; // j, jr, ret
  return w !== 0x30200073 && w !== 0x10200073; // mret, sret
}

/**
 * The values `register` + `offset` may hold just before the instruction at `index`, over
 * every path into it (fall-through and jumps), or why they cannot be known statically.
 */
function valueBefore(flow: Flow, index: number, register: number, offset: bigint, seen: Set<string>, budget: { visits: number }): Value {
  const name = register === A7 ? 'a7' : `x${register}`;
  const key = `${index}:${register}:${offset}`;
  if (seen.has(key)) return { numbers: new Set() }; // a loop: the values come in by the other paths
  seen.add(key);
  if (++budget.visits > MAX_VISITS) return { unknown: `no constant reaches ${name} within ${MAX_VISITS} instructions` };
  const here = flow.instructions[index]!;
  if (flow.called.has(here.address)) return { unknown: `${name} comes from the caller of the function at ${hex(here.address)} (a syscall wrapper)` };
  const predecessors: number[] = [...(flow.jumpsTo.get(here.address) ?? [])];
  const previous = flow.instructions[index - 1];
  if (previous !== undefined && previous.address + previous.length === here.address && fallsThrough(previous)) predecessors.push(index - 1);
  if (predecessors.length === 0) return { unknown: `${name} is not set on the way into ${hex(here.address)}, which no direct jump reaches: an indirect jump or the start of the code` };
  const numbers = new Set<bigint>();
  for (const p of predecessors) {
    const value = through(flow, p, register, offset, seen, budget);
    if ('unknown' in value) return value;
    for (const n of value.numbers) numbers.add(n);
  }
  return { numbers };
}

/** The values `register` + `offset` may hold right after the instruction at `index`. */
function through(flow: Flow, index: number, register: number, offset: bigint, seen: Set<string>, budget: { visits: number }): Value {
  const ins = flow.instructions[index]!;
  const name = register === A7 ? 'a7' : `x${register}`;
  if (ins.word === -1) return valueBefore(flow, index, register, offset, seen, budget); // compressed FP: no integer register
  const w = ins.word >>> 0;
  const opcode = w & 0x7f;
  const rd = (w >>> 7) & 31;
  if ((opcode === 0x6f || opcode === 0x67) && rd !== 0 && flow.instructions[index + 1]?.address === ins.address + ins.length) {
    // We came back from a call: the callee may have changed any caller-saved register.
    return { unknown: `the call at ${hex(ins.address)} may change ${name}` };
  }
  if (!writesIntegerRegister(w) || rd !== register) return valueBefore(flow, index, register, offset, seen, budget);
  const f3 = (w >>> 12) & 7;
  const rs1 = (w >>> 15) & 31;
  const rs2 = (w >>> 20) & 31;
  if ((opcode === 0x13 || opcode === 0x1b) && f3 === 0) {
    const sum = offset + BigInt(w >> 20);
    return rs1 === 0 ? { numbers: new Set([sum]) } : valueBefore(flow, index, rs1, sum, seen, budget); // li, or rs1 + imm
  }
  if (opcode === 0x37) return { numbers: new Set([offset + BigInt(w & 0xfffff000)]) }; // lui (& gives the sign-extended int32)
  if (opcode === 0x33 && f3 === 0 && w >>> 25 === 0 && (rs1 === 0 || rs2 === 0)) {
    const source = rs1 === 0 ? rs2 : rs1; // mv (c.mv is add rd, x0, rs2)
    return source === 0 ? { numbers: new Set([offset]) } : valueBefore(flow, index, source, offset, seen, budget);
  }
  return { unknown: `${name} is set by ${ins.mnemonic} at ${hex(ins.address)}, not by a constant` };
}

/** Whether the 32-bit instruction writes integer register rd (bits 11:7). */
function writesIntegerRegister(w: number): boolean {
  switch (w & 0x7f) {
    case 0x03: // loads
    case 0x13:
    case 0x1b:
    case 0x33:
    case 0x3b:
    case 0x37:
    case 0x17:
    case 0x6f:
    case 0x67:
    case 0x2f: // atomics
    case 0x0b: // custom opcodes: assume they may
    case 0x2b:
    case 0x5b:
    case 0x7b:
      return true;
    case 0x73:
      return ((w >>> 12) & 7) !== 0; // CSR instructions
    case 0x53: {
      const f5 = w >>> 27; // fcmp, fcvt to integer, fmv.x / fclass
      return f5 === 0x14 || f5 === 0x18 || f5 === 0x1c;
    }
    default:
      return false;
  }
}

function branchOffset(w: number): number {
  return ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1);
}

function jumpOffset(w: number): number {
  return ((w >> 31) << 20) | (((w >>> 12) & 0xff) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3ff) << 1);
}

/** `nr` as ZeroOS's syscall table marks it. */
export function markSyscall(table: SyscallTable, nr: number): MarkedSyscall {
  const entry = table.lookup(nr);
  if (entry === undefined) return { nr, name: `syscall ${nr}`, mark: 'missing', note: 'not a Linux riscv64 syscall number' };
  return {
    nr,
    name: entry.name,
    mark: entry.support === 'full' ? 'served' : entry.support,
    ...(entry.note === undefined ? {} : { note: entry.note }),
    ...(entry.subsystem === undefined ? {} : { subsystem: entry.subsystem }),
  };
}

function hex(n: number): string {
  return '0x' + n.toString(16);
}

/**
 * The instruction scan: every word of the executable code decoded in order (a halfword
 * whose low bits are not 0b11 is a compressed instruction, else a 32-bit word), each
 * classified by the specification (encodings.ts) and then by the platform's hart: its
 * IsaRegistry decodes what ZeroOS executes and carries the platform's refusals, and a
 * scratch machine mode with the platform's profile answers which CSRs are reachable.
 */
import { expandCompressed } from '../arch/riscv64/compressed.js';
import {
  CsrAccessError,
  MachineMode,
  PRIV_M,
  PRIV_U,
  isReadOnlyCsr,
  type MachineProfile,
} from '../arch/riscv64/csr/index.js';
import { OP_ILLEGAL, type IsaRegistry } from '../arch/riscv64/isa/index.js';
import { fpCsrEntries } from '../arch/riscv64/fpu/index.js';
import { HartState } from '../arch/riscv64/state.js';
import type { TrapMode } from '../arch/riscv64/types.js';
import { classifyHalf, classifyWord, csrNameOf, CUSTOM_OPCODES, type ExtensionName } from './encodings.js';
import type { CodeRegion } from './program.js';

/** What the platform's hart does with an instruction. */
export type InstructionStatus =
  /** It executes it. */
  | 'ok'
  /** The platform refuses it (a RefusedInstruction if it runs; a zkVM may reject the whole program). */
  | 'refused'
  /** The hart does not execute it at all (F/D, V, B, ...): an illegal instruction if reached. */
  | 'not-executed';

export interface ScannedInstruction {
  readonly address: number;
  readonly length: 2 | 4;
  /** The 32-bit word (a compressed integer instruction expanded to it; -1 for compressed FP). */
  readonly word: number;
  readonly extension: ExtensionName | string;
  readonly mnemonic: string;
  readonly status: InstructionStatus;
  readonly refusal?: string;
}

/** One extension's use in the code. */
export interface ExtensionUsage {
  readonly name: string;
  /** Instructions of it. */
  count: number;
  /** The lowest address one sits at. */
  first: number;
  /** Count per mnemonic. */
  readonly mnemonics: Map<string, number>;
  /** The worst status among its instructions ('not-executed' over 'refused' over 'ok'). */
  status: InstructionStatus;
  /** Mnemonics the platform refuses or the hart does not execute, with their reasons. */
  readonly problems: Map<string, { count: number; first: number; reason: string }>;
}

/** What happens when the program's code accesses a CSR on this platform. */
export type CsrStatus = 'ok' | 'missing' | 'restricted' | 'privilege' | 'read-only';

export interface CsrUsage {
  readonly number: number;
  readonly name: string | undefined;
  count: number;
  first: number;
  reads: number;
  writes: number;
  status: CsrStatus;
  reason?: string;
}

export interface UndecodableWord {
  readonly address: number;
  readonly word: number;
  readonly length: 2 | 4;
}

export interface IsaScan {
  /** The decoded instructions of each code region, in address order. */
  readonly regions: readonly (readonly ScannedInstruction[])[];
  readonly instructions: number;
  readonly compressed: number;
  /** All-zero halfwords (padding; Jolt skips them too). */
  readonly padding: number;
  readonly extensions: readonly ExtensionUsage[];
  readonly csrs: readonly CsrUsage[];
  readonly undecodable: readonly UndecodableWord[];
}

export interface IsaScanOptions {
  /** The platform's instruction set (its extensions and refusals). */
  readonly registry: IsaRegistry;
  /** Its machine mode (the CSRs it accepts); default the privileged spec. */
  readonly machineProfile?: MachineProfile;
  /** 'host': the program runs in U-mode under ZeroOS's kernel; 'machine': in M-mode. */
  readonly trapMode: TrapMode;
}

const STATUS_RANK: Record<InstructionStatus, number> = { ok: 0, refused: 1, 'not-executed': 2 };

/** Registry extension names as the report spells extensions. */
const REGISTRY_NAMES: Record<string, string> = { i: 'I', m: 'M', a: 'A', c: 'C', zicsr: 'Zicsr', zifencei: 'Zifencei', machine: 'privileged' };

export function scanIsa(code: readonly CodeRegion[], options: IsaScanOptions): IsaScan {
  const { registry } = options;
  const extensions = new Map<string, ExtensionUsage>();
  const csrs = new Map<number, CsrUsage>();
  const undecodable: UndecodableWord[] = [];
  const regions: ScannedInstruction[][] = [];
  const csrAccess = csrJudge(options);
  let instructions = 0;
  let compressed = 0;
  let padding = 0;

  const note = (ins: ScannedInstruction) => {
    instructions++;
    let usage = extensions.get(ins.extension);
    if (usage === undefined) {
      usage = { name: ins.extension, count: 0, first: ins.address, mnemonics: new Map(), status: 'ok', problems: new Map() };
      extensions.set(ins.extension, usage);
    }
    usage.count++;
    usage.first = Math.min(usage.first, ins.address);
    usage.mnemonics.set(ins.mnemonic, (usage.mnemonics.get(ins.mnemonic) ?? 0) + 1);
    if (STATUS_RANK[ins.status] > STATUS_RANK[usage.status]) usage.status = ins.status;
    if (ins.status !== 'ok') {
      const problem = usage.problems.get(ins.mnemonic);
      if (problem) {
        problem.count++;
        problem.first = Math.min(problem.first, ins.address);
      } else {
        usage.problems.set(ins.mnemonic, { count: 1, first: ins.address, reason: ins.refusal ?? notExecutedReason(ins) });
      }
    }
    if ((ins.word & 0x7f) === 0x73 && ((ins.word >>> 12) & 7) !== 0 && ((ins.word >>> 12) & 7) !== 4) noteCsr(ins);
  };

  const noteCsr = (ins: ScannedInstruction) => {
    const w = ins.word >>> 0;
    const number = w >>> 20;
    const f3 = (w >>> 12) & 7;
    const rd = (w >>> 7) & 31;
    const source = (w >>> 15) & 31; // rs1, or the uimm of the immediate forms
    const swap = f3 === 1 || f3 === 5;
    const reads = !swap || rd !== 0;
    const writes = swap || source !== 0;
    let usage = csrs.get(number);
    if (usage === undefined) {
      const judged = csrAccess(number);
      usage = { number, name: judged.name, count: 0, first: ins.address, reads: 0, writes: 0, status: judged.status, ...(judged.reason === undefined ? {} : { reason: judged.reason }) };
      csrs.set(number, usage);
    }
    usage.count++;
    usage.first = Math.min(usage.first, ins.address);
    if (reads) usage.reads++;
    if (writes) {
      usage.writes++;
      if (usage.status === 'ok' && isReadOnlyCsr(number)) {
        usage.status = 'read-only';
        usage.reason = `CSR ${csrLabel(number, usage.name)} is read-only, but the code writes it`;
      }
    }
  };

  for (const region of code) {
    const scanned: ScannedInstruction[] = [];
    const { bytes, address } = region;
    let at = 0;
    while (at + 2 <= bytes.length) {
      const half = bytes[at]! | (bytes[at + 1]! << 8);
      const pc = address + at;
      if ((half & 3) === 3) {
        if (at + 4 > bytes.length) {
          undecodable.push({ address: pc, word: half, length: 2 });
          break;
        }
        const word = (half | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
        const ins = judgeWord(registry, pc, word);
        if (ins === undefined) undecodable.push({ address: pc, word, length: 4 });
        else {
          scanned.push(ins);
          note(ins);
        }
        at += 4;
        continue;
      }
      at += 2;
      const ins = judgeHalf(registry, pc, half);
      if (ins === 'padding') padding++;
      else if (ins === undefined) undecodable.push({ address: pc, word: half, length: 2 });
      else {
        compressed++;
        scanned.push(ins);
        note(ins);
      }
    }
    if (at < bytes.length) undecodable.push({ address: address + at, word: bytes[at]!, length: 2 });
    regions.push(scanned);
  }
  return {
    regions,
    instructions,
    compressed,
    padding,
    extensions: [...extensions.values()].sort((a, b) => extensionOrder(a.name) - extensionOrder(b.name) || a.name.localeCompare(b.name)),
    csrs: [...csrs.values()].sort((a, b) => a.number - b.number),
    undecodable,
  };
}

const ORDER = ['I', 'M', 'A', 'C', 'Zicsr', 'Zifencei', 'privileged', 'F', 'D', 'Q', 'Zfh', 'V', 'Zba', 'Zbb', 'Zbs', 'Zbc', 'Zicond', 'Zicbom', 'Zacas', 'custom'];
function extensionOrder(name: string): number {
  const i = ORDER.indexOf(name);
  return i === -1 ? ORDER.length : i;
}

function judgeWord(registry: IsaRegistry, address: number, word: number): ScannedInstruction | undefined {
  const encoding = classifyWord(word);
  const op = registry.decode(word) & 0x7f;
  if (op !== OP_ILLEGAL && op !== 0) {
    const registered = registry.instructions[op]!;
    return {
      address,
      length: 4,
      word,
      extension: encoding?.extension ?? REGISTRY_NAMES[registered.extension] ?? registered.extension,
      mnemonic: encoding?.mnemonic ?? registered.def.mnemonic,
      status: registered.refusal === undefined ? 'ok' : 'refused',
      ...(registered.refusal === undefined ? {} : { refusal: registered.refusal }),
    };
  }
  if (encoding === undefined) return undefined;
  return { address, length: 4, word, extension: encoding.extension, mnemonic: encoding.mnemonic, status: 'not-executed' };
}

function judgeHalf(registry: IsaRegistry, address: number, half: number): ScannedInstruction | 'padding' | undefined {
  const encoding = classifyHalf(half);
  if (encoding === 'padding' || encoding === undefined) return encoding;
  const expanded = expandCompressed(half);
  const word = expanded < 0 ? -1 : expanded;
  const op = registry.decodeCompressed(half) & 0x7f;
  if (op !== OP_ILLEGAL && op !== 0) {
    const registered = registry.instructions[op]!;
    // A refused C extension decodes every halfword to one refused pseudo-instruction.
    return {
      address,
      length: 2,
      word,
      extension: encoding.extension,
      mnemonic: encoding.mnemonic,
      status: registered.refusal === undefined ? 'ok' : 'refused',
      ...(registered.refusal === undefined ? {} : { refusal: registered.refusal }),
    };
  }
  return { address, length: 2, word, extension: encoding.extension, mnemonic: encoding.mnemonic, status: 'not-executed' };
}

/** Why the hart cannot execute an instruction of this extension, and what to do about it. */
function notExecutedReason(ins: ScannedInstruction): string {
  switch (ins.extension) {
    case 'F':
    case 'D':
    case 'Q':
    case 'Zfh':
      return "this platform's hart has no floating-point registers (no F/D): build for -march=rv64imac -mabi=lp64 (soft float)";
    case 'V':
      return "ZeroOS's hart has no vector unit (V): build for -march=rv64imac";
    case 'Zba':
    case 'Zbb':
    case 'Zbs':
    case 'Zbc':
      return "ZeroOS's hart executes RV64IMAC without the bit-manipulation extensions: build for -march=rv64imac";
    case 'C':
      return "this platform's hart does not execute compressed instructions: build without C";
    case 'custom': {
      const opcode = CUSTOM_OPCODES[ins.word & 0x7f] ?? 'custom';
      return `this platform defines no instruction at ${opcode} (opcode ${hex2(ins.word & 0x7f)}): custom opcodes belong to a zkVM's own extension`;
    }
    case 'privileged':
      return `ZeroOS's hart does not execute ${ins.mnemonic} (it has M and U modes, no S-mode, hypervisor or debug mode)`;
    default:
      return `ZeroOS's hart does not execute the ${ins.extension} extension`;
  }
}

const hex2 = (n: number) => '0x' + n.toString(16).toUpperCase().padStart(2, '0');

function csrLabel(number: number, name: string | undefined): string {
  const n = '0x' + number.toString(16).padStart(3, '0');
  return name === undefined ? n : `${n} (${name})`;
}

/**
 * Whether an instruction of the program may access each CSR on this platform, answered by
 * a scratch machine mode shaped like the run's (profile applied, the privilege the program
 * starts in): the same CsrAccessError the hart would raise, without running anything.
 */
function csrJudge(options: IsaScanOptions): (number: number) => { name: string | undefined; status: CsrStatus; reason?: string } {
  const machine = new MachineMode({
    instret: () => 0,
    time: () => 0n,
    misa: options.registry.misa,
    privilege: options.trapMode === 'host' ? PRIV_U : PRIV_M,
    ...(options.machineProfile === undefined ? {} : { profile: options.machineProfile }),
  });
  // The FP CSRs exist where the hart has F, as on the hart itself (machine-services.ts).
  if (options.registry.extensions.some((e) => e.letter === 'f')) for (const entry of fpCsrEntries(new HartState())) machine.csrs.define(entry);
  return (number) => {
    const name = machine.csrs.entry(number)?.name ?? csrNameOf(number);
    try {
      machine.csrs.read(number, 'instruction');
      return { name, status: 'ok' };
    } catch (error) {
      if (!(error instanceof CsrAccessError)) throw error;
      const status: CsrStatus = error.refusal;
      const why =
        status === 'privilege' && options.trapMode === 'host'
          ? `${error.message} (in host trap mode the program runs in U-mode under ZeroOS's kernel: the access is SIGILL, as on Linux)`
          : status === 'missing'
            ? `CSR ${csrLabel(number, name)} does not exist on ZeroOS's hart: the access is an illegal instruction`
            : error.message;
      return { name, status, reason: why };
    }
  };
}

/**
 * The instruction set a hart runs: the registered extensions, one op id per instruction
 * (the only numbering there is), the decoder built from their encodings, misa and
 * AT_HWCAP from their letters, and what the platform refuses.
 *
 * A decoded instruction is two int32s (kept by the code cache per halfword slot):
 *   info = op | compressed << 7 | rd*2 << 8 | rs1*2 << 16 | rs2*2 << 24
 *   imm  = the sign-extended immediate (shift amount, CSR number, branch offset, ...)
 * Register fields are pre-multiplied by 2: they index the hart's Int32Array of (lo, hi)
 * pairs directly. A destination of x0 is stored as 64 (the pair x[64], x[65]): a sink that
 * is never read, so writes to x0 need no test. For the CSR immediate forms the 5-bit uimm is
 * kept (not doubled) in the rs2 field.
 */
import type { Extension, Format, InstructionDef, IsaConfig, Operands, Refusal } from './types.js';

/** Set in `info` for an instruction that came from a 16-bit halfword. */
export const INFO_COMPRESSED = 0x80;
/** The register pair index that absorbs writes to x0. */
export const SINK = 64;
/** The op id of every word no registered instruction matches. */
export const OP_ILLEGAL = 1;
/** Op ids fit in the low 7 bits of `info`. */
const MAX_OPS = 128;

/** A registered instruction: its definition, its op id, and why it is refused (if it is). */
export interface RegisteredInstruction {
  readonly id: number;
  readonly def: InstructionDef;
  readonly extension: string;
  /** Set when the platform refuses this instruction (executing it raises RefusedInstruction). */
  readonly refusal?: string;
}

const ILLEGAL_DEF: InstructionDef = {
  mnemonic: 'illegal',
  match: 0,
  mask: 0,
  format: 'none',
  interpretOnly: true,
  semantics: 'throw M.illegal($pc, $raw, $len);',
};

function popcount(n: number): number {
  let c = 0;
  for (let m = n >>> 0; m !== 0; m &= m - 1) c++;
  return c;
}

// Which register fields each format has (decode without allocating).
const FIELDS_RD: Record<Format, boolean> = { R: true, I: true, S: false, B: false, U: true, J: true, shamt: true, shamtw: true, csr: true, csri: true, none: false };
const FIELDS_RS1: Record<Format, boolean> = { R: true, I: true, S: true, B: true, U: false, J: false, shamt: true, shamtw: true, csr: true, csri: false, none: false };
const FIELDS_RS2: Record<Format, boolean> = { R: true, I: false, S: true, B: true, U: false, J: false, shamt: false, shamtw: false, csr: false, csri: false, none: false };

/** The immediate of `word` in `format` (sign-extended where the format says so). */
function immediate(format: Format, word: number): number {
  switch (format) {
    case 'I':
      return word >> 20;
    case 'S':
      return ((word >> 25) << 5) | ((word >>> 7) & 31);
    case 'B':
      return ((word >> 31) << 12) | (((word >>> 7) & 1) << 11) | (((word >>> 25) & 0x3f) << 5) | (((word >>> 8) & 0xf) << 1);
    case 'U':
      return word & 0xfffff000;
    case 'J':
      return ((word >> 31) << 20) | (((word >>> 12) & 0xff) << 12) | (((word >>> 20) & 1) << 11) | (((word >>> 21) & 0x3ff) << 1);
    case 'shamt':
      return (word >>> 20) & 63;
    case 'shamtw':
      return (word >>> 20) & 31;
    case 'csr':
    case 'csri':
      return word >>> 20;
    default:
      return 0;
  }
}

/** Cuts the operands out of `word` by format (register numbers; the uimm of csri in rs2). */
export function operandsOf(format: Format, word: number): Operands {
  return {
    rd: FIELDS_RD[format] ? (word >>> 7) & 31 : 0,
    rs1: FIELDS_RS1[format] ? (word >>> 15) & 31 : 0,
    rs2: format === 'csri' ? (word >>> 15) & 31 : FIELDS_RS2[format] ? (word >>> 20) & 31 : 0,
    imm: immediate(format, word),
  };
}

export class IsaRegistry {
  /** Registered instructions by op id (index 0: "not decoded yet"; 1: illegal). */
  readonly instructions: readonly RegisteredInstruction[];
  readonly extensions: readonly Extension[];
  /** The immediate of the last `decode` call. */
  decodedImm = 0;
  private readonly byOpcode: RegisteredInstruction[][] = Array.from({ length: 128 }, () => []);
  private readonly byMnemonic = new Map<string, RegisteredInstruction>();
  private readonly expand: ((half: number) => number) | undefined;
  private readonly refusedExtensions = new Map<string, string>();
  /** The op id every halfword decodes to when C is refused (0: C is not refused). */
  private refusedCompressed = 0;

  constructor(config: IsaConfig & { readonly extensions: readonly Extension[] }) {
    this.extensions = config.extensions;
    const names = new Set<string>();
    for (const e of config.extensions) {
      if (names.has(e.name)) throw new RangeError(`ISA extension "${e.name}" is registered twice`);
      names.add(e.name);
    }
    const refusals = new Map<string, string>();
    for (const r of config.refuse ?? []) this.noteRefusal(r, names, refusals);
    const list: RegisteredInstruction[] = [];
    const add = (given: InstructionDef, extension: string): void => {
      if (this.byMnemonic.has(given.mnemonic)) throw new RangeError(`instruction "${given.mnemonic}" is defined twice`);
      const def = given.hook === undefined ? given : hooked(given, list.length);
      const refusal = refusals.get(def.mnemonic) ?? this.refusedExtensions.get(extension);
      const r: RegisteredInstruction = { id: list.length, def, extension, ...(refusal === undefined ? {} : { refusal }) };
      list.push(r);
      this.byMnemonic.set(def.mnemonic, r);
    };
    list.push({ id: 0, def: { ...ILLEGAL_DEF, mnemonic: '(undecoded)' }, extension: '' });
    add(ILLEGAL_DEF, '');
    for (const e of config.extensions) for (const def of e.instructions) add(def, e.name);
    for (const [mnemonic] of refusals) {
      if (!this.byMnemonic.has(mnemonic)) throw new RangeError(`cannot refuse "${mnemonic}": no registered extension defines it`);
    }
    // A refused C: every halfword is one refused pseudo-instruction (not in the decoder's buckets).
    const c = config.extensions.find((e) => e.expandCompressed !== undefined);
    const cRefusal = c === undefined ? undefined : this.refusedExtensions.get(c.name);
    const decodable = list.slice(2);
    if (c !== undefined && cRefusal !== undefined) {
      const def: InstructionDef = { mnemonic: `${c.name} (compressed)`, match: 0, mask: 0, format: 'none', interpretOnly: true, semantics: '' };
      const r: RegisteredInstruction = { id: list.length, def, extension: c.name, refusal: cRefusal };
      list.push(r);
      this.byMnemonic.set(def.mnemonic, r);
      this.refusedCompressed = r.id;
    }
    if (list.length > MAX_OPS) throw new RangeError(`too many instructions (${list.length - 1}); op ids have 7 bits`);
    this.instructions = list;
    for (const r of decodable) {
      const opcode = r.def.match & 0x7f;
      if ((r.def.mask & 0x7f) !== 0x7f) throw new RangeError(`${r.def.mnemonic}: the mask must cover the opcode`);
      this.byOpcode[opcode]!.push(r);
    }
    // The most specific encoding wins (`jal x0, 0` is halt before it is jal).
    for (const bucket of this.byOpcode) bucket.sort((p, q) => popcount(q.def.mask) - popcount(p.def.mask));
    this.expand = c?.expandCompressed;
  }

  private noteRefusal(r: Refusal, names: Set<string>, refusals: Map<string, string>): void {
    if (r.extension !== undefined) {
      if (!names.has(r.extension)) throw new RangeError(`cannot refuse extension "${r.extension}": it is not registered`);
      this.refusedExtensions.set(r.extension, r.reason);
    }
    if (r.mnemonic !== undefined) refusals.set(r.mnemonic, r.reason);
  }

  /** Mnemonics by op id. */
  get names(): readonly string[] {
    return this.instructions.map((r) => r.def.mnemonic);
  }

  /** The op id of `mnemonic` (undefined when no registered extension defines it). */
  opOf(mnemonic: string): number | undefined {
    return this.byMnemonic.get(mnemonic)?.id;
  }

  /** Whether halfwords are instructions (C is registered). */
  get compressed(): boolean {
    return this.expand !== undefined;
  }

  /**
   * Decodes a 32-bit instruction word. Returns `info` (OP_ILLEGAL when no registered
   * instruction matches) and sets `decodedImm`. The caller adds INFO_COMPRESSED for
   * expanded halfwords.
   */
  decode(word: number): number {
    const w = word >>> 0;
    for (const r of this.byOpcode[w & 0x7f]!) {
      if ((w & r.def.mask) >>> 0 === r.def.match >>> 0) {
        const f = r.def.format;
        const rd = FIELDS_RD[f] ? (w >>> 7) & 31 : 0;
        const rs1 = FIELDS_RS1[f] ? (w >>> 15) & 31 : 0;
        // csri: the uimm travels in the rs2 field, not doubled.
        const rs2 = f === 'csri' ? (w >>> 15) & 31 : FIELDS_RS2[f] ? ((w >>> 20) & 31) * 2 : 0;
        this.decodedImm = immediate(f, w | 0);
        return r.id | ((rd === 0 ? SINK : rd * 2) << 8) | ((rs1 * 2) << 16) | (rs2 << 24);
      }
    }
    this.decodedImm = 0;
    return OP_ILLEGAL;
  }

  /** Decodes a 16-bit halfword (its expansion), with INFO_COMPRESSED set. */
  decodeCompressed(half: number): number {
    if (this.refusedCompressed !== 0) {
      this.decodedImm = 0;
      return this.refusedCompressed | INFO_COMPRESSED;
    }
    const word = this.expand === undefined ? -1 : this.expand(half);
    if (word < 0) {
      this.decodedImm = 0;
      return OP_ILLEGAL | INFO_COMPRESSED;
    }
    return this.decode(word) | INFO_COMPRESSED;
  }

  /** misa: MXL = 2 (RV64) and one bit per registered letter ('a' = bit 0), plus U. */
  get misa(): bigint {
    return (2n << 62n) | BigInt(this.hwcap) | (1n << 20n);
  }

  /** AT_HWCAP: one bit per registered single-letter extension ('a' = bit 0). */
  get hwcap(): number {
    let bits = 0;
    for (const e of this.extensions) if (e.letter !== undefined) bits |= 1 << (e.letter.charCodeAt(0) - 97);
    return bits;
  }
}

/**
 * A hooked instruction as the tiers run it: interpret-only, its template a call of the
 * machine services' `hook` with its op id (see HookContext).
 */
function hooked(def: InstructionDef, op: number): InstructionDef {
  const { writesRd: _writesRd, control: _control, condition: _condition, specialize: _specialize, ...rest } = def;
  return { ...rest, interpretOnly: true, semantics: `M.hook(${op}, $pc, $raw, $len, $left, $info, $imm);` };
}

/** Unpacks `info` into register numbers (x0 for the sink) and the op id. */
export function unpackInfo(info: number): { op: number; rd: number; rs1: number; rs2: number; compressed: boolean } {
  const rd = ((info >> 8) & 0xff) >> 1;
  return {
    op: info & 0x7f,
    rd: rd === 32 ? 0 : rd,
    rs1: ((info >> 16) & 0xff) >> 1,
    rs2: (info >>> 24) >> 1,
    compressed: (info & INFO_COMPRESSED) !== 0,
  };
}

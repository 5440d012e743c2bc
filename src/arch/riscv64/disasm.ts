/**
 * A RISC-V disassembler for what the machine runs: RV64IMAFDC (F/D through isa/fd.ts, with
 * FP register names), Zicsr, Zifencei, the machine-mode subset and any extension registered
 * in the ISA registry (a zkVM's custom instructions print with their registered mnemonics).
 * It decodes with the registry itself (the same decoder the hart uses), so it names exactly
 * the instruction that ran.
 *
 * The syntax is objdump's, with a space after each comma: ABI register names (`a0`, `sp`,
 * `s0`), `addi a0, sp, 16`, `ld ra, 8(sp)`, `beq a0, a1, 0x10240 <main+0x1c>`, `lui a0, 0x12`,
 * CSRs by name (`csrr a0, mhartid`), AMOs with their ordering suffix (`amoadd.w.aqrl a0, a1, (a2)`).
 * By default the pseudo-instructions objdump prints are used (`li`, `mv`, `nop`, `not`, `neg`,
 * `sext.w`, `seqz`, `snez`, `beqz`, `bnez`, `j`, `jr`, `ret`, `csrr`, `csrw`, `rdcycle`, ...);
 * `aliases: false` prints every instruction in its base form. `jal` always names its link
 * register (`jal ra, 0x10234 <main>`), except a jal to `zero`, which is `j`.
 *
 * Compressed instructions are shown as the base instruction they expand to (as objdump does
 * by default): `c.addi sp, -16` reads `addi sp, sp, -16`. The 4-digit word beside it in a
 * listing shows it was compressed. A word no registered instruction matches is `.word
 * 0x…` (32 bits) or `.half 0x…` (16 bits).
 */
import { disassembleFp, isaRegistry, type IsaRegistry } from './isa/index.js';
import { OP_ILLEGAL, operandsOf } from './isa/registry.js';

/** x0..x31 by their ABI names. */
export const ABI_REGISTER_NAMES: readonly string[] = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];

/** CSR names by number (the unprivileged counters, machine mode, supervisor and floating-point CSRs). */
export const CSR_NAMES: ReadonlyMap<number, string> = new Map<number, string>([
  [0x001, 'fflags'], [0x002, 'frm'], [0x003, 'fcsr'],
  [0xc00, 'cycle'], [0xc01, 'time'], [0xc02, 'instret'],
  ...Array.from({ length: 29 }, (_, i) => [0xc03 + i, `hpmcounter${i + 3}`] as [number, string]),
  [0x100, 'sstatus'], [0x104, 'sie'], [0x105, 'stvec'], [0x106, 'scounteren'], [0x140, 'sscratch'], [0x141, 'sepc'],
  [0x142, 'scause'], [0x143, 'stval'], [0x144, 'sip'], [0x180, 'satp'],
  [0x300, 'mstatus'], [0x301, 'misa'], [0x302, 'medeleg'], [0x303, 'mideleg'], [0x304, 'mie'], [0x305, 'mtvec'],
  [0x306, 'mcounteren'], [0x310, 'mstatush'], [0x320, 'mcountinhibit'], [0x340, 'mscratch'], [0x341, 'mepc'], [0x342, 'mcause'],
  [0x343, 'mtval'], [0x344, 'mip'], [0x34a, 'mtinst'], [0x34b, 'mtval2'], [0x3a0, 'pmpcfg0'], [0x3a2, 'pmpcfg2'],
  ...Array.from({ length: 16 }, (_, i) => [0x3b0 + i, `pmpaddr${i}`] as [number, string]),
  [0xb00, 'mcycle'], [0xb02, 'minstret'],
  ...Array.from({ length: 29 }, (_, i) => [0xb03 + i, `mhpmcounter${i + 3}`] as [number, string]),
  ...Array.from({ length: 29 }, (_, i) => [0x323 + i, `mhpmevent${i + 3}`] as [number, string]),
  [0xf11, 'mvendorid'], [0xf12, 'marchid'], [0xf13, 'mimpid'], [0xf14, 'mhartid'], [0xf15, 'mconfigptr'],
  [0x7a0, 'tselect'], [0x7a1, 'tdata1'], [0x7a2, 'tdata2'], [0x7a3, 'tdata3'],
  [0x7b0, 'dcsr'], [0x7b1, 'dpc'], [0x7b2, 'dscratch0'], [0x7b3, 'dscratch1'],
]);

export interface DisassemblerOptions {
  /** The instruction set (default: the standard RV64IMAC registry). */
  readonly isa?: IsaRegistry;
  /**
   * Names an address for branch and jump targets (`main`, `main+0x1c`); undefined leaves
   * the bare address.
   */
  readonly symbol?: (address: number) => string | undefined;
  /** Print objdump's pseudo-instructions (default true). */
  readonly aliases?: boolean;
}

const reg = (r: number): string => ABI_REGISTER_NAMES[r]!;
const hex = (n: number): string => `0x${n.toString(16)}`;
const csrName = (csr: number): string => CSR_NAMES.get(csr) ?? hex(csr);

/** Fence predecessor/successor sets: i, o, r, w. */
function fenceSet(bits: number): string {
  return (bits & 8 ? 'i' : '') + (bits & 4 ? 'o' : '') + (bits & 2 ? 'r' : '') + (bits & 1 ? 'w' : '') || '0';
}

/** Turns instruction bits into assembly text (see the module comment). */
export class Disassembler {
  readonly #isa: IsaRegistry;
  readonly #expand: (half: number) => number;
  readonly #symbol: ((address: number) => string | undefined) | undefined;
  readonly #aliases: boolean;

  constructor(options: DisassemblerOptions = {}) {
    this.#isa = options.isa ?? isaRegistry();
    this.#expand = this.#isa.extensions.find((e) => e.expandCompressed !== undefined)?.expandCompressed ?? (() => -1);
    this.#symbol = options.symbol;
    this.#aliases = options.aliases ?? true;
  }

  /**
   * The instruction `bits` (16 or 32 of them, as fetched: a halfword whose low two bits are
   * not 0b11 is compressed) at `pc`.
   */
  disassemble(bits: number, pc: number): string {
    const half = (bits & 3) !== 3;
    let word = bits >>> 0;
    if (half) {
      word = this.#expand(bits & 0xffff);
      if (word < 0) return `.half 0x${(bits & 0xffff).toString(16).padStart(4, '0')}`;
    }
    const op = this.#isa.decode(word) & 0x7f;
    const def = this.#isa.instructions[op]?.def;
    if (op === OP_ILLEGAL || def === undefined) {
      return half ? `.half 0x${(bits & 0xffff).toString(16).padStart(4, '0')}` : `.word 0x${word.toString(16).padStart(8, '0')}`;
    }
    const extension = this.#isa.instructions[op]!.extension;
    if (extension === 'f' || extension === 'd') return disassembleFp(word, reg) ?? this.#format(def.mnemonic, def.format, word, pc);
    return this.#format(def.mnemonic, def.format, word, pc);
  }

  #target(address: number): string {
    const name = this.#symbol?.(address);
    return name === undefined ? hex(address) : `${hex(address)} <${name}>`;
  }

  #format(mnemonic: string, format: string, word: number, pc: number): string {
    const { rd, rs1, rs2, imm } = operandsOf(format as Parameters<typeof operandsOf>[0], word);
    const aliases = this.#aliases;
    const opcode = word & 0x7f;
    switch (format) {
      case 'R': {
        if (opcode === 0x2f) {
          // The A extension: aq (bit 26) and rl (bit 25) as a suffix.
          const aq = ((word >>> 26) & 1) !== 0;
          const rl = ((word >>> 25) & 1) !== 0;
          const suffix = aq && rl ? '.aqrl' : aq ? '.aq' : rl ? '.rl' : '';
          if (mnemonic.startsWith('lr.')) return `${mnemonic}${suffix} ${reg(rd)}, (${reg(rs1)})`;
          return `${mnemonic}${suffix} ${reg(rd)}, ${reg(rs2)}, (${reg(rs1)})`;
        }
        if (aliases) {
          if (mnemonic === 'add' && rs1 === 0) return `mv ${reg(rd)}, ${reg(rs2)}`;
          if (mnemonic === 'sub' && rs1 === 0) return `neg ${reg(rd)}, ${reg(rs2)}`;
          if (mnemonic === 'subw' && rs1 === 0) return `negw ${reg(rd)}, ${reg(rs2)}`;
          if (mnemonic === 'sltu' && rs1 === 0) return `snez ${reg(rd)}, ${reg(rs2)}`;
          if (mnemonic === 'slt' && rs2 === 0) return `sltz ${reg(rd)}, ${reg(rs1)}`;
          if (mnemonic === 'slt' && rs1 === 0) return `sgtz ${reg(rd)}, ${reg(rs2)}`;
        }
        return `${mnemonic} ${reg(rd)}, ${reg(rs1)}, ${reg(rs2)}`;
      }
      case 'I': {
        if (opcode === 0x03) return `${mnemonic} ${reg(rd)}, ${imm}(${reg(rs1)})`;
        if (mnemonic === 'jalr') {
          if (aliases && imm === 0) {
            if (rd === 0 && rs1 === 1) return 'ret';
            if (rd === 0) return `jr ${reg(rs1)}`;
            if (rd === 1) return `jalr ${reg(rs1)}`;
          }
          return `jalr ${reg(rd)}, ${imm}(${reg(rs1)})`;
        }
        if (aliases) {
          if (mnemonic === 'addi') {
            if (rd === 0 && rs1 === 0 && imm === 0) return 'nop';
            if (rs1 === 0) return `li ${reg(rd)}, ${imm}`;
            if (imm === 0) return `mv ${reg(rd)}, ${reg(rs1)}`;
          }
          if (mnemonic === 'addiw' && imm === 0) return `sext.w ${reg(rd)}, ${reg(rs1)}`;
          if (mnemonic === 'xori' && imm === -1) return `not ${reg(rd)}, ${reg(rs1)}`;
          if (mnemonic === 'sltiu' && imm === 1) return `seqz ${reg(rd)}, ${reg(rs1)}`;
        }
        return `${mnemonic} ${reg(rd)}, ${reg(rs1)}, ${imm}`;
      }
      case 'S':
        return `${mnemonic} ${reg(rs2)}, ${imm}(${reg(rs1)})`;
      case 'B': {
        const target = this.#target(pc + imm);
        if (aliases) {
          if (rs2 === 0 && mnemonic === 'beq') return `beqz ${reg(rs1)}, ${target}`;
          if (rs2 === 0 && mnemonic === 'bne') return `bnez ${reg(rs1)}, ${target}`;
          if (rs2 === 0 && mnemonic === 'bge') return `bgez ${reg(rs1)}, ${target}`;
          if (rs2 === 0 && mnemonic === 'blt') return `bltz ${reg(rs1)}, ${target}`;
          if (rs1 === 0 && mnemonic === 'bge') return `blez ${reg(rs2)}, ${target}`;
          if (rs1 === 0 && mnemonic === 'blt') return `bgtz ${reg(rs2)}, ${target}`;
        }
        return `${mnemonic} ${reg(rs1)}, ${reg(rs2)}, ${target}`;
      }
      case 'U':
        return `${mnemonic} ${reg(rd)}, ${hex(imm >>> 12)}`;
      case 'J':
        return aliases && rd === 0 ? `j ${this.#target(pc + imm)}` : `${mnemonic} ${reg(rd)}, ${this.#target(pc + imm)}`;
      case 'shamt':
      case 'shamtw':
        return `${mnemonic} ${reg(rd)}, ${reg(rs1)}, ${imm}`;
      case 'csr': {
        const csr = imm & 0xfff;
        if (aliases) {
          if (mnemonic === 'csrrs' && rs1 === 0) {
            if (csr === 0xc00) return `rdcycle ${reg(rd)}`;
            if (csr === 0xc01) return `rdtime ${reg(rd)}`;
            if (csr === 0xc02) return `rdinstret ${reg(rd)}`;
            return `csrr ${reg(rd)}, ${csrName(csr)}`;
          }
          if (rd === 0 && mnemonic === 'csrrw') return `csrw ${csrName(csr)}, ${reg(rs1)}`;
          if (rd === 0 && mnemonic === 'csrrs') return `csrs ${csrName(csr)}, ${reg(rs1)}`;
          if (rd === 0 && mnemonic === 'csrrc') return `csrc ${csrName(csr)}, ${reg(rs1)}`;
        }
        return `${mnemonic} ${reg(rd)}, ${csrName(csr)}, ${reg(rs1)}`;
      }
      case 'csri': {
        const csr = imm & 0xfff;
        if (aliases && rd === 0) return `${mnemonic.replace('csrr', 'csr')} ${csrName(csr)}, ${rs2}`;
        return `${mnemonic} ${reg(rd)}, ${csrName(csr)}, ${rs2}`;
      }
      default:
        if (mnemonic === 'halt') {
          // `j .`: ZeroOS's name for the zkVM convention, shown as the jump it is.
          return aliases ? `j ${this.#target(pc)}` : `jal zero, ${this.#target(pc)}`;
        }
        if (mnemonic === 'fence') {
          const pred = (word >>> 24) & 15;
          const succ = (word >>> 20) & 15;
          if (word >>> 28 === 8 && pred === 3 && succ === 3) return 'fence.tso';
          if (pred === 15 && succ === 15 && aliases) return 'fence';
          return `fence ${fenceSet(pred)}, ${fenceSet(succ)}`;
        }
        return mnemonic;
    }
  }
}

let standard: Disassembler | undefined;

/** One instruction in the standard ISA with objdump's aliases and no symbols (see Disassembler). */
export function disassemble(bits: number, pc: number): string {
  standard ??= new Disassembler();
  return standard.disassemble(bits, pc);
}

/** Whether `bits` (as fetched) is a compressed instruction's halfword. */
export function isCompressed(bits: number): boolean {
  return (bits & 3) !== 3;
}

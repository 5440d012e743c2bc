/**
 * RISC-V encodings by the specification, independent of what ZeroOS's hart executes: the
 * check must recognise an extension it cannot run (F/D, V, B, privileged instructions,
 * custom opcodes) to say why a program will not run, where the hart's decoder would only
 * say "illegal". Names follow the ISA manual (unprivileged 20240411, privileged 20240411,
 * V 1.0, B 1.0).
 */
import { compressedForm } from '../arch/riscv64/compressed.js';

/** The extension an instruction belongs to, as `zeroos check` reports it. */
export type ExtensionName =
  | 'I'
  | 'M'
  | 'A'
  | 'C'
  | 'F'
  | 'D'
  | 'Q'
  | 'Zfh'
  | 'V'
  | 'Zba'
  | 'Zbb'
  | 'Zbs'
  | 'Zbc'
  | 'Zicond'
  | 'Zicbom'
  | 'Zicsr'
  | 'Zifencei'
  | 'Zacas'
  | 'privileged'
  | 'custom';

/** What an encoding is, by the specification. */
export interface Encoding {
  readonly extension: ExtensionName;
  readonly mnemonic: string;
}

const enc = (extension: ExtensionName, mnemonic: string): Encoding => ({ extension, mnemonic });

const LOADS = ['lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu'];
const STORES = ['sb', 'sh', 'sw', 'sd'];
const BRANCHES: Record<number, string> = { 0: 'beq', 1: 'bne', 4: 'blt', 5: 'bge', 6: 'bltu', 7: 'bgeu' };
const OP_IMM: Record<number, string> = { 0: 'addi', 2: 'slti', 3: 'sltiu', 4: 'xori', 6: 'ori', 7: 'andi' };
const OP_BASE = ['add', 'sll', 'slt', 'sltu', 'xor', 'srl', 'or', 'and'];
const OP_M = ['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'];
const OP_32_M: Record<number, string> = { 0: 'mulw', 4: 'divw', 5: 'divuw', 6: 'remw', 7: 'remuw' };
const AMO: Record<number, string> = {
  0x00: 'amoadd',
  0x01: 'amoswap',
  0x02: 'lr',
  0x03: 'sc',
  0x04: 'amoxor',
  0x05: 'amocas',
  0x08: 'amoor',
  0x0c: 'amoand',
  0x10: 'amomin',
  0x14: 'amomax',
  0x18: 'amominu',
  0x1c: 'amomaxu',
};
/** The floating-point formats of bits 26:25 (fmt) and the extension each needs. */
const FP_FORMATS: readonly (readonly [string, ExtensionName])[] = [
  ['s', 'F'],
  ['d', 'D'],
  ['h', 'Zfh'],
  ['q', 'Q'],
];
/** Load/store-FP widths (funct3) that are scalar, with the extension each needs. */
const FP_WIDTHS: Record<number, readonly [string, ExtensionName]> = { 1: ['h', 'Zfh'], 2: ['w', 'F'], 3: ['d', 'D'], 4: ['q', 'Q'] };
const OP_FP: Record<number, string> = {
  0x00: 'fadd',
  0x01: 'fsub',
  0x02: 'fmul',
  0x03: 'fdiv',
  0x04: 'fsgnj',
  0x05: 'fmin/fmax',
  0x08: 'fcvt',
  0x0b: 'fsqrt',
  0x14: 'fcmp',
  0x18: 'fcvt.int',
  0x1a: 'fcvt.from-int',
  0x1c: 'fmv.x/fclass',
  0x1e: 'fmv.from-x',
};
const FMA = { 0x43: 'fmadd', 0x47: 'fmsub', 0x4b: 'fnmsub', 0x4f: 'fnmadd' } as Record<number, string>;
const VECTOR_CATEGORIES = ['opivv', 'opfvv', 'opmvv', 'opivi', 'opivx', 'opfvf', 'opmvx'];
/** The custom opcodes the ISA reserves for vendors (and zkVMs): custom-0 .. custom-3. */
export const CUSTOM_OPCODES: Readonly<Record<number, string>> = { 0x0b: 'custom-0', 0x2b: 'custom-1', 0x5b: 'custom-2', 0x7b: 'custom-3' };

/** The SYSTEM words with no operands (funct3 = 0), by their exact bits. */
const SYSTEM_WORDS: Record<number, Encoding> = {
  0x00000073: enc('I', 'ecall'),
  0x00100073: enc('I', 'ebreak'),
  0x00200073: enc('privileged', 'uret'),
  0x10200073: enc('privileged', 'sret'),
  0x30200073: enc('privileged', 'mret'),
  0x7b200073: enc('privileged', 'dret'),
  0x10500073: enc('privileged', 'wfi'),
};
const CSR_FORMS: Record<number, string> = { 1: 'csrrw', 2: 'csrrs', 3: 'csrrc', 5: 'csrrwi', 6: 'csrrsi', 7: 'csrrci' };

/**
 * What a 32-bit instruction word is (its low two bits are 0b11), or undefined when no
 * ratified extension (nor a custom opcode) defines it.
 */
export function classifyWord(word: number): Encoding | undefined {
  const w = word >>> 0;
  const opcode = w & 0x7f;
  const f3 = (w >>> 12) & 7;
  const f7 = w >>> 25;
  const rs2 = (w >>> 20) & 31;
  const imm12 = w >>> 20;
  switch (opcode) {
    case 0x37:
      return enc('I', 'lui');
    case 0x17:
      return enc('I', 'auipc');
    case 0x6f:
      return enc('I', 'jal');
    case 0x67:
      return f3 === 0 ? enc('I', 'jalr') : undefined;
    case 0x63:
      return BRANCHES[f3] === undefined ? undefined : enc('I', BRANCHES[f3]);
    case 0x03:
      return f3 < 7 ? enc('I', LOADS[f3]!) : undefined;
    case 0x23:
      return f3 < 4 ? enc('I', STORES[f3]!) : undefined;
    case 0x13:
      return opImm(w, f3, imm12);
    case 0x1b:
      return opImm32(f3, f7, imm12);
    case 0x33:
      return op(f3, f7);
    case 0x3b:
      return op32(f3, f7, rs2);
    case 0x0f:
      if (f3 === 0) return enc('I', 'fence');
      if (f3 === 1) return enc('Zifencei', 'fence.i');
      if (f3 === 2) return ({ 0: enc('Zicbom', 'cbo.inval'), 1: enc('Zicbom', 'cbo.clean'), 2: enc('Zicbom', 'cbo.flush'), 4: enc('Zicbom', 'cbo.zero') } as Record<number, Encoding>)[imm12];
      return undefined;
    case 0x2f: {
      const name = AMO[w >>> 27];
      if (name === undefined || (f3 !== 2 && f3 !== 3)) return undefined;
      if (name === 'lr' && rs2 !== 0) return undefined;
      return enc(name === 'amocas' ? 'Zacas' : 'A', `${name}.${f3 === 2 ? 'w' : 'd'}`);
    }
    case 0x07:
    case 0x27: {
      const load = opcode === 0x07;
      const scalar = FP_WIDTHS[f3];
      if (scalar !== undefined) return enc(scalar[1], `${load ? 'fl' : 'fs'}${scalar[0]}`);
      // funct3 0, 5, 6, 7: vector loads and stores (their element width); mop in bits 27:26.
      const mop = ['unit-stride', 'indexed-unordered', 'strided', 'indexed-ordered'][(w >>> 26) & 3]!;
      return enc('V', `${load ? 'vl' : 'vs'} (${mop})`);
    }
    case 0x43:
    case 0x47:
    case 0x4b:
    case 0x4f: {
      const [suffix, extension] = FP_FORMATS[f7 & 3]!;
      return enc(extension, `${FMA[opcode]}.${suffix}`);
    }
    case 0x53: {
      const name = OP_FP[w >>> 27];
      if (name === undefined) return undefined;
      const [suffix, extension] = FP_FORMATS[f7 & 3]!;
      // fcvt between formats needs the wider one too (fcvt.s.d needs D).
      const other = name === 'fcvt' ? FP_FORMATS[rs2 & 3]![1] : extension;
      return enc(wider(extension, other), `${name}.${suffix}`);
    }
    case 0x57:
      return f3 === 7 ? enc('V', (w >>> 31) === 0 ? 'vsetvli' : ((w >>> 30) & 1) === 1 ? 'vsetivli' : 'vsetvl') : enc('V', `vector ${VECTOR_CATEGORIES[f3]}`);
    case 0x73:
      return system(w, f3, f7);
    default: {
      const custom = CUSTOM_OPCODES[opcode];
      return custom === undefined ? undefined : enc('custom', `${custom} funct3=${f3}`);
    }
  }
}

function wider(a: ExtensionName, b: ExtensionName): ExtensionName {
  const order: ExtensionName[] = ['Zfh', 'F', 'D', 'Q'];
  return order.indexOf(a) >= order.indexOf(b) ? a : b;
}

function opImm(w: number, f3: number, imm12: number): Encoding | undefined {
  if (OP_IMM[f3] !== undefined) return enc('I', OP_IMM[f3]);
  const f6 = w >>> 26;
  if (f3 === 1) {
    if (f6 === 0x00) return enc('I', 'slli');
    if (f6 === 0x0a) return enc('Zbs', 'bseti');
    if (f6 === 0x12) return enc('Zbs', 'bclri');
    if (f6 === 0x1a) return enc('Zbs', 'binvi');
    return ({ 0x600: enc('Zbb', 'clz'), 0x601: enc('Zbb', 'ctz'), 0x602: enc('Zbb', 'cpop'), 0x604: enc('Zbb', 'sext.b'), 0x605: enc('Zbb', 'sext.h') } as Record<number, Encoding>)[imm12];
  }
  // f3 === 5
  if (f6 === 0x00) return enc('I', 'srli');
  if (f6 === 0x10) return enc('I', 'srai');
  if (f6 === 0x12) return enc('Zbs', 'bexti');
  if (f6 === 0x18) return enc('Zbb', 'rori');
  if (imm12 === 0x287) return enc('Zbb', 'orc.b');
  if (imm12 === 0x6b8) return enc('Zbb', 'rev8');
  return undefined;
}

function opImm32(f3: number, f7: number, imm12: number): Encoding | undefined {
  if (f3 === 0) return enc('I', 'addiw');
  if (f3 === 1) {
    if (f7 === 0) return enc('I', 'slliw');
    if (f7 >>> 1 === 0x02) return enc('Zba', 'slli.uw');
    return ({ 0x600: enc('Zbb', 'clzw'), 0x601: enc('Zbb', 'ctzw'), 0x602: enc('Zbb', 'cpopw') } as Record<number, Encoding>)[imm12];
  }
  if (f3 === 5) {
    if (f7 === 0x00) return enc('I', 'srliw');
    if (f7 === 0x20) return enc('I', 'sraiw');
    if (f7 === 0x30) return enc('Zbb', 'roriw');
  }
  return undefined;
}

function op(f3: number, f7: number): Encoding | undefined {
  switch (f7) {
    case 0x00:
      return enc('I', OP_BASE[f3]!);
    case 0x01:
      return enc('M', OP_M[f3]!);
    case 0x20:
      return ({ 0: enc('I', 'sub'), 5: enc('I', 'sra'), 4: enc('Zbb', 'xnor'), 6: enc('Zbb', 'orn'), 7: enc('Zbb', 'andn') } as Record<number, Encoding>)[f3];
    case 0x10:
      return ({ 2: enc('Zba', 'sh1add'), 4: enc('Zba', 'sh2add'), 6: enc('Zba', 'sh3add') } as Record<number, Encoding>)[f3];
    case 0x05:
      return ({ 1: enc('Zbc', 'clmul'), 2: enc('Zbc', 'clmulr'), 3: enc('Zbc', 'clmulh'), 4: enc('Zbb', 'min'), 5: enc('Zbb', 'minu'), 6: enc('Zbb', 'max'), 7: enc('Zbb', 'maxu') } as Record<number, Encoding>)[f3];
    case 0x30:
      return ({ 1: enc('Zbb', 'rol'), 5: enc('Zbb', 'ror') } as Record<number, Encoding>)[f3];
    case 0x24:
      return ({ 1: enc('Zbs', 'bclr'), 5: enc('Zbs', 'bext') } as Record<number, Encoding>)[f3];
    case 0x14:
      return f3 === 1 ? enc('Zbs', 'bset') : undefined;
    case 0x34:
      return f3 === 1 ? enc('Zbs', 'binv') : undefined;
    case 0x07:
      return ({ 5: enc('Zicond', 'czero.eqz'), 7: enc('Zicond', 'czero.nez') } as Record<number, Encoding>)[f3];
    default:
      return undefined;
  }
}

function op32(f3: number, f7: number, rs2: number): Encoding | undefined {
  switch (f7) {
    case 0x00:
      return ({ 0: enc('I', 'addw'), 1: enc('I', 'sllw'), 5: enc('I', 'srlw') } as Record<number, Encoding>)[f3];
    case 0x20:
      return ({ 0: enc('I', 'subw'), 5: enc('I', 'sraw') } as Record<number, Encoding>)[f3];
    case 0x01:
      return OP_32_M[f3] === undefined ? undefined : enc('M', OP_32_M[f3]);
    case 0x04:
      if (f3 === 0) return enc('Zba', 'add.uw');
      return f3 === 4 && rs2 === 0 ? enc('Zbb', 'zext.h') : undefined;
    case 0x10:
      return ({ 2: enc('Zba', 'sh1add.uw'), 4: enc('Zba', 'sh2add.uw'), 6: enc('Zba', 'sh3add.uw') } as Record<number, Encoding>)[f3];
    case 0x30:
      return ({ 1: enc('Zbb', 'rolw'), 5: enc('Zbb', 'rorw') } as Record<number, Encoding>)[f3];
    default:
      return undefined;
  }
}

function system(w: number, f3: number, f7: number): Encoding | undefined {
  if (f3 === 0) {
    const exact = SYSTEM_WORDS[w];
    if (exact !== undefined) return exact;
    if (((w >>> 7) & 31) !== 0) return undefined;
    if (f7 === 0x09) return enc('privileged', 'sfence.vma');
    if (f7 === 0x0b) return enc('privileged', 'sinval.vma');
    if (f7 === 0x11 || f7 === 0x31) return enc('privileged', f7 === 0x11 ? 'hfence.vvma' : 'hfence.gvma');
    return undefined;
  }
  if (f3 === 4) return enc('privileged', 'hlv/hsv (hypervisor load/store)');
  return enc('Zicsr', CSR_FORMS[f3]!);
}

/** A compressed FP load/store (c.fld, c.fsd, c.fldsp, c.fsdsp: RV64's only compressed FP). */
const COMPRESSED_FP = new Set(['c.fld', 'c.fsd', 'c.fldsp', 'c.fsdsp']);

/**
 * What a 16-bit halfword is: a C instruction (D for the compressed FP loads and stores),
 * 'padding' for the all-zero halfword (the defined illegal instruction, which linkers use
 * to pad code and Jolt skips), or undefined for reserved encodings (Zcb, Zcmp, ...).
 */
export function classifyHalf(half: number): Encoding | 'padding' | undefined {
  const form = compressedForm(half);
  if (form === undefined) return undefined;
  if (form.name === 'illegal') return 'padding';
  if (COMPRESSED_FP.has(form.name)) return enc('D', form.name);
  return form.legal ? enc('C', form.name) : undefined;
}

/** CSR names beyond ZeroOS's own CSR file, for reporting what a program touches. */
const CSR_NAMES: Record<number, string> = {
  0x001: 'fflags',
  0x002: 'frm',
  0x003: 'fcsr',
  0x008: 'vstart',
  0x009: 'vxsat',
  0x00a: 'vxrm',
  0x00f: 'vcsr',
  0x015: 'seed',
  0x017: 'jvt',
  0xc20: 'vl',
  0xc21: 'vtype',
  0xc22: 'vlenb',
  0x100: 'sstatus',
  0x104: 'sie',
  0x105: 'stvec',
  0x106: 'scounteren',
  0x10a: 'senvcfg',
  0x140: 'sscratch',
  0x141: 'sepc',
  0x142: 'scause',
  0x143: 'stval',
  0x144: 'sip',
  0x180: 'satp',
  0x302: 'medeleg',
  0x303: 'mideleg',
  0x30a: 'menvcfg',
  0x320: 'mcountinhibit',
  0x7a0: 'tselect',
  0x7a1: 'tdata1',
  0x7a2: 'tdata2',
  0x7b0: 'dcsr',
  0x7b1: 'dpc',
  0xf15: 'mconfigptr',
};

/** The name of CSR `number` by the specification, or undefined. */
export function csrNameOf(number: number): string | undefined {
  const known = CSR_NAMES[number];
  if (known !== undefined) return known;
  if (number >= 0x3a0 && number <= 0x3af) return `pmpcfg${number - 0x3a0}`;
  if (number >= 0x3b0 && number <= 0x3ef) return `pmpaddr${number - 0x3b0}`;
  if (number >= 0xb03 && number <= 0xb1f) return `mhpmcounter${number - 0xb00}`;
  if (number >= 0xc03 && number <= 0xc1f) return `hpmcounter${number - 0xc00}`;
  if (number >= 0x323 && number <= 0x33f) return `mhpmevent${number - 0x320}`;
  return undefined;
}

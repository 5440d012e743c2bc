/** The ELF64 numbers the parser and loader read (System V gABI and the RISC-V psABI). */

export const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const; // "\x7fELF"

export const EI_CLASS = 4;
export const EI_DATA = 5;
export const EI_VERSION = 6;
export const EI_OSABI = 7;

export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;
export const EV_CURRENT = 1;
export const ELFOSABI_SYSV = 0;
export const ELFOSABI_LINUX = 3;

export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

export const EM_RISCV = 243;

/** e_flags bits of a RISC-V ELF. */
export const EF_RISCV_RVC = 0x1;
export const EF_RISCV_FLOAT_ABI_MASK = 0x6;
export const EF_RISCV_FLOAT_ABI_SOFT = 0x0;
export const EF_RISCV_RVE = 0x8;

export const ELF64_HEADER_SIZE = 64;
export const ELF64_PHDR_SIZE = 56;
/** e_phnum value meaning "the real count is in section 0" (more than 65534 headers). */
export const PN_XNUM = 0xffff;

export const PT_NULL = 0;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PT_PHDR = 6;
export const PT_TLS = 7;
export const PT_GNU_STACK = 0x6474e551;

/** p_flags bits. Note the order differs from PERM_*: ELF has X = 1, W = 2, R = 4. */
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

const MACHINE_NAMES: Record<number, string> = {
  3: 'x86 (EM_386)',
  8: 'MIPS (EM_MIPS)',
  20: 'PowerPC (EM_PPC)',
  21: 'PowerPC64 (EM_PPC64)',
  40: 'ARM (EM_ARM)',
  62: 'x86-64 (EM_X86_64)',
  183: 'AArch64 (EM_AARCH64)',
  243: 'RISC-V (EM_RISCV)',
  247: 'eBPF (EM_BPF)',
  258: 'LoongArch (EM_LOONGARCH)',
};

export function machineName(machine: number): string {
  return MACHINE_NAMES[machine] ?? `machine ${machine}`;
}

const TYPE_NAMES: Record<number, string> = {
  0: 'no file type (ET_NONE)',
  [ET_REL]: 'relocatable object (ET_REL)',
  [ET_EXEC]: 'executable (ET_EXEC)',
  [ET_DYN]: 'shared object or position-independent executable (ET_DYN)',
  [ET_CORE]: 'core dump (ET_CORE)',
};

export function elfTypeName(type: number): string {
  return TYPE_NAMES[type] ?? `type ${type}`;
}

/**
 * Writes ELF64 files for the loader tests: `writeElf` writes exactly the fields it is
 * given (so a test can break any one of them), `staticExecutable` lays out a typical
 * static executable the way GNU ld does (headers and code in an R-X segment at offset 0,
 * data and bss in an RW- segment on the next page).
 */

export const EM_RISCV = 243;
export const EM_X86_64 = 62;
export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const PT_LOAD = 1;
export const PT_INTERP = 3;
export const PT_PHDR = 6;
export const PT_TLS = 7;
export const PT_GNU_STACK = 0x6474e551;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;
export const EHDR_SIZE = 64;
export const PHDR_SIZE = 56;

export interface ProgramHeaderFields {
  readonly type: number;
  readonly flags: number;
  readonly offset: bigint | number;
  readonly vaddr: bigint | number;
  readonly paddr?: bigint | number;
  readonly filesz: bigint | number;
  readonly memsz: bigint | number;
  readonly align: bigint | number;
}

export interface ElfFields {
  readonly magic?: readonly number[];
  readonly elfClass?: number;
  readonly encoding?: number;
  readonly identVersion?: number;
  readonly osAbi?: number;
  readonly type?: number;
  readonly machine?: number;
  readonly version?: number;
  readonly entry: bigint | number;
  /** Defaults to right after the ELF header. */
  readonly phoff?: bigint | number;
  /** RISC-V e_flags; defaults to RVC, soft-float. */
  readonly flags?: number;
  readonly phentsize?: number;
  /** Defaults to programHeaders.length. */
  readonly phnum?: number;
  readonly programHeaders: readonly ProgramHeaderFields[];
  /** Bytes to place at file offsets (segment contents, strings). */
  readonly contents?: readonly { readonly offset: number; readonly bytes: Uint8Array }[];
  /** Total file size; defaults to the end of the last thing written. */
  readonly size?: number;
}

export function writeElf(fields: ElfFields): Uint8Array {
  const phoff = Number(fields.phoff ?? EHDR_SIZE);
  const phdrEnd = phoff + fields.programHeaders.length * PHDR_SIZE;
  const contentEnd = Math.max(0, ...(fields.contents ?? []).map((content) => content.offset + content.bytes.length));
  // A far-away e_phoff (a test of the bounds check) does not grow the file.
  const natural = Math.max(EHDR_SIZE, phdrEnd <= 1 << 24 ? phdrEnd : 0, contentEnd);
  const size = fields.size ?? natural;
  const bytes = new Uint8Array(Math.max(size, natural));
  const view = new DataView(bytes.buffer);

  bytes.set(fields.magic ?? [0x7f, 0x45, 0x4c, 0x46], 0);
  bytes[4] = fields.elfClass ?? 2;
  bytes[5] = fields.encoding ?? 1;
  bytes[6] = fields.identVersion ?? 1;
  bytes[7] = fields.osAbi ?? 0;
  view.setUint16(16, fields.type ?? ET_EXEC, true);
  view.setUint16(18, fields.machine ?? EM_RISCV, true);
  view.setUint32(20, fields.version ?? 1, true);
  view.setBigUint64(24, BigInt(fields.entry), true);
  view.setBigUint64(32, BigInt(fields.phoff ?? EHDR_SIZE), true);
  view.setBigUint64(40, 0n, true); // no section headers: the loader does not need them
  view.setUint32(48, fields.flags ?? 0x1, true);
  view.setUint16(52, EHDR_SIZE, true);
  view.setUint16(54, fields.phentsize ?? PHDR_SIZE, true);
  view.setUint16(56, fields.phnum ?? fields.programHeaders.length, true);
  view.setUint16(58, 64, true);

  fields.programHeaders.forEach((header, i) => {
    const at = phoff + i * PHDR_SIZE;
    if (at + PHDR_SIZE > bytes.length) return;
    view.setUint32(at, header.type, true);
    view.setUint32(at + 4, header.flags, true);
    view.setBigUint64(at + 8, BigInt(header.offset), true);
    view.setBigUint64(at + 16, BigInt(header.vaddr), true);
    view.setBigUint64(at + 24, BigInt(header.paddr ?? header.vaddr), true);
    view.setBigUint64(at + 32, BigInt(header.filesz), true);
    view.setBigUint64(at + 40, BigInt(header.memsz), true);
    view.setBigUint64(at + 48, BigInt(header.align), true);
  });
  for (const content of fields.contents ?? []) bytes.set(content.bytes, content.offset);
  return size < bytes.length ? bytes.slice(0, size) : bytes;
}

export interface StaticExecutableOptions {
  /** Link address of the first (text) segment. Default 0x10000; a static-pie links at 0. */
  readonly base?: number;
  readonly type?: number;
  readonly code?: Uint8Array;
  readonly data?: Uint8Array;
  readonly bssSize?: number;
  /** Emit a PT_PHDR header (static-pie linkers do). */
  readonly phdrHeader?: boolean;
  /** Emit a PT_INTERP naming this interpreter. */
  readonly interpreter?: string;
  /** PT_GNU_STACK flags; default RW (non-executable stack). */
  readonly stackFlags?: number;
  /** Emit a PT_TLS whose template starts at the data segment. */
  readonly tls?: { readonly fileSize: number; readonly memorySize: number; readonly align: number };
}

export interface StaticExecutable {
  readonly bytes: Uint8Array;
  readonly entry: number;
  readonly textStart: number;
  readonly textEnd: number;
  readonly dataStart: number;
  readonly dataFileEnd: number;
  readonly dataEnd: number;
  readonly programHeaders: number;
  readonly programHeaderCount: number;
  readonly fields: ElfFields;
}

/** `li a0, 42; li a7, 93; ecall` — exit(42) — as the default code. */
export const EXIT_42 = Uint8Array.of(0x13, 0x05, 0xa0, 0x02, 0x93, 0x08, 0xd0, 0x05, 0x73, 0x00, 0x00, 0x00);

export function staticExecutable(options: StaticExecutableOptions = {}): StaticExecutable {
  const base = options.base ?? 0x10000;
  const code = options.code ?? EXIT_42;
  const data = options.data ?? Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  const bssSize = options.bssSize ?? 0x2000;
  const interpreter = options.interpreter === undefined ? undefined : new TextEncoder().encode(options.interpreter + '\0');

  const count = (options.phdrHeader ? 1 : 0) + (interpreter ? 1 : 0) + 3 + (options.tls ? 1 : 0);
  const headersEnd = EHDR_SIZE + count * PHDR_SIZE;
  const interpOffset = headersEnd;
  const codeOffset = align(headersEnd + (interpreter?.length ?? 0), 4);
  const textFileEnd = codeOffset + code.length;
  const dataOffset = align(textFileEnd, 8);
  // GNU ld puts the data segment on a fresh page with the same in-page offset as in the file.
  const dataStart = align(base + textFileEnd, 0x1000) + (dataOffset % 0x1000);

  const headers: ProgramHeaderFields[] = [];
  if (options.phdrHeader) {
    headers.push({ type: PT_PHDR, flags: PF_R, offset: EHDR_SIZE, vaddr: base + EHDR_SIZE, filesz: count * PHDR_SIZE, memsz: count * PHDR_SIZE, align: 8 });
  }
  if (interpreter) {
    headers.push({ type: PT_INTERP, flags: PF_R, offset: interpOffset, vaddr: base + interpOffset, filesz: interpreter.length, memsz: interpreter.length, align: 1 });
  }
  headers.push(
    { type: PT_LOAD, flags: PF_R | PF_X, offset: 0, vaddr: base, filesz: textFileEnd, memsz: textFileEnd, align: 0x1000 },
    { type: PT_LOAD, flags: PF_R | PF_W, offset: dataOffset, vaddr: dataStart, filesz: data.length, memsz: data.length + bssSize, align: 0x1000 },
    { type: PT_GNU_STACK, flags: options.stackFlags ?? PF_R | PF_W, offset: 0, vaddr: 0, filesz: 0, memsz: 0, align: 16 },
  );
  if (options.tls) {
    const { fileSize, memorySize, align: tlsAlign } = options.tls;
    headers.push({ type: PT_TLS, flags: PF_R, offset: dataOffset, vaddr: dataStart, filesz: fileSize, memsz: memorySize, align: tlsAlign });
  }
  const fields: ElfFields = {
    type: options.type ?? ET_EXEC,
    entry: base + codeOffset,
    programHeaders: headers,
    contents: [
      ...(interpreter ? [{ offset: interpOffset, bytes: interpreter }] : []),
      { offset: codeOffset, bytes: code },
      { offset: dataOffset, bytes: data },
    ],
  };
  return {
    bytes: writeElf(fields),
    entry: base + codeOffset,
    textStart: base,
    textEnd: base + textFileEnd,
    dataStart,
    dataFileEnd: dataStart + data.length,
    dataEnd: dataStart + data.length + bssSize,
    programHeaders: base + EHDR_SIZE,
    programHeaderCount: count,
    fields,
  };
}

function align(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

/**
 * A program as Jolt builds it (crates/jolt-program/src/image/elf.rs, decode_elf): the ELF's
 * sections at or above RAM_START are its memory image (program headers play no part), the
 * executable ones are decoded word by word up front, and the linker script's absolute
 * symbols carry the stack and heap sizes it was linked for.
 */
import { JOLT_CSRS } from '../../arch/riscv64/csr/index.js';
import { OP_ILLEGAL, isaRegistry, type IsaConfig } from '../../arch/riscv64/isa/index.js';
import { JOLT_RAM_START } from '../../platform/jolt-layout.js';
import { BadSectionTable, type RejectedWord } from './errors.js';
import { joltCustomWordProblem } from './instructions.js';

const SHT_SYMTAB = 2;
const SHT_NOBITS = 8;
const SHF_ALLOC = 0x2;
const SHF_EXECINSTR = 0x4;
const SHN_UNDEF = 0;
const SECTION_HEADER_SIZE = 64;
const SYMBOL_SIZE = 24;

/** One ELF section Jolt loads (its address is at or above RAM_START). */
export interface JoltSection {
  readonly name: string;
  readonly address: number;
  readonly size: number;
  /** The bytes it initializes (empty for .bss: SHT_NOBITS). */
  readonly bytes: Uint8Array;
  /** SHT_PROGBITS with SHF_ALLOC and SHF_EXECINSTR: what the `object` crate calls Text, and Jolt decodes. */
  readonly text: boolean;
}

/** What Jolt takes from an ELF. */
export interface JoltProgram {
  readonly entry: number;
  readonly sections: readonly JoltSection[];
  /** Defined symbols by name (the last definition wins), values as numbers. */
  readonly symbols: ReadonlyMap<string, number>;
}

/** Reads sections and symbols from an ELF that `parseElf` has validated (headers in bounds are rechecked here). */
export function readJoltProgram(bytes: Uint8Array, entry: number): JoltProgram {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u64 = (offset: number): number => Number(view.getBigUint64(offset, true));
  const shoff = u64(40);
  const shentsize = view.getUint16(58, true);
  const shnum = view.getUint16(60, true);
  const shstrndx = view.getUint16(62, true);
  if (shoff === 0 || shnum === 0) return { entry, sections: [], symbols: new Map() };
  if (shentsize < SECTION_HEADER_SIZE || shoff + shnum * shentsize > bytes.length) {
    throw new BadSectionTable(`the section header table (${shnum} entries at offset ${shoff}) runs past the end of the file`);
  }
  interface Header {
    name: number;
    type: number;
    flags: number;
    address: number;
    offset: number;
    size: number;
    link: number;
  }
  const headers: Header[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    headers.push({
      name: view.getUint32(at, true),
      type: view.getUint32(at + 4, true),
      flags: u64(at + 8),
      address: u64(at + 16),
      offset: u64(at + 24),
      size: u64(at + 32),
      link: view.getUint32(at + 40, true),
    });
  }
  const fileBytes = (header: Header, what: string): Uint8Array => {
    if (header.type === SHT_NOBITS) return new Uint8Array(0);
    if (header.offset + header.size > bytes.length) throw new BadSectionTable(`${what} runs past the end of the file`);
    return bytes.subarray(header.offset, header.offset + header.size);
  };
  const stringAt = (table: Uint8Array, offset: number): string => {
    let end = offset;
    while (end < table.length && table[end] !== 0) end++;
    return new TextDecoder().decode(table.subarray(offset, end));
  };
  const names = shstrndx < headers.length ? fileBytes(headers[shstrndx]!, 'the section name table') : new Uint8Array(0);

  const sections: JoltSection[] = [];
  for (const header of headers) {
    if (header.address < JOLT_RAM_START) continue;
    const name = stringAt(names, header.name);
    sections.push({
      name,
      address: header.address,
      size: header.size,
      bytes: fileBytes(header, `section ${name}`),
      text: header.type !== SHT_NOBITS && (header.flags & SHF_ALLOC) !== 0 && (header.flags & SHF_EXECINSTR) !== 0 && header.type === 1,
    });
  }

  const symbols = new Map<string, number>();
  const symtab = headers.find((h) => h.type === SHT_SYMTAB);
  if (symtab && symtab.link < headers.length) {
    const table = fileBytes(symtab, 'the symbol table');
    const strings = fileBytes(headers[symtab.link]!, 'the symbol string table');
    const tableView = new DataView(table.buffer, table.byteOffset, table.byteLength);
    for (let at = 0; at + SYMBOL_SIZE <= table.length; at += SYMBOL_SIZE) {
      const shndx = tableView.getUint16(at + 6, true);
      if (shndx === SHN_UNDEF) continue;
      const name = stringAt(strings, tableView.getUint32(at, true));
      if (name !== '') symbols.set(name, Number(tableView.getBigUint64(at + 8, true)));
    }
  }
  return { entry, sections, symbols };
}

/** Reason shown for a CSR outside Jolt's six (jolt-program's ExpansionError::UnsupportedCsr). */
function csrReason(csr: number): string {
  return `Jolt rejects CSR ${hexCsr(csr)}: it maps only mstatus, mtvec, mscratch, mepc, mcause and mtval (ExpansionError::UnsupportedCsr)`;
}

const hexCsr = (csr: number): string => '0x' + csr.toString(16).padStart(3, '0');

/**
 * Every word of the executable sections that Jolt could not decode or expand when it builds
 * the program: what `isa` does not decode, what it refuses, and CSRRW/CSRRS on a CSR outside
 * Jolt's six. Walks the text as Jolt does (elf.rs decode_text_section): a halfword whose low
 * bits are not 0b11 is a compressed instruction (all-zero halfwords are skipped), else a
 * 32-bit word.
 */
export function joltRejectedWords(program: JoltProgram, isa: IsaConfig): RejectedWord[] {
  const registry = isaRegistry(isa);
  const csrrw = registry.opOf('csrrw');
  const csrrs = registry.opOf('csrrs');
  const rejected: RejectedWord[] = [];
  for (const range of textRanges(program)) {
    const bytes = range.bytes;
    let offset = 0;
    while (offset + 2 <= bytes.length) {
      const address = range.start + offset;
      const half = bytes[offset]! | (bytes[offset + 1]! << 8);
      if ((half & 3) !== 3) {
        offset += 2;
        if (half === 0) continue;
        const op = registry.decodeCompressed(half) & 0x7f;
        const reason = op === OP_ILLEGAL ? 'Jolt cannot decode this compressed instruction' : registry.instructions[op]!.refusal;
        if (reason !== undefined) {
          rejected.push({ address, word: half, length: 2, ...(op === OP_ILLEGAL ? {} : { mnemonic: registry.instructions[op]!.def.mnemonic }), reason });
        }
        continue;
      }
      if (offset + 4 > bytes.length) {
        rejected.push({ address, word: half, length: 2, reason: 'a truncated 32-bit instruction at the end of the text' });
        break;
      }
      const word = (half | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
      offset += 4;
      const op = registry.decode(word) & 0x7f;
      if (op === OP_ILLEGAL) {
        rejected.push({ address, word, length: 4, reason: 'Jolt cannot decode it (no instruction Jolt knows has this encoding)' });
        continue;
      }
      const entry = registry.instructions[op]!;
      const custom = joltCustomWordProblem(word);
      if (custom !== undefined) {
        rejected.push({ address, word, length: 4, mnemonic: entry.def.mnemonic, reason: custom });
      } else if (entry.refusal !== undefined) {
        rejected.push({ address, word, length: 4, mnemonic: entry.def.mnemonic, reason: entry.refusal });
      } else if ((op === csrrw || op === csrrs) && !JOLT_CSRS.includes(word >>> 20)) {
        rejected.push({ address, word, length: 4, mnemonic: entry.def.mnemonic, reason: csrReason(word >>> 20) });
      }
    }
  }
  return rejected;
}

/** The executable sections' bytes as merged address ranges (Jolt merges overlapping text ranges). */
function textRanges(program: JoltProgram): { start: number; bytes: Uint8Array }[] {
  const texts = program.sections.filter((s) => s.text && s.size > 0).sort((a, b) => a.address - b.address);
  const merged: { start: number; end: number; parts: JoltSection[] }[] = [];
  for (const section of texts) {
    const last = merged[merged.length - 1];
    if (last && section.address <= last.end) {
      last.end = Math.max(last.end, section.address + section.size);
      last.parts.push(section);
    } else {
      merged.push({ start: section.address, end: section.address + section.size, parts: [section] });
    }
  }
  return merged.map((range) => {
    const bytes = new Uint8Array(range.end - range.start);
    for (const part of range.parts) bytes.set(part.bytes.subarray(0, part.size), part.address - range.start);
    return { start: range.start, bytes };
  });
}

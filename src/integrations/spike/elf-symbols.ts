import { hex } from '../../errors.js';
import { BadSymbolTable } from './errors.js';

const SHDR_SIZE = 64;
const SYM_SIZE = 24;
const SHT_NOBITS = 8;

/**
 * The ELF symbol table as Spike's loader reads it (fesvr/elfloader.cc): the sections named
 * `.symtab` and `.strtab` (found by name through e_shstrndx), every symbol by name, a later
 * symbol of the same name replacing an earlier one. An executable without section headers
 * (fully stripped) has no symbols. Values are as linked (Spike adds its load offset, 0 here).
 */
export function elfSymbols(bytes: Uint8Array): Map<string, bigint> {
  const symbols = new Map<string, bigint>();
  if (bytes.length < 64) return symbols;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = view.getBigUint64(0x28, true);
  const shentsize = view.getUint16(0x3a, true);
  const shnum = view.getUint16(0x3c, true);
  const shstrndx = view.getUint16(0x3e, true);
  if (shoff === 0n || shnum === 0) return symbols;
  if (shentsize !== SHDR_SIZE) throw new BadSymbolTable(`section header entries are ${shentsize} bytes, not ${SHDR_SIZE}`);
  const tableEnd = shoff + BigInt(shnum * SHDR_SIZE);
  if (tableEnd > BigInt(bytes.length)) {
    throw new BadSymbolTable(`the section header table [${hex(shoff)}, ${hex(tableEnd)}) runs past the end of the file (${bytes.length} bytes)`);
  }
  const sections = Array.from({ length: shnum }, (_, i) => {
    const at = Number(shoff) + i * SHDR_SIZE;
    return {
      name: view.getUint32(at, true),
      type: view.getUint32(at + 4, true),
      offset: view.getBigUint64(at + 24, true),
      size: view.getBigUint64(at + 32, true),
    };
  });
  const contents = (index: number, what: string): Uint8Array => {
    const section = sections[index];
    if (!section) throw new BadSymbolTable(`${what} is section ${index}, but there are ${shnum}`);
    const end = section.offset + section.size;
    if (end > BigInt(bytes.length)) throw new BadSymbolTable(`${what} [${hex(section.offset)}, ${hex(end)}) runs past the end of the file`);
    return bytes.subarray(Number(section.offset), Number(end));
  };
  const shstrtab = contents(shstrndx, 'the section name table');
  const nameOf = (table: Uint8Array, offset: number): string => {
    if (offset >= table.length) throw new BadSymbolTable(`a name at offset ${offset} lies outside its string table (${table.length} bytes)`);
    const end = table.indexOf(0, offset);
    return new TextDecoder().decode(table.subarray(offset, end < 0 ? table.length : end));
  };
  let symtab = -1;
  let strtab = -1;
  sections.forEach((section, index) => {
    if (section.type === SHT_NOBITS) return;
    const name = nameOf(shstrtab, section.name);
    if (name === '.symtab') symtab = index;
    else if (name === '.strtab') strtab = index;
  });
  if (symtab < 0 || strtab < 0) return symbols;
  const table = contents(symtab, '.symtab');
  const names = contents(strtab, '.strtab');
  const entries = new DataView(table.buffer, table.byteOffset, table.byteLength);
  for (let at = 0; at + SYM_SIZE <= table.length; at += SYM_SIZE) {
    const name = nameOf(names, entries.getUint32(at, true));
    if (name !== '') symbols.set(name, entries.getBigUint64(at + 8, true));
  }
  return symbols;
}

/**
 * The functions of an executable, from its ELF symbol table (`.symtab`, else `.dynsym`):
 * what instruction traces, profiles and disassembly name addresses by. An executable without
 * a symbol table (stripped) has no functions; a malformed table is a SymbolTableError,
 * never a crash.
 */
import { EXIT_CODES, ZeroOSError } from '../errors.js';

/** A symbol table that cannot be read (a bad executable: exit 65). */
export class SymbolTableError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.badElf;
  constructor(detail: string) {
    super(`the executable's symbol table is malformed: ${detail}`);
  }
}

export interface FunctionSymbol {
  readonly name: string;
  /** First address, and size in bytes (0 when the table does not say). */
  readonly start: number;
  readonly size: number;
}

const SHDR_SIZE = 64;
const SYM_SIZE = 24;
const SHT_SYMTAB = 2;
const SHT_DYNSYM = 11;
const STT_FUNC = 2;
const STT_NOTYPE = 0;
const SHN_UNDEF = 0;

/** The function symbols of an ELF executable, sorted by address (see `FunctionTable`). */
export class FunctionTable {
  /** Sorted by start; at one address, the first name the table gave. */
  readonly functions: readonly FunctionSymbol[];
  private readonly starts: Float64Array;

  constructor(functions: readonly FunctionSymbol[]) {
    const sorted = [...functions].sort((a, b) => a.start - b.start || b.size - a.size);
    const unique: FunctionSymbol[] = [];
    for (const f of sorted) if (unique.length === 0 || unique[unique.length - 1]!.start !== f.start) unique.push(f);
    this.functions = unique;
    this.starts = Float64Array.from(unique, (f) => f.start);
  }

  /** Reads the function symbols of `bytes` (an ELF64 little-endian file). */
  static fromElf(bytes: Uint8Array): FunctionTable {
    return new FunctionTable(readFunctionSymbols(bytes));
  }

  /**
   * The function holding `pc`: the last one starting at or below it, if `pc` lies within its
   * size (or, for a symbol without a size, before the next function).
   */
  lookup(pc: number): FunctionSymbol | undefined {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= pc) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return undefined;
    const f = this.functions[found]!;
    if (f.size > 0) return pc < f.start + f.size ? f : undefined;
    const next = this.functions[found + 1];
    return next === undefined || pc < next.start ? f : undefined;
  }

  /** `name`, or `name+0x1c` for a pc inside it, or the hex address when no function holds it. */
  describe(pc: number): string {
    const f = this.lookup(pc);
    if (f === undefined) return `0x${pc.toString(16)}`;
    return pc === f.start ? f.name : `${f.name}+0x${(pc - f.start).toString(16)}`;
  }
}

function readFunctionSymbols(bytes: Uint8Array): FunctionSymbol[] {
  if (bytes.length < 64 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new SymbolTableError('not an ELF file');
  }
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new SymbolTableError('not a 64-bit little-endian ELF file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = Number(view.getBigUint64(0x28, true));
  const shentsize = view.getUint16(0x3a, true);
  const shnum = view.getUint16(0x3c, true);
  if (shoff === 0 || shnum === 0) return [];
  if (shentsize !== SHDR_SIZE) throw new SymbolTableError(`section header entries are ${shentsize} bytes, not ${SHDR_SIZE}`);
  if (shoff + shnum * SHDR_SIZE > bytes.length) throw new SymbolTableError('the section header table runs past the end of the file');
  const section = (i: number) => {
    const at = shoff + i * SHDR_SIZE;
    return {
      type: view.getUint32(at + 4, true),
      offset: Number(view.getBigUint64(at + 24, true)),
      size: Number(view.getBigUint64(at + 32, true)),
      link: view.getUint32(at + 40, true),
    };
  };
  const contents = (i: number, what: string): Uint8Array => {
    if (i >= shnum) throw new SymbolTableError(`${what} is section ${i}, but there are ${shnum}`);
    const s = section(i);
    if (s.offset + s.size > bytes.length) throw new SymbolTableError(`${what} runs past the end of the file`);
    return bytes.subarray(s.offset, s.offset + s.size);
  };
  let table = -1;
  for (let i = 0; i < shnum; i++) {
    const type = section(i).type;
    if (type === SHT_SYMTAB) table = i;
    else if (type === SHT_DYNSYM && table < 0) table = i;
  }
  if (table < 0) return [];
  const symbols = contents(table, 'the symbol table');
  const names = contents(section(table).link, "the symbol table's string table");
  const decoder = new TextDecoder();
  const entries = new DataView(symbols.buffer, symbols.byteOffset, symbols.byteLength);
  const out: FunctionSymbol[] = [];
  for (let at = SYM_SIZE; at + SYM_SIZE <= symbols.length; at += SYM_SIZE) {
    const info = entries.getUint8(at + 4);
    const type = info & 0xf;
    const shndx = entries.getUint16(at + 6, true);
    if ((type !== STT_FUNC && type !== STT_NOTYPE) || shndx === SHN_UNDEF) continue;
    const nameAt = entries.getUint32(at, true);
    if (nameAt >= names.length) throw new SymbolTableError(`a name at offset ${nameAt} lies outside its string table`);
    const end = names.indexOf(0, nameAt);
    const name = decoder.decode(names.subarray(nameAt, end < 0 ? names.length : end));
    // Local labels of assembly (.L*) and mapping symbols ($x) are not functions.
    if (name === '' || name.startsWith('.L') || name.startsWith('$')) continue;
    const start = Number(entries.getBigUint64(at + 8, true));
    const size = Number(entries.getBigUint64(at + 16, true));
    // An untyped symbol is a function only if it has a size (a label in code, e.g. _start).
    if (type === STT_NOTYPE && size === 0 && name !== '_start') continue;
    out.push({ name, start, size });
  }
  return out;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FunctionTable, SymbolTableError } from '../../src/elf/symbols.js';

const bin = (name: string) => readFileSync(join(__dirname, '../../guests/bin', name));

describe('FunctionTable', () => {
  it("should name the functions of a C guest and find the one holding a pc", () => {
    const table = FunctionTable.fromElf(bin('jolt/jolt_hash'));
    const block = table.functions.find((f) => f.name === '__fwritex');
    expect(block).toBeDefined();
    expect(block!.size).toBeGreaterThan(0);
    expect(table.lookup(block!.start)?.name).toBe('__fwritex');
    expect(table.lookup(block!.start + block!.size - 2)?.name).toBe('__fwritex');
    expect(table.describe(block!.start + 8)).toBe('__fwritex+0x8');
    expect(table.lookup(table.functions.find((f) => f.name === 'main')!.start)?.name).toBe('main');
    expect(table.functions.some((f) => f.name === 'main')).toBe(true);
    expect(table.lookup(0)).toBeUndefined();
  });

  it('should find no functions in a stripped executable', () => {
    expect(FunctionTable.fromElf(bin('cpubench')).functions).toEqual([]);
  });

  it('should refuse what is not an ELF file, and a symbol table past the end of the file, with SymbolTableError', () => {
    expect(() => FunctionTable.fromElf(new Uint8Array(100))).toThrow(SymbolTableError);
    const cut = bin('hello').subarray(0, 2000);
    expect(() => FunctionTable.fromElf(cut)).toThrow(SymbolTableError);
  });
});

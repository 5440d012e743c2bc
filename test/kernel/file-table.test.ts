import { describe, expect, it } from 'vitest';
import type { OpenFile } from '../../src/kernel/contracts/device.js';
import { FileTable } from '../../src/kernel/files.js';

const file = (path: string): OpenFile => ({ path, readable: true, writable: true });

describe(FileTable, () => {
  describe('.install', () => {
    it('should hand out the lowest free descriptor', () => {
      const table = new FileTable();
      expect(table.install(file('a'))).toBe(0);
      expect(table.install(file('b'))).toBe(1);
      expect(table.install(file('c'))).toBe(2);
      table.close(1);
      expect(table.install(file('d'))).toBe(1);
      expect(table.get(1)?.path).toBe('d');
    });
    it('should honour a minimum and report a full table', () => {
      const table = new FileTable(4);
      expect(table.install(file('a'), false, 2)).toBe(2);
      expect(table.install(file('b'), false, 2)).toBe(3);
      expect(table.install(file('c'), false, 2)).toBeUndefined();
    });
  });
  describe('.close', () => {
    it('should report whether the descriptor was open', () => {
      const table = new FileTable();
      table.installAt(5, file('x'), true);
      expect(table.descriptor(5)?.cloexec).toBe(true);
      expect(table.close(5)).toBe(true);
      expect(table.close(5)).toBe(false);
      expect(table.get(-1)).toBeUndefined();
    });
  });
});

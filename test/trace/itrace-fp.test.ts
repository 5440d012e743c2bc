/**
 * Instruction traces of F/D programs: byte-identical on every engine, although the js and
 * wasm tiers compile FP instructions into their blocks (an observed run uses the js tier's
 * observing blocks, which report each FP instruction as the interpreter does).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fpMnemonic } from '../../src/arch/riscv64/isa/index.js';
import { ItraceReader } from '../../src/trace/itrace/reader.js';
import { traceInMemory } from './itrace-support.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('an instruction trace of an F/D program', () => {
  for (const name of ['conf_fd_random', 'conf_fd_mem']) {
    it(`should be byte-identical on every engine (${name}: FP arithmetic, moves, loads and stores in hot loops)`, () => {
      const traces = (['interpreter', 'js', 'wasm'] as const).map((engine) => traceInMemory(name, { engine }));
      for (const t of traces) expect(t.writer.count).toBe(t.result.instructions);
      expect(sha256(traces[1]!.bytes)).toBe(sha256(traces[0]!.bytes));
      expect(sha256(traces[2]!.bytes)).toBe(sha256(traces[0]!.bytes));
      const reader = ItraceReader.fromBytes(traces[0]!.bytes);
      expect(reader.header.isa).toMatch(/^rv64imafdc/);
      // Thousands of the records are F/D instructions (32-bit ones; compressed FP loads and stores besides).
      let fp = 0;
      let all = 0;
      for (const record of reader) {
        all++;
        if (record.length === 4 && fpMnemonic(record.bits) !== undefined) fp++;
      }
      expect(all).toBe(traces[0]!.result.instructions);
      expect(fp).toBeGreaterThan(1000);
    });
  }
});

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Disassembler } from '../../src/arch/riscv64/disasm.js';
import { itraceAddon, ItraceUsageError, parseItraceRange } from '../../src/cli/addons/itrace.js';
import { ItraceReader } from '../../src/trace/itrace/reader.js';
import type { ItraceRecord } from '../../src/trace/itrace/format.js';
import { createKernel } from '../../src/zeroos.js';
import { guestPath, traceInMemory, tracedRun } from './itrace-support.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function records(bytes: Uint8Array): { records: ItraceRecord[]; reader: ItraceReader } {
  const reader = ItraceReader.fromBytes(bytes);
  return { records: [...reader], reader };
}

describe('an instruction trace of a real run', () => {
  it('should hold one record per retired instruction of hello, in order, ending in its exit_group ecall', () => {
    const run = tracedRun('hello');
    expect(run.result?.exitCode).toBe(0);
    const { records: all, reader } = records(run.file);
    expect(all.length).toBe(run.result!.instructions);
    expect(reader.trailer).toMatchObject({ stop: 'end', count: run.result!.instructions });
    expect(reader.header.executableSha256).toBe(sha256(readFileSync(guestPath('hello'))));
    expect(reader.header.firstIndex).toBe(0);
    expect(reader.header.isa).toBe('rv64imafdc_zicsr_zifencei_machine');
    expect(all.map((r) => r.index)).toEqual(all.map((_, i) => i));
    expect(all.every((r) => r.tid === 1)).toBe(true);
    // The last instruction is the ecall of exit_group (a7 = 94 just before it).
    expect(all.at(-1)!.bits).toBe(0x00000073);
    expect(all.at(-2)!.value).toBe(94n);
    expect(run.stats[0]).toMatch(new RegExp(`^itrace +${run.result!.instructions} instructions from index 0, ${run.file.length} bytes to .*run\\.itrace \\(the run ended\\)$`));
  });

  it('should follow the control flow: every record is the previous one\'s fall-through or a jump target', () => {
    const { records: all } = records(tracedRun('hello').file);
    const disassembler = new Disassembler();
    for (let i = 1; i < all.length; i++) {
      const previous = all[i - 1]!;
      if (all[i]!.pc === previous.pc + previous.length) continue;
      // Only control transfers leave the fall-through path.
      expect(disassembler.disassemble(previous.bits, previous.pc)).toMatch(/^(j|jal|jalr|jr|ret|beq|bne|blt|bge|bltu|bgeu|beqz|bnez|bltz|bgez|blez|bgtz|ecall)\b/);
    }
  });

  it('should record destination values and store addresses as the machine saw them', () => {
    const { records: all } = records(tracedRun('hello').file);
    // auipc gp, … at the entry: gp = pc + (imm << 12).
    const first = all[0]!;
    expect(first.bits & 0x7f).toBe(0x17);
    expect(first.value).toBe(BigInt(first.pc + (first.bits & 0xfffff000)));
    // Every store has an address and no value; a store's address is 8-aligned for sd.
    const disassembler = new Disassembler();
    const stores = all.filter((r) => /^s[bhwd] /.test(disassembler.disassemble(r.bits, r.pc)));
    expect(stores.length).toBeGreaterThan(10);
    for (const s of stores) {
      expect(s.address).toBeTypeOf('bigint');
      expect(s.value).toBeUndefined();
    }
    const sds = stores.filter((r) => disassembler.disassemble(r.bits, r.pc).startsWith('sd '));
    expect(sds.every((r) => r.address! % 8n === 0n)).toBe(true);
    // A jal ra links to the next instruction.
    const jal = all.find((r) => disassembler.disassemble(r.bits, r.pc).startsWith('jal ra, '))!;
    expect(jal.value).toBe(BigInt(jal.pc + jal.length));
  });

  it('should give byte-identical traces on every engine (a jolt guest whose hot loops are compiled)', () => {
    const traces = (['interpreter', 'js', 'wasm'] as const).map((engine) => traceInMemory('jolt/jolt_hash', { engine, platform: 'jolt' }));
    expect(traces[0]!.result.instructions).toBeGreaterThan(30_000);
    for (const t of traces) expect(t.writer.count).toBe(t.result.instructions);
    expect(sha256(traces[1]!.bytes)).toBe(sha256(traces[0]!.bytes));
    expect(sha256(traces[2]!.bytes)).toBe(sha256(traces[0]!.bytes));
    const { reader } = records(traces[0]!.bytes);
    expect(reader.header.isa).toBe('rv64imac_zicsr_zifencei_machine_xjolt'); // Jolt's ISA never takes F or D
  });

  it('should be the same on a threaded guest on every engine, with the thread of each instruction', () => {
    const traces = (['interpreter', 'js', 'wasm'] as const).map((engine) => traceInMemory('pthread_join', { engine }));
    expect(sha256(traces[1]!.bytes)).toBe(sha256(traces[0]!.bytes));
    expect(sha256(traces[2]!.bytes)).toBe(sha256(traces[0]!.bytes));
    const { records: all } = records(traces[0]!.bytes);
    expect(all.length).toBe(traces[0]!.result.instructions);
    const tids = new Set(all.map((r) => r.tid));
    expect(tids.size).toBeGreaterThan(10);
    // The thread changes where the kernel switched (on an ecall, the first instruction after it).
    for (let i = 1; i < all.length; i++) {
      if (all[i]!.tid !== all[i - 1]!.tid) expect(all[i - 1]!.bits).toBe(0x00000073);
    }
  });

  it('should be the same whatever the buffer size (records cross buffer boundaries)', () => {
    const big = traceInMemory('hello');
    const small = traceInMemory('hello', {}, { bufferSize: 200 });
    expect(Buffer.compare(small.bytes, big.bytes)).toBe(0);
  });
});

describe('--itrace-range and --itrace-limit', () => {
  it('should trace retired instructions A (included) to B (excluded) and say the range ended it', () => {
    const whole = records(tracedRun('hello').file).records;
    const run = tracedRun('hello', { start: 100, end: 250 });
    const { records: part, reader } = records(run.file);
    expect(reader.header.firstIndex).toBe(100);
    expect(part.length).toBe(150);
    expect(reader.trailer?.stop).toBe('range');
    expect(part[0]!.index).toBe(100);
    expect(part.at(-1)!.index).toBe(249);
    // The same instructions as the whole trace's, the first one's pc given in full.
    expect(part.map((r) => [r.pc, r.bits, r.value, r.tid])).toEqual(whole.slice(100, 250).map((r) => [r.pc, r.bits, r.value, r.tid]));
    expect(run.result?.exitCode).toBe(0);
    expect(run.stats[0]).toMatch(/150 instructions from index 100 below 250, .*\(the end of the --itrace-range was reached\)/);
  });

  it('should trace from A to the end with A: and up to B with :B', () => {
    const n = tracedRun('hello').result!.instructions;
    const tail = records(tracedRun('hello', { start: n - 10 }).file);
    expect(tail.records.length).toBe(10);
    expect(tail.reader.trailer?.stop).toBe('end');
    const head = records(tracedRun('hello', { end: 10 }).file);
    expect(head.records.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const past = records(tracedRun('hello', { start: n + 5 }).file);
    expect(past.records).toEqual([]);
    expect(past.reader.trailer).toMatchObject({ stop: 'end', count: 0 });
  });

  it('should stop tracing, not the run, at the limit and say so on stderr', () => {
    const run = tracedRun('hello', { limit: 500 });
    expect(run.result?.exitCode).toBe(0);
    expect(run.result?.stdout.length).toBeGreaterThan(0);
    const { records: part, reader } = records(run.file);
    expect(part.length).toBe(500);
    expect(reader.trailer?.stop).toBe('limit');
    expect(run.stderr).toBe('zeroos: itrace: tracing stopped after 500 instructions (--itrace-limit 500); the run goes on\n');
  });

  it('should parse A:B, A:, :B and refuse empty or malformed ranges', () => {
    expect(parseItraceRange('10:20')).toEqual({ start: 10, end: 20 });
    expect(parseItraceRange('1_000:')).toEqual({ start: 1000, end: Infinity });
    expect(parseItraceRange(':5')).toEqual({ start: 0, end: 5 });
    for (const bad of ['5', '5:5', '9:3', 'a:b', '-1:4', '1:2:3']) expect(() => parseItraceRange(bad), bad).toThrow();
  });

  it('should refuse --itrace-range or --itrace-limit without --itrace, and attach nothing without --itrace', async () => {
    const zeroos = createKernel();
    const context = { zeroos, elfPath: 'x', executable: new Uint8Array(), stderr: () => {} };
    await expect(itraceAddon.start({ itraceRange: { start: 0, end: 5 } }, context)).rejects.toThrow(ItraceUsageError);
    await expect(itraceAddon.start({ itraceLimit: 5 }, context)).rejects.toThrow('--itrace-limit needs --itrace FILE');
    expect(await itraceAddon.start({}, context)).toBeUndefined();
  });
});

describe('the itrace digest', () => {
  it('should print the trace\'s SHA-256 with --digest: the same for two runs, and the file\'s checksum', () => {
    const a = tracedRun('hello', { digest: true });
    const b = tracedRun('hello', { digest: true });
    expect(a.stderr).toMatch(/^itrace digest sha256:[0-9a-f]{64}\n$/);
    expect(b.stderr).toBe(a.stderr);
    const { reader } = records(a.file);
    expect(a.stderr).toBe(`itrace digest sha256:${reader.trailer!.sha256}\n`);
    // The checksum covers every byte before it.
    expect(reader.trailer!.sha256).toBe(sha256(a.file.subarray(0, a.file.length - 32)));
    expect(tracedRun('hello').stderr).toBe('');
  });

  it('should differ when the run differs (another seed changes AT_RANDOM and what is computed from it)', () => {
    const a = tracedRun('random', { digest: true }, { kernel: { seed: 1 } });
    const b = tracedRun('random', { digest: true }, { kernel: { seed: 2 } });
    expect(a.stderr).not.toBe(b.stderr);
  });

  it('should end a trace whose run stopped with an error, with the error stop', () => {
    const run = tracedRun('hello', {}, { kernel: { maxInstructions: 300 } });
    expect(run.error).toBeDefined();
    const { records: all, reader } = records(run.file);
    expect(reader.trailer?.stop).toBe('error');
    expect(all.length).toBe(300);
  });
});

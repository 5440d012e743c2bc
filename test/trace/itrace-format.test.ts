import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isaRegistry } from '../../src/arch/riscv64/isa/index.js';
import type { Hart } from '../../src/arch/riscv64/types.js';
import { ItraceFormatError, putVarint, putZigzag64, unzigzag64, type ItraceRecord } from '../../src/trace/itrace/format.js';
import { ItraceReader, readItrace } from '../../src/trace/itrace/reader.js';
import { ItraceWriter } from '../../src/trace/itrace/writer.js';
import { tracedRun } from './itrace-support.js';

const EXE = createHash('sha256').update('exe').digest('hex');

/** A hart of registers only: what the writer reads. */
function fakeHart() {
  const x = new Int32Array(66);
  const isa = isaRegistry();
  const hart = { isa, state: { x } } as unknown as Hart;
  const set = (r: number, v: bigint) => {
    x[2 * r] = Number(BigInt.asIntN(32, v));
    x[2 * r + 1] = Number(BigInt.asIntN(32, v >> 32n));
  };
  /** Retires `word` at `pc` (the registers as given, after it). */
  const retire = (writer: ItraceWriter, pc: number, word: number) => {
    const half = (word & 3) !== 3;
    const info = half ? isa.decodeCompressed(word) : isa.decode(word);
    writer.instruction(pc, word, info, isa.decodedImm);
  };
  return { hart, set, retire };
}

function collect(): { chunks: Uint8Array[]; bytes: () => Uint8Array; sink: { write(c: Uint8Array): void } } {
  const chunks: Uint8Array[] = [];
  return { chunks, bytes: () => Buffer.concat(chunks), sink: { write: (c) => void chunks.push(c.slice()) } };
}

describe('the v1 encoding', () => {
  it('should round-trip any signed 64-bit value through the zigzag varint', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (v) => {
        const buffer = new Uint8Array(10);
        const end = putZigzag64(buffer, 0, Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)));
        let z = 0n;
        for (let i = 0; i < end; i++) z |= BigInt(buffer[i]! & 0x7f) << BigInt(7 * i);
        expect(unzigzag64(z)).toBe(v);
        expect(end).toBeLessThanOrEqual(10);
      }),
    );
    const small = new Uint8Array(10);
    expect(putZigzag64(small, 0, -1, -1)).toBe(1);
    expect(putVarint(small, 0, 2 ** 53 - 1)).toBe(8);
  });

  it('should write and read back records of every kind: values, addresses, pc jumps, threads, 64-bit extremes', () => {
    const { hart, set, retire } = fakeHart();
    const out = collect();
    const writer = new ItraceWriter({ hart, sink: out.sink, executableSha256: EXE, start: 7, bufferSize: 128 });
    // Seven instructions before the range.
    for (let i = 0; i < 7; i++) retire(writer, 0x1000 + 4 * i, 0x00000013);
    set(10, -1n);
    retire(writer, 0x80000000, 0xfff00513); // li a0, -1
    set(11, 0x7fffffffffffffffn);
    retire(writer, 0x80000004, 0x00058593); // addi a1, a1, 0 (mv a1, a1)
    set(2, 0x3ffffff000n);
    retire(writer, 0x80000008, 0xe406); // c.sdsp ra, 8(sp): address sp + 8
    retire(writer, 0x8000000a, 0x00113423); // sd ra, 8(sp) again: same address
    set(2, 0x10n);
    retire(writer, 0x8000000e, 0xfe113c23); // sd ra, -8(sp): address 8
    writer.setThread(42);
    retire(writer, 0x3ffffffff000, 0x00000073); // ecall far away, thread 42
    retire(writer, 0x10, 0x0000006f); // j . back low
    set(10, 0n);
    retire(writer, 0x10, 0x00000513); // li a0, 0 at the same pc (a jump by 0 is no jump: fall-through would be 0x14)
    retire(writer, 0x14, 0x00000013); // nop: rd is x0, no value
    expect(writer.count).toBe(9);
    const sha = writer.close();
    const trace = ItraceReader.fromBytes(out.bytes());
    expect(trace.header).toEqual({ version: 1, executableSha256: EXE, firstIndex: 7, isa: 'rv64imafdc_zicsr_zifencei_machine' });
    const records = [...trace];
    const expected: ItraceRecord[] = [
      { index: 7, tid: 1, pc: 0x80000000, bits: 0xfff00513, length: 4, value: 0xffffffffffffffffn },
      { index: 8, tid: 1, pc: 0x80000004, bits: 0x00058593, length: 4, value: 0x7fffffffffffffffn },
      { index: 9, tid: 1, pc: 0x80000008, bits: 0xe406, length: 2, address: 0x3ffffff008n },
      { index: 10, tid: 1, pc: 0x8000000a, bits: 0x00113423, length: 4, address: 0x3ffffff008n },
      { index: 11, tid: 1, pc: 0x8000000e, bits: 0xfe113c23, length: 4, address: 0x8n },
      { index: 12, tid: 42, pc: 0x3ffffffff000, bits: 0x00000073, length: 4 },
      { index: 13, tid: 42, pc: 0x10, bits: 0x0000006f, length: 4 },
      { index: 14, tid: 42, pc: 0x10, bits: 0x00000513, length: 4, value: 0n },
      { index: 15, tid: 42, pc: 0x14, bits: 0x00000013, length: 4 },
    ];
    expect(records).toEqual(expected);
    expect(trace.trailer).toEqual({ stop: 'end', count: 9, sha256: sha });
    // Many small flushes: the buffer was 128 bytes.
    expect(out.chunks.length).toBeGreaterThan(3);
  });

  it('should read a file with readItrace, streaming, and return the trailer', () => {
    const run = tracedRun('hello');
    const dir = mkdtempSync(join(tmpdir(), 'zeroos-itrace-'));
    try {
      const path = join(dir, 't.itrace');
      writeFileSync(path, run.file);
      const it = readItrace(path);
      let n = 0;
      let step = it.next();
      while (!step.done) {
        n++;
        step = it.next();
      }
      expect(n).toBe(run.result!.instructions);
      expect(step.value).toMatchObject({ stop: 'end', count: n });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a file that is not a good trace', () => {
  // A copy (a Buffer's slice would share its bytes).
  const good = new Uint8Array(tracedRun('hello', { end: 400 }).file);
  const read = (bytes: Uint8Array) => () => ItraceReader.fromBytes(bytes, 'bad.itrace').verify();

  it('should read the good one', () => {
    expect(read(good)()).toMatchObject({ stop: 'range', count: 400 });
  });

  it('should name a file that is no trace, another version and unknown flags', () => {
    expect(read(new TextEncoder().encode('hello world, this is not a trace at all, not at all, no.'))).toThrow(/bad\.itrace is not a valid instruction trace: it does not start with the trace magic/);
    expect(read(new Uint8Array(0))).toThrow(ItraceFormatError);
    const v2 = good.slice();
    v2[8] = 2;
    expect(read(v2)).toThrow('it is version 2; this ZeroOS reads version 1');
    const flags = good.slice();
    flags[12] = 1;
    expect(read(flags)).toThrow('unknown to version 1');
  });

  it('should name every truncation as one, never crash', () => {
    for (let length = 0; length < good.length; length += length < 80 ? 1 : 97) {
      expect(read(good.subarray(0, length)), `cut at ${length}`).toThrow(ItraceFormatError);
    }
    expect(read(good.subarray(0, good.length - 40))).toThrow(/truncated/);
    expect(read(good.subarray(0, good.length - 1))).toThrow('its checksum is truncated');
  });

  it('should find a changed byte anywhere after the header, and bytes after the trailer', () => {
    for (let at = 80; at < good.length; at += 53) {
      const bad = good.slice();
      bad[at] = bad[at]! ^ 0x10;
      expect(read(bad), `flipped at ${at}`).toThrow(ItraceFormatError);
    }
    expect(read(Buffer.concat([good, new Uint8Array([0])]))).toThrow('bytes follow its trailer');
  });

  it('should yield the records before the damage (a cut file still shows what it holds)', () => {
    const reader = ItraceReader.fromBytes(good.subarray(0, 1000), 'cut.itrace');
    const seen: number[] = [];
    expect(() => {
      for (const r of reader) seen.push(r.index);
    }).toThrow(/cut\.itrace .*truncated/);
    expect(seen.length).toBeGreaterThan(100);
    expect(seen).toEqual(seen.map((_, i) => i));
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2.js';
import { blake3 } from '@noble/hashes/blake3.js';
import { keccak_256, keccakP } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import * as A from '../arch/asm.js';
import { CODE, DATA, ENGINES, engineName, machine } from '../arch/machine.js';
import { EXIT_CODES } from '../../src/errors.js';
import { JOLT_MACHINE_PROFILE } from '../../src/arch/riscv64/csr/index.js';
import { STANDARD_EXTENSIONS } from '../../src/arch/riscv64/isa/index.js';
import { CostMeter } from '../../src/arch/riscv64/observer.js';
import { StopReason } from '../../src/arch/riscv64/types.js';
import { JoltCostModel } from '../../src/integrations/jolt/cost-model.js';
import { BLAKE3_IV, JOLT_INLINES, SHA256_IV, blake2bCompress, blake3Compress, keccakF1600, noInlineMessage, sha256Compress } from '../../src/integrations/jolt/inlines/index.js';
import {
  JoltAdviceTapeExhausted,
  JoltAssertionFailed,
  JoltCycleMarkerEventError,
  JoltHostIoTooLarge,
  JoltHostServices,
  JoltInlineMisaligned,
  JoltInlineNotImplemented,
  JoltInlineNotRegistered,
  JoltPrintEventError,
  joltCustomWordProblem,
  joltExtension,
  rev8w,
  type JoltHostEvent,
} from '../../src/integrations/jolt/instructions.js';
import { expected, expectedBytes, runBareMetal } from './jolt-cost-harness.js';

// ------------------------------------------------------------------ encodings

const A0 = 10;
const A1 = 11;
const A2 = 12;
const A3 = 13;
const T0 = 5;
const T1 = 6;
const T2 = 7;
const HOST_IO = 0x0000205b; // .insn i 0x5B, 2, x0, x0, 0
const adviceLoad = (funct7: number, rd: number): number => A.rType(funct7, 0, 0, 0, rd, 0x5b);
const rev8wInsn = (rd: number, rs1: number): number => A.rType(5, 0, rs1, 0, rd, 0x5b);
const assertEq = (rs1: number, rs2: number, imm: number): number => A.bType(imm, rs2, rs1, 1, 0x5b);
const inline = (funct7: number, funct3: number, rs1: number, rs2: number, rs3 = 0, opcode = 0x0b): number => A.rType(funct7, rs2, rs1, funct3, rs3, opcode);

/** lui + addi for a value below 2^31. */
function li(rd: number, value: number): number[] {
  const hi = (value + 0x800) >> 12;
  return [A.lui(rd, hi & 0xfffff), A.addi(rd, rd, value - (hi << 12))];
}

/** A test machine with Jolt's extension, a row meter and a host collecting stdout. */
function jolt(program: readonly A.Item[], options = ENGINES[0]!) {
  let meter: CostMeter | undefined;
  const chunks: Uint8Array[] = [];
  const host = new JoltHostServices({ write: (b) => chunks.push(b), rows: () => meter!.total });
  const m = machine(program, { ...options, isa: { extensions: [...STANDARD_EXTENSIONS, joltExtension(host)] }, machineProfile: JOLT_MACHINE_PROFILE });
  const model = new JoltCostModel({ isa: m.hart.isa });
  meter = new CostMeter(model);
  m.hart.observe(meter);
  return { ...m, host, meter, stdout: () => Buffer.concat(chunks).toString('utf8') };
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// ------------------------------------------------------------------ guests

describe('jolt_cycles (cycle-tracking markers and VirtualHostIO print)', () => {
  for (const options of ENGINES) {
    describe(`on the ${engineName(options)} tier`, () => {
      const run = runBareMetal('jolt_cycles', options);

      it('should count each span from its START marker (included) to its END marker (excluded)', () => {
        expect(run.stop).toBe(StopReason.Halt);
        expect(run.host.spans.map((s) => [s.label, s.instructions, s.rows, s.virtualRows])).toEqual([
          ['span_a', 8, 28, 20],
          ['span_b', 6, 25, 19],
        ]);
        const lines = expected('jolt_cycles', 'rows').trim().split('\n');
        expect(lines).toEqual([`instructions ${run.instructions}`, `rows ${run.rows}`, 'padded 256', ...run.host.spans.map((s) => `span ${s.label} ${s.instructions} ${s.rows}`)]);
        expect([run.instructions, run.rows]).toEqual([46, 97]);
      });

      it("should print event 1 as is and event 2 with a newline to the guest's stdout", () => {
        expect(run.stdout).toBe('jolt_cycles: print, println\n');
        expect(run.stdout).toBe(expected('jolt_cycles', 'stdout'));
      });

      it('should report each span as a --stats line, and nothing left open or warned', () => {
        expect(run.host.reportLines()).toEqual([
          ['span span_a', '28 rows: 8 RV64IMAC cycles + 20 virtual instructions'],
          ['span span_b', '25 rows: 6 RV64IMAC cycles + 19 virtual instructions'],
        ]);
        expect(run.host.reportData()).toMatchObject({ openSpans: [], warnings: [], adviceBytes: 0 });
      });
    });
  }

  it('should emit span and print events as they happen', () => {
    const label = DATA + 0x100;
    const program = [
      ...li(A0, 0xc7c1e), ...li(A1, label), A.addi(A2, 0, 4), A.addi(A3, 0, 1), HOST_IO,
      A.div(T0, T1, T2), // 24 rows inside the span
      A.addi(A3, 0, 2), HOST_IO,
      A.j(0),
    ];
    const m = jolt(program);
    m.memory.poke(label, new TextEncoder().encode('loop'));
    const events: JoltHostEvent[] = [];
    m.host.events$.subscribe((e) => events.push(e));
    expect(m.hart.run(100)).toBe(StopReason.Halt);
    expect(events.map((e) => e.kind)).toEqual(['span-start', 'span-end']);
    const end = events[1] as Extract<JoltHostEvent, { kind: 'span-end' }>;
    // START row + div (24) + addi a3 = 26 rows, 3 instructions; the END marker is outside.
    expect(end.span).toEqual({ label: 'loop', pointer: label, rows: 26, instructions: 3, virtualRows: 23, startPc: CODE + 24, endPc: CODE + 36 });
  });
});

describe('jolt_inline_sha256 (the SHA-256 inline, funct3 1 from the IV and funct3 0 in place)', () => {
  for (const options of ENGINES) {
    it(`should write SHA-256("abc") twice to the output region and print it (${engineName(options)})`, () => {
      const run = runBareMetal('jolt_inline_sha256', options);
      expect([run.stop, run.termination, run.panic]).toEqual([StopReason.Halt, 1, 0]);
      const digest = createHash('sha256').update('abc').digest();
      expect(hex(run.output(64))).toBe(hex(digest) + hex(digest));
      expect(Buffer.from(run.output(64))).toEqual(expectedBytes('jolt_inline_sha256', 'output'));
      expect(run.stdout).toBe(expected('jolt_inline_sha256', 'stdout'));
    });
  }

  it('should charge each SHA-256 inline its 2260 / 2300 rows', () => {
    const run = runBareMetal('jolt_inline_sha256');
    const table = run.model.table!;
    const opInit = run.hart.isa.opOf('jolt.sha256_init')!;
    const op = run.hart.isa.opOf('jolt.sha256')!;
    expect([table.rows[opInit], table.rows[op]]).toEqual([2260, 2300]);
    expect(run.rows).toBeGreaterThan(2260 + 2300);
  });
});

describe('jolt_inline_keccak (the Keccak-f[1600] inline)', () => {
  for (const options of ENGINES) {
    it(`should leave Keccak-256("abc") and Keccak-f(0) in the output region (${engineName(options)})`, () => {
      const run = runBareMetal('jolt_inline_keccak', options);
      expect([run.stop, run.termination, run.panic]).toEqual([StopReason.Halt, 1, 0]);
      const output = run.output(232);
      expect(hex(output.subarray(0, 32))).toBe(hex(keccak_256(new TextEncoder().encode('abc'))));
      const zero = new Uint32Array(50);
      keccakP(zero);
      expect(hex(output.subarray(32))).toBe(hex(new Uint8Array(zero.buffer)));
      expect(Buffer.from(output)).toEqual(expectedBytes('jolt_inline_keccak', 'output'));
      expect(run.stdout).toBe(expected('jolt_inline_keccak', 'stdout'));
    });
  }
});

// ------------------------------------------------------------------ the inlines' semantics

describe(sha256Compress, () => {
  it('should compress as SHA-256 does, block after block (node:crypto on a two-block message)', () => {
    const message = randomBytes(70);
    const padded = new Uint8Array(128);
    padded.set(message);
    padded[70] = 0x80;
    new DataView(padded.buffer).setUint32(124, 70 * 8);
    const words = (offset: number): number[] => Array.from({ length: 16 }, (_, i) => new DataView(padded.buffer).getUint32(offset + 4 * i));
    const state = sha256Compress(sha256Compress(SHA256_IV, words(0)), words(64));
    const digest = Buffer.alloc(32);
    state.forEach((w, i) => digest.writeUInt32BE(w, 4 * i));
    expect(digest.toString('hex')).toBe(createHash('sha256').update(message).digest('hex'));
  });
});

describe(keccakF1600, () => {
  it('should permute as the reference keccak-p[1600, 24] does (@noble/hashes) on random states', () => {
    for (let n = 0; n < 8; n++) {
      const state = new Uint32Array(randomBytes(200).buffer.slice(0, 200));
      const ours = new Int32Array(state.slice().buffer);
      keccakF1600(ours);
      keccakP(state);
      expect(new Uint32Array(ours.buffer)).toEqual(state);
    }
  });
});

describe(blake2bCompress, () => {
  it('should give BLAKE2b-512 of a one-block message (@noble/hashes) from the parameter block and the final flag', () => {
    for (const length of [0, 3, 100, 128]) {
      const message = randomBytes(length);
      const block = new Uint8Array(128);
      block.set(message);
      const words = Array.from({ length: 16 }, (_, i) => new DataView(block.buffer).getBigUint64(8 * i, true));
      const state = [0x6a09e667f3bcc908n ^ 0x01010040n, 0xbb67ae8584caa73bn, 0x3c6ef372fe94f82bn, 0xa54ff53a5f1d36f1n, 0x510e527fade682d1n, 0x9b05688c2b3e6c1fn, 0x1f83d9abfb41bd6bn, 0x5be0cd19137e2179n];
      blake2bCompress(state, [...words, BigInt(length), 1n]);
      const digest = Buffer.alloc(64);
      state.forEach((w, i) => digest.writeBigUInt64LE(w, 8 * i));
      expect(digest.toString('hex')).toBe(hex(blake2b(message)));
    }
  });
});

describe(blake3Compress, () => {
  it('should give BLAKE3 of a one-block message (@noble/hashes) as the root chunk', () => {
    for (const length of [0, 5, 64]) {
      const message = randomBytes(length);
      const block = new Uint8Array(64);
      block.set(message);
      const cv = Uint32Array.from(BLAKE3_IV);
      blake3Compress(cv, new Uint32Array(block.buffer), [0, 0], length, 1 | 2 | 8);
      expect(hex(new Uint8Array(cv.buffer))).toBe(hex(blake3(message)));
    }
  });
});

describe('JOLT_INLINES', () => {
  it("should carry the rows of Jolt's inline fixture and run SHA-256, Keccak, BLAKE2b and BLAKE3", () => {
    expect(JOLT_INLINES).toHaveLength(24);
    expect(JOLT_INLINES.filter((i) => i.execute).map((i) => [i.name, i.rows])).toEqual([
      ['SHA256_INLINE', 2300],
      ['SHA256_INIT_INLINE', 2260],
      ['KECCAK256_INLINE', 3260],
      ['BLAKE2_INLINE', 1067],
      ['BLAKE3_INLINE', 648],
      ['BLAKE3_KEYED64_INLINE', 646],
    ]);
    expect(new Set(JOLT_INLINES.map((i) => `${i.funct7}/${i.funct3}`)).size).toBe(24);
  });
});

// ------------------------------------------------------------------ the 0x5B instructions

describe('VirtualHostIO', () => {
  it('should append advice writes to the tape, and the advice loads read it in order, sign-extended', () => {
    const bytes = [0x80, 0xfe, 0xff, 0x01, 0x00, 0x00, 0x80, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88];
    const program = [
      ...li(A0, 0xadbabe), A.lui(A1, 0x40), A.addi(A2, 0, bytes.length), HOST_IO,
      adviceLoad(4, 20), // AdviceLen: 15
      adviceLoad(0, 21), // LB 0x80 → -128
      adviceLoad(1, 22), // LH 0xfffe → -2
      adviceLoad(2, 23), // LW 0x80000001 → sign-extended
      adviceLoad(3, 24), // LD
      adviceLoad(4, 25), // AdviceLen: 0
      A.j(0),
    ];
    for (const options of ENGINES) {
      const m = jolt(program, options);
      m.memory.poke(DATA, new Uint8Array(bytes));
      expect(m.hart.run(100)).toBe(StopReason.Halt);
      expect([20, 21, 22, 23, 24, 25].map((r) => m.hart.getX(r))).toEqual([15n, 0xffffffffffffff80n, 0xfffffffffffffffen, 0xffffffff80000001n, 0x8877665544332211n, 0n]);
      expect(m.host.reportLines()).toContainEqual(['advice tape', '15 bytes written, 0 unread']);
      // li 2 + lui, addi, host io 3 + len 1 + LB, LH, LW 3 each + LD 1 + len 1 + j . 1
      expect(m.meter.total).toBe(2 + 3 + 1 + 9 + 1 + 1 + 1);
    }
  });

  it('should stop an advice load past the end of the tape with JoltAdviceTapeExhausted (exit 82), pc at it', () => {
    const program = [...li(A0, 0xadbabe), A.lui(A1, 0x40), A.addi(A2, 0, 2), HOST_IO, adviceLoad(3, 20), A.j(0)];
    const m = jolt(program);
    const error = thrown(() => m.hart.run(100)) as JoltAdviceTapeExhausted;
    expect(error).toBeInstanceOf(JoltAdviceTapeExhausted);
    expect([error.exitCode, error.pc, error.wanted, error.remaining, m.hart.pc]).toEqual([EXIT_CODES.zkvmRejected, CODE + 20, 8, 2, CODE + 20]);
    expect(error.message).toMatch(/^Failed to read from advice tape/);
  });

  it('should refuse a print event other than 1 or 2 with JoltPrintEventError', () => {
    const program = [...li(A0, 0x505249), A.lui(A1, 0x40), A.addi(A2, 0, 1), A.addi(A3, 0, 3), HOST_IO];
    const error = thrown(() => jolt(program).hart.run(100)) as JoltPrintEventError;
    expect(error).toBeInstanceOf(JoltPrintEventError);
    expect([error.exitCode, error.event]).toEqual([82, 3]);
    expect(error.message).toMatch(/^Unexpected event type: 3 \(at pc 0x10014;/);
  });

  it('should refuse a cycle-marker event other than start or end', () => {
    const program = [...li(A0, 0xc7c1e), A.lui(A1, 0x40), A.addi(A2, 0, 1), A.addi(A3, 0, 0), HOST_IO];
    const error = thrown(() => jolt(program).hart.run(100));
    expect(error).toBeInstanceOf(JoltCycleMarkerEventError);
  });

  it('should warn, as Jolt does, on a label started twice and on an end never started', () => {
    const program = [
      ...li(A0, 0xc7c1e), A.lui(A1, 0x40), A.addi(A2, 0, 1), A.addi(A3, 0, 1), HOST_IO, HOST_IO, // start "x" twice at one pointer
      A.addi(A1, A1, 8), A.addi(A3, 0, 2), HOST_IO, // end at another pointer
      A.addi(A1, A1, -8), HOST_IO, // end "x"
      A.j(0),
    ];
    const m = jolt(program);
    m.memory.poke(DATA, new TextEncoder().encode('x'));
    expect(m.hart.run(100)).toBe(StopReason.Halt);
    expect(m.host.warnings).toEqual(["Marker with label 'x' is already active", 'Attempt to end a marker (ptr: 0x40008) that was never started']);
    // The second START replaced the first (keyed by the pointer): the span starts there.
    expect(m.host.spans.map((s) => [s.label, s.instructions, s.rows])).toEqual([['x', 5, 5]]);
  });

  it('should ignore an unknown call id in a0, and print with a0 truncated to 32 bits as Jolt reads it', () => {
    const program = [
      A.addi(A0, 0, 7), HOST_IO,
      ...li(A0, 0x505249), A.addi(T0, 0, 1), A.slli(T0, T0, 32), A.or(A0, A0, T0), // a0 = 0x1_00505249
      A.lui(A1, 0x40), A.addi(A2, 0, 2), A.addi(A3, 0, 2), HOST_IO,
      A.j(0),
    ];
    const m = jolt(program);
    m.memory.poke(DATA, new TextEncoder().encode('hi'));
    expect(m.hart.run(100)).toBe(StopReason.Halt);
    expect(m.stdout()).toBe('hi\n');
  });
});

describe('VirtualRev8W', () => {
  it('should reverse the bytes of each 32-bit half', () => {
    expect(rev8w(0x0102030405060708n)).toBe(0x0403020108070605n);
    const m = jolt([...li(T0, 0x11223344), A.slli(T0, T0, 8), rev8wInsn(T1, T0), A.j(0)]);
    expect(m.hart.run(100)).toBe(StopReason.Halt);
    expect(m.hart.getX(T1)).toBe(0x1100000000443322n); // from 0x00000011_22334400
  });
});

describe('VirtualAssertEQ', () => {
  it('should pass equal registers, and stop unequal ones with JoltAssertionFailed when imm = 0', () => {
    const m = jolt([A.addi(T0, 0, 5), A.addi(T1, 0, 5), assertEq(T0, T1, 0), A.addi(T1, 0, -1), assertEq(T0, T1, 0)]);
    const error = thrown(() => m.hart.run(100)) as JoltAssertionFailed;
    expect(error).toBeInstanceOf(JoltAssertionFailed);
    expect([error.exitCode, error.pc, error.left, error.right]).toEqual([82, CODE + 16, 5n, -1n]);
  });

  it("should only warn that the proof is spoiled when imm != 0 (jolt-platform's spoil_proof)", () => {
    const m = jolt([A.addi(T1, 0, 1), assertEq(0, T1, 2), A.j(0)]);
    expect(m.hart.run(100)).toBe(StopReason.Halt);
    expect(m.host.warnings).toEqual(['VirtualAssertEQ (spoil): rs1=0 != rs2=1, proof will be unsatisfiable']);
  });
});

describe(joltCustomWordProblem, () => {
  it("should give Jolt's reason for a custom or inline word its program build refuses, and nothing for the others", () => {
    expect(joltCustomWordProblem(A.rType(6, 0, 0, 0, 5, 0x5b))).toBe('Invalid funct7 for virtual R-type instruction');
    expect(joltCustomWordProblem(A.rType(0, 0, 0, 3, 5, 0x5b))).toBe('Invalid custom/virtual instruction');
    expect(joltCustomWordProblem(inline(0x7f, 3, 10, 11))).toBe('No inline registered for opcode=0x0b, funct3=0b11, funct7=0b1111111.');
    expect(joltCustomWordProblem(inline(0, 0, 10, 11, 0, 0x2b))).toBe('No inline registered for opcode=0x2b, funct3=0b0, funct7=0b0000000.');
    expect([HOST_IO, adviceLoad(5, 1), assertEq(1, 2, 0), inline(0x07, 7, 1, 2), A.add(1, 2, 3)].map(joltCustomWordProblem)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('custom encodings Jolt does not decode', () => {
  it('should be illegal instructions (opcode 0x5B, funct3 3; funct3 0 with funct7 6)', () => {
    for (const word of [A.rType(0, 0, 0, 3, 5, 0x5b), A.rType(6, 0, 0, 0, 5, 0x5b)]) {
      expect(() => jolt([word]).hart.run(10)).toThrow(/illegal instruction/);
    }
  });
});

// ------------------------------------------------------------------ inlines on the hart

describe('inline opcodes', () => {
  it("should stop a word with no registered inline with Jolt's message", () => {
    const word = inline(0x7f, 3, 10, 11);
    const error = thrown(() => jolt([word]).hart.run(10)) as JoltInlineNotRegistered;
    expect(error).toBeInstanceOf(JoltInlineNotRegistered);
    expect(noInlineMessage(word)).toBe('No inline registered for opcode=0x0b, funct3=0b11, funct7=0b1111111.');
    expect(noInlineMessage(inline(1, 0, 0, 0, 0, 0x2b))).toBe('No inline registered for opcode=0x2b, funct3=0b0, funct7=0b0000001.');
    expect(error.message.startsWith(noInlineMessage(word))).toBe(true);
    expect(error.exitCode).toBe(82);
  });

  it('should stop an inline ZeroOS does not run with JoltInlineNotImplemented naming it', () => {
    const error = thrown(() => jolt([inline(0x04, 0, 10, 11, 12)]).hart.run(10)) as JoltInlineNotImplemented;
    expect(error).toBeInstanceOf(JoltInlineNotImplemented);
    expect(error.inline.name).toBe('BIGINT256_MUL_INLINE');
    expect(error.message).toMatch(/^the Jolt inline BIGINT256_MUL_INLINE \(256x256 -> 512-bit multiplication; opcode 0xb, funct7 0x4, funct3 0\) at pc 0x10000 is not executed by ZeroOS/);
    expect(error.message).toMatch(/the inlines that run here are SHA256_INLINE, SHA256_INIT_INLINE, KECCAK256_INLINE, BLAKE2_INLINE, BLAKE3_INLINE, BLAKE3_KEYED64_INLINE$/);
    expect(error.exitCode).toBe(EXIT_CODES.unsupported);
  });

  it('should refuse a SHA-256 state pointer that is not 8-byte aligned', () => {
    const m = jolt([A.lui(A0, 0x40), A.addi(A0, A0, 4), A.lui(A1, 0x41), inline(0, 1, A0, A1)]);
    const error = thrown(() => m.hart.run(10)) as JoltInlineMisaligned;
    expect(error).toBeInstanceOf(JoltInlineMisaligned);
    expect(error.message).toMatch(/^SHA256_INIT_INLINE: state \(rs1\) pointer 0x40004 is not 8-byte aligned/);
  });

  it('should compress one block in place at rs1 with the message at rs2 (funct3 0), rows 2300', () => {
    const block = Array.from({ length: 16 }, (_, i) => (i * 0x01010101) >>> 0);
    const state = [1, 2, 3, 4, 5, 6, 7, 8];
    const m = jolt([A.lui(A0, 0x40), A.lui(A1, 0x41), inline(0, 0, A0, A1), A.j(0)]);
    m.memory.poke(DATA, new Uint8Array(new Uint32Array(state).buffer));
    m.memory.poke(DATA + 0x1000, new Uint8Array(new Uint32Array(block).buffer));
    expect(m.hart.run(10)).toBe(StopReason.Halt);
    expect(new Uint32Array(m.memory.read(DATA, 32).slice().buffer)).toEqual(sha256Compress(state, block));
    expect(m.meter.total).toBe(1 + 1 + 2300 + 1);
  });

  it('should hash left || right with the key at rd into rd (BLAKE3_KEYED64_INLINE), as blake3 keyed_hash does', () => {
    const [left, right, key] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const m = jolt([A.lui(A0, 0x40), A.addi(A1, A0, 32), A.addi(A2, A0, 64), inline(3, 1, A0, A1, A2), A.j(0)]);
    m.memory.poke(DATA, Buffer.concat([left, right, key]));
    expect(m.hart.run(10)).toBe(StopReason.Halt);
    expect(hex(m.memory.read(DATA + 64, 32))).toBe(hex(blake3(Buffer.concat([left, right]), { key })));
    expect(hex(m.memory.read(DATA, 64))).toBe(hex(Buffer.concat([left, right]))); // the inputs stay
    expect(m.meter.total).toBe(1 + 1 + 1 + 646 + 1);
  });

  it('should compress a BLAKE2b block in place (BLAKE2_INLINE), 1067 rows', () => {
    const message = randomBytes(128);
    const tail = Buffer.alloc(16);
    tail.writeBigUInt64LE(128n, 0);
    tail.writeBigUInt64LE(1n, 8);
    const state = [0x6a09e667f3bcc908n ^ 0x01010040n, 0xbb67ae8584caa73bn, 0x3c6ef372fe94f82bn, 0xa54ff53a5f1d36f1n, 0x510e527fade682d1n, 0x9b05688c2b3e6c1fn, 0x1f83d9abfb41bd6bn, 0x5be0cd19137e2179n];
    const stateBytes = Buffer.alloc(64);
    state.forEach((w, i) => stateBytes.writeBigUInt64LE(w, 8 * i));
    const m = jolt([A.lui(A0, 0x40), A.lui(A1, 0x41), inline(2, 0, A0, A1), A.j(0)]);
    m.memory.poke(DATA, stateBytes);
    m.memory.poke(DATA + 0x1000, Buffer.concat([message, tail]));
    expect(m.hart.run(10)).toBe(StopReason.Halt);
    expect(hex(m.memory.read(DATA, 64))).toBe(hex(blake2b(message)));
    expect(m.meter.total).toBe(1 + 1 + 1067 + 1);
  });
});

describe('what a guest can make the host hold through VirtualHostIO', () => {
  it('should refuse a print or label length no host buffer should be sized by, before reading', () => {
    // a2 = 0x7fff_f000: 2 GiB of I/O space that reads as zeros on Jolt, unmapped here.
    const print = [...li(A0, 0x505249), A.lui(A1, 0x40), A.lui(A2, 0x7ffff), A.addi(A3, 0, 1), HOST_IO];
    const error = thrown(() => jolt(print).hart.run(100)) as JoltHostIoTooLarge;
    expect(error).toBeInstanceOf(JoltHostIoTooLarge);
    expect([error.exitCode, error.what, error.length]).toEqual([82, 'print', 0x7ffff000]);
    const label = [...li(A0, 0xc7c1e), A.lui(A1, 0x40), A.lui(A2, 0x2), A.addi(A3, 0, 1), HOST_IO];
    expect(thrown(() => jolt(label).hart.run(100))).toBeInstanceOf(JoltHostIoTooLarge);
  });

  it('should charge advice writes to the run before keeping them, and stop when they do not fit', () => {
    const reserved: number[] = [];
    const host = new JoltHostServices({ write: () => {}, rows: () => 0, reserve: (bytes) => reserved.push(bytes) });
    host.adviceWrite(new Uint8Array(100));
    expect(reserved).toEqual([100]);
    const full = new JoltHostServices({
      write: () => {},
      rows: () => 0,
      reserve: () => {
        throw new RangeError('budget');
      },
    });
    expect(() => full.adviceWrite(new Uint8Array(8))).toThrow('budget');
    expect(full.advice.length).toBe(0);
  });

  it('should keep the first spans and warnings one by one and count the rest', () => {
    const host = new JoltHostServices({ write: () => {}, rows: () => 0 });
    const at = { rows: 0, instructions: 0, pc: 0 };
    for (let i = 0; i < 1100; i++) {
      host.spanStart(0x1000, 'loop', at);
      host.spanEnd(0x1000, at);
      host.spanEnd(0x2000, at); // never started: a warning each time
    }
    expect(host.spans).toHaveLength(1024);
    expect(host.droppedSpans).toBe(76);
    expect(host.warnings).toHaveLength(100);
    expect(host.droppedWarnings).toBe(1000);
    expect(host.reportLines()).toContainEqual(['spans', '76 more finished spans not listed (the first 1024 are)']);
    expect(host.reportLines()).toContainEqual(['jolt warning', '1000 more warnings not listed']);
  });
});

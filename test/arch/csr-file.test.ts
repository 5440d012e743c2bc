import { describe, expect, it } from 'vitest';
import {
  CSR_CYCLE,
  CSR_INSTRET,
  CSR_MCAUSE,
  CSR_MCOUNTEREN,
  CSR_MCYCLE,
  CSR_MEPC,
  CSR_MHARTID,
  CSR_MINSTRET,
  CSR_MISA,
  CSR_MSCRATCH,
  CSR_MSTATUS,
  CSR_MTVAL,
  CSR_MTVEC,
  CSR_TIME,
  CsrAccessError,
  CsrFile,
  JOLT_CSRS,
  JOLT_MACHINE_PROFILE,
  MISA_RV64IMAC,
  MachineMode,
  PRIV_M,
  PRIV_U,
  misaFor,
  type CsrRefusal,
} from '../../src/arch/riscv64/csr/index.js';

/** A machine mode whose instret and time the test drives. */
function setup(overrides: { misa?: bigint; hartId?: number } = {}) {
  const clock = { retired: 0, time: 0n };
  const mm = new MachineMode({
    instret: () => clock.retired,
    time: () => clock.time,
    misa: overrides.misa ?? MISA_RV64IMAC,
    hartId: overrides.hartId ?? 0,
  });
  return { mm, csrs: mm.csrs, clock };
}

function refusal(action: () => unknown): CsrAccessError {
  try {
    action();
  } catch (e) {
    if (e instanceof CsrAccessError) return e;
    throw e;
  }
  throw new Error('expected a CsrAccessError');
}

describe(CsrFile, () => {
  describe('.read', () => {
    it('should give the values the hart has always reported', () => {
      const { csrs } = setup({ hartId: 3 });
      expect(csrs.read(CSR_MISA)).toBe(0x8000000000101105n);
      expect(csrs.read(CSR_MHARTID)).toBe(3n);
      expect([0xf11, 0xf12, 0xf13].map((n) => csrs.read(n))).toEqual([0n, 0n, 0n]);
      expect([CSR_MTVEC, CSR_MSCRATCH, CSR_MEPC, CSR_MCAUSE, CSR_MTVAL].map((n) => csrs.read(n))).toEqual([0n, 0n, 0n, 0n, 0n]);
    });

    it('should read cycle, instret and their machine forms from instret, and time from the time source', () => {
      const { csrs, clock } = setup();
      clock.retired = 41;
      clock.time = 123456789012345n;
      expect([CSR_CYCLE, CSR_INSTRET, CSR_MCYCLE, CSR_MINSTRET].map((n) => csrs.read(n))).toEqual([41n, 41n, 41n, 41n]);
      expect(csrs.read(CSR_TIME)).toBe(123456789012345n);
    });

    it.each([
      ['an unknown CSR', 0x7c0],
      ['cycleh (RV32 only)', 0xc80],
      ['instreth (RV32 only)', 0xc82],
      ['timeh (RV32 only)', 0xc81],
      ['medeleg (no U-mode traps)', 0x302],
      ['satp (no S-mode)', 0x180],
    ])('should refuse %s as missing', (_what, csr) => {
      const { csrs } = setup();
      const error = refusal(() => csrs.read(csr));
      expect([error.csr, error.refusal]).toEqual([csr, 'missing']);
      expect(error.message).toBe(`CSR 0x${csr.toString(16)} does not exist`);
      expect(error.exitCode).toBe(132);
    });
  });

  describe('.write', () => {
    it('should store 64-bit values in mscratch, mcause and mtval', () => {
      const { csrs } = setup();
      csrs.write(CSR_MSCRATCH, -2n);
      csrs.write(CSR_MCAUSE, 0x8000000000000007n);
      csrs.write(CSR_MTVAL, 0x123456789abcdef0n);
      expect(csrs.read(CSR_MSCRATCH)).toBe(0xfffffffffffffffen);
      expect(csrs.read(CSR_MCAUSE)).toBe(0x8000000000000007n);
      expect(csrs.read(CSR_MTVAL)).toBe(0x123456789abcdef0n);
    });

    it('should ignore writes to misa (WARL: the ISA is fixed)', () => {
      const { csrs } = setup();
      csrs.write(CSR_MISA, 0n);
      expect(csrs.read(CSR_MISA)).toBe(MISA_RV64IMAC);
    });

    it('should keep mepc bit 0 clear (IALIGN = 16 with C)', () => {
      const { csrs } = setup();
      csrs.write(CSR_MEPC, 0x1235n);
      expect(csrs.read(CSR_MEPC)).toBe(0x1234n);
      csrs.write(CSR_MEPC, 0xffffffffffffffffn);
      expect(csrs.read(CSR_MEPC)).toBe(0xfffffffffffffffen);
    });

    it('should keep mepc bits 1..0 clear without C (IALIGN = 32)', () => {
      const { csrs } = setup({ misa: misaFor('imau') });
      csrs.write(CSR_MEPC, 0x1237n);
      expect(csrs.read(CSR_MEPC)).toBe(0x1234n);
    });

    it('should keep mtvec modes 0 and 1 and drop bit 1 of the reserved modes', () => {
      const { csrs, mm } = setup();
      csrs.write(CSR_MTVEC, 0x80001001n);
      expect(csrs.read(CSR_MTVEC)).toBe(0x80001001n);
      expect(mm.state.trapVector()).toBe(0x80001000);
      csrs.write(CSR_MTVEC, 0x80001003n);
      expect(csrs.read(CSR_MTVEC)).toBe(0x80001001n);
      csrs.write(CSR_MTVEC, 0x80001002n);
      expect(csrs.read(CSR_MTVEC)).toBe(0x80001000n);
    });

    it.each([
      ['cycle', CSR_CYCLE],
      ['time', CSR_TIME],
      ['instret', CSR_INSTRET],
      ['mhartid', CSR_MHARTID],
      ['mvendorid', 0xf11],
    ])('should refuse a write to the read-only %s', (name, csr) => {
      const { csrs } = setup();
      const error = refusal(() => csrs.write(csr, 1n));
      expect([error.refusal, error.csrName]).toEqual(['read-only', name]);
      expect(error.message).toBe(`CSR 0x${csr.toString(16).padStart(3, '0')} (${name}) is read-only`);
    });

    it('should continue counting from a value written to minstret or mcycle by the host', () => {
      const { csrs, clock } = setup();
      clock.retired = 10;
      csrs.write(CSR_MINSTRET, 1000n, 'host');
      expect(csrs.read(CSR_INSTRET)).toBe(1000n);
      clock.retired = 15;
      expect(csrs.read(CSR_MINSTRET)).toBe(1005n);
      expect(csrs.read(CSR_CYCLE)).toBe(15n); // the other counter is unaffected
      csrs.write(CSR_MCYCLE, 0n, 'host');
      clock.retired = 16;
      expect(csrs.read(CSR_CYCLE)).toBe(1n);
    });

    it('should make an instruction write replace that instruction’s increment', () => {
      const { csrs, clock } = setup();
      clock.retired = 10; // the writing instruction is the 11th
      csrs.write(CSR_MINSTRET, 0xfffffffffffffffen);
      clock.retired = 11; // the next instruction reads the written value
      expect(csrs.read(CSR_MINSTRET)).toBe(0xfffffffffffffffen);
      clock.retired = 13;
      expect(csrs.read(CSR_INSTRET)).toBe(0n); // wrapped: fffe, ffff, 0
    });
  });

  describe('.exchange', () => {
    it('should follow csrrw/csrrs/csrrc and return the old value', () => {
      const { csrs } = setup();
      expect(csrs.exchange(CSR_MSCRATCH, 'rw', 0xf0f0f0f0f0f0f0f0n, true)).toBe(0n);
      expect(csrs.exchange(CSR_MSCRATCH, 'rs', 0x0f00000000000001n, true)).toBe(0xf0f0f0f0f0f0f0f0n);
      expect(csrs.exchange(CSR_MSCRATCH, 'rc', 0xf000000000000000n, true)).toBe(0xfff0f0f0f0f0f0f1n);
      expect(csrs.read(CSR_MSCRATCH)).toBe(0x0ff0f0f0f0f0f0f1n);
    });

    it('should not write for csrrs/csrrc with rs1 = x0, so a read-only CSR may be read', () => {
      const { csrs, clock } = setup();
      clock.retired = 5;
      expect(csrs.exchange(CSR_CYCLE, 'rs', 0n, false)).toBe(5n);
      expect(csrs.exchange(CSR_MHARTID, 'rc', 0n, false)).toBe(0n);
    });

    it('should write for csrrs with a non-zero rs1 holding 0, and refuse that on a read-only CSR', () => {
      const { csrs } = setup();
      expect(refusal(() => csrs.exchange(CSR_CYCLE, 'rs', 0n, true)).refusal).toBe('read-only');
      expect(refusal(() => csrs.exchange(CSR_MHARTID, 'rs', 1n, true)).refusal).toBe('read-only');
    });

    it('should always write for csrrw (rd = x0 included)', () => {
      const { csrs } = setup();
      expect(refusal(() => csrs.exchange(CSR_TIME, 'rw', 0n, false)).refusal).toBe('read-only');
    });

    it('should leave the CSR unchanged when refused', () => {
      const { csrs } = setup();
      csrs.restrict((n) => n !== CSR_MSCRATCH, 'no scratch here');
      expect(refusal(() => csrs.exchange(CSR_MSCRATCH, 'rw', 5n, true)).refusal).toBe('restricted');
      expect(csrs.entry(CSR_MSCRATCH)!.read()).toBe(0n);
    });
  });

  describe('when the hart is in U-mode', () => {
    function inUserMode() {
      const s = setup();
      s.mm.state.privilege = PRIV_U;
      return s;
    }

    it('should refuse machine CSRs to instructions, naming the privilege needed', () => {
      const { csrs } = inUserMode();
      const error = refusal(() => csrs.exchange(CSR_MSTATUS, 'rs', 0n, false));
      expect(error.refusal).toBe('privilege');
      expect(error.message).toBe('CSR 0x300 (mstatus) is not accessible: needs M-mode, the hart is in U-mode');
      expect(refusal(() => csrs.read(CSR_MCYCLE)).refusal).toBe('privilege');
    });

    it('should still let the host read and write them', () => {
      const { csrs } = inUserMode();
      csrs.write(CSR_MSCRATCH, 9n, 'host');
      expect(csrs.read(CSR_MSCRATCH, 'host')).toBe(9n);
    });

    it('should let U-mode read a counter only while its mcounteren bit is set', () => {
      const { csrs, mm, clock } = inUserMode();
      clock.retired = 7;
      expect(csrs.read(CSR_CYCLE)).toBe(7n); // reset: CY, TM, IR enabled
      mm.state.privilege = PRIV_M;
      csrs.write(CSR_MCOUNTEREN, 0xffffffffn & ~2n);
      expect(csrs.read(CSR_MCOUNTEREN)).toBe(5n); // only CY, TM, IR exist
      mm.state.privilege = PRIV_U;
      const error = refusal(() => csrs.read(CSR_TIME));
      expect(error.message).toBe('CSR 0xc01 (time) is not accessible: not enabled for U-mode');
      expect(csrs.read(CSR_INSTRET)).toBe(7n);
      mm.state.privilege = PRIV_M;
      expect(csrs.read(CSR_TIME)).toBe(0n); // M-mode ignores mcounteren
    });
  });

  describe('.restrict', () => {
    it('should refuse everything else with the integration’s reason, keeping the allowed CSRs', () => {
      const { csrs, mm } = setup();
      mm.apply(JOLT_MACHINE_PROFILE);
      const error = refusal(() => csrs.read(CSR_MCYCLE));
      expect([error.refusal, error.csrName]).toEqual(['restricted', 'mcycle']);
      expect(error.message).toBe('CSR 0xb00 (mcycle) is not available: Jolt supports only mstatus, mtvec, mscratch, mepc, mcause, mtval');
      expect(refusal(() => csrs.read(0)).message).toBe('CSR 0x000 is not available: Jolt supports only mstatus, mtvec, mscratch, mepc, mcause, mtval');
      expect(refusal(() => csrs.write(CSR_MISA, 0n, 'host')).refusal).toBe('restricted');
      csrs.write(CSR_MTVEC, 0x1000n);
      expect(csrs.read(CSR_MTVEC)).toBe(0x1000n);
      expect(csrs.entries().map((e) => e.number)).toEqual([...JOLT_CSRS].sort((a, b) => a - b));
    });

    it('should add up restrictions, the first refusal giving the reason', () => {
      const { csrs } = setup();
      csrs.restrict((n) => n !== CSR_MSCRATCH, 'first');
      csrs.restrict([CSR_MSCRATCH, CSR_MEPC], 'second');
      expect(refusal(() => csrs.read(CSR_MSCRATCH)).detail).toBe('first');
      expect(refusal(() => csrs.read(CSR_MTVAL)).detail).toBe('second');
      expect(csrs.read(CSR_MEPC)).toBe(0n);
      expect(csrs.has(CSR_MEPC)).toBe(true);
      expect(csrs.has(CSR_MSCRATCH)).toBe(false);
    });
  });

  describe('.define', () => {
    it('should add an integration’s own CSR, available even where a restriction refused it', () => {
      const { csrs } = setup();
      csrs.restrict([], 'nothing');
      let stored = 0n;
      csrs.define({ number: 0x7c0, name: 'custom', read: () => stored, write: (v) => (stored = v) });
      expect(csrs.exchange(0x7c0, 'rw', 42n, true)).toBe(0n);
      expect(stored).toBe(42n);
      expect(csrs.read(0x7c0)).toBe(42n);
    });

    it('should replace an entry and reject numbers outside 0..0xfff', () => {
      const { csrs } = setup();
      csrs.define({ number: CSR_MHARTID, name: 'mhartid', read: () => 99n });
      expect(csrs.read(CSR_MHARTID)).toBe(99n);
      expect(() => csrs.define({ number: 0x1000, name: 'bad', read: () => 0n })).toThrow(RangeError);
    });

    it('should refuse a write to an entry without one', () => {
      const { csrs } = setup();
      csrs.define({ number: 0x7c1, name: 'probe', read: () => 1n });
      expect(refusal(() => csrs.write(0x7c1, 1n)).refusal).toBe('read-only');
    });
  });

  describe('.remove', () => {
    it('should make removed CSRs missing', () => {
      const { csrs } = setup();
      csrs.remove([CSR_MSCRATCH]);
      const kinds: CsrRefusal[] = [refusal(() => csrs.read(CSR_MSCRATCH)).refusal];
      expect(kinds).toEqual(['missing']);
      expect(csrs.has(CSR_MSCRATCH)).toBe(false);
      expect(csrs.read(CSR_MEPC)).toBe(0n);
    });
  });

  describe('when built alone', () => {
    it('should check instruction accesses against the privilege it is given', () => {
      let privilege: typeof PRIV_U | typeof PRIV_M = PRIV_M;
      const csrs = new CsrFile(() => privilege, [{ number: 0x340, name: 'mscratch', read: () => 1n }]);
      expect(csrs.read(0x340)).toBe(1n);
      privilege = PRIV_U;
      expect(refusal(() => csrs.read(0x340)).refusal).toBe('privilege');
    });
  });
});

describe(misaFor, () => {
  it('should set one bit per extension letter and MXL = 64', () => {
    expect(misaFor('imacu')).toBe(MISA_RV64IMAC);
    expect(misaFor('IMAU')).toBe(0x8000000000101101n);
    expect(() => misaFor('i2')).toThrow(RangeError);
  });
});

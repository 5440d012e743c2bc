import { describe, expect, it } from 'vitest';
import {
  CAUSE_BREAKPOINT,
  CAUSE_ECALL_M,
  CAUSE_ECALL_U,
  CAUSE_ILLEGAL_INSTRUCTION,
  CAUSE_LOAD_ADDRESS_MISALIGNED,
  CAUSE_STORE_ADDRESS_MISALIGNED,
  CSR_MCAUSE,
  CSR_MEPC,
  CSR_MSTATUS,
  CSR_MTVAL,
  CSR_MTVEC,
  JOLT_MACHINE_PROFILE,
  JOLT_TRAP_SEMANTICS,
  MISA_RV64IMAC,
  MachineMode,
  MachineState,
  MachineTraps,
  PRIVILEGED_MACHINE_PROFILE,
  PRIVILEGED_TRAP_SEMANTICS,
  PRIV_M,
  PRIV_U,
  misaFor,
  type MachineProfile,
} from '../../src/arch/riscv64/csr/index.js';

const HANDLER = 0x80001000;
const MIE = 1n << 3n;
const MPIE = 1n << 7n;
const MPP_M = 3n << 11n;
const MPRV = 1n << 17n;
const TW = 1n << 21n;
const UXL_64 = 2n << 32n;

function machine(options: { misa?: bigint; profile?: MachineProfile } = {}) {
  const mm = new MachineMode({
    instret: () => 0,
    time: () => 0n,
    misa: options.misa ?? MISA_RV64IMAC,
    ...(options.profile === undefined ? {} : { profile: options.profile }),
  });
  mm.csrs.write(CSR_MTVEC, BigInt(HANDLER));
  return { mm, csrs: mm.csrs, traps: mm.traps, state: mm.state };
}

/** mepc, mcause, mtval and mstatus as the guest's handler would read them. */
function trapCsrs(mm: MachineMode): bigint[] {
  return [CSR_MEPC, CSR_MCAUSE, CSR_MTVAL, CSR_MSTATUS].map((n) => mm.csrs.read(n, 'host'));
}

describe(MachineState, () => {
  describe('mstatus (fields model)', () => {
    it('should read UXL = 2 and nothing else after reset in M-mode', () => {
      const { csrs, state } = machine();
      expect(csrs.read(CSR_MSTATUS)).toBe(UXL_64);
      expect(state.privilege).toBe(PRIV_M);
    });

    it('should keep UXL read-only and the fields S-mode, FS, XS, SD and the endianness bits at 0', () => {
      const { csrs } = machine();
      csrs.write(CSR_MSTATUS, 0xffffffffffffffffn);
      expect(csrs.read(CSR_MSTATUS)).toBe(UXL_64 | MIE | MPIE | MPP_M | MPRV | TW);
      csrs.write(CSR_MSTATUS, 0n);
      expect(csrs.read(CSR_MSTATUS)).toBe(UXL_64);
      csrs.write(CSR_MSTATUS, 1n << 32n); // UXL = 1 (32-bit) is not accepted
      expect(csrs.read(CSR_MSTATUS)).toBe(UXL_64);
    });

    it.each([
      [0n, 0n],
      [1n, 0n],
      [2n, 0n],
      [3n, 3n],
    ])('should make MPP = %i read back %i (WARL: only M and U exist)', (written, read) => {
      const { csrs } = machine();
      csrs.write(CSR_MSTATUS, written << 11n);
      expect(csrs.read(CSR_MSTATUS)).toBe(UXL_64 | (read << 11n));
    });

    it('should hold MPP at M and UXL at 0 without U-mode', () => {
      const { csrs } = machine({ misa: misaFor('imac') });
      expect(csrs.read(CSR_MSTATUS)).toBe(MPP_M);
      csrs.write(CSR_MSTATUS, MPRV | TW | MIE);
      expect(csrs.read(CSR_MSTATUS)).toBe(MPP_M | MIE);
    });
  });

  describe('mstatus (plain model)', () => {
    it('should read back every bit written, as Jolt’s virtual register does', () => {
      const { csrs, mm } = machine();
      mm.apply(JOLT_MACHINE_PROFILE);
      expect(csrs.read(CSR_MSTATUS)).toBe(0n);
      csrs.write(CSR_MSTATUS, 0xdeadbeefcafef00dn);
      expect(csrs.read(CSR_MSTATUS)).toBe(0xdeadbeefcafef00dn);
    });

    it('should be legalised when switching back to the fields model', () => {
      const { csrs, state } = machine();
      state.mstatusModel = 'plain';
      csrs.write(CSR_MSTATUS, 0xffffffff00001088n | (2n << 11n));
      state.mstatusModel = 'fields';
      expect(csrs.read(CSR_MSTATUS)).toBe(UXL_64 | MIE | MPIE); // MPP 2 → U
    });
  });
});

describe(MachineTraps, () => {
  describe('with the privileged-spec semantics', () => {
    describe('.ecall', () => {
      it('should trap from M-mode with cause 11, saving MIE in MPIE and M in MPP', () => {
        const { mm, csrs, traps, state } = machine();
        csrs.write(CSR_MTVAL, 99n);
        csrs.write(CSR_MSTATUS, MIE);
        expect(traps.ecall(0x80000010)).toBe(HANDLER);
        expect(trapCsrs(mm)).toEqual([0x80000010n, BigInt(CAUSE_ECALL_M), 0n, UXL_64 | MPIE | MPP_M]);
        expect(state.privilege).toBe(PRIV_M);
      });

      it('should trap from U-mode with cause 8, MPP = U, and enter M-mode', () => {
        const { mm, traps, state } = machine();
        state.privilege = PRIV_U;
        expect(traps.ecall(0x10000)).toBe(HANDLER);
        expect(trapCsrs(mm)).toEqual([0x10000n, BigInt(CAUSE_ECALL_U), 0n, UXL_64]);
        expect(state.privilege).toBe(PRIV_M);
      });

      it('should go to mtvec.BASE in vectored mode (exceptions are not vectored)', () => {
        const { csrs, traps } = machine();
        csrs.write(CSR_MTVEC, BigInt(HANDLER + 0x100) | 1n);
        expect(traps.ecall(0x10000)).toBe(HANDLER + 0x100);
      });
    });

    describe('.mret', () => {
      it('should return to U-mode at mepc: MIE ← MPIE, MPIE ← 1, MPP ← U, MPRV ← 0', () => {
        const { csrs, traps, state } = machine();
        csrs.write(CSR_MSTATUS, MPIE | MPRV); // MPP = U
        csrs.write(CSR_MEPC, 0x20000n);
        expect(traps.mret()).toBe(0x20000);
        expect(state.privilege).toBe(PRIV_U);
        expect(csrs.read(CSR_MSTATUS, 'host')).toBe(UXL_64 | MIE | MPIE);
      });

      it('should stay in M-mode when MPP = M, keeping MPRV', () => {
        const { csrs, traps, state } = machine();
        csrs.write(CSR_MSTATUS, MPP_M | MPRV | MIE);
        csrs.write(CSR_MEPC, 0x20000n);
        expect(traps.mret()).toBe(0x20000);
        expect(state.privilege).toBe(PRIV_M);
        expect(csrs.read(CSR_MSTATUS)).toBe(UXL_64 | MPIE | MPRV); // MIE ← MPIE = 0
      });
    });

    describe('when a U-mode program makes a system call and the handler returns', () => {
      it('should move MIE, MPIE, MPP and the privilege through enterTrap and mret', () => {
        const { mm, csrs, traps, state } = machine();
        // The kernel enables interrupts and drops to U-mode at 0x10000.
        csrs.write(CSR_MSTATUS, MIE | MPIE);
        csrs.write(CSR_MEPC, 0x10000n);
        expect(traps.mret()).toBe(0x10000);
        expect([state.privilege, csrs.read(CSR_MSTATUS, 'host')]).toEqual([PRIV_U, UXL_64 | MIE | MPIE]);
        expect(() => csrs.read(CSR_MSTATUS)).toThrow(/needs M-mode/);
        // ecall from U: MPIE ← MIE (1), MIE ← 0, MPP ← U.
        expect(traps.ecall(0x10008)).toBe(HANDLER);
        expect(trapCsrs(mm)).toEqual([0x10008n, 8n, 0n, UXL_64 | MPIE]);
        // The handler steps over the ecall and returns.
        csrs.exchange(CSR_MEPC, 'rw', csrs.read(CSR_MEPC) + 4n, true);
        expect(traps.mret()).toBe(0x1000c);
        expect([state.privilege, csrs.read(CSR_MSTATUS, 'host')]).toEqual([PRIV_U, UXL_64 | MIE | MPIE]);
      });

      it('should nest a trap taken inside the handler (M → M keeps MPP = M)', () => {
        const { csrs, traps, state } = machine();
        state.privilege = PRIV_U;
        csrs.write(CSR_MSTATUS, MIE, 'host');
        traps.ecall(0x10000);
        traps.enterTrap(CAUSE_ILLEGAL_INSTRUCTION, 0xffffffffn, HANDLER + 8);
        expect(csrs.read(CSR_MSTATUS)).toBe(UXL_64 | MPP_M); // MPIE ← MIE = 0
        expect([csrs.read(CSR_MEPC), csrs.read(CSR_MCAUSE), csrs.read(CSR_MTVAL)]).toEqual([BigInt(HANDLER + 8), 2n, 0xffffffffn]);
      });
    });

    describe('.enterTrap', () => {
      it.each([
        ['an illegal instruction (mtval = its bits)', CAUSE_ILLEGAL_INSTRUCTION, 0x30200073n],
        ['a misaligned load (mtval = the address)', CAUSE_LOAD_ADDRESS_MISALIGNED, 0x80002003n],
        ['a misaligned store or AMO (mtval = the address)', CAUSE_STORE_ADDRESS_MISALIGNED, 0xfffffffffffffffdn],
      ])('should record %s', (_what, cause, tval) => {
        const { mm, traps } = machine();
        expect(traps.traps(cause)).toBe(true);
        expect(traps.enterTrap(cause, tval, 0x80000040)).toBe(HANDLER);
        expect(trapCsrs(mm)).toEqual([0x80000040n, BigInt(cause), tval, UXL_64 | MPP_M]);
      });
    });

    describe('.breakpoint', () => {
      it('should trap ebreak with cause 3 and mtval = pc', () => {
        const { mm, traps } = machine();
        expect(traps.ebreak).toBe('trap');
        expect(traps.breakpoint(0x80000042)).toBe(HANDLER);
        expect(trapCsrs(mm)).toEqual([0x80000042n, BigInt(CAUSE_BREAKPOINT), 0x80000042n, UXL_64 | MPP_M]);
      });
    });

    describe('.wfi', () => {
      it('should be a no-op: the next instruction, nothing changed', () => {
        const { mm, traps, state } = machine();
        state.privilege = PRIV_U;
        mm.csrs.write(CSR_MSTATUS, TW, 'host');
        const before = trapCsrs(mm);
        expect(traps.wfi(0x10000)).toBe(0x10004);
        expect(trapCsrs(mm)).toEqual(before);
        expect(state.privilege).toBe(PRIV_U);
      });
    });
  });

  describe('with the Jolt semantics', () => {
    it('should write the fixed ECALL values and jump to mtvec, leaving mscratch alone', () => {
      const { mm, csrs, traps, state } = machine({ profile: JOLT_MACHINE_PROFILE });
      csrs.write(CSR_MSTATUS, 0xffn);
      csrs.write(CSR_MTVAL, 99n);
      csrs.write(0x340, 0x1234n);
      expect(traps.ecall(0x80000010)).toBe(HANDLER);
      expect(trapCsrs(mm)).toEqual([0x80000010n, 11n, 0n, 0x1800n]);
      expect(csrs.read(0x340)).toBe(0x1234n);
      expect(state.privilege).toBe(PRIV_M);
    });

    it('should return to mepc on mret without touching mstatus', () => {
      const { csrs, traps, state } = machine({ profile: JOLT_MACHINE_PROFILE });
      traps.ecall(0x80000010);
      csrs.write(CSR_MEPC, 0x80000014n);
      expect(traps.mret()).toBe(0x80000014);
      expect(csrs.read(CSR_MSTATUS)).toBe(0x1800n);
      expect(state.privilege).toBe(PRIV_M);
    });

    it('should halt on ebreak and fault on other exceptions', () => {
      const { traps } = machine({ profile: JOLT_MACHINE_PROFILE });
      expect(traps.ebreak).toBe('halt');
      expect([CAUSE_ILLEGAL_INSTRUCTION, CAUSE_LOAD_ADDRESS_MISALIGNED, CAUSE_STORE_ADDRESS_MISALIGNED].map((c) => traps.traps(c))).toEqual([false, false, false]);
    });

    it('should be switchable on a running machine through the semantics alone', () => {
      const { mm, traps } = machine();
      traps.semantics = JOLT_TRAP_SEMANTICS;
      traps.ecall(0x10000);
      expect(mm.csrs.read(CSR_MSTATUS)).toBe(UXL_64 | MPP_M); // 0x1800 through the fields model
      traps.semantics = PRIVILEGED_TRAP_SEMANTICS;
      expect(traps.ebreak).toBe('trap');
    });
  });

  describe('with a platform’s own semantics', () => {
    it('should use a replaced ebreak outcome and keep the rest of the spec', () => {
      const { traps } = machine({
        profile: { ...PRIVILEGED_MACHINE_PROFILE, name: 'stops at ebreak', trapSemantics: { ...PRIVILEGED_TRAP_SEMANTICS, ebreak: 'host' } },
      });
      expect(traps.ebreak).toBe('host');
      expect(traps.ecall(0x10000)).toBe(HANDLER);
      expect(traps.state.mcause).toBe(11n);
    });
  });
});

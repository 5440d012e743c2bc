import { describe, expect, it } from 'vitest';
import { RV64D, RV64F, STANDARD_EXTENSIONS } from '../../src/arch/riscv64/isa/index.js';
import { SYSCALL_NUMBERS as NR } from '../../src/kernel/syscall/numbers.js';
import { TRAP_HANDLER } from '../../src/kernel/tokens.js';
import { DATA, syscallHarness, type SyscallHarness } from '../support/syscall-harness.js';

const SIGUSR1 = 10;
const SA_SIGINFO = 0x4n;
const HANDLER = 0x1000n;
const STACK_TOP = DATA + 0x8000;
/** uc_mcontext in the frame (siginfo 128 + ucontext header 176), then sc_regs (256): the FP state. */
const FP_STATE = 128 + 176 + 256;
const FD = { isa: { extensions: [...STANDARD_EXTENSIONS.filter((e) => e.name !== 'f' && e.name !== 'd'), RV64F, RV64D] } };

function setup(options = {}): SyscallHarness {
  const h = syscallHarness(options);
  const memory = h.zeroos.kernel.arch.memory;
  memory.writeU64(DATA + 0xf00, HANDLER);
  memory.writeU64(DATA + 0xf08, SA_SIGINFO);
  memory.writeU64(DATA + 0xf10, 0n);
  expect(h.syscall(NR.rt_sigaction, SIGUSR1, DATA + 0xf00, 0, 8)).toBe(0n);
  h.zeroos.kernel.arch.hart.setX(2, BigInt(STACK_TOP));
  return h;
}

/** Sets f0..f31 (f[i] = pattern(i)) and fcsr through the hart's context. */
function setFp(h: SyscallHarness, pattern: (i: number) => bigint, fcsr: number): void {
  const hart = h.zeroos.kernel.arch.hart;
  const context = hart.saveContext();
  hart.restoreContext({ ...context, f: BigUint64Array.from({ length: 32 }, (_, i) => pattern(i)), fcsr });
}

function sigreturn(h: SyscallHarness): void {
  const hart = h.zeroos.kernel.arch.hart;
  hart.setX(17, BigInt(NR.rt_sigreturn));
  h.zeroos.container.get(TRAP_HANDLER).onEcall(h.main);
}

const before = (i: number) => 0x4000_0000_0000_0000n + BigInt(i) * 0x0101_0101n;

describe('the FP state in signal frames (__riscv_d_ext_state)', () => {
  it('should save f0..f31 and fcsr into uc_mcontext after the integer registers', () => {
    const h = setup(FD);
    setFp(h, before, 0x85); // frm = rup (4), fflags = NV|NX
    h.syscall(NR.tkill, 1, SIGUSR1);
    const memory = h.zeroos.kernel.arch.memory;
    const frame = Number(h.zeroos.kernel.arch.hart.getX(2));
    for (let i = 0; i < 32; i++) expect(memory.readU64(frame + FP_STATE + i * 8), `f${i}`).toBe(before(i));
    expect(memory.readU32(frame + FP_STATE + 256)).toBe(0x85);
    // the rest of the 528-byte union (reserved word, END header) is zero
    expect([...memory.read(frame + FP_STATE + 260, 528 - 260)].every((b) => b === 0)).toBe(true);
  });

  it('should restore them on rt_sigreturn, with what the handler left in the frame', () => {
    const h = setup(FD);
    const hart = h.zeroos.kernel.arch.hart;
    const memory = h.zeroos.kernel.arch.memory;
    setFp(h, before, 0x85);
    h.syscall(NR.tkill, 1, SIGUSR1);
    const frame = Number(hart.getX(2));
    // the handler computes with the FPU (clobbering f registers and fcsr) ...
    setFp(h, () => 0xffff_ffff_7fc0_0000n, 0x1f);
    // ... and edits the saved state: f3 and fcsr (bits above 7 are not part of fcsr)
    memory.writeU64(frame + FP_STATE + 3 * 8, 0x3ff0_0000_0000_0000n);
    memory.writeU32(frame + FP_STATE + 256, 0xf41);
    sigreturn(h);
    const { f, fcsr } = hart.saveContext();
    for (let i = 0; i < 32; i++) expect(f![i], `f${i}`).toBe(i === 3 ? 0x3ff0_0000_0000_0000n : before(i));
    expect(fcsr).toBe(0x41);
    expect(hart.pc).toBe(0x1004);
  });

  it('should leave the FP area zero and the registers alone on a hart without F and D', () => {
    const h = setup();
    const hart = h.zeroos.kernel.arch.hart;
    if (hart.isa.hwcap & 0x28) return; // the default set has F/D: covered above
    h.syscall(NR.tkill, 1, SIGUSR1);
    const frame = Number(hart.getX(2));
    expect([...h.zeroos.kernel.arch.memory.read(frame + FP_STATE, 528)].every((b) => b === 0)).toBe(true);
    sigreturn(h);
    expect(hart.pc).toBe(0x1004);
  });
});

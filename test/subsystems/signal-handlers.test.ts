import { describe, expect, it } from 'vitest';
import { SYSCALL_NUMBERS as NR } from '../../src/kernel/syscall/numbers.js';
import { TRAP_HANDLER } from '../../src/kernel/tokens.js';
import { DATA, syscallHarness, type SyscallHarness } from '../support/syscall-harness.js';

const SIGUSR1 = 10;
const SA_SIGINFO = 0x4n;
const SA_ONSTACK = 0x0800_0000n;
const SA_RESETHAND = 0x8000_0000n;
const HANDLER = 0x1000n; // any executable address: the test only inspects the frame
const STACK_TOP = DATA + 0x8000;

function install(h: SyscallHarness, signal: number, flags: bigint, mask = 0n): void {
  const memory = h.zeroos.kernel.arch.memory;
  memory.writeU64(DATA + 0xf00, HANDLER);
  memory.writeU64(DATA + 0xf08, flags);
  memory.writeU64(DATA + 0xf10, mask);
  expect(h.syscall(NR.rt_sigaction, signal, DATA + 0xf00, 0, 8)).toBe(0n);
}

describe('signal delivery to a handler', () => {
  it('should push an rt_sigframe and enter the handler with (signo, &info, &uc) and ra at the trampoline', () => {
    const h = syscallHarness();
    const hart = h.zeroos.kernel.arch.hart;
    install(h, SIGUSR1, SA_SIGINFO);
    hart.setX(2, BigInt(STACK_TOP));
    hart.setX(8, 0x5555n); // s0, must come back after sigreturn
    expect(h.syscall(NR.tkill, 1, SIGUSR1)).toBe(BigInt(SIGUSR1)); // a0 = signo on handler entry
    const frame = Number(hart.getX(2));
    expect(frame % 16).toBe(0);
    expect(frame).toBeLessThan(STACK_TOP);
    expect(hart.pc).toBe(Number(HANDLER));
    expect(hart.getX(11)).toBe(BigInt(frame)); // &siginfo
    expect(hart.getX(12)).toBe(BigInt(frame + 128)); // &ucontext
    const memory = h.zeroos.kernel.arch.memory;
    expect(memory.readU32(frame)).toBe(SIGUSR1); // si_signo
    expect(memory.readU32(frame + 8) | 0).toBe(-6); // si_code SI_TKILL
    expect(memory.readU64(frame + 128 + 176)).toBe(0x1004n); // saved pc: after the ecall
    expect([...memory.read(Number(hart.getX(1)), 8)]).toEqual([0x93, 0x08, 0xb0, 0x08, 0x73, 0, 0, 0]);
    // The signal is blocked while its handler runs.
    expect(h.main.signalMask & (1n << 9n)).toBe(1n << 9n);
  });

  it('should restore registers, pc and mask on rt_sigreturn', () => {
    const h = syscallHarness();
    const hart = h.zeroos.kernel.arch.hart;
    install(h, SIGUSR1, SA_SIGINFO);
    hart.setX(2, BigInt(STACK_TOP));
    hart.setX(8, 0x5555n);
    h.syscall(NR.tkill, 1, SIGUSR1);
    hart.setX(8, 0x1111n); // the handler clobbers s0
    const trap = h.zeroos.container.get(TRAP_HANDLER);
    hart.setX(17, BigInt(NR.rt_sigreturn));
    trap.onEcall(h.main);
    expect(hart.pc).toBe(0x1004);
    expect(hart.getX(8)).toBe(0x5555n);
    expect(hart.getX(2)).toBe(BigInt(STACK_TOP));
    expect(hart.getX(10)).toBe(0n); // tkill's own result
    expect(h.main.signalMask).toBe(0n);
  });

  it('should run the handler on the alternate stack with SA_ONSTACK', () => {
    const h = syscallHarness();
    const hart = h.zeroos.kernel.arch.hart;
    const memory = h.zeroos.kernel.arch.memory;
    memory.writeU64(DATA + 0xe00, BigInt(DATA + 0x9000));
    memory.writeU32(DATA + 0xe08, 0);
    memory.writeU64(DATA + 0xe10, 0x4000n);
    expect(h.syscall(NR.sigaltstack, DATA + 0xe00, 0)).toBe(0n);
    install(h, SIGUSR1, SA_SIGINFO | SA_ONSTACK);
    hart.setX(2, BigInt(STACK_TOP));
    h.syscall(NR.tkill, 1, SIGUSR1);
    const frame = Number(hart.getX(2));
    expect(frame).toBeGreaterThanOrEqual(DATA + 0x9000);
    expect(frame).toBeLessThan(DATA + 0xd000);
  });

  it('should deliver a blocked signal when it is unblocked, and reset the handler with SA_RESETHAND', () => {
    const h = syscallHarness();
    const hart = h.zeroos.kernel.arch.hart;
    const memory = h.zeroos.kernel.arch.memory;
    install(h, SIGUSR1, SA_RESETHAND);
    hart.setX(2, BigInt(STACK_TOP));
    memory.writeU64(DATA + 0xd00, 1n << 9n);
    h.syscall(NR.rt_sigprocmask, 0, DATA + 0xd00, 0, 8); // block
    expect(h.syscall(NR.tkill, 1, SIGUSR1)).toBe(0n);
    expect(hart.pc).toBe(0x1004);
    h.syscall(NR.rt_sigprocmask, 1, DATA + 0xd00, 0, 8); // unblock → delivered now
    expect(hart.pc).toBe(Number(HANDLER));
    expect(h.syscall(NR.rt_sigaction, SIGUSR1, 0, DATA + 0xc00, 8)).toBe(0n);
    expect(memory.readU64(DATA + 0xc00)).toBe(0n); // back to SIG_DFL
  });
});

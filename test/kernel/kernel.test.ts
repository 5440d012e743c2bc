import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerModule, injectable } from 'inversify';
import { describe, expect, it } from 'vitest';
import { PERM_RX } from '../../src/arch/memory/types.js';
import type { BootContext, BootInfo, Platform } from '../../src/kernel/contracts/platform.js';
import { defineSyscall, type SyscallProvider } from '../../src/kernel/contracts/syscall.js';
import { Errno } from '../../src/kernel/errno.js';
import {
  GuestHang,
  InstructionBudgetExhausted,
  KernelPanic,
  KernelStateError,
  UnknownSyscall,
} from '../../src/kernel/errors.js';
import type { KernelEvent } from '../../src/kernel/events.js';
import { int } from '../../src/kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../src/kernel/syscall/numbers.js';
import { formatSyscallTable } from '../../src/kernel/syscall/table.js';
import { SCHEDULER, SYSCALL_PROVIDER, SYSCALL_TABLE } from '../../src/kernel/tokens.js';
import { MemoryLayout } from '../../src/platform/layout.js';
import { CooperativeScheduler } from '../../src/subsystems/scheduler/cooperative.js';
import { createKernel } from '../../src/zeroos.js';
import { DATA, syscallHarness } from '../support/syscall-harness.js';

const hello = readFileSync(join(import.meta.dirname, '..', '..', 'guests', 'bin', 'hello'));

/** A platform whose program is raw instruction words at 0x1000. */
class CodePlatform implements Platform {
  readonly name = 'code';
  readonly layout = new MemoryLayout([{ name: 'code', kind: 'image', start: 0x1000, size: 0x1000, perms: PERM_RX }]);
  constructor(
    private readonly words: number[],
    readonly haltEndsRun = false,
  ) {}
  bootstrap(context: BootContext): BootInfo {
    context.memory.map(0x1000, 0x1000, PERM_RX, 'code');
    const bytes = new Uint8Array(this.words.length * 4);
    const view = new DataView(bytes.buffer);
    this.words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
    context.memory.poke(0x1000, bytes);
    context.hart.pc = 0x1000;
    return { entry: 0x1000, stackPointer: 0, imageEnd: 0x2000, programHeaders: 0, loadedSegments: [] };
  }
}
const ADDI_A0_A0_1 = 0x00150513;
const J_SELF = 0x0000006f;
const J_BACK_4 = 0xffdff06f; // jal x0, -4

describe('Kernel', () => {
  describe('.load', () => {
    it('should refuse a second program', () => {
      const zeroos = createKernel();
      zeroos.load({ executable: hello });
      expect(() => zeroos.load({ executable: hello })).toThrow(KernelStateError);
    });
    it('should refuse to run before a program is loaded', () => {
      expect(() => createKernel().run()).toThrow(KernelStateError);
    });
  });

  describe('.runFor', () => {
    it('should stop after exactly the given number of instructions and resume', () => {
      const zeroos = createKernel({ platform: new CodePlatform([ADDI_A0_A0_1, J_BACK_4]) });
      zeroos.load({ executable: new Uint8Array(0) });
      expect(zeroos.runFor(1001)).toBe('running');
      expect(zeroos.kernel.instructions).toBe(1001);
      expect(zeroos.kernel.arch.hart.getX(10)).toBe(501n);
      expect(zeroos.runFor(9)).toBe('running');
      expect(zeroos.kernel.instructions).toBe(1010);
    });
  });

  describe('.run', () => {
    it('should throw InstructionBudgetExhausted with the pc when the budget runs out', () => {
      const zeroos = createKernel({ maxInstructions: 500, platform: new CodePlatform([ADDI_A0_A0_1, J_BACK_4]) });
      zeroos.load({ executable: new Uint8Array(0) });
      expect(() => zeroos.run()).toThrow(InstructionBudgetExhausted);
      expect(zeroos.kernel.instructions).toBe(500);
    });
    it('should report a lone thread spinning on a jump to itself as GuestHang on Linux', () => {
      const zeroos = createKernel({ platform: new CodePlatform([ADDI_A0_A0_1, J_SELF]) });
      zeroos.load({ executable: new Uint8Array(0) });
      expect(() => zeroos.run()).toThrow(GuestHang);
    });
    it('should end the run at a jump to itself on a platform where that means done', () => {
      const zeroos = createKernel({ platform: new CodePlatform([ADDI_A0_A0_1, J_SELF], true) });
      zeroos.load({ executable: new Uint8Array(0) });
      expect(zeroos.run().exitCode).toBe(0);
      expect(zeroos.kernel.instructions).toBe(2);
    });
    it('should count the hello guest\'s instructions the same way every time', () => {
      const counts = [0, 1].map(() => createKernel().load({ executable: hello }).run().instructions);
      expect(counts[0]).toBeGreaterThan(500);
      expect(counts[0]).toBe(counts[1]);
    });
  });
});

describe('SyscallTrapHandler', () => {
  describe('when no subsystem serves the syscall', () => {
    it('should fail fast naming the syscall, number, arguments, pc, thread and recent calls', () => {
      const h = syscallHarness();
      h.syscall(NR.getpid);
      let error: UnknownSyscall | undefined;
      try {
        h.syscall(NR.io_uring_setup, 1, DATA);
      } catch (e) {
        error = e as UnknownSyscall;
      }
      expect(error).toBeInstanceOf(UnknownSyscall);
      expect(error!.syscall).toBe('io_uring_setup');
      expect(error!.nr).toBe(425);
      expect(error!.args.slice(0, 2)).toEqual([1n, BigInt(DATA)]);
      expect(error!.pc).toBe(0x1000);
      expect(error!.tid).toBe(1);
      expect(error!.recent).toEqual(['getpid() = 1']);
      expect(error!.message.split('\n')[0]).toBe(
        'unsupported syscall io_uring_setup (nr 425) args (0x1, 0x10000, 0x0, 0x0, 0x0, 0x0) at pc 0x1000 in thread 1',
      );
    });
    it('should say so when the number is not a Linux syscall at all', () => {
      const h = syscallHarness();
      expect(() => h.syscall(5000)).toThrow(/nr 5000, not a Linux riscv64 syscall/);
    });
    it('should return -ENOSYS and emit syscall-unsupported under the enosys policy', () => {
      const h = syscallHarness({ unknownSyscall: 'enosys' });
      const events: KernelEvent[] = [];
      h.zeroos.events.all$.subscribe((e) => events.push(e));
      expect(h.syscall(NR.io_uring_setup, 1)).toBe(BigInt(-Errno.ENOSYS));
      expect(events.map((e) => e.kind)).toEqual(['syscall-unsupported']);
    });
  });

  describe('when tracing', () => {
    it('should emit enter and exit events with decoded arguments and the result', () => {
      const h = syscallHarness();
      const events: KernelEvent[] = [];
      h.zeroos.events.all$.subscribe((e) => events.push(e));
      h.write(DATA, 'hi');
      h.syscall(NR.write, 1, DATA, 2);
      expect(events).toMatchObject([
        { kind: 'syscall-enter', seq: 0, name: 'write', nr: 64, tid: 1, formatted: 'write(1, 0x10000, 2)' },
        { kind: 'syscall-exit', seq: 1, name: 'write', result: 2n },
      ]);
    });
  });

  describe('when a handler has a bug', () => {
    it('should stop with KernelPanic, not a raw TypeError', () => {
      @injectable()
      class Broken implements SyscallProvider {
        readonly subsystem = 'broken';
        syscalls() {
          return [
            defineSyscall({
              name: 'io_uring_enter',
              nr: NR.io_uring_enter,
              args: [int('x')],
              support: 'full',
              handler: () => {
                throw new TypeError('oops');
              },
            }),
          ];
        }
      }
      const h = syscallHarness({
        modules: [new ContainerModule(({ bind }) => void bind(SYSCALL_PROVIDER).to(Broken))],
      });
      expect(() => h.syscall(NR.io_uring_enter)).toThrow(KernelPanic);
    });
  });
});

describe('DataSyscallTable', () => {
  it('should hold every Linux riscv64 number and mark the served ones', () => {
    const table = createKernel().container.get(SYSCALL_TABLE);
    expect(table.lookup(NR.write)).toMatchObject({ name: 'write', support: 'full', subsystem: 'vfs' });
    expect(table.lookup(NR.ioctl)).toMatchObject({ support: 'partial' });
    expect(table.lookup(NR.io_uring_setup)).toMatchObject({ name: 'io_uring_setup', support: 'missing' });
    expect(table.entries().length).toBeGreaterThan(300);
  });
  it('should print as a table listing what is served', () => {
    const text = formatSyscallTable(createKernel().container.get(SYSCALL_TABLE));
    expect(text).toMatch(/^\s+64\s+write\s+full\s+vfs/m);
    expect(text).toMatch(/^\s+94\s+exit_group\s+full\s+process/m);
    expect(text).not.toMatch(/io_uring_setup/);
    expect(formatSyscallTable(createKernel().container.get(SYSCALL_TABLE), { all: true })).toMatch(/io_uring_setup\s+missing/);
  });
  it('should refuse two subsystems serving one number', () => {
    @injectable()
    class Twice implements SyscallProvider {
      readonly subsystem = 'twice';
      syscalls() {
        return [defineSyscall({ name: 'write', nr: NR.write, args: [], support: 'full', handler: () => 0 })];
      }
    }
    const twice = new ContainerModule(({ bind }) => void bind(SYSCALL_PROVIDER).to(Twice));
    expect(() => createKernel({ modules: [twice] })).toThrow(/provided by both vfs and twice/);
  });
});

describe('createKernel', () => {
  describe('when a user module rebinds a service', () => {
    it('should use the replacement', () => {
      class NamedScheduler extends CooperativeScheduler {
        override readonly name = 'mine';
      }
      const mine = new ContainerModule(({ rebind }) => void rebind(SCHEDULER).toConstantValue(new NamedScheduler()));
      const zeroos = createKernel({ modules: [mine] });
      expect(zeroos.container.get(SCHEDULER).name).toBe('mine');
      expect(zeroos.load({ executable: hello }).run().exitCode).toBe(0);
    });
  });
});

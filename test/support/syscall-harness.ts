import { PERM_RW, PERM_RWX, PERM_RX } from '../../src/arch/memory/types.js';
import type { BootContext, BootInfo, Platform } from '../../src/kernel/contracts/platform.js';
import type { Thread } from '../../src/kernel/process.js';
import { TRAP_HANDLER } from '../../src/kernel/tokens.js';
import { MemoryLayout } from '../../src/platform/layout.js';
import { createKernel, type KernelOptions, type ZeroOS } from '../../src/zeroos.js';

export const CODE = 0x1000;
export const DATA = 0x10000;
export const DATA_SIZE = 0x10000;
/** An address no platform maps. */
export const UNMAPPED = 0x7000_0000;
/** The heap region: brk starts at its bottom. */
export const HEAP = 0x10_0000;
export const HEAP_END = 0x20_0000;
/** The mmap region. */
export const MMAP = 0x1000_0000;
export const MMAP_END = 0x2000_0000;

/**
 * A bare platform for syscall unit tests: a code page holding one `ecall` and a RW data
 * region, plus a heap and an mmap region. `syscall()` puts the number and arguments in the registers and goes through the
 * real trap path, exactly as a guest's ecall would.
 */
export class SyscallTestPlatform implements Platform {
  readonly name = 'syscall-test';
  readonly layout = new MemoryLayout([
    { name: 'code', kind: 'image', start: CODE, size: 0x1000, perms: PERM_RX },
    { name: 'data', kind: 'image', start: DATA, size: DATA_SIZE, perms: PERM_RW },
    { name: 'heap', kind: 'heap', start: HEAP, end: HEAP_END, perms: PERM_RW },
    { name: 'mmap', kind: 'mmap', start: MMAP, end: MMAP_END, perms: PERM_RWX },
  ]);

  bootstrap(context: BootContext): BootInfo {
    context.memory.map(CODE, 0x1000, PERM_RX, 'code');
    context.memory.poke(CODE, new Uint8Array([0x73, 0, 0, 0])); // ecall
    context.memory.map(DATA, DATA_SIZE, PERM_RW, 'data');
    context.hart.pc = CODE;
    return { entry: CODE, stackPointer: 0, imageEnd: HEAP, programHeaders: 0, loadedSegments: [] };
  }
}

export interface SyscallHarness {
  readonly zeroos: ZeroOS;
  /** The main thread. */
  readonly main: Thread;
  /** Makes syscall `nr` with up to six arguments; returns a0 as a signed value. */
  syscall(nr: number, ...args: (number | bigint)[]): bigint;
  /** The same, made by `thread` (only its identity matters to handlers). */
  syscallAs(thread: Thread, nr: number, ...args: (number | bigint)[]): bigint;
  write(address: number, data: Uint8Array | string): void;
  read(address: number, length: number): Uint8Array;
  stdout(): string;
  stderr(): string;
}

export function syscallHarness(options: KernelOptions = {}): SyscallHarness {
  const zeroos = createKernel({ platform: new SyscallTestPlatform(), ...options });
  zeroos.load({ executable: new Uint8Array(0), argv: ['test'] });
  const { hart, memory } = zeroos.kernel.arch;
  const trap = zeroos.container.get(TRAP_HANDLER);
  const thread = [...zeroos.process.threads.values()][0]!;
  const call = (caller: Thread, nr: number, args: (number | bigint)[]) => {
    hart.pc = CODE;
    hart.setX(17, BigInt(nr));
    for (let i = 0; i < 6; i++) hart.setX(10 + i, BigInt(args[i] ?? 0));
    trap.onEcall(caller);
    return hart.getXSigned(10);
  };
  return {
    zeroos,
    main: thread,
    syscall: (nr, ...args) => call(thread, nr, args),
    syscallAs: (caller, nr, ...args) => call(caller, nr, args),
    write(address, data) {
      memory.write(address, typeof data === 'string' ? new TextEncoder().encode(data) : data);
    },
    read: (address, length) => memory.read(address, length),
    stdout: () => new TextDecoder().decode(zeroos.console.stdout),
    stderr: () => new TextDecoder().decode(zeroos.console.stderr),
  };
}

/** Writes iovecs (base, len pairs) at `address`. */
export function iovecs(h: SyscallHarness, address: number, vecs: [number | bigint, number | bigint][]): void {
  const bytes = new Uint8Array(vecs.length * 16);
  const view = new DataView(bytes.buffer);
  vecs.forEach(([base, len], i) => {
    view.setBigUint64(i * 16, BigInt.asUintN(64, BigInt(base)), true);
    view.setBigUint64(i * 16 + 8, BigInt.asUintN(64, BigInt(len)), true);
  });
  h.write(address, bytes);
}

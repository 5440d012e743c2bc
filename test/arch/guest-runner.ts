/**
 * A deliberately minimal way to run the committed static musl guests on a bare hart, for
 * the arch tests and benchmarks: loads PT_LOAD segments, builds an initial stack (argv,
 * an empty environment, AT_PAGESZ and AT_RANDOM), and serves the handful of system calls
 * those guests make (set_tid_address, ioctl, write, writev, exit, exit_group). It is not
 * the kernel: anything else returns -ENOSYS.
 */
import { readFileSync } from 'node:fs';
import { PagedMemory } from '../../src/arch/memory/paged-memory.js';
import { PERM_R, PERM_RW, PERM_W, PERM_X } from '../../src/arch/memory/types.js';
import { RiscvHart, type RiscvHartOptions } from '../../src/arch/riscv64/hart.js';
import { StopReason } from '../../src/arch/riscv64/types.js';

const STACK_TOP = 0x7ff00000;
const STACK_SIZE = 256 * 1024;

export interface GuestRun {
  stdout: string;
  stderr: string;
  exitCode: number;
  instret: number;
  hart: RiscvHart;
}

export function loadGuest(path: string, argv: readonly string[], options: RiscvHartOptions = {}): RiscvHart {
  const elf = readFileSync(path);
  const view = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const entry = Number(view.getBigUint64(0x18, true));
  const phoff = Number(view.getBigUint64(0x20, true));
  const phentsize = view.getUint16(0x36, true);
  const phnum = view.getUint16(0x38, true);
  const memory = new PagedMemory();
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (view.getUint32(ph, true) !== 1) continue; // PT_LOAD
    const flags = view.getUint32(ph + 4, true);
    const offset = Number(view.getBigUint64(ph + 8, true));
    const vaddr = Number(view.getBigUint64(ph + 16, true));
    const filesz = Number(view.getBigUint64(ph + 32, true));
    const memsz = Number(view.getBigUint64(ph + 40, true));
    const perms = (flags & 4 ? PERM_R : 0) | (flags & 2 ? PERM_W : 0) | (flags & 1 ? PERM_X : 0);
    const first = Math.floor(vaddr / 4096) * 4096;
    const end = Math.ceil((vaddr + memsz) / 4096) * 4096;
    for (let page = first; page < end; page += 4096) {
      const existing = memory.mappingAt(page);
      if (existing === undefined) memory.map(page, 4096, perms, 'image');
      else memory.protect(page, 4096, existing.perms | perms);
    }
    memory.poke(vaddr, elf.subarray(offset, offset + filesz));
  }
  memory.map(STACK_TOP - STACK_SIZE, STACK_SIZE, PERM_RW, 'stack');

  // Strings at the top of the stack, then the vectors below them.
  let top = STACK_TOP;
  const push = (bytes: Uint8Array): number => {
    top -= bytes.length;
    memory.write(top, bytes);
    return top;
  };
  const random = push(Uint8Array.from({ length: 16 }, (_, i) => i * 17 + 3));
  const argvPointers = argv.map((arg) => push(new TextEncoder().encode(arg + '\0')));
  const words: bigint[] = [BigInt(argv.length), ...argvPointers.map(BigInt), 0n, 0n, 6n, 4096n, 25n, BigInt(random), 0n, 0n];
  const sp = Math.floor((top - words.length * 8) / 16) * 16;
  for (let i = 0; i < words.length; i++) memory.writeU64(sp + i * 8, words[i]!);
  const hart = new RiscvHart(memory, options);
  hart.pc = entry;
  hart.setX(2, BigInt(sp));
  return hart;
}

/** Runs a loaded guest to its exit; throws on faults, like the hart does. */
export function runGuest(hart: RiscvHart, budget = 5_000_000_000): GuestRun {
  const memory = hart.memory;
  const out: number[][] = [[], [], []];
  let exitCode = -1;
  const write = (fd: number, address: number, length: number): number => {
    const bytes = memory.read(address, length);
    if (fd === 1 || fd === 2) for (const b of bytes) out[fd]!.push(b);
    return length;
  };
  while (exitCode < 0) {
    const stop = hart.run(budget - hart.instret);
    if (stop !== StopReason.Ecall) throw new Error(`guest stopped with ${stop} at pc ${hart.pc.toString(16)}`);
    const nr = Number(hart.getX(17));
    const a0 = hart.getX(10);
    const a1 = Number(hart.getX(11));
    const a2 = Number(hart.getX(12));
    let result: bigint;
    switch (nr) {
      case 96: // set_tid_address
        result = 1n;
        break;
      case 29: // ioctl
        result = -25n; // ENOTTY
        break;
      case 64: // write
        result = BigInt(write(Number(a0), a1, a2));
        break;
      case 66: {
        // writev
        let total = 0;
        for (let i = 0; i < a2; i++) {
          const base = Number(memory.readU64(a1 + i * 16));
          const length = Number(memory.readU64(a1 + i * 16 + 8));
          total += write(Number(a0), base, length);
        }
        result = BigInt(total);
        break;
      }
      case 93:
      case 94:
        exitCode = Number(a0 & 0xffn);
        result = 0n;
        break;
      default:
        result = -38n; // ENOSYS
    }
    hart.setX(10, result);
    hart.pc += 4;
  }
  const text = (bytes: number[]): string => new TextDecoder().decode(Uint8Array.from(bytes));
  return { stdout: text(out[1]!), stderr: text(out[2]!), exitCode, instret: hart.instret, hart };
}

import { PERM_X } from '../../arch/memory/types.js';
import type { BootContext, BootInfo, Platform } from '../../kernel/contracts/platform.js';
import { loadElf } from '../elf/loader.js';
import { buildInitialStack } from '../initial-stack.js';
import type { MemoryLayout, MemoryRegion } from '../layout.js';
import { LINUX_IMAGE_START, linuxMemoryLayout, type LinuxLayoutOptions } from './layout.js';

export interface LinuxPlatformOptions extends LinuxLayoutOptions {
  /**
   * Where a static-pie executable is placed (its lowest page). Defaults to the start of the
   * image region, where non-PIE static executables link too.
   */
  readonly pieBase?: number;
}

/** The stack pointer register (x2, sp). */
const SP = 2;

/**
 * A Linux process's view of the machine: a static riscv64 ELF in a Linux-like address
 * space, started the way execve starts it (pc at the entry point, sp at argc with argv,
 * envp and the auxiliary vector above it, every other register zero).
 */
export class LinuxPlatform implements Platform {
  readonly name: string = 'linux';
  readonly layout: MemoryLayout;
  readonly #stack: MemoryRegion;
  readonly #pieBase: number;

  constructor(options: LinuxPlatformOptions = {}) {
    this.layout = linuxMemoryLayout(options);
    this.#stack = this.layout.find('stack')!;
    this.#pieBase = options.pieBase ?? LINUX_IMAGE_START;
  }

  bootstrap(context: BootContext): BootInfo {
    const { memory, hart } = context;
    // The hart's own extensions decide which float ABIs load (lp64d needs F and D) and AT_HWCAP.
    const hwcap = hart.isa.hwcap;
    const image = loadElf(context.executable, memory, this.layout, { pieBase: this.#pieBase, hwcap });

    const stack = this.#stack;
    // Linux gives the stack exec rights only when PT_GNU_STACK asks for them.
    memory.map(stack.start, stack.size, stack.perms | (image.executableStack ? PERM_X : 0), 'stack');
    const initialStack = buildInitialStack(memory, stack, {
      argv: context.argv.length > 0 ? context.argv : [context.executablePath],
      envp: context.envp,
      executablePath: context.executablePath,
      seed: context.seed,
      ...(context.random ? { random: context.random(16) } : {}),
      entry: image.entry,
      hwcap,
      programHeaders: image.programHeaders,
      programHeaderCount: image.programHeaderCount,
    });

    hart.pc = image.entry;
    hart.setX(SP, BigInt(initialStack.stackPointer));
    return {
      entry: image.entry,
      stackPointer: initialStack.stackPointer,
      imageEnd: image.imageEnd,
      programHeaders: image.programHeaders,
      loadedSegments: image.segments,
      auxv: initialStack.auxv,
    };
  }
}

import { PAGE_SIZE, PERM_RW, PERM_RWX } from '../../arch/memory/types.js';
import { hex } from '../../errors.js';
import { LayoutError, MemoryLayout, formatSize } from '../layout.js';

/*
 * The Linux riscv64 user address space ZeroOS offers (Sv39: the user half is the low 256 GiB).
 * Region perms are the most a page there may get; the ELF's p_flags, mmap and mprotect
 * choose the actual ones.
 *
 *   0x40_0000_0000 ┌─────────────────────────────────┐ LINUX_TASK_SIZE
 *                  │ stack-top-guard      (4 KiB)    │ never mapped
 *   0x3f_ffff_f000 ├─────────────────────────────────┤ LINUX_STACK_TOP
 *                  │ stack       rw-      (8 MiB)    │ grows down from argc/argv/envp/auxv;
 *   0x3f_ff7f_f000 ├─────────────────────────────────┤   mapped whole at boot (pages are lazy)
 *                  │ stack-guard          (~248 MiB) │ never mapped: a stack overflow faults
 *   0x3f_f000_0000 ├─────────────────────────────────┤ LINUX_MMAP_END
 *                  │ mmap        rwx      (~192 GiB) │ anonymous mmap, thread stacks
 *   0x10_0000_0000 ├─────────────────────────────────┤ LINUX_MMAP_START
 *                  │ heap        rw-      (63 GiB)   │ brk grows up into it ─┐
 *   0x00_4000_0000 ├─────────────────────────────────┤ LINUX_HEAP_START      │ the program break
 *                  │ image       rwx      (~1 GiB)   │ ELF segments; brk ────┘ starts at imageEnd
 *   0x00_0001_0000 ├─────────────────────────────────┤ LINUX_IMAGE_START (where static ELFs link)
 *                  │ null-guard           (64 KiB)   │ never mapped: NULL dereferences fault
 *   0x00_0000_0000 └─────────────────────────────────┘
 *
 * On Linux brk starts right after a static executable's bss, so image and heap are
 * adjacent: the program break runs from BootInfo.imageEnd (inside the image region) up to
 * the end of the heap region, one contiguous range whatever the image's size.
 */
export const LINUX_TASK_SIZE = 0x40_0000_0000;
export const LINUX_STACK_TOP = 0x3f_ffff_f000;
/** RLIMIT_STACK's usual soft limit: what a Linux main thread gets. */
export const LINUX_DEFAULT_STACK_SIZE = 8 * 1024 * 1024;
export const LINUX_MMAP_START = 0x10_0000_0000;
export const LINUX_MMAP_END = 0x3f_f000_0000;
export const LINUX_HEAP_START = 0x4000_0000;
export const LINUX_IMAGE_START = 0x1_0000;
/** Linux's stack_guard_gap: the least unmapped space kept below the stack. */
export const LINUX_STACK_GUARD_GAP = 1024 * 1024;
/** The largest main-thread stack the layout has room for. */
export const LINUX_MAX_STACK_SIZE = LINUX_STACK_TOP - LINUX_MMAP_END - LINUX_STACK_GUARD_GAP;

export interface LinuxLayoutOptions {
  /** The main thread's stack, in bytes (a multiple of 4 KiB). Defaults to 8 MiB. */
  readonly stackSize?: number;
}

export function linuxMemoryLayout(options: LinuxLayoutOptions = {}): MemoryLayout {
  const stackSize = options.stackSize ?? LINUX_DEFAULT_STACK_SIZE;
  if (!Number.isSafeInteger(stackSize) || stackSize <= 0 || stackSize % PAGE_SIZE !== 0) {
    throw new LayoutError(`stack size ${stackSize} is not a positive multiple of ${PAGE_SIZE}`, 'stack');
  }
  if (stackSize > LINUX_MAX_STACK_SIZE) {
    throw new LayoutError(
      `stack size ${formatSize(stackSize)} does not fit below ${hex(LINUX_STACK_TOP)}: at most ${formatSize(LINUX_MAX_STACK_SIZE)}`,
      'stack',
    );
  }
  const stackBottom = LINUX_STACK_TOP - stackSize;
  return new MemoryLayout([
    { name: 'null-guard', kind: 'guard', start: 0, end: LINUX_IMAGE_START, perms: 0 },
    { name: 'image', kind: 'image', start: LINUX_IMAGE_START, end: LINUX_HEAP_START, perms: PERM_RWX },
    { name: 'heap', kind: 'heap', start: LINUX_HEAP_START, end: LINUX_MMAP_START, perms: PERM_RW },
    { name: 'mmap', kind: 'mmap', start: LINUX_MMAP_START, end: LINUX_MMAP_END, perms: PERM_RWX },
    { name: 'stack-guard', kind: 'guard', start: LINUX_MMAP_END, end: stackBottom, perms: 0 },
    { name: 'stack', kind: 'stack', start: stackBottom, end: LINUX_STACK_TOP, perms: PERM_RW },
    { name: 'stack-top-guard', kind: 'guard', start: LINUX_STACK_TOP, end: LINUX_TASK_SIZE, perms: 0 },
  ]);
}

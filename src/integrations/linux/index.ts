import { LinuxPlatform } from '../../platform/linux/linux-platform.js';
import type { Integration } from '../types.js';

/**
 * The default integration: a Linux riscv64 user process (`zeroos run prog.elf` works like
 * `qemu-riscv64 prog.elf`, deterministic). ZeroOS serves every ecall; a halt is an endless
 * loop; no cost model.
 */
export const linuxIntegration: Integration = {
  name: 'linux',
  summary: 'a Linux riscv64 user process: static rv64imac ELFs linked at 0x10000, every syscall served by ZeroOS (the default)',
  trapModes: ['host'],
  setup() {
    const platform = new LinuxPlatform();
    return {
      platform,
      layoutText: () => `Linux riscv64 user address space (Sv39)\n\n${platform.layout.toTable()}`,
    };
  },
};

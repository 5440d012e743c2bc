/**
 * The machine-mode subset a zkVM platform uses: mret (return from the guest's own trap
 * handler) and wfi (no interrupts arrive, so waiting is a no-op). ecall and ebreak are in
 * the base set; where they go (the host kernel or mtvec) is the machine services' choice.
 */
import type { Extension } from './types.js';

export const MACHINE: Extension = {
  name: 'machine',
  instructions: [
    { mnemonic: 'mret', match: 0x30200073, mask: 0xffffffff, format: 'none', interpretOnly: true, control: 'indirect', semantics: 'npc = M.mret();' },
    { mnemonic: 'wfi', match: 0x10500073, mask: 0xffffffff, format: 'none', interpretOnly: true, semantics: '' },
  ],
};

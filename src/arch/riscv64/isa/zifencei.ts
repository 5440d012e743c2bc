/** Zifencei: fence.i forgets all decoded and compiled code, so stores to code are seen. */
import type { Extension } from './types.js';

export const ZIFENCEI: Extension = {
  name: 'zifencei',
  instructions: [{ mnemonic: 'fence.i', match: 0x100f, mask: 0x707f, format: 'none', interpretOnly: true, semantics: 'M.flushCode();' }],
};

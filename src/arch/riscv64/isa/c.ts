/**
 * C: compressed instructions. Each is shorthand for one base instruction (the ISA manual
 * defines it so), so this extension is only the expansion (compressed.ts); the expanded
 * word then decodes and runs as the base instruction it names.
 */
import { expandCompressed } from '../compressed.js';
import { expandCompressedFp } from './fd.js';
import type { Extension } from './types.js';

export const RV64C: Extension = {
  name: 'c',
  letter: 'c',
  instructions: [],
  // The FP loads and stores expand to fld/fsd, which decode as illegal without D.
  expandCompressed: (half) => {
    const word = expandCompressed(half);
    return word >= 0 ? word : expandCompressedFp(half);
  },
};

import { relinkAdvice } from '../../check/image-fit.js';
import { JOLT_RAM_START, joltProgramSize } from '../../platform/jolt-layout.js';
import type { CheckedImage, ImageFit, ImageRange, IntegrationOptionValues, IntegrationSetup } from '../types.js';
import { joltLayoutFor } from './describe.js';

const hex = (n: number): string => '0x' + n.toString(16);

/**
 * `zeroos check --platform jolt`: Jolt loads the ELF's sections at or above RAM_START and
 * places the stack and heap right after the program (MemoryLayout::new), so an image fits
 * when every load segment starts at or above RAM_START; anything below is not loaded at all.
 */
export function joltCheckImage(values: IntegrationOptionValues, setup: IntegrationSetup, image: CheckedImage): ImageFit {
  const needs: ImageRange[] = image.segments.map((s) => ({ name: `segment ${s.index}`, start: s.start, end: s.end }));
  const programSize = joltProgramSize(image.bytes);
  const layout = joltLayoutFor(values, programSize);
  const offers: ImageRange[] = [{ name: 'image (RAM_START up to the stack canary)', start: JOLT_RAM_START, end: layout.stackEnd }];
  const problems: string[] = [];
  for (const need of needs) {
    if (need.start >= JOLT_RAM_START) continue;
    problems.push(
      `${need.name} [${hex(need.start)}, ${hex(need.end)}) lies below Jolt's RAM_START ${hex(JOLT_RAM_START)}, where Jolt loads nothing: it was linked for another layout`,
    );
  }
  if (!image.fixedAddress) problems.push('a position-independent executable: Jolt loads sections at their link addresses, with no relocation');
  return { fits: problems.length === 0, needs, offers, problems, ...(problems.length === 0 ? {} : { relink: relinkAdvice('jolt', setup) }) };
}

import { PERM_R, PERM_W, PERM_X, type GuestMemory } from '../arch/memory/types.js';

/** One line of /proc/self/maps, as data. */
export interface MapsEntry {
  readonly start: number;
  readonly end: number;
  /** "r-xp" style. */
  readonly perms: string;
  readonly name: string;
}

/** The address space as /proc/self/maps shows it: every mapping, private, in address order. */
export function mapsOf(memory: GuestMemory): MapsEntry[] {
  return memory.mappings().map((m) => ({
    start: m.start,
    end: m.end,
    perms: (m.perms & PERM_R ? 'r' : '-') + (m.perms & PERM_W ? 'w' : '-') + (m.perms & PERM_X ? 'x' : '-') + 'p',
    name: m.name,
  }));
}

/** /proc/self/maps text for the entries. */
export function formatMaps(entries: readonly MapsEntry[]): string {
  return entries
    .map(
      (e) =>
        `${e.start.toString(16).padStart(8, '0')}-${e.end.toString(16).padStart(8, '0')} ${e.perms} 00000000 00:00 0${e.name ? ' '.repeat(11) + e.name : ''}`,
    )
    .join('\n');
}

import { EXIT_CODES, ZeroOSError, hex } from '../errors.js';
import { PAGE_SIZE, permString } from '../arch/memory/types.js';
import type { Layout, LayoutRegion, RegionKind } from '../kernel/contracts/platform.js';

/** One past the highest address a layout may use: guest addresses are plain numbers, exact below 2^53. */
export const ADDRESS_LIMIT = 2 ** 53;

/** A platform's memory layout is inconsistent (misaligned, overlapping, empty or duplicate regions). */
export class LayoutError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.layout;
  constructor(
    message: string,
    /** The region the problem was found in, when there is one. */
    readonly region?: string,
  ) {
    super(message);
  }
}

/** How a region is declared: its start and either its size or its (exclusive) end. */
export type RegionSpec = {
  readonly name: string;
  readonly kind: RegionKind;
  readonly start: number;
  readonly perms: number;
  /**
   * Start and size must be multiples of this (a power of two). Defaults to the page size,
   * which regions the memory maps page by page need; byte-granular regions such as Jolt's
   * 8-byte I/O words declare a smaller one.
   */
  readonly alignment?: number;
} & ({ readonly size: number } | { readonly end: number });

/** A validated region: a `LayoutRegion` that also states its size and alignment. */
export interface MemoryRegion extends LayoutRegion {
  readonly size: number;
  readonly alignment: number;
}

/**
 * A platform's address space as an ordered set of named regions, the way a linker script
 * or xv6's memlayout.h describes one. Validated when built, so a platform with a broken
 * layout fails at construction instead of as a strange fault in the guest later.
 */
export class MemoryLayout implements Layout {
  /** The regions in address order. */
  readonly regions: readonly MemoryRegion[];

  constructor(specs: readonly RegionSpec[]) {
    if (specs.length === 0) throw new LayoutError('a memory layout needs at least one region');
    const names = new Set<string>();
    const regions = specs.map((spec) => {
      const region = validateRegion(spec);
      if (names.has(region.name)) {
        throw new LayoutError(`two regions are named "${region.name}": region names must be unique`, region.name);
      }
      names.add(region.name);
      return region;
    });
    regions.sort((a, b) => a.start - b.start);
    for (let i = 1; i < regions.length; i++) {
      const below = regions[i - 1]!;
      const above = regions[i]!;
      if (above.start < below.end) {
        throw new LayoutError(
          `region "${below.name}" ${describeRange(below)} overlaps region "${above.name}" ${describeRange(above)}`,
          above.name,
        );
      }
    }
    this.regions = Object.freeze(regions);
  }

  find(kind: RegionKind): MemoryRegion | undefined {
    return this.regions.find((region) => region.kind === kind);
  }

  findAll(kind: RegionKind): readonly MemoryRegion[] {
    return this.regions.filter((region) => region.kind === kind);
  }

  /** The region with this name, or undefined. */
  get(name: string): MemoryRegion | undefined {
    return this.regions.find((region) => region.name === name);
  }

  /** The region containing `address`, or undefined when it falls in a gap. */
  regionAt(address: number): MemoryRegion | undefined {
    return this.regions.find((region) => address >= region.start && address < region.end);
  }

  /** The layout as a fixed-width table: name, kind, start, end, size, perms. */
  toTable(): string {
    const digits = Math.max(8, ...this.regions.map((region) => region.end.toString(16).length));
    const header = ['name', 'kind', 'start', 'end', 'size', 'perms'];
    const rows = this.regions.map((region) => [
      region.name,
      region.kind,
      hex(region.start, digits),
      hex(region.end, digits),
      formatSize(region.size),
      permString(region.perms),
    ]);
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
    return [header, ...rows]
      .map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd())
      .join('\n');
  }

  toString(): string {
    return this.toTable();
  }
}

/**
 * A byte count the way people read it: "4 KiB", "64 MiB", "1023.94 MiB", "12 B". When two
 * decimals would round a fraction away (64 MiB - 4 KiB), a smaller unit shows it exactly.
 */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let unit = units.length - 1;
  while (unit > 0 && bytes < 1024 ** unit) unit--;
  for (; unit > 0; unit--) {
    const value = bytes / 1024 ** unit;
    if (Number.isInteger(value)) return `${value} ${units[unit]!}`;
    const rounded = Number(value.toFixed(2));
    if (!Number.isInteger(rounded)) return `${rounded} ${units[unit]!}`;
  }
  return `${bytes} B`;
}

function describeRange(region: { start: number; end: number }): string {
  return `[${hex(region.start)}, ${hex(region.end)})`;
}

function validateRegion(spec: RegionSpec): MemoryRegion {
  const { name, kind, start, perms } = spec;
  if (typeof name !== 'string' || name.length === 0) throw new LayoutError('a region has an empty name');
  const alignment = spec.alignment ?? PAGE_SIZE;
  if (!Number.isSafeInteger(alignment) || alignment < 1 || (alignment & (alignment - 1)) !== 0) {
    throw new LayoutError(`region "${name}": alignment ${alignment} is not a power of two`, name);
  }
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new LayoutError(`region "${name}": start ${start} is not an address (a non-negative integer)`, name);
  }
  const end = 'size' in spec ? start + spec.size : spec.end;
  const size = 'size' in spec ? spec.size : spec.end - start;
  if (!Number.isInteger(size) || !Number.isInteger(end)) {
    throw new LayoutError(`region "${name}": size ${size} is not an integer`, name);
  }
  if (size === 0) throw new LayoutError(`region "${name}" at ${hex(start)} is empty`, name);
  if (size < 0) throw new LayoutError(`region "${name}" ends at ${hex(end)}, before its start ${hex(start)}`, name);
  if (end > ADDRESS_LIMIT) {
    throw new LayoutError(
      `region "${name}" [${hex(start)}, ${hex(end)}) runs past ${hex(ADDRESS_LIMIT)}, the end of the address space ZeroOS can address`,
      name,
    );
  }
  if (start % alignment !== 0) {
    throw new LayoutError(`region "${name}": start ${hex(start)} is not aligned to ${hex(alignment)}`, name);
  }
  if (size % alignment !== 0) {
    throw new LayoutError(`region "${name}": size ${hex(size)} is not a multiple of ${hex(alignment)}`, name);
  }
  if (!Number.isInteger(perms) || perms < 0 || perms > 7) {
    throw new LayoutError(`region "${name}": perms ${perms} are not a combination of PERM_R, PERM_W and PERM_X`, name);
  }
  return Object.freeze({ name, kind, start, end, size, perms, alignment });
}

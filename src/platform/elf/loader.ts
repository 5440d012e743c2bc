import { PAGE_SIZE, PERM_R, PERM_W, PERM_X, type GuestMemory } from '../../arch/memory/types.js';
import type { Layout } from '../../kernel/contracts/platform.js';
import { ELF64_PHDR_SIZE, ET_DYN, PF_R, PF_W, PF_X } from './constants.js';
import { DynamicExecutable, SegmentOutsideLayout } from './errors.js';
import { parseElf, type ElfFile, type ProgramHeader } from './parser.js';

export interface LoadOptions {
  /**
   * Where a static-pie (ET_DYN without PT_INTERP) executable's lowest page goes. Defaults to
   * the start of the layout's first image region. Rounded up to the segments' alignment.
   */
  readonly pieBase?: number;
  /**
   * The hart's extensions as AT_HWCAP bits: a hard-float (lp64f/lp64d) executable loads only
   * when they include its F/D. Without it only soft-float executables load.
   */
  readonly hwcap?: number;
}

export interface LoadedSegment {
  /** The segment's bytes in guest memory, [start, end) exactly as p_vaddr/p_memsz say (plus the load bias). */
  readonly start: number;
  readonly end: number;
  /** PERM_* bits. */
  readonly perms: number;
}

/** What the loader put where: everything the initial stack and the kernel need to know about the image. */
export interface LoadedImage {
  readonly entry: number;
  /** Guest address of the program header table (AT_PHDR), or 0 when no segment maps it. */
  readonly programHeaders: number;
  readonly programHeaderCount: number;
  readonly programHeaderSize: number;
  /** The program header table's bytes (for an initial stack that must carry a copy: programHeaders 0). */
  readonly programHeaderTable: Uint8Array;
  /** What was added to every link-time address: 0 for ET_EXEC. */
  readonly loadBias: number;
  /** The first mapped page. */
  readonly imageStart: number;
  /** One past the last mapped page: where the program break starts. */
  readonly imageEnd: number;
  readonly segments: readonly LoadedSegment[];
  /** PT_GNU_STACK asked for an executable stack. */
  readonly executableStack: boolean;
  /** The TLS template (PT_TLS) in guest memory, for whoever sets up thread pointers. */
  readonly tls?: { readonly start: number; readonly fileSize: number; readonly memorySize: number; readonly align: number };
}

/**
 * Loads a static RISC-V executable into guest memory the way Linux's binfmt_elf does:
 * each PT_LOAD's pages are mapped with its p_flags (a page two segments share gets both
 * sets), its file bytes copied in, and the rest left zero (fresh pages are zero, which is
 * the bss). Every segment must fit inside the layout's image region(s).
 */
export function loadElf(
  executable: Uint8Array | ElfFile,
  memory: GuestMemory,
  layout: Layout,
  options: LoadOptions = {},
): LoadedImage {
  const elf = executable instanceof Uint8Array ? parseElf(executable, options.hwcap === undefined ? {} : { hwcap: options.hwcap }) : executable;
  if (elf.interpreter !== undefined) throw new DynamicExecutable(elf.interpreter);

  const imageRegions = layout.regions.filter((region) => region.kind === 'image');
  const loadBias = elf.type === ET_DYN ? pieLoadBias(elf, options.pieBase ?? imageRegions[0]?.start ?? 0) : 0;

  const placed = elf.loadSegments.map((header) => {
    const start = header.vaddr + loadBias;
    const end = start + header.memsz;
    const perms = permsOf(header);
    const pageStart = alignDown(start, PAGE_SIZE);
    const pageEnd = alignUp(end, PAGE_SIZE);
    const region = imageRegions.find((image) => pageStart >= image.start && pageEnd <= image.end);
    if (!region) throw new SegmentOutsideLayout(header.index, start, end, perms, imageRegions);
    return { header, start, end, perms, pageStart, pageEnd };
  });

  for (const piece of pagePieces(placed)) {
    memory.map(piece.start, piece.end - piece.start, piece.perms, mappingName(piece.perms));
  }
  for (const segment of placed) {
    const { header } = segment;
    if (header.filesz > 0) {
      memory.poke(segment.start, elf.bytes.subarray(header.offset, header.offset + header.filesz));
    }
  }

  const tls = elf.tls;
  return {
    entry: elf.entry + loadBias,
    programHeaders: programHeaderAddress(elf, loadBias),
    programHeaderTable: elf.bytes.slice(elf.programHeaderOffset, elf.programHeaderOffset + elf.programHeaderCount * ELF64_PHDR_SIZE),
    programHeaderCount: elf.programHeaderCount,
    programHeaderSize: ELF64_PHDR_SIZE,
    loadBias,
    imageStart: placed[0]!.pageStart,
    imageEnd: placed[placed.length - 1]!.pageEnd,
    segments: placed.map(({ start, end, perms }) => ({ start, end, perms })),
    executableStack: elf.executableStack,
    ...(tls === undefined
      ? {}
      : { tls: { start: tls.vaddr + loadBias, fileSize: tls.filesz, memorySize: tls.memsz, align: tls.align } }),
  };
}

/** The page-granular mappings for a set of segments: maximal runs of pages with the same perms. */
function pagePieces(
  segments: readonly { pageStart: number; pageEnd: number; perms: number }[],
): { start: number; end: number; perms: number }[] {
  const edges = [...new Set(segments.flatMap((segment) => [segment.pageStart, segment.pageEnd]))].sort((a, b) => a - b);
  const pieces: { start: number; end: number; perms: number }[] = [];
  for (let i = 1; i < edges.length; i++) {
    const start = edges[i - 1]!;
    const end = edges[i]!;
    let perms = 0;
    let covered = false;
    for (const segment of segments) {
      if (segment.pageStart <= start && segment.pageEnd >= end) {
        // Linux maps a page two segments share once; it ends up with both segments' rights.
        perms |= segment.perms;
        covered = true;
      }
    }
    if (!covered) continue;
    const last = pieces[pieces.length - 1];
    if (last && last.end === start && last.perms === perms) last.end = end;
    else pieces.push({ start, end, perms });
  }
  return pieces;
}

/**
 * A static-pie is linked at 0 and relocates itself at startup, so it can go anywhere;
 * it goes at a fixed base (determinism) moved up to the largest segment alignment so
 * p_vaddr ≡ p_offset (mod p_align) still holds after the move.
 */
function pieLoadBias(elf: ElfFile, base: number): number {
  const alignment = Math.max(PAGE_SIZE, ...elf.loadSegments.map((segment) => segment.align));
  return alignUp(base, alignment) - alignDown(elf.loadSegments[0]!.vaddr, alignment);
}

/**
 * AT_PHDR: PT_PHDR's address when present, else the table's place inside the PT_LOAD
 * whose file bytes contain it, as Linux computes it. 0 when the table is not loaded.
 */
function programHeaderAddress(elf: ElfFile, loadBias: number): number {
  if (elf.phdrSegment) return elf.phdrSegment.vaddr + loadBias;
  const tableStart = elf.programHeaderOffset;
  const tableEnd = tableStart + elf.programHeaderCount * ELF64_PHDR_SIZE;
  const carrier = elf.loadSegments.find(
    (segment) => tableStart >= segment.offset && tableEnd <= segment.offset + segment.filesz,
  );
  return carrier ? carrier.vaddr + (tableStart - carrier.offset) + loadBias : 0;
}

function permsOf(header: ProgramHeader): number {
  return (
    (header.flags & PF_R ? PERM_R : 0) | (header.flags & PF_W ? PERM_W : 0) | (header.flags & PF_X ? PERM_X : 0)
  );
}

function mappingName(perms: number): string {
  if (perms & PERM_X) return 'text';
  if (perms & PERM_W) return 'data';
  return 'rodata';
}

function alignDown(value: number, alignment: number): number {
  return Math.floor(value / alignment) * alignment;
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

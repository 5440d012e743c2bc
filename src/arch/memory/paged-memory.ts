import {
  type AccessKind,
  type GuestMemory,
  type Mapping,
  MappingError,
  MemoryFault,
  PAGE_SHIFT,
  PAGE_SIZE,
  PERM_R,
  PERM_RWX,
  PERM_W,
} from './types.js';
import { Frame, FramePool } from './frame-pool.js';

export { Frame };

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error('ZeroOS needs a little-endian host: guest memory is accessed through typed arrays');
}

const PAGE_MASK = PAGE_SIZE - 1;
/** Guest addresses are JS numbers below 2^53, so page numbers are below 2^41. */
export const PAGE_LIMIT = 2 ** (53 - PAGE_SHIFT);
const ADDRESS_LIMIT = 2 ** 53;

/**
 * The frame read through for mapped pages nobody has written yet. It is never written:
 * every write path allocates a real frame first.
 */
export const ZERO_FRAME: Frame = new Frame();

/** `MemoryObserver.memoryChanged` flag: cached translations of these pages are stale. */
export const CHANGED_TRANSLATION = 1;
/** `MemoryObserver.memoryChanged` flag: code decoded from these pages is stale. */
export const CHANGED_CODE = 2;

/**
 * Told when cached views of guest pages must be dropped (a hart's TLB and decoded code):
 * on unmap, protect, zero (pages released), allocation of a page's first frame (the
 * observer may have cached the shared zero frame for it), a store into a page marked as
 * holding code, and `markCode` (so the page leaves write caches).
 */
export interface MemoryObserver {
  memoryChanged(firstPage: number, pageCount: number, what: number): void;
}

interface Region {
  startPage: number;
  endPage: number; // exclusive
  perms: number;
  name: string;
}

function toFault(address: number, access: AccessKind, reason: 'unmapped' | 'permission'): MemoryFault {
  return new MemoryFault(BigInt(Math.trunc(address)), access, reason);
}

function pageOf(address: number): number {
  return Math.floor(address / PAGE_SIZE);
}

/**
 * Sparse guest memory: 4 KiB pages behind a sorted list of mappings (each with R/W/X
 * permissions and a name), host frames allocated on first write. Reads of mapped pages
 * never written see zeros without allocating.
 *
 * Besides the `GuestMemory` interface (the kernel's checked path), it offers a fast
 * page-level API for the hart: `permsOf`, `frameOf`, `frameForWrite`, `markCode`,
 * `noteCodeWrite` and observers that are told when cached translations go stale.
 */
export class PagedMemory implements GuestMemory {
  /** Sorted, non-overlapping, adjacent equal regions merged. */
  private regions: Region[] = [];
  private readonly frames = new Map<number, Frame>();
  /** Where frames come from and released ones go: pages are recycled, not reallocated. */
  readonly framePool: FramePool;
  /** Pages some observer decoded code from: stores into them are reported. */
  private readonly codePages = new Set<number>();
  private readonly observers: MemoryObserver[] = [];
  private lastRegion: Region | undefined;
  private peakResident = 0;
  /** Bumped on every change that invalidates cached translations or code (unmap, protect, ...). */
  generation = 0;

  constructor(framePool: FramePool = new FramePool()) {
    this.framePool = framePool;
  }

  get residentPages(): number {
    return this.frames.size;
  }

  /** The most pages that were resident at once: what the guest made the host hold at its peak. */
  get peakResidentPages(): number {
    return this.peakResident;
  }

  get mappingCount(): number {
    return this.regions.length;
  }

  // ---------------------------------------------------------------- observers

  addObserver(observer: MemoryObserver): void {
    if (!this.observers.includes(observer)) this.observers.push(observer);
  }

  removeObserver(observer: MemoryObserver): void {
    const index = this.observers.indexOf(observer);
    if (index >= 0) this.observers.splice(index, 1);
  }

  private notify(firstPage: number, pageCount: number, what: number): void {
    this.generation++;
    const observers = this.observers;
    for (let i = 0; i < observers.length; i++) observers[i]!.memoryChanged(firstPage, pageCount, what);
  }

  // ---------------------------------------------------------------- fast page-level API

  /** The permissions of a page, or -1 if it is not mapped. */
  permsOf(page: number): number {
    const region = this.regionOf(page);
    return region === undefined ? -1 : region.perms;
  }

  /** The frame behind a page if one was allocated (mapping is not checked). */
  frameOf(page: number): Frame | undefined {
    return this.frames.get(page);
  }

  /** The frame to read a mapped page through: its own, or the shared zero frame. */
  frameForRead(page: number): Frame {
    return this.frames.get(page) ?? ZERO_FRAME;
  }

  /**
   * The page's frame, allocated if needed (the caller has checked the page is mapped).
   * A new allocation is announced to observers as a translation change, since they may
   * hold the zero frame for this page.
   */
  frameForWrite(page: number): Frame {
    let frame = this.frames.get(page);
    if (frame === undefined) {
      frame = this.framePool.take();
      this.frames.set(page, frame);
      if (this.frames.size > this.peakResident) this.peakResident = this.frames.size;
      this.notify(page, 1, CHANGED_TRANSLATION);
    }
    return frame;
  }

  /** Records that code was decoded from `page`: later writes to it are announced. */
  markCode(page: number): void {
    if (!this.codePages.has(page)) {
      this.codePages.add(page);
      this.notify(page, 1, CHANGED_TRANSLATION);
    }
  }

  isCodePage(page: number): boolean {
    return this.codePages.has(page);
  }

  /** To be called before/after any write into `page`: drops decoded code if it held some. */
  noteCodeWrite(page: number): void {
    if (this.codePages.delete(page)) this.notify(page, 1, CHANGED_CODE);
  }

  private regionOf(page: number): Region | undefined {
    const last = this.lastRegion;
    if (last !== undefined && page >= last.startPage && page < last.endPage) return last;
    const regions = this.regions;
    let lo = 0;
    let hi = regions.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = regions[mid]!;
      if (page < r.startPage) hi = mid - 1;
      else if (page >= r.endPage) lo = mid + 1;
      else {
        this.lastRegion = r;
        return r;
      }
    }
    return undefined;
  }

  /** Index of the first region whose endPage > page. */
  private firstRegionEndingAfter(page: number): number {
    const regions = this.regions;
    let lo = 0;
    let hi = regions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (regions[mid]!.endPage > page) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  // ---------------------------------------------------------------- mapping management

  private checkRange(start: number, length: number, what: string): [number, number] {
    if (!Number.isInteger(start) || !Number.isInteger(length) || start < 0 || length < 0) {
      throw new MappingError(`${what}: bad range`, start, length);
    }
    if ((start & PAGE_MASK) !== 0 || start % PAGE_SIZE !== 0) {
      throw new MappingError(`${what}: start not page-aligned`, start, length);
    }
    const firstPage = start / PAGE_SIZE;
    const endPage = firstPage + Math.ceil(length / PAGE_SIZE);
    if (endPage > PAGE_LIMIT) throw new MappingError(`${what}: beyond the address space`, start, length);
    return [firstPage, endPage];
  }

  map(start: number, length: number, perms: number, name: string): void {
    const [first, end] = this.checkRange(start, length, 'map');
    if ((perms & ~PERM_RWX) !== 0) throw new MappingError(`map: bad permissions ${perms}`, start, length);
    if (first === end) return;
    const index = this.firstRegionEndingAfter(first);
    const next = this.regions[index];
    if (next !== undefined && next.startPage < end) {
      throw new MappingError('map: overlaps an existing mapping', start, length);
    }
    this.regions.splice(index, 0, { startPage: first, endPage: end, perms, name });
    this.normalize(index - 1, index + 1);
    this.notify(first, end - first, CHANGED_TRANSLATION);
  }

  unmap(start: number, length: number): void {
    const [first, end] = this.checkRange(start, length, 'unmap');
    if (first === end) return;
    this.splitAt(first);
    this.splitAt(end);
    const from = this.firstRegionEndingAfter(first);
    let to = from;
    while (to < this.regions.length && this.regions[to]!.startPage < end) to++;
    this.regions.splice(from, to - from);
    this.lastRegion = undefined;
    this.releaseFrames(first, end);
    this.forgetCode(first, end);
    this.notify(first, end - first, CHANGED_TRANSLATION | CHANGED_CODE);
  }

  protect(start: number, length: number, perms: number): void {
    const [first, end] = this.checkRange(start, length, 'protect');
    if ((perms & ~PERM_RWX) !== 0) throw new MappingError(`protect: bad permissions ${perms}`, start, length);
    if (first === end) return;
    if (!this.covered(first, end)) throw new MappingError('protect: range not fully mapped', start, length);
    this.splitAt(first);
    this.splitAt(end);
    const from = this.firstRegionEndingAfter(first);
    let to = from;
    for (; to < this.regions.length && this.regions[to]!.startPage < end; to++) this.regions[to]!.perms = perms;
    this.normalize(from - 1, to);
    this.forgetCode(first, end);
    this.notify(first, end - first, CHANGED_TRANSLATION | CHANGED_CODE);
  }

  /** True when every page of [first, end) lies in some region. */
  private covered(first: number, end: number): boolean {
    let page = first;
    let index = this.firstRegionEndingAfter(first);
    while (page < end) {
      const r = this.regions[index++];
      if (r === undefined || r.startPage > page) return false;
      page = r.endPage;
    }
    return true;
  }

  /** Ensures a region boundary at `page` (splits the region strictly containing it). */
  private splitAt(page: number): void {
    const index = this.firstRegionEndingAfter(page);
    const r = this.regions[index];
    if (r === undefined || r.startPage >= page) return;
    const tail: Region = { startPage: page, endPage: r.endPage, perms: r.perms, name: r.name };
    r.endPage = page;
    this.regions.splice(index + 1, 0, tail);
    this.lastRegion = undefined;
  }

  /**
   * Merges adjacent regions with the same permissions and name among regions[from..to]
   * (the ones a change touched and their neighbours): the rest are already merged, so each
   * change costs what it touched, not the number of mappings.
   */
  private normalize(from: number, to: number): void {
    const regions = this.regions;
    let i = Math.max(0, from);
    let last = Math.min(to, regions.length - 1);
    while (i < last) {
      const a = regions[i]!;
      const b = regions[i + 1]!;
      if (a.endPage === b.startPage && a.perms === b.perms && a.name === b.name) {
        a.endPage = b.endPage;
        regions.splice(i + 1, 1);
        last--;
      } else {
        i++;
      }
    }
    this.lastRegion = undefined;
  }

  /**
   * Drops the frames of [first, end) back to the pool. Every caller notifies observers of
   * the range before anything can take a frame again for another page.
   */
  private releaseFrames(first: number, end: number): void {
    const frames = this.frames;
    const pool = this.framePool;
    if (end - first <= frames.size) {
      for (let p = first; p < end; p++) {
        const frame = frames.get(p);
        if (frame !== undefined) {
          frames.delete(p);
          pool.give(frame);
        }
      }
    } else {
      for (const [p, frame] of frames) {
        if (p >= first && p < end) {
          frames.delete(p);
          pool.give(frame);
        }
      }
    }
  }

  private forgetCode(first: number, end: number): void {
    if (end - first <= this.codePages.size) {
      for (let p = first; p < end; p++) this.codePages.delete(p);
    } else {
      for (const p of this.codePages) if (p >= first && p < end) this.codePages.delete(p);
    }
  }

  mappings(): readonly Mapping[] {
    return this.regions.map((r) => this.toMapping(r));
  }

  mappingsIn(start: number, end: number): readonly Mapping[] {
    const out: Mapping[] = [];
    if (!(end > start)) return out;
    const endPage = Math.ceil(Math.min(end, ADDRESS_LIMIT) / PAGE_SIZE);
    for (let i = this.firstRegionEndingAfter(pageOf(Math.max(0, start))); i < this.regions.length; i++) {
      const r = this.regions[i]!;
      if (r.startPage >= endPage) break;
      out.push(this.toMapping(r));
    }
    return out;
  }

  mappingAt(address: number): Mapping | undefined {
    if (!(address >= 0 && address < ADDRESS_LIMIT)) return undefined;
    const r = this.regionOf(pageOf(address));
    return r === undefined ? undefined : this.toMapping(r);
  }

  private toMapping(r: Region): Mapping {
    return { start: r.startPage * PAGE_SIZE, end: r.endPage * PAGE_SIZE, perms: r.perms, name: r.name };
  }

  isAccessible(address: number, length: number, perms: number): boolean {
    if (length <= 0) return true;
    if (!(address >= 0) || !(address + length <= ADDRESS_LIMIT)) return false;
    const first = pageOf(address);
    const last = pageOf(address + length - 1);
    let page = first;
    while (page <= last) {
      const r = this.regionOf(page);
      if (r === undefined || (r.perms & perms) !== perms) return false;
      page = r.endPage;
    }
    return true;
  }

  // ---------------------------------------------------------------- checked access

  /**
   * Checks that [address, address+length) is mapped and allows `need` (0 = only mapped);
   * throws the fault for the first bad byte.
   */
  private check(address: number, length: number, need: number, access: AccessKind): void {
    if (length <= 0) return;
    if (!(address >= 0) || !Number.isFinite(address)) throw toFault(address, access, 'unmapped');
    const last = address + length - 1;
    if (last >= ADDRESS_LIMIT) {
      const bad = address >= ADDRESS_LIMIT ? address : ADDRESS_LIMIT;
      if (address < ADDRESS_LIMIT) this.check(address, ADDRESS_LIMIT - address, need, access);
      throw toFault(bad, access, 'unmapped');
    }
    const lastPage = pageOf(last);
    let page = pageOf(address);
    while (page <= lastPage) {
      const r = this.regionOf(page);
      const at = Math.max(address, page * PAGE_SIZE);
      if (r === undefined) throw toFault(at, access, 'unmapped');
      if ((r.perms & need) !== need) throw toFault(at, access, 'permission');
      page = r.endPage;
    }
  }

  /** Copies [address, address+out.length) into `out` (already checked). */
  private copyOut(address: number, out: Uint8Array): void {
    let done = 0;
    const length = out.length;
    while (done < length) {
      const a = address + done;
      const page = pageOf(a);
      const offset = a - page * PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - offset, length - done);
      const frame = this.frames.get(page);
      if (frame === undefined) out.fill(0, done, done + n);
      else out.set(frame.u8.subarray(offset, offset + n), done);
      done += n;
    }
  }

  /** Copies `data` into guest memory at `address` (already checked), allocating frames. */
  private copyIn(address: number, data: Uint8Array): void {
    let done = 0;
    const length = data.length;
    while (done < length) {
      const a = address + done;
      const page = pageOf(a);
      const offset = a - page * PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - offset, length - done);
      this.noteCodeWrite(page);
      this.frameForWrite(page).u8.set(data.subarray(done, done + n), offset);
      done += n;
    }
  }

  read(address: number, length: number): Uint8Array {
    this.check(address, length, PERM_R, 'read');
    const out = new Uint8Array(length);
    this.copyOut(address, out);
    return out;
  }

  write(address: number, data: Uint8Array): void {
    this.check(address, data.length, PERM_W, 'write');
    this.copyIn(address, data);
  }

  poke(address: number, data: Uint8Array): void {
    this.check(address, data.length, 0, 'write');
    this.copyIn(address, data);
  }

  /** Little-endian value of `length` (≤ 4) bytes, unsigned. */
  private readSmall(address: number, length: number): number {
    this.check(address, length, PERM_R, 'read');
    const page = pageOf(address);
    const offset = address - page * PAGE_SIZE;
    if (offset + length <= PAGE_SIZE) {
      const u8 = (this.frames.get(page) ?? ZERO_FRAME).u8;
      let v = 0;
      for (let i = length - 1; i >= 0; i--) v = v * 256 + u8[offset + i]!;
      return v;
    }
    const bytes = new Uint8Array(length);
    this.copyOut(address, bytes);
    let v = 0;
    for (let i = length - 1; i >= 0; i--) v = v * 256 + bytes[i]!;
    return v;
  }

  private writeSmall(address: number, length: number, value: number): void {
    this.check(address, length, PERM_W, 'write');
    const page = pageOf(address);
    const offset = address - page * PAGE_SIZE;
    if (offset + length <= PAGE_SIZE) {
      this.noteCodeWrite(page);
      const u8 = this.frameForWrite(page).u8;
      for (let i = 0; i < length; i++) u8[offset + i] = value >>> (8 * i);
      return;
    }
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = value >>> (8 * i);
    this.copyIn(address, bytes);
  }

  readU8(address: number): number {
    return this.readSmall(address, 1);
  }
  readU16(address: number): number {
    return this.readSmall(address, 2);
  }
  readU32(address: number): number {
    return this.readSmall(address, 4);
  }
  readU64(address: number): bigint {
    this.check(address, 8, PERM_R, 'read');
    const bytes = new Uint8Array(8);
    this.copyOut(address, bytes);
    return new DataView(bytes.buffer).getBigUint64(0, true);
  }
  writeU8(address: number, value: number): void {
    this.writeSmall(address, 1, value);
  }
  writeU16(address: number, value: number): void {
    this.writeSmall(address, 2, value);
  }
  writeU32(address: number, value: number): void {
    this.writeSmall(address, 4, value);
  }
  writeU64(address: number, value: bigint): void {
    this.check(address, 8, PERM_W, 'write');
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
    this.copyIn(address, bytes);
  }

  readCString(address: number, maxLength: number): Uint8Array {
    const chunks: Uint8Array[] = [];
    let total = 0;
    let a = address;
    while (total < maxLength) {
      if (!(a >= 0) || a >= ADDRESS_LIMIT) throw toFault(a, 'read', 'unmapped');
      const page = pageOf(a);
      const r = this.regionOf(page);
      if (r === undefined) throw toFault(a, 'read', 'unmapped');
      if ((r.perms & PERM_R) === 0) throw toFault(a, 'read', 'permission');
      const offset = a - page * PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - offset, maxLength - total);
      const frame = this.frames.get(page);
      if (frame === undefined) break; // a zero page: the string ends here
      const bytes = frame.u8.subarray(offset, offset + n);
      const nul = bytes.indexOf(0);
      if (nul >= 0) {
        chunks.push(bytes.slice(0, nul));
        total += nul;
        break;
      }
      chunks.push(bytes.slice());
      total += n;
      a += n;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  copyPages(from: number, to: number, length: number): void {
    const [srcFirst, srcEnd] = this.checkRange(from, length, 'copyPages');
    const [dstFirst, dstEnd] = this.checkRange(to, length, 'copyPages');
    const count = srcEnd - srcFirst;
    if (count === 0) return;
    if (srcFirst < dstEnd && dstFirst < srcEnd) throw new MappingError('copyPages: source and target overlap', from, length);
    this.check(from, count * PAGE_SIZE, 0, 'read');
    this.check(to, count * PAGE_SIZE, 0, 'write');
    // Only touched source pages are copied; the target's other pages become untouched zeros.
    const copies: [number, Frame][] = [];
    if (count <= this.frames.size) {
      for (let p = srcFirst; p < srcEnd; p++) {
        const frame = this.frames.get(p);
        if (frame !== undefined) copies.push([p - srcFirst, frame]);
      }
    } else {
      for (const [p, frame] of this.frames) if (p >= srcFirst && p < srcEnd) copies.push([p - srcFirst, frame]);
    }
    this.releaseFrames(dstFirst, dstEnd);
    for (const [offset, frame] of copies) {
      const copy = this.framePool.take();
      copy.u8.set(frame.u8);
      this.frames.set(dstFirst + offset, copy);
    }
    if (this.frames.size > this.peakResident) this.peakResident = this.frames.size;
    this.forgetCode(dstFirst, dstEnd);
    this.notify(dstFirst, count, CHANGED_TRANSLATION | CHANGED_CODE);
  }

  zero(address: number, length: number): void {
    this.check(address, length, 0, 'write');
    let done = 0;
    while (done < length) {
      const a = address + done;
      const page = pageOf(a);
      const offset = a - page * PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - offset, length - done);
      const frame = this.frames.get(page);
      if (frame !== undefined) {
        this.noteCodeWrite(page);
        if (n === PAGE_SIZE) {
          this.frames.delete(page);
          this.notify(page, 1, CHANGED_TRANSLATION);
          this.framePool.give(frame);
        } else {
          frame.u8.fill(0, offset, offset + n);
        }
      }
      done += n;
    }
  }
}

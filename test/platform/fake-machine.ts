import {
  MemoryFault,
  PAGE_SIZE,
  PERM_R,
  PERM_W,
  type AccessKind,
  type GuestMemory,
  type Mapping,
} from '../../src/arch/memory/types.js';
import { StopReason, type Hart, type HartContext, type TrapMode } from '../../src/arch/riscv64/types.js';

/**
 * A small GuestMemory that keeps the contract's rules (page-aligned non-overlapping maps,
 * permission-checked reads and writes, poke bypassing write permission) so the platform
 * tests do not depend on the real paged memory.
 */
export class FakeMemory implements GuestMemory {
  readonly #pages = new Map<number, Uint8Array>();
  #mappings: Mapping[] = [];

  get residentPages(): number {
    return this.#pages.size;
  }

  map(start: number, length: number, perms: number, name: string): void {
    if (start % PAGE_SIZE !== 0 || length % PAGE_SIZE !== 0 || length <= 0) {
      throw new Error(`map: unaligned range ${start.toString(16)}+${length.toString(16)}`);
    }
    const end = start + length;
    const clash = this.#mappings.find((mapping) => mapping.start < end && start < mapping.end);
    if (clash) throw new Error(`map: [${start.toString(16)}, ${end.toString(16)}) overlaps ${clash.name}`);
    this.#mappings.push({ start, end, perms, name });
    this.#mappings.sort((a, b) => a.start - b.start);
  }

  unmap(start: number, length: number): void {
    const end = start + length;
    this.#mappings = this.#mappings.flatMap((mapping) => {
      if (mapping.end <= start || mapping.start >= end) return [mapping];
      const kept: Mapping[] = [];
      if (mapping.start < start) kept.push({ ...mapping, end: start });
      if (mapping.end > end) kept.push({ ...mapping, start: end });
      return kept;
    });
    for (let page = start; page < end; page += PAGE_SIZE) this.#pages.delete(page);
  }

  protect(start: number, length: number, perms: number): void {
    const end = start + length;
    if (!this.isMapped(start, length)) throw new MemoryFault(BigInt(start), 'write', 'unmapped');
    this.#mappings = this.#mappings.flatMap((mapping) => {
      if (mapping.end <= start || mapping.start >= end) return [mapping];
      const pieces: Mapping[] = [];
      if (mapping.start < start) pieces.push({ ...mapping, end: start });
      pieces.push({ ...mapping, start: Math.max(start, mapping.start), end: Math.min(end, mapping.end), perms });
      if (mapping.end > end) pieces.push({ ...mapping, start: end });
      return pieces;
    });
  }

  mappings(): readonly Mapping[] {
    const merged: Mapping[] = [];
    for (const mapping of this.#mappings) {
      const last = merged[merged.length - 1];
      if (last && last.end === mapping.start && last.perms === mapping.perms && last.name === mapping.name) {
        merged[merged.length - 1] = { ...last, end: mapping.end };
      } else {
        merged.push(mapping);
      }
    }
    return merged;
  }

  mappingAt(address: number): Mapping | undefined {
    return this.#mappings.find((mapping) => address >= mapping.start && address < mapping.end);
  }

  isAccessible(address: number, length: number, perms: number): boolean {
    for (let at = address; at < address + length; ) {
      const mapping = this.mappingAt(at);
      if (!mapping || (mapping.perms & perms) !== perms) return false;
      at = mapping.end;
    }
    return true;
  }

  read(address: number, length: number): Uint8Array {
    this.check(address, length, PERM_R, 'read');
    return this.copyOut(address, length);
  }

  write(address: number, data: Uint8Array): void {
    this.check(address, data.length, PERM_W, 'write');
    this.copyIn(address, data);
  }

  readU8(address: number): number {
    return this.read(address, 1)[0]!;
  }
  readU16(address: number): number {
    return new DataView(this.read(address, 2).buffer).getUint16(0, true);
  }
  readU32(address: number): number {
    return new DataView(this.read(address, 4).buffer).getUint32(0, true);
  }
  readU64(address: number): bigint {
    return new DataView(this.read(address, 8).buffer).getBigUint64(0, true);
  }
  writeU8(address: number, value: number): void {
    this.write(address, Uint8Array.of(value));
  }
  writeU16(address: number, value: number): void {
    const bytes = new Uint8Array(2);
    new DataView(bytes.buffer).setUint16(0, value, true);
    this.write(address, bytes);
  }
  writeU32(address: number, value: number): void {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value, true);
    this.write(address, bytes);
  }
  writeU64(address: number, value: bigint): void {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
    this.write(address, bytes);
  }

  readCString(address: number, maxLength: number): Uint8Array {
    const bytes: number[] = [];
    while (bytes.length < maxLength) {
      const byte = this.readU8(address + bytes.length);
      if (byte === 0) break;
      bytes.push(byte);
    }
    return Uint8Array.from(bytes);
  }

  poke(address: number, data: Uint8Array): void {
    if (!this.isMapped(address, data.length)) throw new MemoryFault(BigInt(address), 'write', 'unmapped');
    this.copyIn(address, data);
  }

  zero(address: number, length: number): void {
    if (!this.isMapped(address, length)) throw new MemoryFault(BigInt(address), 'write', 'unmapped');
    this.copyIn(address, new Uint8Array(length));
  }

  /** Reads ignoring permissions (the test's view of what the loader wrote). */
  peek(address: number, length: number): Uint8Array {
    if (!this.isMapped(address, length)) throw new MemoryFault(BigInt(address), 'read', 'unmapped');
    return this.copyOut(address, length);
  }

  private isMapped(address: number, length: number): boolean {
    return this.isAccessible(address, length, 0);
  }

  private check(address: number, length: number, perms: number, access: AccessKind): void {
    for (let at = address; at < address + length; ) {
      const mapping = this.mappingAt(at);
      if (!mapping) throw new MemoryFault(BigInt(at), access, 'unmapped');
      if ((mapping.perms & perms) !== perms) throw new MemoryFault(BigInt(at), access, 'permission');
      at = mapping.end;
    }
  }

  private copyIn(address: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) {
      const at = address + i;
      const base = at - (at % PAGE_SIZE);
      let page = this.#pages.get(base);
      if (!page) this.#pages.set(base, (page = new Uint8Array(PAGE_SIZE)));
      page[at - base] = data[i]!;
    }
  }

  private copyOut(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      const at = address + i;
      const base = at - (at % PAGE_SIZE);
      out[i] = this.#pages.get(base)?.[at - base] ?? 0;
    }
    return out;
  }
}

/** A Hart that holds registers and pc; it cannot execute (the platform only sets up state). */
export class FakeHart implements Hart {
  pc = 0;
  readonly instret = 0;
  trapMode: TrapMode = 'host';
  timeSource = (): bigint => 0n;
  readonly #x = new BigUint64Array(32);

  constructor(readonly memory: GuestMemory) {}

  getX(index: number): bigint {
    return index === 0 ? 0n : this.#x[index]!;
  }
  setX(index: number, value: bigint): void {
    if (index !== 0) this.#x[index] = BigInt.asUintN(64, value);
  }
  getXSigned(index: number): bigint {
    return BigInt.asIntN(64, this.getX(index));
  }
  run(): StopReason {
    throw new Error('FakeHart cannot execute');
  }
  saveContext(): HartContext {
    return { x: this.#x.slice(), pc: this.pc };
  }
  restoreContext(context: HartContext): void {
    this.#x.set(context.x);
    this.pc = context.pc;
  }
  readCsr(): bigint {
    return 0n;
  }
  writeCsr(): void {}
  flushCode(): void {}
}

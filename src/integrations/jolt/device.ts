/**
 * Jolt's memory rules and its I/O device (jolt@ff9f8c13: tracer/src/emulator/mmu.rs
 * assert_effective_address, load_raw, store_raw; common/src/jolt_device.rs JoltDevice), as
 * the hooks of I/O windows and the hart's alignment policy.
 *
 * How Jolt sees an access: every load and store is expanded into aligned doubleword ones
 * (LB…LWU are an LD of the containing doubleword, SB/SH/SW an LD then an SD of it; the
 * sheet's §1.3), after an alignment assert for LH/LW/SH/SW. So every rule below is applied
 * to the aligned doubleword `a8`, not to the address the instruction named:
 *
 * - at or above RAM_START (one check of a8, the fast path of load/store_doubleword_raw):
 *   a write with stack_end < a8 ≤ stack_end + 128 is "Stack overflow" (upstream's predicate,
 *   off by one from the canary region [stack_end, stack_end + 128) on purpose: verbatim);
 *   a write with a8 ≥ heap_end is "Heap overflow", a read there "Illegal Memory Access";
 * - below RAM_START (byte by byte, load_raw/store_raw): past io_end "I/O overflow"; stores
 *   only to the output, panic and termination words ("Illegal device store"); loads from
 *   the regions and from anything at or below RAM_START − 8 (zeros), except the fixed
 *   device ranges (dtb, CLINT, PLIC, UART, disk), which panic "load_raw:<dev> is
 *   unsupported." (stores: "store_raw:<dev> …", checked before the other rules).
 *
 * The device: inputs and advice read from what was placed; the termination word always
 * reads 0 and stores to it vanish (Jolt keeps no termination flag: the prover claims it);
 * a store reaching the panic byte sets the panic flag whatever the value (so a sub-word
 * store anywhere in the panic word does, its SD rewriting the whole word), the other bytes
 * of the panic word read the flag; output stores grow the output bytes.
 *
 * ZeroOS records, beyond Jolt: whether a store left 1 in the termination word (the
 * outcome "terminated"), and which instruction set the panic flag.
 */
import { hex } from '../../errors.js';
import { JOLT_RAM_START, JOLT_STACK_CANARY_SIZE, type JoltMemoryLayout } from '../../platform/jolt-layout.js';
import { JoltRejected } from './errors.js';

/** Upper-case hex as Rust's `{:X}` prints it, with the 0x the messages put before it. */
const X = (value: number): string => '0x' + value.toString(16).toUpperCase();

/** Jolt's fixed device ranges below RAM (mmu.rs load_raw / store_raw), inclusive bounds. */
const LOAD_DEVICES: readonly [number, number, string][] = [
  [0x1020, 0x1fff, 'dtb'],
  [0x0200_0000, 0x0200_ffff, 'clint'],
  [0x0c00_0000, 0x0fff_ffff, 'plic'],
  [0x1000_0000, 0x1000_00ff, 'UART'],
  [0x1000_1000, 0x1000_1fff, 'disk'],
];
const STORE_DEVICES = LOAD_DEVICES.slice(1);

/** An event the report names: which instruction did it, where. */
export interface DeviceEvent {
  readonly pc: number;
  readonly address: number;
}

export class JoltDevice {
  inputs: Uint8Array = new Uint8Array(0);
  trustedAdvice: Uint8Array = new Uint8Array(0);
  untrustedAdvice: Uint8Array = new Uint8Array(0);
  /** The output bytes as the guest wrote them (Jolt's `outputs`: grown to the highest byte written). */
  readonly #outputs: Uint8Array;
  #outputLength = 0;
  panic = false;
  /** The store that first set the panic flag. */
  panicSetBy: DeviceEvent | undefined;
  /** The first store that left 1 in the termination word. */
  terminationBy: DeviceEvent | undefined;
  /** The rule that rejected the run, once one did. */
  rejection: JoltRejected | undefined;

  constructor(readonly layout: JoltMemoryLayout) {
    this.#outputs = new Uint8Array(layout.maxOutputSize);
  }

  get terminated(): boolean {
    return this.terminationBy !== undefined;
  }

  /** The output bytes with trailing zeros trimmed, as Jolt's prover and verifier take them. */
  outputBytes(): Uint8Array {
    let end = this.#outputLength;
    while (end > 0 && this.#outputs[end - 1] === 0) end--;
    return this.#outputs.slice(0, end);
  }

  /** The output region as the guest left it (Jolt's `outputs`, untrimmed). */
  get outputLength(): number {
    return this.#outputLength;
  }

  // ------------------------------------------------------------------ the device

  isInput(b: number): boolean {
    return b >= this.layout.inputStart && b < this.layout.inputEnd;
  }
  isTrustedAdvice(b: number): boolean {
    return b >= this.layout.trustedAdviceStart && b < this.layout.trustedAdviceEnd;
  }
  isUntrustedAdvice(b: number): boolean {
    return b >= this.layout.untrustedAdviceStart && b < this.layout.untrustedAdviceEnd;
  }
  /** Upstream's is_output reaches up to the termination word: the panic word counts as output. */
  isOutput(b: number): boolean {
    return b >= this.layout.outputStart && b < this.layout.termination;
  }
  isPanic(b: number): boolean {
    return b >= this.layout.panic && b < this.layout.termination;
  }
  isTermination(b: number): boolean {
    return b >= this.layout.termination && b < this.layout.ioEnd;
  }

  /** JoltDevice::load: one byte below RAM. */
  loadByte(b: number): number {
    const l = this.layout;
    if (this.isPanic(b)) return this.panic ? 1 : 0;
    if (this.isTermination(b)) return 0;
    if (this.isInput(b)) return this.inputs[b - l.inputStart] ?? 0;
    if (this.isTrustedAdvice(b)) return this.trustedAdvice[b - l.trustedAdviceStart] ?? 0;
    if (this.isUntrustedAdvice(b)) return this.untrustedAdvice[b - l.untrustedAdviceStart] ?? 0;
    if (this.isOutput(b)) return b - l.outputStart < this.#outputLength ? this.#outputs[b - l.outputStart]! : 0;
    return 0; // zero padding (at or below RAM_START − 8)
  }

  /** JoltDevice::store: one byte below RAM (the address already passed the store rules). */
  storeByte(b: number, value: number, pc: number): void {
    const l = this.layout;
    if (b === l.panic) {
      this.panic = true;
      this.panicSetBy ??= { pc, address: b };
      return;
    }
    if (this.isPanic(b) || this.isTermination(b)) return;
    const index = b - l.outputStart;
    // Unreachable from guest stores (is_output ends at the panic word, handled above), kept as upstream has it.
    if (index >= l.maxOutputSize) {
      this.reject(
        'output-too-long',
        `Output too long: guest wrote ${index + 1} bytes, max is ${l.maxOutputSize} bytes (set by MemoryConfig.max_output_size).`,
        pc,
        'raise --max-output-size',
      );
    }
    this.#outputs[index] = value;
    if (index + 1 > this.#outputLength) this.#outputLength = index + 1;
  }

  // ------------------------------------------------------------------ below RAM_START

  /** A load below RAM_START (the window's read hook): Jolt's checks on each byte of the aligned doubleword, then the bytes. */
  readBelowRam(address: number, size: number, pc: number): bigint {
    const a8 = address - (address % 8);
    for (let b = a8; b < a8 + 8; b++) this.checkLoadByte(b, pc);
    let value = 0n;
    for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(this.loadByte(address + i));
    return value;
  }

  /** A store below RAM_START (the window's write hook): sub-word stores as Jolt expands them (LD, merge, SD of the aligned doubleword). */
  writeBelowRam(address: number, size: number, value: bigint, pc: number): void {
    const a8 = address - (address % 8);
    let word = value;
    if (size < 8) {
      let old = 0n;
      for (let b = a8 + 7; b >= a8; b--) {
        this.checkLoadByte(b, pc);
        old = (old << 8n) | BigInt(this.loadByte(b));
      }
      const shift = BigInt((address - a8) * 8);
      const mask = ((1n << BigInt(size * 8)) - 1n) << shift;
      word = (old & ~mask) | ((value << shift) & mask);
    }
    for (let i = 0; i < 8; i++) {
      const b = a8 + i;
      this.checkStoreByte(b, pc);
      this.storeByte(b, Number((word >> BigInt(i * 8)) & 0xffn), pc);
    }
    if (a8 === this.layout.termination && word === 1n) this.terminationBy ??= { pc, address };
  }

  private checkLoadByte(b: number, pc: number): void {
    const l = this.layout;
    if (b > l.ioEnd) this.reject('io-overflow', `I/O overflow: Attempted to read from ${X(b)}. Out of bounds.`, pc);
    // Upstream's "I/O underflow" assert cannot fail here: every address below the lowest
    // region is at or below RAM_START − 8, which it lets through.
    const ok =
      this.isInput(b) || this.isTrustedAdvice(b) || this.isUntrustedAdvice(b) || this.isOutput(b) || this.isPanic(b) || this.isTermination(b) || b <= JOLT_RAM_START - 8;
    if (!ok) this.reject('illegal-device-load', `Illegal device load: Unknown memory mapping: ${X(b)}`, pc);
    for (const [first, last, device] of LOAD_DEVICES) {
      if (b >= first && b <= last) this.reject('unsupported-device', `load_raw:${device} is unsupported.`, pc);
    }
  }

  private checkStoreByte(b: number, pc: number): void {
    for (const [first, last, device] of STORE_DEVICES) {
      if (b >= first && b <= last) this.reject('unsupported-device', `store_raw:${device} is unsupported.`, pc);
    }
    if (b > this.layout.ioEnd) this.reject('io-overflow', `I/O overflow: Attempted to write to ${X(b)}. Out of bounds.`, pc);
    if (!(this.isOutput(b) || this.isPanic(b) || this.isTermination(b))) {
      this.reject('illegal-device-store', `Illegal device store: Unknown memory mapping: ${X(b)}`, pc);
    }
  }

  // ------------------------------------------------------------------ RAM

  /** A store reaching the stack canary's window: Jolt's predicate on the aligned doubleword. */
  writeNearCanary(address: number, pc: number): void {
    const a8 = address - (address % 8);
    const stackEnd = this.layout.stackEnd;
    if (a8 > stackEnd && a8 <= stackEnd + JOLT_STACK_CANARY_SIZE) {
      this.reject(
        'stack-overflow',
        `Stack overflow: attempted to write to ${X(a8)}, which is in the stack canary region. Increase stack_size in MemoryConfig (currently ${this.layout.stackSize} bytes).`,
        pc,
        'link and run with a larger --stack-size',
      );
    }
  }

  /**
   * An access at or beyond heap_end (true: Jolt rejects it; false: its aligned doubleword
   * is still below heap_end, which Jolt lets through).
   */
  beyondHeap(address: number, size: number, access: 'read' | 'write', pc: number): boolean {
    const a8 = address - (address % 8);
    if (a8 < this.layout.heapEnd) return false;
    // A sub-word store is an LD then an SD: the LD's read check fails first.
    if (access === 'read' || size < 8) {
      this.reject('illegal-memory-access', `Illegal Memory Access: Attempted to read from ${X(a8)}.`, pc);
    }
    this.reject(
      'heap-overflow',
      `Heap overflow: attempted to write to ${X(a8)}, which is beyond the heap. Increase heap_size in MemoryConfig (currently ${this.layout.heapSize} bytes).`,
      pc,
      'link and run with a larger --heap-size',
    );
  }

  // ------------------------------------------------------------------ alignment

  /** The hart's alignment policy: Jolt's asserts (no trap: the tracer panics). */
  misaligned(address: bigint, size: number, access: 'read' | 'write', pc: number): never {
    const at = address.toString(16);
    if (size === 8) {
      this.reject('misaligned', access === 'read' ? 'Unaligned load_doubleword' : 'Unaligned store_doubleword', pc);
    }
    if (size === 4) this.reject('misaligned', `RAM access (LW or LWU) is not word aligned: ${at}`, pc);
    this.reject('misaligned', `RAM access (LH or LHU) is not halfword aligned: ${at}`, pc);
  }

  reject(rule: string, message: string, pc: number, hint?: string): never {
    const error = new JoltRejected(message, pc, rule, hint);
    this.rejection ??= error;
    throw error;
  }
}

/** Where a sub-doubleword store or load below RAM lands, for messages: the region's name. */
export function joltRegionAt(layout: JoltMemoryLayout, address: number): string {
  const regions: [string, number, number][] = [
    ['trusted advice', layout.trustedAdviceStart, layout.trustedAdviceEnd],
    ['untrusted advice', layout.untrustedAdviceStart, layout.untrustedAdviceEnd],
    ['input', layout.inputStart, layout.inputEnd],
    ['output', layout.outputStart, layout.outputEnd],
    ['panic word', layout.panic, layout.termination],
    ['termination word', layout.termination, layout.ioEnd],
  ];
  for (const [name, start, end] of regions) if (address >= start && address < end) return name;
  return hex(address);
}

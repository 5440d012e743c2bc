/**
 * The HookContext a hooked instruction's host function gets (contract in isa/types.ts):
 * one per hart, refilled for each hooked instruction, so running one allocates nothing
 * beyond what the hook itself asks for.
 */
import { MemoryFault } from '../memory/types.js';
import type { HookContext } from './isa/types.js';
import type { RegisteredInstruction } from './isa/registry.js';
import type { MemoryPort } from './memory-port.js';
import type { HartState } from './state.js';

const TWO53 = 2 ** 53;

export class InstructionHookContext implements HookContext {
  pc = 0;
  bits = 0;
  length: 2 | 4 = 4;
  op = 0;
  mnemonic = '';
  rd = 0;
  rs1 = 0;
  rs2 = 0;
  imm = 0;
  instret = 0;

  constructor(
    private readonly state: HartState,
    private readonly port: MemoryPort,
  ) {
    this.pc = this.instret = 0.5;
    this.pc = this.instret = 0;
  }

  /** Refills the context for the instruction `r` at pc (`info`/`imm` as decoded). */
  enter(r: RegisteredInstruction, pc: number, raw: number, len: number, info: number, imm: number): void {
    this.pc = pc;
    this.bits = raw >>> 0;
    this.length = len === 2 ? 2 : 4;
    this.op = r.id;
    this.mnemonic = r.def.mnemonic;
    const rd = ((info >> 8) & 0xff) >> 1;
    this.rd = rd === 32 ? 0 : rd;
    this.rs1 = ((info >> 16) & 0xff) >> 1;
    this.rs2 = r.def.format === 'csri' ? info >>> 24 : (info >>> 24) >> 1;
    this.imm = imm;
    this.instret = this.state.retired;
  }

  getX(index: number): bigint {
    return this.state.x64[index & 31]!;
  }

  setX(index: number, value: bigint): void {
    if ((index & 31) !== 0) this.state.x64[index & 31] = BigInt.asUintN(64, value);
  }

  getXLow(index: number): number {
    return this.state.x[2 * (index & 31)]!;
  }

  getXHigh(index: number): number {
    return this.state.x[2 * (index & 31) + 1]!;
  }

  setXWords(index: number, lo: number, hi: number): void {
    const i = index & 31;
    if (i === 0) return;
    this.state.x[2 * i] = lo;
    this.state.x[2 * i + 1] = hi;
  }

  readMemory(address: bigint | number, length: number): Uint8Array {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`readMemory: bad length ${length}`);
    return this.port.readBytes(this.address(address, length, 'read'), length, this.pc);
  }

  writeMemory(address: bigint | number, bytes: Uint8Array): void {
    this.port.writeBytes(this.address(address, bytes.length, 'write'), bytes, this.pc);
  }

  stop(): void {
    this.port.requestStop();
  }

  /** `address` as a number, or the fault of a range past what guest memory can hold. */
  private address(address: bigint | number, length: number, access: 'read' | 'write'): number {
    const a = typeof address === 'bigint' ? BigInt.asUintN(64, address) : BigInt(Math.trunc(address));
    if (a < 0n || a + BigInt(length) > BigInt(TWO53)) throw new MemoryFault(BigInt.asUintN(64, a), access, 'unmapped', this.pc);
    return Number(a);
  }
}

/**
 * HTIF, the host-target interface of Spike's front-end server (riscv-isa-sim fesvr/), as
 * ZeroOS's Spike platform uses it (ZeroOS crates/htif/src/htif.rs):
 *
 *   tohost   (guest → host)  device[63:56] | command[55:48] | payload[47:0]
 *   fromhost (host → guest)  the same shape: the answer keeps the request's device and command
 *
 *   device 0 (syscall proxy), command 0, payload bit 0 set   exit: code = payload >> 1
 *   device 0 (syscall proxy), command 0, payload bit 0 clear run host syscall from magic_mem: REFUSED
 *   device 1 (console), command 1                            putchar(payload & 0xff), no answer
 *   device 1 (console), command 0                            getchar: answer 0x100 | ch in fromhost
 *
 * Spike reads tohost between batches of 5,000 instructions (sim.h INTERLEAVE), writes 0
 * to it and then serves the packet; answers go to fromhost when the guest has emptied it.
 * Here the packet is served the moment the guest's store completes it, so tohost reads
 * back 0 on the very next load: the same output and exit code, but a guest spinning on
 * tohost (`while (tohost != 0)`) spins far less than on Spike (up to ~5,000 instructions
 * per packet there), so instruction counts differ from Spike's.
 */
import type { GuestMemory } from '../../arch/memory/types.js';
import type { IoWindow } from '../../arch/riscv64/memory-port.js';
import { HtifNoInput, HtifSyscallProxyRefused, HtifUnknownCommand } from './errors.js';

export const HTIF_DEVICE_SYSCALL = 0;
export const HTIF_DEVICE_CONSOLE = 1;
export const HTIF_CMD_GETCHAR = 0;
export const HTIF_CMD_PUTCHAR = 1;
const PAYLOAD_MASK = 0xffff_ffff_ffffn;

/** Where the mailbox words are (the ELF's `tohost` and `fromhost` symbols). */
export interface HtifAddresses {
  readonly tohost: number;
  readonly fromhost: number;
}

/** What the host side does with the packets it understands. */
export interface HtifHostServices {
  readonly memory: GuestMemory;
  /** Console putchar: one byte to the guest's stdout. */
  putchar(byte: number): void;
  /** Console getchar: one byte of stdin, or undefined at its end. */
  getchar(): number | undefined;
  /** HTIF exit: end the run after this store with `code` (payload >> 1). */
  exit(code: number, packet: bigint, pc: number): void;
}

/** Counters for --stats and the run's report. */
export interface HtifCounts {
  /** Packets served (every non-zero tohost word). */
  readonly packets: number;
  readonly putchar: number;
  readonly getchar: number;
  /** The exit packet, when the guest sent one. */
  readonly exit?: { readonly code: number; readonly packet: bigint; readonly pc: number };
}

/** The device side of HTIF: two I/O windows over the mailbox words. */
export class HtifHost {
  #packets = 0;
  #putchar = 0;
  #getchar = 0;
  #exit: HtifCounts['exit'];
  /** Answers not yet delivered because fromhost was still full (Spike's fromhost_queue). */
  readonly #answers: bigint[] = [];

  constructor(
    readonly addresses: HtifAddresses,
    private readonly services: HtifHostServices,
  ) {}

  get counts(): HtifCounts {
    return { packets: this.#packets, putchar: this.#putchar, getchar: this.#getchar, ...(this.#exit ? { exit: this.#exit } : {}) };
  }

  /** The windows to install on the hart: tohost (packets) and fromhost (answers taken). */
  windows(): IoWindow[] {
    const { tohost, fromhost } = this.addresses;
    return [
      // A packet is complete when a store reaches the word's last byte: an 8-byte `sd`, or
      // the upper half of two 32-bit stores (qemu's HTIF also acts on the upper half; Spike
      // reads whatever the word holds when it polls).
      {
        start: tohost,
        end: tohost + 8,
        write: (address, size, _value, pc) => {
          if (address + size >= tohost + 8) this.tohostWritten(pc);
        },
      },
      {
        start: fromhost,
        end: fromhost + 8,
        write: (address, size) => {
          if (address + size >= fromhost + 8) this.deliver();
        },
      },
    ];
  }

  private tohostWritten(pc: number): void {
    const { memory } = this.services;
    const { tohost } = this.addresses;
    const packet = memory.readU64(tohost);
    if (packet === 0n) return;
    // Spike clears tohost first, then serves the packet.
    memory.poke(tohost, new Uint8Array(8));
    this.#packets++;
    const device = Number(packet >> 56n);
    const command = Number((packet >> 48n) & 0xffn);
    const payload = packet & PAYLOAD_MASK;
    if (device === HTIF_DEVICE_SYSCALL && command === 0) {
      if ((payload & 1n) === 0n) throw new HtifSyscallProxyRefused(pc, payload, this.proxiedSyscall(payload));
      const code = Number(payload >> 1n);
      this.#exit = { code, packet, pc };
      this.services.exit(code, packet, pc);
      return;
    }
    if (device === HTIF_DEVICE_CONSOLE && command === HTIF_CMD_PUTCHAR) {
      this.#putchar++;
      this.services.putchar(Number(payload & 0xffn));
      return;
    }
    if (device === HTIF_DEVICE_CONSOLE && command === HTIF_CMD_GETCHAR) {
      this.#getchar++;
      const ch = this.services.getchar();
      if (ch === undefined) throw new HtifNoInput(pc);
      // fesvr command_t::respond: the request's device and command, the answer as payload.
      this.#answers.push(((packet >> 48n) << 48n) | BigInt(0x100 | ch));
      this.deliver();
      return;
    }
    throw new HtifUnknownCommand(pc, packet);
  }

  /** Spike hands the next answer over only while fromhost reads 0 (the guest took the last). */
  private deliver(): void {
    if (this.#answers.length === 0) return;
    const { memory } = this.services;
    const { fromhost } = this.addresses;
    if (memory.readU64(fromhost) !== 0n) return;
    const word = new Uint8Array(8);
    new DataView(word.buffer).setBigUint64(0, this.#answers.shift()!, true);
    memory.poke(fromhost, word);
  }

  /** magic_mem[0], the syscall number the proxy was asked for, when it is readable. */
  private proxiedSyscall(address: bigint): bigint | undefined {
    try {
      return this.services.memory.readU64(Number(address));
    } catch {
      return undefined;
    }
  }
}

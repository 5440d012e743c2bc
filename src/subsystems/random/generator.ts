import { chacha20 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';

/** Bytes of keystream produced per refill (a multiple of the 64-byte ChaCha block). */
const REFILL = 4096;

/**
 * The run's one source of randomness: a ChaCha20 keystream keyed by SHA-256 of the seed.
 * Everything random the guest sees (getrandom, /dev/urandom) is drawn from it in
 * order, so the same seed gives the same bytes.
 */
export class SeededRandom {
  readonly #key: Uint8Array;
  readonly #nonce = new Uint8Array(12);
  #counter = 0;
  #buffer = new Uint8Array(0);
  #offset = 0;

  constructor(seed: bigint, domain = 'zeroos.random') {
    const seedBytes = new Uint8Array(8);
    new DataView(seedBytes.buffer).setBigUint64(0, BigInt.asUintN(64, seed), true);
    this.#key = sha256(new Uint8Array([...new TextEncoder().encode(domain), ...seedBytes]));
  }

  /** The next `length` bytes of the stream. */
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      if (this.#offset === this.#buffer.length) this.refill();
      const n = Math.min(length - filled, this.#buffer.length - this.#offset);
      out.set(this.#buffer.subarray(this.#offset, this.#offset + n), filled);
      this.#offset += n;
      filled += n;
    }
    return out;
  }

  private refill(): void {
    this.#buffer = chacha20(this.#key, this.#nonce, new Uint8Array(REFILL), undefined, this.#counter);
    this.#counter += REFILL / 64;
    this.#offset = 0;
  }
}

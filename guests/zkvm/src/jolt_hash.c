/* jolt_hash: Jolt host-trap-mode musl program. Reads a postcard Vec<u8> (varint length, then
 * the bytes) from the input region (__input_start), computes its SHA-256 in plain C, writes
 * the 32-byte digest to the output region (__output_start: postcard's [u8; 32] is the 32 raw
 * bytes), prints "sha256(<n> bytes) = <hex>", stores 1 to the termination byte and ends with
 * exit(0). A length that does not fit the input region prints an error and exit(2) without
 * the termination store. Input guests/expected/jolt/jolt_hash.input = postcard("abc"). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

extern const volatile uint8_t __input_start[], __input_end[];
extern volatile uint8_t __output_start[], __termination[];

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress(uint32_t h[8], const uint8_t block[64])
{
    uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)block[4 * i] << 24 | (uint32_t)block[4 * i + 1] << 16 | (uint32_t)block[4 * i + 2] << 8 | block[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4]; f = h[5]; g = h[6]; k = h[7];
    for (int i = 0; i < 64; i++) {
        t1 = k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

static void sha256(const volatile uint8_t *msg, uint64_t len, uint8_t out[32])
{
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    uint8_t block[64];
    uint64_t done = 0;
    int fill = 0, extra_done = 0;
    for (;;) {
        /* the message, then 0x80, zeros, and the bit length in the last 8 bytes */
        while (fill < 64 && done < len) block[fill++] = msg[done++];
        if (fill == 64) { compress(h, block); fill = 0; continue; }
        if (!extra_done) { block[fill++] = 0x80; extra_done = 1; }
        if (fill > 56) { while (fill < 64) block[fill++] = 0; compress(h, block); fill = 0; }
        while (fill < 56) block[fill++] = 0;
        for (int i = 0; i < 8; i++) block[56 + i] = (uint8_t)((len * 8) >> (56 - 8 * i));
        compress(h, block);
        break;
    }
    for (int i = 0; i < 32; i++) out[i] = (uint8_t)(h[i / 4] >> (24 - 8 * (i % 4)));
}

int main(void)
{
    /* postcard: a Vec<u8> is a LEB128 varint length, then the bytes */
    uint64_t len = 0;
    unsigned shift = 0;
    const volatile uint8_t *p = __input_start;
    for (;;) {
        uint8_t byte = *p++;
        len |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) break;
        shift += 7;
        if (shift > 63 || p == __input_end) { printf("jolt_hash: bad varint\n"); exit(2); }
    }
    if (len > (uint64_t)(__input_end - p)) {
        printf("jolt_hash: length %llu does not fit the input region\n", (unsigned long long)len);
        exit(2);
    }
    uint8_t digest[32];
    sha256(p, len, digest);
    for (int i = 0; i < 32; i++) __output_start[i] = digest[i];
    printf("sha256(%llu bytes) = ", (unsigned long long)len);
    for (int i = 0; i < 32; i++) printf("%02x", digest[i]);
    printf("\n");
    __termination[0] = 1;
    exit(0);
}

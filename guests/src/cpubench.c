/* cpubench: integer CPU benchmark over static buffers.
 *
 * Each round:
 *   1. fills a 16 KiB buffer from a 64-bit LCG,
 *   2. hashes it with SHA-256 (own implementation), chaining the previous digest in,
 *   3. sorts 2048 32-bit keys derived from it (iterative quicksort + insertion sort),
 *   4. folds the sorted keys into a running checksum (verifying the order).
 * The work is almost entirely integer ALU ops, loads/stores and branches; built for
 * rv64imac, so most of it is compressed instructions. No time, no addresses, no
 * randomness: the output depends only on the round count.
 *
 * usage: cpubench [ROUNDS]   (default 120: about 200 million instructions;
 *        one round is about 1.7 million)
 * Prints the final digest and checksum; exits 0 (1 if a sort check fails). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_BYTES 16384
#define NKEYS 2048

static uint8_t buf[BUF_BYTES];
static uint32_t keys[NKEYS];

/* ---------------------------------------------------------------- SHA-256 */
typedef struct {
    uint32_t h[8];
    uint64_t len;
    uint8_t block[64];
    unsigned fill;
} sha256_ctx;

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

static void sha256_block(uint32_t h[8], const uint8_t *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha256_init(sha256_ctx *c)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, iv, sizeof iv);
    c->len = 0;
    c->fill = 0;
}

static void sha256_update(sha256_ctx *c, const uint8_t *p, size_t n)
{
    c->len += n;
    while (n > 0) {
        if (c->fill == 0 && n >= 64) {
            sha256_block(c->h, p);
            p += 64; n -= 64;
            continue;
        }
        unsigned take = 64 - c->fill;
        if (take > n) take = (unsigned)n;
        memcpy(c->block + c->fill, p, take);
        c->fill += take; p += take; n -= take;
        if (c->fill == 64) { sha256_block(c->h, c->block); c->fill = 0; }
    }
}

static void sha256_final(sha256_ctx *c, uint8_t out[32])
{
    uint64_t bits = c->len * 8;
    uint8_t pad[72] = {0x80};
    size_t padlen = (c->fill < 56) ? 56 - c->fill : 120 - c->fill;
    for (int i = 0; i < 8; i++) pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(c, pad, padlen + 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(c->h[i] >> 24); out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(c->h[i] >> 8); out[4 * i + 3] = (uint8_t)c->h[i];
    }
}

/* ------------------------------------------------------------------- sort */
static void insertion_sort(uint32_t *a, long lo, long hi)
{
    for (long i = lo + 1; i <= hi; i++) {
        uint32_t v = a[i];
        long j = i - 1;
        while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static void quicksort(uint32_t *a, long n)
{
    long stack[128];
    int sp = 0;
    stack[sp++] = 0; stack[sp++] = n - 1;
    while (sp > 0) {
        long hi = stack[--sp], lo = stack[--sp];
        while (hi - lo > 16) {
            long mid = lo + (hi - lo) / 2;
            /* median of three */
            if (a[mid] < a[lo]) { uint32_t t = a[mid]; a[mid] = a[lo]; a[lo] = t; }
            if (a[hi] < a[lo]) { uint32_t t = a[hi]; a[hi] = a[lo]; a[lo] = t; }
            if (a[hi] < a[mid]) { uint32_t t = a[hi]; a[hi] = a[mid]; a[mid] = t; }
            uint32_t pivot = a[mid];
            long i = lo, j = hi;
            while (i <= j) {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) { uint32_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
            }
            /* push the larger part, loop on the smaller one: bounded stack */
            if (j - lo > hi - i) {
                if (lo < j) { stack[sp++] = lo; stack[sp++] = j; }
                lo = i;
            } else {
                if (i < hi) { stack[sp++] = i; stack[sp++] = hi; }
                hi = j;
            }
        }
        insertion_sort(a, lo, hi);
    }
}

/* ------------------------------------------------------------------- main */
int main(int argc, char **argv)
{
    long rounds = 120;
    if (argc > 1) rounds = strtol(argv[1], NULL, 10);
    if (rounds < 1) rounds = 1;

    uint64_t lcg = 0x2545F4914F6CDD1DULL;
    uint8_t digest[32] = {0};
    uint64_t checksum = 0xcbf29ce484222325ULL; /* FNV offset basis */
    int bad = 0;

    for (long r = 0; r < rounds; r++) {
        /* 1. fill */
        for (int i = 0; i < BUF_BYTES; i += 8) {
            lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
            uint64_t v = lcg ^ (lcg >> 29);
            memcpy(buf + i, &v, 8);
        }
        /* 2. hash (chained with the previous digest) */
        sha256_ctx c;
        sha256_init(&c);
        sha256_update(&c, digest, sizeof digest);
        sha256_update(&c, buf, BUF_BYTES);
        sha256_final(&c, digest);
        /* 3. keys from the buffer, mixed with the digest, then sort */
        for (int i = 0; i < NKEYS; i++) {
            uint32_t k;
            memcpy(&k, buf + 4 * i, 4);
            k ^= (uint32_t)digest[i & 31] << ((i & 3) * 8);
            keys[i] = k * 2654435761u;
        }
        quicksort(keys, NKEYS);
        /* 4. verify + checksum */
        for (int i = 0; i < NKEYS; i++) {
            if (i > 0 && keys[i - 1] > keys[i]) bad++;
            checksum = (checksum ^ keys[i]) * 0x100000001b3ULL; /* FNV-1a over words */
        }
        checksum += (uint64_t)keys[NKEYS / 2] << 32 | keys[0];
    }

    printf("cpubench rounds=%ld\n", rounds);
    printf("sha256=");
    for (int i = 0; i < 32; i++) printf("%02x", digest[i]);
    printf("\nchecksum=%016llx\n", (unsigned long long)checksum);
    printf("sorted=%s\n", bad ? "NO" : "yes");
    return bad ? 1 : 0;
}

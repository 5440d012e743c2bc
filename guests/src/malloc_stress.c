/* malloc_stress: malloc/calloc/realloc/free stress driven by a seeded LCG.
 *
 * 10000 random operations over 256 slots with sizes from 16 B to 1 MiB: about
 * 4% of the blocks are larger than musl's mmap threshold (mallocng: 131052 bytes),
 * so they come from mmap/munmap and their reallocs use mremap; the rest come from
 * mallocng's groups (brk and mmap). Every block is filled with a pattern derived
 * from its id; the pattern is verified before each free and before/after each
 * realloc (growth and shrinking: the common prefix must survive), calloc'd blocks
 * must read zero. Blocks up to 512 bytes are checked in full (every 8-byte word
 * and the tail bytes), bigger ones at every 256th byte (up to 64 KiB) or every
 * 1024th byte (every page is still touched), and always their last 8 bytes.
 * Then a burst of 3000 small live blocks, posix_memalign alignments, and
 * requests that must fail: malloc(1 << 40) (the kernel must refuse the mapping:
 * NULL, errno ENOMEM), malloc(SIZE_MAX - 4096) and an overflowing calloc.
 * Prints counts and a checksum (of the sequence of block ids and sizes);
 * nothing depends on addresses. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 256
#define OPS 10000
#define MAXSZ (1u << 20)
#define MMAP_THRESHOLD 131052 /* mallocng */

static uint64_t lcg = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(void)
{
    lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(lcg >> 33);
}
static size_t rnd_range(size_t lo, size_t hi) { return lo + rnd() % (hi - lo + 1); }

/* the pattern of block `id`: the word at offset k holds pat_base(id) ^ k */
static uint64_t pat_base(uint32_t id) { return (uint64_t)id * 0x9E3779B97F4A7C15ull; }

static size_t stride_for(size_t size) { return size <= 512 ? 8 : size <= 65536 ? 256 : 1024; }

static uint64_t checksum = 0xcbf29ce484222325ull;
static void mix(uint64_t v) { checksum = (checksum ^ v) * 0x100000001b3ull; }

/* The sampled positions of a block of `size` bytes: the 8-byte words at the
 * multiples of stride_for(size) that end before the last 8 bytes, and each of
 * the last 8 bytes (or of all bytes, for blocks under 8 bytes). */
static size_t tail_of(size_t size) { return size > 8 ? size - 8 : 0; }

static void fill(unsigned char *p, size_t size, uint32_t id)
{
    size_t st = stride_for(size), t = tail_of(size);
    uint64_t b = pat_base(id);
    for (size_t k = 0; k + 8 <= t; k += st) memcpy(p + k, &(uint64_t){b ^ k}, 8);
    for (size_t k = t; k < size; k++) p[k] = (unsigned char)(b ^ k);
}

/* check the positions that fill(p, size, id) wrote below `upto` */
static int verify(const unsigned char *p, size_t size, size_t upto, uint32_t id)
{
    size_t st = stride_for(size), t = tail_of(size);
    uint64_t b = pat_base(id);
    for (size_t k = 0; k + 8 <= t && k + 8 <= upto; k += st) {
        uint64_t v;
        memcpy(&v, p + k, 8);
        if (v != (b ^ k)) return 0;
    }
    for (size_t k = t; k < size && k < upto; k++)
        if (p[k] != (unsigned char)(b ^ k)) return 0;
    return 1;
}

static int zero_sampled(const unsigned char *p, size_t size)
{
    size_t st = stride_for(size);
    for (size_t k = 0; k + 8 <= size; k += st) {
        uint64_t v;
        memcpy(&v, p + k, 8);
        if (v) return 0;
    }
    for (size_t k = tail_of(size); k < size; k++)
        if (p[k]) return 0;
    return 1;
}

static size_t pick_size(void)
{
    uint32_t r = rnd() % 1000;
    if (r < 550) return rnd_range(16, 256);
    if (r < 850) return rnd_range(257, 4096);
    if (r < 960) return rnd_range(4097, 65536);
    if (r < 990) return rnd_range(65537, 262144);
    return rnd_range(262145, MAXSZ);
}

static void die(const char *what, uint32_t id)
{
    printf("malloc_stress: FAILED: %s (block %u)\n", what, (unsigned)id);
    exit(1);
}

int main(void)
{
    static unsigned char *blk[SLOTS];
    static size_t sz[SLOTS];
    static uint32_t ids[SLOTS];
    uint32_t next_id = 1;
    long n_malloc = 0, n_calloc = 0, n_grow = 0, n_shrink = 0, n_free = 0, n_big = 0, n_big_realloc = 0;
    size_t live = 0, peak = 0;

    for (int op = 0; op < OPS; op++) {
        int i = (int)(rnd() % SLOTS);
        if (!blk[i]) {
            size_t s = pick_size();
            uint32_t id = next_id++;
            if (rnd() % 10 < 3) {
                blk[i] = calloc(1, s);
                if (!blk[i]) die("calloc returned NULL", id);
                if (!zero_sampled(blk[i], s)) die("calloc memory not zero", id);
                n_calloc++;
            } else {
                blk[i] = malloc(s);
                if (!blk[i]) die("malloc returned NULL", id);
                n_malloc++;
            }
            if (s > MMAP_THRESHOLD) n_big++;
            fill(blk[i], s, id);
            mix(id); mix(s);
            sz[i] = s; ids[i] = id;
            live += s;
        } else if (rnd() % 10 < 6) {
            if (!verify(blk[i], sz[i], sz[i], ids[i])) die("pattern broken before free", ids[i]);
            free(blk[i]);
            mix(ids[i]);
            blk[i] = NULL;
            live -= sz[i];
            n_free++;
        } else {
            size_t old = sz[i], s;
            uint32_t f = rnd_range(2, 4);
            if (rnd() & 1) { s = old * f; if (s > MAXSZ) s = MAXSZ; }
            else { s = old / f; if (s < 16) s = 16; }
            if (!verify(blk[i], old, old, ids[i])) die("pattern broken before realloc", ids[i]);
            unsigned char *q = realloc(blk[i], s);
            if (!q) die("realloc returned NULL", ids[i]);
            blk[i] = q;
            /* the common prefix keeps the old pattern (checked with the old sampling) */
            size_t keep = s < old ? s : old;
            if (!verify(q, old, keep, ids[i])) die("realloc lost contents", ids[i]);
            if (s >= old) n_grow++; else n_shrink++;
            if (s > MMAP_THRESHOLD || old > MMAP_THRESHOLD) n_big_realloc++;
            uint32_t id = next_id++;
            fill(q, s, id);
            mix(id); mix(s);
            sz[i] = s; ids[i] = id;
            live = live - old + s;
        }
        if (live > peak) peak = live;
    }
    long left = 0;
    for (int i = 0; i < SLOTS; i++)
        if (blk[i]) {
            if (!verify(blk[i], sz[i], sz[i], ids[i])) die("pattern broken at the end", ids[i]);
            free(blk[i]);
            left++;
        }
    printf("random phase: ops=%d malloc=%ld calloc=%ld realloc_grow=%ld realloc_shrink=%ld free=%ld\n",
           OPS, n_malloc, n_calloc, n_grow, n_shrink, n_free);
    printf("random phase: above_mmap_threshold=%ld reallocs_of_big=%ld freed_at_end=%ld peak_live=%zu\n",
           n_big, n_big_realloc, left, peak);

    /* burst: 3000 small blocks live at once, freed odd ones first then even ones */
    enum { BURST = 3000 };
    static unsigned char *b[BURST];
    for (int k = 0; k < BURST; k++) {
        size_t s = 16 + (size_t)(k % 48) * 8;
        if (!(b[k] = malloc(s))) die("burst malloc", (uint32_t)k);
        fill(b[k], s, 100000u + (uint32_t)k);
    }
    for (int pass = 1; pass >= 0; pass--)
        for (int k = pass; k < BURST; k += 2) {
            if (!verify(b[k], 16 + (size_t)(k % 48) * 8, 16 + (size_t)(k % 48) * 8, 100000u + (uint32_t)k))
                die("burst pattern", (uint32_t)k);
            free(b[k]);
        }
    printf("burst: %d blocks ok\n", BURST);

    /* alignment */
    int align_ok = 1;
    for (size_t al = 16; al <= 65536; al *= 4) {
        void *p = NULL;
        if (posix_memalign(&p, al, 1000 + al) != 0 || ((uintptr_t)p & (al - 1))) align_ok = 0;
        if (p) { memset(p, 0x3c, 1000 + al); free(p); }
    }
    void *ap = aligned_alloc(4096, 3 * 4096);
    if (!ap || ((uintptr_t)ap & 4095)) align_ok = 0;
    free(ap);
    printf("posix_memalign 16..65536 + aligned_alloc(4096): %s\n", align_ok ? "ok" : "FAIL");

    /* requests that must fail (sizes through volatiles: no compile-time warnings) */
    volatile size_t huge_sz = (size_t)1 << 40, over_sz = SIZE_MAX - 4096, half = (size_t)1 << 33;
    errno = 0;
    void *huge = malloc(huge_sz);
    printf("malloc(1<<40): %s, errno %s\n", huge ? "not NULL (FAIL)" : "NULL",
           errno == ENOMEM ? "ENOMEM" : errno ? "other" : "0");
    free(huge);
    errno = 0;
    void *over = malloc(over_sz);
    printf("malloc(SIZE_MAX-4096): %s, errno %s\n", over ? "not NULL (FAIL)" : "NULL",
           errno == ENOMEM ? "ENOMEM" : errno ? "other" : "0");
    errno = 0;
    void *cov = calloc(half, half);
    printf("calloc(1<<33, 1<<33): %s, errno %s\n", cov ? "not NULL (FAIL)" : "NULL",
           errno == ENOMEM ? "ENOMEM" : errno ? "other" : "0");

    /* still usable after the failures */
    char *s = malloc(64);
    snprintf(s, 64, "heap still usable");
    printf("%s\n", s);
    free(s);
    printf("checksum=%016llx\n", (unsigned long long)checksum);
    return 0;
}

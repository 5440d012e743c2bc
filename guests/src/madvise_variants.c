/* madvise_variants: what each madvise advice does to private anonymous memory, and the
 * errors Linux gives: EINVAL for unknown advice or a misaligned start, ENOMEM when the
 * range has unmapped pages (the advice still applies to the mapped ones), 0 for a length
 * of 0. MADV_DONTNEED makes private anonymous pages read as zeros; the advisory kinds
 * (NORMAL, RANDOM, SEQUENTIAL, WILLNEED, HUGEPAGE, NOHUGEPAGE, DONTFORK, DOFORK, COLD,
 * PAGEOUT, DONTDUMP, DODUMP, KEEPONFORK, WIPEONFORK) keep the contents. MADV_REMOVE needs
 * a shared mapping (EINVAL on private anonymous memory). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

static const char *err(int r)
{
    if (r == 0) return "0";
    switch (errno) {
    case EINVAL: return "EINVAL";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EBADF: return "EBADF";
    default: return "other";
    }
}

int main(void)
{
    const long page = 4096;
    char *p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) { printf("mmap failed\n"); return 1; }
    static const struct { int advice; const char *name; } kinds[] = {
        {MADV_NORMAL, "MADV_NORMAL"}, {MADV_RANDOM, "MADV_RANDOM"}, {MADV_SEQUENTIAL, "MADV_SEQUENTIAL"},
        {MADV_WILLNEED, "MADV_WILLNEED"}, {MADV_HUGEPAGE, "MADV_HUGEPAGE"}, {MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE"},
        {MADV_DONTFORK, "MADV_DONTFORK"}, {MADV_DOFORK, "MADV_DOFORK"}, {MADV_COLD, "MADV_COLD"},
        {MADV_PAGEOUT, "MADV_PAGEOUT"}, {MADV_DONTDUMP, "MADV_DONTDUMP"}, {MADV_DODUMP, "MADV_DODUMP"},
        {MADV_WIPEONFORK, "MADV_WIPEONFORK"}, {MADV_KEEPONFORK, "MADV_KEEPONFORK"},
    };
    for (unsigned i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        memset(p, 'a' + i, 4 * page);
        int r = madvise(p, 4 * page, kinds[i].advice);
        printf("%-16s = %s, contents kept: %s\n", kinds[i].name, err(r), p[0] == 'a' + (int)i && p[4 * page - 1] == 'a' + (int)i ? "yes" : "no");
    }
    memset(p, 'x', 4 * page);
    const char *r2 = err(madvise(p + page, 2 * page, MADV_DONTNEED));
    printf("MADV_DONTNEED    = %s", r2);
    printf(", pages read: %c %d %d %c\n", p[0], p[page], p[3 * page - 1], p[3 * page]);
    memset(p, 'y', 4 * page);
    p[0] = 'y';
    const char *r1 = err(madvise(p, 1, MADV_DONTNEED));
    printf("MADV_DONTNEED, length 1 (a whole page) = %s, first byte %d\n", r1, p[0]);
    printf("length 0         = %s\n", err(madvise(p, 0, MADV_DONTNEED)));
    printf("unknown advice 9999 = %s\n", err(madvise(p, page, 9999)));
    printf("misaligned start = %s\n", err(madvise(p + 1, page, MADV_NORMAL)));
    printf("MADV_REMOVE on private anonymous = %s\n", err(madvise(p, page, MADV_REMOVE)));

    /* A hole in the middle: ENOMEM, and the mapped pages still get the advice. */
    munmap(p + page, page);
    memset(p, 'z', page);
    memset(p + 2 * page, 'z', 2 * page);
    printf("MADV_NORMAL over a hole = %s\n", err(madvise(p, 4 * page, MADV_NORMAL)));
    printf("MADV_DONTNEED over a hole = %s", err(madvise(p, 4 * page, MADV_DONTNEED)));
    printf(", mapped pages read: %d %d\n", p[0], p[2 * page]);
    munmap(p, 4 * page);
    printf("MADV_WILLNEED on unmapped memory = %s\n", err(madvise(p, page, MADV_WILLNEED)));
    printf("done\n");
    return 0;
}

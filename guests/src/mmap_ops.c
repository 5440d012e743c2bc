/* mmap_ops: the memory-mapping system calls used directly, one line per check.
 *
 * Anonymous private mappings (write, read back), a partial munmap of the middle
 * page, MAP_FIXED over an existing mapping (contents replaced by zeros),
 * MAP_FIXED_NOREPLACE on an occupied range (EEXIST), a PROT_NONE reservation
 * made usable with mprotect, MADV_DONTNEED on a private anonymous page (reads
 * back as zeros), mremap growth (in place impossible -> MREMAP_MAYMOVE moves and
 * keeps the contents) and shrinking, brk growth/shrink through the raw syscall,
 * and the usual error cases. Whether a range is mapped is tested with
 * mprotect(PROT_READ|PROT_WRITE): 0 when every page is mapped, ENOMEM otherwise.
 * Addresses are never printed, only results, errno names and contents.
 *
 * qemu-user 7.2 ignores MAP_FIXED_NOREPLACE (it maps elsewhere, as kernels before
 * 4.17 did); the recorded reference has the Linux answer (EEXIST): see
 * mmap_ops.qemu-fix. Checks where qemu-user differs from Linux in other ways
 * (madvise with an unknown advice, mremap to length 0) are left out. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define PG 4096UL
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static const char *ename(int e)
{
    switch (e) {
    case 0: return "0";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EINTR: return "EINTR";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case EINVAL: return "EINVAL";
    case ENFILE: return "ENFILE";
    case EFBIG: return "EFBIG";
    case ENOSYS: return "ENOSYS";
    case EOVERFLOW: return "EOVERFLOW";
    default: {
        static char buf[32];
        snprintf(buf, sizeof buf, "errno%d", e);
        return buf;
    }
    }
}

static void check(const char *what, int ok, const char *detail)
{
    printf("%-44s %s%s%s\n", what, ok ? "ok" : "FAIL", detail ? "  " : "", detail ? detail : "");
}

/* expect a call that returned -1 / MAP_FAILED with errno `want` */
static void check_err(const char *what, int failed, int want)
{
    char d[64];
    int e = failed ? errno : 0;
    snprintf(d, sizeof d, "-> %s", failed ? ename(e) : "succeeded");
    check(what, failed && e == want, d);
}

static int mapped(void *p, size_t len) /* 1: every page of [p, p+len) is mapped */
{
    return mprotect(p, len, RW) == 0;
}

static void fill(unsigned char *p, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++) p[i] = (unsigned char)(seed + i * 7);
}

static int has_fill(const unsigned char *p, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != (unsigned char)(seed + i * 7)) return 0;
    return 1;
}

static int all_zero(const unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i]) return 0;
    return 1;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    unsigned char *p, *q;

    /* --- basic anonymous mapping: zero-filled, writable, readable */
    p = mmap(NULL, 8 * PG, RW, ANON, -1, 0);
    check("mmap anon 8 pages", p != MAP_FAILED, NULL);
    check("fresh mapping reads zero", all_zero(p, 8 * PG), NULL);
    fill(p, 8 * PG, 1);
    check("write/read back 8 pages", has_fill(p, 8 * PG, 1), NULL);
    check("page alignment", ((uintptr_t)p & (PG - 1)) == 0, NULL);
    check("munmap 8 pages", munmap(p, 8 * PG) == 0, NULL);
    check("unmapped afterwards", !mapped(p, PG) && errno == ENOMEM, NULL);

    /* --- partial munmap of the middle page */
    p = mmap(NULL, 3 * PG, RW, ANON, -1, 0);
    fill(p, 3 * PG, 2);
    check("munmap middle page of 3", munmap(p + PG, PG) == 0, NULL);
    check("first page intact", has_fill(p, PG, 2), NULL);
    check("last page intact", has_fill(p + 2 * PG, PG, 2 + 2 * PG * 7), NULL);
    p[0] = 0x11; p[3 * PG - 1] = 0x22;
    check("both remaining pages writable", p[0] == 0x11 && p[3 * PG - 1] == 0x22, NULL);
    check("middle page unmapped", !mapped(p + PG, PG), NULL);
    check("first+last still mapped", mapped(p, PG) && mapped(p + 2 * PG, PG), NULL);
    check("munmap across the hole", munmap(p, 3 * PG) == 0, NULL);
    check("all 3 pages gone", !mapped(p, PG) && !mapped(p + 2 * PG, PG), NULL);

    /* --- MAP_FIXED over an existing mapping replaces it with zeros */
    p = mmap(NULL, 4 * PG, RW, ANON, -1, 0);
    memset(p, 0xab, 4 * PG);
    q = mmap(p + PG, 2 * PG, RW, ANON | MAP_FIXED, -1, 0);
    check("MAP_FIXED over pages 1-2 returns the address", q == p + PG, NULL);
    check("replaced pages read zero", all_zero(p + PG, 2 * PG), NULL);
    check("pages 0 and 3 keep contents", p[0] == 0xab && p[PG - 1] == 0xab && p[3 * PG] == 0xab
          && p[4 * PG - 1] == 0xab, NULL);

    /* --- MAP_FIXED_NOREPLACE on an occupied range fails with EEXIST */
    q = mmap(p + PG, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0);
    check_err("MAP_FIXED_NOREPLACE on occupied range", q == MAP_FAILED, EEXIST);
    if (q != MAP_FAILED && q != p + PG) munmap(q, PG); /* treated as a hint: mapped elsewhere */
    check("occupied page untouched", p[PG] == 0 && mapped(p + PG, PG), NULL);
    munmap(p + 2 * PG, PG);
    q = mmap(p + 2 * PG, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0);
    check("MAP_FIXED_NOREPLACE into a hole", q == p + 2 * PG, NULL);
    munmap(p, 4 * PG);

    /* --- PROT_NONE reservation, then mprotect part of it RW */
    p = mmap(NULL, 16 * PG, PROT_NONE, ANON | MAP_NORESERVE, -1, 0);
    check("mmap PROT_NONE reservation 16 pages", p != MAP_FAILED, NULL);
    check("mprotect pages 4-7 RW", mprotect(p + 4 * PG, 4 * PG, RW) == 0, NULL);
    check("made-RW pages read zero", all_zero(p + 4 * PG, 4 * PG), NULL);
    fill(p + 4 * PG, 4 * PG, 3);
    check("made-RW pages hold data", has_fill(p + 4 * PG, 4 * PG, 3), NULL);
    check("mprotect pages 4-7 read-only", mprotect(p + 4 * PG, 4 * PG, PROT_READ) == 0, NULL);
    check("read-only pages still readable", has_fill(p + 4 * PG, 4 * PG, 3), NULL);
    check("mprotect whole reservation RW", mprotect(p, 16 * PG, RW) == 0, NULL);
    p[0] = 1; p[16 * PG - 1] = 2;
    check("whole reservation usable", p[0] == 1 && p[16 * PG - 1] == 2 && has_fill(p + 4 * PG, 4 * PG, 3), NULL);
    munmap(p, 16 * PG);

    /* --- MADV_DONTNEED zeroes a private anonymous page */
    p = mmap(NULL, 3 * PG, RW, ANON, -1, 0);
    memset(p, 0x5a, 3 * PG);
    check("madvise(MADV_DONTNEED) middle page", madvise(p + PG, PG, MADV_DONTNEED) == 0, NULL);
    check("that page reads zero afterwards", all_zero(p + PG, PG), NULL);
    check("neighbours keep contents", p[PG - 1] == 0x5a && p[2 * PG] == 0x5a, NULL);
    p[PG] = 7;
    check("zeroed page still writable", p[PG] == 7, NULL);
    check("madvise(MADV_WILLNEED)", madvise(p, 3 * PG, MADV_WILLNEED) == 0, NULL);
    munmap(p, 3 * PG);

    /* --- mremap: grow (must move: the next page is taken), shrink */
    p = mmap(NULL, 3 * PG, RW, ANON, -1, 0);          /* [A A blocker] */
    fill(p, 2 * PG, 4);
    p[2 * PG] = 0x77;
    q = mremap(p, 2 * PG, 4 * PG, 0);
    check_err("mremap grow in place, next page busy", q == MAP_FAILED, ENOMEM);
    q = mremap(p, 2 * PG, 5 * PG, MREMAP_MAYMOVE);
    check("mremap grow 2->5 pages MREMAP_MAYMOVE", q != MAP_FAILED, NULL);
    check("it moved", q != p, NULL);
    check("contents preserved", has_fill(q, 2 * PG, 4), NULL);
    check("grown part reads zero", all_zero(q + 2 * PG, 3 * PG), NULL);
    check("old range unmapped", !mapped(p, 2 * PG), NULL);
    check("blocker page untouched", mapped(p + 2 * PG, PG) && p[2 * PG] == 0x77, NULL);
    fill(q + 2 * PG, 3 * PG, 5);
    p = mremap(q, 5 * PG, 2 * PG, 0);
    check("mremap shrink 5->2 pages", p == q, NULL);
    check("kept part intact", has_fill(p, 2 * PG, 4), NULL);
    check("tail unmapped", !mapped(p + 2 * PG, 3 * PG), NULL);
    q = mremap(p, 2 * PG, 3 * PG, 0);
    check("mremap grow 2->3 in place (page free)", q == p, NULL);
    check("in-place growth reads zero", all_zero(q + 2 * PG, PG), NULL);
    munmap(q, 3 * PG);

    /* --- brk: grow, use, shrink (raw syscall; musl's sbrk(n != 0) always fails) */
    uintptr_t b0 = (uintptr_t)syscall(SYS_brk, 0);
    uintptr_t want = b0 + 5 * PG + 123;
    uintptr_t b1 = (uintptr_t)syscall(SYS_brk, want);
    check("brk grow by 5 pages + 123 bytes", b1 == want, NULL);
    unsigned char *h = (unsigned char *)b0;
    check("new heap reads zero", all_zero(h, b1 - b0), NULL);
    fill(h, b1 - b0, 6);
    check("new heap holds data", has_fill(h, b1 - b0, 6), NULL);
    uintptr_t b2 = (uintptr_t)syscall(SYS_brk, b0 + PG);
    check("brk shrink to 1 page", b2 == b0 + PG && has_fill(h, PG, 6), NULL);
    uintptr_t b3 = (uintptr_t)syscall(SYS_brk, b0 + 3 * PG);
    check("brk regrow: re-grown pages read zero", b3 == b0 + 3 * PG && all_zero(h + PG, 2 * PG), NULL);
    uintptr_t b4 = (uintptr_t)syscall(SYS_brk, (uintptr_t)1 << 62);
    check("brk to an absurd address: unchanged", b4 == b3, NULL);
    uintptr_t b5 = (uintptr_t)syscall(SYS_brk, b0);
    check("brk back to the start", b5 == b0, NULL);
    check("sbrk(0) agrees", (uintptr_t)sbrk(0) == b0, NULL);

    /* --- shared anonymous mapping */
    p = mmap(NULL, 2 * PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    check("mmap shared anon", p != MAP_FAILED && all_zero(p, 2 * PG), NULL);
    fill(p, 2 * PG, 8);
    check("shared anon holds data", has_fill(p, 2 * PG, 8), NULL);
    munmap(p, 2 * PG);

    /* --- error cases */
    p = mmap(NULL, 2 * PG, RW, ANON, -1, 0);
    check_err("munmap misaligned address", munmap(p + 1, PG) != 0, EINVAL);
    check_err("munmap length 0", munmap(p, 0) != 0, EINVAL);
    check_err("mmap length 0", mmap(NULL, 0, RW, ANON, -1, 0) == MAP_FAILED, EINVAL);
    check_err("mmap neither PRIVATE nor SHARED", mmap(NULL, PG, RW, MAP_ANONYMOUS, -1, 0) == MAP_FAILED, EINVAL);
    check_err("mmap MAP_FIXED misaligned", mmap(p + 1, PG, RW, ANON | MAP_FIXED, -1, 0) == MAP_FAILED, EINVAL);
    check_err("mprotect misaligned address", syscall(SYS_mprotect, p + 1, PG, PROT_READ) != 0, EINVAL);
    check_err("mmap bad fd, not anonymous", mmap(NULL, PG, RW, MAP_PRIVATE, 1000, 0) == MAP_FAILED, EBADF);
    munmap(p, 2 * PG);
    check_err("mprotect of an unmapped range", mprotect(p, PG, PROT_READ) != 0, ENOMEM);
    check("munmap of an unmapped range", munmap(p, 2 * PG) == 0, NULL);
    check_err("mremap of an unmapped range", mremap(p, PG, 2 * PG, MREMAP_MAYMOVE) == MAP_FAILED, EFAULT);

    /* the verdict is stdout (FAIL lines); the exit status is always 0 */
    printf("mmap_ops: done\n");
    return 0;
}

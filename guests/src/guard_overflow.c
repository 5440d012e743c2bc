/* guard_overflow: running into a guard page, as a stack overflow would.
 *
 * Maps 5 pages read/write, makes the lowest one PROT_NONE (the guard, as musl
 * does below every thread stack), then writes downward from the top, one page
 * at a time, printing (and flushing) a line before each page. Writing the guard
 * page must kill the process with SIGSEGV (shell status 139): the last line on
 * stdout is the one announcing the guard page; nothing after it runs. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define PG 4096UL
#define PAGES 5

int main(void)
{
    unsigned char *base = mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) { printf("guard_overflow: mmap failed\n"); return 1; }
    if (mprotect(base, PG, PROT_NONE) != 0) { printf("guard_overflow: mprotect failed\n"); return 1; }
    printf("guard_overflow: %d pages, the lowest is a PROT_NONE guard\n", PAGES);
    for (int pg = PAGES - 1; pg >= 0; pg--) {
        printf("writing page %d%s\n", pg, pg == 0 ? " (the guard: SIGSEGV expected)" : "");
        fflush(stdout);
        /* downward, 8 bytes at a time, like a stack growing into its guard */
        for (volatile unsigned char *p = base + (pg + 1) * PG - 8; p >= base + pg * PG; p -= 8)
            *(volatile unsigned long *)p = 0x5afe5afe5afe5afeUL;
    }
    printf("guard_overflow: still alive (should not happen)\n");
    return 0;
}

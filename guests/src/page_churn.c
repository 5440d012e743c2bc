/* page_churn: maps, touches and releases the same amount of memory over and over.
 *
 * 32 rounds of: mmap 4 MiB anonymous, check that every page reads as zeros (at 8
 * places per page: a new mapping never shows what an earlier one held), write a
 * round-dependent pattern into every page, MADV_DONTNEED the odd pages and check
 * they read as zeros again while the even ones kept their pattern, then munmap
 * it. Then brk: grow by 2 MiB, touch every page, shrink back, grow again and check
 * the regrown pages are zeros; and an mremap that moves a touched 1 MiB block.
 * 128 MiB pass through the process while at most about 5 MiB is mapped at once:
 * a host that recycles the pages it releases holds only that much. Prints one
 * line per phase and a checksum; nothing depends on addresses. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PG 4096UL
#define ROUNDS 32
#define CHUNK (4UL << 20)
#define PAGES (CHUNK / PG)

static uint64_t checksum = 1469598103934665603ull;

static void mix(uint64_t v)
{
	checksum = (checksum ^ v) * 1099511628211ull;
}

/* Nonzero when any of the 8 probed words of the page is not `want`. */
static int probe(const volatile uint64_t *page, uint64_t want)
{
	for (unsigned i = 0; i < PG / 8; i += PG / 64)
		if (page[i] != want) return 1;
	return page[PG / 8 - 1] != want;
}

static void fill(volatile uint64_t *page, uint64_t value)
{
	for (unsigned i = 0; i < PG / 8; i += PG / 64) page[i] = value;
	page[PG / 8 - 1] = value;
}

int main(void)
{
	unsigned dirty = 0, lost = 0, unzeroed = 0;
	for (unsigned r = 0; r < ROUNDS; r++) {
		char *m = mmap(0, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED) {
			printf("round %u: mmap failed\n", r);
			return 1;
		}
		for (unsigned p = 0; p < PAGES; p++) {
			volatile uint64_t *page = (volatile uint64_t *)(m + p * PG);
			dirty += probe(page, 0);
			fill(page, ((uint64_t)r << 32) | p | 1);
		}
		for (unsigned p = 1; p < PAGES; p += 2) madvise(m + p * PG, PG, MADV_DONTNEED);
		for (unsigned p = 0; p < PAGES; p++) {
			volatile uint64_t *page = (volatile uint64_t *)(m + p * PG);
			if (p & 1) unzeroed += probe(page, 0);
			else lost += probe(page, ((uint64_t)r << 32) | p | 1);
			mix(page[p % (PG / 8)]);
		}
		munmap(m, CHUNK);
	}
	printf("mmap rounds: %u x %lu KiB, dirty new pages %u, lost %u, not zeroed by DONTNEED %u\n", ROUNDS,
	       CHUNK / 1024, dirty, lost, unzeroed);

	uintptr_t base = (uintptr_t)syscall(SYS_brk, 0);
	uintptr_t top = base + (2UL << 20);
	unsigned brk_dirty = 0;
	if ((uintptr_t)syscall(SYS_brk, top) != top) {
		printf("brk: cannot grow\n");
		return 1;
	}
	for (uintptr_t a = (base + PG - 1) & ~(PG - 1); a + PG <= top; a += PG) fill((volatile uint64_t *)a, a | 7);
	syscall(SYS_brk, base);
	syscall(SYS_brk, top);
	for (uintptr_t a = (base + PG - 1) & ~(PG - 1); a + PG <= top; a += PG) brk_dirty += probe((volatile uint64_t *)a, 0);
	syscall(SYS_brk, base);
	printf("brk: shrunk and regrown 2048 KiB, dirty pages %u\n", brk_dirty);

	char *a = mmap(0, 1UL << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (unsigned p = 0; p < 256; p++) fill((volatile uint64_t *)(a + p * PG), p + 11);
	char *b = mremap(a, 1UL << 20, 2UL << 20, MREMAP_MAYMOVE);
	unsigned moved = 0, tail_dirty = 0;
	for (unsigned p = 0; p < 256; p++) moved += !probe((volatile uint64_t *)(b + p * PG), p + 11);
	for (unsigned p = 256; p < 512; p++) tail_dirty += probe((volatile uint64_t *)(b + p * PG), 0);
	munmap(b, 2UL << 20);
	printf("mremap: %u of 256 pages kept, dirty grown pages %u\n", moved, tail_dirty);
	printf("checksum %016llx\n", (unsigned long long)checksum);
	return 0;
}

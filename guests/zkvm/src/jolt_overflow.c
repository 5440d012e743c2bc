/* jolt_overflow MODE: Jolt host-trap-mode musl program (stack 64 KiB, heap 4 MiB) that breaks
 * one of Jolt's memory rules. It prints "jolt_overflow: MODE" (flushed), then:
 *   stack       recursion in 1 KiB frames, each written top-down every 64 bytes, so a store
 *               lands in the 128-byte stack canary above the image: "Stack overflow" (82)
 *   heap        an 8-byte store at __heap_end: "Heap overflow" (82)
 *   heapread    an 8-byte load at __heap_end: "Illegal memory access" (82)
 *   output      4097 byte stores from __output_start on (max output 4096): the last lands on
 *               the panic byte, which sets Jolt's panic flag and nothing else; then prints
 *               "wrote 4097 bytes" and exit(0): exit 0 in host trap mode, panic flag set
 *   misaligned  `ld` from an address = 4 mod 8: "Unaligned load_doubleword" (82)
 *   misaligned_w  `lw` from an address = 2 mod 4: Jolt's word-alignment assert (82)
 * Any other MODE prints the list and exit(64). Under Linux the stack and the misaligned
 * modes would not fail; the others fault on unmapped memory. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern volatile uint8_t __output_start[], __output_end[];
extern volatile uint64_t __heap_end[];

static int __attribute__((noinline)) recurse(int n)
{
    volatile char frame[1024];
    for (int i = 1023; i >= 0; i -= 64) frame[i] = (char)n;
    if (n == 0) return frame[0];
    return recurse(n - 1) + frame[512];
}

static uint64_t buf[4] __attribute__((aligned(8)));

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    printf("jolt_overflow: %s\n", mode);
    fflush(stdout);
    if (!strcmp(mode, "stack")) {
        printf("depth result %d\n", recurse(1000));
    } else if (!strcmp(mode, "heap")) {
        __heap_end[0] = 1;
    } else if (!strcmp(mode, "heapread")) {
        printf("read %llu\n", (unsigned long long)__heap_end[0]);
    } else if (!strcmp(mode, "output")) {
        size_t n = (size_t)(__output_end - __output_start) + 1;
        for (size_t i = 0; i < n; i++) __output_start[i] = (uint8_t)(i | 1);
        printf("wrote %zu bytes\n", n);
    } else if (!strcmp(mode, "misaligned")) {
        uint64_t v;
        __asm__ volatile("ld %0, 4(%1)" : "=r"(v) : "r"(buf) : "memory");
        printf("loaded %llu\n", (unsigned long long)v);
    } else if (!strcmp(mode, "misaligned_w")) {
        uint64_t v;
        __asm__ volatile("lw %0, 2(%1)" : "=r"(v) : "r"(buf) : "memory");
        printf("loaded %llu\n", (unsigned long long)v);
    } else {
        printf("modes: stack heap heapread output misaligned misaligned_w\n");
        exit(64);
    }
    exit(0);
}

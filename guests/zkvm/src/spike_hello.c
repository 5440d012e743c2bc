/* spike_hello: a musl C program linked by `zeroos linker-script --platform spike` (RAM at
 * 0x8000_0000, stack at the top of 128 MiB, heap below) for host trap mode: printf, malloc,
 * free, exit(3). Exit status 3; what its Linux build prints under qemu-riscv64 is recorded in
 * guests/expected/spike/spike_hello.*. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    printf("hello from spike_hello\n");
    char *p = malloc(64);
    if (!p) { printf("malloc failed\n"); return 1; }
    strcpy(p, "heap works");
    printf("%s (%zu bytes)\n", p, strlen(p));
    free(p);
    printf("exiting with 3\n");
    exit(3);
}

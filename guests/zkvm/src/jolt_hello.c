/* jolt_hello: Jolt host-trap-mode musl program (stack 64 KiB, heap 4 MiB): printf, a few
 * malloc/calloc/realloc/free (small ones from brk, a 200 KB one from mmap), then exit(0),
 * exit status 0. No termination store: an unmodified Linux program, so its output under
 * qemu-riscv64 (this very binary) is the reference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    printf("hello from jolt_hello\n");
    char *a = malloc(100), *b = calloc(50, 4), *big = malloc(200000);
    if (!a || !b || !big) { printf("allocation failed\n"); return 1; }
    strcpy(a, "small block");
    memset(big, 0x5a, 200000);
    unsigned sum = 0;
    for (int i = 0; i < 200; i++) sum += (unsigned char)b[i];
    a = realloc(a, 5000);
    strcat(a, " grown");
    printf("%s, calloc sum %u, big[199999]=0x%02x\n", a, sum, (unsigned char)big[199999]);
    free(big);
    free(b);
    free(a);
    printf("freed\n");
    exit(0);
}

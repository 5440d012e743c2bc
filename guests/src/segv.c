/* segv: prints a line (flushed), then stores through an unmapped pointer.
 * Under Linux the process dies with SIGSEGV (shell status 139); nothing after
 * the store runs. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
    printf("segv: about to store to address 0x10\n");
    fflush(stdout);
    volatile uintptr_t bad = 0x10;   /* through a variable: no compile-time warning */
    *(volatile int *)bad = 1;
    printf("segv: still alive (should not happen)\n");
    return 0;
}

/* jolt_notermination: Jolt host-trap-mode musl program: prints "jolt_notermination: halting
 * without the termination store" (flushed), then halts on a bare `j .` (inline asm): no
 * termination store, no panic. On Jolt: halted without termination (exit 81). */
#include <stdio.h>

int main(void)
{
    printf("jolt_notermination: halting without the termination store\n");
    fflush(stdout);
    __asm__ volatile("1: j 1b");
    return 0;
}

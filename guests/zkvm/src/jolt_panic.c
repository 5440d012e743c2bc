/* jolt_panic: Jolt host-trap-mode musl program: prints "jolt_panic: setting the panic byte"
 * (flushed), stores 1 to the panic byte (__panic, as jolt_panic() does), then halts on
 * `j .` without a termination store. On Jolt: panicked (exit 80). */
#include <stdint.h>
#include <stdio.h>

extern volatile uint8_t __panic[];

int main(void)
{
    printf("jolt_panic: setting the panic byte\n");
    fflush(stdout);
    __panic[0] = 1;
    __asm__ volatile("1: j 1b");
    return 0;
}

/* illegal: prints a line (flushed), then executes an illegal instruction.
 * The word 0x0000201b is OP-IMM-32 (opcode 0x1b) with funct3 = 010, an
 * encoding that RV64 reserves: a 32-bit instruction no extension defines.
 * Under Linux the process dies with SIGILL (shell status 132). */
#include <stdio.h>

int main(void)
{
    printf("illegal: about to execute the reserved instruction word 0x0000201b\n");
    fflush(stdout);
    asm volatile(".4byte 0x0000201b");
    printf("illegal: still alive (should not happen)\n");
    return 0;
}

/* jolt_abort: Jolt host-trap-mode musl program: prints "jolt_abort: calling abort()"
 * (flushed), then abort(). musl raises SIGABRT; ZeroOS on Jolt sets the panic flag for it
 * as ZeroOS's __platform_abort does: panicked (exit 80). Under Linux it would be 134. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("jolt_abort: calling abort()\n");
    fflush(stdout);
    abort();
}

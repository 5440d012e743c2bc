/* abort: prints a line on stdout and one on stderr (both flushed), then abort().
 * Linux (and qemu-user) end the process with SIGABRT: exit status 134. musl's
 * abort() raises SIGABRT; if that returns (the signal blocked or caught) it
 * restores the default action, unblocks SIGABRT, raises it again, and as a last
 * resort executes a crashing instruction. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("about to abort\n");
    fflush(stdout);
    fprintf(stderr, "abort: calling abort()\n");
    abort();
}

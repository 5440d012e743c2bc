/* exitcode: one line on stdout, one on stderr, then exit(42).
 * Tests exit-status propagation and separate stderr capture. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("exitcode: this line goes to stdout\n");
    fprintf(stderr, "exitcode: this line goes to stderr\n");
    exit(42);
}

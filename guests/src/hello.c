/* hello: the smallest stdio program. musl's startup + stdout path:
 * set_tid_address, ioctl(1, TIOCGWINSZ), writev, exit_group. Exits 0. */
#include <stdio.h>

int main(void)
{
    printf("Hello from ZeroOS!\n");
    return 0;
}

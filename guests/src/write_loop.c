/* write_loop: system-call overhead benchmark.
 *
 * write_loop [COUNT]   (default 200000)
 *
 * Opens /dev/null and write()s one byte to it COUNT times, then prints how many
 * writes returned 1. Almost all of the run is the syscall path. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long count = argc > 1 ? atol(argv[1]) : 200000;
    int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        printf("open /dev/null: %s\n", strerror(errno));
        return 1;
    }
    long ok = 0;
    for (long i = 0; i < count; i++) ok += write(fd, "x", 1) == 1;
    close(fd);
    printf("write_loop: %ld of %ld one-byte writes to /dev/null returned 1\n", ok, count);
    return ok == count ? 0 : 1;
}

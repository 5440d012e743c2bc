/* nosys: calls a system call that the kernel is not expected to provide
 * (io_uring_setup, number 425) and prints what came back. A kernel that
 * does not know the call may stop the program instead (a reported
 * "unknown syscall" error); Linux without io_uring, and qemu-user, return
 * -1 with errno ENOSYS (38). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif

int main(void)
{
    unsigned char params[120];   /* struct io_uring_params */
    memset(params, 0, sizeof params);
    printf("nosys: calling io_uring_setup\n");
    fflush(stdout);
    errno = 0;
    long r = syscall(SYS_io_uring_setup, 1, params);
    int e = errno;
    printf("nosys: io_uring_setup returned %ld errno=%d\n", r, e);
    return 0;
}

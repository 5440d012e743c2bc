/* random: getrandom, getentropy and /dev/urandom; prints only properties.
 *
 * getrandom(32) twice (both return 32, the two buffers differ, neither is all
 * zero), getrandom with GRND_NONBLOCK and GRND_RANDOM, a 1000-byte request (every
 * byte value class appears: a weak sanity check), size 0, invalid flags (EINVAL),
 * getentropy(16) and getentropy(257) (EIO from musl: more than 256 bytes),
 * 16 bytes from /dev/urandom and from /dev/random. The bytes themselves are never
 * printed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static const char *yesno(int b) { return b ? "yes" : "no"; }

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

int main(void)
{
    unsigned char a[32], b[32], big[1000], e[16], big2[300];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    ssize_t ra = getrandom(a, sizeof a, 0);
    ssize_t rb = getrandom(b, sizeof b, 0);
    printf("getrandom(32, 0) twice -> %zd, %zd; the two differ: %s; neither all zero: %s\n", ra, rb,
           yesno(memcmp(a, b, sizeof a) != 0), yesno(!all_zero(a, sizeof a) && !all_zero(b, sizeof b)));

    memset(a, 0, sizeof a);
    ssize_t r = getrandom(a, sizeof a, GRND_NONBLOCK);
    printf("getrandom(32, GRND_NONBLOCK) -> %zd, not all zero: %s\n", r, yesno(!all_zero(a, sizeof a)));
    memset(a, 0, sizeof a);
    r = getrandom(a, sizeof a, GRND_RANDOM);
    printf("getrandom(32, GRND_RANDOM) -> %zd, not all zero: %s\n", r, yesno(!all_zero(a, sizeof a)));

    r = getrandom(big, sizeof big, 0);
    int low = 0, high = 0;
    for (int i = 0; i < (int)sizeof big; i++) {
        if (big[i] < 128) low = 1;
        else high = 1;
    }
    printf("getrandom(1000, 0) -> %zd, bytes below and above 128: %s\n", r, yesno(low && high));
    r = getrandom(big, 0, 0);
    printf("getrandom(0, 0) -> %zd\n", r);
    errno = 0;
    r = getrandom(a, sizeof a, 0x100);
    printf("getrandom(32, invalid flag 0x100) -> %zd, EINVAL: %s\n", r, yesno(r == -1 && errno == EINVAL));

    memset(e, 0, sizeof e);
    int g = getentropy(e, sizeof e);
    printf("getentropy(16) -> %d, not all zero: %s\n", g, yesno(!all_zero(e, sizeof e)));
    errno = 0;
    g = getentropy(big2, 257);
    printf("getentropy(257) -> %d, EIO: %s\n", g, yesno(g == -1 && errno == EIO));

    const char *devs[] = {"/dev/urandom", "/dev/random"};
    for (int i = 0; i < 2; i++) {
        int fd = open(devs[i], O_RDONLY | O_CLOEXEC);
        memset(e, 0, sizeof e);
        ssize_t n = fd >= 0 ? read(fd, e, sizeof e) : -1;
        unsigned char e2[16] = {0};
        ssize_t n2 = fd >= 0 ? read(fd, e2, sizeof e2) : -1;
        if (fd >= 0) close(fd);
        printf("%s: open %s, read 16 -> %zd, again -> %zd, the two differ: %s\n", devs[i], yesno(fd >= 0), n, n2,
               yesno(memcmp(e, e2, sizeof e) != 0));
    }
    return 0;
}

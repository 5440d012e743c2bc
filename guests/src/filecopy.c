/* filecopy: file I/O throughput benchmark.
 *
 * filecopy [MIB]   (default 16)
 *
 * Writes MIB MiB of a pattern to "big.bin" in the working directory with 4 KiB
 * write()s, copies it to "copy.bin" with 4 KiB read()/write(), reads "copy.bin"
 * back and compares its checksum with the one computed while writing, then removes
 * both files. About 4096 writes + 4096 reads + 4096 writes + 4096 reads for 16 MiB.
 * Prints sizes, the number of calls and the checksum. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLK 4096

static uint64_t sum_block(uint64_t h, const uint64_t *w, size_t words)
{
    for (size_t i = 0; i < words; i++) h = (h ^ w[i]) * 0x100000001b3ull;
    return h;
}

static ssize_t full_write(int fd, const void *p, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t k = write(fd, (const char *)p + done, n - done);
        if (k <= 0) return -1;
        done += (size_t)k;
    }
    return (ssize_t)done;
}

int main(int argc, char **argv)
{
    long mib = argc > 1 ? atol(argv[1]) : 16;
    if (mib <= 0) mib = 16;
    const long blocks = mib * (1024 * 1024 / BLK);
    static uint64_t buf[BLK / 8];
    long calls = 0;

    /* 1. write the pattern */
    int fd = open("big.bin", O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        printf("open big.bin: %s\n", strerror(errno));
        return 1;
    }
    uint64_t want = 0xcbf29ce484222325ull, x = 0x0123456789abcdefull;
    for (long b = 0; b < blocks; b++) {
        for (size_t i = 0; i < BLK / 8; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            buf[i] = x ^ (uint64_t)b;
        }
        want = sum_block(want, buf, BLK / 8);
        if (full_write(fd, buf, BLK) != BLK) {
            printf("write big.bin: %s\n", strerror(errno));
            return 1;
        }
        calls++;
    }
    close(fd);
    struct stat st;
    stat("big.bin", &st);
    printf("big.bin: %lld bytes in %ld writes\n", (long long)st.st_size, calls);

    /* 2. copy */
    calls = 0;
    int in = open("big.bin", O_RDONLY | O_CLOEXEC);
    int out = open("copy.bin", O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
    if (in < 0 || out < 0) {
        printf("open for copy: %s\n", strerror(errno));
        return 1;
    }
    long long copied = 0;
    for (;;) {
        ssize_t n = read(in, buf, BLK);
        calls++;
        if (n < 0) {
            printf("read big.bin: %s\n", strerror(errno));
            return 1;
        }
        if (n == 0) break;
        if (full_write(out, buf, (size_t)n) != n) {
            printf("write copy.bin: %s\n", strerror(errno));
            return 1;
        }
        calls++;
        copied += n;
    }
    close(in);
    close(out);
    printf("copy: %lld bytes in %ld read/write calls\n", copied, calls);

    /* 3. verify */
    in = open("copy.bin", O_RDONLY | O_CLOEXEC);
    uint64_t got = 0xcbf29ce484222325ull;
    long long total = 0;
    for (;;) {
        ssize_t n = read(in, buf, BLK);
        if (n <= 0) break;
        if (n % 8) {
            printf("short read of %zd bytes\n", n);
            return 1;
        }
        got = sum_block(got, buf, (size_t)n / 8);
        total += n;
    }
    close(in);
    printf("copy.bin: %lld bytes, checksum %016llx, matches: %s\n", total, (unsigned long long)got, got == want ? "yes" : "no");
    int rm = unlink("big.bin") | unlink("copy.bin");
    printf("removed: %s\n", rm == 0 ? "yes" : "no");
    return got == want && total == blocks * BLK ? 0 : 1;
}

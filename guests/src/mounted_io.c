/* mounted_io: reads a file from a mounted host directory and writes a result file.
 *
 * mounted_io INPUT OUTPUT
 *
 * Reads INPUT completely with read() in 1000-byte chunks, checks the byte count
 * against fstat, and counts bytes, lines (newlines), words (runs of non-space
 * bytes) and a 64-bit FNV-1a hash of the contents. Writes one summary line to
 * OUTPUT (created or truncated), reopens it, reads it back and compares. Prints
 * the counts and the summary line.
 *
 * The recorded run (mounted_io.args) uses paths relative to the working directory:
 * data/mounted_input.txt (guests/data/mounted_input.txt, copied or mounted there)
 * and mounted_io.out (in the working directory itself, which must be writable). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: mounted_io INPUT OUTPUT\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        printf("open input: errno %d (%s)\n", errno, strerror(errno));
        return 1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        printf("fstat input: not a regular file\n");
        return 1;
    }
    unsigned char buf[1000];
    uint64_t bytes = 0, lines = 0, words = 0, hash = 0xcbf29ce484222325ull;
    long reads = 0;
    int in_word = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            printf("read input: errno %d (%s)\n", errno, strerror(errno));
            return 1;
        }
        if (n == 0) break;
        reads++;
        for (ssize_t i = 0; i < n; i++) {
            unsigned char c = buf[i];
            hash = (hash ^ c) * 0x100000001b3ull;
            if (c == '\n') lines++;
            if (is_space(c)) {
                in_word = 0;
            } else if (!in_word) {
                in_word = 1;
                words++;
            }
        }
        bytes += (uint64_t)n;
    }
    close(fd);
    printf("input: %llu bytes in %ld reads of up to 1000, fstat size matches: %s\n", (unsigned long long)bytes, reads,
           (uint64_t)st.st_size == bytes ? "yes" : "no");
    printf("lines=%llu words=%llu\n", (unsigned long long)lines, (unsigned long long)words);

    char line[200];
    int len = snprintf(line, sizeof line, "bytes=%llu lines=%llu words=%llu fnv1a64=%016llx\n", (unsigned long long)bytes,
                       (unsigned long long)lines, (unsigned long long)words, (unsigned long long)hash);
    printf("result: %s", line);

    int out = open(argv[2], O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        printf("open output: errno %d (%s)\n", errno, strerror(errno));
        return 1;
    }
    ssize_t w = write(out, line, (size_t)len);
    int c = close(out);
    printf("output: wrote %zd of %d bytes, close %s\n", w, len, c == 0 ? "ok" : "failed");

    char back[256];
    fd = open(argv[2], O_RDONLY | O_CLOEXEC);
    ssize_t r = fd >= 0 ? read(fd, back, sizeof back) : -1;
    if (fd >= 0) close(fd);
    printf("output read back: %zd bytes, identical: %s\n", r, r == len && memcmp(back, line, (size_t)len) == 0 ? "yes" : "no");
    return 0;
}

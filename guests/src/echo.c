/* echo: copies standard input to standard output with read(2)/write(2) in
 * small chunks until end of file, then prints the number of bytes and reads. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    char buf[37];   /* odd size: reads split lines */
    long total = 0, reads = 0;
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n < 0) { perror("read"); return 1; }
        if (n == 0) break;
        reads++;
        total += n;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(1, buf + off, (size_t)(n - off));
            if (w <= 0) { perror("write"); return 1; }
            off += w;
        }
    }
    printf("echo: %ld bytes in %ld reads\n", total, reads);
    return 0;
}

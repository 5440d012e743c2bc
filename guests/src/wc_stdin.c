/* wc_stdin: `wc` over standard input.
 *
 * Reads stdin with read() in 512-byte chunks until EOF and prints the number of
 * lines (newlines), words (maximal runs of non-white-space bytes), bytes, the
 * length of the longest line, and a 64-bit FNV-1a hash of the input.
 * The recorded run reads wc_stdin.stdin (about 4.5 KB of text). */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    unsigned char buf[512];
    uint64_t lines = 0, words = 0, bytes = 0, longest = 0, cur = 0, hash = 0xcbf29ce484222325ull;
    int in_word = 0;
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n < 0) {
            perror("read");
            return 1;
        }
        if (n == 0) break;
        for (ssize_t i = 0; i < n; i++) {
            unsigned char c = buf[i];
            hash = (hash ^ c) * 0x100000001b3ull;
            if (c == '\n') {
                lines++;
                if (cur > longest) longest = cur;
                cur = 0;
            } else {
                cur++;
            }
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
                in_word = 0;
            } else if (!in_word) {
                in_word = 1;
                words++;
            }
        }
        bytes += (uint64_t)n;
    }
    if (cur > longest) longest = cur;
    printf("%7llu %7llu %7llu\n", (unsigned long long)lines, (unsigned long long)words, (unsigned long long)bytes);
    printf("longest line: %llu bytes\n", (unsigned long long)longest);
    printf("fnv1a64: %016llx\n", (unsigned long long)hash);
    return 0;
}

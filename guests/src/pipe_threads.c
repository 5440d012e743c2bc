/* pipe_threads: a pipe between two threads, EOF, EPIPE, O_NONBLOCK.
 *
 * 1. pipe2(O_CLOEXEC); a producer thread writes 4000 records of 32 bytes (128000
 *    bytes, more than a 64 KiB pipe holds, so the producer blocks when the pipe is
 *    full), each with one write() (atomic: 32 <= PIPE_BUF). The main thread reads
 *    with reads of 100 bytes (records arrive split across reads), checks the
 *    sequence numbers and each record's own checksum, and hashes the stream.
 *    The producer then closes the write end: the next read returns 0 (EOF).
 * 2. A pipe whose read end is closed, SIGPIPE ignored: write fails with EPIPE.
 * 3. pipe2(O_NONBLOCK): read on the empty pipe fails with EAGAIN; fill the pipe
 *    with non-blocking writes until EAGAIN (the capacity is not printed), drain it.
 * 4. A blocked reader woken by the writer: the reader thread blocks in read() on an
 *    empty pipe until the main thread writes.
 * Every printed value is independent of how the threads interleave. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define RECORDS 4000
#define RECSZ 32

struct record {
    uint32_t seq;
    uint32_t len;
    uint64_t value;
    uint64_t value2;
    uint64_t sum; /* seq + len + value + value2 */
};
_Static_assert(sizeof(struct record) == RECSZ, "record size");

static int pfd[2];

static void *producer(void *arg)
{
    (void)arg;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (uint32_t i = 0; i < RECORDS; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        struct record r = {.seq = i, .len = RECSZ, .value = x, .value2 = x * 3};
        r.sum = r.seq + r.len + r.value + r.value2;
        if (write(pfd[1], &r, sizeof r) != (ssize_t)sizeof r) {
            printf("producer: write failed: %s\n", strerror(errno));
            return (void *)1;
        }
    }
    close(pfd[1]);
    return NULL;
}

static int wfd[2];
static char woke_with[16];

static void *blocked_reader(void *arg)
{
    (void)arg;
    ssize_t n = read(wfd[0], woke_with, sizeof woke_with - 1);
    if (n < 0) n = 0;
    woke_with[n] = 0;
    return NULL;
}

int main(void)
{
    /* 1. producer -> consumer */
    if (pipe2(pfd, O_CLOEXEC) != 0) {
        printf("pipe2: %s\n", strerror(errno));
        return 1;
    }
    printf("pipe2(O_CLOEXEC): ok, FD_CLOEXEC on both ends: %s\n",
           (fcntl(pfd[0], F_GETFD) & FD_CLOEXEC) && (fcntl(pfd[1], F_GETFD) & FD_CLOEXEC) ? "yes" : "no");
    pthread_t th;
    pthread_create(&th, NULL, producer, NULL);

    unsigned char stream[RECSZ];
    size_t have = 0;
    uint32_t expect = 0;
    int bad = 0;
    uint64_t hash = 0xcbf29ce484222325ull, total = 0;
    unsigned char buf[100];
    for (;;) {
        ssize_t n = read(pfd[0], buf, sizeof buf);
        if (n < 0) {
            printf("consumer: read failed: %s\n", strerror(errno));
            return 1;
        }
        if (n == 0) break;
        total += (uint64_t)n;
        for (ssize_t i = 0; i < n; i++) {
            hash = (hash ^ buf[i]) * 0x100000001b3ull;
            stream[have++] = buf[i];
            if (have == RECSZ) {
                struct record r;
                memcpy(&r, stream, sizeof r);
                if (r.seq != expect || r.len != RECSZ || r.sum != r.seq + r.len + r.value + r.value2) bad++;
                expect++;
                have = 0;
            }
        }
    }
    void *ret;
    pthread_join(th, &ret);
    printf("consumer: %llu bytes, %u records in order, %d bad, %zu stray bytes\n", (unsigned long long)total, expect, bad,
           have);
    printf("consumer: stream fnv1a64=%016llx\n", (unsigned long long)hash);
    printf("read after the writer closed -> %zd (EOF)\n", read(pfd[0], buf, sizeof buf));
    printf("producer returned %s\n", ret == NULL ? "ok" : "error");
    close(pfd[0]);

    /* 2. EPIPE */
    int q[2];
    pipe(q);
    close(q[0]);
    signal(SIGPIPE, SIG_IGN);
    errno = 0;
    ssize_t w = write(q[1], "x", 1);
    printf("write with no reader (SIGPIPE ignored) -> %zd, %s\n", w, errno == EPIPE ? "EPIPE" : strerror(errno));
    close(q[1]);

    /* 3. O_NONBLOCK */
    pipe2(q, O_NONBLOCK);
    printf("F_GETFL O_NONBLOCK: %s\n", fcntl(q[0], F_GETFL) & O_NONBLOCK ? "set" : "clear");
    errno = 0;
    ssize_t r = read(q[0], buf, 1);
    printf("non-blocking read on an empty pipe -> %zd, %s\n", r, errno == EAGAIN ? "EAGAIN" : strerror(errno));
    static char chunk[4096];
    memset(chunk, 'p', sizeof chunk);
    size_t filled = 0;
    for (;;) {
        ssize_t k = write(q[1], chunk, sizeof chunk);
        if (k < 0) break;
        filled += (size_t)k;
        if (filled > (64u << 20)) break; /* no limit at all: give up */
    }
    int fill_err = errno;
    printf("non-blocking writes until full: stopped with %s, capacity >= 4096: %s\n",
           fill_err == EAGAIN ? "EAGAIN" : strerror(fill_err), filled >= 4096 ? "yes" : "no");
    size_t drained = 0;
    int only_p = 1;
    for (;;) {
        ssize_t k = read(q[0], chunk, sizeof chunk);
        if (k <= 0) break;
        for (ssize_t i = 0; i < k; i++) only_p &= chunk[i] == 'p';
        drained += (size_t)k;
    }
    printf("drained everything written: %s, all bytes intact: %s\n", drained == filled ? "yes" : "no", only_p ? "yes" : "no");
    close(q[0]);
    close(q[1]);

    /* 4. a reader blocked on an empty pipe */
    pipe(wfd);
    pthread_create(&th, NULL, blocked_reader, NULL);
    usleep(20000); /* the reader is (most likely) blocked by now; the result does not depend on it */
    write(wfd[1], "wake", 4);
    pthread_join(th, NULL);
    printf("blocked reader woke with \"%s\"\n", woke_with);
    close(wfd[0]);
    close(wfd[1]);
    return 0;
}

/* futex_timeouts: futex waits with timeouts across many threads, and futex's errors.
 *
 * Eight threads wait on one futex word with relative timeouts 80, 70, ..., 10 ms
 * (FUTEX_WAIT_PRIVATE): nobody wakes them, so each ends with ETIMEDOUT, and they finish
 * in the order of their deadlines (shortest first), which a shared counter records. Then:
 * FUTEX_WAIT_BITSET with absolute CLOCK_MONOTONIC and CLOCK_REALTIME deadlines,
 * EAGAIN on a value mismatch, EINVAL for bad timespecs, a zero bitset and a misaligned
 * word, FUTEX_WAKE counting the waiters it woke (3 of 5, then the other 2), and EINTR when
 * a handled signal (tgkill) reaches a thread blocked in FUTEX_WAIT.
 *
 * The deadlines are 10 ms apart so that real Linux (qemu-riscv64) orders them the same way
 * as a virtual clock does; nothing printed depends on timing otherwise. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define THREADS 8

/* <linux/futex.h> (the musl toolchain has no kernel headers) */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

static uint32_t word;                /* nobody ever changes it */
static uint32_t gate;                /* FUTEX_WAKE test */
static volatile int finished;        /* order counter */
static int order[THREADS];           /* order[i]: the place thread i finished in */
static int results[THREADS];
static volatile int arrived;

static long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts, uint32_t *uaddr2, uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static const char *name(long r)
{
    if (r >= 0) { static char buf[16]; snprintf(buf, sizeof buf, "%ld", r); return buf; }
    switch (errno) {
    case ETIMEDOUT: return "ETIMEDOUT";
    case EAGAIN: return "EAGAIN";
    case EINVAL: return "EINVAL";
    case EINTR: return "EINTR";
    case ENOSYS: return "ENOSYS";
    case EFAULT: return "EFAULT";
    default: return "other";
    }
}

static void *timed_waiter(void *arg)
{
    int i = (int)(intptr_t)arg;
    struct timespec ts = {0, (long)(THREADS - i) * 10 * 1000000L};
    long r = futex(&word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
    results[i] = r == -1 ? errno : 0;
    order[i] = __atomic_fetch_add(&finished, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void *gate_waiter(void *arg)
{
    (void)arg;
    __atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
    futex(&gate, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0); /* one wait: woken once */
    return NULL;
}

static volatile int intr_tid, intr_ready, handled;
static long intr_result;
static int intr_errno;
static void on_usr1(int sig) { (void)sig; handled++; }

static void *interrupted(void *arg)
{
    (void)arg;
    uint32_t never = 0;
    intr_tid = gettid();
    __atomic_store_n(&intr_ready, 1, __ATOMIC_SEQ_CST);
    intr_result = futex(&never, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    intr_errno = errno;
    return NULL;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {}
}

int main(void)
{
    pthread_t t[THREADS];
    printf("futex_timeouts: %d threads time out at different deadlines\n", THREADS);
    for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, timed_waiter, (void *)(intptr_t)i);
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++)
        printf("  thread %d (timeout %2d ms): %s, finished %d%s\n", i, (THREADS - i) * 10,
               results[i] == ETIMEDOUT ? "ETIMEDOUT" : "?", order[i] + 1, order[i] == THREADS - 1 - i ? "" : " (out of order)");

    struct timespec now, ts;
    clock_gettime(CLOCK_MONOTONIC, &now);
    ts = now;
    ts.tv_nsec += 20000000;
    if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
    long r = futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &ts, NULL, FUTEX_BITSET_MATCH_ANY);
    struct timespec after;
    clock_gettime(CLOCK_MONOTONIC, &after);
    int64_t waited = (after.tv_sec - now.tv_sec) * 1000000000LL + (after.tv_nsec - now.tv_nsec);
    printf("WAIT_BITSET, absolute CLOCK_MONOTONIC +20 ms: %s, waited >= 20 ms: %s\n", name(r), waited >= 20000000 ? "yes" : "no");
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 10000000;
    if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
    printf("WAIT_BITSET|CLOCK_REALTIME, absolute +10 ms: %s\n",
           name(futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &ts, NULL, FUTEX_BITSET_MATCH_ANY)));
    ts = now; /* in the past */
    printf("WAIT_BITSET, absolute deadline in the past: %s\n", name(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &ts, NULL, FUTEX_BITSET_MATCH_ANY)));
    ts = (struct timespec){0, 0};
    printf("WAIT, relative timeout 0: %s\n", name(futex(&word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0)));

    ts = (struct timespec){0, 1000000};
    printf("WAIT|CLOCK_REALTIME, relative 1 ms: %s\n", name(futex(&word, FUTEX_WAIT_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &ts, NULL, 0)));
    printf("WAIT, value mismatch: %s\n", name(futex(&word, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0)));
    ts = (struct timespec){0, 1000000000};
    printf("WAIT, tv_nsec = 1e9: %s\n", name(futex(&word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0)));
    ts = (struct timespec){-1, 0};
    printf("WAIT, tv_sec = -1: %s\n", name(futex(&word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0)));
    printf("WAIT_BITSET, bitset 0: %s\n", name(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, 0)));
    printf("WAIT, misaligned word: %s\n", name(futex((uint32_t *)((char *)&word + 1), FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0)));
    printf("WAIT, NULL word: %s\n", name(futex(NULL, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0)));
    printf("WAKE, nobody waits: %s\n", name(futex(&gate, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0)));

    /* FUTEX_WAKE with n: 3 of 5 waiters, then the rest. */
    pthread_t g[5];
    for (int i = 0; i < 5; i++) pthread_create(&g[i], NULL, gate_waiter, NULL);
    while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < 5) sleep_ms(1);
    sleep_ms(50); /* they are in FUTEX_WAIT by now */
    printf("WAKE 3 of 5 waiters: %s\n", name(futex(&gate, FUTEX_WAKE_PRIVATE, 3, NULL, NULL, 0)));
    sleep_ms(20);
    long rest = futex(&gate, FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL, NULL, 0);
    printf("WAKE all: the other %s\n", rest == 2 ? "2" : "count differs");
    for (int i = 0; i < 5; i++) pthread_join(g[i], NULL);

    /* EINTR: a handled signal (without SA_RESTART) reaches a thread blocked in FUTEX_WAIT. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    pthread_t it;
    pthread_create(&it, NULL, interrupted, NULL);
    while (!__atomic_load_n(&intr_ready, __ATOMIC_SEQ_CST)) sleep_ms(1);
    sleep_ms(20);
    syscall(SYS_tgkill, getpid(), intr_tid, SIGUSR1);
    pthread_join(it, NULL);
    errno = intr_errno;
    printf("WAIT interrupted by a handled signal: %s, handler ran %d time(s)\n", name(intr_result), handled);
    printf("done\n");
    return 0;
}

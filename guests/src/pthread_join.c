/* pthread_join: 50 threads created in a loop.
 *
 * Every 5th thread (10 in all) is joinable and hands back a value: even ones by
 * returning it, odd ones through pthread_exit(); main joins them all and sums the
 * values. The other 40 are created detached (through a pthread_attr with a 64 KiB
 * stack), add their contribution to an atomic sum and then bump an atomic
 * completion counter, waking main with FUTEX_WAKE; main waits on that counter
 * with FUTEX_WAIT (no sleeping, no polling). Also joins a thread whose function
 * has already returned, and checks pthread_self/pthread_equal. Prints the totals. */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

/* <linux/futex.h> values (musl has no kernel headers) */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)

#define THREADS 50
#define JOINABLE_EVERY 5

static int done;                 /* detached threads finished */
static uint64_t detached_sum;

static uint64_t work(int i)      /* a little computation per thread */
{
    uint64_t x = (uint64_t)i + 1;
    for (int k = 0; k < 1000; k++) x = x * 6364136223846793005ull + 1442695040888963407ull;
    return x >> 40;
}

static void *joinable(void *arg)
{
    int i = (int)(intptr_t)arg;
    uintptr_t v = (uintptr_t)work(i);
    if ((i / JOINABLE_EVERY) & 1) pthread_exit((void *)v);
    return (void *)v;
}

static void *detached(void *arg)
{
    int i = (int)(intptr_t)arg;
    __atomic_fetch_add(&detached_sum, work(i), __ATOMIC_RELAXED);
    __atomic_fetch_add(&done, 1, __ATOMIC_RELEASE);
    syscall(SYS_futex, &done, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
    return NULL;
}

static int finished;

static void *self_check(void *arg)
{
    pthread_t main_thread = *(pthread_t *)arg;
    void *r = (void *)(uintptr_t)(!pthread_equal(pthread_self(), main_thread));
    __atomic_store_n(&finished, 1, __ATOMIC_RELEASE);
    syscall(SYS_futex, &finished, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    return r;
}

int main(void)
{
    pthread_t tj[THREADS / JOINABLE_EVERY];
    int nj = 0, nd = 0, create_failed = 0;
    pthread_attr_t da;
    pthread_attr_init(&da);
    pthread_attr_setdetachstate(&da, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&da, 64 * 1024);

    for (int i = 0; i < THREADS; i++) {
        if (i % JOINABLE_EVERY == 0) {
            if (pthread_create(&tj[nj], NULL, joinable, (void *)(intptr_t)i) == 0) nj++;
            else create_failed++;
        } else {
            pthread_t t;
            if (pthread_create(&t, &da, detached, (void *)(intptr_t)i) == 0) nd++;
            else create_failed++;
        }
    }
    pthread_attr_destroy(&da);

    uint64_t joined_sum = 0;
    int joined = 0;
    for (int k = 0; k < nj; k++) {
        void *ret;
        if (pthread_join(tj[k], &ret) == 0) { joined++; joined_sum += (uintptr_t)ret; }
    }
    int c;
    while ((c = __atomic_load_n(&done, __ATOMIC_ACQUIRE)) < nd)
        syscall(SYS_futex, &done, FUTEX_WAIT_PRIVATE, c, NULL, NULL, 0);

    uint64_t want_j = 0, want_d = 0;
    for (int i = 0; i < THREADS; i++) {
        if (i % JOINABLE_EVERY == 0) want_j += work(i);
        else want_d += work(i);
    }

    /* a thread whose work is over before it is joined; pthread_self differs from main's */
    pthread_t me = pthread_self(), t;
    void *differs = NULL;
    pthread_create(&t, NULL, self_check, &me);
    while (!__atomic_load_n(&finished, __ATOMIC_ACQUIRE))
        syscall(SYS_futex, &finished, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    pthread_join(t, &differs);

    printf("pthread_join: created joinable=%d detached=%d failed=%d\n", nj, nd, create_failed);
    printf("joined=%d joined_sum=%llu (%s)\n", joined, (unsigned long long)joined_sum,
           joined_sum == want_j ? "ok" : "WRONG");
    printf("detached_done=%d detached_sum=%llu (%s)\n", __atomic_load_n(&done, __ATOMIC_ACQUIRE),
           (unsigned long long)detached_sum, detached_sum == want_d ? "ok" : "WRONG");
    printf("pthread_self differs in another thread: %s\n", differs ? "yes" : "NO");
    return joined == nj && nj == 10 && nd == 40 && joined_sum == want_j && detached_sum == want_d
           && differs ? 0 : 1;
}

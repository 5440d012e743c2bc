/* spin_wait: threads that busy-wait on memory written by another thread, with
 * no system call inside the wait loops, so a kernel has to preempt a spinning
 * thread for the program to finish (whichever thread a scheduler runs first
 * after clone, that thread ends up spinning).
 *
 * The worker spins until main sets `go`, then computes a checksum and sets
 * `done`; main, after setting `go`, spins until `done`. Prints the worker's
 * result (the number of spin iterations depends on timing and is not printed). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

static volatile int go, done;
static uint64_t result;

static uint64_t work(uint64_t seed, int n)
{
    uint64_t x = seed;
    for (int i = 0; i < n; i++) x = (x ^ (x >> 31)) * 0x9E3779B97F4A7C15ull + (uint64_t)i;
    return x;
}

static void *worker(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE)) ;      /* spin: no syscalls */
    result = work(42, 200000);
    __atomic_store_n(&done, 1, __ATOMIC_RELEASE);
    return NULL;
}

int main(void)
{
    pthread_t t;
    printf("spin_wait: worker spins on go, main spins on done\n");
    fflush(stdout);
    if (pthread_create(&t, NULL, worker, NULL) != 0) { printf("pthread_create failed\n"); return 1; }
    uint64_t mine = work(7, 100000);                        /* some work of main's own */
    __atomic_store_n(&go, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE)) ;    /* spin: no syscalls */
    pthread_join(t, NULL);
    printf("main work=%016llx worker result=%016llx\n", (unsigned long long)mine,
           (unsigned long long)result);
    printf("spin_wait: done (%s)\n", result == work(42, 200000) ? "ok" : "WRONG");
    return 0;
}

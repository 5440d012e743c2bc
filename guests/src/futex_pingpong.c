/* futex_pingpong: two threads hand a turn back and forth N times through raw
 * futex(FUTEX_WAIT_PRIVATE / FUTEX_WAKE_PRIVATE) system calls on a shared int.
 *
 * `turn` is 0 when it is main's turn and 1 when it is the worker's. Each side
 * waits (FUTEX_WAIT with the value it does not want: returns at once with EAGAIN
 * if the turn has already changed) until the turn is its own, bumps its own
 * counter, passes the turn and wakes the other side. Also checks the futex error
 * returns: FUTEX_WAIT with a stale value (EAGAIN), with a timeout that expires
 * (ETIMEDOUT) and an unknown futex op (ENOSYS); FUTEX_WAKE with nobody waiting
 * returns 0. Prints the round counts. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* <linux/futex.h> values (musl has no kernel headers) */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)

#define ROUNDS 1000

static int turn;                 /* 0: main, 1: worker */
static long main_rounds, worker_rounds;

static long futex(int *uaddr, int op, int val, const struct timespec *ts)
{
    return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static void play(int me, long *rounds)
{
    for (int i = 0; i < ROUNDS; i++) {
        while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != me)
            futex(&turn, FUTEX_WAIT_PRIVATE, !me, NULL); /* EAGAIN / spurious: re-check */
        (*rounds)++;
        __atomic_store_n(&turn, !me, __ATOMIC_RELEASE);
        futex(&turn, FUTEX_WAKE_PRIVATE, 1, NULL);
    }
}

static void *worker(void *arg)
{
    (void)arg;
    play(1, &worker_rounds);
    return NULL;
}

static const char *res(long r)
{
    static char buf[4][32];
    static int k;
    char *b = buf[k++ & 3];
    if (r == 0) return "0";
    if (r > 0) { snprintf(b, 32, "%ld", r); return b; }
    switch (errno) {
    case EAGAIN: return "-1 EAGAIN";
    case ETIMEDOUT: return "-1 ETIMEDOUT";
    case ENOSYS: return "-1 ENOSYS";
    case EINVAL: return "-1 EINVAL";
    default: snprintf(b, 32, "-1 errno%d", errno); return b;
    }
}

int main(void)
{
    int word = 5;
    printf("FUTEX_WAIT, value differs:   %s\n", res(futex(&word, FUTEX_WAIT_PRIVATE, 6, NULL)));
    struct timespec ts = {0, 2 * 1000 * 1000}; /* 2 ms, relative */
    printf("FUTEX_WAIT, 2 ms timeout:    %s\n", res(futex(&word, FUTEX_WAIT_PRIVATE, 5, &ts)));
    printf("FUTEX_WAKE, nobody waiting:  %s\n", res(futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL)));
    printf("unknown futex op 99:         %s\n", res(futex(&word, 99 | FUTEX_PRIVATE_FLAG, 0, NULL)));

    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0) { printf("pthread_create failed\n"); return 1; }
    play(0, &main_rounds);
    pthread_join(t, NULL);
    printf("futex_pingpong: main rounds=%ld worker rounds=%ld final turn=%d\n",
           main_rounds, worker_rounds, turn);
    return main_rounds == ROUNDS && worker_rounds == ROUNDS && turn == 0 ? 0 : 1;
}

/* deadlock: two threads take two mutexes in opposite order and deadlock, every
 * time.
 *
 * GUEST_NO_QEMU_REFERENCE: under Linux (and qemu-user) this program never ends,
 * so the build script records no reference run for it. The expected outcome
 * under ZeroOS is its deadlock error: every thread blocked in FUTEX_WAIT without
 * a timeout (main in pthread_join, both workers in pthread_mutex_lock) and no
 * thread left to run. Standard output before that is the single line below.
 *
 * Thread 1 locks A, thread 2 locks B; both meet at a barrier (so each holds its
 * first mutex before either goes on), then thread 1 locks B and thread 2 locks A.
 * Main joins thread 1. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold_one;

static void *take(pthread_mutex_t *first, pthread_mutex_t *second)
{
    pthread_mutex_lock(first);
    pthread_barrier_wait(&both_hold_one);
    pthread_mutex_lock(second);                 /* never returns */
    pthread_mutex_unlock(second);
    pthread_mutex_unlock(first);
    return NULL;
}
static void *t1(void *arg) { (void)arg; return take(&a, &b); }
static void *t2(void *arg) { (void)arg; return take(&b, &a); }

int main(void)
{
    pthread_t x, y;
    printf("deadlock: two threads lock A,B and B,A; main joins (never returns)\n");
    fflush(stdout);
    pthread_barrier_init(&both_hold_one, NULL, 2);
    pthread_create(&x, NULL, t1, NULL);
    pthread_create(&y, NULL, t2, NULL);
    pthread_join(x, NULL);
    printf("deadlock: joined (should not happen)\n");
    return 1;
}

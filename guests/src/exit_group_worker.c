/* exit_group_worker: a worker thread ends the whole process with exit(3)
 * (libc exit: atexit handlers, stdio flush, then exit_group) while main is
 * blocked in pthread_join on that very worker. The process exit status is 3;
 * main's pthread_join never returns. The atexit handler runs on the worker. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void at_exit(void) { printf("atexit handler ran\n"); }

static void *worker(void *arg)
{
    (void)arg;
    printf("worker: calling exit(3)\n");   /* buffered: exit() flushes it */
    exit(3);
}

int main(void)
{
    pthread_t t;
    atexit(at_exit);
    printf("main: starting the worker, then joining it\n");
    fflush(stdout);
    if (pthread_create(&t, NULL, worker, NULL) != 0) { printf("pthread_create failed\n"); return 1; }
    pthread_join(t, NULL);
    printf("main: join returned (should not happen)\n");
    return 0;
}

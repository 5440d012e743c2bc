/* clocks: clock_gettime/clock_getres for every clock, sleeping, gettimeofday.
 *
 * Prints only properties, never time values: for each of REALTIME, MONOTONIC,
 * PROCESS_CPUTIME_ID, THREAD_CPUTIME_ID, MONOTONIC_RAW, REALTIME_COARSE,
 * MONOTONIC_COARSE and BOOTTIME: clock_gettime succeeds, tv_nsec is in range, 1000
 * consecutive reads never go backwards, clock_getres succeeds with a resolution
 * > 0 and < 1 s. Then: the CPU-time clocks advance over a busy loop; nanosleep(10 ms)
 * takes >= 10 ms of MONOTONIC time; clock_nanosleep(MONOTONIC, TIMER_ABSTIME,
 * now + 5 ms) returns at or after the target; clock_nanosleep with a relative
 * 3 ms on BOOTTIME; gettimeofday and time() agree with CLOCK_REALTIME within 1 s;
 * an invalid clock id fails with EINVAL. REALTIME may be any value >= 0. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static int64_t ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

static int64_t now(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return ns(t);
}

static const char *yesno(int b) { return b ? "yes" : "no"; }

int main(void)
{
    static const struct {
        clockid_t id;
        const char *name;
    } clocks[] = {
        {CLOCK_REALTIME, "CLOCK_REALTIME"},
        {CLOCK_MONOTONIC, "CLOCK_MONOTONIC"},
        {CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID"},
        {CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID"},
        {CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW"},
        {CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE"},
        {CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE"},
        {CLOCK_BOOTTIME, "CLOCK_BOOTTIME"},
    };
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        struct timespec t, prev, res;
        int ok = clock_gettime(clocks[i].id, &t) == 0;
        int range = t.tv_sec >= 0 && t.tv_nsec >= 0 && t.tv_nsec < 1000000000;
        int mono = 1;
        prev = t;
        for (int k = 0; k < 1000; k++) {
            clock_gettime(clocks[i].id, &t);
            if (ns(t) < ns(prev)) mono = 0;
            prev = t;
        }
        int rok = clock_getres(clocks[i].id, &res) == 0;
        int rpos = rok && ns(res) > 0 && ns(res) < 1000000000;
        printf("%-25s gettime ok: %s, in range: %s, 1000 reads non-decreasing: %s, res ok: %s, 0 < res < 1s: %s\n",
               clocks[i].name, yesno(ok), yesno(range), yesno(mono), yesno(rok), yesno(rpos));
    }

    /* CPU time advances while computing */
    int64_t p0 = now(CLOCK_PROCESS_CPUTIME_ID), t0 = now(CLOCK_THREAD_CPUTIME_ID);
    volatile uint64_t x = 1;
    for (int i = 0; i < 200000; i++) x = x * 6364136223846793005ull + 1;
    int64_t p1 = now(CLOCK_PROCESS_CPUTIME_ID), t1 = now(CLOCK_THREAD_CPUTIME_ID);
    printf("busy loop: PROCESS_CPUTIME advanced: %s, THREAD_CPUTIME advanced: %s\n", yesno(p1 > p0), yesno(t1 > t0));

    /* nanosleep 10 ms */
    int64_t m0 = now(CLOCK_MONOTONIC), b0 = now(CLOCK_BOOTTIME);
    struct timespec req = {0, 10000000}, rem = {7, 7};
    int r = nanosleep(&req, &rem);
    int64_t m1 = now(CLOCK_MONOTONIC), b1 = now(CLOCK_BOOTTIME);
    printf("nanosleep(10ms) -> %d, MONOTONIC elapsed >= 10ms: %s, BOOTTIME elapsed >= 10ms: %s\n", r,
           yesno(m1 - m0 >= 10000000), yesno(b1 - b0 >= 10000000));

    /* clock_nanosleep absolute */
    struct timespec target;
    clock_gettime(CLOCK_MONOTONIC, &target);
    target.tv_nsec += 5000000;
    if (target.tv_nsec >= 1000000000) {
        target.tv_nsec -= 1000000000;
        target.tv_sec++;
    }
    r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, NULL);
    printf("clock_nanosleep(MONOTONIC, TIMER_ABSTIME, now+5ms) -> %d, woke at or after the target: %s\n", r,
           yesno(now(CLOCK_MONOTONIC) >= ns(target)));
    /* an absolute time in the past returns at once */
    target.tv_sec -= 1;
    r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, NULL);
    printf("clock_nanosleep(MONOTONIC, TIMER_ABSTIME, past) -> %d\n", r);
    /* relative, on another clock */
    m0 = now(CLOCK_MONOTONIC);
    req.tv_nsec = 3000000;
    r = clock_nanosleep(CLOCK_BOOTTIME, 0, &req, NULL);
    printf("clock_nanosleep(BOOTTIME, relative 3ms) -> %d, MONOTONIC elapsed >= 3ms: %s\n", r,
           yesno(now(CLOCK_MONOTONIC) - m0 >= 3000000));
    /* invalid arguments */
    req.tv_nsec = 1000000000;
    r = nanosleep(&req, NULL);
    printf("nanosleep(tv_nsec = 1e9) -> %d, EINVAL: %s\n", r, yesno(r == -1 && errno == EINVAL));
    struct timespec t;
    r = clock_gettime((clockid_t)1000, &t);
    printf("clock_gettime(invalid clock 1000) -> %d, EINVAL: %s\n", r, yesno(r == -1 && errno == EINVAL));

    /* gettimeofday, time() */
    struct timeval tv;
    int64_t rt = now(CLOCK_REALTIME);
    r = gettimeofday(&tv, NULL);
    int64_t d = (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000 - rt;
    printf("gettimeofday -> %d, tv_usec in range: %s, within 1s of CLOCK_REALTIME: %s\n", r,
           yesno(tv.tv_usec >= 0 && tv.tv_usec < 1000000), yesno(d > -1000000000 && d < 1000000000));
    time_t tt = time(NULL);
    rt = now(CLOCK_REALTIME);
    printf("time() within 1s of CLOCK_REALTIME: %s\n", yesno(tt >= rt / 1000000000 - 1 && tt <= rt / 1000000000 + 1));
    printf("REALTIME >= 0: %s\n", yesno(rt >= 0));
    return 0;
}

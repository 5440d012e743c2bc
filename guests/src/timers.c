/* timers: POSIX timers (timer_create and friends), interval timers (setitimer, getitimer)
 * and mincore, by Linux's rules.
 *
 *   - timer_create's errors: an unknown clock, a clock without timers, a bad sigev_notify,
 *     a bad signal, SIGEV_THREAD_ID to a thread that is not ours, bad pointers;
 *     timer_settime/gettime/getoverrun/delete on an unknown id, a bad timespec;
 *   - a periodic CLOCK_MONOTONIC timer with SIGEV_SIGNAL: si_code SI_TIMER, si_value,
 *     timer_gettime's interval and remaining time, disarming with a zero it_value;
 *   - overruns: the periods a timer missed while its signal was blocked (si_overrun,
 *     timer_getoverrun);
 *   - TIMER_ABSTIME, in the future and in the past; SIGEV_NONE; a NULL sigevent (SIGALRM);
 *   - SIGEV_THREAD_ID to a thread that spins without system calls;
 *   - CPU-time timers: CLOCK_PROCESS_CPUTIME_ID fires while the process spins,
 *     CLOCK_THREAD_CPUTIME_ID not while its thread sleeps;
 *   - setitimer ITIMER_REAL (SIGALRM, si_code SI_KERNEL), ITIMER_PROF and ITIMER_VIRTUAL
 *     on CPU time, getitimer, the old value, the errors;
 *   - mincore: touched pages are resident; EINVAL, ENOMEM, EFAULT;
 *   - last, alarm() with SIGALRM's default action ends the process (exit status 142).
 * Nothing printed depends on how fast the host runs: counts are printed as "at least". */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000L
#ifndef SIGEV_THREAD_ID
#define SIGEV_THREAD_ID 4
#endif

/* the kernel's struct sigevent */
struct ksigevent {
    union sigval value;
    int signo;
    int notify;
    int tid;
    int pad[11];
};

static volatile int counts[65];
static volatile int last_code[65];
static volatile int last_overrun[65];
static volatile int last_tid[65];
static volatile long last_value[65];
static volatile long cpu_at_signal;

static void say(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    vprintf(format, ap);
    va_end(ap);
    fflush(stdout);
}

static const char *yes(int c) { return c ? "yes" : "no"; }

static const char *err(long r)
{
    if (r >= 0) return "ok";
    switch (errno) {
    case EINVAL: return "EINVAL";
    case EFAULT: return "EFAULT";
    case ENOMEM: return "ENOMEM";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EAGAIN: return "EAGAIN";
    default: return strerror(errno);
    }
}

static void on_signal(int sig, siginfo_t *info, void *context)
{
    (void)context;
    struct timespec now;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    cpu_at_signal = now.tv_sec * 1000000000L + now.tv_nsec;
    last_code[sig] = info->si_code;
    last_overrun[sig] = info->si_code == SI_TIMER ? info->si_overrun : 0;
    last_value[sig] = info->si_code == SI_TIMER ? (long)info->si_value.sival_ptr : 0;
    last_tid[sig] = (int)syscall(SYS_gettid);
    counts[sig]++;
}

static void handle(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(sig, &sa, 0);
}

static long kcreate(clockid_t clock, struct ksigevent *event, int *id)
{
    return syscall(SYS_timer_create, clock, event, id);
}

static long ksettime(int id, int flags, long value_ns, long interval_ns, struct itimerspec *old)
{
    struct itimerspec spec = {
        .it_interval = { interval_ns / 1000000000L, interval_ns % 1000000000L },
        .it_value = { value_ns / 1000000000L, value_ns % 1000000000L },
    };
    return syscall(SYS_timer_settime, id, flags, &spec, old);
}

static long ns_of(struct timespec t) { return t.tv_sec * 1000000000L + t.tv_nsec; }

static void sleep_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * MS };
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {
    }
}

/* waits (sleeping) until counts[sig] reaches n, at most about `ms` milliseconds */
static int wait_count(int sig, int n, int ms)
{
    for (int i = 0; i < ms && counts[sig] < n; i++) sleep_ms(1);
    return counts[sig] >= n;
}

static struct ksigevent signal_event(int sig, long value)
{
    struct ksigevent e;
    memset(&e, 0, sizeof e);
    e.notify = SIGEV_SIGNAL;
    e.signo = sig;
    e.value.sival_ptr = (void *)value;
    return e;
}

static void create_errors(void)
{
    int id;
    struct ksigevent e = signal_event(SIGUSR1, 0);
    say("timer_create(99): %s\n", err(kcreate(99, &e, &id)));
    say("timer_create(CLOCK_MONOTONIC_RAW): %s\n", err(kcreate(CLOCK_MONOTONIC_RAW, &e, &id)));
    e.notify = 77;
    say("timer_create(notify 77): %s\n", err(kcreate(CLOCK_MONOTONIC, &e, &id)));
    e = signal_event(0, 0);
    say("timer_create(signal 0): %s\n", err(kcreate(CLOCK_MONOTONIC, &e, &id)));
    e = signal_event(65, 0);
    say("timer_create(signal 65): %s\n", err(kcreate(CLOCK_MONOTONIC, &e, &id)));
    e = signal_event(SIGUSR1, 0);
    e.notify = SIGEV_SIGNAL | SIGEV_THREAD_ID;
    e.tid = 999999;
    say("timer_create(SIGEV_THREAD_ID, no such thread): %s\n", err(kcreate(CLOCK_MONOTONIC, &e, &id)));
    say("timer_create(bad sevp): %s\n", err(kcreate(CLOCK_MONOTONIC, (struct ksigevent *)8, &id)));
    e = signal_event(SIGUSR1, 0);
    say("timer_create(bad timerid): %s\n", err(kcreate(CLOCK_MONOTONIC, &e, (int *)8)));
    struct itimerspec spec = { { 0, 0 }, { 0, 1000 } };
    say("timer_settime(unknown id): %s\n", err(syscall(SYS_timer_settime, 12345, 0, &spec, 0)));
    say("timer_gettime(unknown id): %s\n", err(syscall(SYS_timer_gettime, 12345, &spec)));
    say("timer_getoverrun(unknown id): %s\n", err(syscall(SYS_timer_getoverrun, 12345)));
    say("timer_delete(unknown id): %s\n", err(syscall(SYS_timer_delete, 12345)));
    if (kcreate(CLOCK_MONOTONIC, &e, &id) != 0) {
        say("timer_create failed: %s\n", err(-1));
        return;
    }
    spec.it_value.tv_nsec = 1000000000L;
    say("timer_settime(tv_nsec 1e9): %s\n", err(syscall(SYS_timer_settime, id, 0, &spec, 0)));
    spec.it_value.tv_nsec = 0;
    spec.it_interval.tv_sec = -1;
    say("timer_settime(negative interval): %s\n", err(syscall(SYS_timer_settime, id, 0, &spec, 0)));
    say("timer_settime(NULL new_value): %s\n", err(syscall(SYS_timer_settime, id, 0, 0, 0)));
    say("timer_gettime(bad pointer): %s\n", err(syscall(SYS_timer_gettime, id, (void *)8)));
    say("timer_delete: %s\n", err(syscall(SYS_timer_delete, id)));
}

static void periodic(void)
{
    int id;
    struct ksigevent e = signal_event(SIGUSR1, 0x5eed);
    say("create CLOCK_MONOTONIC SIGEV_SIGNAL: %s\n", err(kcreate(CLOCK_MONOTONIC, &e, &id)));
    say("arm 1ms every 1ms: %s\n", err(ksettime(id, 0, MS, MS, 0)));
    say("periodic fired >= 3: %s\n", yes(wait_count(SIGUSR1, 3, 1000)));
    say("si_code SI_TIMER: %s\n", yes(last_code[SIGUSR1] == SI_TIMER));
    say("si_value is sigev_value: %s\n", yes(last_value[SIGUSR1] == 0x5eed));
    struct itimerspec cur;
    syscall(SYS_timer_gettime, id, &cur);
    say("gettime interval: %ld ns\n", ns_of(cur.it_interval));
    say("gettime remaining in (0, 1ms]: %s\n", yes(ns_of(cur.it_value) > 0 && ns_of(cur.it_value) <= MS));
    struct itimerspec old;
    say("disarm: %s\n", err(ksettime(id, 0, 0, 0, &old)));
    say("old value interval: %ld ns\n", ns_of(old.it_interval));
    syscall(SYS_timer_gettime, id, &cur);
    say("disarmed reads zero: %s\n", yes(ns_of(cur.it_value) == 0 && ns_of(cur.it_interval) == 0));
    int before = counts[SIGUSR1];
    sleep_ms(5);
    say("no signal after disarm: %s\n", yes(counts[SIGUSR1] == before));
    say("timer_delete: %s\n", err(syscall(SYS_timer_delete, id)));
}

static void overruns(void)
{
    int id;
    struct ksigevent e = signal_event(SIGUSR2, 7);
    kcreate(CLOCK_MONOTONIC, &e, &id);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, &old);
    ksettime(id, 0, MS, MS, 0);
    sleep_ms(20);
    say("no delivery while blocked: %s\n", yes(counts[SIGUSR2] == 0));
    sigprocmask(SIG_SETMASK, &old, 0);
    say("one signal once unblocked: %s\n", yes(counts[SIGUSR2] == 1));
    say("si_overrun >= 10: %s\n", yes(last_overrun[SIGUSR2] >= 10));
    long got = syscall(SYS_timer_getoverrun, id);
    say("timer_getoverrun is si_overrun: %s\n", yes(got == last_overrun[SIGUSR2]));
    ksettime(id, 0, 0, 0, 0);
    say("timer_getoverrun after settime: %ld\n", syscall(SYS_timer_getoverrun, id));
    syscall(SYS_timer_delete, id);
}

static void absolute(void)
{
    int id;
    struct ksigevent e = signal_event(SIGUSR1, 0);
    kcreate(CLOCK_MONOTONIC, &e, &id);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long target = ns_of(now) + 3 * MS;
    int before = counts[SIGUSR1];
    say("arm TIMER_ABSTIME now+3ms: %s\n", err(ksettime(id, TIMER_ABSTIME, target, 0, 0)));
    sigset_t none;
    sigemptyset(&none);
    while (counts[SIGUSR1] == before) sigsuspend(&none);
    clock_gettime(CLOCK_MONOTONIC, &now);
    say("fired at or after the target: %s\n", yes(ns_of(now) >= target));
    before = counts[SIGUSR1];
    ksettime(id, TIMER_ABSTIME, ns_of(now) - 5 * MS, 0, 0);
    wait_count(SIGUSR1, before + 1, 100);
    say("an absolute time in the past fires at once: %s\n", yes(counts[SIGUSR1] == before + 1));
    syscall(SYS_timer_delete, id);

    clock_gettime(CLOCK_REALTIME, &now);
    kcreate(CLOCK_REALTIME, &e, &id);
    before = counts[SIGUSR1];
    ksettime(id, TIMER_ABSTIME, ns_of(now) + 2 * MS, 0, 0);
    say("CLOCK_REALTIME absolute fired: %s\n", yes(wait_count(SIGUSR1, before + 1, 1000)));
    syscall(SYS_timer_delete, id);
}

static void sigev_none(void)
{
    int id;
    struct ksigevent e;
    memset(&e, 0, sizeof e);
    e.notify = SIGEV_NONE;
    say("create SIGEV_NONE: %s\n", err(kcreate(CLOCK_MONOTONIC, &e, &id)));
    ksettime(id, 0, 2 * MS, 2 * MS, 0);
    sleep_ms(5);
    struct itimerspec cur;
    syscall(SYS_timer_gettime, id, &cur);
    say("SIGEV_NONE periodic remaining in (0, 2ms]: %s\n", yes(ns_of(cur.it_value) > 0 && ns_of(cur.it_value) <= 2 * MS));
    ksettime(id, 0, MS, 0, 0);
    sleep_ms(3);
    syscall(SYS_timer_gettime, id, &cur);
    say("SIGEV_NONE one-shot expired reads zero: %s\n", yes(ns_of(cur.it_value) == 0));
    syscall(SYS_timer_delete, id);

    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGALRM, &sa, &old);
    say("create with NULL sigevent: %s\n", err(kcreate(CLOCK_MONOTONIC, 0, &id)));
    int before = counts[SIGALRM];
    ksettime(id, 0, MS, 0, 0);
    say("NULL sigevent: SIGALRM fired: %s\n", yes(wait_count(SIGALRM, before + 1, 1000)));
    say("NULL sigevent: si_code SI_TIMER: %s\n", yes(last_code[SIGALRM] == SI_TIMER));
    syscall(SYS_timer_delete, id);
    sigaction(SIGALRM, &old, 0);
}

static volatile int spinner_tid, spinner_armed;
static volatile long spins;

/* waits (yielding) until its timer is armed, then spins without system calls until it got three signals */
static void *spinner(void *arg)
{
    (void)arg;
    spinner_tid = (int)syscall(SYS_gettid);
    while (!spinner_armed) sched_yield();
    while (counts[SIGRTMIN] < 3) spins++;
    return 0;
}

static void thread_id(void)
{
    handle(SIGRTMIN);
    pthread_t thread;
    pthread_create(&thread, 0, spinner, 0);
    while (!spinner_tid) sched_yield();
    int id;
    struct ksigevent e = signal_event(SIGRTMIN, 0);
    e.notify = SIGEV_SIGNAL | SIGEV_THREAD_ID;
    e.tid = spinner_tid;
    say("create SIGEV_THREAD_ID to the spinner: %s\n", err(kcreate(CLOCK_MONOTONIC, &e, &id)));
    ksettime(id, 0, MS, MS, 0);
    spinner_armed = 1;
    pthread_join(thread, 0);
    say("the spinning thread got >= 3: %s\n", yes(counts[SIGRTMIN] >= 3));
    say("delivered to the spinner: %s\n", yes(last_tid[SIGRTMIN] == spinner_tid));
    syscall(SYS_timer_delete, id);
}

static void cpu_time(void)
{
    int id;
    struct ksigevent e = signal_event(SIGUSR1, 0);
    say("create CLOCK_PROCESS_CPUTIME_ID: %s\n", err(kcreate(CLOCK_PROCESS_CPUTIME_ID, &e, &id)));
    struct timespec start;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start);
    int before = counts[SIGUSR1];
    ksettime(id, 0, 5 * MS, 0, 0);
    volatile long n = 0;
    while (counts[SIGUSR1] == before) n++;
    say("fired while spinning: yes\n");
    say("after >= 5ms of CPU time: %s\n", yes(cpu_at_signal - ns_of(start) >= 5 * MS));
    syscall(SYS_timer_delete, id);

    e.notify = SIGEV_SIGNAL | SIGEV_THREAD_ID;
    e.tid = (int)syscall(SYS_gettid);
    say("create CLOCK_THREAD_CPUTIME_ID: %s\n", err(kcreate(CLOCK_THREAD_CPUTIME_ID, &e, &id)));
    before = counts[SIGUSR1];
    ksettime(id, 0, 5 * MS, 0, 0);
    sleep_ms(30);
    say("not fired while the thread sleeps: %s\n", yes(counts[SIGUSR1] == before));
    while (counts[SIGUSR1] == before) n++;
    say("fired once it spins: yes\n");
    syscall(SYS_timer_delete, id);
}

static void itimers(void)
{
    struct itimerval v = { { 0, 2000 }, { 0, 2000 } }, old, cur;
    handle(SIGALRM);
    say("setitimer(ITIMER_REAL, 2ms every 2ms): %s\n", err(setitimer(ITIMER_REAL, &v, 0)));
    say("SIGALRM >= 3: %s\n", yes(wait_count(SIGALRM, counts[SIGALRM] + 3, 1000)));
    say("SIGALRM si_code SI_KERNEL: %s\n", yes(last_code[SIGALRM] == SI_KERNEL));
    getitimer(ITIMER_REAL, &cur);
    say("getitimer interval: %ld us\n", (long)cur.it_interval.tv_usec);
    say("getitimer value in [0, 2ms]: %s\n", yes(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec <= 2000));
    struct itimerval zero = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &zero, &old);
    say("old interval: %ld us\n", (long)old.it_interval.tv_usec);
    getitimer(ITIMER_REAL, &cur);
    say("disarmed: %s\n", yes(!cur.it_value.tv_sec && !cur.it_value.tv_usec && !cur.it_interval.tv_usec));

    handle(SIGPROF);
    struct itimerval prof = { { 0, 1000 }, { 0, 1000 } };
    say("setitimer(ITIMER_PROF, 1ms every 1ms): %s\n", err(setitimer(ITIMER_PROF, &prof, 0)));
    volatile long n = 0;
    while (counts[SIGPROF] < 3) n++;
    say("SIGPROF >= 3 while spinning: yes\n");
    setitimer(ITIMER_PROF, &zero, 0);
    handle(SIGVTALRM);
    struct itimerval virt = { { 0, 0 }, { 0, 3000 } };
    say("setitimer(ITIMER_VIRTUAL, 3ms): %s\n", err(setitimer(ITIMER_VIRTUAL, &virt, 0)));
    while (counts[SIGVTALRM] < 1) n++;
    say("SIGVTALRM while spinning: yes\n");
    getitimer(ITIMER_VIRTUAL, &cur);
    say("one-shot ITIMER_VIRTUAL disarmed after firing: %s\n", yes(!cur.it_value.tv_sec && !cur.it_value.tv_usec));

    say("setitimer(99): %s\n", err(setitimer(99, &v, 0)));
    struct itimerval bad = { { 0, 0 }, { 0, 1000000 } };
    say("setitimer(tv_usec 1000000): %s\n", err(setitimer(ITIMER_REAL, &bad, 0)));
    say("getitimer(5): %s\n", err(getitimer(5, &cur)));
    say("getitimer(bad pointer): %s\n", err(getitimer(ITIMER_REAL, (struct itimerval *)8)));
}

static void mincore_checks(void)
{
    long page = sysconf(_SC_PAGESIZE);
    unsigned char *p = mmap(0, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 4; i++) p[i * page] = 1;
    unsigned char vec[4] = { 0 };
    say("mincore: %s\n", err(mincore(p, 4 * page, vec)));
    say("touched pages resident: %d%d%d%d\n", vec[0] & 1, vec[1] & 1, vec[2] & 1, vec[3] & 1);
    say("mincore(partial page length): %s\n", err(mincore(p, page + 1, vec)));
    say("mincore(misaligned): %s\n", err(mincore(p + 1, page, vec)));
    say("mincore(bad vec): %s\n", err(mincore(p, page, (unsigned char *)8)));
    munmap(p + 2 * page, page);
    say("mincore(over an unmapped page): %s\n", err(mincore(p, 4 * page, vec)));
    say("mincore(length 0): %s\n", err(mincore(p, 0, vec)));
}

int main(void)
{
    handle(SIGUSR1);
    handle(SIGUSR2);
    create_errors();
    periodic();
    overruns();
    absolute();
    sigev_none();
    thread_id();
    cpu_time();
    itimers();
    mincore_checks();
    say("alarm(1), then SIGALRM's default action\n");
    signal(SIGALRM, SIG_DFL);
    alarm(1);
    for (;;) pause();
}

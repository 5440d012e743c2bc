/* sig_restart: what a signal handler does to a blocking system call, by Linux's rules
 * (signal(7), "Interruption of system calls and library functions by signal handlers").
 *
 * A reader thread blocks in one call after another; the main thread waits until it is
 * blocked (its /proc/self/task/TID/stat state is S where that file exists, then a few
 * milliseconds more), sends it SIGUSR1 with tgkill and, where the call should go on,
 * makes it able to finish once the handler has run. Each case prints what the call
 * returned and how many times the handler ran:
 *   - read of an empty pipe, write to a full pipe, read of an eventfd at 0, flock and an
 *     untimed FUTEX_WAIT: -1 EINTR without SA_RESTART; with SA_RESTART the call is
 *     restarted after the handler and completes;
 *   - a pipe write that moved some bytes before it blocked returns that partial count,
 *     with or without SA_RESTART;
 *   - a FUTEX_WAIT with a timeout, nanosleep, ppoll and epoll_pwait: EINTR even with
 *     SA_RESTART;
 *   - an ignored signal (SIG_IGN, or SIGURG's default) and a blocked one do not
 *     interrupt the call; the blocked one's handler runs once it is unblocked;
 *   - SIGTERM with its default action ends the process (exit status 143) while the reader
 *     is blocked, without the reader seeing EINTR.
 * Nothing printed depends on timing, tids or addresses. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BIG 100000
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define LOCK_PATH "/tmp/sig_restart.lock"

static volatile int reader_tid;
static volatile int stage;
static volatile int handled;
static int data_pipe[2], full_pipe[2], big_pipe[2], efd, epfd, lock_main;
static int futex_word;
static char big[BIG];

static void say(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    vprintf(format, ap);
    va_end(ap);
    fflush(stdout);
}

static const char *err(int e)
{
    switch (e) {
    case EINTR: return "EINTR";
    case EAGAIN: return "EAGAIN";
    case ETIMEDOUT: return "ETIMEDOUT";
    default: return strerror(e);
    }
}

/* "3" or "-1 EINTR" */
static const char *result(long r, int e)
{
    static char text[64];
    if (r >= 0) snprintf(text, sizeof text, "%ld", r);
    else snprintf(text, sizeof text, "-1 %s", err(e));
    return text;
}

static void on_signal(int sig)
{
    (void)sig;
    handled++;
}

static void handle(int sig, int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void msleep(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {}
}

static long futex(int *word, int op, int value, const struct timespec *timeout)
{
    return syscall(SYS_futex, word, op, value, timeout, NULL, 0);
}

/* ---- the reader: one blocking call per stage ---- */

static void announce(int k)
{
    __atomic_store_n(&stage, k, __ATOMIC_SEQ_CST);
}

static void drain(int fd)
{
    char buf[4096];
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    while (read(fd, buf, sizeof buf) > 0) {}
    fcntl(fd, F_SETFL, flags);
}

static void fill(int fd)
{
    static char page[4096];
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    while (write(fd, page, sizeof page) > 0) {}
    fcntl(fd, F_SETFL, flags);
}

static void *reader(void *arg)
{
    (void)arg;
    char c = 0;
    long r;
    int h;
    reader_tid = gettid();

    /* read of an empty pipe */
    handle(SIGUSR1, 0);
    h = handled;
    announce(1);
    r = read(data_pipe[0], &c, 1);
    say("read, empty pipe, no SA_RESTART: %s, handler ran %d\n", result(r, errno), handled - h);
    handle(SIGUSR1, SA_RESTART);
    h = handled;
    announce(2);
    r = read(data_pipe[0], &c, 1);
    say("read, empty pipe, SA_RESTART: %s '%c' (restarted), handler ran %d\n", result(r, errno), r == 1 ? c : '?', handled - h);

    /* a write that moved part of its data, then blocked */
    handle(SIGUSR1, 0);
    h = handled;
    announce(3);
    r = write(big_pipe[1], big, BIG);
    say("write %d bytes to an empty pipe, no SA_RESTART: %s (partial), handler ran %d\n", BIG, result(r, errno), handled - h);
    drain(big_pipe[0]);
    handle(SIGUSR1, SA_RESTART);
    h = handled;
    announce(4);
    r = write(big_pipe[1], big, BIG);
    say("write %d bytes to an empty pipe, SA_RESTART: %s (partial), handler ran %d\n", BIG, result(r, errno), handled - h);
    drain(big_pipe[0]);

    /* write to a full pipe: nothing moved */
    fill(full_pipe[1]);
    handle(SIGUSR1, 0);
    h = handled;
    announce(5);
    r = write(full_pipe[1], "w", 1);
    say("write, full pipe, no SA_RESTART: %s, handler ran %d\n", result(r, errno), handled - h);
    handle(SIGUSR1, SA_RESTART);
    h = handled;
    announce(6);
    r = write(full_pipe[1], "w", 1);
    say("write, full pipe, SA_RESTART: %s (restarted), handler ran %d\n", result(r, errno), handled - h);
    drain(full_pipe[0]);

    /* eventfd at 0 */
    uint64_t value = 0;
    handle(SIGUSR1, 0);
    h = handled;
    announce(7);
    r = read(efd, &value, 8);
    say("eventfd read at 0, no SA_RESTART: %s, handler ran %d\n", result(r, errno), handled - h);
    handle(SIGUSR1, SA_RESTART);
    h = handled;
    announce(8);
    r = read(efd, &value, 8);
    say("eventfd read at 0, SA_RESTART: %s value %llu (restarted), handler ran %d\n", result(r, errno), (unsigned long long)value, handled - h);

    /* futex */
    handle(SIGUSR1, 0);
    h = handled;
    announce(9);
    r = futex(&futex_word, FUTEX_WAIT_PRIVATE, 0, NULL);
    say("FUTEX_WAIT, no timeout, no SA_RESTART: %s, handler ran %d\n", result(r, errno), handled - h);
    handle(SIGUSR1, SA_RESTART);
    h = handled;
    announce(10);
    r = futex(&futex_word, FUTEX_WAIT_PRIVATE, 0, NULL);
    /* restarted: woken (0), or the word had changed when it ran again (EAGAIN) */
    say("FUTEX_WAIT, no timeout, SA_RESTART: %s, handler ran %d\n", r == 0 || errno == EAGAIN ? "restarted, then woken" : result(r, errno), handled - h);
    struct timespec ten = {10, 0};
    futex_word = 0;
    h = handled;
    announce(11);
    r = futex(&futex_word, FUTEX_WAIT_PRIVATE, 0, &ten);
    say("FUTEX_WAIT, 10 s timeout, SA_RESTART: %s, handler ran %d\n", result(r, errno), handled - h);

    /* never restarted: sleeps and multiplexing */
    struct timespec sleep = {10, 0}, rem = {0, 0};
    h = handled;
    announce(12);
    r = nanosleep(&sleep, &rem);
    int left = (rem.tv_sec > 0 || rem.tv_nsec > 0) && (rem.tv_sec < 10 || (rem.tv_sec == 10 && rem.tv_nsec == 0));
    say("nanosleep 10 s, SA_RESTART: %s, time left in (0, 10 s]: %s, handler ran %d\n", result(r, errno), left ? "yes" : "no", handled - h);
    struct pollfd p = {.fd = data_pipe[0], .events = POLLIN};
    h = handled;
    announce(13);
    r = ppoll(&p, 1, NULL, NULL);
    say("ppoll, empty pipe, SA_RESTART: %s, handler ran %d\n", result(r, errno), handled - h);
    struct epoll_event event;
    h = handled;
    announce(14);
    r = epoll_pwait(epfd, &event, 1, -1, NULL);
    say("epoll_pwait, empty pipe, SA_RESTART: %s, handler ran %d\n", result(r, errno), handled - h);

    /* flock held by another open file */
    int lock_reader = open(LOCK_PATH, O_RDWR);
    handle(SIGUSR1, 0);
    h = handled;
    announce(15);
    r = flock(lock_reader, LOCK_EX);
    say("flock, held elsewhere, no SA_RESTART: %s, handler ran %d\n", result(r, errno), handled - h);
    handle(SIGUSR1, SA_RESTART);
    h = handled;
    announce(16);
    r = flock(lock_reader, LOCK_EX);
    say("flock, held elsewhere, SA_RESTART: %s (restarted), handler ran %d\n", result(r, errno), handled - h);
    close(lock_reader);

    /* signals that do not interrupt */
    signal(SIGUSR2, SIG_IGN);
    signal(SIGURG, SIG_DFL);
    h = handled;
    announce(17);
    r = read(data_pipe[0], &c, 1);
    say("read, SIGUSR2 ignored and SIGURG by default sent: %s '%c' (not interrupted), handler ran %d\n", result(r, errno), r == 1 ? c : '?', handled - h);
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, NULL);
    h = handled;
    announce(18);
    r = read(data_pipe[0], &c, 1);
    say("read, SIGUSR1 blocked and sent: %s '%c' (not interrupted), handler ran %d\n", result(r, errno), r == 1 ? c : '?', handled - h);
    pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
    say("SIGUSR1 unblocked: handler ran %d\n", handled - h);

    /* a signal whose default action ends the process */
    announce(19);
    r = read(data_pipe[0], &c, 1);
    say("read, SIGTERM by default: returned %s (must not happen)\n", result(r, errno));
    return NULL;
}

/* ---- the main thread: waits for each call to block, then signals the reader ---- */

/* Until the reader has announced stage k and is blocked in its call. */
static void await_blocked(int k)
{
    while (__atomic_load_n(&stage, __ATOMIC_SEQ_CST) != k) msleep(1);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", reader_tid);
    for (int i = 0; i < 500; i++) {
        int fd = open(path, O_RDONLY);
        if (fd < 0) break;
        char buf[512];
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0) break;
        buf[n] = 0;
        char *end = strrchr(buf, ')');
        if (!end || end[1] != ' ') break;
        if (end[2] == 'S') break;
        msleep(1);
    }
    msleep(20);
}

static void send(int sig)
{
    if (syscall(SYS_tgkill, getpid(), reader_tid, sig) != 0) say("tgkill failed: %s\n", err(errno));
}

/* Sends SIGUSR1 and waits until its handler has run. */
static void interrupt_and_wait(void)
{
    int h = handled;
    send(SIGUSR1);
    while (handled == h) msleep(1);
}

int main(void)
{
    say("sig_restart\n");
    for (int i = 0; i < BIG; i++) big[i] = (char)i;
    if (pipe(data_pipe) || pipe(full_pipe) || pipe(big_pipe)) return 1;
    efd = eventfd(0, 0);
    epfd = epoll_create1(0);
    struct epoll_event watch = {.events = EPOLLIN, .data.fd = data_pipe[0]};
    epoll_ctl(epfd, EPOLL_CTL_ADD, data_pipe[0], &watch);
    lock_main = open(LOCK_PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
    flock(lock_main, LOCK_EX);

    pthread_t thread;
    pthread_create(&thread, NULL, reader, NULL);

    await_blocked(1);
    send(SIGUSR1);
    await_blocked(2);
    interrupt_and_wait();
    write(data_pipe[1], "x", 1);

    await_blocked(3);
    send(SIGUSR1);
    await_blocked(4);
    send(SIGUSR1);

    await_blocked(5);
    send(SIGUSR1);
    await_blocked(6);
    interrupt_and_wait();
    char page[4096];
    read(full_pipe[0], page, sizeof page);

    await_blocked(7);
    send(SIGUSR1);
    await_blocked(8);
    interrupt_and_wait();
    eventfd_write(efd, 5);

    await_blocked(9);
    send(SIGUSR1);
    await_blocked(10);
    interrupt_and_wait();
    __atomic_store_n(&futex_word, 1, __ATOMIC_SEQ_CST);
    futex(&futex_word, FUTEX_WAKE_PRIVATE, 1, NULL);
    await_blocked(11);
    send(SIGUSR1);

    for (int k = 12; k <= 14; k++) {
        await_blocked(k);
        send(SIGUSR1);
    }

    await_blocked(15);
    send(SIGUSR1);
    await_blocked(16);
    interrupt_and_wait();
    flock(lock_main, LOCK_UN);

    await_blocked(17);
    send(SIGUSR2);
    send(SIGURG);
    msleep(20);
    write(data_pipe[1], "y", 1);
    await_blocked(18);
    send(SIGUSR1);
    msleep(20);
    write(data_pipe[1], "z", 1);

    await_blocked(19);
    close(lock_main);
    unlink(LOCK_PATH);
    say("main: SIGTERM to the blocked reader\n");
    send(SIGTERM);
    pthread_join(thread, NULL);
    say("main: still running after SIGTERM (must not happen)\n");
    return 0;
}

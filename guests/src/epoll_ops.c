/* epoll_ops: epoll and eventfd as Go's runtime and event loops use them, one line per check.
 *
 * 1. epoll_create1: flags, close-on-exec, F_GETFL, /proc/self/fd link.
 * 2. Level-triggered pipe reads: data copied back exactly (64-bit), re-reported while ready.
 * 3. epoll_ctl errors: EEXIST, ENOENT, EBADF, EINVAL (same fd, not an epoll, bad op,
 *    EPOLLEXCLUSIVE misuse), EPERM (regular file, directory, /dev/null), EFAULT.
 * 4. epoll_pwait errors: maxevents, EBADF, not an epoll, sigsetsize.
 * 5. Edge-triggered: every write is an edge (even without reading), a read is not.
 * 6. EPOLLONESHOT: disarmed after one report until EPOLL_CTL_MOD.
 * 7. Hang-up and error: EPOLLHUP on the read end without writers, EPOLLERR on the
 *    write end without readers; EPOLLOUT while there is room.
 * 8. eventfd2: counter, EFD_SEMAPHORE, EFD_NONBLOCK, short buffers, the ceiling, flags,
 *    readiness, a 16-byte write taking 8.
 * 9. Entries keyed by (fd, open file): an entry outlives close() while a dup keeps the
 *    file open and goes when the file does; two fds on one file are two entries.
 * 10. maxevents and the ready list's order (level-triggered entries go to the back).
 * 11. Nesting: an epoll fd watched by epoll and ppoll; ELOOP for cycles and depth.
 * 12. Threads: a blocked epoll_pwait woken by a write from another thread (pipe and
 *     eventfd); a timeout. (qemu-user 7.2 has no epoll_pwait2: the unit tests cover it.)
 * 13. Signals: a handled signal interrupts epoll_pwait with EINTR; with a sigmask the
 *     wait's mask applies during the wait only, and a pending signal it unblocks ends the
 *     call at once.
 * Every printed value is independent of how the threads interleave. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *err(int e)
{
    switch (e) {
    case 0: return "ok";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EINTR: return "EINTR";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case EFAULT: return "EFAULT";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case ELOOP: return "ELOOP";
    case EPIPE: return "EPIPE";
    default: return "E?";
    }
}

/* The result of a call returning -1/errno: "ok" or the errno name. */
#define R(call) ((call) < 0 ? err(errno) : "ok")

static void check(const char *what, long got, long want)
{
    printf("%s: %ld%s\n", what, got, got == want ? "" : " (UNEXPECTED)");
}

static void ctl(const char *what, int ep, int op, int fd, uint32_t events, uint64_t data, const char *want)
{
    struct epoll_event ev = {.events = events, .data.u64 = data};
    const char *got = R(epoll_ctl(ep, op, fd, &ev));
    printf("ctl %s: %s%s\n", what, got, strcmp(got, want) == 0 ? "" : " (UNEXPECTED)");
}

/* Waits and prints "n [events:data ...]" (data printed in hex). */
static int show_wait(const char *what, int ep, int max, int timeout)
{
    struct epoll_event ev[16];
    int n = epoll_wait(ep, ev, max, timeout);
    printf("wait %s: ", what);
    if (n < 0) {
        printf("%s\n", err(errno));
        return n;
    }
    printf("%d", n);
    for (int i = 0; i < n; i++) printf(" %#x:%llx", ev[i].events, (unsigned long long)ev[i].data.u64);
    printf("\n");
    return n;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, 0);
}

static int wake_fd;
static void *late_writer(void *arg)
{
    (void)arg;
    sleep_ms(20);
    write(wake_fd, "w", 1);
    return 0;
}

static void *late_eventfd(void *arg)
{
    (void)arg;
    sleep_ms(20);
    eventfd_write(wake_fd, 9);
    return 0;
}

static pthread_t main_thread;
static volatile int handled;
static void on_usr1(int sig)
{
    (void)sig;
    handled++;
}

static void *late_signal(void *arg)
{
    (void)arg;
    sleep_ms(20);
    pthread_kill(main_thread, SIGUSR1);
    return 0;
}

static void link_of(const char *what, int fd)
{
    char path[64], target[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, target, sizeof target - 1);
    target[n < 0 ? 0 : n] = 0;
    printf("%s link: %s\n", what, target);
}

int main(void)
{
    setvbuf(stdout, 0, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);

    /* 1 */
    int ep = epoll_create1(0);
    printf("create1(0): %s\n", ep >= 0 ? "ok" : err(errno));
    printf("create1(1): %s\n", R(epoll_create1(1)));
    int epc = epoll_create1(EPOLL_CLOEXEC);
    printf("create1(CLOEXEC) FD_CLOEXEC: %d\n", fcntl(epc, F_GETFD));
    printf("epoll F_GETFL: %#x\n", fcntl(ep, F_GETFL));
    link_of("epoll", ep);
    char buf[64];
    printf("read epoll: %s\n", R(read(ep, buf, 8)));
    close(epc);

    /* 2 */
    int p[2];
    pipe2(p, O_NONBLOCK);
    ctl("add pipe read", ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0x1122334455667788ULL, "ok");
    show_wait("empty", ep, 8, 0);
    write(p[1], "abc", 3);
    show_wait("data", ep, 8, 0);
    show_wait("data again (level)", ep, 8, 0);
    read(p[0], buf, 3);
    show_wait("drained", ep, 8, 0);

    /* 3 */
    ctl("add again", ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 1, "EEXIST");
    ctl("mod absent", ep, EPOLL_CTL_MOD, p[1], EPOLLOUT, 1, "ENOENT");
    ctl("del absent", ep, EPOLL_CTL_DEL, p[1], 0, 0, "ENOENT");
    ctl("bad epfd", 999, EPOLL_CTL_ADD, p[0], EPOLLIN, 1, "EBADF");
    ctl("bad fd", ep, EPOLL_CTL_ADD, 999, EPOLLIN, 1, "EBADF");
    ctl("epfd == fd", ep, EPOLL_CTL_ADD, ep, EPOLLIN, 1, "EINVAL");
    ctl("epfd not epoll", p[1], EPOLL_CTL_ADD, p[0], EPOLLIN, 1, "EINVAL");
    ctl("bad op", ep, 99, p[1], EPOLLOUT, 1, "EINVAL");
    int file = open("epoll_ops.tmp", O_RDWR | O_CREAT | O_TRUNC, 0600);
    ctl("regular file", ep, EPOLL_CTL_ADD, file, EPOLLIN, 1, "EPERM");
    close(file);
    unlink("epoll_ops.tmp");
    int dir = open(".", O_RDONLY | O_DIRECTORY);
    ctl("directory", ep, EPOLL_CTL_ADD, dir, EPOLLIN, 1, "EPERM");
    close(dir);
    int null = open("/dev/null", O_RDWR);
    ctl("/dev/null", ep, EPOLL_CTL_ADD, null, EPOLLIN, 1, "EPERM");
    close(null);
    printf("ctl add NULL event: %s\n", R(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], 0)));
    ctl("exclusive|oneshot", ep, EPOLL_CTL_ADD, p[1], EPOLLOUT | EPOLLEXCLUSIVE | EPOLLONESHOT, 1, "EINVAL");
    ctl("exclusive", ep, EPOLL_CTL_ADD, p[1], EPOLLOUT | EPOLLEXCLUSIVE, 0x77, "ok");
    ctl("mod exclusive entry", ep, EPOLL_CTL_MOD, p[1], EPOLLOUT, 1, "EINVAL");
    ctl("mod with exclusive", ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLEXCLUSIVE, 1, "EINVAL");
    show_wait("pipe both ends", ep, 8, 0);
    printf("ctl del NULL event: %s\n", R(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], 0)));
    ctl("wakeup bit accepted", ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLWAKEUP, 0x55, "ok");
    write(p[1], "x", 1);
    show_wait("after mod", ep, 8, 0);
    read(p[0], buf, 1);

    /* 4 */
    struct epoll_event evs[4];
    printf("wait maxevents 0: %s\n", R(epoll_wait(ep, evs, 0, 0)));
    printf("wait maxevents -1: %s\n", R(epoll_wait(ep, evs, -1, 0)));
    printf("wait bad epfd: %s\n", R(epoll_wait(999, evs, 4, 0)));
    printf("wait not epoll: %s\n", R(epoll_wait(p[0], evs, 4, 0)));
    sigset_t none;
    sigemptyset(&none);
    printf("pwait sigsetsize 4: %s\n", R(syscall(SYS_epoll_pwait, ep, evs, 4, 0, &none, 4)));
    printf("pwait sigsetsize 8: %s\n", R(syscall(SYS_epoll_pwait, ep, evs, 4, 0, &none, 8)));
    close(p[0]);
    close(p[1]);

    /* 5 */
    int et = epoll_create1(0);
    pipe2(p, O_NONBLOCK);
    ctl("add edge", et, EPOLL_CTL_ADD, p[0], EPOLLIN | EPOLLET, 5, "ok");
    show_wait("edge, empty", et, 8, 0);
    write(p[1], "ab", 2);
    show_wait("edge, written", et, 8, 0);
    show_wait("edge, no new write", et, 8, 0);
    write(p[1], "cd", 2);
    show_wait("edge, second write", et, 8, 0);
    read(p[0], buf, 1);
    show_wait("edge, after partial read", et, 8, 0);
    read(p[0], buf, 8);
    write(p[1], "e", 1);
    show_wait("edge, after drain and write", et, 8, 0);
    read(p[0], buf, 8);
    close(p[0]);
    close(p[1]);
    show_wait("edge, file closed", et, 8, 0);

    /* 6 */
    pipe2(p, O_NONBLOCK);
    ctl("add oneshot", et, EPOLL_CTL_ADD, p[0], EPOLLIN | EPOLLONESHOT, 6, "ok");
    write(p[1], "a", 1);
    show_wait("oneshot, first", et, 8, 0);
    show_wait("oneshot, disarmed", et, 8, 0);
    write(p[1], "b", 1);
    show_wait("oneshot, disarmed write", et, 8, 0);
    ctl("rearm", et, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLONESHOT, 7, "ok");
    show_wait("oneshot, rearmed", et, 8, 0);
    ctl("re-add after oneshot", et, EPOLL_CTL_ADD, p[0], EPOLLIN, 7, "EEXIST");
    ctl("del", et, EPOLL_CTL_DEL, p[0], 0, 0, "ok");
    show_wait("deleted", et, 8, 0);

    /* 7 */
    ctl("add read end", et, EPOLL_CTL_ADD, p[0], EPOLLIN, 0x70, "ok");
    ctl("add write end", et, EPOLL_CTL_ADD, p[1], EPOLLOUT, 0x71, "ok");
    show_wait("both ends", et, 8, 0);
    close(p[1]);
    show_wait("writer closed", et, 8, 0);
    read(p[0], buf, 8);
    show_wait("writer closed, drained", et, 8, 0);
    close(p[0]);
    pipe2(p, O_NONBLOCK);
    ctl("add write end only", et, EPOLL_CTL_ADD, p[1], EPOLLOUT, 0x72, "ok");
    ctl("add rdhup", et, EPOLL_CTL_ADD, p[0], EPOLLRDHUP, 0x73, "ok");
    close(p[0]);
    show_wait("reader closed", et, 8, 0);
    printf("write without reader: %s\n", R(write(p[1], "z", 1)));
    close(p[1]);
    close(et);

    /* 8 */
    printf("eventfd2 bad flags: %s\n", R(syscall(SYS_eventfd2, 0, 0x10)));
    int efd = eventfd(0, EFD_NONBLOCK);
    printf("eventfd F_GETFL: %#x\n", fcntl(efd, F_GETFL));
    link_of("eventfd", efd);
    struct stat st;
    fstat(efd, &st);
    printf("eventfd st_mode: %#o\n", st.st_mode);
    uint64_t v = 0;
    printf("read at 0: %s\n", R(read(efd, &v, 8)));
    printf("read 4 bytes: %s\n", R(read(efd, &v, 4)));
    printf("write 4 bytes: %s\n", R(write(efd, &v, 4)));
    int e2 = epoll_create1(0);
    ctl("add eventfd", e2, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLOUT, 8, "ok");
    show_wait("eventfd at 0", e2, 8, 0);
    v = 5;
    write(efd, &v, 8);
    v = 3;
    write(efd, &v, 8);
    show_wait("eventfd at 8", e2, 8, 0);
    v = 0;
    check("read sum", read(efd, &v, 8), 8);
    printf("value: %llu\n", (unsigned long long)v);
    uint64_t two[2] = {4, 100};
    printf("write 16 bytes: %s\n", R(write(efd, two, 16)));
    eventfd_write(efd, 4);
    printf("read 16 bytes: %ld\n", (long)read(efd, two, 16));
    printf("value read into 16 bytes: %llu %llu\n", (unsigned long long)two[0], (unsigned long long)two[1]);
    v = UINT64_MAX;
    printf("write max: %s\n", R(write(efd, &v, 8)));
    v = UINT64_MAX - 1;
    printf("write max-1: %s\n", R(write(efd, &v, 8)));
    show_wait("eventfd full", e2, 8, 0);
    v = 1;
    printf("write past ceiling: %s\n", R(write(efd, &v, 8)));
    v = 0;
    printf("write 0 when full: %s\n", R(write(efd, &v, 8)));
    v = 0;
    read(efd, &v, 8);
    printf("value at ceiling: %#llx\n", (unsigned long long)v);
    close(efd);
    show_wait("eventfd closed", e2, 8, 0);
    int sem = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
    printf("semaphore FD_CLOEXEC: %d\n", fcntl(sem, F_GETFD));
    for (int i = 0; i < 4; i++) {
        v = 0;
        int r = read(sem, &v, 8);
        printf("semaphore read %d: %s %llu\n", i, r < 0 ? err(errno) : "ok", (unsigned long long)v);
    }
    eventfd_t ev_value = 0;
    eventfd_write(sem, 2);
    eventfd_read(sem, &ev_value);
    printf("semaphore after write 2: %llu\n", (unsigned long long)ev_value);
    close(sem);

    /* 9 */
    efd = eventfd(1, 0);
    int dup1 = dup(efd);
    ctl("add eventfd fd", e2, EPOLL_CTL_ADD, efd, EPOLLIN, 0x90, "ok");
    ctl("add its dup", e2, EPOLL_CTL_ADD, dup1, EPOLLIN, 0x91, "ok");
    show_wait("two fds, one file", e2, 8, 0);
    close(efd);
    show_wait("fd closed, dup open", e2, 8, 0);
    ctl("del closed fd", e2, EPOLL_CTL_DEL, efd, 0, 0, "EBADF");
    int again = dup(dup1); /* likely reuses efd's number: a new (fd, file) pair? no: the same file */
    printf("dup reused number: %s\n", again == efd ? "yes" : "no");
    ctl("add reused number, same file", e2, EPOLL_CTL_ADD, again, EPOLLIN, 0x92, "EEXIST");
    close(again);
    close(dup1);
    show_wait("all closed", e2, 8, 0);
    close(e2);

    /* 10 */
    int e3 = epoll_create1(0);
    int fds[3];
    for (int i = 0; i < 3; i++) {
        fds[i] = eventfd(1, 0);
        ctl("add ready", e3, EPOLL_CTL_ADD, fds[i], EPOLLIN, 0xa0 + i, "ok");
    }
    show_wait("max 2", e3, 2, 0);
    show_wait("then all", e3, 8, 0);
    show_wait("max 1", e3, 1, 0);
    show_wait("then all again", e3, 8, 0);

    /* 11 */
    int outer = epoll_create1(0);
    ctl("watch epoll", outer, EPOLL_CTL_ADD, e3, EPOLLIN, 0xb0, "ok");
    show_wait("outer, inner ready", outer, 8, 0);
    struct pollfd pfd = {.fd = e3, .events = POLLIN};
    printf("ppoll on epoll: %d %#x\n", poll(&pfd, 1, 0), pfd.revents);
    for (int i = 0; i < 3; i++) close(fds[i]);
    show_wait("outer, inner idle", outer, 8, 0);
    pfd.revents = 0;
    printf("ppoll on idle epoll: %d %#x\n", poll(&pfd, 1, 0), pfd.revents);
    ctl("cycle", e3, EPOLL_CTL_ADD, outer, EPOLLIN, 0xb1, "ELOOP");
    efd = eventfd(0, EFD_NONBLOCK);
    ctl("inner watches eventfd", e3, EPOLL_CTL_ADD, efd, EPOLLIN, 0xb2, "ok");
    eventfd_write(efd, 1);
    show_wait("outer after eventfd write", outer, 8, 0);
    close(efd);
    close(outer);
    close(e3);
    int chain[8];
    for (int i = 0; i < 8; i++) chain[i] = epoll_create1(0);
    for (int i = 0; i < 7; i++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = i};
        printf("chain %d watches %d: %s\n", i, i + 1, R(epoll_ctl(chain[i], EPOLL_CTL_ADD, chain[i + 1], &ev)));
    }
    for (int i = 0; i < 8; i++) close(chain[i]);
    int top[6];
    for (int i = 0; i < 6; i++) top[i] = epoll_create1(0);
    for (int i = 4; i >= 0; i--) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = i};
        printf("upward %d watches %d: %s\n", i, i + 1, R(epoll_ctl(top[i], EPOLL_CTL_ADD, top[i + 1], &ev)));
    }
    for (int i = 0; i < 6; i++) close(top[i]);

    /* 12 */
    int e4 = epoll_create1(EPOLL_CLOEXEC);
    pipe2(p, 0);
    wake_fd = p[1];
    ctl("add for thread", e4, EPOLL_CTL_ADD, p[0], EPOLLIN, 0xc0, "ok");
    pthread_t t;
    pthread_create(&t, 0, late_writer, 0);
    show_wait("blocked, woken by a pipe write", e4, 8, -1);
    pthread_join(t, 0);
    read(p[0], buf, 8);
    efd = eventfd(0, 0);
    wake_fd = efd;
    ctl("add eventfd for thread", e4, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLET, 0xc1, "ok");
    pthread_create(&t, 0, late_eventfd, 0);
    show_wait("blocked, woken by an eventfd write", e4, 8, 5000);
    pthread_join(t, 0);
    eventfd_read(efd, &ev_value);
    printf("eventfd from thread: %llu\n", (unsigned long long)ev_value);
    pthread_create(&t, 0, late_eventfd, 0);
    eventfd_read(efd, &ev_value); /* a blocking read woken by the thread */
    printf("blocking eventfd read: %llu\n", (unsigned long long)ev_value);
    pthread_join(t, 0);
    show_wait("timeout 30 ms", e4, 8, 30);

    /* 13 */
    main_thread = pthread_self();
    struct sigaction sa = {0};
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, 0);
    pthread_create(&t, 0, late_signal, 0);
    int r = epoll_wait(e4, evs, 4, -1);
    printf("interrupted: %s, handled %d\n", r < 0 ? err(errno) : "no", handled);
    pthread_join(t, 0);
    sigset_t usr1, old, now;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, &old);
    pthread_create(&t, 0, late_signal, 0);
    r = epoll_pwait(e4, evs, 4, -1, &none);
    printf("interrupted with mask: %s, handled %d\n", r < 0 ? err(errno) : "no", handled);
    pthread_join(t, 0);
    sigprocmask(SIG_SETMASK, 0, &now);
    printf("mask restored: %s\n", sigismember(&now, SIGUSR1) ? "yes" : "no");
    r = epoll_pwait(e4, evs, 4, 10, &none);
    printf("timeout with mask: %d, mask kept: %s\n", r, (sigprocmask(SIG_SETMASK, 0, &now), sigismember(&now, SIGUSR1)) ? "yes" : "no");
    raise(SIGUSR1); /* blocked: stays pending */
    r = epoll_pwait(e4, evs, 4, -1, &none);
    printf("pending signal let through by the mask: %s, handled %d\n", r < 0 ? err(errno) : "no", handled);
    sigprocmask(SIG_SETMASK, 0, &now);
    printf("mask restored after it: %s\n", sigismember(&now, SIGUSR1) ? "yes" : "no");
    sigprocmask(SIG_SETMASK, &old, 0);
    close(e4);
    printf("done\n");
    return 0;
}

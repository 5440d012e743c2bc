/* signals: self-sent signals, handlers, masks and the alternate signal stack.
 *
 * One line per check:
 *  - sigaction(SIGUSR1, SA_SIGINFO): raise() runs the handler once, with
 *    si_signo = SIGUSR1, si_code = SI_TKILL and si_pid = getpid(); inside the
 *    handler SIGUSR1 is blocked (not SA_NODEFER) and SIGUSR2 too (sa_mask);
 *    after it returns the mask is restored.
 *  - kill(getpid(), SIGUSR1): si_code = SI_USER.
 *  - sigprocmask(SIG_BLOCK, SIGUSR1) + raise: the handler does not run, sigpending
 *    shows SIGUSR1; raising it again while pending still delivers it once;
 *    unblocking delivers it before sigprocmask returns.
 *  - sigsuspend with SIGUSR1 pending: runs the handler and returns -1/EINTR.
 *  - SA_NODEFER: the signal is not blocked in its own handler; a handler raising its
 *    own signal nests (depth 2).
 *  - SA_RESETHAND (on SIGUSR2): runs once and the disposition is SIG_DFL after.
 *  - SIG_IGN: raise(SIGUSR2) is discarded, nothing pending afterwards.
 *  - sigaltstack + SA_ONSTACK: the handler's locals lie inside the alternate stack,
 *    sigaltstack() inside reports SS_ONSTACK, outside not; a handler without
 *    SA_ONSTACK runs on the normal stack.
 *  - a handler run on the way back from a bare ecall (tkill) leaves every register
 *    but a0 as it was (t0-t6, a1-a7 checked from inline asm).
 * No addresses are printed. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t count, depth, max_depth;
static volatile int last_signo, last_code, last_pid_ok, blocked_self, blocked_usr2;
static volatile int on_alt, alt_flag_inside, raised;
static char *alt_lo, *alt_hi;

static const char *yesno(int b) { return b ? "yes" : "no"; }

static void info_handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    count++;
    last_signo = si->si_signo;
    last_code = si->si_code;
    last_pid_ok = si->si_pid == getpid();
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    blocked_self = sigismember(&cur, sig);
    blocked_usr2 = sigismember(&cur, SIGUSR2);
}

static void nesting_handler(int sig)
{
    depth++;
    if (depth > max_depth) max_depth = depth;
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    blocked_self = sigismember(&cur, sig);
    if (!raised) {
        raised = 1;
        raise(sig);
    }
    depth--;
    count++;
}

static void plain_handler(int sig)
{
    (void)sig;
    count++;
}

static void stack_handler(int sig)
{
    (void)sig;
    char here;
    on_alt = &here >= alt_lo && &here < alt_hi;
    stack_t cur;
    sigaltstack(NULL, &cur);
    alt_flag_inside = (cur.ss_flags & SS_ONSTACK) != 0;
    count++;
}

/* clobbers registers (it calls into libc and the kernel); the interrupted code must not notice */
static void clobber_handler(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    count++;
}

/* Sets t0-t6 and a1-a7 to known values, sends itself SIGUSR1 with a bare ecall (tkill),
 * so the handler runs on the way back from the system call, and records the registers
 * after it: only a0 (the result) may have changed. */
static int registers_survive(void)
{
    uint64_t out[15];
    long tid = syscall(SYS_gettid);
    __asm__ volatile(
        "li t0, 0x1100\n li t1, 0x1101\n li t2, 0x1102\n li t3, 0x1103\n"
        "li t4, 0x1104\n li t5, 0x1105\n li t6, 0x1106\n"
        "li a2, 0x2202\n li a3, 0x2203\n li a4, 0x2204\n li a5, 0x2205\n li a6, 0x2206\n"
        "mv a0, %[tid]\n li a1, %[sig]\n li a7, %[nr]\n"
        "ecall\n"
        "sd a0, 0(%[o])\n sd a1, 8(%[o])\n sd a2, 16(%[o])\n sd a3, 24(%[o])\n sd a4, 32(%[o])\n"
        "sd a5, 40(%[o])\n sd a6, 48(%[o])\n sd a7, 56(%[o])\n sd t0, 64(%[o])\n sd t1, 72(%[o])\n"
        "sd t2, 80(%[o])\n sd t3, 88(%[o])\n sd t4, 96(%[o])\n sd t5, 104(%[o])\n sd t6, 112(%[o])\n"
        :
        : [tid] "r"(tid), [sig] "i"(SIGUSR1), [nr] "i"(SYS_tkill), [o] "r"(out)
        : "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "memory");
    static const uint64_t want[15] = {0, SIGUSR1, 0x2202, 0x2203, 0x2204, 0x2205, 0x2206, SYS_tkill,
                                      0x1100, 0x1101, 0x1102, 0x1103, 0x1104, 0x1105, 0x1106};
    return memcmp(out, want, sizeof want) == 0;
}

static void install(int sig, void (*h)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, NULL) != 0) printf("sigaction(%d) failed: %s\n", sig, strerror(errno));
}

static int is_pending(int sig)
{
    sigset_t p;
    sigpending(&p);
    return sigismember(&p, sig);
}

static int is_blocked(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, sig);
}

int main(void)
{
    /* SA_SIGINFO handler, raise */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = info_handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    printf("sigaction(SIGUSR1, SA_SIGINFO, mask {SIGUSR2}) -> %d\n", sigaction(SIGUSR1, &sa, NULL));
    struct sigaction old;
    sigaction(SIGUSR1, NULL, &old);
    printf("sigaction query: SA_SIGINFO %s, handler is ours: %s, SIGUSR2 in sa_mask: %s\n", yesno(old.sa_flags & SA_SIGINFO),
           yesno(old.sa_sigaction == info_handler), yesno(sigismember(&old.sa_mask, SIGUSR2)));
    count = 0;
    int r = raise(SIGUSR1);
    printf("raise(SIGUSR1) -> %d, handler ran %d time(s)\n", r, (int)count);
    printf("siginfo: si_signo is SIGUSR1: %s, si_code is SI_TKILL: %s, si_pid is getpid(): %s\n", yesno(last_signo == SIGUSR1),
           yesno(last_code == SI_TKILL), yesno(last_pid_ok));
    printf("inside the handler: SIGUSR1 blocked: %s, SIGUSR2 blocked: %s; after it: SIGUSR1 blocked: %s, SIGUSR2 blocked: %s\n",
           yesno(blocked_self), yesno(blocked_usr2), yesno(is_blocked(SIGUSR1)), yesno(is_blocked(SIGUSR2)));

    /* kill to self */
    count = 0;
    r = kill(getpid(), SIGUSR1);
    printf("kill(getpid(), SIGUSR1) -> %d, handler ran %d time(s), si_code is SI_USER: %s\n", r, (int)count,
           yesno(last_code == SI_USER));

    /* blocked -> pending -> unblocked */
    sigset_t set, prev;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    count = 0;
    sigprocmask(SIG_BLOCK, &set, &prev);
    raise(SIGUSR1);
    printf("blocked + raise: handler ran %d time(s), pending: %s\n", (int)count, yesno(is_pending(SIGUSR1)));
    raise(SIGUSR1);
    printf("raised again while pending: still pending: %s\n", yesno(is_pending(SIGUSR1)));
    sigprocmask(SIG_SETMASK, &prev, NULL);
    printf("unblocked: handler ran %d time(s) (standard signals do not queue), pending: %s\n", (int)count,
           yesno(is_pending(SIGUSR1)));

    /* sigsuspend */
    count = 0;
    sigprocmask(SIG_BLOCK, &set, &prev);
    raise(SIGUSR1);
    sigset_t empty;
    sigemptyset(&empty);
    errno = 0;
    r = sigsuspend(&empty);
    int e = errno;
    printf("sigsuspend with SIGUSR1 pending -> %d, EINTR: %s, handler ran %d time(s), still blocked after: %s\n", r,
           yesno(e == EINTR), (int)count, yesno(is_blocked(SIGUSR1)));
    sigprocmask(SIG_SETMASK, &prev, NULL);

    /* SA_NODEFER: nesting */
    install(SIGUSR1, nesting_handler, SA_NODEFER);
    count = 0;
    depth = max_depth = 0;
    raise(SIGUSR1);
    printf("SA_NODEFER: handler ran %d time(s), max nesting depth %d, blocked inside: %s\n", (int)count, (int)max_depth,
           yesno(blocked_self));
    /* without SA_NODEFER the inner raise stays pending until the handler returns */
    install(SIGUSR1, nesting_handler, 0);
    count = 0;
    depth = max_depth = 0;
    raise(SIGUSR1);
    printf("without SA_NODEFER: handler ran %d time(s), max nesting depth %d, blocked inside: %s\n", (int)count,
           (int)max_depth, yesno(blocked_self));

    /* SA_RESETHAND */
    install(SIGUSR2, plain_handler, SA_RESETHAND);
    count = 0;
    raise(SIGUSR2);
    sigaction(SIGUSR2, NULL, &old);
    printf("SA_RESETHAND: handler ran %d time(s), disposition now SIG_DFL: %s\n", (int)count, yesno(old.sa_handler == SIG_DFL));

    /* SIG_IGN */
    signal(SIGUSR2, SIG_IGN);
    r = raise(SIGUSR2);
    printf("SIG_IGN: raise(SIGUSR2) -> %d, still running, pending: %s\n", r, yesno(is_pending(SIGUSR2)));
    signal(SIGUSR2, SIG_DFL);

    /* sigaltstack */
    size_t sz = 64 * 1024;
    char *mem = malloc(sz);
    alt_lo = mem;
    alt_hi = mem + sz;
    stack_t ss = {.ss_sp = mem, .ss_size = sz, .ss_flags = 0}, oss;
    r = sigaltstack(&ss, &oss);
    printf("sigaltstack(64 KiB) -> %d, previous one disabled: %s\n", r, yesno(oss.ss_flags & SS_DISABLE));
    install(SIGUSR1, stack_handler, SA_ONSTACK);
    count = 0;
    on_alt = alt_flag_inside = 0;
    raise(SIGUSR1);
    stack_t now;
    sigaltstack(NULL, &now);
    printf("SA_ONSTACK handler: ran %d time(s), on the alternate stack: %s, SS_ONSTACK inside: %s, outside: %s\n",
           (int)count, yesno(on_alt), yesno(alt_flag_inside), yesno(now.ss_flags & SS_ONSTACK));
    printf("sigaltstack query: size is 64 KiB: %s\n", yesno(now.ss_size == sz && now.ss_sp == mem));
    install(SIGUSR1, stack_handler, 0);
    on_alt = 1;
    raise(SIGUSR1);
    printf("handler without SA_ONSTACK: on the alternate stack: %s\n", yesno(on_alt));
    ss.ss_size = 1024;
    errno = 0;
    r = sigaltstack(&ss, NULL);
    printf("sigaltstack(1 KiB < MINSIGSTKSZ) -> %d, ENOMEM: %s\n", r, yesno(r == -1 && errno == ENOMEM));
    ss.ss_flags = SS_DISABLE;
    r = sigaltstack(&ss, NULL);
    sigaltstack(NULL, &now);
    printf("sigaltstack(SS_DISABLE) -> %d, disabled: %s\n", r, yesno(now.ss_flags & SS_DISABLE));

    /* registers survive a handler */
    install(SIGUSR1, clobber_handler, 0);
    count = 0;
    int same = registers_survive();
    printf("bare ecall tkill(SIGUSR1): handler ran %d time(s), a1-a7 and t0-t6 preserved, a0 = 0: %s\n", (int)count,
           yesno(same));

    /* errors */
    errno = 0;
    r = sigaction(SIGKILL, &sa, NULL);
    printf("sigaction(SIGKILL) -> %d, EINVAL: %s\n", r, yesno(r == -1 && errno == EINVAL));
    errno = 0;
    r = kill(getpid(), 99);
    printf("kill(getpid(), 99) -> %d, EINVAL: %s\n", r, yesno(r == -1 && errno == EINVAL));
    r = kill(getpid(), 0);
    printf("kill(getpid(), 0) -> %d\n", r);
    return 0;
}

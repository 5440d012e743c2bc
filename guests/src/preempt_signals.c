/* preempt_signals: asynchronous preemption as Go's runtime does it, in C.
 *
 * A spinner thread installs its own alternate signal stack and spins with no system
 * call in its loop. A watchdog thread sleeps, then sends it SIGURG with
 * tgkill(getpid(), tid, SIGURG), as Go's sysmon does to a goroutine that ran too long.
 * The handler (SA_ONSTACK | SA_SIGINFO) runs on the spinner's alternate stack, checks
 * uc_stack, and rewrites the interrupted context: pc to a landing function, a0 and a1
 * to its arguments, so rt_sigreturn resumes there instead of in the loop (Go's handler
 * redirects to asyncPreempt the same way). The landing function checks its arguments and
 * that the stack pointer is the interrupted one, then ends the thread.
 *
 * A kernel that never preempts a spinning thread never runs the watchdog: the run does
 * not finish. Also checked: sigaltstack per thread (a new thread has none; SS_DISABLE,
 * ENOMEM, EINVAL, EPERM while on it, SS_ONSTACK as a mode) and tgkill/tkill errors.
 *
 * Nothing printed depends on timing, tids or addresses, so Linux (qemu-riscv64) and any
 * correct scheduler print the same. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define ALT_SIZE 65536

static volatile int spinner_tid;
static volatile int spinner_ready;
static volatile uint64_t spins;
static char *alt_base;
static volatile uintptr_t interrupted_sp;
static volatile int handler_on_alt, handler_uc_stack_ok, handler_eperm, handler_runs;

static long tgkill_(int tgid, int tid, int sig) { return syscall(SYS_tgkill, tgid, tid, sig); }
static long tkill_(int tid, int sig) { return syscall(SYS_tkill, tid, sig); }
static const char *err(long r) { return r == 0 ? "0" : r == -1 && errno == ESRCH ? "ESRCH" : r == -1 && errno == EINVAL ? "EINVAL" : r == -1 && errno == EPERM ? "EPERM" : r == -1 && errno == ENOMEM ? "ENOMEM" : "other"; }

/* Where the rewritten context resumes: a0 = 0x600d, a1 = the interrupted pc's low bit (0). */
static void landing(long magic, long zero)
{
    uintptr_t sp;
    __asm__ volatile("mv %0, sp" : "=r"(sp));
    printf("landing: a0=%#lx a1=%ld, sp is the interrupted one: %s\n", magic, zero,
           sp <= interrupted_sp && interrupted_sp - sp < 4096 ? "yes" : "no");
    printf("landing: the spinner was preempted after spinning (spins > 0: %s)\n", spins > 0 ? "yes" : "no");
    fflush(stdout);
    pthread_exit(NULL);
}

static void on_urg(int sig, siginfo_t *info, void *context)
{
    ucontext_t *uc = context;
    char local;
    handler_runs++;
    handler_on_alt = (char *)&local >= alt_base && (char *)&local < alt_base + ALT_SIZE;
    handler_uc_stack_ok = uc->uc_stack.ss_sp == alt_base && uc->uc_stack.ss_size == ALT_SIZE && uc->uc_stack.ss_flags == 0 &&
                          sig == SIGURG && info->si_code == SI_TKILL && info->si_pid == getpid();
    /* Changing the alternate stack while running on it: EPERM; asking for it: SS_ONSTACK. */
    stack_t other = {.ss_sp = malloc(ALT_SIZE), .ss_size = ALT_SIZE, .ss_flags = 0}, now;
    handler_eperm = sigaltstack(&other, NULL) == -1 && errno == EPERM && sigaltstack(NULL, &now) == 0 && now.ss_flags == SS_ONSTACK;
    /* Redirect: resume at landing(0x600d, 0) with the interrupted sp. */
    interrupted_sp = uc->uc_mcontext.__gregs[2];
    uc->uc_mcontext.__gregs[0] = (unsigned long)landing; /* pc */
    uc->uc_mcontext.__gregs[10] = 0x600d;                /* a0 */
    uc->uc_mcontext.__gregs[11] = 0;                     /* a1 */
}

static void *spinner(void *arg)
{
    (void)arg;
    stack_t ss, old;
    /* A new thread starts without an alternate stack. */
    sigaltstack(NULL, &old);
    printf("spinner: alternate stack at start: %s\n", old.ss_flags == SS_DISABLE ? "SS_DISABLE" : "set");
    ss.ss_sp = alt_base = malloc(ALT_SIZE);
    ss.ss_size = ALT_SIZE;
    ss.ss_flags = SS_ONSTACK; /* the kernel takes it as 0 (musl's wrapper refuses it: the raw call) */
    printf("spinner: sigaltstack(64K, SS_ONSTACK) = %s\n", err(syscall(SYS_sigaltstack, &ss, NULL)));
    sigaltstack(NULL, &old);
    printf("spinner: now %s, size %zu\n", old.ss_sp == alt_base ? "ours" : "other", old.ss_size);
    fflush(stdout);
    spinner_tid = gettid();
    __atomic_store_n(&spinner_ready, 1, __ATOMIC_RELEASE);
    for (;;) spins = spins + 1; /* no system call: only preemption lets the watchdog run */
    return NULL;
}

static void *watchdog(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&spinner_ready, __ATOMIC_ACQUIRE)) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    struct timespec ts = {0, 5000000}; /* let it spin 5 ms, then preempt it */
    nanosleep(&ts, NULL);
    printf("watchdog: tgkill(getpid(), spinner, SIGURG) = %s\n", err(tgkill_(getpid(), spinner_tid, SIGURG)));
    fflush(stdout);
    return NULL;
}

int main(void)
{
    printf("preempt_signals\n");
    /* sigaltstack errors on the main thread */
    stack_t ss = {.ss_sp = malloc(ALT_SIZE), .ss_size = 1024, .ss_flags = 0}, old;
    /* raw calls: musl's wrapper checks the size itself */
    printf("sigaltstack(size 1024) = %s\n", err(syscall(SYS_sigaltstack, &ss, NULL)));
    ss.ss_size = 2047;
    printf("sigaltstack(size 2047) = %s\n", err(syscall(SYS_sigaltstack, &ss, NULL)));
    ss.ss_size = ALT_SIZE;
    ss.ss_flags = 0x10;
    printf("sigaltstack(flags 0x10) = %s\n", err(syscall(SYS_sigaltstack, &ss, NULL)));
    ss.ss_flags = SS_DISABLE;
    ss.ss_size = 0;
    printf("sigaltstack(SS_DISABLE) = %s\n", err(sigaltstack(&ss, &old)));
    sigaltstack(NULL, &old);
    printf("main: alternate stack %s\n", old.ss_flags == SS_DISABLE ? "SS_DISABLE" : "set");

    /* tgkill / tkill errors and signal 0 */
    printf("tgkill(getpid(), gettid(), 0) = %s\n", err(tgkill_(getpid(), gettid(), 0)));
    printf("tgkill(getpid()+1000, gettid(), 0) = %s\n", err(tgkill_(getpid() + 1000, gettid(), 0)));
    printf("tgkill(getpid(), 0x7ffffff0, SIGURG) = %s\n", err(tgkill_(getpid(), 0x7ffffff0, SIGURG)));
    printf("tgkill(getpid(), gettid(), 65) = %s\n", err(tgkill_(getpid(), gettid(), 65)));
    printf("tgkill(0, gettid(), 0) = %s\n", err(tgkill_(0, gettid(), 0)));
    printf("tkill(0, 0) = %s\n", err(tkill_(0, 0)));
    printf("tkill(gettid(), -1) = %s\n", err(tkill_(gettid(), -1)));

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_urg;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGURG, &sa, NULL);

    pthread_t s, w;
    pthread_create(&s, NULL, spinner, NULL);
    pthread_create(&w, NULL, watchdog, NULL);
    pthread_join(w, NULL);
    pthread_join(s, NULL);
    printf("handler: ran %d time(s), on the alternate stack: %s\n", handler_runs, handler_on_alt ? "yes" : "no");
    printf("handler: siginfo and uc_stack (ours, flags 0): %s\n", handler_uc_stack_ok ? "yes" : "no");
    printf("handler: sigaltstack while on it: EPERM, and it reports SS_ONSTACK: %s\n", handler_eperm ? "yes" : "no");
    printf("done\n");
    return 0;
}

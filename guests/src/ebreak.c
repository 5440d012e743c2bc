/* ebreak: a breakpoint instruction in a program nobody debugs.
 *
 * ebreak            prints a line (flushed), then executes ebreak: Linux sends SIGTRAP
 *                   (TRAP_BRKPT) and its default action ends the process (status 133)
 * ebreak handler    a SIGTRAP handler prints si_signo, si_code and whether si_addr is
 *                   the ebreak's pc, then steps the saved pc over the 4-byte ebreak and
 *                   returns: the program goes on and exits 0 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static void on_sigtrap(int signo, siginfo_t *info, void *context)
{
    ucontext_t *uc = context;
    uintptr_t pc = uc->uc_mcontext.__gregs[0];
    printf("SIGTRAP: si_signo %d, si_code %d (TRAP_BRKPT %d), si_addr is %s\n", signo, info->si_code, TRAP_BRKPT,
           (uintptr_t)info->si_addr == pc ? "the pc" : "elsewhere");
    uc->uc_mcontext.__gregs[0] = pc + 4;
}

int main(int argc, char **argv)
{
    int handled = argc > 1 && strcmp(argv[1], "handler") == 0;
    if (handled) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_sigtrap;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGTRAP, &sa, NULL);
    }
    printf("ebreak: about to execute ebreak%s\n", handled ? " with a SIGTRAP handler" : "");
    fflush(stdout);
    asm volatile(".4byte 0x00100073"); /* ebreak, never compressed */
    printf("ebreak: still alive after the handler returned\n");
    return 0;
}

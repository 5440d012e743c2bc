/* misaligned_amo: the A extension's atomics need naturally aligned addresses.
 *
 * misaligned_amo            aligned atomics (__atomic builtins: amoadd, amoswap, amoor,
 *                           amomax, an lr/sc compare-and-swap) print their results; then
 *                           __atomic_fetch_add on a 4-byte int at an odd address: Linux
 *                           raises SIGBUS (BUS_ADRALN) and the process dies (status 135)
 * misaligned_amo handler    a SIGBUS handler catches each misaligned amoadd.w, amoswap.d,
 *                           lr.w, lr.d, sc.w and sc.d (inline asm, one instruction each)
 *                           and prints si_signo, si_code, and where si_addr points
 *
 * Linux (arch/riscv/kernel/traps.c) reports BUS_ADRALN with si_addr = the faulting
 * instruction's pc; the handler prints which of pc / data address it got. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static _Alignas(16) unsigned char buffer[64];
static sigjmp_buf back;
static volatile uintptr_t data_address;

static void on_sigbus(int signo, siginfo_t *info, void *context)
{
    ucontext_t *uc = context;
    uintptr_t pc = uc->uc_mcontext.__gregs[0];
    uintptr_t addr = (uintptr_t)info->si_addr;
    const char *where = addr == pc ? "the pc" : addr == data_address ? "the data address" : "elsewhere";
    printf("  SIGBUS: si_signo %d, si_code %d (BUS_ADRALN %d), si_addr is %s\n", signo, info->si_code, BUS_ADRALN, where);
    fflush(stdout);
    siglongjmp(back, 1);
}

#define TRY(name, asm_text, width)                                                          \
    do {                                                                                    \
        data_address = (uintptr_t)(buffer + 1);                                             \
        printf("%s at an odd address:\n", name);                                            \
        fflush(stdout);                                                                     \
        if (sigsetjmp(back, 1) == 0) {                                                      \
            uint64_t out = 0, in = 5;                                                       \
            asm volatile(asm_text : "=&r"(out) : "r"(data_address), "r"(in) : "memory");    \
            printf("  executed: result %llu (should not happen)\n", (unsigned long long)out); \
        }                                                                                   \
    } while (0)

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "handler") == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_sigbus;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGBUS, &sa, NULL);
        TRY("amoadd.w", "amoadd.w %0, %2, (%1)", 4);
        TRY("amoswap.d", "amoswap.d %0, %2, (%1)", 8);
        TRY("lr.w", "lr.w %0, (%1)", 4);
        TRY("lr.d", "lr.d %0, (%1)", 8);
        TRY("sc.w", "sc.w %0, %2, (%1)", 4);
        TRY("sc.d", "sc.d %0, %2, (%1)", 8);
        printf("all six faulted\n");
        return 0;
    }

    int32_t *word = (int32_t *)(buffer + 8);
    int64_t *dword = (int64_t *)(buffer + 16);
    *word = 40;
    *dword = 1;
    int32_t old = __atomic_fetch_add(word, 2, __ATOMIC_SEQ_CST);
    printf("aligned amoadd.w: old %d new %d\n", old, *word);
    int64_t prev = __atomic_exchange_n(dword, (int64_t)1 << 40, __ATOMIC_SEQ_CST);
    printf("aligned amoswap.d: old %lld new %lld\n", (long long)prev, (long long)*dword);
    old = __atomic_fetch_or(word, 0x100, __ATOMIC_SEQ_CST);
    printf("aligned amoor.w: old %d new %d\n", old, *word);
    int32_t expected = 298;
    int swapped = __atomic_compare_exchange_n(word, &expected, 7, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    printf("aligned lr.w/sc.w compare-exchange: swapped %d value %d\n", swapped, *word);
    fflush(stdout);

    int32_t *odd = (int32_t *)(buffer + 1);
    printf("amoadd.w at an odd address: expect SIGBUS\n");
    fflush(stdout);
    old = __atomic_fetch_add(odd, 1, __ATOMIC_SEQ_CST);
    printf("still alive: old %d (should not happen)\n", old);
    return 0;
}

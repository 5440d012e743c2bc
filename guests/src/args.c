/* args: the initial process stack as a program sees it — argc, argv, envp and
 * selected auxiliary-vector entries (via getauxval). Only values that are fixed
 * by the ABI or by the binary are printed (no addresses, no AT_HWCAP, no
 * AT_RANDOM bytes), and argv[0] is printed as its basename, so the output is the
 * same under any correct Linux/RISC-V loader. Exits 0. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv, char **envp)
{
    printf("argc=%d\n", argc);
    const char *a0 = argv[0] ? argv[0] : "(null)";
    const char *slash = strrchr(a0, '/');
    printf("argv[0] basename=%s\n", slash ? slash + 1 : a0);
    for (int i = 1; i < argc; i++) printf("argv[%d]=[%s] len=%zu\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc]=%s\n", argv[argc] == NULL ? "NULL" : "not NULL");

    /* environment entries in sorted order: their order on the stack is not part of
       what this checks (qemu-user, for one, reverses it) */
    int n = 0;
    while (envp[n]) n++;
    static char *sorted[256];   /* static: no malloc, so no brk/mmap in this test */
    int m = n < 256 ? n : 256;
    for (int i = 0; i < m; i++) {   /* insertion sort */
        char *v = envp[i];
        int j = i - 1;
        while (j >= 0 && strcmp(sorted[j], v) > 0) { sorted[j + 1] = sorted[j]; j--; }
        sorted[j + 1] = v;
    }
    for (int i = 0; i < m; i++) printf("env (sorted) %d: [%s]\n", i, sorted[i]);
    printf("envc=%d environ==envp: %s\n", n, environ == envp ? "yes" : "no");
    /* envp starts right after argv's NULL terminator */
    printf("envp==argv+argc+1: %s\n", envp == argv + argc + 1 ? "yes" : "no");
    const char *g = getenv("GREETING");
    printf("getenv(GREETING)=%s\n", g ? g : "(unset)");
    g = getenv("HOME");
    printf("getenv(HOME)=%s\n", g ? g : "(unset)");

    /* the initial sp points at argc, 16-byte aligned (psABI) */
    uintptr_t sp0 = (uintptr_t)argv - sizeof(long);
    printf("initial sp 16-byte aligned: %s\n", (sp0 & 15) == 0 ? "yes" : "no");
    printf("*(long *)sp == argc: %s\n", *(long *)sp0 == argc ? "yes" : "no");

    printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
    printf("AT_PHENT=%lu\n", getauxval(AT_PHENT));
    printf("AT_PHNUM=%lu\n", getauxval(AT_PHNUM));
    printf("AT_CLKTCK=%lu\n", getauxval(AT_CLKTCK));
    printf("AT_UID=%lu AT_EUID=%lu AT_GID=%lu AT_EGID=%lu\n", getauxval(AT_UID), getauxval(AT_EUID),
           getauxval(AT_GID), getauxval(AT_EGID));
    printf("AT_SECURE=%lu\n", getauxval(AT_SECURE));
    printf("AT_RANDOM non-null: %s\n", getauxval(AT_RANDOM) ? "yes" : "no");
    printf("AT_PHDR non-null: %s\n", getauxval(AT_PHDR) ? "yes" : "no");
    printf("AT_ENTRY non-null: %s\n", getauxval(AT_ENTRY) ? "yes" : "no");
    printf("sysconf(_SC_PAGESIZE)=%ld\n", sysconf(_SC_PAGESIZE));
    return 0;
}

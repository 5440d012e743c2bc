/* whereami: what the guest can tell about where its executable sits.
 *
 * Prints argv[0], AT_EXECFN, the target of /proc/self/exe, the working directory and the
 * names in the root directory (sorted). Under `zeroos run` all of them are the same
 * whichever host directory the executable came from (/bin/<name>; --argv0 changes argv[0]
 * only): a host path here would be a determinism leak.
 *
 * usage: whereami [spin FILE]
 *   spin FILE: also write "started\n" to FILE, print "spinning", then loop forever
 *   without syscalls (for testing an interrupted run).
 *
 * GUEST_NO_QEMU_REFERENCE: under qemu-user these are host paths, and `spin` never ends. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

static int compare(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
    printf("argv[0]=%s\n", argv[0]);
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    printf("AT_EXECFN=%s\n", execfn ? execfn : "(none)");
    char link[4096];
    ssize_t n = readlink("/proc/self/exe", link, sizeof link - 1);
    if (n >= 0) link[n] = 0;
    printf("/proc/self/exe -> %s\n", n >= 0 ? link : "(unreadable)");
    char cwd[4096];
    printf("cwd=%s\n", getcwd(cwd, sizeof cwd) ? cwd : "(unknown)");

    char *names[256];
    int count = 0;
    DIR *root = opendir("/");
    struct dirent *entry;
    while (root && (entry = readdir(root)) && count < 256) {
        if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, "..")) names[count++] = strdup(entry->d_name);
    }
    if (root) closedir(root);
    qsort(names, count, sizeof names[0], compare);
    printf("/:");
    for (int i = 0; i < count; i++) printf(" %s", names[i]);
    printf("\n");

    if (argc >= 3 && strcmp(argv[1], "spin") == 0) {
        FILE *f = fopen(argv[2], "w");
        if (!f || fputs("started\n", f) < 0 || fclose(f) != 0) {
            perror(argv[2]);
            return 1;
        }
        printf("spinning\n");
        fflush(stdout);
        volatile unsigned long counter = 0;
        for (;;) counter++;
    }
    return 0;
}

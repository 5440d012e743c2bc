/* identity: uname, user/group ids, pids, resource limits, processor count.
 *
 * Prints uname's sysname and machine (not nodename/release/version: they differ
 * between hosts; only whether they are non-empty), the real/effective user and
 * group ids (0 in the recorded run: the references are recorded as root), whether
 * getpid() > 0, getppid() >= 0, gettid() == getpid() in the main thread, getpgid
 * and getsid succeed, getrlimit(RLIMIT_STACK/NOFILE/AS) cur <= max,
 * prlimit64 agrees with getrlimit, sysconf(_SC_NPROCESSORS_ONLN/_CONF) >= 1,
 * _SC_PAGESIZE, and getpagesize(). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char *yesno(int b) { return b ? "yes" : "no"; }

int main(void)
{
    struct utsname u;
    int r = uname(&u);
    printf("uname -> %d: sysname %s, machine %s\n", r, u.sysname, u.machine);
    printf("uname: nodename, release, version non-empty: %s, %s, %s\n", yesno(u.nodename[0] != 0), yesno(u.release[0] != 0),
           yesno(u.version[0] != 0));
    printf("uid %u euid %u gid %u egid %u\n", (unsigned)getuid(), (unsigned)geteuid(), (unsigned)getgid(),
           (unsigned)getegid());
    pid_t pid = getpid();
    printf("getpid() > 0: %s\n", yesno(pid > 0));
    printf("getppid() >= 0: %s\n", yesno(getppid() >= 0));
    printf("gettid() == getpid(): %s\n", yesno(gettid() == pid));
    printf("getpgid(0) > 0: %s, getsid(0) > 0: %s\n", yesno(getpgid(0) > 0), yesno(getsid(0) > 0));

    static const struct {
        int res;
        const char *name;
    } lims[] = {{RLIMIT_STACK, "RLIMIT_STACK"}, {RLIMIT_NOFILE, "RLIMIT_NOFILE"}, {RLIMIT_AS, "RLIMIT_AS"}};
    for (unsigned i = 0; i < sizeof lims / sizeof lims[0]; i++) {
        struct rlimit rl, rl2;
        r = getrlimit(lims[i].res, &rl);
        int p = prlimit(0, lims[i].res, NULL, &rl2);
        printf("getrlimit(%s) -> %d, cur <= max: %s, cur > 0: %s; prlimit agrees: %s\n", lims[i].name, r,
               yesno(rl.rlim_max == RLIM_INFINITY || rl.rlim_cur <= rl.rlim_max), yesno(rl.rlim_cur > 0),
               yesno(p == 0 && rl2.rlim_cur == rl.rlim_cur && rl2.rlim_max == rl.rlim_max));
    }
    long on = sysconf(_SC_NPROCESSORS_ONLN), conf = sysconf(_SC_NPROCESSORS_CONF);
    printf("sysconf(_SC_NPROCESSORS_ONLN) >= 1: %s, _SC_NPROCESSORS_CONF >= 1: %s\n", yesno(on >= 1), yesno(conf >= 1));
    printf("sysconf(_SC_PAGESIZE) = %ld, getpagesize() = %d\n", sysconf(_SC_PAGESIZE), getpagesize());
    return 0;
}

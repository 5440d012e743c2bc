/* fileio: the file-system calls of a typical program, one line per check.
 *
 * fileio [DIR]   (default /tmp/zeroos-fileio; the recorded run uses "work", relative
 *                 to the working directory)
 *
 * Creates DIR and a tree below it (DIR/d1/d2), changes into DIR, then: creates and
 * writes a file, lseek SET/CUR/END, reads back, seeks past the end and writes (a
 * hole that reads as zeros), pread/pwrite (the file offset stays put), fstat sizes
 * and link counts, ftruncate down and up, rename, link (same inode, nlink 2),
 * symlink + readlink + lstat, a directory listing with opendir/readdir (sorted
 * before printing, with d_type), dup/dup2 sharing the file offset, fcntl
 * F_GETFL/F_SETFL with O_APPEND, F_GETFD/FD_CLOEXEC, and the usual errors (ENOENT,
 * EEXIST, ENOTEMPTY, EISDIR, ENOTDIR, EBADF). Then removes everything, changes back
 * and checks DIR is gone. Nothing printed depends on DIR, inode numbers, times,
 * modes or the umask. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static int failures;

static const char *errname(int e)
{
    switch (e) {
    case 0: return "0";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EISDIR: return "EISDIR";
    case ENOTDIR: return "ENOTDIR";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ESPIPE: return "ESPIPE";
    default: return "other";
    }
}

/* a check line: "name: ok" or "name: FAIL (detail)" */
static void check(const char *name, int ok, const char *detail)
{
    if (ok) {
        printf("%s: ok\n", name);
    } else {
        printf("%s: FAIL (%s)\n", name, detail);
        failures++;
    }
}

/* "name -> ERRNAME" for a call that must fail with `want` */
static void expect_err(const char *name, long r, int want)
{
    int e = r < 0 ? errno : 0;
    printf("%s -> %s%s\n", name, r < 0 ? errname(e) : "succeeded", r < 0 && e == want ? "" : "  FAIL");
    if (!(r < 0 && e == want)) failures++;
}

static int all_zero(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p) abort();
    return p;
}

int main(int argc, char **argv)
{
    const char *base = argc > 1 ? argv[1] : "/tmp/zeroos-fileio";
    char buf[256];
    struct stat st, st2;
    ssize_t n;
    off_t o;

    /* ---- the tree */
    int home = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    check("open . (O_DIRECTORY)", home >= 0, errname(errno));
    check("mkdir DIR", mkdir(base, 0755) == 0, errname(errno));
    check("chdir DIR", chdir(base) == 0, errname(errno));
    if (getcwd(buf, sizeof buf)) {
        size_t bl = strlen(buf);
        const char *last = strrchr(base, '/');
        last = last ? last + 1 : base;
        check("getcwd ends with DIR's name", bl >= strlen(last) && strcmp(buf + bl - strlen(last), last) == 0 && buf[0] == '/',
              "mismatch");
    } else {
        check("getcwd ends with DIR's name", 0, errname(errno));
    }
    check("mkdir d1", mkdir("d1", 0755) == 0, errname(errno));
    check("mkdir d1/d2", mkdir("d1/d2", 0755) == 0, errname(errno));
    check("stat d1/d2 is a directory", stat("d1/d2", &st) == 0 && S_ISDIR(st.st_mode), errname(errno));

    /* ---- write, lseek, read */
    int fd = open("a.txt", O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0644);
    check("open a.txt O_CREAT|O_RDWR|O_TRUNC", fd >= 0, errname(errno));
    n = write(fd, "hello world\n", 12);
    printf("write 12 bytes -> %zd\n", n);
    printf("lseek(0, SEEK_CUR) -> %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    printf("lseek(0, SEEK_SET) -> %lld\n", (long long)lseek(fd, 0, SEEK_SET));
    memset(buf, 0, sizeof buf);
    n = read(fd, buf, 5);
    printf("read 5 -> %zd \"%s\"\n", n, buf);
    printf("lseek(1, SEEK_CUR) -> %lld\n", (long long)lseek(fd, 1, SEEK_CUR));
    memset(buf, 0, sizeof buf);
    n = read(fd, buf, sizeof buf - 1);
    printf("read rest -> %zd \"%.5s\" + newline: %s\n", n, buf, n == 6 && buf[5] == '\n' ? "yes" : "no");
    n = read(fd, buf, sizeof buf);
    printf("read at end of file -> %zd\n", n);
    printf("lseek(-6, SEEK_END) -> %lld\n", (long long)lseek(fd, -6, SEEK_END));
    memset(buf, 0, sizeof buf);
    n = read(fd, buf, 5);
    printf("read 5 -> %zd \"%s\"\n", n, buf);
    expect_err("lseek(-100, SEEK_SET)", lseek(fd, -100, SEEK_SET), EINVAL);
    /* a hole: seek past the end and write */
    printf("lseek(20, SEEK_SET) -> %lld\n", (long long)lseek(fd, 20, SEEK_SET));
    n = write(fd, "X", 1);
    printf("write 1 byte at 20 -> %zd\n", n);
    fstat(fd, &st);
    printf("fstat size -> %lld\n", (long long)st.st_size);
    n = pread(fd, buf, 8, 12);
    check("pread 8 bytes of the hole at 12: zeros", n == 8 && all_zero(buf, 8), "not zero");

    /* ---- pread/pwrite leave the offset alone */
    o = lseek(fd, 3, SEEK_SET);
    n = pwrite(fd, "HELLO", 5, 0);
    printf("pwrite 5 at 0 -> %zd\n", n);
    memset(buf, 0, sizeof buf);
    n = pread(fd, buf, 11, 0);
    printf("pread 11 at 0 -> %zd \"%s\"\n", n, buf);
    check("offset unchanged by pread/pwrite", lseek(fd, 0, SEEK_CUR) == o, "moved");
    struct iovec iov[2] = {{.iov_base = "ab", .iov_len = 2}, {.iov_base = "cde", .iov_len = 3}};
    lseek(fd, 0, SEEK_END);
    n = writev(fd, iov, 2);
    printf("writev 2+3 at end -> %zd\n", n);
    char r1[3] = {0}, r2[4] = {0};
    struct iovec riov[2] = {{.iov_base = r1, .iov_len = 2}, {.iov_base = r2, .iov_len = 3}};
    lseek(fd, 21, SEEK_SET);
    n = readv(fd, riov, 2);
    printf("readv 2+3 at 21 -> %zd \"%s\" \"%s\"\n", n, r1, r2);

    /* ---- fstat, ftruncate */
    fstat(fd, &st);
    printf("fstat: size %lld, regular %s, nlink %lu\n", (long long)st.st_size, S_ISREG(st.st_mode) ? "yes" : "no",
           (unsigned long)st.st_nlink);
    check("ftruncate to 5", ftruncate(fd, 5) == 0, errname(errno));
    fstat(fd, &st);
    printf("fstat size -> %lld\n", (long long)st.st_size);
    check("ftruncate to 100", ftruncate(fd, 100) == 0, errname(errno));
    fstat(fd, &st);
    printf("fstat size -> %lld\n", (long long)st.st_size);
    memset(buf, 0xff, sizeof buf);
    n = pread(fd, buf, 200, 0);
    printf("pread 200 at 0 -> %zd, \"%.5s\" then zeros: %s\n", n, buf, n == 100 && all_zero(buf + 5, 95) ? "yes" : "no");
    check("stat a.txt size 100", stat("a.txt", &st) == 0 && st.st_size == 100, errname(errno));
    close(fd);

    /* ---- O_TRUNC, O_EXCL, O_APPEND at open */
    fd = open("t.txt", O_CREAT | O_WRONLY | O_EXCL, 0644);
    check("open t.txt O_CREAT|O_EXCL (new)", fd >= 0, errname(errno));
    write(fd, "0123456789", 10);
    close(fd);
    expect_err("open t.txt O_CREAT|O_EXCL (exists)", open("t.txt", O_CREAT | O_WRONLY | O_EXCL, 0644), EEXIST);
    fd = open("t.txt", O_WRONLY | O_APPEND);
    write(fd, "ab", 2);
    close(fd);
    check("O_APPEND open: size 12", stat("t.txt", &st) == 0 && st.st_size == 12, "size");
    fd = open("t.txt", O_WRONLY | O_TRUNC);
    fstat(fd, &st);
    close(fd);
    printf("O_TRUNC open: size %lld\n", (long long)st.st_size);

    /* ---- rename */
    check("rename a.txt -> d1/b.txt", rename("a.txt", "d1/b.txt") == 0, errname(errno));
    expect_err("open a.txt after rename", open("a.txt", O_RDONLY), ENOENT);
    check("stat d1/b.txt size 100", stat("d1/b.txt", &st) == 0 && st.st_size == 100, errname(errno));
    check("rename t.txt over d1/t2.txt (new name)", rename("t.txt", "d1/t2.txt") == 0, errname(errno));
    fd = open("d1/over.txt", O_CREAT | O_WRONLY, 0644);
    write(fd, "xyz", 3);
    close(fd);
    check("rename d1/over.txt over d1/t2.txt (replaces)", rename("d1/over.txt", "d1/t2.txt") == 0, errname(errno));
    check("d1/t2.txt now has size 3", stat("d1/t2.txt", &st) == 0 && st.st_size == 3, "size");

    /* ---- link */
    check("link d1/b.txt -> c.txt", link("d1/b.txt", "c.txt") == 0, errname(errno));
    stat("d1/b.txt", &st);
    stat("c.txt", &st2);
    printf("after link: nlink %lu, same inode: %s\n", (unsigned long)st.st_nlink,
           st.st_ino == st2.st_ino && st.st_dev == st2.st_dev ? "yes" : "no");
    fd = open("c.txt", O_WRONLY);
    pwrite(fd, "J", 1, 0);
    close(fd);
    fd = open("d1/b.txt", O_RDONLY);
    n = read(fd, buf, 5);
    close(fd);
    printf("write through c.txt, read through d1/b.txt -> \"%.5s\"\n", buf);
    check("unlink c.txt", unlink("c.txt") == 0, errname(errno));
    stat("d1/b.txt", &st);
    printf("after unlink: nlink %lu\n", (unsigned long)st.st_nlink);

    /* ---- symlink */
    check("symlink b.txt <- d1/s", symlink("b.txt", "d1/s") == 0, errname(errno));
    memset(buf, 0, sizeof buf);
    n = readlink("d1/s", buf, sizeof buf);
    printf("readlink d1/s -> %zd \"%.*s\"\n", n, n > 0 ? (int)n : 0, buf);
    check("stat d1/s follows: size 100", stat("d1/s", &st) == 0 && st.st_size == 100 && S_ISREG(st.st_mode), errname(errno));
    check("lstat d1/s is a symlink of size 5", lstat("d1/s", &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 5, "mode/size");
    expect_err("readlink d1/b.txt (not a link)", readlink("d1/b.txt", buf, sizeof buf), EINVAL);
    check("symlink missing <- d1/dangling", symlink("missing", "d1/dangling") == 0, errname(errno));
    expect_err("open d1/dangling", open("d1/dangling", O_RDONLY), ENOENT);

    /* ---- directory listing */
    const char *more[] = {"d1/zeta", "d1/alpha", "d1/mid"};
    for (int i = 0; i < 3; i++) {
        fd = open(more[i], O_CREAT | O_WRONLY, 0644);
        close(fd);
    }
    DIR *d = opendir("d1");
    check("opendir d1", d != NULL, errname(errno));
    char *names[64];
    int count = 0, dots = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            dots++;
            continue;
        }
        char t = e->d_type == DT_REG ? 'f' : e->d_type == DT_DIR ? 'd' : e->d_type == DT_LNK ? 'l' : '?';
        char tmp[300];
        snprintf(tmp, sizeof tmp, "%s:%c", e->d_name, t);
        if (count < 64) names[count++] = xstrdup(tmp);
    }
    if (d) closedir(d);
    qsort(names, count, sizeof names[0], cmpstr);
    printf("readdir d1 (sorted, name:type): %d entries + %d dot entries:", count, dots);
    for (int i = 0; i < count; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");

    /* ---- dup / dup2 share the offset; fcntl */
    fd = open("d1/b.txt", O_RDWR);
    int fd2 = dup(fd);
    check("dup", fd2 > fd, errname(errno));
    lseek(fd, 7, SEEK_SET);
    printf("lseek 7 on fd, SEEK_CUR on dup -> %lld\n", (long long)lseek(fd2, 0, SEEK_CUR));
    n = read(fd2, buf, 3);
    printf("read 3 on dup, SEEK_CUR on fd -> %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    int r = dup2(fd, 10);
    printf("dup2(fd, 10) -> %d\n", r);
    lseek(10, 42, SEEK_SET);
    printf("lseek 42 on 10, SEEK_CUR on fd -> %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    printf("dup2(10, 10) -> %d\n", dup2(10, 10));
    int fl = fcntl(fd, F_GETFL);
    printf("F_GETFL: access %s, O_APPEND %s\n",
           (fl & O_ACCMODE) == O_RDWR ? "O_RDWR" : (fl & O_ACCMODE) == O_RDONLY ? "O_RDONLY" : "O_WRONLY",
           fl & O_APPEND ? "set" : "clear");
    check("F_SETFL O_APPEND", fcntl(fd, F_SETFL, fl | O_APPEND) == 0, errname(errno));
    fl = fcntl(fd2, F_GETFL);
    printf("F_GETFL on the dup: O_APPEND %s\n", fl & O_APPEND ? "set" : "clear");
    lseek(fd, 0, SEEK_SET);
    n = write(fd, "Z", 1);
    printf("write after lseek 0 with O_APPEND -> %zd, offset %lld\n", n, (long long)lseek(fd, 0, SEEK_CUR));
    fstat(fd, &st);
    printf("fstat size -> %lld\n", (long long)st.st_size);
    check("F_SETFL clear O_APPEND", fcntl(fd, F_SETFL, fl & ~O_APPEND) == 0, errname(errno));
    printf("F_GETFD on a plain fd: FD_CLOEXEC %s\n", fcntl(fd, F_GETFD) & FD_CLOEXEC ? "set" : "clear");
    printf("F_GETFD on the O_CLOEXEC fd: FD_CLOEXEC %s\n", fcntl(home, F_GETFD) & FD_CLOEXEC ? "set" : "clear");
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    printf("F_SETFD FD_CLOEXEC, F_GETFD: FD_CLOEXEC %s; on its dup: %s\n",
           fcntl(fd, F_GETFD) & FD_CLOEXEC ? "set" : "clear", fcntl(fd2, F_GETFD) & FD_CLOEXEC ? "set" : "clear");
    r = fcntl(fd, F_DUPFD, 20);
    printf("F_DUPFD(20) -> %d\n", r);
    close(r);
    close(10);
    close(fd2);
    close(fd);
    expect_err("read on a closed fd", read(fd2, buf, 1), EBADF);
    expect_err("close a closed fd", close(fd2), EBADF);
    fd = open("d1/b.txt", O_RDONLY);
    expect_err("write on an O_RDONLY fd", write(fd, "x", 1), EBADF);
    close(fd);

    /* ---- errors */
    expect_err("open missing", open("missing.txt", O_RDONLY), ENOENT);
    expect_err("open missing/x (O_CREAT)", open("missing/x", O_CREAT | O_WRONLY, 0644), ENOENT);
    expect_err("mkdir d1 (exists)", mkdir("d1", 0755), EEXIST);
    expect_err("rmdir d1 (not empty)", rmdir("d1"), ENOTEMPTY);
    expect_err("unlink d1/d2 (a directory)", unlink("d1/d2"), EISDIR);
    expect_err("rmdir d1/b.txt (a file)", rmdir("d1/b.txt"), ENOTDIR);
    expect_err("open d1/b.txt/x (file as directory)", open("d1/b.txt/x", O_RDONLY), ENOTDIR);
    expect_err("open d1/b.txt O_DIRECTORY", open("d1/b.txt", O_RDONLY | O_DIRECTORY), ENOTDIR);
    expect_err("open d1 O_WRONLY", open("d1", O_WRONLY), EISDIR);
    expect_err("stat missing", stat("missing.txt", &st), ENOENT);
    expect_err("chdir d1/b.txt", chdir("d1/b.txt"), ENOTDIR);
    fd = open("d1", O_RDONLY | O_DIRECTORY);
    expect_err("read on a directory fd", read(fd, buf, 1), EISDIR);
    close(fd);

    /* ---- clean up */
    const char *files[] = {"d1/b.txt", "d1/t2.txt", "d1/s", "d1/dangling", "d1/zeta", "d1/alpha", "d1/mid"};
    int ok = 1;
    for (unsigned i = 0; i < sizeof files / sizeof files[0]; i++) ok &= unlink(files[i]) == 0;
    check("unlink the files", ok, errname(errno));
    check("rmdir d1/d2, d1", rmdir("d1/d2") == 0 && rmdir("d1") == 0, errname(errno));
    d = opendir(".");
    count = 0;
    while (d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) count++;
    if (d) closedir(d);
    printf("DIR entries left: %d\n", count);
    check("fchdir back", fchdir(home) == 0, errname(errno));
    close(home);
    check("rmdir DIR", rmdir(base) == 0, errname(errno));
    expect_err("stat DIR", stat(base, &st), ENOENT);

    printf("fileio: %s\n", failures ? "FAILURES" : "all ok");
    return failures ? 1 : 0;
}

/* oom: a guest that keeps asking for memory until the kernel says no, one way per mode.
 *
 *   oom mmap       mmap 1 MiB anonymous pieces and touch every page, until mmap fails
 *   oom brk        move the break up 1 MiB at a time and touch every page, until brk fails
 *   oom tmpfs      write 1 MiB blocks into /tmp/fill, until write fails
 *   oom shm        the same in /dev/shm/fill
 *   oom unlinked   8 MiB files in /tmp, each unlinked while still open, until write fails;
 *                  then closes them all and writes 8 MiB again (the bytes came back)
 *   oom symlinks   symlink("/a/target/of/32/bytes/....", "/tmp/lN") until symlink fails
 *   oom pipes      pipes filled with F_SETPIPE_SZ 1 MiB buffers until a call fails
 *   oom code N     map N pages RWX, put `ret` on each and call every one (decoded-code cache)
 *   oom hwprobe    riscv_hwprobe with huge pair counts
 *
 * Each prints how far it got (in whole MiB or counts) and the errno that stopped it, then
 * exits 0; the kernel may instead stop the run with OutOfMemory (exit 75). The numbers
 * depend on the memory limit, so there is no qemu reference.
 * GUEST_NO_QEMU_REFERENCE */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MIB (1024 * 1024)
#define PAGE 4096

static const char *name_of(int e)
{
    switch (e) {
    case ENOMEM: return "ENOMEM";
    case ENOSPC: return "ENOSPC";
    case EFAULT: return "EFAULT";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case EFBIG: return "EFBIG";
    default: return strerror(e);
    }
}

static int mode_mmap(void)
{
    long mib = 0;
    for (;;) {
        char *p = mmap(0, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) break;
        for (int i = 0; i < MIB; i += PAGE) p[i] = (char)i;
        mib++;
    }
    printf("mmap: %ld MiB, then %s\n", mib, name_of(errno));
    return 0;
}

static int mode_brk(void)
{
    char *start = (char *)syscall(SYS_brk, 0);
    char *top = start;
    for (;;) {
        char *want = top + MIB;
        char *got = (char *)syscall(SYS_brk, want);
        if (got != want) break;
        for (char *p = top; p < want; p += PAGE) *p = 1;
        top = want;
    }
    printf("brk: %ld MiB, then the break stayed\n", (long)((top - start) / MIB));
    return 0;
}

static char block[MIB];

static int fill(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        printf("open %s: %s\n", path, name_of(errno));
        return 1;
    }
    memset(block, 'x', sizeof block);
    long mib = 0;
    for (;;) {
        ssize_t n = write(fd, block, MIB);
        if (n != MIB) break;
        mib++;
    }
    printf("%s: %ld MiB, then %s\n", path, mib, name_of(errno));
    return 0;
}

static int mode_unlinked(void)
{
    int fds[4096];
    int count = 0;
    memset(block, 'u', sizeof block);
    int err = 0;
    while (count < 4096 && !err) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/u%d", count);
        int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) { err = errno; break; }
        unlink(path);
        fds[count++] = fd;
        for (int i = 0; i < 8; i++) {
            if (write(fd, block, MIB) != MIB) { err = errno; break; }
        }
    }
    printf("unlinked: %d open files, then %s\n", count, name_of(err));
    /* The bytes stay held (and counted) while the files are open: writing more still fails. */
    int fd = open("/tmp/after", O_RDWR | O_CREAT | O_TRUNC, 0644);
    ssize_t n = fd < 0 ? -1 : write(fd, block, MIB);
    printf("while open: %s\n", n == MIB ? "wrote 1 MiB" : name_of(errno));
    for (int i = 0; i < count; i++) close(fds[i]);
    long ok = 0;
    for (int i = 0; i < 8; i++) if (write(fd, block, MIB) == MIB) ok++;
    printf("after closing: wrote %ld MiB\n", ok);
    return 0;
}

static int mode_symlinks(void)
{
    long count = 0;
    const char *target = "/a/target/of/32/bytes/abcdefghij";
    for (;;) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/l%ld", count);
        if (symlink(target, path) != 0) break;
        count++;
    }
    printf("symlinks: %ld, then %s\n", count, name_of(errno));
    return 0;
}

static int mode_pipes(void)
{
    long count = 0;
    int err = 0;
    memset(block, 'p', sizeof block);
    for (;;) {
        int p[2];
        if (pipe(p) != 0) { err = errno; break; }
        if (fcntl(p[1], F_SETPIPE_SZ, MIB) < 0) { err = errno; break; }
        fcntl(p[1], F_SETFL, O_NONBLOCK);
        if (write(p[1], block, PAGE) != PAGE) { err = errno; break; }
        count++;
    }
    printf("pipes: %ld with 1 MiB buffers, then %s\n", count, name_of(err));
    return 0;
}

static int mode_code(long pages)
{
    size_t size = (size_t)pages * PAGE;
    unsigned char *code = mmap(0, size, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
        printf("code: mmap %s\n", name_of(errno));
        return 1;
    }
    for (long i = 0; i < pages; i++) {
        code[i * PAGE] = 0x82; /* c.ret (c.jr ra) = 0x8082 */
        code[i * PAGE + 1] = 0x80;
    }
    __asm__ volatile(".4byte 0x0000100f" ::: "memory"); /* fence.i */
    for (int round = 0; round < 2; round++)
        for (long i = 0; i < pages; i++) ((void (*)(void))(code + i * PAGE))();
    printf("code: called %ld pages twice\n", pages);
    return 0;
}

static int mode_hwprobe(void)
{
    struct { int64_t key; uint64_t value; } pairs[4] = {{3, 0}, {4, 0}, {99, 0}, {0, 0}};
    long r = syscall(258, pairs, 4, 0, 0, 0);
    printf("hwprobe 4 pairs: %ld, base %llu, ima %llu, unknown key %lld\n", r,
           (unsigned long long)pairs[0].value, (unsigned long long)pairs[1].value, (long long)pairs[2].key);
    r = syscall(258, pairs, (size_t)1 << 40, 0, 0, 0);
    printf("hwprobe 2^40 pairs: %s\n", r < 0 ? name_of(errno) : "0");
    /* A count that fits the cap but runs past the end of a mapping: EFAULT. */
    char *two = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(two + PAGE, PAGE);
    r = syscall(258, two, 1000, 0, 0, 0);
    printf("hwprobe past a mapping: %s\n", r < 0 ? name_of(errno) : "0");
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, 0, _IONBF, 0);
    const char *mode = argc > 1 ? argv[1] : "mmap";
    if (!strcmp(mode, "mmap")) return mode_mmap();
    if (!strcmp(mode, "brk")) return mode_brk();
    if (!strcmp(mode, "tmpfs")) return fill("/tmp/fill");
    if (!strcmp(mode, "shm")) return fill("/dev/shm/fill");
    if (!strcmp(mode, "unlinked")) return mode_unlinked();
    if (!strcmp(mode, "symlinks")) return mode_symlinks();
    if (!strcmp(mode, "pipes")) return mode_pipes();
    if (!strcmp(mode, "code")) return mode_code(argc > 2 ? atol(argv[2]) : 65536);
    if (!strcmp(mode, "hwprobe")) return mode_hwprobe();
    printf("unknown mode %s\n", mode);
    return 2;
}

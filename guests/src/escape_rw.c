/* escape_rw: a hostile guest trying to reach host files outside its read-write mount.
 *
 * escape_rw MOUNT OUTSIDE_FILE OUTSIDE_DIR [HOST_LINK]
 *
 * MOUNT is a guest directory mounted read-write from the host; OUTSIDE_FILE and
 * OUTSIDE_DIR are host-absolute paths of a file and a directory next to the mount, which
 * the guest must never read or change. HOST_LINK, when given, names a symlink that was
 * already on the host inside MOUNT (pointing at OUTSIDE_DIR). Each attack keeps a
 * descriptor to a file, takes the file's name (or a directory above it) away, puts a
 * symlink to the outside where that name was, then writes, truncates and fchmods
 * 04777 through the descriptor. Variants: unlink, rename of the directory above,
 * rmdir of the directory above, the name of a hard link, and a pre-existing host symlink
 * moved into a renamed directory's place. Every step prints what it returned, so a test
 * can compare the guest's view with what happened on the host.
 *
 * GUEST_NO_QEMU_REFERENCE: under qemu-user these are the host's own files and paths. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char path_buf[4][512];

static const char *at(int slot, const char *dir, const char *name)
{
    snprintf(path_buf[slot], sizeof path_buf[slot], "%s/%s", dir, name);
    return path_buf[slot];
}

static void show(const char *what, long result)
{
    if (result < 0) printf("%s = -1 %s\n", what, strerror(errno));
    else printf("%s = %ld\n", what, result);
}

/* Write, truncate and chmod through `fd`; then read what the descriptor holds. */
static void abuse(const char *label, int fd)
{
    char line[128];
    snprintf(line, sizeof line, "%s: write", label);
    show(line, write(fd, "PWNED", 5));
    snprintf(line, sizeof line, "%s: ftruncate 3", label);
    show(line, ftruncate(fd, 3));
    snprintf(line, sizeof line, "%s: fchmod 04777", label);
    show(line, fchmod(fd, 04777));
    struct stat st;
    if (fstat(fd, &st) == 0) printf("%s: fstat mode %o size %ld\n", label, (unsigned)st.st_mode & 07777, (long)st.st_size);
    char buf[64] = {0};
    long n = pread(fd, buf, sizeof buf - 1, 0);
    snprintf(line, sizeof line, "%s: pread", label);
    show(line, n);
    if (n >= 0) printf("%s: holds \"%s\"\n", label, buf);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: escape_rw MOUNT OUTSIDE_FILE OUTSIDE_DIR [HOST_LINK]\n");
        return 2;
    }
    const char *mount = argv[1], *outside_file = argv[2], *outside_dir = argv[3];

    /* 1. unlink, then a symlink to the outside file where the name was. */
    int fd = open(at(0, mount, "f"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    show("unlink: open f", fd);
    show("unlink: write", write(fd, "mine", 4));
    show("unlink: unlink f", unlink(at(0, mount, "f")));
    show("unlink: symlink outside f", symlink(outside_file, at(0, mount, "f")));
    abuse("unlink", fd);
    close(fd);

    /* 2. rename the directory above, a symlink to the outside directory in its place. */
    show("rename: mkdir d", mkdir(at(0, mount, "d"), 0755));
    fd = open(at(1, at(0, mount, "d"), "g"), O_RDWR | O_CREAT, 0644);
    show("rename: open d/g", fd);
    show("rename: write", write(fd, "mine", 4));
    show("rename: rename d e", rename(at(0, mount, "d"), at(1, mount, "e")));
    show("rename: symlink outside d", symlink(outside_dir, at(0, mount, "d")));
    abuse("rename", fd);
    close(fd);

    /* 3. rmdir the directory above after unlinking the file. */
    show("rmdir: mkdir d2", mkdir(at(0, mount, "d2"), 0755));
    fd = open(at(1, at(0, mount, "d2"), "h"), O_RDWR | O_CREAT, 0644);
    show("rmdir: open d2/h", fd);
    show("rmdir: write", write(fd, "mine", 4));
    show("rmdir: unlink d2/h", unlink(at(1, at(0, mount, "d2"), "h")));
    show("rmdir: rmdir d2", rmdir(at(0, mount, "d2")));
    show("rmdir: symlink outside d2", symlink(outside_dir, at(0, mount, "d2")));
    abuse("rmdir", fd);
    close(fd);

    /* 4. a hard link keeps the file: the name that went becomes a symlink. */
    fd = open(at(0, mount, "x"), O_RDWR | O_CREAT, 0644);
    show("link: open x", fd);
    show("link: link x y", link(at(0, mount, "x"), at(1, mount, "y")));
    show("link: unlink x", unlink(at(0, mount, "x")));
    show("link: symlink outside x", symlink(outside_file, at(0, mount, "x")));
    abuse("link", fd);
    close(fd);

    /* 5. a symlink already on the host moved where a renamed directory was. */
    if (argc > 4) {
        show("hostlink: mkdir p", mkdir(at(0, mount, "p"), 0755));
        fd = open(at(1, at(0, mount, "p"), "q"), O_RDWR | O_CREAT, 0644);
        show("hostlink: open p/q", fd);
        show("hostlink: rename p p2", rename(at(0, mount, "p"), at(1, mount, "p2")));
        show("hostlink: rename link p", rename(at(0, mount, argv[4]), at(1, mount, "p")));
        abuse("hostlink", fd);
        close(fd);
        show("hostlink: open p/secret", open(at(1, at(0, mount, "p"), "secret"), O_RDONLY));
    }

    /* 6. reading the outside through the symlinks: they resolve in the guest's namespace. */
    show("read: open f", open(at(0, mount, "f"), O_RDONLY));
    show("read: open outside file", open(outside_file, O_RDONLY));
    show("read: symlink evil -> /etc", symlink("/etc", at(0, mount, "evil")));
    return 0;
}

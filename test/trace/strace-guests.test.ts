import { describe, expect, it } from 'vitest';
import { parseTraceFilter } from '../../src/trace/strace/filter.js';
import { SyscallSummary } from '../../src/trace/strace/summary.js';
import { traceGuest } from './strace-helpers.js';

describe('strace lines of real guests', () => {
  it('should print fileio\'s paths quoted and its flags by name, as strace does', () => {
    const { lines } = traceGuest('fileio');
    expect(lines).toContain('[1] openat(AT_FDCWD, ".", O_RDONLY|O_LARGEFILE|O_DIRECTORY|O_CLOEXEC) = 3');
    expect(lines).toContain('[1] openat(AT_FDCWD, "a.txt", O_RDWR|O_CREAT|O_TRUNC|O_LARGEFILE|O_CLOEXEC, 0644) = 4');
    expect(lines).toContain('[1] openat(AT_FDCWD, "t.txt", O_WRONLY|O_CREAT|O_EXCL|O_LARGEFILE, 0644) = -1 EEXIST (File exists)');
    expect(lines).toContain('[1] openat(AT_FDCWD, "a.txt", O_RDONLY|O_LARGEFILE) = -1 ENOENT (No such file or directory)');
    expect(lines).toContain('[1] mkdirat(AT_FDCWD, "work", 0755) = 0');
    expect(lines).toContain('[1] getcwd("/work", 256) = 6');
    // Buffers: write's at entry, read's at exit with as many bytes as it returned.
    expect(lines).toContain('[1] write(4, "hello world\\n", 12) = 12');
    expect(lines).toContain('[1] read(4, "hello", 5) = 5');
    expect(lines).toContain('[1] read(4, "", 256) = 0');
    expect(lines).toContain('[1] pread64(4, "HELLO\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0"..., 200, 0) = 100');
    expect(lines).toContain('[1] writev(4, [{iov_base="ab", iov_len=2}, {iov_base="cde", iov_len=3}], 2) = 5');
    expect(lines).toContain('[1] readv(4, [{iov_base="ab", iov_len=2}, {iov_base="cde", iov_len=3}], 2) = 5');
    expect(lines).toContain('[1] lseek(4, -6, SEEK_END) = 6');
    expect(lines).toContain('[1] lseek(4, -100, SEEK_SET) = -1 EINVAL (Invalid argument)');
    // Structs written by the call, and the address when it failed.
    expect(lines).toContain('[1] fstat(4, {st_mode=S_IFREG|0644, st_size=21, ...}) = 0');
    expect(lines).toContain('[1] newfstatat(AT_FDCWD, "d1/s", {st_mode=S_IFLNK|0777, st_size=5, ...}, AT_SYMLINK_NOFOLLOW) = 0');
    expect(lines.some((l) => /^\[1\] newfstatat\(AT_FDCWD, "missing\.txt", 0x[0-9a-f]+, 0\) = -1 ENOENT \(No such file or directory\)$/.test(l))).toBe(true);
    expect(lines).toContain('[1] readlinkat(AT_FDCWD, "d1/s", "b.txt", 256) = 5');
    expect(lines).toContain('[1] renameat2(AT_FDCWD, "a.txt", AT_FDCWD, "d1/b.txt", 0) = 0');
    expect(lines).toContain('[1] unlinkat(AT_FDCWD, "d1", AT_REMOVEDIR) = -1 ENOTEMPTY (Directory not empty)');
    expect(lines).toContain('[1] fcntl(4, F_GETFL) = 0x8002 (flags O_RDWR|O_LARGEFILE)');
    expect(lines).toContain('[1] fcntl(3, F_GETFD) = 0x1 (flags FD_CLOEXEC)');
    expect(lines).toContain('[1] fcntl(4, F_SETFL, O_RDWR|O_APPEND|O_LARGEFILE) = 0');
    expect(lines.some((l) => /^\[1\] getdents64\(4, 0x[0-9a-f]+ \/\* 10 entries \*\/, 2048\) = 272$/.test(l))).toBe(true);
    expect(lines.at(-2)).toBe('[1] exit_group(0) = ?');
    expect(lines.at(-1)).toBe('[1] +++ exited with 0 +++');
  });

  it('should show a futex wait that blocks as <unfinished ...> and its ETIMEDOUT when it resumes', () => {
    const { lines } = traceGuest('futex_pingpong');
    const wait = lines.findIndex((l) => /^\[1\] futex\(0x[0-9a-f]+, FUTEX_WAIT_PRIVATE, 5, \{tv_sec=0, tv_nsec=2000000\} <unfinished \.\.\.>$/.test(l));
    expect(wait).toBeGreaterThanOrEqual(0);
    expect(lines[wait + 1]).toBe('[1] <... futex resumed>) = -1 ETIMEDOUT (Connection timed out)');
    expect(lines.some((l) => /^\[1\] futex\(0x[0-9a-f]+, FUTEX_WAIT_PRIVATE, 6, NULL\) = -1 EAGAIN \(Resource temporarily unavailable\)$/.test(l))).toBe(true);
    expect(lines.some((l) => /^\[1\] futex\(0x[0-9a-f]+, FUTEX_WAKE_PRIVATE, 2147483647\) = 0$/.test(l))).toBe(true);
    expect(lines.some((l) => /^\[1\] futex\(0x[0-9a-f]+, FUTEX_PRIVATE_FLAG\|0x63 \/\* FUTEX_\?\?\? \*\/, 0, 0, 0, 0\) = -1 ENOSYS \(Function not implemented\)$/.test(l))).toBe(true);
    expect(lines.some((l) => /^\[1\] clone\(flags=CLONE_VM\|CLONE_FS\|CLONE_FILES\|CLONE_SIGHAND\|CLONE_THREAD\|CLONE_SYSVSEM\|CLONE_SETTLS\|CLONE_PARENT_SETTID\|CLONE_CHILD_CLEARTID\|CLONE_DETACHED, child_stack=0x[0-9a-f]+, parent_tid=0x[0-9a-f]+, tls=0x[0-9a-f]+, child_tidptr=0x[0-9a-f]+\) = 2$/.test(l))).toBe(true);
    // The two threads hand the turn over: thread 2's lines come while thread 1's wait is open.
    const handOver = lines.findIndex((l) => /^\[1\] futex\(0x[0-9a-f]+, FUTEX_WAIT_PRIVATE, 1, NULL <unfinished \.\.\.>$/.test(l));
    expect(lines[handOver + 1]).toMatch(/^\[2\] /);
    expect(lines.filter((l) => l.includes('<unfinished ...>')).length).toBe(lines.filter((l) => l.includes(' resumed>')).length);
    expect(lines).toContain('[2] +++ exited with 0 +++');
    expect(lines.at(-1)).toBe('[1] +++ exited with 0 +++');
  });

  it('should decode signals: sigaction, masks, the delivery line and rt_sigreturn', () => {
    const { lines } = traceGuest('signals');
    expect(lines).toContain('[1] rt_sigprocmask(SIG_UNBLOCK, [RT_1 RT_2], NULL, 8) = 0');
    expect(lines.some((l) => /^\[1\] rt_sigaction\(SIGUSR1, \{sa_handler=0x[0-9a-f]+, sa_mask=\[USR2\], sa_flags=SA_SIGINFO\|SA_RESTORER, sa_restorer=0x[0-9a-f]+\}, NULL, 8\) = 0$/.test(l))).toBe(true);
    expect(lines).toContain('[1] rt_sigprocmask(SIG_BLOCK, ~[RTMIN RT_1 RT_2], [], 8) = 0');
    expect(lines).toContain('[1] rt_sigpending([USR1], 8) = 0');
    expect(lines).toContain('[1] rt_sigsuspend([], 8) = -1 EINTR (Interrupted system call)');
    expect(lines).toContain('[1] --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=1, si_uid=0} ---');
    expect(lines).toContain('[1] rt_sigreturn({mask=[]}) = 0');
    expect(lines).toContain('[1] sigaltstack(NULL, {ss_sp=0x19000, ss_flags=SS_ONSTACK, ss_size=65536}) = 0');
    expect(lines).toContain('[1] rt_sigaction(SIGUSR2, NULL, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0');
    expect(lines).toContain('[1] kill(1, 99) = -1 EINVAL (Invalid argument)');
    // A signal sent to itself and handled inside the call is printed after the call's line.
    const tkill = lines.lastIndexOf('[1] tkill(1, SIGUSR1) = 0');
    expect(lines[tkill + 1]).toBe('[1] --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=1, si_uid=0} ---');
  });

  it('should print mmap_ops\' memory calls with PROT_*/MAP_* flags and hex results', () => {
    const { lines } = traceGuest('mmap_ops');
    expect(lines).toContain('[1] mmap(NULL, 32768, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x1000000000');
    expect(lines).toContain('[1] mmap(NULL, 65536, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0) = 0x1000000000');
    expect(lines).toContain('[1] mmap(0x1000001000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0) = -1 EEXIST (File exists)');
    expect(lines).toContain('[1] mprotect(0x1000004000, 16384, PROT_READ) = 0');
    expect(lines).toContain('[1] madvise(0x1000001000, 4096, MADV_DONTNEED) = 0');
    expect(lines).toContain('[1] mremap(0x1000000000, 8192, 20480, MREMAP_MAYMOVE) = 0x1000003000');
    expect(lines).toContain('[1] brk(NULL) = 0x19000');
    expect(lines).toContain('[1] munmap(0x1000000001, 4096) = -1 EINVAL (Invalid argument)');
  });

  it('should name the signal, code and address of a fault that kills the guest', () => {
    const { lines, error } = traceGuest('segv');
    expect(error).toBeDefined();
    expect(lines.at(-2)).toBe('[1] --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} ---');
    expect(lines.at(-1)).toBe('[1] +++ killed by SIGSEGV +++');
  });

  it('should print only what --trace-filter selects, signals and exits still shown', () => {
    const file = traceGuest('fileio', { filter: parseTraceFilter('%file') });
    const names = new Set(file.lines.map((l) => /^\[\d+\] ([a-z0-9_]+)\(/.exec(l)?.[1]).filter((n) => n !== undefined));
    expect([...names].sort()).toEqual(['chdir', 'getcwd', 'linkat', 'mkdirat', 'newfstatat', 'openat', 'readlinkat', 'renameat2', 'symlinkat', 'unlinkat']);
    expect(file.lines.at(-1)).toBe('[1] +++ exited with 0 +++');

    const notFutex = traceGuest('futex_pingpong', { filter: parseTraceFilter('!futex') });
    expect(notFutex.lines.some((l) => l.includes('futex'))).toBe(false);
    expect(notFutex.lines.some((l) => l.includes('clone('))).toBe(true);

    const signals = traceGuest('signals', { filter: parseTraceFilter('tkill,kill') });
    expect(signals.lines.some((l) => l.startsWith('[1] rt_sigprocmask'))).toBe(false);
    expect(signals.lines).toContain('[1] tkill(1, SIGUSR1) = 0');
    expect(signals.lines).toContain('[1] --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=1, si_uid=0} ---');
  });

  it('should count calls, errors and instructions per syscall for the summary, without lines', () => {
    const summary = new SyscallSummary();
    const run = traceGuest('futex_pingpong', { perCall: false, summary });
    expect(run.lines).toEqual([]);
    const table = summary.format();
    const futex = table.split('\n').find((l) => l.endsWith(' futex'))!;
    const [, instructions, perCall, calls, errors] = futex.trim().split(/\s+/);
    expect(Number(calls)).toBeGreaterThan(2000);
    expect(Number(errors)).toBeGreaterThanOrEqual(3);
    // Blocked waits cost what the other thread ran meanwhile.
    expect(Number(instructions)).toBeGreaterThan(0);
    expect(Number(perCall)).toBe(Math.round(Number(instructions) / Number(calls)));
    // futex costs the most instructions: it is first.
    expect(table.split('\n')[2]).toBe(futex);
    expect(table.split('\n').at(-2)).toMatch(/^ 100\.00 +\d+ +\d+ +\d+ +\d+ total$/);
  });
});

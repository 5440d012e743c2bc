/**
 * The names strace prints for Linux riscv64 (asm-generic) constants: errno names and
 * messages, signals, and the flag and value tables the syscall decoders use.
 */

/** Linux errno values with their names and glibc's strerror messages (strace prints both). */
export const ERRNOS: readonly (readonly [number, string, string])[] = [
  [1, 'EPERM', 'Operation not permitted'],
  [2, 'ENOENT', 'No such file or directory'],
  [3, 'ESRCH', 'No such process'],
  [4, 'EINTR', 'Interrupted system call'],
  [5, 'EIO', 'Input/output error'],
  [6, 'ENXIO', 'No such device or address'],
  [7, 'E2BIG', 'Argument list too long'],
  [8, 'ENOEXEC', 'Exec format error'],
  [9, 'EBADF', 'Bad file descriptor'],
  [10, 'ECHILD', 'No child processes'],
  [11, 'EAGAIN', 'Resource temporarily unavailable'],
  [12, 'ENOMEM', 'Cannot allocate memory'],
  [13, 'EACCES', 'Permission denied'],
  [14, 'EFAULT', 'Bad address'],
  [15, 'ENOTBLK', 'Block device required'],
  [16, 'EBUSY', 'Device or resource busy'],
  [17, 'EEXIST', 'File exists'],
  [18, 'EXDEV', 'Invalid cross-device link'],
  [19, 'ENODEV', 'No such device'],
  [20, 'ENOTDIR', 'Not a directory'],
  [21, 'EISDIR', 'Is a directory'],
  [22, 'EINVAL', 'Invalid argument'],
  [23, 'ENFILE', 'Too many open files in system'],
  [24, 'EMFILE', 'Too many open files'],
  [25, 'ENOTTY', 'Inappropriate ioctl for device'],
  [26, 'ETXTBSY', 'Text file busy'],
  [27, 'EFBIG', 'File too large'],
  [28, 'ENOSPC', 'No space left on device'],
  [29, 'ESPIPE', 'Illegal seek'],
  [30, 'EROFS', 'Read-only file system'],
  [31, 'EMLINK', 'Too many links'],
  [32, 'EPIPE', 'Broken pipe'],
  [33, 'EDOM', 'Numerical argument out of domain'],
  [34, 'ERANGE', 'Numerical result out of range'],
  [35, 'EDEADLK', 'Resource deadlock avoided'],
  [36, 'ENAMETOOLONG', 'File name too long'],
  [37, 'ENOLCK', 'No locks available'],
  [38, 'ENOSYS', 'Function not implemented'],
  [39, 'ENOTEMPTY', 'Directory not empty'],
  [40, 'ELOOP', 'Too many levels of symbolic links'],
  [42, 'ENOMSG', 'No message of desired type'],
  [43, 'EIDRM', 'Identifier removed'],
  [61, 'ENODATA', 'No data available'],
  [62, 'ETIME', 'Timer expired'],
  [71, 'EPROTO', 'Protocol error'],
  [74, 'EBADMSG', 'Bad message'],
  [75, 'EOVERFLOW', 'Value too large for defined data type'],
  [84, 'EILSEQ', 'Invalid or incomplete multibyte or wide character'],
  [88, 'ENOTSOCK', 'Socket operation on non-socket'],
  [95, 'EOPNOTSUPP', 'Operation not supported'],
  [97, 'EAFNOSUPPORT', 'Address family not supported by protocol'],
  [98, 'EADDRINUSE', 'Address already in use'],
  [104, 'ECONNRESET', 'Connection reset by peer'],
  [110, 'ETIMEDOUT', 'Connection timed out'],
  [111, 'ECONNREFUSED', 'Connection refused'],
  [116, 'ESTALE', 'Stale file handle'],
  [122, 'EDQUOT', 'Disk quota exceeded'],
  [125, 'ECANCELED', 'Operation canceled'],
  [130, 'EOWNERDEAD', 'Owner died'],
  [131, 'ENOTRECOVERABLE', 'State not recoverable'],
  // Kernel-internal restart codes a tracer may see.
  [512, 'ERESTARTSYS', 'To be restarted if SA_RESTART is set'],
  [513, 'ERESTARTNOINTR', 'To be restarted'],
  [514, 'ERESTARTNOHAND', 'To be restarted if no handler'],
  [516, 'ERESTART_RESTARTBLOCK', 'Interrupted by signal'],
];

const ERRNO_BY_NUMBER = new Map(ERRNOS.map(([n, name, message]) => [n, { name, message }]));

/** The errno name and message for a positive errno value, if Linux has one. */
export function errnoInfo(errno: number): { name: string; message: string } | undefined {
  return ERRNO_BY_NUMBER.get(errno);
}

/** Signal names (riscv64 uses the generic numbering). */
const SIGNALS: readonly string[] = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
  'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP',
  'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];

/** strace's name for a signal: SIGINT, SIGRTMIN, SIGRT_3; an out-of-range number as itself. */
export function signalName(signal: number): string {
  if (signal >= 1 && signal < 32) return SIGNALS[signal]!;
  if (signal === 32) return 'SIGRTMIN';
  if (signal > 32 && signal <= 64) return `SIGRT_${signal - 32}`;
  return String(signal);
}

/** A named bit or value: [value, name]. */
export type Xlat = readonly (readonly [number, string])[];

export const OPEN_ACCESS: Xlat = [
  [0, 'O_RDONLY'],
  [1, 'O_WRONLY'],
  [2, 'O_RDWR'],
];

/** asm-generic open flags (octal in the headers), in strace's order. */
export const OPEN_FLAGS: Xlat = [
  [0o100, 'O_CREAT'],
  [0o200, 'O_EXCL'],
  [0o400, 'O_NOCTTY'],
  [0o1000, 'O_TRUNC'],
  [0o2000, 'O_APPEND'],
  [0o4000, 'O_NONBLOCK'],
  [0o4010000, 'O_SYNC'],
  [0o10000, 'O_DSYNC'],
  [0o20000, 'O_ASYNC'],
  [0o40000, 'O_DIRECT'],
  [0o100000, 'O_LARGEFILE'],
  [0o200000, 'O_DIRECTORY'],
  [0o400000, 'O_NOFOLLOW'],
  [0o1000000, 'O_NOATIME'],
  [0o2000000, 'O_CLOEXEC'],
  [0o10000000, 'O_PATH'],
];
export const O_CREAT = 0o100;
export const O_TMPFILE = 0o20200000;

export const AT_FDCWD = -100;

export const AT_FLAGS: Xlat = [
  [0x100, 'AT_SYMLINK_NOFOLLOW'],
  [0x200, 'AT_REMOVEDIR'],
  [0x400, 'AT_SYMLINK_FOLLOW'],
  [0x800, 'AT_NO_AUTOMOUNT'],
  [0x1000, 'AT_EMPTY_PATH'],
  [0x8000, 'AT_RECURSIVE'],
];
/** faccessat2's flags: 0x200 is AT_EACCESS there. */
export const ACCESS_AT_FLAGS: Xlat = [
  [0x100, 'AT_SYMLINK_NOFOLLOW'],
  [0x200, 'AT_EACCESS'],
  [0x1000, 'AT_EMPTY_PATH'],
];
export const STATX_AT_FLAGS: Xlat = [
  [0x100, 'AT_SYMLINK_NOFOLLOW'],
  [0x800, 'AT_NO_AUTOMOUNT'],
  [0x1000, 'AT_EMPTY_PATH'],
  [0x2000, 'AT_STATX_FORCE_SYNC'],
  [0x4000, 'AT_STATX_DONT_SYNC'],
];
export const STATX_MASK: Xlat = [
  [0x1, 'STATX_TYPE'],
  [0x2, 'STATX_MODE'],
  [0x4, 'STATX_NLINK'],
  [0x8, 'STATX_UID'],
  [0x10, 'STATX_GID'],
  [0x20, 'STATX_ATIME'],
  [0x40, 'STATX_MTIME'],
  [0x80, 'STATX_CTIME'],
  [0x100, 'STATX_INO'],
  [0x200, 'STATX_SIZE'],
  [0x400, 'STATX_BLOCKS'],
  [0x800, 'STATX_BTIME'],
  [0x1000, 'STATX_MNT_ID'],
  [0x2000, 'STATX_DIOALIGN'],
  [0x4000, 'STATX_MNT_ID_UNIQUE'],
];
export const STATX_BASIC_STATS = 0x7ff;

export const ACCESS_MODES: Xlat = [
  [4, 'R_OK'],
  [2, 'W_OK'],
  [1, 'X_OK'],
];

export const PROT_FLAGS: Xlat = [
  [0x1, 'PROT_READ'],
  [0x2, 'PROT_WRITE'],
  [0x4, 'PROT_EXEC'],
  [0x8, 'PROT_SEM'],
  [0x01000000, 'PROT_GROWSDOWN'],
  [0x02000000, 'PROT_GROWSUP'],
];

export const MAP_TYPES: Xlat = [
  [1, 'MAP_SHARED'],
  [2, 'MAP_PRIVATE'],
  [3, 'MAP_SHARED_VALIDATE'],
];
export const MAP_FLAGS: Xlat = [
  [0x10, 'MAP_FIXED'],
  [0x20, 'MAP_ANONYMOUS'],
  [0x100, 'MAP_GROWSDOWN'],
  [0x800, 'MAP_DENYWRITE'],
  [0x1000, 'MAP_EXECUTABLE'],
  [0x2000, 'MAP_LOCKED'],
  [0x4000, 'MAP_NORESERVE'],
  [0x8000, 'MAP_POPULATE'],
  [0x10000, 'MAP_NONBLOCK'],
  [0x20000, 'MAP_STACK'],
  [0x40000, 'MAP_HUGETLB'],
  [0x80000, 'MAP_SYNC'],
  [0x100000, 'MAP_FIXED_NOREPLACE'],
  [0x4000000, 'MAP_UNINITIALIZED'],
];
export const MREMAP_FLAGS: Xlat = [
  [1, 'MREMAP_MAYMOVE'],
  [2, 'MREMAP_FIXED'],
  [4, 'MREMAP_DONTUNMAP'],
];
export const MADVISE_ADVICE: Xlat = [
  [0, 'MADV_NORMAL'], [1, 'MADV_RANDOM'], [2, 'MADV_SEQUENTIAL'], [3, 'MADV_WILLNEED'], [4, 'MADV_DONTNEED'],
  [8, 'MADV_FREE'], [9, 'MADV_REMOVE'], [10, 'MADV_DONTFORK'], [11, 'MADV_DOFORK'], [12, 'MADV_MERGEABLE'],
  [13, 'MADV_UNMERGEABLE'], [14, 'MADV_HUGEPAGE'], [15, 'MADV_NOHUGEPAGE'], [16, 'MADV_DONTDUMP'], [17, 'MADV_DODUMP'],
  [18, 'MADV_WIPEONFORK'], [19, 'MADV_KEEPONFORK'], [20, 'MADV_COLD'], [21, 'MADV_PAGEOUT'], [22, 'MADV_POPULATE_READ'],
  [23, 'MADV_POPULATE_WRITE'], [24, 'MADV_DONTNEED_LOCKED'], [25, 'MADV_COLLAPSE'], [100, 'MADV_HWPOISON'], [101, 'MADV_SOFT_OFFLINE'],
];
export const FADVISE_ADVICE: Xlat = [
  [0, 'POSIX_FADV_NORMAL'], [1, 'POSIX_FADV_RANDOM'], [2, 'POSIX_FADV_SEQUENTIAL'], [3, 'POSIX_FADV_WILLNEED'],
  [4, 'POSIX_FADV_DONTNEED'], [5, 'POSIX_FADV_NOREUSE'],
];

export const FUTEX_CMDS: Xlat = [
  [0, 'FUTEX_WAIT'], [1, 'FUTEX_WAKE'], [2, 'FUTEX_FD'], [3, 'FUTEX_REQUEUE'], [4, 'FUTEX_CMP_REQUEUE'],
  [5, 'FUTEX_WAKE_OP'], [6, 'FUTEX_LOCK_PI'], [7, 'FUTEX_UNLOCK_PI'], [8, 'FUTEX_TRYLOCK_PI'],
  [9, 'FUTEX_WAIT_BITSET'], [10, 'FUTEX_WAKE_BITSET'], [11, 'FUTEX_WAIT_REQUEUE_PI'], [12, 'FUTEX_CMP_REQUEUE_PI'],
  [13, 'FUTEX_LOCK_PI2'],
];
export const FUTEX_PRIVATE_FLAG = 128;
export const FUTEX_CLOCK_REALTIME = 256;
export const FUTEX_OPS: readonly string[] = ['FUTEX_OP_SET', 'FUTEX_OP_ADD', 'FUTEX_OP_OR', 'FUTEX_OP_ANDN', 'FUTEX_OP_XOR'];
export const FUTEX_CMPS: readonly string[] = ['FUTEX_OP_CMP_EQ', 'FUTEX_OP_CMP_NE', 'FUTEX_OP_CMP_LT', 'FUTEX_OP_CMP_LE', 'FUTEX_OP_CMP_GT', 'FUTEX_OP_CMP_GE'];

export const CLOCKS: Xlat = [
  [0, 'CLOCK_REALTIME'], [1, 'CLOCK_MONOTONIC'], [2, 'CLOCK_PROCESS_CPUTIME_ID'], [3, 'CLOCK_THREAD_CPUTIME_ID'],
  [4, 'CLOCK_MONOTONIC_RAW'], [5, 'CLOCK_REALTIME_COARSE'], [6, 'CLOCK_MONOTONIC_COARSE'], [7, 'CLOCK_BOOTTIME'],
  [8, 'CLOCK_REALTIME_ALARM'], [9, 'CLOCK_BOOTTIME_ALARM'], [11, 'CLOCK_TAI'],
];
export const TIMER_FLAGS: Xlat = [[1, 'TIMER_ABSTIME']];
export const ITIMER_WHICH: Xlat = [[0, 'ITIMER_REAL'], [1, 'ITIMER_VIRTUAL'], [2, 'ITIMER_PROF']];
export const SIGEV_NOTIFY: Xlat = [[0, 'SIGEV_SIGNAL'], [1, 'SIGEV_NONE'], [2, 'SIGEV_THREAD'], [4, 'SIGEV_THREAD_ID']];

export const SIGPROCMASK_HOW: Xlat = [[0, 'SIG_BLOCK'], [1, 'SIG_UNBLOCK'], [2, 'SIG_SETMASK']];
export const SA_FLAGS: Xlat = [
  [0x1, 'SA_NOCLDSTOP'],
  [0x2, 'SA_NOCLDWAIT'],
  [0x4, 'SA_SIGINFO'],
  [0x04000000, 'SA_RESTORER'],
  [0x08000000, 'SA_ONSTACK'],
  [0x10000000, 'SA_RESTART'],
  [0x40000000, 'SA_NODEFER'],
  [0x80000000, 'SA_RESETHAND'],
];
export const SA_RESTORER = 0x04000000;
export const SS_FLAGS: Xlat = [[1, 'SS_ONSTACK'], [2, 'SS_DISABLE'], [0x80000000, 'SS_AUTODISARM']];

export const CLONE_FLAGS: Xlat = [
  [0x00000100, 'CLONE_VM'], [0x00000200, 'CLONE_FS'], [0x00000400, 'CLONE_FILES'], [0x00000800, 'CLONE_SIGHAND'],
  [0x00001000, 'CLONE_PIDFD'], [0x00002000, 'CLONE_PTRACE'], [0x00004000, 'CLONE_VFORK'], [0x00008000, 'CLONE_PARENT'],
  [0x00010000, 'CLONE_THREAD'], [0x00020000, 'CLONE_NEWNS'], [0x00040000, 'CLONE_SYSVSEM'], [0x00080000, 'CLONE_SETTLS'],
  [0x00100000, 'CLONE_PARENT_SETTID'], [0x00200000, 'CLONE_CHILD_CLEARTID'], [0x00400000, 'CLONE_DETACHED'],
  [0x00800000, 'CLONE_UNTRACED'], [0x01000000, 'CLONE_CHILD_SETTID'], [0x02000000, 'CLONE_NEWCGROUP'],
  [0x04000000, 'CLONE_NEWUTS'], [0x08000000, 'CLONE_NEWIPC'], [0x10000000, 'CLONE_NEWUSER'], [0x20000000, 'CLONE_NEWPID'],
  [0x40000000, 'CLONE_NEWNET'], [0x80000000, 'CLONE_IO'],
];

export const FCNTL_CMDS: Xlat = [
  [0, 'F_DUPFD'], [1, 'F_GETFD'], [2, 'F_SETFD'], [3, 'F_GETFL'], [4, 'F_SETFL'], [5, 'F_GETLK'], [6, 'F_SETLK'],
  [7, 'F_SETLKW'], [8, 'F_SETOWN'], [9, 'F_GETOWN'], [10, 'F_SETSIG'], [11, 'F_GETSIG'], [15, 'F_SETOWN_EX'],
  [16, 'F_GETOWN_EX'], [36, 'F_OFD_GETLK'], [37, 'F_OFD_SETLK'], [38, 'F_OFD_SETLKW'], [1024, 'F_SETLEASE'],
  [1025, 'F_GETLEASE'], [1026, 'F_NOTIFY'], [1030, 'F_DUPFD_CLOEXEC'], [1031, 'F_SETPIPE_SZ'], [1032, 'F_GETPIPE_SZ'],
  [1033, 'F_ADD_SEALS'], [1034, 'F_GET_SEALS'],
];
export const FD_FLAGS: Xlat = [[1, 'FD_CLOEXEC']];
export const LOCK_TYPES: Xlat = [[0, 'F_RDLCK'], [1, 'F_WRLCK'], [2, 'F_UNLCK']];
export const SEEK_WHENCE: Xlat = [[0, 'SEEK_SET'], [1, 'SEEK_CUR'], [2, 'SEEK_END'], [3, 'SEEK_DATA'], [4, 'SEEK_HOLE']];
export const FLOCK_OPS: Xlat = [[1, 'LOCK_SH'], [2, 'LOCK_EX'], [4, 'LOCK_NB'], [8, 'LOCK_UN']];

export const IOCTLS: Xlat = [
  [0x5401, 'TCGETS'], [0x5402, 'TCSETS'], [0x5403, 'TCSETSW'], [0x5404, 'TCSETSF'], [0x540e, 'TIOCSCTTY'],
  [0x540f, 'TIOCGPGRP'], [0x5410, 'TIOCSPGRP'], [0x5413, 'TIOCGWINSZ'], [0x5414, 'TIOCSWINSZ'], [0x541b, 'FIONREAD'],
  [0x5421, 'FIONBIO'], [0x5450, 'FIONCLEX'], [0x5451, 'FIOCLEX'], [0x5452, 'FIOASYNC'],
];

export const POLL_EVENTS: Xlat = [
  [0x1, 'POLLIN'], [0x2, 'POLLPRI'], [0x4, 'POLLOUT'], [0x8, 'POLLERR'], [0x10, 'POLLHUP'], [0x20, 'POLLNVAL'],
  [0x40, 'POLLRDNORM'], [0x80, 'POLLRDBAND'], [0x100, 'POLLWRNORM'], [0x200, 'POLLWRBAND'], [0x400, 'POLLMSG'],
  [0x2000, 'POLLRDHUP'],
];

export const RENAME_FLAGS: Xlat = [[1, 'RENAME_NOREPLACE'], [2, 'RENAME_EXCHANGE'], [4, 'RENAME_WHITEOUT']];
export const FALLOC_FLAGS: Xlat = [
  [0x1, 'FALLOC_FL_KEEP_SIZE'], [0x2, 'FALLOC_FL_PUNCH_HOLE'], [0x4, 'FALLOC_FL_NO_HIDE_STALE'],
  [0x8, 'FALLOC_FL_COLLAPSE_RANGE'], [0x10, 'FALLOC_FL_ZERO_RANGE'], [0x20, 'FALLOC_FL_INSERT_RANGE'],
  [0x40, 'FALLOC_FL_UNSHARE_RANGE'],
];
export const RWF_FLAGS: Xlat = [[1, 'RWF_HIPRI'], [2, 'RWF_DSYNC'], [4, 'RWF_SYNC'], [8, 'RWF_NOWAIT'], [0x10, 'RWF_APPEND']];
export const CLOSE_RANGE_FLAGS: Xlat = [[2, 'CLOSE_RANGE_UNSHARE'], [4, 'CLOSE_RANGE_CLOEXEC']];
export const GRND_FLAGS: Xlat = [[1, 'GRND_NONBLOCK'], [2, 'GRND_RANDOM'], [4, 'GRND_INSECURE']];
export const PIPE_FLAGS: Xlat = [[0o4000, 'O_NONBLOCK'], [0o40000, 'O_DIRECT'], [0o2000000, 'O_CLOEXEC']];
/** epoll_create1's flags. */
export const EPOLL_CREATE_FLAGS: Xlat = [[0o2000000, 'EPOLL_CLOEXEC']];
/** epoll_ctl's operations. */
export const EPOLL_CTL_OPS: Xlat = [[1, 'EPOLL_CTL_ADD'], [2, 'EPOLL_CTL_DEL'], [3, 'EPOLL_CTL_MOD']];
/** struct epoll_event's events, in strace's order. */
export const EPOLL_EVENTS: Xlat = [
  [0x1, 'EPOLLIN'], [0x2, 'EPOLLPRI'], [0x4, 'EPOLLOUT'], [0x40, 'EPOLLRDNORM'], [0x80, 'EPOLLRDBAND'],
  [0x100, 'EPOLLWRNORM'], [0x200, 'EPOLLWRBAND'], [0x400, 'EPOLLMSG'], [0x8, 'EPOLLERR'], [0x10, 'EPOLLHUP'],
  [0x2000, 'EPOLLRDHUP'], [1 << 28, 'EPOLLEXCLUSIVE'], [1 << 29, 'EPOLLWAKEUP'], [1 << 30, 'EPOLLONESHOT'], [2 ** 31, 'EPOLLET'],
];
/** eventfd2's flags. */
export const EFD_FLAGS: Xlat = [[1, 'EFD_SEMAPHORE'], [0o4000, 'EFD_NONBLOCK'], [0o2000000, 'EFD_CLOEXEC']];
export const DUP3_FLAGS: Xlat = [[0o2000000, 'O_CLOEXEC']];

export const RLIMITS: Xlat = [
  [0, 'RLIMIT_CPU'], [1, 'RLIMIT_FSIZE'], [2, 'RLIMIT_DATA'], [3, 'RLIMIT_STACK'], [4, 'RLIMIT_CORE'], [5, 'RLIMIT_RSS'],
  [6, 'RLIMIT_NPROC'], [7, 'RLIMIT_NOFILE'], [8, 'RLIMIT_MEMLOCK'], [9, 'RLIMIT_AS'], [10, 'RLIMIT_LOCKS'],
  [11, 'RLIMIT_SIGPENDING'], [12, 'RLIMIT_MSGQUEUE'], [13, 'RLIMIT_NICE'], [14, 'RLIMIT_RTPRIO'], [15, 'RLIMIT_RTTIME'],
];
export const RUSAGE_WHO: Xlat = [[0, 'RUSAGE_SELF'], [-1, 'RUSAGE_CHILDREN'], [1, 'RUSAGE_THREAD']];
export const PRCTL_OPTIONS: Xlat = [
  [1, 'PR_SET_PDEATHSIG'], [2, 'PR_GET_PDEATHSIG'], [3, 'PR_GET_DUMPABLE'], [4, 'PR_SET_DUMPABLE'],
  [15, 'PR_SET_NAME'], [16, 'PR_GET_NAME'], [22, 'PR_SET_SECCOMP'], [38, 'PR_SET_NO_NEW_PRIVS'],
  [39, 'PR_GET_NO_NEW_PRIVS'], [0x53564d41, 'PR_SET_VMA'],
];
export const MEMBARRIER_CMDS: Xlat = [
  [0, 'MEMBARRIER_CMD_QUERY'], [1, 'MEMBARRIER_CMD_GLOBAL'], [2, 'MEMBARRIER_CMD_GLOBAL_EXPEDITED'],
  [4, 'MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED'], [8, 'MEMBARRIER_CMD_PRIVATE_EXPEDITED'],
  [16, 'MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED'], [32, 'MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE'],
  [64, 'MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE'], [128, 'MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ'],
  [256, 'MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ'],
];
export const HWPROBE_KEYS: Xlat = [
  [0, 'RISCV_HWPROBE_KEY_MVENDORID'], [1, 'RISCV_HWPROBE_KEY_MARCHID'], [2, 'RISCV_HWPROBE_KEY_MIMPID'],
  [3, 'RISCV_HWPROBE_KEY_BASE_BEHAVIOR'], [4, 'RISCV_HWPROBE_KEY_IMA_EXT_0'], [5, 'RISCV_HWPROBE_KEY_CPUPERF_0'],
  [6, 'RISCV_HWPROBE_KEY_ZICBOZ_BLOCK_SIZE'], [7, 'RISCV_HWPROBE_KEY_HIGHEST_VIRT_ADDRESS'],
  [8, 'RISCV_HWPROBE_KEY_TIME_CSR_FREQ'], [9, 'RISCV_HWPROBE_KEY_MISALIGNED_SCALAR_PERF'],
];

/** File types of st_mode (S_IFMT bits). */
export const FILE_TYPES: Xlat = [
  [0o140000, 'S_IFSOCK'], [0o120000, 'S_IFLNK'], [0o100000, 'S_IFREG'], [0o60000, 'S_IFBLK'],
  [0o40000, 'S_IFDIR'], [0o20000, 'S_IFCHR'], [0o10000, 'S_IFIFO'],
];
export const MODE_SPECIAL: Xlat = [[0o4000, 'S_ISUID'], [0o2000, 'S_ISGID'], [0o1000, 'S_ISVTX']];

export const FS_MAGICS: Xlat = [
  [0x01021994, 'TMPFS_MAGIC'], [0x9fa0, 'PROC_SUPER_MAGIC'], [0x62656572, 'SYSFS_MAGIC'], [0xef53, 'EXT2_SUPER_MAGIC'],
  [0x1373, 'DEVFS_SUPER_MAGIC'], [0x858458f6, 'RAMFS_MAGIC'], [0x794c7630, 'OVERLAYFS_SUPER_MAGIC'],
  [0x9123683e, 'BTRFS_SUPER_MAGIC'], [0x58465342, 'XFS_SUPER_MAGIC'], [0x50495045, 'PIPEFS_MAGIC'],
];
export const STATFS_FLAGS: Xlat = [
  [0x1, 'ST_RDONLY'], [0x2, 'ST_NOSUID'], [0x4, 'ST_NODEV'], [0x8, 'ST_NOEXEC'], [0x10, 'ST_SYNCHRONOUS'],
  [0x20, 'ST_VALID'], [0x40, 'ST_MANDLOCK'], [0x400, 'ST_NOATIME'], [0x800, 'ST_NODIRATIME'], [0x1000, 'ST_RELATIME'],
];

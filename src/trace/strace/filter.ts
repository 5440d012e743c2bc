/**
 * strace's `-e trace=EXPR` selection, for `--trace-filter`: a comma-separated list of
 * syscall names and classes (%file, %desc, %memory, %process, %signal, %ipc, %clock, and
 * strace's %stat, %lstat, %fstat, %%stat, %statfs, %fstatfs, %%statfs, %creds, %pure),
 * `all` or `none`, optionally negated as a whole with a leading `!`. A `/regex` element
 * matches names by regular expression, and `?name` is a name that may be unknown.
 */
import { ZeroOSError, EXIT_CODES } from '../../errors.js';
import { SYSCALL_NUMBERS } from '../../kernel/syscall/numbers.js';

/** A --trace-filter expression that does not parse or names no syscall: a usage error (64). */
export class TraceFilterError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
}

/*
 * strace's class membership (its syscallent tables: TF, TD, TM, TP, TS, TI, TCL, ...),
 * restricted to the syscalls riscv64 has. A syscall may be in several classes.
 */
const FILE = [
  'setxattr', 'lsetxattr', 'getxattr', 'lgetxattr', 'listxattr', 'llistxattr', 'removexattr', 'lremovexattr',
  'getcwd', 'inotify_add_watch', 'mknodat', 'mkdirat', 'unlinkat', 'symlinkat', 'linkat', 'umount2', 'mount',
  'pivot_root', 'statfs', 'truncate', 'faccessat', 'chdir', 'chroot', 'fchmodat', 'fchownat', 'openat', 'quotactl',
  'readlinkat', 'newfstatat', 'utimensat', 'acct', 'swapon', 'swapoff', 'execve', 'fanotify_mark', 'name_to_handle_at',
  'renameat2', 'execveat', 'statx', 'open_tree', 'move_mount', 'fsconfig', 'fspick', 'openat2', 'faccessat2',
  'mount_setattr', 'landlock_create_ruleset', 'fchmodat2', 'statmount', 'listmount',
];
const DESC = [
  'fsetxattr', 'fgetxattr', 'flistxattr', 'fremovexattr', 'eventfd2', 'epoll_create1', 'epoll_ctl', 'epoll_pwait',
  'dup', 'dup3', 'fcntl', 'inotify_init1', 'inotify_add_watch', 'inotify_rm_watch', 'ioctl', 'flock', 'mknodat',
  'mkdirat', 'unlinkat', 'symlinkat', 'linkat', 'fstatfs', 'ftruncate', 'fallocate', 'faccessat', 'fchdir', 'fchmod',
  'fchmodat', 'fchownat', 'fchown', 'openat', 'close', 'pipe2', 'getdents64', 'lseek', 'read', 'write', 'readv',
  'writev', 'pread64', 'pwrite64', 'preadv', 'pwritev', 'sendfile', 'pselect6', 'ppoll', 'signalfd4', 'vmsplice',
  'splice', 'tee', 'readlinkat', 'newfstatat', 'fstat', 'fsync', 'fdatasync', 'sync_file_range', 'timerfd_create',
  'timerfd_settime', 'timerfd_gettime', 'utimensat', 'fadvise64', 'mmap', 'fanotify_init', 'fanotify_mark',
  'name_to_handle_at', 'open_by_handle_at', 'syncfs', 'setns', 'finit_module', 'renameat2', 'memfd_create', 'bpf',
  'execveat', 'userfaultfd', 'copy_file_range', 'preadv2', 'pwritev2', 'statx', 'pidfd_send_signal', 'io_uring_setup',
  'io_uring_enter', 'io_uring_register', 'open_tree', 'move_mount', 'fsopen', 'fsconfig', 'fsmount', 'fspick',
  'pidfd_open', 'close_range', 'openat2', 'pidfd_getfd', 'faccessat2', 'epoll_pwait2', 'mount_setattr',
  'landlock_create_ruleset', 'landlock_add_rule', 'landlock_restrict_self', 'memfd_secret', 'fchmodat2',
  'socket', 'socketpair', 'bind', 'listen', 'accept', 'accept4', 'connect', 'getsockname', 'getpeername', 'sendto',
  'recvfrom', 'setsockopt', 'getsockopt', 'shutdown', 'sendmsg', 'recvmsg', 'sendmmsg', 'recvmmsg', 'readahead',
  'fstatfs', 'cachestat', 'map_shadow_stack',
];
const MEMORY = [
  'brk', 'munmap', 'mremap', 'mmap', 'mprotect', 'msync', 'mlock', 'munlock', 'mlockall', 'munlockall', 'mincore',
  'madvise', 'remap_file_pages', 'mbind', 'get_mempolicy', 'set_mempolicy', 'migrate_pages', 'move_pages',
  'mlock2', 'pkey_mprotect', 'set_mempolicy_home_node', 'process_madvise', 'process_mrelease', 'map_shadow_stack',
  'mseal', 'shmat', 'shmdt', 'io_setup', 'io_destroy',
];
const PROCESS = [
  'exit', 'exit_group', 'waitid', 'kill', 'tkill', 'tgkill', 'clone', 'clone3', 'execve', 'execveat', 'wait4',
  'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'pidfd_send_signal', 'unshare',
];
const SIGNAL = [
  'kill', 'tkill', 'tgkill', 'sigaltstack', 'rt_sigsuspend', 'rt_sigaction', 'rt_sigprocmask', 'rt_sigpending',
  'rt_sigtimedwait', 'rt_sigqueueinfo', 'rt_sigreturn', 'rt_tgsigqueueinfo', 'signalfd4', 'pidfd_send_signal',
];
const IPC = ['msgget', 'msgctl', 'msgrcv', 'msgsnd', 'semget', 'semctl', 'semtimedop', 'semop', 'shmget', 'shmctl', 'shmat', 'shmdt'];
const CLOCK = ['clock_adjtime', 'clock_getres', 'clock_gettime', 'clock_settime', 'gettimeofday', 'settimeofday', 'adjtimex'];
const NETWORK = [
  'socket', 'socketpair', 'bind', 'listen', 'accept', 'accept4', 'connect', 'getsockname', 'getpeername', 'sendto',
  'recvfrom', 'setsockopt', 'getsockopt', 'shutdown', 'sendmsg', 'recvmsg', 'sendmmsg', 'recvmmsg',
];
const CREDS = [
  'setregid', 'setgid', 'setreuid', 'setuid', 'setresuid', 'getresuid', 'setresgid', 'getresgid', 'setfsuid',
  'setfsgid', 'setgroups', 'getgroups', 'getuid', 'geteuid', 'getgid', 'getegid', 'capget', 'capset', 'prctl',
];
const PURE = ['getpid', 'getppid', 'gettid', 'getuid', 'geteuid', 'getgid', 'getegid', 'getpgid', 'getsid', 'sched_yield'];

/** The classes `--trace-filter` knows, with their members. */
export const SYSCALL_CLASSES: Readonly<Record<string, readonly string[]>> = {
  file: FILE,
  desc: DESC,
  memory: MEMORY,
  process: PROCESS,
  signal: SIGNAL,
  ipc: IPC,
  clock: CLOCK,
  network: NETWORK,
  net: NETWORK,
  creds: CREDS,
  pure: PURE,
  // riscv64 has no stat or lstat: only the fstat family.
  stat: [],
  lstat: [],
  fstat: ['fstat', 'newfstatat', 'statx'],
  '%stat': ['fstat', 'newfstatat', 'statx'],
  statfs: ['statfs'],
  fstatfs: ['fstatfs'],
  '%statfs': ['statfs', 'fstatfs'],
};

const KNOWN = new Set(Object.keys(SYSCALL_NUMBERS));

/** Which syscalls a --trace-filter selects. */
export interface SyscallFilter {
  matches(name: string): boolean;
  /** The expression as given. */
  readonly expression: string;
}

/**
 * Parses strace's trace= syntax. Throws TraceFilterError on an unknown name or class, an
 * invalid regular expression or an empty element.
 */
export function parseTraceFilter(expression: string): SyscallFilter {
  let text = expression.trim();
  if (text.startsWith('trace=')) text = text.slice(6);
  let negate = false;
  while (text.startsWith('!')) {
    negate = !negate;
    text = text.slice(1);
  }
  if (text === '') throw new TraceFilterError(`--trace-filter "${expression}" selects nothing (expected names or classes such as open,%file)`);
  const names = new Set<string>();
  const patterns: RegExp[] = [];
  let all = false;
  for (const raw of text.split(',')) {
    const element = raw.trim();
    if (element === '') throw new TraceFilterError(`--trace-filter "${expression}" has an empty element`);
    if (element === 'all') {
      all = true;
    } else if (element === 'none') {
      // selects nothing
    } else if (element.startsWith('%')) {
      const members = SYSCALL_CLASSES[element.slice(1)];
      if (members === undefined) {
        throw new TraceFilterError(`--trace-filter: unknown class "${element}" (known: ${Object.keys(SYSCALL_CLASSES).map((c) => `%${c}`).join(' ')})`);
      }
      for (const name of members) names.add(name);
    } else if (element.startsWith('/')) {
      try {
        patterns.push(new RegExp(element.slice(1)));
      } catch (error) {
        throw new TraceFilterError(`--trace-filter: "${element}" is not a regular expression: ${(error as Error).message}`);
      }
    } else if (element.startsWith('?')) {
      names.add(element.slice(1));
    } else {
      if (!KNOWN.has(element)) throw new TraceFilterError(`--trace-filter: "${element}" is not a riscv64 Linux syscall`);
      names.add(element);
    }
  }
  const selected = (name: string) => all || names.has(name) || patterns.some((p) => p.test(name));
  return { expression, matches: (name) => selected(name) !== negate };
}

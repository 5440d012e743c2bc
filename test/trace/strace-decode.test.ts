import { describe, expect, it } from 'vitest';
import { PagedMemory } from '../../src/arch/memory/paged-memory.js';
import { PERM_R, PERM_RW } from '../../src/arch/memory/types.js';
import { decodedSyscalls, flags, formatError, memoryView, mmapFlags, openFlags, quote, sigset, SyscallDecoder } from '../../src/trace/strace/decode.js';
import { PROT_FLAGS } from '../../src/trace/strace/constants.js';
import { createKernel } from '../../src/zeroos.js';
import { SYSCALL_TABLE } from '../../src/kernel/tokens.js';

const BASE = 0x10000;
const enc = (s: string) => new TextEncoder().encode(s);

function guest() {
  const memory = new PagedMemory();
  memory.map(BASE, 0x4000, PERM_RW, 'data');
  memory.map(BASE + 0x4000, 0x1000, 0, 'guard'); // PROT_NONE
  memory.map(BASE + 0x5000, 0x1000, PERM_R, 'ro');
  const decoder = new SyscallDecoder(memoryView(memory));
  const put = (address: number, bytes: Uint8Array | string) => memory.poke(address, typeof bytes === 'string' ? enc(bytes) : bytes);
  const u64 = (address: number, values: (bigint | number)[]) => {
    const bytes = new Uint8Array(values.length * 8);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setBigUint64(i * 8, BigInt.asUintN(64, BigInt(v)), true));
    put(address, bytes);
  };
  return { memory, decoder, put, u64 };
}
const args = (...values: (number | bigint)[]) => [...values.map((v) => BigInt.asUintN(64, BigInt(v))), 0n, 0n, 0n, 0n, 0n, 0n].slice(0, 6);

describe('strace decoders over guest memory', () => {
  it('should quote strings with C escapes and octal for other bytes, a digit after one widening it to three', () => {
    expect(quote(enc('a"b\\c\n\t\r'), 32)).toBe('"a\\"b\\\\c\\n\\t\\r"');
    expect(quote(new Uint8Array([0, 0x31, 0, 0x41, 0xff, 0x7f]), 32)).toBe('"\\0001\\0A\\377\\177"');
  });

  it('should cut strings and buffers at 32 bytes with ... after the quote', () => {
    const { decoder, put } = guest();
    const long = 'abcdefghijklmnopqrstuvwxyz0123456789';
    put(BASE, long);
    expect(decoder.line('write', args(1, BASE, 36), 36n)).toBe('write(1, "abcdefghijklmnopqrstuvwxyz012345"..., 36) = 36');
    expect(decoder.line('write', args(1, BASE, 32), 32n)).toBe('write(1, "abcdefghijklmnopqrstuvwxyz012345", 32) = 32');
    // A C string without its NUL within 32 bytes (prctl's name) is cut too.
    expect(decoder.line('prctl', args(15, BASE), 0n)).toBe('prctl(PR_SET_NAME, "abcdefghijklmnopqrstuvwxyz012345"...) = 0');
  });

  it('should print whole paths (strace uses PATH_MAX for them, not -s)', () => {
    const { decoder, put } = guest();
    const path = '/a/very/long/path/that/goes/on/for/more/than/thirty-two/bytes.txt';
    put(BASE, path + '\0');
    expect(decoder.line('openat', args(-100, BASE, 0o2000000), 3n)).toBe(`openat(AT_FDCWD, "${path}", O_RDONLY|O_CLOEXEC) = 3`);
  });

  it('should print NULL for a null pointer and the address for one it cannot read, without faulting', () => {
    const { decoder, memory } = guest();
    const resident = memory.residentPages;
    expect(decoder.line('openat', args(-100, 0, 0), -14n)).toBe('openat(AT_FDCWD, NULL, O_RDONLY) = -1 EFAULT (Bad address)');
    expect(decoder.line('openat', args(3, 0xdead0000, 0), -14n)).toBe('openat(3, 0xdead0000, O_RDONLY) = -1 EFAULT (Bad address)');
    expect(decoder.line('write', args(1, BASE + 0x4000, 4), -14n)).toBe('write(1, 0x14000, 4) = -1 EFAULT (Bad address)');
    expect(decoder.line('write', args(1, 2n ** 63n, 4), -14n)).toBe('write(1, 0x8000000000000000, 4) = -1 EFAULT (Bad address)');
    // A buffer that runs into an unreadable page is shown by its address too.
    expect(decoder.line('write', args(1, BASE + 0x3ffe, 4), -14n)).toBe('write(1, 0x13ffe, 4) = -1 EFAULT (Bad address)');
    // A path in a read-only page reads; a read into it failed: the output is its address.
    // Decoding reads without making the host hold pages.
    expect(memory.residentPages).toBe(resident);
    memory.poke(BASE + 0x5000, enc('/ro\0'));
    expect(decoder.line('chdir', args(BASE + 0x5000), 0n)).toBe('chdir("/ro") = 0');
    expect(decoder.line('read', args(0, BASE + 0x5000, 8), -14n)).toBe('read(0, 0x15000, 8) = -1 EFAULT (Bad address)');
  });

  it('should print flags by name, unknown bits in hex at the end', () => {
    expect(openFlags(0o2 | 0o100 | 0o1000 | 0x40000000)).toBe('O_RDWR|O_CREAT|O_TRUNC|0x40000000');
    expect(openFlags(0o4010000)).toBe('O_RDONLY|O_SYNC');
    expect(openFlags(0o20200002)).toBe('O_RDWR|O_TMPFILE');
    expect(flags(0, PROT_FLAGS, 'PROT_NONE')).toBe('PROT_NONE');
    expect(flags(0x7 | 0x100, PROT_FLAGS)).toBe('PROT_READ|PROT_WRITE|PROT_EXEC|0x100');
    expect(mmapFlags(0x22 | 0x20000)).toBe('MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK');
    expect(mmapFlags(0x3)).toBe('MAP_SHARED_VALIDATE');
  });

  it('should give the mode of openat only when it creates', () => {
    const { decoder, put } = guest();
    put(BASE, 'f\0');
    expect(decoder.line('openat', args(-100, BASE, 0o1101, 0o644), 3n)).toBe('openat(AT_FDCWD, "f", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3');
    expect(decoder.line('openat', args(-100, BASE, 0o1, 0o644), 3n)).toBe('openat(AT_FDCWD, "f", O_WRONLY) = 3');
  });

  it('should print futex operations, timeouts and bitsets as strace does', () => {
    const { decoder, u64 } = guest();
    u64(BASE + 0x100, [1, 500]);
    expect(decoder.line('futex', args(BASE, 128, 5, BASE + 0x100), -110n)).toBe(
      'futex(0x10000, FUTEX_WAIT_PRIVATE, 5, {tv_sec=1, tv_nsec=500}) = -1 ETIMEDOUT (Connection timed out)',
    );
    expect(decoder.line('futex', args(BASE, 1, 1), 0n)).toBe('futex(0x10000, FUTEX_WAKE, 1) = 0');
    expect(decoder.line('futex', args(BASE, 9 | 128 | 256, 0, BASE + 0x100, 0, 0xffffffff), 0n)).toBe(
      'futex(0x10000, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, {tv_sec=1, tv_nsec=500}, FUTEX_BITSET_MATCH_ANY) = 0',
    );
    expect(decoder.line('futex', args(BASE, 4 | 128, 1, 2, BASE + 8, 7), 1n)).toBe('futex(0x10000, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2, 0x10008, 7) = 1');
  });

  it('should print clocks, signals and signal sets by name', () => {
    const { decoder, u64 } = guest();
    u64(BASE, [(1n << 1n) | (1n << 14n)]);
    expect(decoder.line('rt_sigprocmask', args(0, BASE, 0, 8), 0n)).toBe('rt_sigprocmask(SIG_BLOCK, [INT TERM], NULL, 8) = 0');
    expect(decoder.line('rt_sigprocmask', args(0, BASE, 0, 16), -22n)).toBe('rt_sigprocmask(SIG_BLOCK, 0x10000, NULL, 16) = -1 EINVAL (Invalid argument)');
    expect(sigset(~0n)).toBe('~[]');
    expect(sigset(0n)).toBe('[]');
    expect(sigset(~(1n << 8n))).toBe('~[KILL]');
    expect(decoder.line('tgkill', args(1, 2, 15), 0n)).toBe('tgkill(1, 2, SIGTERM) = 0');
    expect(decoder.line('clock_gettime', args(1, BASE + 0x40), 0n)).toBe('clock_gettime(CLOCK_MONOTONIC, {tv_sec=0, tv_nsec=0}) = 0');
    expect(decoder.line('clock_nanosleep', args(7, 1, BASE + 0x40, 0), 0n)).toBe('clock_nanosleep(CLOCK_BOOTTIME, TIMER_ABSTIME, {tv_sec=0, tv_nsec=0}, NULL) = 0');
  });

  it('should decode output arguments at exit: read\'s bytes, fstat\'s struct, pipe2\'s fds, sigaction', () => {
    const { decoder, put, memory } = guest();
    const read = decoder.enter('read', args(3, BASE, 100));
    expect(read.head).toBe('read(3, ');
    put(BASE, 'hi\n');
    expect(read.exit(3n)).toEqual({ tail: '"hi\\n", 100)', result: '3' });
    expect(decoder.enter('read', args(3, BASE, 100)).exit(-11n)).toEqual({ tail: '0x10000, 100)', result: '-1 EAGAIN (Resource temporarily unavailable)' });
    // struct stat: st_mode at +16, st_size at +48, st_rdev at +32.
    const stat = new Uint8Array(128);
    const view = new DataView(stat.buffer);
    view.setUint32(16, 0o100644, true);
    view.setBigInt64(48, 123n, true);
    put(BASE + 0x200, stat);
    expect(decoder.line('fstat', args(3, BASE + 0x200), 0n)).toBe('fstat(3, {st_mode=S_IFREG|0644, st_size=123, ...}) = 0');
    view.setUint32(16, 0o20620, true);
    view.setBigUint64(32, 0x8801n, true);
    put(BASE + 0x200, stat);
    expect(decoder.line('fstat', args(1, BASE + 0x200), 0n)).toBe('fstat(1, {st_mode=S_IFCHR|0620, st_rdev=makedev(0x88, 0x1), ...}) = 0');
    memory.writeU32(BASE + 0x300, 3);
    memory.writeU32(BASE + 0x304, 4);
    expect(decoder.line('pipe2', args(BASE + 0x300, 0o2000000), 0n)).toBe('pipe2([3, 4], O_CLOEXEC) = 0');
    // struct sigaction with SA_RESTORER: handler, flags, restorer, mask.
    const act = new Uint8Array(32);
    const a = new DataView(act.buffer);
    a.setBigUint64(0, 1n, true);
    a.setBigUint64(8, 0x04000000n | 0x10000000n, true);
    a.setBigUint64(16, 0x1234n, true);
    a.setBigUint64(24, 1n << 9n, true);
    put(BASE + 0x400, act);
    expect(decoder.line('rt_sigaction', args(2, BASE + 0x400, 0, 8), 0n)).toBe(
      'rt_sigaction(SIGINT, {sa_handler=SIG_IGN, sa_mask=[USR1], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x1234}, NULL, 8) = 0',
    );
  });

  it('should decode iovecs, pollfds with the ready ones after the result, and fd sets', () => {
    const { decoder, put, u64, memory } = guest();
    put(BASE + 0x100, 'hello');
    put(BASE + 0x200, '\n');
    u64(BASE, [BASE + 0x100, 5, BASE + 0x200, 1]);
    expect(decoder.line('writev', args(1, BASE, 2), 6n)).toBe('writev(1, [{iov_base="hello", iov_len=5}, {iov_base="\\n", iov_len=1}], 2) = 6');
    // readv shows only what was read.
    expect(decoder.line('readv', args(0, BASE, 2), 3n)).toBe('readv(0, [{iov_base="hel", iov_len=5}, {iov_base="", iov_len=1}], 2) = 3');
    memory.writeU32(BASE + 0x300, 3);
    memory.writeU16(BASE + 0x304, 1);
    memory.writeU16(BASE + 0x306, 1 | 0x10);
    memory.writeU32(BASE + 0x308, 4);
    memory.writeU16(BASE + 0x30c, 4);
    memory.writeU16(BASE + 0x30e, 0);
    expect(decoder.line('ppoll', args(BASE + 0x300, 2, 0, 0, 8), 1n)).toBe(
      'ppoll([{fd=3, events=POLLIN}, {fd=4, events=POLLOUT}], 2, NULL, NULL, 8) = 1 ([{fd=3, revents=POLLIN|POLLHUP}])',
    );
    expect(decoder.line('ppoll', args(BASE + 0x300, 2, 0, 0, 8), 0n)).toBe('ppoll([{fd=3, events=POLLIN}, {fd=4, events=POLLOUT}], 2, NULL, NULL, 8) = 0 (Timeout)');
    memory.writeU64(BASE + 0x400, (1n << 3n) | (1n << 5n));
    expect(decoder.line('pselect6', args(6, BASE + 0x400, 0, 0, 0, 0), 2n)).toBe('pselect6(6, [3 5], NULL, NULL, NULL, NULL) = 2 (in [3 5])');
  });

  it('should print errno names and messages, and hex results for addresses', () => {
    expect(formatError(2)).toBe('-1 ENOENT (No such file or directory)');
    expect(formatError(110)).toBe('-1 ETIMEDOUT (Connection timed out)');
    expect(formatError(4000)).toBe('-1 (errno 4000)');
    const { decoder } = guest();
    expect(decoder.line('mmap', args(0, 4096, 3, 0x22, -1, 0), 0x7f0000n)).toBe('mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000');
    expect(decoder.line('mmap', args(0, 4096, 3, 0x22, -1, 0x2000), -12n)).toBe('mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0x2000) = -1 ENOMEM (Cannot allocate memory)');
    expect(decoder.line('exit_group', args(3), undefined)).toBe('exit_group(3) = ?');
    expect(decoder.line('umask', args(0o22), 0o77n)).toBe('umask(022) = 077');
    expect(decoder.line('mkdirat', args(-100, 0, 0), -14n)).toBe('mkdirat(AT_FDCWD, NULL, 000) = -1 EFAULT (Bad address)');
    // A syscall without a decoder of its own shows its registers.
    expect(decoder.line('io_uring_setup', args(1, 2), -38n)).toBe('io_uring_setup(0x1, 0x2, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)');
  });

  it('should split a blocking call into the entry part and the resumed part', () => {
    const { decoder, put } = guest();
    const futex = decoder.enter('futex', args(BASE, 128, 0, 0));
    expect(`${futex.head} <unfinished ...>`).toBe('futex(0x10000, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>');
    expect(futex.exit(0n)).toEqual({ tail: ')', result: '0' });
    const read = decoder.enter('read', args(5, BASE, 10));
    expect(`${read.head} <unfinished ...>`).toBe('read(5,  <unfinished ...>');
    put(BASE, 'data');
    const exit = read.exit(4n);
    expect(`<... read resumed>${exit.tail} = ${exit.result}`).toBe('<... read resumed>"data", 10) = 4');
  });

  it('should have a decoder for every syscall ZeroOS serves', () => {
    const table = createKernel().container.get(SYSCALL_TABLE);
    const served = table.entries().filter((e) => e.support !== 'missing').map((e) => e.name);
    const decoded = new Set(decodedSyscalls());
    expect(served.filter((name) => !decoded.has(name))).toEqual([]);
    expect(served.length).toBeGreaterThan(100);
  });
});

/**
 * strace's rendering of syscall arguments and results, per syscall, reading guest memory
 * read-only. A pointer that cannot be read prints as its address (as strace does), so
 * decoding never faults the run; output arguments (read's buffer, fstat's struct) are
 * decoded when the call returns, and on a failed call they print as addresses.
 */
import { MemoryFault, type GuestMemory } from '../../arch/memory/types.js';
import {
  ACCESS_AT_FLAGS,
  ACCESS_MODES,
  AT_FDCWD,
  AT_FLAGS,
  CLOCKS,
  CLONE_FLAGS,
  CLOSE_RANGE_FLAGS,
  DUP3_FLAGS,
  EFD_FLAGS,
  EPOLL_CREATE_FLAGS,
  EPOLL_CTL_OPS,
  EPOLL_EVENTS,
  FADVISE_ADVICE,
  FALLOC_FLAGS,
  FCNTL_CMDS,
  FD_FLAGS,
  FILE_TYPES,
  FLOCK_OPS,
  FS_MAGICS,
  FUTEX_CLOCK_REALTIME,
  FUTEX_CMDS,
  FUTEX_CMPS,
  FUTEX_OPS,
  FUTEX_PRIVATE_FLAG,
  GRND_FLAGS,
  HWPROBE_KEYS,
  IOCTLS,
  ITIMER_WHICH,
  LOCK_TYPES,
  MADVISE_ADVICE,
  MAP_FLAGS,
  MAP_TYPES,
  MEMBARRIER_CMDS,
  MODE_SPECIAL,
  MREMAP_FLAGS,
  O_CREAT,
  O_TMPFILE,
  OPEN_ACCESS,
  OPEN_FLAGS,
  PIPE_FLAGS,
  POLL_EVENTS,
  PRCTL_OPTIONS,
  PROT_FLAGS,
  RENAME_FLAGS,
  RLIMITS,
  RUSAGE_WHO,
  RWF_FLAGS,
  SA_FLAGS,
  SA_RESTORER,
  SEEK_WHENCE,
  SIGEV_NOTIFY,
  SIGPROCMASK_HOW,
  SS_FLAGS,
  STATFS_FLAGS,
  STATX_AT_FLAGS,
  STATX_BASIC_STATS,
  STATX_MASK,
  TIMER_FLAGS,
  errnoInfo,
  signalName,
  type Xlat,
} from './constants.js';

/** Read-only access to the guest for decoding: undefined where the guest cannot read. */
export interface GuestView {
  /** `length` bytes at `address`, or undefined when any of them is unreadable. */
  bytes(address: bigint, length: number): Uint8Array | undefined;
  /**
   * The NUL-terminated string at `address`, at most `max` bytes; `terminated` is false
   * when no NUL came within them. Undefined when the first byte is unreadable.
   */
  cstring(address: bigint, max: number): { bytes: Uint8Array; terminated: boolean } | undefined;
  /** An integer register of the calling thread, when known (rt_sigreturn reads sp). */
  register?(index: number): bigint;
}

/** Beyond this no guest address is mapped (and a double would lose bits). */
const ADDRESS_LIMIT = 2n ** 53n;

/** A GuestView over the guest's memory: permission-checked reads whose faults become undefined. */
export function memoryView(memory: GuestMemory, register?: (index: number) => bigint): GuestView {
  const guard = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (error instanceof MemoryFault) return undefined;
      throw error;
    }
  };
  return {
    bytes(address, length) {
      if (address < 0n || address + BigInt(length) > ADDRESS_LIMIT) return undefined;
      return guard(() => memory.read(Number(address), length));
    },
    cstring(address, max) {
      if (address < 0n || address >= ADDRESS_LIMIT) return undefined;
      const read = guard(() => memory.readCString(Number(address), max + 1));
      if (read === undefined) return undefined;
      return read.length > max ? { bytes: read.subarray(0, max), terminated: false } : { bytes: read, terminated: true };
    },
    ...(register === undefined ? {} : { register }),
  };
}

/** Decoding limits, as strace's options set them. */
export interface DecodeOptions {
  /** strace -s: bytes of a string or buffer shown before `...` (default 32). */
  readonly stringLimit?: number;
  /** Elements of an array shown before `...` (strace uses -s for these too; default 32). */
  readonly arrayLimit?: number;
}

/** What an argument formatter sees: the call, the guest and (at exit) the result. */
export interface CallState {
  readonly name: string;
  readonly args: readonly bigint[];
  readonly view: GuestView;
  readonly limits: Required<DecodeOptions>;
  /** The signed result once the call returned. */
  readonly result?: bigint;
}

/** One argument: how it prints, and whether it is printed when the call returns. */
interface ArgDecoder {
  /** An output argument: decoded at exit; printed as its address when the call failed. */
  readonly out?: boolean;
  /** An output argument the call also writes when it fails with one of these results (nanosleep's remaining time when interrupted). */
  readonly writtenOn?: readonly bigint[];
  format(raw: bigint, call: CallState, entered?: string): string;
  /** An in-out argument: the value shown at entry, passed to `format` at exit as `entered`. */
  enter?(raw: bigint, call: CallState): string;
}

/** Formats a successful result (a failure is always `-1 ENAME (message)`). */
type ResultFormat = (result: bigint, call: CallState) => string;

interface Signature {
  readonly args: readonly ArgDecoder[] | ((args: readonly bigint[]) => readonly ArgDecoder[]);
  readonly result?: ResultFormat;
}

// ---------------------------------------------------------------------------------------
// Values

const u32 = (raw: bigint) => Number(BigInt.asUintN(32, raw));
const i32 = (raw: bigint) => Number(BigInt.asIntN(32, raw));
const i64 = (raw: bigint) => BigInt.asIntN(64, raw);
const u64 = (raw: bigint) => BigInt.asUintN(64, raw);

/** strace's %#lx: `0` for zero, else `0x…`. */
export function hex(value: bigint | number): string {
  const v = typeof value === 'number' ? BigInt(value) : value;
  if (v === 0n) return '0';
  return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}

/** A pointer: NULL or its address. */
export function pointer(raw: bigint): string {
  const v = u64(raw);
  return v === 0n ? 'NULL' : `0x${v.toString(16)}`;
}

/** Octal as strace prints modes (C's %#03o): 0644, 022, 000. */
export function octal(value: number): string {
  return (value === 0 ? '0' : `0${value.toString(8)}`).padStart(3, '0');
}

/**
 * Flags as `A|B|0x40` (unknown bits in hex at the end); zero prints as `zero` when given
 * (e.g. `O_RDONLY`), else `0`. Entries of several bits match only when all are set.
 */
export function flags(value: number | bigint, table: Xlat, zero?: string): string {
  let rest = BigInt(value);
  if (rest < 0n) rest = BigInt.asUintN(64, rest);
  const parts: string[] = [];
  for (const [bits, name] of table) {
    const b = BigInt(bits);
    if (b !== 0n && (rest & b) === b) {
      parts.push(name);
      rest &= ~b;
    }
  }
  if (rest !== 0n) parts.push(`0x${rest.toString(16)}`);
  if (parts.length === 0) return zero ?? '0';
  return parts.join('|');
}

/** A value from a table, or `0x… /* PREFIX_??? *\/` as strace prints an unknown one. */
export function xval(value: number, table: Xlat, unknown: string): string {
  for (const [v, name] of table) if (v === value) return name;
  return `${hex(value)} /* ${unknown}_??? */`;
}

function xvalDecimal(value: number, table: Xlat, unknown: string): string {
  for (const [v, name] of table) if (v === value) return name;
  return `${value} /* ${unknown}_??? */`;
}

/**
 * Bytes as strace quotes them: `"…"` with C escapes (\n, \t, \", \\ …), other
 * unprintable bytes in octal (three digits when a digit follows), at most `limit` bytes
 * and then `...` after the closing quote when there was more.
 */
export function quote(bytes: Uint8Array, limit: number, more = false): string {
  const shown = bytes.length > limit ? bytes.subarray(0, limit) : bytes;
  let out = '"';
  for (let i = 0; i < shown.length; i++) {
    const c = shown[i]!;
    switch (c) {
      case 0x22: out += '\\"'; continue;
      case 0x5c: out += '\\\\'; continue;
      case 0x0a: out += '\\n'; continue;
      case 0x09: out += '\\t'; continue;
      case 0x0d: out += '\\r'; continue;
      case 0x0b: out += '\\v'; continue;
      case 0x0c: out += '\\f'; continue;
    }
    if (c >= 0x20 && c < 0x7f) {
      out += String.fromCharCode(c);
      continue;
    }
    const next = shown[i + 1];
    const digitFollows = next !== undefined && next >= 0x30 && next <= 0x37;
    out += '\\' + (digitFollows ? c.toString(8).padStart(3, '0') : c.toString(8));
  }
  out += '"';
  return more || bytes.length > limit ? out + '...' : out;
}

/** Bytes all in hex escapes (strace does this for getrandom's buffer). */
function quoteHex(bytes: Uint8Array, limit: number, more: boolean): string {
  const shown = bytes.subarray(0, Math.min(limit, bytes.length));
  let out = '"';
  for (const b of shown) out += `\\x${b.toString(16).padStart(2, '0')}`;
  return `${out}"${more || bytes.length > limit ? '...' : ''}`;
}

/** The buffer of `length` bytes at `raw`, quoted; its address when unreadable. */
function buffer(raw: bigint, length: bigint, call: CallState, hexOnly = false): string {
  if (u64(raw) === 0n) return 'NULL';
  const limit = call.limits.stringLimit;
  const n = length < 0n ? 0 : Number(length > BigInt(limit) ? BigInt(limit) : length);
  const bytes = call.view.bytes(u64(raw), n);
  if (bytes === undefined) return pointer(raw);
  const more = length > BigInt(n);
  return hexOnly ? quoteHex(bytes, limit, more) : quote(bytes, limit, more);
}

/** A NUL-terminated string of at most `max` bytes (strace -s for strings, PATH_MAX for paths). */
function cString(raw: bigint, call: CallState, max: number): string {
  if (u64(raw) === 0n) return 'NULL';
  const read = call.view.cstring(u64(raw), max);
  if (read === undefined) return pointer(raw);
  return quote(read.bytes, max, !read.terminated);
}

const PATH_MAX = 4096;

function u32At(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, true);
}
function i32At(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(offset, true);
}
function i16At(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt16(offset, true);
}
function u16At(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint16(offset, true);
}
function u64At(bytes: Uint8Array, offset: number): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(offset, true);
}
function i64At(bytes: Uint8Array, offset: number): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigInt64(offset, true);
}

/** Reads a struct of `size` bytes and formats it, or prints the address. */
function struct(raw: bigint, call: CallState, size: number, format: (b: Uint8Array) => string): string {
  if (u64(raw) === 0n) return 'NULL';
  const bytes = call.view.bytes(u64(raw), size);
  return bytes === undefined ? pointer(raw) : format(bytes);
}

/** An array of `count` elements of `size` bytes, capped at the array limit. */
function array(raw: bigint, call: CallState, count: number, size: number, format: (b: Uint8Array, i: number) => string): string {
  if (u64(raw) === 0n) return 'NULL';
  const shown = Math.min(count, call.limits.arrayLimit);
  const parts: string[] = [];
  for (let i = 0; i < shown; i++) {
    const bytes = call.view.bytes(u64(raw) + BigInt(i * size), size);
    if (bytes === undefined) {
      if (i === 0) return pointer(raw);
      parts.push(`... /* ${pointer(u64(raw) + BigInt(i * size))} */`);
      return `[${parts.join(', ')}]`;
    }
    parts.push(format(bytes, i));
  }
  if (count > shown) parts.push('...');
  return `[${parts.join(', ')}]`;
}

/** st_mode as `S_IFREG|0644` (set-id and sticky bits by name). */
export function fileMode(mode: number): string {
  const type = mode & 0o170000;
  const parts: string[] = [];
  if (type !== 0) {
    const name = FILE_TYPES.find(([v]) => v === type)?.[1];
    parts.push(name ?? octal(type));
  }
  for (const [bit, name] of MODE_SPECIAL) if (mode & bit) parts.push(name);
  parts.push(octal(mode & 0o777));
  return parts.join('|');
}

function makedev(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `makedev(${hex(major)}, ${hex(minor)})`;
}

/** A signal set (bit n-1 for signal n) as `[INT TERM]`, or `~[…]` when most are set. */
export function sigset(mask: bigint, nsig = 64): string {
  const all = (1n << BigInt(nsig)) - 1n;
  let set = mask & all;
  let prefix = '';
  let count = 0;
  for (let s = set; s !== 0n; s &= s - 1n) count++;
  if (count > nsig / 2) {
    prefix = '~';
    set = ~set & all;
  }
  const names: string[] = [];
  for (let n = 1; n <= nsig; n++) {
    if (set & (1n << BigInt(n - 1))) {
      const name = signalName(n);
      names.push(name.startsWith('SIG') ? name.slice(3) : name);
    }
  }
  return `${prefix}[${names.join(' ')}]`;
}

function timespec(bytes: Uint8Array, offset = 0): string {
  const nsec = i64At(bytes, offset + 8);
  const shown = nsec === 0x3fffffffn ? 'UTIME_NOW' : nsec === 0x3ffffffen ? 'UTIME_OMIT' : String(nsec);
  return `{tv_sec=${i64At(bytes, offset)}, tv_nsec=${shown}}`;
}
function timeval(bytes: Uint8Array, offset = 0): string {
  return `{tv_sec=${i64At(bytes, offset)}, tv_usec=${i64At(bytes, offset + 8)}}`;
}

/** struct sigevent as strace prints it (timer_create). */
function sigevent(b: Uint8Array): string {
  const value = u64At(b, 0);
  const notify = i32At(b, 12);
  const parts = [
    `sigev_value={sival_int=${i32At(b, 0)}, sival_ptr=${value === 0n ? 'NULL' : hex(value)}}`,
    `sigev_signo=${signalName(i32At(b, 8))}`,
    `sigev_notify=${xval(notify, SIGEV_NOTIFY, 'SIGEV')}`,
  ];
  if (notify === 4) parts.push(`sigev_notify_thread_id=${i32At(b, 16)}`);
  return `{${parts.join(', ')}}`;
}

/** struct itimerspec (timer_settime) or, with `usec`, struct itimerval (setitimer). */
function itimer(b: Uint8Array, usec = false): string {
  const half = usec ? timeval : timespec;
  return `{it_interval=${half(b, 0)}, it_value=${half(b, 16)}}`;
}

function rlimValue(v: bigint): string {
  if (v === 0xffff_ffff_ffff_ffffn) return 'RLIM64_INFINITY';
  if (v > 0n && v % 1024n === 0n) return `${v / 1024n}*1024`;
  return String(v);
}

// ---------------------------------------------------------------------------------------
// Argument decoders

const arg = (format: ArgDecoder['format']): ArgDecoder => ({ format });
const outArg = (format: ArgDecoder['format']): ArgDecoder => ({ out: true, format });

/**
 * A sleep's remaining time: written only when a signal interrupts it (strace prints it for
 * ERESTART_RESTARTBLOCK and EINTR, else the address).
 */
const REMAINING: ArgDecoder = {
  out: true,
  writtenOn: [-516n, -4n],
  format: (raw, call) => (call.result === -516n || call.result === -4n ? struct(raw, call, 16, (b) => timespec(b)) : pointer(raw)),
};

const INT = arg((raw) => String(i32(raw)));
const UINT = arg((raw) => String(u32(raw)));
const LONG = arg((raw) => String(i64(raw)));
const ULONG = arg((raw) => String(u64(raw)));
const HEX = arg((raw) => hex(u64(raw)));
const PTR = arg((raw) => pointer(raw));
const FD = INT;
const DIRFD = arg((raw) => (i32(raw) === AT_FDCWD ? 'AT_FDCWD' : String(i32(raw))));
const PATH = arg((raw, call) => cString(raw, call, PATH_MAX));
const STRING = arg((raw, call) => cString(raw, call, call.limits.stringLimit));
const MODE = arg((raw) => octal(u32(raw) & 0o7777));
const SIGNAL = arg((raw) => signalName(i32(raw)));
const flagsArg = (table: Xlat, zero?: string) => arg((raw) => flags(u32(raw), table, zero));
const xvalArg = (table: Xlat, unknown: string) => arg((raw) => xval(i32(raw), table, unknown));

const OPEN_FLAGS_ARG = arg((raw) => openFlags(u32(raw)));
export function openFlags(value: number): string {
  const access = OPEN_ACCESS.find(([v]) => v === (value & 3))?.[1] ?? '0x3';
  const rest = value & ~3;
  // O_TMPFILE includes O_DIRECTORY: show it by its name.
  if ((rest & O_TMPFILE) === O_TMPFILE) {
    const others = rest & ~O_TMPFILE;
    return [access, others === 0 ? '' : flags(others, OPEN_FLAGS), 'O_TMPFILE'].filter((s) => s !== '').join('|');
  }
  return rest === 0 ? access : `${access}|${flags(rest, OPEN_FLAGS)}`;
}

/** A buffer whose length is argument `lengthIndex` (write's data), decoded at entry. */
const inBuffer = (lengthIndex: number) => arg((raw, call) => buffer(raw, u64(call.args[lengthIndex]!), call));
/** A buffer filled by the call, as many bytes as it returned (read's data). */
const outBuffer = outArg((raw, call) => buffer(raw, call.result!, call));
/** A path written by the call, as many bytes as it returned (readlinkat), or NUL-terminated (getcwd). */
const outPathByResult = outArg((raw, call) => buffer(raw, call.result!, { ...call, limits: { ...call.limits, stringLimit: PATH_MAX } }));

const TIMESPEC = arg((raw, call) => struct(raw, call, 16, (b) => timespec(b)));
const TIMESPEC_OUT = outArg((raw, call) => struct(raw, call, 16, (b) => timespec(b)));
const TIMEVAL_OUT = outArg((raw, call) => struct(raw, call, 16, (b) => timeval(b)));
const INT_OUT = outArg((raw, call) => struct(raw, call, 4, (b) => `[${i32At(b, 0)}]`));
const UINT_OUT = outArg((raw, call) => struct(raw, call, 4, (b) => `[${u32At(b, 0)}]`));

/** A sigset_t* whose size is argument `sizeIndex` (strace prints the address when it is not 8). */
const sigsetArg = (sizeIndex: number, out = false): ArgDecoder => ({
  ...(out ? { out: true } : {}),
  format: (raw, call) => {
    if (u64(raw) === 0n) return 'NULL';
    if (u64(call.args[sizeIndex]!) !== 8n) return pointer(raw);
    return struct(raw, call, 8, (b) => sigset(u64At(b, 0)));
  },
});

function statStruct(b: Uint8Array): string {
  const mode = u32At(b, 16);
  const type = mode & 0o170000;
  const parts = [`st_mode=${fileMode(mode)}`];
  if (type === 0o20000 || type === 0o60000) parts.push(`st_rdev=${makedev(u64At(b, 32))}`);
  else parts.push(`st_size=${i64At(b, 48)}`);
  return `{${parts.join(', ')}, ...}`;
}
const STAT_OUT = outArg((raw, call) => struct(raw, call, 128, statStruct));

const STATX_MASK_NAMES: Xlat = [[STATX_BASIC_STATS, 'STATX_BASIC_STATS'], ...STATX_MASK];
function statxStruct(b: Uint8Array): string {
  const mode = u16At(b, 28);
  const type = mode & 0o170000;
  const parts = [
    `stx_mask=${flags(u32At(b, 0), STATX_MASK_NAMES)}`,
    `stx_attributes=${hex(u64At(b, 8))}`,
    `stx_mode=${fileMode(mode)}`,
  ];
  if (type === 0o20000 || type === 0o60000) parts.push(`stx_rdev_major=${u32At(b, 128)}`, `stx_rdev_minor=${u32At(b, 132)}`);
  else parts.push(`stx_size=${u64At(b, 40)}`);
  return `{${parts.join(', ')}, ...}`;
}

function statfsStruct(b: Uint8Array): string {
  const type = Number(i64At(b, 0));
  const magic = FS_MAGICS.find(([v]) => v === type)?.[1] ?? hex(type);
  const fields = [
    `f_type=${magic}`,
    `f_bsize=${i64At(b, 8)}`,
    `f_blocks=${u64At(b, 16)}`,
    `f_bfree=${u64At(b, 24)}`,
    `f_bavail=${u64At(b, 32)}`,
    `f_files=${u64At(b, 40)}`,
    `f_ffree=${u64At(b, 48)}`,
    `f_fsid={val=[${hex(i32At(b, 56))}, ${hex(i32At(b, 60))}]}`,
    `f_namelen=${i64At(b, 64)}`,
    `f_frsize=${i64At(b, 72)}`,
    `f_flags=${flags(Number(i64At(b, 80)), STATFS_FLAGS)}`,
  ];
  return `{${fields.join(', ')}}`;
}
const STATFS_OUT = outArg((raw, call) => struct(raw, call, 120, statfsStruct));

/** struct iovec[count]: each base quoted up to the string limit; `total` bytes in all (readv: the result). */
function iovecs(raw: bigint, call: CallState, count: number, total: bigint | undefined): string {
  let left = total;
  return array(raw, call, count, 16, (b) => {
    const base = u64At(b, 0);
    const len = u64At(b, 8);
    const n = left === undefined ? len : len < left ? len : left;
    if (left !== undefined) left -= n;
    return `{iov_base=${buffer(base, n, call)}, iov_len=${len}}`;
  });
}
const iovIn = (countIndex: number) => arg((raw, call) => iovecs(raw, call, i32(call.args[countIndex]!), undefined));
const iovOut = (countIndex: number) => outArg((raw, call) => iovecs(raw, call, i32(call.args[countIndex]!), call.result));

function sigaction(b: Uint8Array): string {
  const handler = u64At(b, 0);
  const saFlags = u64At(b, 8);
  const restorer = (saFlags & BigInt(SA_RESTORER)) !== 0n;
  const mask = u64At(b, restorer ? 24 : 16);
  const shownHandler = handler === 0n ? 'SIG_DFL' : handler === 1n ? 'SIG_IGN' : pointer(handler);
  const parts = [`sa_handler=${shownHandler}`, `sa_mask=${sigset(mask)}`, `sa_flags=${flags(saFlags, SA_FLAGS)}`];
  if (restorer) parts.push(`sa_restorer=${pointer(u64At(b, 16))}`);
  return `{${parts.join(', ')}}`;
}
const SIGACTION_IN = arg((raw, call) => struct(raw, call, 32, sigaction));
const SIGACTION_OUT = outArg((raw, call) => struct(raw, call, 32, sigaction));

function stackT(b: Uint8Array): string {
  return `{ss_sp=${pointer(u64At(b, 0))}, ss_flags=${flags(u32At(b, 8), SS_FLAGS)}, ss_size=${u64At(b, 16)}}`;
}

function pollfds(raw: bigint, call: CallState, count: number): string {
  return array(raw, call, count, 8, (b) => `{fd=${i32At(b, 0)}, events=${flags(u16At(b, 4), POLL_EVENTS)}}`);
}

/** struct epoll_event (riscv64: u32 events, padding, u64 data) as strace prints it. */
function epollEvent(b: Uint8Array): string {
  const data = u64At(b, 8);
  return `{events=${flags(u32At(b, 0), EPOLL_EVENTS)}, data={u32=${Number(data & 0xffff_ffffn)}, u64=${data}}}`;
}

/** epoll_wait's events: as many as it returned. */
const EPOLL_EVENTS_OUT = outArg((raw, call) => array(raw, call, Math.max(0, Number(call.result ?? 0n)), 16, epollEvent));

/** The fds set in an fd_set of `nfds` bits, as `[3 4]`. */
function fdSet(raw: bigint, call: CallState, nfds: number): string {
  if (u64(raw) === 0n) return 'NULL';
  const n = Math.max(0, Math.min(nfds, 1024));
  const bytes = call.view.bytes(u64(raw), Math.ceil(n / 64) * 8);
  if (bytes === undefined) return pointer(raw);
  const fds: number[] = [];
  for (let fd = 0; fd < n; fd++) if (bytes[fd >> 3]! & (1 << (fd & 7))) fds.push(fd);
  return `[${fds.join(' ')}]`;
}

function cpuSet(raw: bigint, call: CallState, size: number): string {
  if (u64(raw) === 0n) return 'NULL';
  const n = Math.max(0, Math.min(size, 128));
  const bytes = call.view.bytes(u64(raw), n);
  if (bytes === undefined) return pointer(raw);
  const cpus: number[] = [];
  for (let i = 0; i < n * 8; i++) if (bytes[i >> 3]! & (1 << (i & 7))) cpus.push(i);
  return `[${cpus.join(' ')}]`;
}

function flockStruct(b: Uint8Array, withPid: boolean): string {
  const parts = [
    `l_type=${xvalDecimal(i16At(b, 0), LOCK_TYPES, 'F')}`,
    `l_whence=${xvalDecimal(i16At(b, 2), SEEK_WHENCE, 'SEEK')}`,
    `l_start=${i64At(b, 8)}`,
    `l_len=${i64At(b, 16)}`,
  ];
  if (withPid) parts.push(`l_pid=${i32At(b, 24)}`);
  return `{${parts.join(', ')}}`;
}

function futexOp(op: number): { cmd: number; text: string } {
  const cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  const name = FUTEX_CMDS.find(([v]) => v === cmd)?.[1];
  const parts: string[] = [];
  if (name === undefined) {
    if (op & FUTEX_PRIVATE_FLAG) parts.push('FUTEX_PRIVATE_FLAG');
    parts.push(`${hex(cmd)} /* FUTEX_??? */`);
  } else parts.push(op & FUTEX_PRIVATE_FLAG ? `${name}_PRIVATE` : name);
  if (op & FUTEX_CLOCK_REALTIME) parts.push('FUTEX_CLOCK_REALTIME');
  return { cmd: name === undefined ? -1 : cmd, text: parts.join('|') };
}

function wakeOp(val3: number): string {
  const op = (val3 >>> 28) & 7;
  const shift = (val3 >>> 28) & 8;
  const cmp = (val3 >>> 24) & 15;
  const oparg = ((val3 >>> 12) & 0xfff) << 20 >> 20;
  const cmparg = (val3 & 0xfff) << 20 >> 20;
  const opName = (shift ? 'FUTEX_OP_OPARG_SHIFT<<4|' : '') + (FUTEX_OPS[op] ?? String(op));
  return `{op=${opName}, oparg=${oparg}, cmp=${FUTEX_CMPS[cmp] ?? String(cmp)}, cmparg=${cmparg}}`;
}

function futexArgs(args: readonly bigint[]): readonly ArgDecoder[] {
  const op = futexOp(u32(args[1]!));
  const OP = arg(() => op.text);
  const VAL3_BITSET = arg((raw) => (u32(raw) === 0xffffffff ? 'FUTEX_BITSET_MATCH_ANY' : hex(u32(raw))));
  switch (op.cmd) {
    case 0: // WAIT
      return [PTR, OP, UINT, TIMESPEC];
    case 1: // WAKE
    case 2: // FD
      return [PTR, OP, UINT];
    case 3: // REQUEUE
      return [PTR, OP, UINT, UINT, PTR];
    case 4: // CMP_REQUEUE
    case 12: // CMP_REQUEUE_PI
      return [PTR, OP, UINT, UINT, PTR, UINT];
    case 5: // WAKE_OP
      return [PTR, OP, UINT, UINT, PTR, arg((raw) => wakeOp(u32(raw)))];
    case 6: // LOCK_PI
    case 8: // TRYLOCK_PI
    case 13: // LOCK_PI2
      return [PTR, OP, TIMESPEC];
    case 7: // UNLOCK_PI
      return [PTR, OP];
    case 9: // WAIT_BITSET
      return [PTR, OP, UINT, TIMESPEC, VAL3_BITSET];
    case 10: // WAKE_BITSET
      return [PTR, OP, UINT, VAL3_BITSET];
    case 11: // WAIT_REQUEUE_PI
      return [PTR, OP, UINT, TIMESPEC, PTR];
    default:
      return [PTR, OP, UINT, HEX, HEX, HEX];
  }
}

/**
 * Some decoders print an argument register other than their own position (futex's
 * bitset is the sixth register, shown fourth or fifth): a placed decoder names its register.
 */
interface Placed {
  readonly register: number;
  readonly decoder: ArgDecoder;
}

function place(decoders: readonly ArgDecoder[], registers?: readonly number[]): Placed[] {
  return decoders.map((decoder, i) => ({ register: registers?.[i] ?? i, decoder }));
}

function fcntlArgs(args: readonly bigint[]): readonly ArgDecoder[] {
  const cmd = i32(args[1]!);
  const CMD = arg(() => xvalDecimal(cmd, FCNTL_CMDS, 'F'));
  switch (cmd) {
    case 1: case 3: case 9: case 11: case 1025: case 1032: case 1034:
      return [FD, CMD];
    case 2:
      return [FD, CMD, arg((raw) => flags(u32(raw), FD_FLAGS))];
    case 4:
      return [FD, CMD, OPEN_FLAGS_ARG];
    case 5: case 36:
      return [FD, CMD, { out: true, enter: (raw, call) => struct(raw, call, 32, (b) => flockStruct(b, false)), format: (raw, call, entered) => `${entered ?? pointer(raw)} => ${struct(raw, call, 32, (b) => flockStruct(b, true))}` }];
    case 6: case 7: case 37: case 38:
      return [FD, CMD, arg((raw, call) => struct(raw, call, 32, (b) => flockStruct(b, false)))];
    case 10:
      return [FD, CMD, SIGNAL];
    default:
      return [FD, CMD, INT];
  }
}

function ioctlArgs(args: readonly bigint[]): readonly ArgDecoder[] {
  const request = u32(args[1]!);
  const REQ = arg(() => xval(request, IOCTLS, '_IOC'));
  switch (request) {
    case 0x5401: // TCGETS
      return [FD, REQ, outArg((raw, call) => struct(raw, call, 36, termios))];
    case 0x5402: case 0x5403: case 0x5404:
      return [FD, REQ, arg((raw, call) => struct(raw, call, 36, termios))];
    case 0x5413: // TIOCGWINSZ
      return [FD, REQ, outArg((raw, call) => struct(raw, call, 8, winsize))];
    case 0x5414:
      return [FD, REQ, arg((raw, call) => struct(raw, call, 8, winsize))];
    case 0x540f: case 0x541b:
      return [FD, REQ, INT_OUT];
    case 0x5410: case 0x5421: case 0x5452:
      return [FD, REQ, arg((raw, call) => struct(raw, call, 4, (b) => `[${i32At(b, 0)}]`))];
    case 0x5450: case 0x5451:
      return [FD, REQ];
    default:
      return [FD, REQ, HEX];
  }
}

function winsize(b: Uint8Array): string {
  return `{ws_row=${u16At(b, 0)}, ws_col=${u16At(b, 2)}, ws_xpixel=${u16At(b, 4)}, ws_ypixel=${u16At(b, 6)}}`;
}

const BAUDS: Xlat = [
  [0, 'B0'], [1, 'B50'], [2, 'B75'], [3, 'B110'], [4, 'B134'], [5, 'B150'], [6, 'B200'], [7, 'B300'], [8, 'B600'],
  [9, 'B1200'], [10, 'B1800'], [11, 'B2400'], [12, 'B4800'], [13, 'B9600'], [14, 'B19200'], [15, 'B38400'],
  [0o10001, 'B57600'], [0o10002, 'B115200'], [0o10003, 'B230400'],
];
/** struct termios as strace abbreviates it: `{B38400 opost isig icanon echo ...}`. */
function termios(b: Uint8Array): string {
  const oflag = u32At(b, 4);
  const cflag = u32At(b, 8);
  const lflag = u32At(b, 12);
  const baud = BAUDS.find(([v]) => v === (cflag & 0o10017))?.[1] ?? hex(cflag & 0o10017);
  const on = (set: number, name: string) => (set ? name : `-${name}`);
  return `{${baud} ${on(oflag & 1, 'opost')} ${on(lflag & 1, 'isig')} ${on(lflag & 2, 'icanon')} ${on(lflag & 8, 'echo')} ...}`;
}

function openatArgs(args: readonly bigint[]): readonly ArgDecoder[] {
  const openFlagsValue = u32(args[2]!);
  const creating = (openFlagsValue & O_CREAT) !== 0 || (openFlagsValue & O_TMPFILE) === O_TMPFILE;
  return creating ? [DIRFD, PATH, OPEN_FLAGS_ARG, MODE] : [DIRFD, PATH, OPEN_FLAGS_ARG];
}

function cloneFlags(value: bigint): string {
  const signal = Number(value & 0xffn);
  const rest = value & ~0xffn;
  const parts: string[] = [];
  if (rest !== 0n) parts.push(flags(rest, CLONE_FLAGS));
  if (signal !== 0) parts.push(signalName(signal));
  return parts.length === 0 ? '0' : parts.join('|');
}

function cloneArgs(b: Uint8Array, size: number): string {
  const field = (i: number) => u64At(b, i * 8);
  const parts = [`flags=${cloneFlags(field(0))}`];
  if (field(1) !== 0n) parts.push(`pidfd=${pointer(field(1))}`);
  if (field(2) !== 0n) parts.push(`child_tid=${pointer(field(2))}`);
  if (field(3) !== 0n) parts.push(`parent_tid=${pointer(field(3))}`);
  parts.push(`exit_signal=${field(4) === 0n ? '0' : signalName(Number(field(4)))}`);
  parts.push(`stack=${pointer(field(5))}`, `stack_size=${hex(field(6))}`);
  if (field(7) !== 0n) parts.push(`tls=${pointer(field(7))}`);
  if (size >= 80 && field(9) !== 0n) parts.push(`set_tid=${pointer(field(8))}`, `set_tid_size=${field(9)}`);
  return `{${parts.join(', ')}}`;
}

function rlimit(b: Uint8Array): string {
  return `{rlim_cur=${rlimValue(u64At(b, 0))}, rlim_max=${rlimValue(u64At(b, 8))}}`;
}

function utsname(b: Uint8Array): string {
  const field = (i: number) => {
    const bytes = b.subarray(i * 65, i * 65 + 65);
    const nul = bytes.indexOf(0);
    return quote(nul < 0 ? bytes : bytes.subarray(0, nul), 65);
  };
  return `{sysname=${field(0)}, nodename=${field(1)}, ...}`;
}

function sysinfo(b: Uint8Array): string {
  const l = (o: number) => i64At(b, o);
  const u = (o: number) => u64At(b, o);
  return (
    `{uptime=${l(0)}, loads=[${u(8)}, ${u(16)}, ${u(24)}], totalram=${u(32)}, freeram=${u(40)}, sharedram=${u(48)}, ` +
    `bufferram=${u(56)}, totalswap=${u(64)}, freeswap=${u(72)}, procs=${u16At(b, 80)}, totalhigh=${u(88)}, ` +
    `freehigh=${u(96)}, mem_unit=${u32At(b, 104)}}`
  );
}

function rusage(b: Uint8Array): string {
  return `{ru_utime=${timeval(b, 0)}, ru_stime=${timeval(b, 16)}, ...}`;
}

function tms(b: Uint8Array): string {
  return `{tms_utime=${i64At(b, 0)}, tms_stime=${i64At(b, 8)}, tms_cutime=${i64At(b, 16)}, tms_cstime=${i64At(b, 24)}}`;
}

const SIGRETURN_MASK_OFFSET = 128 + 40;

// ---------------------------------------------------------------------------------------
// Results

const DECIMAL: ResultFormat = (r) => String(r);
const HEX_RESULT: ResultFormat = (r) => hex(u64(r));
const NO_RESULT: ResultFormat = () => '?';

function fcntlResult(result: bigint, call: CallState): string {
  const cmd = i32(call.args[1]!);
  if (cmd === 1) return result === 0n ? '0' : `${hex(result)} (flags ${flags(Number(result), FD_FLAGS)})`;
  if (cmd === 3) return `${hex(result)} (flags ${openFlags(Number(result))})`;
  return String(result);
}

function pollResult(result: bigint, call: CallState): string {
  if (result === 0n) return '0 (Timeout)';
  const fds = u64(call.args[0]!);
  const count = Math.min(u32(call.args[1]!), call.limits.arrayLimit);
  const ready: string[] = [];
  for (let i = 0; i < count; i++) {
    const b = call.view.bytes(fds + BigInt(i * 8), 8);
    if (b === undefined) break;
    const revents = u16At(b, 6);
    if (revents !== 0) ready.push(`{fd=${i32At(b, 0)}, revents=${flags(revents, POLL_EVENTS)}}`);
  }
  return `${result} ([${ready.join(', ')}])`;
}

function selectResult(result: bigint, call: CallState): string {
  if (result === 0n) return '0 (Timeout)';
  const nfds = i32(call.args[0]!);
  const parts: string[] = [];
  for (const [i, label] of [[1, 'in'], [2, 'out'], [3, 'except']] as const) {
    if (u64(call.args[i]!) === 0n) continue;
    const set = fdSet(call.args[i]!, call, nfds);
    if (set !== '[]' && set.startsWith('[')) parts.push(`${label} ${set}`);
  }
  return `${result} (${parts.join(', ')})`;
}

// ---------------------------------------------------------------------------------------
// The table

const S = (args: Signature['args'], result?: ResultFormat): Signature => (result === undefined ? { args } : { args, result });

/** Arguments of a syscall as Linux declares them, with strace's decoding. */
const SIGNATURES: Record<string, Signature> = {
  // files
  getcwd: S([outArg((raw, call) => cString(raw, call, PATH_MAX)), ULONG]),
  dup: S([FD]),
  dup3: S([FD, FD, flagsArg(DUP3_FLAGS)]),
  fcntl: S(fcntlArgs, fcntlResult),
  ioctl: S(ioctlArgs),
  flock: S([FD, flagsArg(FLOCK_OPS)]),
  mkdirat: S([DIRFD, PATH, MODE]),
  mknodat: S([DIRFD, PATH, arg((raw) => fileMode(u32(raw))), HEX]),
  unlinkat: S([DIRFD, PATH, flagsArg(AT_FLAGS)]),
  symlinkat: S([PATH, DIRFD, PATH]),
  linkat: S([DIRFD, PATH, DIRFD, PATH, flagsArg(AT_FLAGS)]),
  statfs: S([PATH, STATFS_OUT]),
  fstatfs: S([FD, STATFS_OUT]),
  truncate: S([PATH, LONG]),
  ftruncate: S([FD, LONG]),
  fallocate: S([FD, flagsArg(FALLOC_FLAGS), LONG, LONG]),
  faccessat: S([DIRFD, PATH, flagsArg(ACCESS_MODES, 'F_OK')]),
  faccessat2: S([DIRFD, PATH, flagsArg(ACCESS_MODES, 'F_OK'), flagsArg(ACCESS_AT_FLAGS)]),
  chdir: S([PATH]),
  fchdir: S([FD]),
  chroot: S([PATH]),
  fchmod: S([FD, MODE]),
  fchmodat: S([DIRFD, PATH, MODE]),
  fchmodat2: S([DIRFD, PATH, MODE, flagsArg(AT_FLAGS)]),
  fchownat: S([DIRFD, PATH, INT, INT, flagsArg(AT_FLAGS)]),
  fchown: S([FD, INT, INT]),
  openat: S(openatArgs),
  close: S([FD]),
  close_range: S([UINT, UINT, flagsArg(CLOSE_RANGE_FLAGS)]),
  pipe2: S([outArg((raw, call) => struct(raw, call, 8, (b) => `[${i32At(b, 0)}, ${i32At(b, 4)}]`)), flagsArg(PIPE_FLAGS)]),
  getdents64: S([FD, outArg((raw, call) => `${pointer(raw)} /* ${countDirents(raw, call)} entries */`), UINT]),
  lseek: S([FD, LONG, xvalArg(SEEK_WHENCE, 'SEEK')]),
  read: S([FD, outBuffer, ULONG]),
  write: S([FD, inBuffer(2), ULONG]),
  readv: S([FD, iovOut(2), INT]),
  writev: S([FD, iovIn(2), INT]),
  pread64: S([FD, outBuffer, ULONG, LONG]),
  pwrite64: S([FD, inBuffer(2), ULONG, LONG]),
  preadv: S([FD, iovOut(2), INT, LONG]),
  pwritev: S([FD, iovIn(2), INT, LONG]),
  preadv2: S([FD, iovOut(2), INT, LONG, flagsArg(RWF_FLAGS)]),
  pwritev2: S([FD, iovIn(2), INT, LONG, flagsArg(RWF_FLAGS)]),
  sendfile: S([FD, FD, inOutLong(), ULONG]),
  copy_file_range: S([FD, inOutLong(), FD, inOutLong(), ULONG, UINT]),
  pselect6: S(
    [
      INT,
      arg((raw, call) => fdSet(raw, call, i32(call.args[0]!))),
      arg((raw, call) => fdSet(raw, call, i32(call.args[0]!))),
      arg((raw, call) => fdSet(raw, call, i32(call.args[0]!))),
      TIMESPEC,
      arg((raw, call) =>
        struct(raw, call, 16, (b) => {
          const set = u64At(b, 0);
          const size = u64At(b, 8);
          const shown = set === 0n ? 'NULL' : size !== 8n ? pointer(set) : struct(set, call, 8, (s) => sigset(u64At(s, 0)));
          return `{sigmask=${shown}, sigsetsize=${size}}`;
        }),
      ),
    ],
    selectResult,
  ),
  ppoll: S([arg((raw, call) => pollfds(raw, call, u32(call.args[1]!))), UINT, TIMESPEC, sigsetArg(4), ULONG], pollResult),
  epoll_create1: S([flagsArg(EPOLL_CREATE_FLAGS)]),
  epoll_ctl: S([
    FD,
    xvalArg(EPOLL_CTL_OPS, 'EPOLL_CTL'),
    FD,
    // EPOLL_CTL_DEL reads no event: strace prints its address
    arg((raw, call) => (i32(call.args[1]!) === 2 ? pointer(raw) : struct(raw, call, 16, epollEvent))),
  ]),
  epoll_pwait: S([FD, EPOLL_EVENTS_OUT, INT, INT, sigsetArg(5), ULONG]),
  epoll_pwait2: S([FD, EPOLL_EVENTS_OUT, INT, TIMESPEC, sigsetArg(5), ULONG]),
  eventfd2: S([UINT, flagsArg(EFD_FLAGS)]),
  readlinkat: S([DIRFD, PATH, outPathByResult, ULONG]),
  newfstatat: S([DIRFD, PATH, STAT_OUT, flagsArg(AT_FLAGS)]),
  fstat: S([FD, STAT_OUT]),
  statx: S([
    DIRFD,
    PATH,
    flagsArg(STATX_AT_FLAGS, 'AT_STATX_SYNC_AS_STAT'),
    arg((raw) => flags(u32(raw), STATX_MASK_NAMES)),
    outArg((raw, call) => struct(raw, call, 256, statxStruct)),
  ]),
  sync: S([]),
  syncfs: S([FD]),
  fsync: S([FD]),
  fdatasync: S([FD]),
  utimensat: S([
    DIRFD,
    PATH,
    arg((raw, call) => struct(raw, call, 32, (b) => `[${timespec(b, 0)}, ${timespec(b, 16)}]`)),
    flagsArg(AT_FLAGS),
  ]),
  renameat2: S([DIRFD, PATH, DIRFD, PATH, flagsArg(RENAME_FLAGS)]),
  fadvise64: S([FD, LONG, LONG, xvalArg(FADVISE_ADVICE, 'POSIX_FADV')]),
  umask: S([MODE], (r) => octal(Number(r))),

  // process
  exit: S([INT], NO_RESULT),
  exit_group: S([INT], NO_RESULT),
  set_tid_address: S([PTR]),
  set_robust_list: S([PTR, ULONG]),
  get_robust_list: S([INT, outArg((raw, call) => struct(raw, call, 8, (b) => `[${pointer(u64At(b, 0))}]`)), outArg((raw, call) => struct(raw, call, 8, (b) => `[${u64At(b, 0)}]`))]),
  clone: S([
    arg((raw) => `flags=${cloneFlags(u64(raw))}`),
    arg((raw) => `child_stack=${pointer(raw)}`),
    arg((raw) => `parent_tid=${pointer(raw)}`),
    arg((raw) => `tls=${pointer(raw)}`),
    arg((raw) => `child_tidptr=${pointer(raw)}`),
  ]),
  clone3: S([arg((raw, call) => struct(raw, call, Math.min(Number(u64(call.args[1]!)), 88) || 64, (b) => cloneArgs(b, b.length))), ULONG]),
  uname: S([outArg((raw, call) => struct(raw, call, 390, utsname))]),
  prctl: S((args) => {
    const option = i32(args[0]!);
    const OPTION = arg(() => xvalDecimal(option, PRCTL_OPTIONS, 'PR'));
    if (option === 15) return [OPTION, STRING];
    if (option === 16) return [OPTION, outArg((raw, call) => cString(raw, call, 16))];
    return [OPTION, HEX, HEX, HEX, HEX];
  }),
  getcpu: S([UINT_OUT, UINT_OUT, PTR]),
  getpid: S([]),
  getppid: S([]),
  gettid: S([]),
  getuid: S([]),
  geteuid: S([]),
  getgid: S([]),
  getegid: S([]),
  getpgid: S([INT]),
  getsid: S([INT]),
  getresuid: S([UINT_OUT, UINT_OUT, UINT_OUT]),
  getresgid: S([UINT_OUT, UINT_OUT, UINT_OUT]),
  sysinfo: S([outArg((raw, call) => struct(raw, call, 112, sysinfo))]),
  prlimit64: S([
    INT,
    xvalArg(RLIMITS, 'RLIMIT'),
    arg((raw, call) => struct(raw, call, 16, rlimit)),
    outArg((raw, call) => struct(raw, call, 16, rlimit)),
  ]),
  getrlimit: S([xvalArg(RLIMITS, 'RLIMIT'), outArg((raw, call) => struct(raw, call, 16, rlimit))]),
  setrlimit: S([xvalArg(RLIMITS, 'RLIMIT'), arg((raw, call) => struct(raw, call, 16, rlimit))]),
  membarrier: S([xvalArg(MEMBARRIER_CMDS, 'MEMBARRIER_CMD'), UINT]),
  riscv_hwprobe: S([
    outArg((raw, call) =>
      array(raw, call, Number(u64(call.args[1]!)), 16, (b) => `{key=${xvalDecimal(Number(i64At(b, 0)), HWPROBE_KEYS, 'RISCV_HWPROBE_KEY')}, value=${hex(u64At(b, 8))}}`),
    ),
    ULONG,
    ULONG,
    arg((raw, call) => cpuSet(raw, call, Number(u64(call.args[2]!)))),
    UINT,
  ]),

  // scheduler, futex
  futex: S(futexArgs),
  sched_yield: S([]),
  sched_setaffinity: S([INT, ULONG, arg((raw, call) => cpuSet(raw, call, Number(u64(call.args[1]!))))]),
  sched_getaffinity: S([INT, ULONG, outArg((raw, call) => cpuSet(raw, call, Number(call.result!)))]),

  // time
  nanosleep: S([TIMESPEC, REMAINING]),
  clock_nanosleep: S([xvalArg(CLOCKS, 'CLOCK'), flagsArg(TIMER_FLAGS), TIMESPEC, REMAINING]),
  clock_gettime: S([xvalArg(CLOCKS, 'CLOCK'), TIMESPEC_OUT]),
  clock_getres: S([xvalArg(CLOCKS, 'CLOCK'), TIMESPEC_OUT]),
  gettimeofday: S([TIMEVAL_OUT, PTR]),
  times: S([outArg((raw, call) => struct(raw, call, 32, tms))]),
  getrusage: S([xvalArg(RUSAGE_WHO, 'RUSAGE'), outArg((raw, call) => struct(raw, call, 144, rusage))]),
  timer_create: S([xvalArg(CLOCKS, 'CLOCK'), arg((raw, call) => struct(raw, call, 64, sigevent)), INT_OUT]),
  timer_settime: S([
    INT,
    flagsArg(TIMER_FLAGS),
    arg((raw, call) => struct(raw, call, 32, (b) => itimer(b))),
    outArg((raw, call) => struct(raw, call, 32, (b) => itimer(b))),
  ]),
  timer_gettime: S([INT, outArg((raw, call) => struct(raw, call, 32, (b) => itimer(b)))]),
  timer_getoverrun: S([INT]),
  timer_delete: S([INT]),
  setitimer: S([
    xvalArg(ITIMER_WHICH, 'ITIMER'),
    arg((raw, call) => struct(raw, call, 32, (b) => itimer(b, true))),
    outArg((raw, call) => struct(raw, call, 32, (b) => itimer(b, true))),
  ]),
  getitimer: S([xvalArg(ITIMER_WHICH, 'ITIMER'), outArg((raw, call) => struct(raw, call, 32, (b) => itimer(b, true)))]),

  // signals
  kill: S([INT, SIGNAL]),
  tkill: S([INT, SIGNAL]),
  tgkill: S([INT, INT, SIGNAL]),
  sigaltstack: S([arg((raw, call) => struct(raw, call, 24, stackT)), outArg((raw, call) => struct(raw, call, 24, stackT))]),
  rt_sigsuspend: S([sigsetArg(1), ULONG]),
  rt_sigaction: S([SIGNAL, SIGACTION_IN, SIGACTION_OUT, ULONG]),
  rt_sigprocmask: S([xvalArg(SIGPROCMASK_HOW, 'SIG'), sigsetArg(3), sigsetArg(3, true), ULONG]),
  rt_sigpending: S([sigsetArg(1, true), ULONG]),
  rt_sigreturn: S([
    arg((_raw, call) => {
      const sp = call.view.register?.(2);
      if (sp === undefined) return '';
      return struct(sp + BigInt(SIGRETURN_MASK_OFFSET), call, 8, (b) => `{mask=${sigset(u64At(b, 0))}}`);
    }),
  ]),

  // memory
  brk: S([PTR], HEX_RESULT),
  munmap: S([PTR, ULONG]),
  mremap: S(
    (args) => {
      const base = [PTR, ULONG, ULONG, flagsArg(MREMAP_FLAGS)];
      return u32(args[3]!) & 2 ? [...base, PTR] : base;
    },
    HEX_RESULT,
  ),
  mmap: S(
    [
      PTR,
      ULONG,
      flagsArg(PROT_FLAGS, 'PROT_NONE'),
      arg((raw) => mmapFlags(u32(raw))),
      INT,
      HEX,
    ],
    HEX_RESULT,
  ),
  mprotect: S([PTR, ULONG, flagsArg(PROT_FLAGS, 'PROT_NONE')]),
  madvise: S([PTR, ULONG, xvalArg(MADVISE_ADVICE, 'MADV')]),
  mincore: S([
    PTR,
    ULONG,
    outArg((raw, call) => array(raw, call, Math.ceil(Number(u64(call.args[1]!)) / 4096), 1, (b) => String(b[0]! & 1))),
  ]),

  // random
  getrandom: S([outArg((raw, call) => buffer(raw, call.result!, call, true)), ULONG, flagsArg(GRND_FLAGS)]),
};

/** An in-out loff_t*: `[5]` at entry, `[5] => [10]` at exit (sendfile, copy_file_range). */
function inOutLong(): ArgDecoder {
  return {
    out: true,
    enter: (raw, call) => struct(raw, call, 8, (b) => `[${i64At(b, 0)}]`),
    format: (raw, call, entered) => {
      if (u64(raw) === 0n) return 'NULL';
      const now = struct(raw, call, 8, (b) => `[${i64At(b, 0)}]`);
      return entered === undefined || entered === now ? now : `${entered} => ${now}`;
    },
  };
}

export function mmapFlags(value: number): string {
  const type = MAP_TYPES.find(([v]) => v === (value & 0xf))?.[1] ?? hex(value & 0xf);
  const rest = value & ~0xf;
  return rest === 0 ? type : `${type}|${flags(rest, MAP_FLAGS)}`;
}

function countDirents(raw: bigint, call: CallState): number | string {
  const length = Number(call.result!);
  const bytes = call.view.bytes(u64(raw), Math.min(length, 1 << 20));
  if (bytes === undefined) return '?';
  let count = 0;
  for (let offset = 0; offset + 19 <= bytes.length; ) {
    const reclen = u16At(bytes, offset + 16);
    if (reclen === 0) break;
    count++;
    offset += reclen;
  }
  return count;
}

/** Whether a syscall has a decoder of its own (the rest print their registers in hex). */
export function hasSignature(name: string): boolean {
  return Object.hasOwn(SIGNATURES, name);
}

/** The names with decoders: every syscall ZeroOS serves, plus a few it does not. */
export function decodedSyscalls(): readonly string[] {
  return Object.keys(SIGNATURES);
}

// ---------------------------------------------------------------------------------------
// Calls

/**
 * A failed result as strace prints it: `-1 ENOENT (No such file or directory)`; a call a
 * signal interrupted, whose restart code the guest never sees, as `? ERESTARTSYS (To be
 * restarted if SA_RESTART is set)`.
 */
export function formatError(errno: number): string {
  const info = errnoInfo(errno);
  if (info && errno >= 512 && errno <= 516) return `? ${info.name} (${info.message})`;
  return info ? `-1 ${info.name} (${info.message})` : `-1 (errno ${errno})`;
}

/** What `SyscallDecoder.exit` gives: the rest of the line after the entry part. */
export interface ExitText {
  /** Output arguments and the closing parenthesis: `"hello", 5)`. */
  readonly tail: string;
  /** The result: `5`, `0x7f000`, `-1 ENOENT (No such file or directory)`, `?`. */
  readonly result: string;
}

/**
 * A call between its entry and its exit: `head` is what strace prints at entry
 * (`read(3, ` or `futex(0x1000, FUTEX_WAIT_PRIVATE, 0, NULL`); `exit()` decodes the rest.
 */
export class PendingCall {
  readonly #decoders: readonly Placed[];
  readonly #firstOut: number;
  readonly #entered: (string | undefined)[];
  readonly #state: CallState;
  readonly #resultFormat: ResultFormat;
  readonly head: string;

  constructor(state: CallState, decoders: readonly Placed[], resultFormat: ResultFormat = DECIMAL) {
    this.#state = state;
    this.#resultFormat = resultFormat;
    this.#decoders = decoders;
    const firstOut = decoders.findIndex((d) => d.decoder.out);
    this.#firstOut = firstOut < 0 ? decoders.length : firstOut;
    const shown = decoders.slice(0, this.#firstOut).map((d) => d.decoder.format(state.args[d.register] ?? 0n, state));
    this.#entered = decoders.map((d, i) => (i >= this.#firstOut && d.decoder.enter ? d.decoder.enter(state.args[d.register] ?? 0n, state) : undefined));
    const more = this.#firstOut > 0 && this.#firstOut < decoders.length;
    this.head = `${state.name}(${shown.join(', ')}${more ? ', ' : ''}`;
  }

  get name(): string {
    return this.#state.name;
  }

  /** Decodes the output arguments and the result (signed; undefined: the call did not return). */
  exit(result: bigint | undefined): ExitText {
    const failed = result !== undefined && result < 0n && result >= -4095n;
    const state: CallState = result === undefined ? this.#state : { ...this.#state, result };
    const rest = this.#decoders.slice(this.#firstOut).map((d, i) => {
      const raw = state.args[d.register] ?? 0n;
      const entered = this.#entered[this.#firstOut + i];
      // A failed (or unfinished) call wrote nothing: its output arguments are addresses.
      if (d.decoder.out && (failed || result === undefined) && !(result !== undefined && d.decoder.writtenOn?.includes(result))) return entered ?? pointer(raw);
      return d.decoder.format(raw, state, entered);
    });
    const tail = `${rest.join(', ')})`;
    if (result === undefined) return { tail, result: '?' };
    if (failed) return { tail, result: formatError(Number(-result)) };
    return { tail, result: this.#resultFormat(result, state) };
  }
}

/** Decodes syscalls strace style over one guest view. */
export class SyscallDecoder {
  readonly #limits: Required<DecodeOptions>;

  constructor(
    private readonly view: GuestView,
    options: DecodeOptions = {},
  ) {
    this.#limits = { stringLimit: options.stringLimit ?? 32, arrayLimit: options.arrayLimit ?? 32 };
  }

  /** The call at entry: its input arguments are read from guest memory now. */
  enter(name: string, args: readonly bigint[]): PendingCall {
    const state: CallState = { name, args, view: this.view, limits: this.#limits };
    const signature = SIGNATURES[name];
    let decoders: Placed[];
    if (signature === undefined) {
      decoders = place(args.map(() => HEX));
    } else {
      const list = typeof signature.args === 'function' ? signature.args(args) : signature.args;
      decoders = name === 'futex' ? placeFutex(list, args) : place(list);
    }
    return new PendingCall(state, decoders, signature?.result);
  }

  /** The whole line of a call that did not block: `openat(AT_FDCWD, "/x", O_RDONLY) = 3`. */
  line(name: string, args: readonly bigint[], result: bigint | undefined): string {
    const call = this.enter(name, args);
    const exit = call.exit(result);
    return `${call.head}${exit.tail} = ${exit.result}`;
  }
}

/** futex's bitset (register 5) is shown in fourth or fifth place. */
function placeFutex(list: readonly ArgDecoder[], args: readonly bigint[]): Placed[] {
  const cmd = u32(args[1]!) & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  if (cmd === 9) return place(list, [0, 1, 2, 3, 5]);
  if (cmd === 10) return place(list, [0, 1, 2, 5]);
  return place(list);
}

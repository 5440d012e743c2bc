import { describe, expect, it } from 'vitest';
import { Errno } from '../../src/kernel/errno.js';
import { SYSCALL_NUMBERS as NR } from '../../src/kernel/syscall/numbers.js';
import { VirtualClock } from '../../src/kernel/clock.js';
import { ThreadWaits } from '../../src/kernel/waits.js';
import { DATA, UNMAPPED, syscallHarness, type SyscallHarness } from '../support/syscall-harness.js';

const E = (n: number) => BigInt(-n);
const EPOLLIN = 1;
const EPOLLOUT = 4;
const EPOLLERR = 8;
const EPOLLHUP = 0x10;
const EPOLLEXCLUSIVE = 1 << 28;
const EPOLLONESHOT = 1 << 30;
const EPOLLET = 2 ** 31;
const ADD = 1;
const DEL = 2;
const MOD = 3;
const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;
const EFD_SEMAPHORE = 1;
const F_GETFD = 1;
const F_GETFL = 3;

/** Scratch areas inside the harness's data mapping. */
const EVENT = DATA;
const EVENTS = DATA + 0x100;
const PIPE = DATA + 0x400;
const VALUE = DATA + 0x500;
const SIGSET = DATA + 0x600;
const TIMESPEC = DATA + 0x700;
const STAT = DATA + 0x800;

function event(h: SyscallHarness, events: number, data: bigint): number {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, events >>> 0, true);
  view.setBigUint64(8, data, true);
  h.write(EVENT, bytes);
  return EVENT;
}

/** The `n` struct epoll_event records at EVENTS as [events, data]. */
function events(h: SyscallHarness, n: number): [number, bigint][] {
  const view = new DataView(h.read(EVENTS, n * 16).slice().buffer);
  return Array.from({ length: n }, (_, i) => [view.getUint32(i * 16, true), view.getBigUint64(i * 16 + 8, true)]);
}

function pipe(h: SyscallHarness, flags = O_NONBLOCK): [number, number] {
  expect(h.syscall(NR.pipe2, PIPE, flags)).toBe(0n);
  const view = new DataView(h.read(PIPE, 8).slice().buffer);
  return [view.getInt32(0, true), view.getInt32(4, true)];
}

function u64(h: SyscallHarness, value: bigint): number {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value, true);
  h.write(VALUE, bytes);
  return VALUE;
}

const readU64 = (h: SyscallHarness) => new DataView(h.read(VALUE, 8).slice().buffer).getBigUint64(0, true);
const wait = (h: SyscallHarness, ep: number, max = 8, timeout = 0) => h.syscall(NR.epoll_pwait, ep, EVENTS, max, timeout, 0, 8);

describe('EpollSyscalls', () => {
  describe('epoll_create1', () => {
    it('should accept 0 and EPOLL_CLOEXEC and refuse other flags with -EINVAL', () => {
      const h = syscallHarness();
      const ep = Number(h.syscall(NR.epoll_create1, 0));
      expect(ep).toBeGreaterThanOrEqual(3);
      expect(h.syscall(NR.fcntl, ep, F_GETFD)).toBe(0n);
      expect(h.syscall(NR.fcntl, ep, F_GETFL)).toBe(2n);
      const cloexec = Number(h.syscall(NR.epoll_create1, O_CLOEXEC));
      expect(h.syscall(NR.fcntl, cloexec, F_GETFD)).toBe(1n);
      expect(h.syscall(NR.epoll_create1, 1)).toBe(E(Errno.EINVAL));
      expect(h.syscall(NR.epoll_create1, O_NONBLOCK)).toBe(E(Errno.EINVAL));
    });
    it('should refuse read and write on the epoll fd with -EINVAL', () => {
      const h = syscallHarness();
      const ep = Number(h.syscall(NR.epoll_create1, 0));
      expect(h.syscall(NR.read, ep, VALUE, 8)).toBe(E(Errno.EINVAL));
      expect(h.syscall(NR.write, ep, VALUE, 8)).toBe(E(Errno.EINVAL));
    });
  });

  describe('epoll_ctl', () => {
    it('should return the errors Linux returns, in its order', () => {
      const h = syscallHarness();
      const ep = Number(h.syscall(NR.epoll_create1, 0));
      const [r, w] = pipe(h);
      const ev = event(h, EPOLLIN, 1n);
      expect(h.syscall(NR.epoll_ctl, ep, ADD, r, UNMAPPED)).toBe(E(Errno.EFAULT));
      expect(h.syscall(NR.epoll_ctl, 99, ADD, r, ev)).toBe(E(Errno.EBADF));
      expect(h.syscall(NR.epoll_ctl, ep, ADD, 99, ev)).toBe(E(Errno.EBADF));
      expect(h.syscall(NR.epoll_ctl, ep, ADD, ep, ev)).toBe(E(Errno.EINVAL));
      expect(h.syscall(NR.epoll_ctl, w, ADD, r, ev)).toBe(E(Errno.EINVAL));
      expect(h.syscall(NR.epoll_ctl, ep, 7, r, ev)).toBe(E(Errno.EINVAL));
      expect(h.syscall(NR.epoll_ctl, ep, MOD, r, ev)).toBe(E(Errno.ENOENT));
      expect(h.syscall(NR.epoll_ctl, ep, DEL, r, UNMAPPED)).toBe(E(Errno.ENOENT));
      expect(h.syscall(NR.epoll_ctl, ep, ADD, r, ev)).toBe(0n);
      expect(h.syscall(NR.epoll_ctl, ep, ADD, r, ev)).toBe(E(Errno.EEXIST));
      expect(h.syscall(NR.epoll_ctl, ep, DEL, r, UNMAPPED)).toBe(0n);
    });
    it('should refuse regular files, directories and /dev/null with -EPERM', () => {
      const h = syscallHarness();
      const ep = Number(h.syscall(NR.epoll_create1, 0));
      const open = (path: string, flags: number) => {
        h.write(VALUE, `${path}\0`);
        return Number(h.syscall(NR.openat, -100, VALUE, flags, 0o600));
      };
      const ev = event(h, EPOLLIN, 1n);
      expect(h.syscall(NR.epoll_ctl, ep, ADD, open('/tmp/f', 0o102), ev)).toBe(E(Errno.EPERM));
      expect(h.syscall(NR.epoll_ctl, ep, ADD, open('/tmp', 0o200000), ev)).toBe(E(Errno.EPERM));
      expect(h.syscall(NR.epoll_ctl, ep, ADD, open('/dev/null', 2), ev)).toBe(E(Errno.EPERM));
      expect(h.syscall(NR.epoll_ctl, ep, ADD, open('/dev/urandom', 0), ev)).toBe(0n);
    });
    it('should take EPOLLEXCLUSIVE on ADD only, without EPOLLONESHOT, and never MOD such an entry', () => {
      const h = syscallHarness();
      const ep = Number(h.syscall(NR.epoll_create1, 0));
      const inner = Number(h.syscall(NR.epoll_create1, 0));
      const [r, w] = pipe(h);
      expect(h.syscall(NR.epoll_ctl, ep, ADD, r, event(h, EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 1n))).toBe(E(Errno.EINVAL));
      expect(h.syscall(NR.epoll_ctl, ep, ADD, inner, event(h, EPOLLIN | EPOLLEXCLUSIVE, 1n))).toBe(E(Errno.EINVAL));
      expect(h.syscall(NR.epoll_ctl, ep, ADD, r, event(h, EPOLLIN | EPOLLEXCLUSIVE, 1n))).toBe(0n);
      expect(h.syscall(NR.epoll_ctl, ep, MOD, r, event(h, EPOLLIN, 1n))).toBe(E(Errno.EINVAL));
      expect(h.syscall(NR.epoll_ctl, ep, ADD, w, event(h, EPOLLOUT, 1n))).toBe(0n);
      expect(h.syscall(NR.epoll_ctl, ep, MOD, w, event(h, EPOLLOUT | EPOLLEXCLUSIVE, 1n))).toBe(E(Errno.EINVAL));
    });
    it('should refuse entries past max_user_watches (65,536 in all) with -ENOSPC, and count a closed instance\'s entries back', () => {
      const h = syscallHarness();
      const [r] = pipe(h);
      // each dup of the read end is another entry for the same file, as on Linux
      const fds = Array.from({ length: 900 }, () => Number(h.syscall(NR.dup, r)));
      const ev = event(h, EPOLLIN, 0n);
      const eps: number[] = [];
      let added = 0;
      let refused: bigint | undefined;
      while (refused === undefined) {
        const ep = Number(h.syscall(NR.epoll_create1, 0));
        eps.push(ep);
        for (const fd of fds) {
          const result = h.syscall(NR.epoll_ctl, ep, ADD, fd, ev);
          if (result !== 0n) {
            refused = result;
            break;
          }
          added++;
        }
      }
      expect(refused).toBe(E(Errno.ENOSPC));
      expect(added).toBe(65_536);
      expect(h.syscall(NR.close, eps[0]!)).toBe(0n);
      const last = eps.at(-1)!;
      expect(h.syscall(NR.epoll_ctl, last, ADD, r, ev)).toBe(0n);
    });
    it('should refuse a cycle and more than 4 levels of nesting with -ELOOP', () => {
      const h = syscallHarness();
      const eps = Array.from({ length: 6 }, () => Number(h.syscall(NR.epoll_create1, 0)));
      const ev = event(h, EPOLLIN, 0n);
      for (let i = 0; i < 4; i++) expect(h.syscall(NR.epoll_ctl, eps[i]!, ADD, eps[i + 1]!, ev)).toBe(0n);
      expect(h.syscall(NR.epoll_ctl, eps[4]!, ADD, eps[5]!, ev)).toBe(E(Errno.ELOOP));
      expect(h.syscall(NR.epoll_ctl, eps[3]!, ADD, eps[0]!, ev)).toBe(E(Errno.ELOOP));
    });
  });

  describe('epoll_pwait', () => {
    it('should check maxevents, the sigset size, the fd and its kind', () => {
      const h = syscallHarness();
      const ep = Number(h.syscall(NR.epoll_create1, 0));
      const [r] = pipe(h);
      expect(wait(h, ep, 0)).toBe(E(Errno.EINVAL));
      expect(wait(h, ep, -1)).toBe(E(Errno.EINVAL));
      expect(h.syscall(NR.epoll_pwait, ep, EVENTS, 4, 0, SIGSET, 4)).toBe(E(Errno.EINVAL));
      expect(h.syscall(NR.epoll_pwait, ep, EVENTS, 4, 0, SIGSET, 8)).toBe(0n);
      expect(wait(h, 99)).toBe(E(Errno.EBADF));
      expect(wait(h, r)).toBe(E(Errno.EINVAL));
    });
    it('should copy the 64-bit data back exactly, and report a level-triggered entry while it is ready', () => {
      const h = syscallHarness();
      const ep = Number(h.syscall(NR.epoll_create1, 0));
      const [r, w] = pipe(h);
      expect(h.syscall(NR.epoll_ctl, ep, ADD, r, event(h, EPOLLIN, 0xfedc_ba98_7654_3210n))).toBe(0n);
      expect(wait(h, ep)).toBe(0n);
      h.write(VALUE, 'x');
      expect(h.syscall(NR.write, w, VALUE, 1)).toBe(1n);
      expect(wait(h, ep)).toBe(1n);
      expect(events(h, 1)).toEqual([[EPOLLIN, 0xfedc_ba98_7654_3210n]]);
      expect(wait(h, ep)).toBe(1n);
      expect(h.syscall(NR.read, r, VALUE, 8)).toBe(1n);
      expect(wait(h, ep)).toBe(0n);
    });
    it('should report an edge-triggered entry once per write, and a one-shot entry once until MOD', () => {
      const h = syscallHarness();
      const ep = Number(h.syscall(NR.epoll_create1, 0));
      const [r, w] = pipe(h);
      const [r2, w2] = pipe(h);
      expect(h.syscall(NR.epoll_ctl, ep, ADD, r, event(h, EPOLLIN | EPOLLET, 1n))).toBe(0n);
      expect(h.syscall(NR.epoll_ctl, ep, ADD, r2, event(h, EPOLLIN | EPOLLONESHOT, 2n))).toBe(0n);
      h.write(VALUE, 'x');
      h.syscall(NR.write, w, VALUE, 1);
      h.syscall(NR.write, w2, VALUE, 1);
      expect(wait(h, ep)).toBe(2n);
      expect(events(h, 2)).toEqual([
        [EPOLLIN, 1n],
        [EPOLLIN, 2n],
      ]);
      expect(wait(h, ep)).toBe(0n);
      h.syscall(NR.write, w, VALUE, 1);
      h.syscall(NR.write, w2, VALUE, 1);
      expect(wait(h, ep)).toBe(1n);
      expect(events(h, 1)).toEqual([[EPOLLIN, 1n]]);
      expect(h.syscall(NR.epoll_ctl, ep, MOD, r2, event(h, EPOLLIN, 3n))).toBe(0n);
      expect(wait(h, ep)).toBe(1n);
      expect(events(h, 1)).toEqual([[EPOLLIN, 3n]]);
    });
    it('should report EPOLLHUP without writers and EPOLLERR without readers, asked or not', () => {
      const h = syscallHarness();
      const ep = Number(h.syscall(NR.epoll_create1, 0));
      const [r, w] = pipe(h);
      const [r2, w2] = pipe(h);
      h.syscall(NR.epoll_ctl, ep, ADD, r, event(h, EPOLLIN, 1n));
      h.syscall(NR.epoll_ctl, ep, ADD, w2, event(h, EPOLLOUT, 2n));
      h.syscall(NR.close, w);
      h.syscall(NR.close, r2);
      expect(wait(h, ep)).toBe(2n);
      expect(new Map(events(h, 2).map(([mask, data]) => [data, mask]))).toEqual(new Map([[1n, EPOLLHUP], [2n, EPOLLOUT | EPOLLERR]]));
    });
    it('should drop an entry when its open file is closed for good, not while a dup keeps it', () => {
      const h = syscallHarness();
      const ep = Number(h.syscall(NR.epoll_create1, 0));
      const efd = Number(h.syscall(NR.eventfd2, 1, 0));
      const copy = Number(h.syscall(NR.dup, efd));
      h.syscall(NR.epoll_ctl, ep, ADD, efd, event(h, EPOLLIN, 7n));
      h.syscall(NR.close, efd);
      expect(wait(h, ep)).toBe(1n);
      expect(events(h, 1)).toEqual([[EPOLLIN, 7n]]);
      h.syscall(NR.close, copy);
      expect(wait(h, ep)).toBe(0n);
    });
    it('should report a watched epoll fd once, readable while it has ready entries (files without wake-ups polled)', () => {
      const h = syscallHarness();
      const outer = Number(h.syscall(NR.epoll_create1, 0));
      const inner = Number(h.syscall(NR.epoll_create1, 0));
      h.write(VALUE, '/dev/urandom\0');
      const random = Number(h.syscall(NR.openat, -100, VALUE, 0, 0));
      expect(h.syscall(NR.epoll_ctl, outer, ADD, inner, event(h, EPOLLIN, 1n))).toBe(0n);
      expect(wait(h, outer)).toBe(0n);
      expect(h.syscall(NR.epoll_ctl, inner, ADD, random, event(h, EPOLLIN, 2n))).toBe(0n);
      expect(wait(h, outer)).toBe(1n);
      expect(events(h, 1)).toEqual([[EPOLLIN, 1n]]);
      expect(wait(h, outer)).toBe(1n);
      expect(wait(h, inner)).toBe(1n);
      expect(events(h, 1)).toEqual([[EPOLLIN, 2n]]);
      // ppoll sees the inner epoll fd readable, then idle once its entry is gone
      const pollfd = new Uint8Array(8);
      new DataView(pollfd.buffer).setInt32(0, inner, true);
      new DataView(pollfd.buffer).setInt16(4, 1, true);
      h.write(SIGSET, pollfd);
      expect(h.syscall(NR.ppoll, SIGSET, 1, TIMESPEC, 0, 8)).toBe(1n);
      h.syscall(NR.epoll_ctl, inner, DEL, random, 0);
      h.write(TIMESPEC, new Uint8Array(16));
      expect(h.syscall(NR.ppoll, SIGSET, 1, TIMESPEC, 0, 8)).toBe(0n);
      expect(wait(h, outer)).toBe(0n);
    });
    it('should return -EFAULT when events are ready and the buffer cannot be written, 0 when none are', () => {
      const h = syscallHarness();
      const ep = Number(h.syscall(NR.epoll_create1, 0));
      expect(h.syscall(NR.epoll_pwait, ep, UNMAPPED, 4, 0, 0, 8)).toBe(0n);
      const efd = Number(h.syscall(NR.eventfd2, 1, 0));
      h.syscall(NR.epoll_ctl, ep, ADD, efd, event(h, EPOLLIN, 7n));
      expect(h.syscall(NR.epoll_pwait, ep, UNMAPPED, 4, 0, 0, 8)).toBe(E(Errno.EFAULT));
    });
    it('should block until a write makes an entry ready, then return its events', () => {
      const h = syscallHarness();
      const ep = Number(h.syscall(NR.epoll_create1, 0));
      const [r, w] = pipe(h);
      h.syscall(NR.epoll_ctl, ep, ADD, r, event(h, EPOLLIN, 5n));
      h.syscall(NR.epoll_pwait, ep, EVENTS, 4, -1, 0, 8);
      expect(h.main.state).toBe('blocked');
      h.write(VALUE, 'x');
      h.syscall(NR.write, w, VALUE, 1);
      expect(h.main.state).toBe('runnable');
      expect(h.main.pendingResult).toBe(1);
      expect(events(h, 1)).toEqual([[EPOLLIN, 5n]]);
    });
    it('should time out on the virtual clock with 0, and apply the wait\'s signal mask only while it waits', () => {
      const h = syscallHarness();
      const ep = Number(h.syscall(NR.epoll_create1, 0));
      const clock = h.zeroos.container.get(VirtualClock);
      const waits = h.zeroos.container.get(ThreadWaits);
      h.write(SIGSET, new Uint8Array([0xff, 0, 0, 0, 0, 0, 0, 0]));
      h.syscall(NR.epoll_pwait, ep, EVENTS, 4, 5, SIGSET, 8);
      expect(h.main.state).toBe('blocked');
      expect(h.main.signalMask).toBe(0xffn);
      expect(waits.earliestDeadline()).toBe(clock.now() + 5_000_000);
      clock.advanceTo(clock.now() + 5_000_000);
      waits.expire();
      expect(h.main.pendingResult).toBe(0);
      expect(h.main.signalMask).toBe(0n);
      expect(h.main.savedSignalMask).toBeUndefined();
    });
  });

  describe('epoll_pwait2', () => {
    it('should take a timespec timeout: zero polls, an invalid one is -EINVAL', () => {
      const h = syscallHarness();
      const ep = Number(h.syscall(NR.epoll_create1, 0));
      h.write(TIMESPEC, new Uint8Array(16));
      expect(h.syscall(NR.epoll_pwait2, ep, EVENTS, 4, TIMESPEC, 0, 8)).toBe(0n);
      const bad = new Uint8Array(16);
      new DataView(bad.buffer).setBigInt64(8, 1_000_000_000n, true);
      h.write(TIMESPEC, bad);
      expect(h.syscall(NR.epoll_pwait2, ep, EVENTS, 4, TIMESPEC, 0, 8)).toBe(E(Errno.EINVAL));
      const efd = Number(h.syscall(NR.eventfd2, 2, 0));
      h.syscall(NR.epoll_ctl, ep, ADD, efd, event(h, EPOLLIN | EPOLLOUT, 9n));
      expect(h.syscall(NR.epoll_pwait2, ep, EVENTS, 4, 0, 0, 8)).toBe(1n);
      expect(events(h, 1)).toEqual([[EPOLLIN | EPOLLOUT, 9n]]);
    });
  });
});

describe('EventFdSyscalls', () => {
  it('should refuse unknown flags with -EINVAL', () => {
    const h = syscallHarness();
    expect(h.syscall(NR.eventfd2, 0, 0x10)).toBe(E(Errno.EINVAL));
  });
  it('should read the whole count and reset it, or 1 at a time with EFD_SEMAPHORE', () => {
    const h = syscallHarness();
    const efd = Number(h.syscall(NR.eventfd2, 5, O_NONBLOCK));
    h.syscall(NR.write, efd, u64(h, 3n), 8);
    expect(h.syscall(NR.read, efd, VALUE, 8)).toBe(8n);
    expect(readU64(h)).toBe(8n);
    expect(h.syscall(NR.read, efd, VALUE, 8)).toBe(E(Errno.EAGAIN));
    const sem = Number(h.syscall(NR.eventfd2, 2, EFD_SEMAPHORE | O_NONBLOCK));
    expect(h.syscall(NR.read, sem, VALUE, 16)).toBe(8n);
    expect(readU64(h)).toBe(1n);
    expect(h.syscall(NR.read, sem, VALUE, 8)).toBe(8n);
    expect(h.syscall(NR.read, sem, VALUE, 8)).toBe(E(Errno.EAGAIN));
  });
  it('should refuse short buffers, writes other than 8 bytes and 2^64 - 1 with -EINVAL', () => {
    const h = syscallHarness();
    const efd = Number(h.syscall(NR.eventfd2, 1, O_NONBLOCK));
    expect(h.syscall(NR.read, efd, VALUE, 4)).toBe(E(Errno.EINVAL));
    expect(h.syscall(NR.write, efd, u64(h, 1n), 4)).toBe(E(Errno.EINVAL));
    expect(h.syscall(NR.write, efd, u64(h, 1n), 16)).toBe(E(Errno.EINVAL));
    expect(h.syscall(NR.write, efd, u64(h, 0xffff_ffff_ffff_ffffn), 8)).toBe(E(Errno.EINVAL));
  });
  it('should hold at most 2^64 - 2: a write past it is -EAGAIN when non-blocking, and blocks otherwise', () => {
    const h = syscallHarness();
    const efd = Number(h.syscall(NR.eventfd2, 0, O_NONBLOCK));
    expect(h.syscall(NR.write, efd, u64(h, 0xffff_ffff_ffff_fffen), 8)).toBe(8n);
    expect(h.syscall(NR.write, efd, u64(h, 1n), 8)).toBe(E(Errno.EAGAIN));
    expect(h.syscall(NR.write, efd, u64(h, 0n), 8)).toBe(8n);
    const blocking = Number(h.syscall(NR.eventfd2, 0, 0));
    h.syscall(NR.write, blocking, u64(h, 0xffff_ffff_ffff_fffen), 8);
    h.syscall(NR.write, blocking, u64(h, 1n), 8);
    expect(h.main.state).toBe('blocked');
  });
  it('should block a read at 0 until a write', () => {
    const h = syscallHarness();
    const efd = Number(h.syscall(NR.eventfd2, 0, 0));
    h.syscall(NR.read, efd, VALUE, 8);
    expect(h.main.state).toBe('blocked');
    h.syscall(NR.write, efd, u64(h, 4n), 8);
    expect(h.main.state).toBe('runnable');
  });
  it('should show as an anonymous inode: mode 0600, no file type', () => {
    const h = syscallHarness();
    const efd = Number(h.syscall(NR.eventfd2, 0, 0));
    expect(h.syscall(NR.fstat, efd, STAT)).toBe(0n);
    const mode = new DataView(h.read(STAT, 128).slice().buffer).getUint32(16, true);
    expect(mode).toBe(0o600);
  });
});

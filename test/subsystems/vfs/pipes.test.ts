import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/kernel/clock.js';
import { Errno } from '../../../src/kernel/errno.js';
import { Deadlock } from '../../../src/kernel/errors.js';
import { SYSCALL_NUMBERS as NR } from '../../../src/kernel/syscall/numbers.js';
import { ThreadWaits } from '../../../src/kernel/waits.js';
import {
  FD_CLOEXEC,
  F_GETFD,
  F_GETFL,
  O_CLOEXEC,
  O_NONBLOCK,
  O_RDWR,
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  POLLOUT,
  POLLRDNORM,
  POLLWRNORM,
} from '../../../src/subsystems/vfs/constants.js';
import { iovecs } from '../../support/syscall-harness.js';
import { E, Guest } from './support.js';

function pipe(g: Guest, flags = 0): [number, number] {
  const fds = g.alloc(8);
  expect(g.call(NR.pipe2, fds, flags)).toBe(0n);
  return [g.memory.readU32(fds), g.memory.readU32(fds + 4)];
}

/** A buffer of `length` bytes in the mmap region (bigger than the scratch area allows). */
function big(g: Guest, length: number): number {
  return Number(g.call(NR.mmap, 0, length, 3, 0x22, -1, 0));
}

function pollfds(g: Guest, entries: [number, number][]): number {
  const address = g.alloc(entries.length * 8);
  entries.forEach(([fd, events], i) => {
    g.memory.writeU32(address + i * 8, fd >>> 0);
    g.memory.writeU16(address + i * 8 + 4, events);
    g.memory.writeU16(address + i * 8 + 6, 0xffff);
  });
  return address;
}
const revents = (g: Guest, address: number, i: number) => g.memory.readU16(address + i * 8 + 6);

function timespec(g: Guest, ns: number): number {
  const address = g.alloc(16);
  g.memory.writeU64(address, BigInt(Math.floor(ns / 1e9)));
  g.memory.writeU64(address + 8, BigInt(ns % 1e9));
  return address;
}

describe('pipe2', () => {
  it('should hand out two fds that carry bytes in order, then end of file when the writer closes', () => {
    const g = Guest.create();
    const [r, w] = pipe(g);
    expect([r, w]).toEqual([3, 4]);
    expect(g.write(w, 'hello ')).toBe(6n);
    expect(g.write(w, 'world')).toBe(5n);
    expect(g.read(r, 8)).toBe('hello wo');
    g.close(w);
    expect(g.read(r, 8)).toBe('rld');
    expect(g.read(r, 8)).toBe('');
  });
  it('should keep the ends one-way and honour O_CLOEXEC and O_NONBLOCK', () => {
    const g = Guest.create();
    const [r, w] = pipe(g, O_CLOEXEC | O_NONBLOCK);
    expect(g.write(r, 'x')).toBe(E(Errno.EBADF));
    expect(g.read(w, 1)).toBe(E(Errno.EBADF));
    expect(g.call(NR.fcntl, r, F_GETFD)).toBe(BigInt(FD_CLOEXEC));
    expect(BigInt(g.call(NR.fcntl, w, F_GETFL)) & BigInt(O_NONBLOCK)).toBe(BigInt(O_NONBLOCK));
    expect(g.read(r, 1)).toBe(E(Errno.EAGAIN));
  });
  it('should refuse unknown flags, an unwritable fd array and a full table', () => {
    const g = Guest.create();
    expect(g.call(NR.pipe2, g.alloc(8), O_RDWR)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.pipe2, 0x7000_0000, 0)).toBe(E(Errno.EFAULT));
    for (let i = 3; i < 1023; i++) g.call(NR.dup, 1);
    expect(g.call(NR.pipe2, g.alloc(8), 0)).toBe(E(Errno.EMFILE));
    expect(g.h.zeroos.process.files.openDescriptors().length).toBe(1023);
  });
  it('should answer FIONREAD with the bytes waiting', () => {
    const g = Guest.create();
    const [r, w] = pipe(g);
    g.write(w, 'abcd');
    const count = g.alloc(4);
    expect(g.call(NR.ioctl, r, 0x541b, count)).toBe(0n);
    expect(g.memory.readU32(count)).toBe(4);
  });
});

describe('pipes between threads', () => {
  it('should block a reader of an empty pipe and wake it when a writer writes', () => {
    const g = Guest.create();
    const [r, w] = pipe(g);
    const reader = g.h.zeroos.process.createThread();
    const buffer = g.alloc(16);
    g.callAs(reader, NR.read, r, buffer, 16);
    expect(reader.state).toBe('blocked');
    expect(reader.blockedOn).toBe('read on an empty pipe');
    g.write(w, 'ping');
    expect(reader.state).toBe('runnable');
    expect(reader.pendingResult).toBe(r); // the restarted read gets its fd back in a0
    expect(g.callAs(reader, NR.read, r, buffer, 16)).toBe(4n);
    expect(Buffer.from(g.memory.read(buffer, 4)).toString()).toBe('ping');
  });
  it('should wake a blocked reader with end of file when the last writer closes', () => {
    const g = Guest.create();
    const [r, w] = pipe(g);
    const extra = Number(g.call(NR.dup, w));
    const reader = g.h.zeroos.process.createThread();
    g.callAs(reader, NR.read, r, g.alloc(4), 4);
    g.close(w);
    expect(reader.state).toBe('blocked');
    g.close(extra);
    expect(reader.state).toBe('runnable');
    expect(g.callAs(reader, NR.read, r, g.alloc(4), 4)).toBe(0n);
  });
  it('should block a writer on a full pipe and finish the whole write, in order, when it is drained', () => {
    const g = Guest.create();
    const [r, w] = pipe(g);
    const size = 100_000;
    const source = big(g, size);
    for (let i = 0; i < size; i++) g.memory.writeU8(source + i, i % 251);
    const writer = g.h.zeroos.process.createThread();
    g.callAs(writer, NR.write, w, source, size);
    expect(writer.state).toBe('blocked');
    const sink = big(g, size);
    expect(g.call(NR.read, r, sink, size)).toBe(65536n);
    expect(writer.state).toBe('runnable');
    expect(g.callAs(writer, NR.write, w, source, size)).toBe(BigInt(size)); // resumes after the 65536 bytes
    expect(g.call(NR.read, r, sink + 65536, size)).toBe(BigInt(size - 65536));
    const got = g.memory.read(sink, size);
    expect(got.every((byte, i) => byte === i % 251)).toBe(true);
  });
  it('should write up to PIPE_BUF bytes at once or not at all', () => {
    const g = Guest.create();
    const [r, w] = pipe(g, O_NONBLOCK);
    const filler = big(g, 65536);
    expect(g.call(NR.write, w, filler, 65536 - 100)).toBe(65436n);
    expect(g.write(w, 'x'.repeat(200))).toBe(E(Errno.EAGAIN));
    expect(g.call(NR.write, w, filler, 5000)).toBe(100n); // more than PIPE_BUF: what fits
    expect(g.call(NR.write, w, filler, 1)).toBe(E(Errno.EAGAIN));
    expect(g.read(r, 10)).toBe('\0'.repeat(10));
  });
  it('should report a deadlock when the only thread waits on a pipe it alone could write', () => {
    const g = Guest.create();
    const [r] = pipe(g);
    g.call(NR.read, r, g.alloc(4), 4);
    expect(g.h.main.state).toBe('blocked');
    // The restarted read runs again from the ecall, blocks again, and nobody is left to run.
    expect(() => g.h.zeroos.kernel.runFor(100)).toThrow(Deadlock);
  });
  it('should stop a readv at what is there, never blocking for the later vectors', () => {
    const g = Guest.create();
    const [r, w] = pipe(g);
    g.write(w, 'abc');
    const iov = g.alloc(32);
    iovecs(g.h, iov, [
      [g.alloc(2), 2],
      [g.alloc(8), 8],
    ]);
    expect(g.call(NR.readv, r, iov, 2)).toBe(3n);
  });
});

describe('sendfile into a pipe', () => {
  it('should send what fits and leave the rest of the file where it was', () => {
    const g = Guest.create();
    g.writeFile('/tmp/f', 'x'.repeat(6000));
    const file = g.fd('/tmp/f');
    const [r, w] = pipe(g, O_NONBLOCK);
    const filler = big(g, 65536);
    g.call(NR.write, w, filler, 65536 - 40);
    expect(g.call(NR.sendfile, w, file, 0, 6000)).toBe(40n); // more than PIPE_BUF: what fits
    expect(g.call(NR.lseek, file, 0, 1)).toBe(40n);
    expect(g.call(NR.sendfile, w, file, 0, 6000)).toBe(E(Errno.EAGAIN));
    expect(g.call(NR.lseek, file, 0, 1)).toBe(40n);
    g.call(NR.read, r, filler, 65536);
    expect(g.call(NR.sendfile, w, file, 0, 6000)).toBe(5960n);
  });
});

describe('writing to a pipe without a reader', () => {
  it('should end the process with SIGPIPE (status 141) by default', () => {
    const g = Guest.create();
    const [r, w] = pipe(g);
    g.close(r);
    g.write(w, 'x');
    expect(g.h.zeroos.process.exit).toMatchObject({ code: 141, signal: 13 });
  });
  it('should return EPIPE when SIGPIPE is ignored, as Rust programs have it', () => {
    const g = Guest.create();
    const action = g.alloc(32);
    g.memory.write(action, new Uint8Array(32));
    g.memory.writeU64(action, 1n); // SIG_IGN
    expect(g.call(NR.rt_sigaction, 13, action, 0, 8)).toBe(0n);
    const [r, w] = pipe(g);
    g.close(r);
    expect(g.write(w, 'x')).toBe(E(Errno.EPIPE));
    expect(g.h.zeroos.process.exited).toBe(false);
  });
  it('should wake a writer blocked on a full pipe when the reader goes, with EPIPE', () => {
    const g = Guest.create();
    const action = g.alloc(32);
    g.memory.write(action, new Uint8Array(32));
    g.memory.writeU64(action, 1n);
    g.call(NR.rt_sigaction, 13, action, 0, 8);
    const [r, w] = pipe(g);
    const source = big(g, 70_000);
    const writer = g.h.zeroos.process.createThread();
    g.callAs(writer, NR.write, w, source, 70_000);
    expect(writer.state).toBe('blocked');
    g.close(r);
    expect(writer.state).toBe('runnable');
    expect(g.callAs(writer, NR.write, w, source, 70_000)).toBe(65536n); // what went in before
    expect(g.callAs(writer, NR.write, w, source, 1)).toBe(E(Errno.EPIPE));
  });
});

describe('ppoll', () => {
  it('should report data, room, hang-up and errors on pipe ends, and POLLNVAL for a closed fd', () => {
    const g = Guest.create();
    const [r, w] = pipe(g);
    let fds = pollfds(g, [
      [r, POLLIN],
      [w, POLLOUT],
      [99, POLLIN],
      [-1, POLLIN],
    ]);
    expect(g.call(NR.ppoll, fds, 4, timespec(g, 0), 0, 0)).toBe(2n);
    expect([revents(g, fds, 0), revents(g, fds, 1), revents(g, fds, 2), revents(g, fds, 3)]).toEqual([0, POLLOUT, POLLNVAL, 0]);
    g.write(w, 'x');
    fds = pollfds(g, [[r, POLLIN | POLLRDNORM]]);
    expect(g.call(NR.ppoll, fds, 1, 0, 0, 0)).toBe(1n);
    expect(revents(g, fds, 0)).toBe(POLLIN | POLLRDNORM);
    g.close(w);
    fds = pollfds(g, [[r, POLLIN]]);
    g.call(NR.ppoll, fds, 1, 0, 0, 0);
    expect(revents(g, fds, 0)).toBe(POLLIN | POLLHUP);
    const [r2, w2] = pipe(g);
    g.close(r2);
    fds = pollfds(g, [[w2, POLLOUT | POLLWRNORM]]);
    g.call(NR.ppoll, fds, 1, 0, 0, 0);
    expect(revents(g, fds, 0)).toBe(POLLOUT | POLLWRNORM | POLLERR);
  });
  it('should find regular files and /dev/null always ready', () => {
    const g = Guest.create();
    const fds = pollfds(g, [
      [g.fd('/dev/null'), POLLIN | POLLOUT],
      [g.fd('/prog'), POLLIN],
    ]);
    expect(g.call(NR.ppoll, fds, 2, 0, 0, 0)).toBe(2n);
    expect(revents(g, fds, 0)).toBe(POLLIN | POLLOUT);
  });
  it('should block until a pipe becomes readable and then report it', () => {
    const g = Guest.create();
    const [r, w] = pipe(g);
    const poller = g.h.zeroos.process.createThread();
    const fds = pollfds(g, [[r, POLLIN]]);
    g.callAs(poller, NR.ppoll, fds, 1, 0, 0, 0);
    expect(poller.state).toBe('blocked');
    g.write(w, 'x');
    expect(poller.state).toBe('runnable');
    expect(poller.pendingResult).toBe(1);
    expect(revents(g, fds, 0)).toBe(POLLIN);
  });
  it('should time out on the virtual clock with 0', () => {
    const g = Guest.create();
    const [r] = pipe(g);
    const poller = g.h.zeroos.process.createThread();
    const fds = pollfds(g, [[r, POLLIN]]);
    g.callAs(poller, NR.ppoll, fds, 1, timespec(g, 5000), 0, 0);
    expect(poller.state).toBe('blocked');
    const clock = g.h.zeroos.container.get(VirtualClock);
    clock.advanceTo(clock.now() + 5000);
    g.h.zeroos.container.get(ThreadWaits).expire();
    expect(poller.state).toBe('runnable');
    expect(poller.pendingResult).toBe(0);
  });
  it('should refuse too many fds, a bad timeout and a bad sigset size', () => {
    const g = Guest.create();
    expect(g.call(NR.ppoll, g.alloc(8), 5000, 0, 0, 0)).toBe(E(Errno.EINVAL));
    const bad = g.alloc(16);
    g.memory.writeU64(bad, 0n);
    g.memory.writeU64(bad + 8, 2_000_000_000n);
    expect(g.call(NR.ppoll, pollfds(g, [[1, POLLOUT]]), 1, bad, 0, 0)).toBe(E(Errno.EINVAL));
    expect(g.call(NR.ppoll, pollfds(g, [[1, POLLOUT]]), 1, 0, g.alloc(8), 4)).toBe(E(Errno.EINVAL));
  });
});

describe('pselect6', () => {
  it('should keep the ready fds in each set and count them', () => {
    const g = Guest.create();
    const [r, w] = pipe(g);
    const readSet = g.alloc(8);
    const writeSet = g.alloc(8);
    g.memory.writeU64(readSet, (1n << BigInt(r)) | 1n);
    g.memory.writeU64(writeSet, 1n << BigInt(w));
    expect(g.call(NR.pselect6, w + 1, readSet, writeSet, 0, timespec(g, 0), 0)).toBe(2n);
    expect(g.memory.readU64(readSet)).toBe(1n); // stdin is always ready; the empty pipe is not
    expect(g.memory.readU64(writeSet)).toBe(1n << BigInt(w));
  });
  it('should block until a set fd is ready, and fail EBADF for a closed one', () => {
    const g = Guest.create();
    const [r, w] = pipe(g);
    const readSet = g.alloc(8);
    g.memory.writeU64(readSet, 1n << BigInt(r));
    const waiter = g.h.zeroos.process.createThread();
    g.callAs(waiter, NR.pselect6, r + 1, readSet, 0, 0, 0, 0);
    expect(waiter.state).toBe('blocked');
    expect(g.memory.readU64(readSet)).toBe(0n);
    g.write(w, 'x');
    expect(waiter.pendingResult).toBe(1);
    expect(g.memory.readU64(readSet)).toBe(1n << BigInt(r));
    g.memory.writeU64(readSet, 1n << 40n);
    expect(g.call(NR.pselect6, 41, readSet, 0, 0, 0, 0)).toBe(E(Errno.EBADF));
    expect(g.call(NR.pselect6, -1, 0, 0, 0, 0, 0)).toBe(E(Errno.EINVAL));
  });
});

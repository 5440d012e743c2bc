import { describe, expect, it } from 'vitest';
import { PagedMemory } from '../../src/arch/memory/paged-memory.js';
import { PERM_RW } from '../../src/arch/memory/types.js';
import { SyscallDecoder, memoryView } from '../../src/trace/strace/decode.js';

const BASE = 0x10000;
const args = (...values: (number | bigint)[]) => [...values.map((v) => BigInt.asUintN(64, BigInt(v))), 0n, 0n, 0n, 0n, 0n, 0n].slice(0, 6);

function guest() {
  const memory = new PagedMemory();
  memory.map(BASE, 0x1000, PERM_RW, 'data');
  const decoder = new SyscallDecoder(memoryView(memory));
  /** struct epoll_event records at `address`. */
  const events = (address: number, list: [number, bigint][]) => {
    const bytes = new Uint8Array(list.length * 16);
    const view = new DataView(bytes.buffer);
    list.forEach(([mask, data], i) => {
      view.setUint32(i * 16, mask >>> 0, true);
      view.setBigUint64(i * 16 + 8, data, true);
    });
    memory.poke(address, bytes);
  };
  return { memory, decoder, events };
}

describe('strace decoders for epoll and eventfd', () => {
  it('should name epoll_create1 and eventfd2 flags', () => {
    const { decoder } = guest();
    expect(decoder.line('epoll_create1', args(0o2000000), 3n)).toBe('epoll_create1(EPOLL_CLOEXEC) = 3');
    expect(decoder.line('epoll_create1', args(0), 3n)).toBe('epoll_create1(0) = 3');
    expect(decoder.line('eventfd2', args(5, 0o4001), 4n)).toBe('eventfd2(5, EFD_SEMAPHORE|EFD_NONBLOCK) = 4');
  });

  it('should print epoll_ctl with its operation by name and the event struct (the address for EPOLL_CTL_DEL)', () => {
    const { decoder, events } = guest();
    events(BASE, [[0x1 | 2 ** 31, 0x1_0000_0005n]]);
    expect(decoder.line('epoll_ctl', args(3, 1, 4, BASE), 0n)).toBe(
      'epoll_ctl(3, EPOLL_CTL_ADD, 4, {events=EPOLLIN|EPOLLET, data={u32=5, u64=4294967301}}) = 0',
    );
    expect(decoder.line('epoll_ctl', args(3, 2, 4, 0), 0n)).toBe('epoll_ctl(3, EPOLL_CTL_DEL, 4, NULL) = 0');
    expect(decoder.line('epoll_ctl', args(3, 9, 4, BASE), -22n)).toBe(
      'epoll_ctl(3, 0x9 /* EPOLL_CTL_??? */, 4, {events=EPOLLIN|EPOLLET, data={u32=5, u64=4294967301}}) = -1 EINVAL (Invalid argument)',
    );
  });

  it('should print the events epoll_pwait returned, as many as it returned', () => {
    const { decoder, events } = guest();
    events(BASE + 0x100, [
      [0x11, 7n],
      [0xc, 8n],
      [0x1, 9n],
    ]);
    expect(decoder.line('epoll_pwait', args(3, BASE + 0x100, 8, -1, 0, 8), 2n)).toBe(
      'epoll_pwait(3, [{events=EPOLLIN|EPOLLHUP, data={u32=7, u64=7}}, {events=EPOLLOUT|EPOLLERR, data={u32=8, u64=8}}], 8, -1, NULL, 8) = 2',
    );
    expect(decoder.line('epoll_pwait', args(3, BASE + 0x100, 8, 0, 0, 8), 0n)).toBe('epoll_pwait(3, [], 8, 0, NULL, 8) = 0');
    expect(decoder.line('epoll_pwait', args(3, BASE + 0x100, 0, 0, 0, 8), -22n)).toBe(
      'epoll_pwait(3, 0x10100, 0, 0, NULL, 8) = -1 EINVAL (Invalid argument)',
    );
    expect(decoder.line('epoll_pwait2', args(3, BASE + 0x100, 8, 0, 0, 8), 1n)).toBe(
      'epoll_pwait2(3, [{events=EPOLLIN|EPOLLHUP, data={u32=7, u64=7}}], 8, NULL, NULL, 8) = 1',
    );
  });
});

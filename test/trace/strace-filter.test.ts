import { describe, expect, it } from 'vitest';
import { parseTraceFilter, SYSCALL_CLASSES, TraceFilterError } from '../../src/trace/strace/filter.js';
import { SYSCALL_NUMBERS } from '../../src/kernel/syscall/numbers.js';

describe('--trace-filter (strace trace= expressions)', () => {
  it('should select names, classes and their union', () => {
    const f = parseTraceFilter('openat,%memory');
    expect(f.matches('openat')).toBe(true);
    expect(f.matches('mmap')).toBe(true);
    expect(f.matches('brk')).toBe(true);
    expect(f.matches('read')).toBe(false);
  });

  it('should follow strace\'s class membership', () => {
    const is = (expr: string, name: string) => parseTraceFilter(expr).matches(name);
    expect(is('%file', 'openat')).toBe(true);
    expect(is('%file', 'newfstatat')).toBe(true);
    expect(is('%file', 'read')).toBe(false);
    expect(is('%file', 'fstat')).toBe(false);
    expect(is('%desc', 'read')).toBe(true);
    expect(is('%desc', 'fstat')).toBe(true);
    expect(is('%desc', 'mmap')).toBe(true);
    expect(is('%memory', 'mprotect')).toBe(true);
    expect(is('%process', 'clone')).toBe(true);
    expect(is('%process', 'exit_group')).toBe(true);
    expect(is('%process', 'futex')).toBe(false);
    expect(is('%signal', 'rt_sigaction')).toBe(true);
    expect(is('%signal', 'kill')).toBe(true);
    expect(is('%ipc', 'shmget')).toBe(true);
    expect(is('%clock', 'clock_gettime')).toBe(true);
    expect(is('%clock', 'nanosleep')).toBe(false);
    // Every class member is a riscv64 syscall.
    for (const members of Object.values(SYSCALL_CLASSES)) {
      for (const name of members) expect(Object.hasOwn(SYSCALL_NUMBERS, name), name).toBe(true);
    }
  });

  it('should negate the whole set with !, and know all, none, /regex and ?name', () => {
    const f = parseTraceFilter('!futex,%clock');
    expect(f.matches('futex')).toBe(false);
    expect(f.matches('clock_gettime')).toBe(false);
    expect(f.matches('read')).toBe(true);
    expect(parseTraceFilter('all').matches('read')).toBe(true);
    expect(parseTraceFilter('none').matches('read')).toBe(false);
    expect(parseTraceFilter('!none').matches('read')).toBe(true);
    expect(parseTraceFilter('trace=/^rt_sig').matches('rt_sigaction')).toBe(true);
    expect(parseTraceFilter('/^rt_sig').matches('kill')).toBe(false);
    expect(parseTraceFilter('?nosuchcall,read').matches('read')).toBe(true);
  });

  it('should refuse unknown names and classes, empty elements and bad patterns with a usage error', () => {
    for (const bad of ['open', '%files', '', 'read,,write', '/(', '!']) {
      let error: unknown;
      try {
        parseTraceFilter(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(TraceFilterError);
      expect((error as TraceFilterError).exitCode).toBe(64);
    }
    expect(() => parseTraceFilter('open')).toThrow('"open" is not a riscv64 Linux syscall');
  });
});

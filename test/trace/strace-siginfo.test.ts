import { describe, expect, it } from 'vitest';
import type { SignalEvent, SignalInfo } from '../../src/kernel/events.js';
import { readSiginfo } from '../../src/subsystems/signals/signals.js';
import { eventFromJson, eventToJsonLine } from '../../src/trace/json.js';
import { formatSiginfo, siCodeName } from '../../src/trace/strace/siginfo.js';

/** A siginfo_t as the kernel writes it: signo, code, then the union's words at 16, 20, 24. */
function siginfo(signo: number, code: number, fill: (view: DataView) => void = () => {}): DataView {
  const view = new DataView(new ArrayBuffer(128));
  view.setInt32(0, signo, true);
  view.setInt32(8, code, true);
  fill(view);
  return view;
}

describe('siginfo as strace prints it', () => {
  it('should print kill, tkill and queued signals with their sender (and value for SI_QUEUE)', () => {
    const pid = (v: DataView) => v.setInt32(16, 1, true);
    expect(formatSiginfo(readSiginfo(siginfo(23, -6, pid)))).toBe('{si_signo=SIGURG, si_code=SI_TKILL, si_pid=1, si_uid=0}');
    expect(formatSiginfo(readSiginfo(siginfo(10, 0, pid)))).toBe('{si_signo=SIGUSR1, si_code=SI_USER, si_pid=1, si_uid=0}');
    const queued = siginfo(12, -1, (v) => {
      pid(v);
      v.setBigUint64(24, 7n, true);
    });
    expect(formatSiginfo(readSiginfo(queued))).toBe('{si_signo=SIGUSR2, si_code=SI_QUEUE, si_pid=1, si_uid=0, si_int=7, si_ptr=0x7}');
    expect(formatSiginfo(readSiginfo(siginfo(12, -1, pid)))).toBe('{si_signo=SIGUSR2, si_code=SI_QUEUE, si_pid=1, si_uid=0}');
  });

  it('should print a POSIX timer\'s id, overrun and value, and an interval timer\'s SI_KERNEL alone', () => {
    const timer = (id: number, overrun: number, value: bigint) =>
      siginfo(14, -2, (v) => {
        v.setInt32(16, id, true);
        v.setInt32(20, overrun, true);
        v.setBigUint64(24, value, true);
      });
    expect(formatSiginfo(readSiginfo(timer(0, 0, 0n)))).toBe('{si_signo=SIGALRM, si_code=SI_TIMER, si_timerid=0, si_overrun=0, si_int=0, si_ptr=NULL}');
    expect(formatSiginfo(readSiginfo(timer(2, 19, 0x1_0000_0007n)))).toBe('{si_signo=SIGALRM, si_code=SI_TIMER, si_timerid=0x2, si_overrun=19, si_int=7, si_ptr=0x100000007}');
    expect(formatSiginfo(readSiginfo(siginfo(14, 0x80)))).toBe('{si_signo=SIGALRM, si_code=SI_KERNEL}');
    expect(readSiginfo(timer(2, 19, 5n))).toEqual({ signo: 14, errno: 0, code: -2, timerid: 2, overrun: 19, value: 5n });
  });

  it('should print a fault\'s code by name and its address', () => {
    const at = (address: bigint) => (v: DataView) => v.setBigUint64(16, address, true);
    expect(formatSiginfo(readSiginfo(siginfo(11, 1, at(0x10n))))).toBe('{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10}');
    expect(formatSiginfo(readSiginfo(siginfo(11, 2, at(0x1000n))))).toBe('{si_signo=SIGSEGV, si_code=SEGV_ACCERR, si_addr=0x1000}');
    expect(formatSiginfo(readSiginfo(siginfo(4, 1, at(0x10078n))))).toBe('{si_signo=SIGILL, si_code=ILL_ILLOPC, si_addr=0x10078}');
    expect(formatSiginfo(readSiginfo(siginfo(7, 1, at(0x11001n))))).toBe('{si_signo=SIGBUS, si_code=BUS_ADRALN, si_addr=0x11001}');
    expect(formatSiginfo(readSiginfo(siginfo(5, 1, at(0x100b0n))))).toBe('{si_signo=SIGTRAP, si_code=TRAP_BRKPT, si_addr=0x100b0}');
    expect(formatSiginfo(readSiginfo(siginfo(8, 1, at(0x100b0n))))).toBe('{si_signo=SIGFPE, si_code=FPE_INTDIV, si_addr=0x100b0}');
    // a bad signal frame: force_sig's SI_KERNEL, and strace still prints si_addr for SIGSEGV
    expect(formatSiginfo(readSiginfo(siginfo(11, 0x80)))).toBe('{si_signo=SIGSEGV, si_code=SI_KERNEL, si_addr=NULL}');
    expect(readSiginfo(siginfo(11, 1, at(0x10n)))).toEqual({ signo: 11, errno: 0, code: 1, addr: 0x10n });
  });

  it('should print an unknown code in hex and a set si_errno by name', () => {
    expect(siCodeName(42, 10)).toBe('0x2a');
    expect(siCodeName(-8, 10)).toBe('0xfffffff8');
    const info: SignalInfo = { signo: 10, errno: 1, code: 0, pid: 1, uid: 0 };
    expect(formatSiginfo(info)).toBe('{si_signo=SIGUSR1, si_code=SI_USER, si_errno=EPERM, si_pid=1, si_uid=0}');
  });

  it('should carry the siginfo through the JSON trace, its address and value as bigints again', () => {
    const event: SignalEvent = {
      kind: 'signal',
      seq: 3,
      instret: 100,
      tid: 1,
      phase: 'delivered',
      signal: 14,
      handler: 0x10000n,
      info: { signo: 14, errno: 0, code: -2, timerid: 1, overrun: 0, value: 0x5eedn },
    };
    const line = eventToJsonLine(event);
    expect(JSON.parse(line).info).toEqual({ signo: 14, errno: 0, code: -2, timerid: 1, overrun: 0, value: '24301' });
    expect(eventFromJson(line)).toEqual(event);
  });
});

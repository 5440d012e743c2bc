/**
 * A delivered signal's siginfo as strace prints it (its printsiginfo: si_signo, si_code by
 * name, si_errno when set, then the union's fields for the code), for the
 * `--- SIGx {...} ---` lines: `{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10}`,
 * `{si_signo=SIGURG, si_code=SI_TKILL, si_pid=1, si_uid=0}`,
 * `{si_signo=SIGALRM, si_code=SI_TIMER, si_timerid=0, si_overrun=0, si_int=0, si_ptr=NULL}`.
 */
import type { SignalInfo } from '../../kernel/events.js';
import { errnoInfo, signalName, type Xlat } from './constants.js';

/** si_codes every signal can have (include/uapi/asm-generic/siginfo.h). */
const SI_CODES: Xlat = [
  [0, 'SI_USER'],
  [0x80, 'SI_KERNEL'],
  [-1, 'SI_QUEUE'],
  [-2, 'SI_TIMER'],
  [-3, 'SI_MESGQ'],
  [-4, 'SI_ASYNCIO'],
  [-5, 'SI_SIGIO'],
  [-6, 'SI_TKILL'],
  [-7, 'SI_DETHREAD'],
  [-60, 'SI_ASYNCNL'],
];

const names = (prefix: string, list: readonly string[]): Xlat => list.map((name, i) => [i + 1, `${prefix}_${name}`] as const);

/** The positive si_codes of the signals that have their own. */
const SIGNAL_CODES: Readonly<Record<number, Xlat>> = {
  4: names('ILL', ['ILLOPC', 'ILLOPN', 'ILLADR', 'ILLTRP', 'PRVOPC', 'PRVREG', 'COPROC', 'BADSTK', 'BADIADDR']),
  5: names('TRAP', ['BRKPT', 'TRACE', 'BRANCH', 'HWBKPT', 'UNK', 'PERF']),
  7: names('BUS', ['ADRALN', 'ADRERR', 'OBJERR', 'MCEERR_AR', 'MCEERR_AO']),
  8: [...names('FPE', ['INTDIV', 'INTOVF', 'FLTDIV', 'FLTOVF', 'FLTUND', 'FLTRES', 'FLTINV', 'FLTSUB']), [14, 'FPE_FLTUNK'], [15, 'FPE_CONDTRAP']],
  11: names('SEGV', ['MAPERR', 'ACCERR', 'BNDERR', 'PKUERR', 'ACCADI', 'ADIDERR', 'ADIPERR', 'MTEAERR', 'MTESERR']),
  17: names('CLD', ['EXITED', 'KILLED', 'DUMPED', 'TRAPPED', 'STOPPED', 'CONTINUED']),
  29: names('POLL', ['IN', 'OUT', 'MSG', 'ERR', 'PRI', 'HUP']),
  31: names('SYS', ['SECCOMP', 'USER_DISPATCH']),
};

/** Signals whose si_addr strace prints for a kernel-generated (positive) code. */
const ADDRESS_SIGNALS = new Set([4, 5, 7, 8, 11]);

/** si_code by name (the generic codes first, then the signal's own), else its value in hex as strace prints an unknown one. */
export function siCodeName(code: number, signo: number): string {
  const generic = SI_CODES.find(([value]) => value === code);
  if (generic) return generic[1];
  const own = SIGNAL_CODES[signo]?.find(([value]) => value === code);
  if (own) return own[1];
  return code === 0 ? '0' : `0x${(code >>> 0).toString(16)}`;
}

/** A pointer field: NULL or 0x... */
function pointer(value: bigint): string {
  return value === 0n ? 'NULL' : `0x${BigInt.asUintN(64, value).toString(16)}`;
}

/** si_uid as strace's PRINT_FIELD_ID does: unsigned, (uid_t)-1 as -1. */
function uid(value: number): string {
  return value >>> 0 === 0xffff_ffff ? '-1' : String(value >>> 0);
}

/** The braces of a `--- SIGx {...} ---` line. */
export function formatSiginfo(info: SignalInfo): string {
  const fields = [`si_signo=${signalName(info.signo)}`, `si_code=${siCodeName(info.code, info.signo)}`];
  if (info.errno !== 0) fields.push(`si_errno=${errnoInfo(info.errno)?.name ?? info.errno}`);
  const source = () => fields.push(`si_pid=${info.pid ?? 0}`, `si_uid=${uid(info.uid ?? 0)}`);
  const value = () => {
    const v = info.value ?? 0n;
    fields.push(`si_int=${Number(BigInt.asIntN(32, v))}`, `si_ptr=${pointer(v)}`);
  };
  if (info.code <= 0) {
    if (info.code === 0 || info.code === -6) {
      source(); // SI_USER, SI_TKILL
    } else if (info.code === -2) {
      const id = info.timerid ?? 0;
      fields.push(`si_timerid=${id === 0 ? '0' : `0x${(id >>> 0).toString(16)}`}`, `si_overrun=${info.overrun ?? 0}`);
      value();
    } else {
      source();
      if (info.value) value();
    }
  } else if (ADDRESS_SIGNALS.has(info.signo)) {
    fields.push(`si_addr=${pointer(info.addr ?? 0n)}`);
  } else {
    if (info.pid || info.uid) source();
    if (info.value) value();
  }
  return `{${fields.join(', ')}}`;
}

import { inject, injectable } from 'inversify';
import { VirtualClock } from '../../kernel/clock.js';
import type { Platform } from '../../kernel/contracts/platform.js';
import { defineSyscall, type SyscallContext, type SyscallDefinition, type SyscallProvider } from '../../kernel/contracts/syscall.js';
import { PERM_RW } from '../../arch/memory/types.js';
import { Errno } from '../../kernel/errno.js';
import { int, ptr, size, uint } from '../../kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../kernel/syscall/numbers.js';
import { KERNEL_CONFIG, PLATFORM, type KernelConfig } from '../../kernel/tokens.js';

/** What uname reports: fixed, so runs never depend on the host. */
export const UTSNAME = {
  sysname: 'Linux',
  nodename: 'zeroos',
  release: '6.6.0-zeroos',
  version: '#1 SMP ZeroOS',
  machine: 'riscv64',
  domainname: '(none)',
} as const;

const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;
const RLIMIT_STACK = 3;
const RLIMIT_NOFILE = 7;
const RLIMIT_AS = 9;
const RLIMIT_NLIMITS = 16;

const RISCV_HWPROBE = {
  MVENDORID: 0,
  MARCHID: 1,
  MIMPID: 2,
  BASE_BEHAVIOR: 3,
  IMA_EXT_0: 4,
  CPUPERF_0: 5,
  ZICBOZ_BLOCK_SIZE: 6,
} as const;
/** RISCV_HWPROBE_BASE_BEHAVIOR_IMA: rv64ima user space. */
const BASE_BEHAVIOR_IMA = 1n;
/** RISCV_HWPROBE_IMA_FD: the F and D extensions. */
const IMA_EXT_FD = 1n << 0n;
/** RISCV_HWPROBE_IMA_C: compressed instructions. (No V, no Zb*: the hart has neither.) */
const IMA_EXT_C = 1n << 1n;
const HWCAP_F = 1 << 5;
const HWCAP_D = 1 << 3;
const HWCAP_C = 1 << 2;

/** IMA_EXT_0 of a hart with these AT_HWCAP bits: IMA_FD with F and D, IMA_C with C. */
function imaExt0(hwcap: number): bigint {
  return ((hwcap & (HWCAP_F | HWCAP_D)) === (HWCAP_F | HWCAP_D) ? IMA_EXT_FD : 0n) | (hwcap & HWCAP_C ? IMA_EXT_C : 0n);
}
/** RISCV_HWPROBE_MISALIGNED_FAST: misaligned accesses cost no trap here. */
const MISALIGNED_FAST = 3n;

/**
 * The most pairs one riscv_hwprobe call answers; a larger pair_count is -EINVAL. Linux has
 * no cap (it walks every pair), but a real caller asks for a handful of keys, and the cap
 * keeps one call's host work fixed (1 MiB of pairs) however large a count a guest passes.
 */
export const HWPROBE_MAX_PAIRS = 1 << 16;
/** Pairs handled per bulk read and write of guest memory (one page's worth). */
const HWPROBE_CHUNK = 256;

/** The value riscv_hwprobe answers for `key`, or undefined for a key it does not know. */
function hwprobeValue(key: bigint, hwcap: number): bigint | undefined {
  switch (key) {
    case BigInt(RISCV_HWPROBE.MVENDORID):
    case BigInt(RISCV_HWPROBE.MARCHID):
    case BigInt(RISCV_HWPROBE.MIMPID):
    case BigInt(RISCV_HWPROBE.ZICBOZ_BLOCK_SIZE):
      return 0n;
    case BigInt(RISCV_HWPROBE.BASE_BEHAVIOR):
      return BASE_BEHAVIOR_IMA;
    case BigInt(RISCV_HWPROBE.IMA_EXT_0):
      return imaExt0(hwcap);
    case BigInt(RISCV_HWPROBE.CPUPERF_0):
      return MISALIGNED_FAST;
    default:
      return undefined;
  }
}

/** Answers one pair in place (unknown keys become -1 with value 0, as Linux does). */
function answerPair(view: DataView, at: number, hwcap: number): void {
  const value = hwprobeValue(view.getBigInt64(at, true), hwcap);
  if (value === undefined) view.setBigInt64(at, -1n, true);
  view.setBigUint64(at + 8, value ?? 0n, true);
}

const MEMBARRIER_CMD_QUERY = 0;
/** The membarrier commands accepted: global, private expedited and their registrations. */
const MEMBARRIER_SUPPORTED = 0b1_1111_1011;

/** uname, ids, limits (prlimit64, getrlimit, setrlimit), sysinfo, riscv_hwprobe, getcpu, membarrier: who the process is and what it runs on. */
@injectable()
export class IdentitySyscalls implements SyscallProvider {
  readonly subsystem = 'process';
  private readonly _limits = new Map<number, [bigint, bigint]>();

  constructor(
    @inject(PLATFORM) private readonly platform: Platform,
    @inject(KERNEL_CONFIG) private readonly config: KernelConfig,
    @inject(VirtualClock) private readonly clock: VirtualClock,
  ) {}

  /** The run's real limits: the stack region, the fd table, the memory limit. */
  private limit(resource: number, files: { limit: number }): [bigint, bigint] {
    const set = this._limits.get(resource);
    if (set) return set;
    switch (resource) {
      case RLIMIT_STACK: {
        const stack = this.platform.layout.find('stack');
        const bytes = stack ? BigInt(stack.end - stack.start) : RLIM_INFINITY;
        return [bytes, RLIM_INFINITY];
      }
      case RLIMIT_NOFILE:
        return [BigInt(files.limit), BigInt(files.limit)];
      case RLIMIT_AS: {
        const cap = Number.isFinite(this.config.memoryLimit) ? BigInt(this.config.memoryLimit) : RLIM_INFINITY;
        return [cap, cap];
      }
      default:
        return [RLIM_INFINITY, RLIM_INFINITY];
    }
  }

  /**
   * prlimit64's work for the calling process: reports the limit into `oldLimit` and sets
   * it from `newLimit` (either may be 0). getrlimit and setrlimit pass their one pointer as
   * `required`: there a null pointer is -EFAULT, as Linux copies to or from it regardless.
   */
  private exchangeLimit(
    context: SyscallContext,
    resource: number,
    newLimit: number,
    oldLimit: number,
    required = false,
  ): number {
    if (resource < 0 || resource >= RLIMIT_NLIMITS) return -Errno.EINVAL;
    if (required && newLimit === 0 && oldLimit === 0) return -Errno.EFAULT;
    const [soft, hard] = this.limit(resource, context.process.files);
    let next: [bigint, bigint] | undefined;
    if (newLimit !== 0) {
      next = [context.memory.readU64(newLimit), context.memory.readU64(newLimit + 8)];
      if (next[0] > next[1]) return -Errno.EINVAL;
      if (next[1] > hard) return -Errno.EPERM;
    }
    if (oldLimit !== 0) {
      context.memory.writeU64(oldLimit, soft);
      context.memory.writeU64(oldLimit + 8, hard);
    }
    if (next) this._limits.set(resource, next);
    return 0;
  }

  syscalls(): readonly SyscallDefinition[] {
    const zero = () => 0;
    const ids = (['getuid', 'geteuid', 'getgid', 'getegid'] as const).map((name) =>
      defineSyscall({ name, nr: NR[name], args: [], support: 'full', note: 'root (0), as in a container', handler: zero }),
    );
    return [
      ...ids,
      defineSyscall({
        name: 'uname',
        nr: NR.uname,
        args: [ptr('buf')],
        support: 'full',
        note: 'fixed fields: Linux 6.6.0-zeroos riscv64',
        handler(context, buf) {
          const out = new Uint8Array(65 * 6);
          Object.values(UTSNAME).forEach((field, i) => out.set(new TextEncoder().encode(field), i * 65));
          context.memory.write(buf, out);
          return 0;
        },
      }),
      ...(['getresuid', 'getresgid'] as const).map((name) =>
        defineSyscall({
          name,
          nr: NR[name],
          args: [ptr('real'), ptr('effective'), ptr('saved')],
          support: 'full',
          handler(context, a, b, c) {
            for (const address of [a, b, c]) context.memory.writeU32(address, 0);
            return 0;
          },
        }),
      ),
      defineSyscall({ name: 'getppid', nr: NR.getppid, args: [], support: 'full', note: 'no parent: 0', handler: zero }),
      defineSyscall({
        name: 'getpgid',
        nr: NR.getpgid,
        args: [int('pid')],
        support: 'full',
        handler: (context, pid) => (pid === 0 || pid === context.process.pid ? context.process.pid : -Errno.ESRCH),
      }),
      defineSyscall({
        name: 'getsid',
        nr: NR.getsid,
        args: [int('pid')],
        support: 'full',
        handler: (context, pid) => (pid === 0 || pid === context.process.pid ? context.process.pid : -Errno.ESRCH),
      }),
      defineSyscall({
        name: 'prlimit64',
        nr: NR.prlimit64,
        args: [int('pid'), int('resource'), ptr('new_limit'), ptr('old_limit')],
        support: 'partial',
        note: 'RLIMIT_STACK, RLIMIT_NOFILE and RLIMIT_AS report the run\'s real limits; new limits are kept and reported, not enforced',
        handler: (context, pid, resource, newLimit, oldLimit) => {
          if (pid !== 0 && pid !== context.process.pid) return -Errno.ESRCH;
          return this.exchangeLimit(context, resource, newLimit, oldLimit);
        },
      }),
      // getrlimit/setrlimit: the calling process's limits, as prlimit64(0, ...) (Go's os package reads RLIMIT_NOFILE at start-up).
      defineSyscall({
        name: 'getrlimit',
        nr: NR.getrlimit,
        args: [int('resource'), ptr('rlim')],
        support: 'partial',
        note: 'as prlimit64(0, resource, NULL, rlim)',
        handler: (context, resource, rlim) => this.exchangeLimit(context, resource, 0, rlim, true),
      }),
      defineSyscall({
        name: 'setrlimit',
        nr: NR.setrlimit,
        args: [int('resource'), ptr('rlim')],
        support: 'partial',
        note: 'as prlimit64(0, resource, rlim, NULL): kept and reported, not enforced',
        handler: (context, resource, rlim) => this.exchangeLimit(context, resource, rlim, 0, true),
      }),
      defineSyscall({
        name: 'sysinfo',
        nr: NR.sysinfo,
        args: [ptr('info')],
        support: 'full',
        handler: (context, info) => {
          const out = new Uint8Array(112);
          const view = new DataView(out.buffer);
          const total = Number.isFinite(this.config.memoryLimit) ? this.config.memoryLimit : 2 ** 32;
          const used = context.memory.residentPages * 4096;
          view.setBigUint64(0, BigInt(Math.floor(this.clock.now() / 1e9)), true); // uptime
          view.setBigUint64(32, BigInt(total), true); // totalram
          view.setBigUint64(40, BigInt(Math.max(0, total - used)), true); // freeram
          view.setUint16(80, context.process.liveThreads().length, true); // procs
          view.setUint32(104, 1, true); // mem_unit
          context.memory.write(info, out);
          return 0;
        },
      }),
      defineSyscall({
        name: 'riscv_hwprobe',
        nr: NR.riscv_hwprobe,
        args: [ptr('pairs'), size('pair_count'), size('cpusetsize'), ptr('cpus'), uint('flags')],
        support: 'full',
        note: `describes the emulated hart from its extensions (IMA_FD with F and D, IMA_C), misaligned accesses fast; at most ${HWPROBE_MAX_PAIRS} pairs per call (more: -EINVAL)`,
        handler(context, pairs, count, _setSize, _cpus, flags) {
          if (flags !== 0) return -Errno.EINVAL;
          if (!(count <= HWPROBE_MAX_PAIRS)) return -Errno.EINVAL;
          const memory = context.memory;
          const hwcap = context.hart.isa.hwcap;
          // A page's worth of pairs at a time: one read, one write (only when something
          // changed, so pairs in never-written memory allocate nothing), no allocation per pair.
          for (let done = 0; done < count; done += HWPROBE_CHUNK) {
            const at = pairs + done * 16;
            const length = Math.min(HWPROBE_CHUNK, count - done) * 16;
            if (!memory.isAccessible(at, length, PERM_RW)) {
              // Pair by pair up to the one that faults (-EFAULT), the earlier ones answered, as Linux does.
              for (let offset = 0; offset < length; offset += 16) {
                const bytes = memory.read(at + offset, 16);
                answerPair(new DataView(bytes.buffer, bytes.byteOffset, 16), 0, hwcap);
                memory.write(at + offset, bytes);
              }
              continue;
            }
            const bytes = memory.read(at, length);
            const before = bytes.slice();
            const view = new DataView(bytes.buffer, bytes.byteOffset, length);
            for (let offset = 0; offset < length; offset += 16) answerPair(view, offset, hwcap);
            if (bytes.some((b, i) => b !== before[i])) memory.write(at, bytes);
          }
          return 0;
        },
      }),
      defineSyscall({
        name: 'getcpu',
        nr: NR.getcpu,
        args: [ptr('cpu'), ptr('node'), ptr('cache')],
        support: 'full',
        handler(context, cpu, node) {
          if (cpu !== 0) context.memory.writeU32(cpu, 0);
          if (node !== 0) context.memory.writeU32(node, 0);
          return 0;
        },
      }),
      defineSyscall({
        name: 'membarrier',
        nr: NR.membarrier,
        args: [int('cmd'), uint('flags'), int('cpu_id')],
        support: 'full',
        note: 'one hart: every barrier is already there',
        handler(_context, cmd) {
          if (cmd === MEMBARRIER_CMD_QUERY) return MEMBARRIER_SUPPORTED;
          return cmd > 0 && (cmd & MEMBARRIER_SUPPORTED) === cmd && (cmd & (cmd - 1)) === 0 ? 0 : -Errno.EINVAL;
        },
      }),
    ];
  }
}


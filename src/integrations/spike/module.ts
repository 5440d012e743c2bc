import { ContainerModule } from 'inversify';
import { hex } from '../../errors.js';
import type { RunOutcome, RunReport } from '../../kernel/contracts/outcome.js';
import type { SyscallContext } from '../../kernel/contracts/syscall.js';
import { Kernel } from '../../kernel/kernel.js';
import type { Process } from '../../kernel/process.js';
import { ARCH, BOOT_CONTRIBUTION, KERNEL_EVENTS, RUN_REPORTER } from '../../kernel/tokens.js';
import { formatSize } from '../../platform/layout.js';
import { Console } from '../../subsystems/console/index.js';
import { HtifHost } from './htif.js';
import type { SpikePlatform } from './platform.js';

/** Spike answers a packet within one polling batch of this many instructions (riscv/sim.h INTERLEAVE). */
export const SPIKE_INTERLEAVE = 5000;

/**
 * The Spike run's services: at boot, HTIF's windows on tohost/fromhost (putchar to the
 * console's stdout, getchar from its stdin, exit through Kernel.endRun); after the run, a
 * report of how it ended and what HTIF carried.
 */
export function spikeModule(platform: SpikePlatform): ContainerModule {
  let htif: HtifHost | undefined;
  let process: Process | undefined;
  return new ContainerModule(({ bind }) => {
    bind(BOOT_CONTRIBUTION).toDynamicValue((context) => ({
      onBoot(booted) {
        process = booted;
        const addresses = platform.program?.htif;
        if (!addresses) return;
        const arch = context.get(ARCH);
        const console = context.get(Console);
        // The console's files want a syscall context (a refused host write raises SIGPIPE in the thread).
        const syscallContext = (): SyscallContext => ({
          memory: arch.memory,
          hart: arch.hart,
          process: booted,
          thread: booted.liveThreads()[0] ?? [...booted.threads.values()][0]!,
          events: context.get(KERNEL_EVENTS),
        });
        const stdout = console.open('stdout');
        const stdin = console.open('stdin');
        htif = new HtifHost(addresses, {
          memory: arch.memory,
          putchar: (byte) => void stdout.write!(syscallContext(), Uint8Array.of(byte)),
          getchar: () => {
            const got = stdin.read!(syscallContext(), 1);
            return got instanceof Uint8Array && got.length === 1 ? got[0] : undefined;
          },
          exit: (code, packet, pc) => context.get(Kernel).endRun(code, `HTIF exit: tohost = ${hex(packet)} at pc ${hex(pc)}`),
        });
        for (const window of htif.windows()) arch.hart.addIoWindow(window);
      },
    }));
    bind(RUN_REPORTER).toConstantValue({ report: () => spikeReport(platform, htif, process) });
  });
}

/** How the run ended in Spike's terms and what HTIF carried (--stats, RunStats.reports, RunResult.outcome). */
export function spikeReport(platform: SpikePlatform, htif: HtifHost | undefined, process: Process | undefined): RunReport {
  const program = platform.program;
  const counts = htif?.counts;
  const lines: [string, string][] = [];
  if (program) {
    const { spike } = program;
    lines.push([
      'spike layout',
      `RAM ${hex(spike.ramStart)}+${formatSize(spike.memorySize)}, stack [${hex(spike.stackBottom)}, ${hex(spike.stackTop)}), ` +
        `heap [${hex(spike.heapStart)}, ${hex(spike.heapEnd)})${program.fromSymbols ? ' (as the program was linked)' : ''}`,
    ]);
    lines.push(['htif', program.htif ? `tohost ${hex(program.htif.tohost)}, fromhost ${hex(program.htif.fromhost)}` : program.warning!]);
  }
  if (counts) {
    lines.push([
      'htif packets',
      `${counts.packets}: putchar ${counts.putchar}, getchar ${counts.getchar}, exit ${counts.exit ? 1 : 0} ` +
        `(each answered at once; Spike polls tohost every ${SPIKE_INTERLEAVE} instructions, so the guest's spin counts differ)`,
    ]);
  }
  let outcome: RunOutcome | undefined;
  const exit = counts?.exit;
  if (exit) {
    const status = exit.code & 0xff;
    outcome = {
      name: 'htif-exit',
      exitCode: status,
      detail:
        `the guest stored tohost = ${hex(exit.packet)} (exit, code ${exit.code}) at pc ${hex(exit.pc)}: spike exits ${status}` +
        (exit.code === 0 ? '' : ` after printing "*** FAILED *** (tohost = ${exit.code})" on its stderr`),
    };
  } else if (process?.exit && process.exit.signal === undefined && platform.config.trapMode === 'host') {
    outcome = {
      name: 'exited',
      exitCode: process.exit.code,
      detail: `exit_group(${process.exit.code}), served by ZeroOS in host trap mode (ZeroOS in the guest would send tohost = ${process.exit.code} << 1 | 1)`,
    };
  }
  return {
    source: 'spike',
    ...(outcome ? { outcome } : {}),
    lines,
    data: {
      trapMode: platform.config.trapMode,
      ...(program?.htif ? { tohost: program.htif.tohost, fromhost: program.htif.fromhost } : {}),
      ...(program?.warning ? { warning: program.warning } : {}),
      ...(counts ? { packets: counts.packets, putchar: counts.putchar, getchar: counts.getchar } : {}),
      ...(exit ? { exitCode: exit.code, exitPacket: '0x' + exit.packet.toString(16) } : {}),
      ...(program
        ? {
            layout: {
              memorySize: program.spike.memorySize,
              stackSize: program.spike.stackSize,
              heapSize: program.spike.heapSize,
              stackTop: program.spike.stackTop,
              stackBottom: program.spike.stackBottom,
              heapStart: program.spike.heapStart,
              heapEnd: program.spike.heapEnd,
              fromSymbols: program.fromSymbols,
            },
          }
        : {}),
    },
  };
}

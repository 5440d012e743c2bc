import { ContainerModule } from 'inversify';
import type { IsaRegistry } from '../../arch/riscv64/isa/index.js';
import { CostAccounting } from '../../kernel/cost.js';
import { ARCH, BOOT_CONTRIBUTION, COST_MODEL, KERNEL_EVENTS, MEMORY_BUDGET, PROCESS, RUN_REPORTER } from '../../kernel/tokens.js';
import { writeGuestFd } from '../module.js';
import { joltCostReport, type JoltCostModel } from './cost-model.js';
import type { JoltHostEvent, JoltHostServices } from './instructions.js';
import type { KernelEvents } from '../../kernel/events.js';
import type { Process } from '../../kernel/process.js';
import type { JoltPlatform } from './platform.js';

/** The parts of one Jolt run the container wires. */
export interface JoltRunParts {
  readonly platform: JoltPlatform;
  /** Jolt's trace rows (cost-model.ts). */
  readonly costModel: JoltCostModel;
  /** What Jolt's custom instructions do on the host: print, cycle markers, advice (instructions.ts). */
  readonly host: JoltHostServices;
  readonly maxTraceLength: number;
}

/**
 * Jolt's part of the container: its trace-row cost model, the host side of its custom
 * instructions (prints go to the guest's stdout, cycle markers read the rows so far), and
 * what the run reports (outcome, termination and panic words, output, inputs, cycles,
 * spans). The memory rules are the platform's (its bootstrap installs them, once the
 * program's layout is known).
 */
export function joltModule(parts: JoltRunParts): ContainerModule {
  const { platform, costModel, host } = parts;
  return new ContainerModule(({ bind }) => {
    bind(COST_MODEL).toConstantValue(costModel);
    bind(BOOT_CONTRIBUTION).toDynamicValue((context) => ({
      onBoot() {
        const hart = context.get(ARCH).hart as { isa?: IsaRegistry };
        if (hart.isa) costModel.attach(hart.isa);
        const accounting = context.get(CostAccounting);
        const budget = context.get(MEMORY_BUDGET);
        const arch = context.get(ARCH);
        forwardHostEvents(host, context.get(KERNEL_EVENTS), () => arch.hart.instret, () => runningTid(context.get(PROCESS)));
        host.attach({
          // Jolt's print and eprint share one channel: the guest's stdout, written as its own
          // write(2) would be (a closed pipe is EPIPE and SIGPIPE for the guest, not our error).
          write: (bytes) => void writeGuestFd(context.get(PROCESS), arch, context.get(KERNEL_EVENTS), 1, bytes),
          reserve: (bytes) => budget.charge('devices', bytes, "Jolt's advice tape"),
          rows: () => accounting.total,
        });
      },
    }));
    bind(RUN_REPORTER).toDynamicValue((context) => ({
      report() {
        const base = platform.report();
        const cost = joltCostReport({
          rows: context.get(CostAccounting).total,
          trapMode: platform.options.trapMode,
          ecalls: costModel.ecalls,
          maxTraceLength: parts.maxTraceLength,
        });
        // The CLI prints `cycles N (model)` from RunStats.cost itself.
        const costLines = cost.lines.filter(([label]) => label !== 'cycles');
        return {
          ...base,
          lines: [...costLines, ...host.reportLines(), ...base.lines],
          data: { ...base.data, ...cost.data, ...host.reportData() },
        };
      },
    }));
  });
}

/** The thread on the hart (the kernel marks it with runningSince). */
function runningTid(process: Process): number {
  const live = process.liveThreads();
  return (live.find((t) => t.runningSince !== undefined) ?? live[0])?.tid ?? 0;
}

/**
 * Jolt's cycle-tracking spans, warnings and advice writes become `integration` events
 * (source 'jolt'), so traces and digests show them where they happened. Prints are not
 * repeated: they are the guest's stdout.
 */
function forwardHostEvents(host: JoltHostServices, events: KernelEvents, instret: () => number, tid: () => number): void {
  host.events$.subscribe((event: JoltHostEvent) => {
    const data = integrationData(event);
    if (data !== undefined) events.emitIntegration({ instret: instret(), tid: tid(), source: 'jolt', name: event.kind, data });
  });
}

function integrationData(event: JoltHostEvent): Record<string, unknown> | undefined {
  switch (event.kind) {
    case 'span-start':
      return { label: event.label, pointer: event.pointer, rows: event.at.rows, instructions: event.at.instructions, pc: event.at.pc };
    case 'span-end':
      return { ...event.span };
    case 'warning':
      return { message: event.message, pc: event.pc };
    case 'advice-write':
      return { length: event.length };
    default:
      return undefined;
  }
}

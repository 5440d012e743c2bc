import { ContainerModule } from 'inversify';
import type { IsaRegistry } from '../../arch/riscv64/isa/index.js';
import type { SyscallContext } from '../../kernel/contracts/syscall.js';
import { CostAccounting } from '../../kernel/cost.js';
import { ARCH, BOOT_CONTRIBUTION, COST_MODEL, RUN_REPORTER } from '../../kernel/tokens.js';
import { Console } from '../../subsystems/console/index.js';
import { joltCostReport, type JoltCostModel } from './cost-model.js';
import type { JoltHostServices } from './instructions.js';
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
        const stdout = context.get(Console).open('stdout');
        const accounting = context.get(CostAccounting);
        host.attach({
          // A print is no syscall: a host that refuses it (a closed pipe) loses the bytes, as Jolt's println! would.
          write: (bytes) => void stdout.write?.(undefined as unknown as SyscallContext, bytes),
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

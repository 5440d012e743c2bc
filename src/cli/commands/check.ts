import { type Command, InvalidArgumentError, Option } from 'commander';
import type { IntegrationRegistry } from '../../integrations/index.js';
import type { TrapMode } from '../../arch/riscv64/types.js';
import { DEFAULT_CHECK_RUN_BUDGET } from '../../check/defaults.js';
import { addIntegrationOptions } from './layout.js';

export interface CheckCommandOptions {
  platform: string;
  trap: TrapMode;
  json?: boolean;
  run?: boolean | string[];
  maxInstructions?: number;
}

function parseBudget(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/**
 * `zeroos check ELF [--platform P] [--trap host|machine] [--json] [--run [args...]]`: exit 0
 * when the program should run there, 1 with the reasons when not, 64 on usage errors, 65
 * when the file is no RISC-V executable. The platform's layout options (Jolt's sizes, ...)
 * shape the layout it is checked against.
 */
export function addCheckCommand(program: Command, registry: IntegrationRegistry): void {
  const all = registry.list();
  addIntegrationOptions(
    program
      .command('check')
      .description('will this program run on a platform? ISA extensions, CSRs, syscalls and layout, with reasons and how to relink (exit 0 yes, 1 no)')
      .showHelpAfterError('(zeroos check --help for usage)')
      .argument('<elf>', 'the program')
      .addOption(new Option('--platform <name>', `platform: ${registry.names().join(', ')}`).default('linux'))
      .addOption(new Option('--trap <mode>', "where ecall goes: host (ZeroOS serves syscalls, the program runs in U-mode) or machine (the guest's own mtvec handler)").choices(['host', 'machine']).default('host'))
      .option('--json', 'print the report as JSON (schema zeroos-check/1, docs/check.md)')
      .option('--run [args...]', 'also run it (unknown syscalls answered -ENOSYS) and list the syscalls the run made; args go to the guest')
      .option('--max-instructions <n>', `the run's instruction budget (default ${DEFAULT_CHECK_RUN_BUDGET})`, parseBudget),
    all,
    'layout',
  ).action(async (elf: string, options: CheckCommandOptions & Record<string, unknown>) => {
    // The checker (ELF scans, a kernel run) loads only for this command.
    const { runCheck } = await import('./check-action.js');
    process.exitCode = runCheck(elf, options, registry, all);
  });
}

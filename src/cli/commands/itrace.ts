import { type Command, InvalidArgumentError } from 'commander';

export interface ItraceShowOptions {
  elf?: string;
  from?: number;
  count?: number;
  aliases: boolean;
}

function parseIndex(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!/^[\d_]+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

/**
 * `zeroos itrace show FILE [--elf ELF]`: an instruction trace written by `zeroos run --itrace`,
 * one instruction per line (index, thread, pc with its function, word, disassembly, the
 * destination value or store address). With --elf the functions are named, after checking
 * that the ELF is the traced executable (its SHA-256).
 */
export function addItraceCommand(program: Command): void {
  const itrace = program.command('itrace').description('instruction traces written by zeroos run --itrace FILE (format: docs/itrace.md)');
  itrace
    .command('show')
    .description('print a trace one instruction per line: index, [thread], pc <function>, word, disassembly, -> value or @ store address')
    .showHelpAfterError('(zeroos itrace show --help for usage)')
    .argument('<file>', 'the trace')
    .option('--elf <elf>', 'the traced executable: names functions (checked against the SHA-256 the trace records)')
    .option('--from <index>', 'start at this retired-instruction index', parseIndex)
    .option('--count <n>', 'print at most n instructions', parseIndex)
    .option('--no-aliases', 'every instruction in its base form (no li, mv, ret, j, ...)')
    .action(async (file: string, options: ItraceShowOptions) => {
      // The reader and the disassembler load only for this command.
      const { showItrace } = await import('./itrace-show.js');
      process.exitCode = await showItrace(file, options);
    });
}

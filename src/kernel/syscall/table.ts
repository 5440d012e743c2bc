import { injectable, multiInject } from 'inversify';
import { KernelStateError } from '../errors.js';
import type { SyscallEntry, SyscallProvider, SyscallTable } from '../contracts/syscall.js';
import { SYSCALL_PROVIDER } from '../tokens.js';
import { SYSCALL_NUMBERS } from './numbers.js';

/**
 * The syscall table as data. Every Linux riscv64 number starts as "missing"
 * (the Linux way: fill every slot, then override the implemented ones); each subsystem's
 * provider overrides the rows it serves. A number served twice is a wiring mistake.
 */
@injectable()
export class DataSyscallTable implements SyscallTable {
  private readonly _byNumber: (SyscallEntry | undefined)[] = [];
  private readonly _entries: SyscallEntry[];

  constructor(@multiInject(SYSCALL_PROVIDER) providers: SyscallProvider[]) {
    for (const [name, nr] of Object.entries(SYSCALL_NUMBERS)) {
      this._byNumber[nr] = { nr, name, support: 'missing' };
    }
    for (const provider of providers) {
      for (const definition of provider.syscalls()) {
        const existing = this._byNumber[definition.nr];
        if (existing?.definition) {
          throw new KernelStateError(
            `syscall ${definition.name} (${definition.nr}) is provided by both ${existing.subsystem} and ${provider.subsystem}`,
          );
        }
        this._byNumber[definition.nr] = {
          nr: definition.nr,
          name: definition.name,
          support: definition.support,
          subsystem: provider.subsystem,
          ...(definition.note === undefined ? {} : { note: definition.note }),
          definition,
        };
      }
    }
    this._entries = this._byNumber.filter((e): e is SyscallEntry => e !== undefined);
  }

  lookup(nr: number): SyscallEntry | undefined {
    return this._byNumber[nr];
  }

  entries(): readonly SyscallEntry[] {
    return this._entries;
  }
}

/** The table as `zeroos syscalls` prints it. */
export function formatSyscallTable(table: SyscallTable, options: { all?: boolean } = {}): string {
  const rows = table.entries().filter((e) => options.all || e.support !== 'missing');
  const lines = rows.map(
    (e) =>
      `${String(e.nr).padStart(4)}  ${e.name.padEnd(24)} ${e.support.padEnd(8)} ${(e.subsystem ?? '-').padEnd(10)} ${e.note ?? ''}`.trimEnd(),
  );
  const served = table.entries().filter((e) => e.support !== 'missing').length;
  return [
    `  nr  ${'name'.padEnd(24)} ${'support'.padEnd(8)} ${'subsystem'.padEnd(10)} note`,
    ...lines,
    `${served} of ${table.entries().length} Linux riscv64 syscalls served`,
  ].join('\n');
}

/** `zeroos itrace show`: the listing of an instruction trace (see itrace.ts). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Disassembler } from '../../arch/riscv64/disasm.js';
import { isaRegistry, STANDARD_EXTENSIONS, type Extension } from '../../arch/riscv64/isa/index.js';
import { FunctionTable } from '../../elf/symbols.js';
import { EXIT_CODES, ZeroOSError } from '../../errors.js';
import { HostFileError } from '../../subsystems/vfs/errors.js';
import { isaExtensionNames, STOP_DESCRIPTIONS, type ItraceRecord } from '../../trace/itrace/format.js';
import { ItraceReader } from '../../trace/itrace/reader.js';
import { writeDiagnostic } from '../host-io.js';
import type { ItraceShowOptions } from './itrace.js';

/** --elf names an executable other than the traced one (exit 65). */
export class ItraceExecutableMismatch extends ZeroOSError {
  readonly exitCode = EXIT_CODES.badElf;
  constructor(elf: string, elfSha256: string, traced: string) {
    super(`${elf} is not the traced executable: its SHA-256 is ${elfSha256}, the trace's is ${traced}`);
  }
}

/** Extensions a trace's ISA string may name beyond the standard ones, for decoding only. */
async function extraExtension(name: string): Promise<Extension | undefined> {
  if (name === 'xjolt') {
    const { joltExtension } = await import('../../integrations/jolt/instructions.js');
    // Decoding needs the encodings and mnemonics; the hooks (and so the host) never run here.
    return joltExtension({} as Parameters<typeof joltExtension>[0]);
  }
  return undefined;
}

/** Prints the listing; returns the exit status. */
export async function showItrace(file: string, options: ItraceShowOptions): Promise<number> {
  const reader = ItraceReader.open(file);
  const header = reader.header;
  let functions: FunctionTable | undefined;
  if (options.elf !== undefined) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(options.elf);
    } catch (error) {
      reader.close();
      throw new HostFileError(options.elf, 'read executable', error);
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== header.executableSha256) {
      reader.close();
      throw new ItraceExecutableMismatch(options.elf, sha256, header.executableSha256);
    }
    functions = FunctionTable.fromElf(bytes);
  }
  const standard = new Set(STANDARD_EXTENSIONS.map((e) => e.letter ?? e.name));
  const extensions = [...STANDARD_EXTENSIONS];
  for (const name of isaExtensionNames(header.isa)) {
    if (standard.has(name)) continue;
    const extra = await extraExtension(name);
    if (extra !== undefined) extensions.push(extra);
    else writeDiagnostic(2, `zeroos: itrace: the trace's ISA names the extension "${name}", unknown here: its instructions show as .word\n`);
  }
  const disassembler = new Disassembler({
    isa: isaRegistry({ extensions }),
    aliases: options.aliases,
    ...(functions === undefined ? {} : { symbol: (address: number) => (functions!.lookup(address) === undefined ? undefined : functions!.describe(address)) }),
  });
  const out = new ListingOutput();
  out.line(`# instruction trace v${header.version}: executable sha256 ${header.executableSha256}, ${header.isa}, from index ${header.firstIndex}`);
  const from = options.from ?? 0;
  const count = options.count ?? Infinity;
  let printed = 0;
  try {
    for (const record of reader) {
      if (record.index < from) continue;
      if (printed >= count || out.closed) break;
      out.line(formatRecord(record, disassembler, functions));
      printed++;
    }
    const trailer = reader.trailer;
    if (trailer !== undefined) {
      out.line(`# ${trailer.count} instructions; tracing stopped: ${STOP_DESCRIPTIONS[trailer.stop]}; trace sha256 ${trailer.sha256}`);
    }
  } finally {
    out.flush();
    reader.close();
  }
  return 0;
}

/** One listing line: index, [tid], pc <function>, word, disassembly, -> value / @ address. */
export function formatRecord(record: ItraceRecord, disassembler: Disassembler, functions?: FunctionTable): string {
  const pc = `0x${record.pc.toString(16).padStart(8, '0')}`;
  const where = functions === undefined ? pc : `${pc} <${functions.describe(record.pc)}>`;
  const word = record.length === 2 ? record.bits.toString(16).padStart(4, '0').padEnd(8) : record.bits.toString(16).padStart(8, '0');
  const asm = disassembler.disassemble(record.bits, record.pc);
  const effect = record.value !== undefined ? `-> 0x${record.value.toString(16)}` : record.address !== undefined ? `@ 0x${record.address.toString(16)}` : '';
  const head = `${String(record.index).padStart(8)} [${record.tid}] ${where.padEnd(functions === undefined ? 10 : 36)} ${word}  `;
  return effect === '' ? head + asm : head + asm.padEnd(36) + ' ' + effect;
}

/** Lines to stdout in chunks; a reader that went away (| head) ends the listing quietly. */
class ListingOutput {
  closed = false;
  #pending: string[] = [];
  #size = 0;

  line(text: string): void {
    this.#pending.push(text);
    this.#size += text.length + 1;
    if (this.#size >= 1 << 16) this.flush();
  }

  flush(): void {
    if (this.#pending.length === 0 || this.closed) return;
    if (!writeDiagnostic(1, this.#pending.join('\n') + '\n')) this.closed = true;
    this.#pending = [];
    this.#size = 0;
  }
}

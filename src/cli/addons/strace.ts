/**
 * `zeroos run --trace [--trace-file FILE] [--trace-filter EXPR] [-c|--summary]`: the guest's
 * syscalls strace style (docs/strace.md). --trace-file or --trace-filter alone imply
 * --trace; -c prints strace -c's table at the end of the run (also after an error or
 * Ctrl-C) instead of the per-call lines, or after them with --trace.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { ARCH } from '../../kernel/tokens.js';
import { HostFileError } from '../../subsystems/vfs/index.js';
import { parseTraceFilter, TraceFilterError, type SyscallFilter } from '../../trace/strace/filter.js';
import type { RunAddon, RunAddonContext, RunAddonSession } from './types.js';

interface StraceOptions {
  trace?: boolean;
  traceFile?: string;
  traceFilter?: SyscallFilter;
  summary?: boolean;
}

function parseFilter(value: string): SyscallFilter {
  try {
    return parseTraceFilter(value);
  } catch (error) {
    if (error instanceof TraceFilterError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}

/** Bytes buffered before a write to the trace file. */
const FILE_BUFFER = 1 << 16;

/**
 * The trace file: buffered, written with writeSync. A host error ends the writing and is
 * reported (HostFileError, exit 77) when the run finishes; the run itself goes on.
 */
class TraceFile {
  readonly #fd: number;
  #chunks: string[] = [];
  #size = 0;
  #failure: HostFileError | undefined;

  constructor(private readonly path: string) {
    try {
      this.#fd = openSync(path, 'w');
    } catch (error) {
      throw new HostFileError(path, 'open the trace file', error);
    }
  }

  write(text: string): void {
    if (this.#failure !== undefined) return;
    this.#chunks.push(text);
    this.#size += text.length;
    if (this.#size >= FILE_BUFFER) this.flush();
  }

  flush(): void {
    if (this.#failure !== undefined || this.#chunks.length === 0) return;
    const data = Buffer.from(this.#chunks.join(''), 'utf8');
    this.#chunks = [];
    this.#size = 0;
    try {
      for (let done = 0; done < data.length; ) done += writeSync(this.#fd, data, done, data.length - done);
    } catch (error) {
      this.#failure = new HostFileError(this.path, 'write the trace file', error);
    }
  }

  /** Flushes and closes; throws the first write error. */
  close(): void {
    this.flush();
    try {
      closeSync(this.#fd);
    } catch (error) {
      this.#failure ??= new HostFileError(this.path, 'close the trace file', error);
    }
    if (this.#failure !== undefined) throw this.#failure;
  }
}

export const straceAddon: RunAddon = {
  name: 'strace',
  switches: ['--trace', '-c', '--summary'],
  addOptions(command: Command): void {
    command
      .option('--trace', 'print every syscall strace style, arguments decoded (stderr, or --trace-file)')
      .option('--trace-file <file>', 'write the --trace lines (and the -c table) to FILE instead of stderr (implies --trace unless -c)')
      .option(
        '--trace-filter <expr>',
        "only these syscalls, strace's trace= syntax: names and classes %file %desc %memory %process %signal %ipc %clock, ! negates (implies --trace unless -c)",
        parseFilter,
      )
      .option('-c, --summary', 'count calls, errors and instructions per syscall and print a table at the end (instead of the lines unless --trace)');
  },
  async start(raw, context: RunAddonContext): Promise<RunAddonSession | undefined> {
    const options = raw as StraceOptions;
    const summary = options.summary === true;
    const perCall = options.trace === true || (!summary && (options.traceFile !== undefined || options.traceFilter !== undefined));
    if (!perCall && !summary) return undefined;
    // The decoders load only for a traced run.
    const { memoryView, StracePrinter, SyscallSummary } = await import('../../trace/strace/index.js');
    const file = options.traceFile === undefined ? undefined : new TraceFile(options.traceFile);
    const write = file ? (text: string) => file.write(text) : context.stderr;
    const { hart, memory } = context.zeroos.container.get(ARCH);
    const table = summary ? new SyscallSummary() : undefined;
    const printer = new StracePrinter(context.zeroos.events, memoryView(memory, (i) => hart.getX(i)), {
      write,
      perCall,
      ...(options.traceFilter === undefined ? {} : { filter: options.traceFilter }),
      ...(table === undefined ? {} : { summary: table }),
    });
    return {
      finish() {
        printer.dispose();
        if (table !== undefined) write(table.format(context.zeroos.stats().cost?.unit));
        file?.close();
      },
    };
  },
};

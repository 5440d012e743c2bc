import type { Device, OpenFile } from '../../kernel/contracts/device.js';
import type { SyscallContext, SyscallResult } from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';

/** Where the guest's stdin comes from. `read` returns at most `length` bytes; empty means end of input. */
export interface InputSource {
  read(length: number): Uint8Array;
}

/** Where stdout or stderr goes: captured in memory, or handed to a function (e.g. the host's fd). */
export type OutputSink = 'capture' | ((data: Uint8Array) => void);

export interface ConsoleOptions {
  /** Default: empty input (end of file at once). */
  readonly stdin?: InputSource | Uint8Array | string;
  /** Default: captured. */
  readonly stdout?: OutputSink;
  readonly stderr?: OutputSink;
  /**
   * Whether the guest sees a terminal (TCGETS/TIOCGWINSZ succeed, with fixed 80×24
   * geometry). Default false: the host's terminal never leaks into the run, so runs stay
   * reproducible.
   */
  readonly terminal?: boolean;
}

/** An input source over bytes already in memory. */
export function bytesInput(data: Uint8Array | string): InputSource {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  let offset = 0;
  return {
    read(length) {
      const chunk = bytes.subarray(offset, Math.min(bytes.length, offset + length));
      offset += chunk.length;
      return chunk;
    },
  };
}

const TCGETS = 0x5401;
const TCSETS = 0x5402;
const TCSETSW = 0x5403;
const TCSETSF = 0x5404;
const TIOCGPGRP = 0x540f;
const TIOCGWINSZ = 0x5413;
const TIOCSWINSZ = 0x5414;
/** sizeof(struct termios) in the riscv64 kernel ABI: 4 flag words, c_line, c_cc[19]. */
const TERMIOS_SIZE = 36;

/** A sane cooked-mode termios: ICRNL|IXON, OPOST|ONLCR, B38400|CS8|CREAD, ISIG|ICANON|ECHO…, default c_cc. */
function defaultTermios(): Uint8Array {
  const t = new Uint8Array(TERMIOS_SIZE);
  const view = new DataView(t.buffer);
  view.setUint32(0, 0x0500, true);
  view.setUint32(4, 0x0005, true);
  view.setUint32(8, 0x00bf, true);
  view.setUint32(12, 0x8a3b, true);
  t.set([3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0], 17);
  return t;
}

class CapturedOutput {
  readonly chunks: Uint8Array[] = [];
  bytes = 0;
  push(data: Uint8Array): void {
    this.chunks.push(data.slice());
    this.bytes += data.length;
  }
  contents(): Uint8Array {
    const out = new Uint8Array(this.bytes);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

/**
 * The console: stdin, stdout and stderr of the guest. Output is captured or passed to a
 * sink as it is written (unbuffered: the guest's libc does the buffering).
 */
export class Console implements Device {
  readonly name = 'console';
  readonly terminal: boolean;
  readonly #stdin: InputSource;
  readonly #sinks: Record<'stdout' | 'stderr', (data: Uint8Array) => void>;
  readonly #captured = { stdout: new CapturedOutput(), stderr: new CapturedOutput() };
  #termios: Uint8Array = defaultTermios();
  #winsize: Uint8Array = new Uint8Array([24, 0, 80, 0, 0, 0, 0, 0]);

  constructor(options: ConsoleOptions = {}) {
    const stdin = options.stdin ?? new Uint8Array(0);
    this.#stdin = typeof stdin === 'string' || stdin instanceof Uint8Array ? bytesInput(stdin) : stdin;
    this.terminal = options.terminal ?? false;
    this.#sinks = {
      stdout: this.sink(options.stdout ?? 'capture', 'stdout'),
      stderr: this.sink(options.stderr ?? 'capture', 'stderr'),
    };
  }

  /** What the guest wrote to stdout, when captured. */
  get stdout(): Uint8Array {
    return this.#captured.stdout.contents();
  }

  get stderr(): Uint8Array {
    return this.#captured.stderr.contents();
  }

  open(stream = 'stdout'): OpenFile {
    if (stream === 'stdin') {
      return {
        path: 'console:stdin',
        readable: true,
        writable: false,
        read: (_context, length) => this.#stdin.read(length),
        ioctl: (context, request, argument) => this.ioctl(context, request, argument),
      };
    }
    if (stream !== 'stdout' && stream !== 'stderr') throw new RangeError(`the console has no stream ${stream}`);
    const sink = this.#sinks[stream];
    return {
      path: `console:${stream}`,
      readable: false,
      writable: true,
      write: (_context, data) => {
        sink(data);
        return data.length;
      },
      ioctl: (context, request, argument) => this.ioctl(context, request, argument),
    };
  }

  private sink(sink: OutputSink, stream: 'stdout' | 'stderr'): (data: Uint8Array) => void {
    if (sink !== 'capture') return sink;
    const captured = this.#captured[stream];
    return (data) => captured.push(data);
  }

  private ioctl(context: SyscallContext, request: number, argument: bigint): SyscallResult {
    if (!this.terminal) return -Errno.ENOTTY;
    const address = Number(argument);
    switch (request) {
      case TCGETS:
        context.memory.write(address, this.#termios);
        return 0;
      case TCSETS:
      case TCSETSW:
      case TCSETSF:
        this.#termios = context.memory.read(address, TERMIOS_SIZE);
        return 0;
      case TIOCGWINSZ:
        context.memory.write(address, this.#winsize);
        return 0;
      case TIOCSWINSZ:
        this.#winsize = context.memory.read(address, 8);
        return 0;
      case TIOCGPGRP:
        context.memory.writeU32(address, context.process.pid);
        return 0;
      default:
        return -Errno.ENOTTY;
    }
  }
}

import type { Device, OpenFile } from '../../kernel/contracts/device.js';
import type { SignalDelivery } from '../../kernel/contracts/signals.js';
import type { SyscallContext, SyscallResult } from '../../kernel/contracts/syscall.js';
import { Errno } from '../../kernel/errno.js';
import { hostErrno } from '../../kernel/errors.js';
import { EXIT_CODES, ZeroOSError } from '../../errors.js';
import { Subject, type Observable } from 'rxjs';

/** Where the guest's stdin comes from. `read` returns at most `length` bytes; empty means end of input. */
export interface InputSource {
  read(length: number): Uint8Array;
}

/**
 * Where stdout or stderr goes: `'capture'` keeps it in memory (at most `captureLimit`
 * bytes per stream), a function receives each write as the guest makes it (e.g. the
 * host's fd; unbuffered: the guest's libc does the buffering).
 *
 * A sink function takes all of `data` or throws. When the host cannot take the output it
 * throws what Node throws for a refused write: an Error whose `code` names the errno (an
 * `ErrnoException`: 'EPIPE', 'ENOSPC', ...). The guest's write then fails as it would on
 * Linux: EPIPE, with SIGPIPE raised on the writing thread (its default action ends the
 * process with status 141; a guest that ignores or handles it just sees EPIPE); ENOSPC;
 * EFBIG; EIO for any other errno. Such a run depends on the reader, not only on its
 * inputs, so it is recorded in `Console.hostOutputErrors`. Anything else a sink throws
 * is a bug and stops the run (KernelPanic).
 */
export type OutputSink = 'capture' | ((data: Uint8Array) => void);

/** The default `captureLimit`: 64 MiB per stream. */
export const DEFAULT_CAPTURE_LIMIT = 64 * 2 ** 20;
/** The largest `captureLimit`: a captured stream is handed out as one Uint8Array, which cannot be much larger. */
export const MAX_CAPTURE_LIMIT = 2 ** 31;

export interface ConsoleOptions {
  /** Default: empty input (end of file at once). */
  readonly stdin?: InputSource | Uint8Array | string;
  /** Default: captured. */
  readonly stdout?: OutputSink;
  readonly stderr?: OutputSink;
  /**
   * The most bytes each captured stream keeps (default DEFAULT_CAPTURE_LIMIT, 64 MiB; at
   * most MAX_CAPTURE_LIMIT, 2 GiB). A write that would pass it stops the run with
   * `CapturedOutputLimit` (exit status 75): give that stream a sink function to stream any
   * amount, or raise the limit.
   */
  readonly captureLimit?: number;
  /**
   * Whether the guest sees a terminal (TCGETS/TIOCGWINSZ succeed, with fixed 80×24
   * geometry). Default false: the host's terminal never leaks into the run, so runs stay
   * reproducible.
   */
  readonly terminal?: boolean;
}

type Stream = 'stdout' | 'stderr';

/** Captured output would pass `ConsoleOptions.captureLimit`: the run stops rather than hold it. */
export class CapturedOutputLimit extends ZeroOSError {
  readonly exitCode = EXIT_CODES.outOfMemory;
  constructor(
    readonly stream: Stream,
    readonly limit: number,
    /** What the stream would have held with the write that passed the limit. */
    readonly attempted: number,
  ) {
    super(
      `the guest's ${stream} passed the capture limit of ${limit} bytes (a write would make it ${attempted}): ` +
        `give console.${stream} a sink function to stream the output, or raise console.captureLimit`,
    );
  }
}

/** Writes to stdout or stderr the host refused (see OutputSink), one entry per stream and errno. */
export interface HostOutputFailure {
  readonly stream: Stream;
  /** The host's errno name ('EPIPE', 'ENOSPC', ...). */
  readonly code: string;
  /** The errno the guest's write failed with (EPIPE 32, ENOSPC 28, EIO 5, ...). */
  readonly errno: number;
  /** Instructions retired when the first of them failed. */
  readonly instret: number;
  /** How many writes failed this way. */
  readonly writes: number;
}

const SIGPIPE = 13;
/** si_code of a signal the kernel sends on its own account, as Linux's send_sig does. */
const SI_USER = 0;

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
  constructor(
    private readonly stream: Stream,
    private readonly limit: number,
  ) {}
  push(data: Uint8Array): void {
    if (this.bytes + data.length > this.limit) throw new CapturedOutputLimit(this.stream, this.limit, this.bytes + data.length);
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
 * sink as it is written (unbuffered: the guest's libc does the buffering). `signals`
 * raises SIGPIPE when the host closed the reading end of stdout or stderr.
 */
export class Console implements Device {
  readonly name: string = 'console';
  readonly terminal: boolean;
  readonly #stdin: InputSource;
  readonly #sinks: Record<Stream, (data: Uint8Array) => void>;
  readonly #captured: Record<Stream, CapturedOutput>;
  readonly #failures = new Map<string, HostOutputFailure>();
  #termios: Uint8Array = defaultTermios();
  #winsize: Uint8Array = new Uint8Array([24, 0, 80, 0, 0, 0, 0, 0]);
  readonly #output = new Subject<{ readonly stream: 'stdout' | 'stderr'; readonly data: Uint8Array }>();
  /**
   * The bytes the guest wrote to stdout and stderr that the host took, as they are written
   * (captured or sunk alike): for digests and tees. Hot; `data` is only valid during the call.
   */
  readonly output$: Observable<{ readonly stream: 'stdout' | 'stderr'; readonly data: Uint8Array }> = this.#output.asObservable();

  constructor(
    options: ConsoleOptions = {},
    private readonly signals?: SignalDelivery,
  ) {
    const stdin = options.stdin ?? new Uint8Array(0);
    this.#stdin = typeof stdin === 'string' || stdin instanceof Uint8Array ? bytesInput(stdin) : stdin;
    this.terminal = options.terminal ?? false;
    const limit = options.captureLimit ?? DEFAULT_CAPTURE_LIMIT;
    if (!(limit >= 0 && limit <= MAX_CAPTURE_LIMIT)) {
      throw new RangeError(`captureLimit must be a byte count from 0 to ${MAX_CAPTURE_LIMIT} (2 GiB), got ${limit}: pass a sink function for more`);
    }
    this.#captured = { stdout: new CapturedOutput('stdout', limit), stderr: new CapturedOutput('stderr', limit) };
    this.#sinks = {
      stdout: this.sink(options.stdout ?? 'capture', 'stdout'),
      stderr: this.sink(options.stderr ?? 'capture', 'stderr'),
    };
  }

  /**
   * The writes the host refused (a closed pipe, a full disk), per stream and errno. Empty
   * for a reproducible run: when it is not, what the guest saw depended on the host.
   */
  get hostOutputErrors(): readonly HostOutputFailure[] {
    return [...this.#failures.values()];
  }

  /** False once the host refused a write: the run's outcome then depends on the reader. */
  get reproducible(): boolean {
    return this.#failures.size === 0;
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
      write: (context, data) => {
        try {
          sink(data);
        } catch (error) {
          return this.refused(context, stream, error);
        }
        if (this.#output.observed) this.#output.next({ stream, data });
        return data.length;
      },
      ioctl: (context, request, argument) => this.ioctl(context, request, argument),
    };
  }

  /** The host refused a write (see OutputSink): the guest's write fails with the errno, EPIPE also raises SIGPIPE. */
  private refused(context: SyscallContext, stream: Stream, error: unknown): number {
    const errno = hostErrno(error);
    if (errno === undefined) throw error;
    const code = (error as { code: string }).code;
    const key = `${stream} ${code}`;
    const seen = this.#failures.get(key);
    this.#failures.set(key, seen ? { ...seen, writes: seen.writes + 1 } : { stream, code, errno, instret: context.hart.instret, writes: 1 });
    if (errno === Errno.EPIPE) this.signals?.post(context.thread, SIGPIPE, SI_USER);
    return -errno;
  }

  private sink(sink: OutputSink, stream: Stream): (data: Uint8Array) => void {
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

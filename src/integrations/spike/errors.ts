import { EXIT_CODES, ZeroOSError, hex } from '../../errors.js';
import { ElfError } from '../../platform/elf/errors.js';

/**
 * The errors a Spike run can end with. Each names what Spike itself would do, so a
 * surprise here is read against the real simulator (riscv-software-src/riscv-isa-sim 55b4658d).
 */

/**
 * The program has no `tohost`/`fromhost` symbols. Spike prints the warning below and then
 * only idles: the program can neither print nor exit, and spike ends when --instructions
 * runs out (status 0). In machine trap mode that makes a run meaningless, so it is refused.
 */
export class HtifSymbolsMissing extends ElfError {
  /** Spike's own text (fesvr/htif.cc, htif_t::load_symbols). */
  static readonly SPIKE_WARNING = "warning: tohost and fromhost symbols not in ELF; can't communicate with target";
  constructor(readonly missing: readonly string[]) {
    super(
      `${HtifSymbolsMissing.SPIKE_WARNING} (missing: ${missing.join(', ')}): on Spike the program could neither print nor ` +
        'exit and would spin until --instructions runs out, then spike exits 0. Link it with `zeroos linker-script --platform spike` ' +
        '(it defines both), or run it in host trap mode (--trap host), where ZeroOS serves its syscalls',
    );
  }
}

/** A loadable segment lies outside Spike's RAM (a Linux executable linked at 0x10000, say). */
export class NotLinkedForSpike extends ElfError {
  constructor(
    readonly index: number,
    readonly start: number,
    readonly end: number,
    readonly ram: { readonly start: number; readonly end: number },
    where: string,
  ) {
    super(
      `segment ${index} at [${hex(start)}, ${hex(end)}) lies outside ${where} [${hex(ram.start)}, ${hex(ram.end)})` +
        (start < ram.start ? ` (a program linked at ${hex(start)} is linked for Linux or another machine, not Spike)` : '') +
        ': link it with `zeroos linker-script --platform spike` (RAM at 0x80000000), or check --memory-size, --stack-size and --heap-size',
    );
  }
}

/** tohost or fromhost lies outside RAM: Spike stops at its first poll ("Access exception occurred while accessing tohost"). */
export class HtifOutsideRam extends ElfError {
  constructor(
    readonly symbol: string,
    readonly address: bigint,
    ram: { readonly start: number; readonly end: number },
  ) {
    super(
      `${symbol} is at ${hex(address)}, outside Spike's RAM [${hex(ram.start)}, ${hex(ram.end)}): Spike would stop at once with ` +
        `"Access exception occurred while accessing ${symbol}" and exit 255; link the program with \`zeroos linker-script --platform spike\``,
    );
  }
}

/** The section header or symbol table of the program is malformed (so tohost cannot be found). */
export class BadSymbolTable extends ElfError {
  constructor(problem: string) {
    super(`malformed ELF symbol table (where Spike finds tohost and fromhost): ${problem}`);
  }
}

/**
 * The guest asked HTIF's syscall proxy (device 0, command 0, payload = the address of its
 * magic_mem, bit 0 clear) to run a host syscall. Spike would run it on the host (fesvr
 * syscall.cc); ZeroOS never uses the proxy (it serves syscalls itself) and will not give
 * the guest the host's files.
 */
export class HtifSyscallProxyRefused extends ZeroOSError {
  readonly exitCode = EXIT_CODES.unsupported;
  constructor(
    readonly pc: number,
    readonly payload: bigint,
    readonly syscall: bigint | undefined,
  ) {
    super(
      `HTIF syscall proxy refused: the store at pc ${hex(pc)} asks the host to run syscall ` +
        `${syscall === undefined ? '(magic_mem unreadable)' : `#${syscall}`} from magic_mem at ${hex(payload)} ` +
        '(tohost device 0, command 0, payload bit 0 clear). Spike would run it on the host; ZeroOS never uses the proxy: ' +
        'run the program in host trap mode (--trap host) so ZeroOS serves its syscalls, or exit with tohost = code << 1 | 1',
    );
  }
}

/**
 * A tohost packet ZeroOS's Spike platform never sends (device 0 with a command other than
 * 0, console commands other than getchar and putchar, other devices). Spike ignores most
 * of them (its null device; command 255 identifies a device): ZeroOS stops, since a packet
 * nobody answers usually means a corrupted tohost word.
 */
export class HtifUnknownCommand extends ZeroOSError {
  readonly exitCode = EXIT_CODES.unsupported;
  constructor(
    readonly pc: number,
    readonly packet: bigint,
  ) {
    const device = Number(packet >> 56n);
    const command = Number((packet >> 48n) & 0xffn);
    super(
      `HTIF packet ${hex(packet)} (device ${device}, command ${command}, payload ${hex(packet & 0xffff_ffff_ffffn)}) ` +
        `stored to tohost at pc ${hex(pc)} is not one ZeroOS serves: only exit (device 0, command 0, payload code << 1 | 1), ` +
        'console putchar (device 1, command 1) and getchar (device 1, command 0)',
    );
  }
}

/**
 * HTIF getchar with no input left. Spike keeps the read pending until the terminal has a
 * character, so the guest would wait on fromhost for ever.
 */
export class HtifNoInput extends ZeroOSError {
  readonly exitCode = EXIT_CODES.deadlock;
  constructor(readonly pc: number) {
    super(
      `HTIF getchar at pc ${hex(pc)}: stdin has no more input, so no answer will ever reach fromhost ` +
        '(Spike keeps the read pending and the guest waits for ever): give the run input with --stdin',
    );
  }
}

/**
 * The guest jumped to itself before it exited through HTIF. On Spike that is an endless
 * loop: the simulator runs until --instructions is used up and then exits 0, silently.
 */
export class SpikeGuestHang extends ZeroOSError {
  readonly exitCode = EXIT_CODES.deadlock;
  constructor(
    readonly pc: number,
    readonly instructions: number,
  ) {
    super(
      `guest hangs: it jumps to itself at pc ${hex(pc)} after ${instructions} instructions without having exited through HTIF ` +
        '(tohost = code << 1 | 1). On Spike this loops until --instructions runs out and spike then exits 0 silently (cargo spike run ' +
        'passes --instructions 1000000 by default), which would hide the missing exit',
    );
  }
}

/** The program was linked for a different Spike layout than the options ask for. */
export class SpikeLayoutMismatch extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
}

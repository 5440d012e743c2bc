import { RUN_ADDONS, type RunAddonContext, type RunAddonSession } from './addons/index.js';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command, InvalidArgumentError, Option } from 'commander';
import { EXIT_CODES, ZeroOSError } from '../errors.js';
import { SYSCALL_TABLE } from '../kernel/tokens.js';
import { MAX_CODE_PAGES } from '../arch/riscv64/code-cache.js';
import { DEFAULT_ENGINE, ENGINE_NAMES, type EngineName } from '../kernel/modules/arch-module.js';
import { MEMORY_CATEGORIES, MEMORY_LABELS, formatBytes } from '../kernel/memory-budget.js';
import {
  builtinIntegrations,
  isAdapterPath,
  loadIntegration,
  type Integration,
  type IntegrationRegistry,
} from '../integrations/index.js';
import type { TrapMode } from '../arch/riscv64/types.js';
import { ALLOCATOR_NAMES, type AllocatorName } from '../subsystems/memory/index.js';
import { SCHEDULER_NAMES, type SchedulerName } from '../subsystems/scheduler/index.js';
import type { InputSource } from '../subsystems/console/index.js';
import { signalName } from '../subsystems/signals/index.js';
import { HostFileError, type HostMount, type HostMountMode, type OutputDirectory } from '../subsystems/vfs/index.js';
import { createKernel, type RunResult, type ZeroOS } from '../zeroos.js';
import { hostStdin, writeAllSync, writeDiagnostic } from './host-io.js';
import { addIntegrationOptions, addLayoutCommands, integrationValues } from './commands/layout.js';
import { addPostcardCommand } from './commands/postcard.js';
import { addCheckCommand } from './commands/check.js';
import { addItraceCommand } from './commands/itrace.js';

/** A user mistake on the command line: message and EXIT_CODES.usage, no stack. */
class UsageError extends ZeroOSError {
  readonly exitCode = EXIT_CODES.usage;
}

function parseCount(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

function parsePositive(value: string): number {
  const n = parseCount(value);
  if (n === 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function parseSeed(value: string): bigint {
  try {
    const n = BigInt(value);
    if (n < 0n || n >= 2n ** 64n) throw new RangeError();
    return n;
  } catch {
    throw new InvalidArgumentError('expected an integer in [0, 2^64)');
  }
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** "512M", "4g", "65536" → bytes. */
function parseSize(value: string): number {
  const match = /^(\d+)\s*([kmgt]?)i?b?$/i.exec(value.trim());
  const bytes = match ? Number(match[1]) * SIZE_UNITS[match[2]!.toLowerCase()]! : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new InvalidArgumentError('expected a size such as 65536, 512M or 2G');
  return bytes;
}

/** The smallest --memory-limit: below it not even a small static program starts. */
export const MIN_MEMORY_LIMIT = 2 ** 20;
const PAGE_SIZE = 4096;

/** --memory-limit: a size of at least 1 MiB, in whole pages (the limit is kept in pages). */
function parseMemoryLimit(value: string): number {
  const bytes = parseSize(value);
  if (bytes < MIN_MEMORY_LIMIT) throw new InvalidArgumentError(`${bytes} bytes is below the minimum of 1M`);
  if (bytes % PAGE_SIZE !== 0) throw new InvalidArgumentError(`${bytes} bytes is not a multiple of the page size (4K)`);
  return bytes;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export const MOUNT_MODES: readonly HostMountMode[] = ['ro', 'rw', 'cow'];

/**
 * --mount/--file HOST:GUEST[:MODE]. HOST may itself contain ':'; GUEST is absolute, so a
 * last part that does not start with '/' is the mode.
 */
function parseMountSpec(value: string): HostMount {
  const parts = value.split(':');
  if (parts.length < 2) throw new InvalidArgumentError(`"${value}" is not HOST:GUEST[:MODE] (MODE is ${MOUNT_MODES.join(', ')})`);
  let mode: HostMountMode = 'ro';
  if (parts.length >= 3 && !parts[parts.length - 1]!.startsWith('/')) {
    const given = parts.pop()!;
    if (!(MOUNT_MODES as readonly string[]).includes(given)) {
      throw new InvalidArgumentError(`the mode "${given}" is not one of ${MOUNT_MODES.join(', ')}`);
    }
    mode = given as HostMountMode;
  }
  const guest = parts.pop()!;
  const host = parts.join(':');
  if (host === '') throw new InvalidArgumentError(`"${value}" names no host path (expected HOST:GUEST[:MODE])`);
  if (guest === '') throw new InvalidArgumentError(`"${value}" names no guest path (expected HOST:GUEST[:MODE])`);
  if (!guest.startsWith('/')) throw new InvalidArgumentError(`the guest path "${guest}" must be absolute`);
  return hostMount(host, guest, mode);
}

function hostMount(host: string, guest: string, mode: HostMountMode): HostMount {
  return { host, guest, mode };
}

function parseMount(value: string, previous: HostMount[]): HostMount[] {
  return [...previous, parseMountSpec(value)];
}

/** --out DIR or DIR:GUEST (default GUEST /out). */
function parseOut(value: string): OutputDirectory {
  const colon = value.lastIndexOf(':');
  if (colon > 0 && value[colon + 1] === '/') return { host: value.slice(0, colon), guest: value.slice(colon + 1) };
  if (value === '') throw new InvalidArgumentError('expected a host directory');
  return { host: value };
}

function parseGuestPath(value: string): string {
  if (!value.startsWith('/')) throw new InvalidArgumentError(`the guest path "${value}" must be absolute`);
  return value;
}

function readHostFile(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new HostFileError(path, `read ${what}`, error);
  }
}

interface RunOptions {
  platform: string;
  trap: TrapMode;
  engine: EngineName;
  seed: bigint;
  maxInstructions?: number;
  stats?: boolean;
  stdin?: string;
  mount: HostMount[];
  file: HostMount[];
  cwd?: string;
  out?: OutputDirectory;
  env: string[];
  tty?: boolean;
  unknownSyscall: 'fail' | 'enosys';
  allocator: AllocatorName;
  memoryLimit?: number;
  scheduler: SchedulerName;
  epoch?: number;
  clockRate?: number;
  quantum?: number;
  maxThreads?: number;
  argv0?: string;
  slice?: number;
}

/**
 * Where the guest finds its executable: /bin/<name>, whatever host directory it came from,
 * so the same program behaves the same from anywhere (argv[0], AT_EXECFN, /proc/self/exe).
 */
export function guestExecutablePath(hostPath: string): string {
  return `/bin/${basename(hostPath)}`;
}

async function runCommand(elfPath: string, guestArgs: string[], options: RunOptions, registry: IntegrationRegistry): Promise<number> {
  const executable = readHostFile(elfPath, 'executable');
  for (const assignment of options.env) {
    if (!assignment.includes('=')) throw new UsageError(`--env expects KEY=VALUE, got "${assignment}"`);
  }
  // Ctrl-C: the run goes in slices, so the handler runs between two of them and the run
  // stops there as Interrupted (finished like any other end: --out copied, --stats printed).
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  const zeroos: ZeroOS = createKernel({
    platform: options.platform,
    integrations: registry,
    platformOptions: integrationValues(options as unknown as Record<string, unknown>, registry.list()),
    trapMode: options.trap,
    engine: options.engine,
    seed: options.seed,
    ...(options.maxInstructions === undefined ? {} : { maxInstructions: options.maxInstructions }),
    unknownSyscall: options.unknownSyscall,
    allocator: options.allocator,
    scheduler: options.scheduler,
    ...(options.epoch === undefined ? {} : { epochSeconds: options.epoch }),
    ...(options.clockRate === undefined ? {} : { nsPerInstruction: options.clockRate }),
    ...(options.quantum === undefined ? {} : { quantum: options.quantum }),
    ...(options.maxThreads === undefined ? {} : { maxThreads: options.maxThreads }),
    ...(options.memoryLimit === undefined ? {} : { memoryLimit: options.memoryLimit }),
    files: {
      mounts: options.mount,
      files: options.file,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.out === undefined ? {} : { out: options.out }),
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    },
    console: {
      ...(options.stdin === undefined ? { stdin: defaultSigintWhileReading(hostStdin(), onSigint) } : {}),
      stdout: (data) => writeAllSync(1, data),
      stderr: (data) => writeAllSync(2, data),
      terminal: options.tty ?? false,
    },
  });
  const sessions: RunAddonSession[] = [];
  const context: RunAddonContext = { zeroos, elfPath, executable, stderr: (text) => writeDiagnostic(2, encode(text)) };
  for (const addon of RUN_ADDONS) {
    const session = await addon.start(options as unknown as Record<string, unknown>, context);
    if (session !== undefined) sessions.push(session);
  }
  const path = guestExecutablePath(elfPath);
  zeroos.load({ executable, path, argv: [options.argv0 ?? path, ...guestArgs], env: options.env });
  process.on('SIGINT', onSigint);
  const started = performance.now();
  let result: RunResult | undefined;
  let failure: unknown;
  try {
    result = await zeroos.runAsync({
      slice: options.slice ?? adaptiveSlices(),
      pause: () => new Promise((resolve) => setImmediate(resolve)),
      signal: interrupt.signal,
    });
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    const wallMs = performance.now() - started;
    // Every add-on finishes, whatever the others do; the first error is reported after.
    let finishError: unknown;
    for (const session of sessions) {
      try {
        await session.finish?.(result, failure);
      } catch (error) {
        finishError ??= error;
      }
    }
    if (options.stats) printStats(zeroos, wallMs, options, sessions.flatMap((s) => s.statsLines?.() ?? []));
    if (finishError !== undefined && failure === undefined) throw finishError;
  }
  if (result === undefined) throw failure;
  if (result.signal !== undefined) {
    writeDiagnostic(2, encode(`zeroos: the guest was killed by ${signalName(result.signal)} (exit status ${result.exitCode})\n`));
  }
  return result.exitCode < 0 ? 0 : result.exitCode;
}

/** Wall time one slice of the run should take: Ctrl-C is seen within about this long. */
const SLICE_TARGET_MS = 20;

/**
 * Slice sizes that follow the host's speed (a hot loop runs a thousand times faster than a
 * syscall storm): each slice aims at SLICE_TARGET_MS, starting at 1 M instructions and
 * changing at most fourfold at a time. Slices never change the run, only how often the
 * SIGINT handler gets a chance.
 */
function adaptiveSlices(): () => number {
  let size = 1_000_000;
  let last: number | undefined;
  return () => {
    const now = performance.now();
    if (last !== undefined) {
      const factor = Math.min(Math.max(SLICE_TARGET_MS / Math.max(now - last, 0.01), 0.25), 4);
      size = Math.round(Math.min(Math.max(size * factor, 10_000), 1_000_000_000));
    }
    last = now;
    return size;
  };
}

/**
 * The host's stdin with Ctrl-C left to its default action while the guest waits on it: a
 * blocking read holds the event loop, so our handler could not run, and Node restarts the
 * read after the signal; without this a Ctrl-C at a prompt would wait for the next line.
 * Such a Ctrl-C ends the process as SIGINT does (status 130, no --stats, no --out).
 */
function defaultSigintWhileReading(source: InputSource, onSigint: () => void): InputSource {
  return {
    read(length) {
      process.off('SIGINT', onSigint);
      try {
        return source.read(length);
      } finally {
        process.on('SIGINT', onSigint);
      }
    },
  };
}

function printStats(zeroos: ZeroOS, wallMs: number, options: RunOptions, addonLines: readonly string[] = []): void {
  const stats = zeroos.stats();
  const mips = stats.instructions / 1e6 / (wallMs / 1000);
  const lines = [
    `--- zeroos stats ---`,
    `platform        ${stats.platform}${options.trap === 'machine' ? ' (trap mode machine: the guest handles its own ecalls)' : ''}`,
    `engine          ${stats.engine}`,
    `seed            ${stats.settings.seed}`,
    `epoch           ${stats.settings.epochSeconds} s (${new Date(stats.settings.epochSeconds * 1000).toISOString()})`,
    `clock rate      ${stats.settings.nsPerInstruction} ns per instruction; virtual time ${(stats.virtualNs / 1e6).toFixed(3)} ms`,
    `limits          memory ${Number.isFinite(stats.settings.memoryLimit) ? mib(stats.settings.memoryLimit) : 'none'}, threads ${stats.settings.maxThreads}, instructions ${Number.isFinite(stats.settings.maxInstructions) ? stats.settings.maxInstructions : 'none'}`,
    `instructions    ${stats.instructions}`,
    `syscalls        ${stats.syscalls}`,
    `wall time       ${wallMs.toFixed(1)} ms`,
    `speed           ${mips.toFixed(1)} MIPS`,
    `guest memory    ${stats.residentPages} pages touched (${((stats.residentPages * 4096) / 1024).toFixed(0)} KiB)`,
    `address space   ${mib(stats.memory.mappedBytes)} mapped, peak ${mib(stats.memory.peakMappedBytes)}, limit ${Number.isFinite(stats.memory.memoryLimit) ? mib(stats.memory.memoryLimit) : 'none'}`,
    `memory budget   ${mib(stats.budget.total.bytes)} of ${mib(stats.budget.limit)}, peak ${mib(stats.budget.total.peakBytes)}: ${MEMORY_CATEGORIES.map((c) => `${MEMORY_LABELS[c]} ${formatBytes(stats.budget.byCategory[c].peakBytes)}`).join(', ')} (peaks); decoded code outside it, at most ${MAX_CODE_PAGES} pages`,
    `scheduler       ${stats.scheduler.name}, quantum ${stats.scheduler.quantum === undefined ? `none (switch on block, yield or exit${stats.scheduler.quantumSource === 'option' ? ': --quantum 0' : ''})` : `${stats.scheduler.quantum}${stats.scheduler.quantumSource === 'go-default' ? ' (the default for a Go program: --quantum sets another)' : ''}`}`,
    `allocator       ${stats.allocator.name}: ${stats.allocator.allocations} allocations, ${stats.allocator.frees} frees, peak ${mib(stats.allocator.peakBytesInUse)}, ${stats.allocator.freeBlocks} free blocks`,
    `syscall counts  ${stats.syscallCounts.map(([name, n]) => `${name}×${n}`).join(' ')}`,
    ...stats.inputs.map(
      (input) => `input           ${input.path} (${input.hostPath}): ${input.bytesRead} bytes read of ${input.size}, sha256 ${input.sha256}`,
    ),
    stats.hostOutputErrors.length === 0
      ? `reproducible    yes`
      : `reproducible    no: the host refused ${stats.hostOutputErrors.map((f) => `${f.writes} write(s) to ${f.stream} (${f.code})`).join(', ')}, so the run depended on the reader`,
  ];
  // How the run ended on the platform, then what it cost there, then the platform's own lines.
  for (const report of stats.reports) {
    if (report.outcome) lines.push(`outcome         ${report.outcome.name} (exit ${report.outcome.exitCode}): ${report.outcome.detail}`);
  }
  if (stats.cost) lines.push(`${stats.cost.unit.padEnd(15)} ${stats.cost.total} (${stats.cost.model})`);
  for (const report of stats.reports) {
    for (const [label, text] of report.lines) lines.push(`${label.padEnd(15)} ${text}`);
  }
  const out = zeroos.result().output;
  if (out) lines.push(`output          ${out.guest} -> ${out.host}: ${out.files} files, ${out.bytes} bytes`);
  lines.push(...addonLines);
  writeDiagnostic(2, encode(lines.join('\n') + '\n'));
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Set by the bundled build (scripts/build.mjs); undeclared when the sources run as they are. */
declare const ZEROOS_BUILD_VERSION: string | undefined;

/** The package's version: the build's, else from package.json (two levels up from src/cli). */
export function packageVersion(): string {
  if (typeof ZEROOS_BUILD_VERSION === 'string') return ZEROOS_BUILD_VERSION;
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

const MEMORY_LIMIT_HELP =
  'memory the guest may make the host hold (address space, files, pipes, directory entries), e.g. 512M: at least 1M, in whole 4K pages (default 2G; beyond it ENOMEM or ENOSPC; the image and stack must fit at load: about 10M on linux)';

export function buildProgram(registry: IntegrationRegistry = builtinIntegrations()): Command {
  const program = new Command('zeroos')
    .description('Run static RISC-V Linux programs deterministically on the ZeroOS library OS.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .enablePositionalOptions()
    // A mistake gets one line and where to look, not the whole help.
    .showHelpAfterError('(zeroos --help for usage)')
    .configureOutput({ writeErr: (s) => writeDiagnostic(2, s), writeOut: (s) => writeDiagnostic(1, s) })
    .exitOverride();

  program
    .command('run')
    .description('run a static riscv64 Linux ELF (RV64GC on linux; a zkVM platform may allow less); exits with the guest\'s exit code')
    .showHelpAfterError('(zeroos run --help for usage)')
    .argument('<elf>', 'the executable')
    .argument('[args...]', 'arguments passed to the guest (after its argv[0])')
    .addOption(
      new Option('--platform <name|path>', `platform to run on: ${registry.names().join(', ')}, or an adapter module (./my-adapter.js); see zeroos platforms`).default('linux'),
    )
    .addOption(
      new Option('--trap <mode>', "where ecall goes: host (ZeroOS serves the syscalls) or machine (the guest's own mtvec handler, as ZeroOS runs inside a zkVM guest)")
        .choices(['host', 'machine'])
        .default('host'),
    )
    .addOption(
      new Option('--engine <name>', 'execution tier: wasm (hot regions compiled to WebAssembly, the default), js (hot blocks compiled to JavaScript) or interpreter (the reference)')
        .choices([...ENGINE_NAMES])
        .default(DEFAULT_ENGINE),
    )
    .addOption(new Option('--seed <n>', 'seed for AT_RANDOM and everything random').argParser(parseSeed).default(0n, '0'))
    .option('--max-instructions <n>', 'stop with an error after this many instructions', parseCount)
    .addOption(new Option('--allocator <name>', 'allocator behind mmap').choices([...ALLOCATOR_NAMES]).default('linked-list'))
    .option('--memory-limit <size>', MEMORY_LIMIT_HELP, parseMemoryLimit)
    .addOption(new Option('--scheduler <name>', 'thread scheduler (random: an interleaving drawn from --seed)').choices([...SCHEDULER_NAMES]).default('cooperative'))
    .option('--quantum <n>', 'preempt a thread after n instructions; 0: never (default: 1000000 for a Go program, else only when it blocks or yields)', parseCount)
    .option('--max-threads <n>', 'most live threads; clone fails with EAGAIN beyond (default 1024)', parsePositive)
    .option('--epoch <seconds>', 'CLOCK_REALTIME at start, in seconds since 1970 (default 1704067200 = 2024-01-01)', parseCount)
    .option('--clock-rate <ns>', 'virtual nanoseconds per instruction (default 1)', parsePositive)
    .option('--stats', 'print the engine, instructions, syscalls, wall time, MIPS, the scheduler, quantum, allocator and limits that ran to stderr')
    .option('--stdin <file>', 'the guest\'s stdin is this file, hashed as an input (default: the host\'s stdin)')
    .option('--mount <HOST:GUEST[:MODE]>', 'show a host directory at GUEST; MODE ro (default), rw (writes reach the host) or cow (the guest writes, the host never changes) (repeatable)', parseMount, [])
    .option('--file <HOST:GUEST[:MODE]>', 'show one host file at GUEST; MODE ro (default), rw or cow (repeatable)', parseMount, [])
    .option('--cwd <path>', 'the guest\'s working directory (made in the in-memory root if missing; default /)', parseGuestPath)
    .option('--out <DIR[:GUEST]>', 'an empty in-memory directory at GUEST (default /out) copied to the host DIR when the run ends (also after an error or Ctrl-C)', parseOut)
    .option('--env <KEY=VALUE>', 'add a variable to the guest\'s environment (repeatable; default empty)', collect, [])
    .option('--tty', 'present the console to the guest as a terminal (fixed 80x24)')
    .option('--argv0 <name>', 'the guest\'s argv[0] (default /bin/<elf\'s file name>, where the guest finds its executable)')
    .addOption(
      new Option('--slice <n>', 'instructions run between two looks at Ctrl-C (default: about 20 ms worth)').argParser(parsePositive).hideHelp(),
    )
    .addOption(
      new Option('--unknown-syscall <policy>', 'on a syscall ZeroOS does not serve: fail, or return -ENOSYS')
        .choices(['fail', 'enosys'])
        .default('fail'),
    )
    .passThroughOptions()
    .action(async (elf: string, args: string[], options: RunOptions) => {
      process.exitCode = await runCommand(elf, args, options, registry);
    });
  const run = program.commands.find((c) => c.name() === 'run')!;
  for (const addon of RUN_ADDONS) addon.addOptions(run);
  addIntegrationOptions(run, registry.list(), 'run');

  program
    .command('platforms')
    .description('list the platforms (integrations) a program can run on, with their trap modes and options')
    .option('--platform <path>', 'also list an adapter module (./my-adapter.js)')
    .action(() => {
      writeDiagnostic(1, encode(formatPlatforms(registry.list())));
    });

  program
    .command('syscalls')
    .description('print the syscall table: what is served, by which subsystem, with which caveats')
    .option('--all', 'also list the Linux syscalls that are not served')
    .action(async (options: { all?: boolean }) => {
      const { formatSyscallTable } = await import('../kernel/syscall/table.js');
      const zeroos = createKernel();
      writeDiagnostic(1, encode(formatSyscallTable(zeroos.container.get(SYSCALL_TABLE), options) + '\n'));
    });

  addLayoutCommands(program, registry);
  addCheckCommand(program, registry);
  addPostcardCommand(program);
  addItraceCommand(program);
  return program;
}

/** `zeroos platforms`: each integration with its summary, trap modes and options. */
export function formatPlatforms(integrations: readonly Integration[]): string {
  const blocks = integrations.map((integration) => {
    const lines = [`${integration.name}${integration === integrations[0] ? ' (default)' : ''}`, `  ${integration.summary}`];
    lines.push(`  trap modes: ${(integration.trapModes ?? ['host']).join(', ')}`);
    for (const option of integration.options ?? []) {
      const only = option.commands ? ` [${option.commands.join(', ')} only]` : '';
      lines.push(`  --${option.name}: ${option.description}${option.defaultText === undefined ? '' : ` (default ${option.defaultText})`}${only}`);
    }
    return lines.join('\n');
  });
  return blocks.join('\n\n') + '\n\nAn adapter of your own: zeroos run --platform ./my-adapter.js prog.elf (see docs/platform-adapters.md)\n';
}

/**
 * `zeroos run --platform ./adapter.js ...`: the adapter must be loaded before the command
 * line is parsed, since it brings options of its own. Finds the --platform value among the
 * run command's options (before the ELF: what follows belongs to the guest).
 */
function adapterPathIn(argv: readonly string[]): string | undefined {
  const command = argv[0];
  if (command === undefined || !ADAPTER_COMMANDS.has(command)) return undefined;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (arg.startsWith('--platform=')) return isAdapterPath(arg.slice(11)) ? arg.slice(11) : undefined;
    if (arg === '--platform') return argv[i + 1] !== undefined && isAdapterPath(argv[i + 1]!) ? argv[i + 1] : undefined;
    // run: the ELF ends the options (the guest's arguments follow).
    if (!arg.startsWith('-')) {
      if (command === 'run') return undefined;
      continue;
    }
    // Every other option takes one value unless it is a known switch.
    if (!arg.includes('=') && !RUN_SWITCHES.has(arg)) i++;
  }
  return undefined;
}

/** The commands whose --platform may name an adapter module. */
const ADAPTER_COMMANDS = new Set(['run', 'layout', 'linker-script', 'check', 'platforms']);

/** The run options that take no value (the scan above must not skip an argument after them). */
const RUN_SWITCHES = new Set(['--stats', '--trace', '--tty', '--json', '--run', '-h', '--help', ...RUN_ADDONS.flatMap((a) => a.switches ?? [])]);

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const registry = builtinIntegrations();
    let args = [...argv];
    const adapter = adapterPathIn(args);
    if (adapter !== undefined) {
      const api = await import('../index.js');
      const integration = await loadIntegration(adapter, api);
      if (!registry.has(integration.name) || registry.get(integration.name) !== integration) registry.register(integration);
      args = args.map((a) => (a === adapter ? integration.name : a === `--platform=${adapter}` ? `--platform=${integration.name}` : a));
    }
    const program = buildProgram(registry);
    await program.parseAsync(args, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error && typeof error === 'object' && 'code' in error && String((error as { code: unknown }).code).startsWith('commander.')) {
      const code = (error as { code: string; exitCode: number }).code;
      return code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : EXIT_CODES.usage;
    }
    if (error instanceof ZeroOSError) {
      writeDiagnostic(2, `zeroos: ${error.name}: ${error.message}\n`);
      return error.exitCode;
    }
    writeDiagnostic(2, `zeroos: internal error: ${(error as Error)?.stack ?? error}\n`);
    return EXIT_CODES.internal;
  }
}


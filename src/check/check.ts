/**
 * `zeroos check`: will this program run on that platform, before anyone runs or proves it?
 * One report, `CheckReport` (the JSON schema `zeroos-check/1`, docs/check.md), built from:
 *
 *   program.ts      the ELF as the loader reads it, the ABI, the executable code
 *   isa-scan.ts     every instruction: its extension, what the platform's hart does with it, CSRs
 *   syscall-scan.ts ecall sites and their numbers, marked from the syscall table
 *   (trial load)    a kernel composed for the platform loads the program: its loader's verdict
 *   image-fit.ts    the image against the platform's layout (or the platform's checkImage)
 *   (--run)         a real run with -ENOSYS for what is missing: the syscalls it made
 *
 * `reasons` are why it will not run (exit 1); `warnings` are what may still go wrong.
 */
import { basename } from 'node:path';
import { ZeroOSError } from '../errors.js';
import { isaRegistry } from '../arch/riscv64/isa/index.js';
import type { TrapMode } from '../arch/riscv64/types.js';
import type { SyscallTable } from '../kernel/contracts/syscall.js';
import { InstructionBudgetExhausted } from '../kernel/errors.js';
import { SYSCALL_TABLE } from '../kernel/tokens.js';
import { DynamicExecutable, ET_EXEC, UnsupportedElfAbi, isaNameOfHwcap } from '../platform/elf/index.js';
import type { CheckedImage, ImageRange, Integration, IntegrationOptionValues } from '../integrations/types.js';
import { createKernel, type ZeroOS } from '../zeroos.js';
import type { Layout } from '../kernel/contracts/platform.js';
import { checkImageFit } from './image-fit.js';
import { scanIsa, type ExtensionUsage, type IsaScan } from './isa-scan.js';
import { readCheckedElf, segmentPerms, type CheckedElf } from './program.js';
import { findEcallSites, markSyscall, type SyscallMark } from './syscall-scan.js';
import { DEFAULT_CHECK_RUN_BUDGET } from './defaults.js';

/** The version of the JSON report. A new field keeps it; a changed or removed one bumps it. */
export const CHECK_SCHEMA = 'zeroos-check/1';

export { DEFAULT_CHECK_RUN_BUDGET };

/** Addresses and words in the report: "0x" and lowercase hex digits. */
export type Hex = string;

export type FindingKind = 'abi' | 'elf' | 'isa' | 'csr' | 'code' | 'load' | 'layout' | 'platform' | 'syscall' | 'run';

export interface Finding {
  readonly kind: FindingKind;
  readonly message: string;
  /** The first address it concerns, when it concerns code. */
  readonly address?: Hex;
}

export interface ReportRange {
  readonly name: string;
  readonly start: Hex;
  readonly end: Hex;
}

export interface ReportSyscall {
  readonly nr: number;
  readonly name: string;
  readonly support: SyscallMark;
  readonly note?: string;
  readonly subsystem?: string;
}

export interface CheckReport {
  readonly schema: typeof CHECK_SCHEMA;
  readonly program: {
    readonly path: string;
    readonly size: number;
    /** 'exec' (ET_EXEC, fixed addresses) or 'pie' (static-pie ET_DYN). */
    readonly type: 'exec' | 'pie';
    readonly entry: Hex;
    readonly flags: Hex;
    readonly floatAbi: 'soft' | 'single' | 'double' | 'quad';
    readonly rve: boolean;
    readonly rvc: boolean;
    readonly interpreter?: string;
  };
  readonly platform: { readonly name: string; readonly trapMode: TrapMode };
  /** Whether it should run: no reasons. */
  readonly runs: boolean;
  /** What `zeroos check` exits with: 0 when it should run, 1 when not. */
  readonly exitCode: 0 | 1;
  readonly reasons: readonly Finding[];
  readonly warnings: readonly Finding[];
  readonly code: {
    /** 'sections': the executable section headers; 'segments': the executable PT_LOAD segments (no section headers). */
    readonly source: 'sections' | 'segments';
    readonly regions: readonly ReportRange[];
    readonly instructions: number;
    readonly compressed: number;
    readonly padding: number;
    readonly undecodable: { readonly count: number; readonly first: readonly { readonly address: Hex; readonly word: Hex }[] };
  };
  readonly isa: {
    /** The extensions the platform's hart registers ('i', 'm', ...; a zkVM's own). */
    readonly hart: readonly string[];
    readonly extensions: readonly {
      readonly name: string;
      readonly count: number;
      readonly first: Hex;
      /** 'ok': executed; 'refused': the platform refuses some of it; 'not-executed': the hart has none of it. */
      readonly status: 'ok' | 'refused' | 'not-executed';
      readonly mnemonics: Readonly<Record<string, number>>;
      readonly problems: readonly { readonly mnemonic: string; readonly count: number; readonly first: Hex; readonly reason: string }[];
    }[];
    readonly csrs: readonly {
      readonly number: Hex;
      readonly name: string | null;
      readonly count: number;
      readonly first: Hex;
      readonly reads: number;
      readonly writes: number;
      readonly status: 'ok' | 'missing' | 'restricted' | 'privilege' | 'read-only';
      readonly reason?: string;
    }[];
  };
  readonly syscalls: {
    /** Where the marks come from: the syscall table of a kernel composed for the platform, or the default one. */
    readonly table: string;
    /** Whether ZeroOS's kernel serves ecalls ('host') or the guest's own trap handler does ('machine'). */
    readonly servedBy: 'zeroos' | 'guest';
    readonly static: {
      readonly sites: number;
      readonly unknown: readonly { readonly address: Hex; readonly why: string }[];
      readonly calls: readonly (ReportSyscall & { readonly sites: readonly Hex[] })[];
    };
    readonly run?: {
      readonly args: readonly string[];
      readonly budget: number;
      readonly instructions: number;
      /** The exit status, or null when the run did not end by exiting. */
      readonly exitCode: number | null;
      readonly signal?: number;
      /** The named error that stopped it, if one did. */
      readonly stopped?: { readonly error: string; readonly message: string; readonly exitCode: number };
      readonly stdoutBytes: number;
      readonly stderrBytes: number;
      readonly calls: readonly (ReportSyscall & { readonly count: number })[];
    };
  };
  readonly layout: {
    /** null: not judged (the platform did not load the program and shows no image region before loading one; see the load reason). */
    readonly fits: boolean | null;
    readonly needs: readonly ReportRange[];
    readonly offers: readonly ReportRange[];
    readonly problems: readonly string[];
    readonly relink?: string;
  };
}

export interface CheckOptions {
  /** The program's path as the user named it (shown; the guest sees /bin/<name> in a run). */
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly integration: Integration;
  /** The integration's option values (its layout options). */
  readonly platformOptions?: IntegrationOptionValues;
  /** Default 'host'. */
  readonly trapMode?: TrapMode;
  /** Also run it: its arguments and instruction budget (default DEFAULT_CHECK_RUN_BUDGET). */
  readonly run?: { readonly args: readonly string[]; readonly maxInstructions?: number };
}

const hex = (n: number): Hex => '0x' + n.toString(16);

/**
 * Checks a program against a platform. Throws the loader's ElfError when the file is no
 * RISC-V executable, and the integration's own errors for bad option values.
 */
export function checkProgram(options: CheckOptions): CheckReport {
  const trapMode = options.trapMode ?? 'host';
  const values = options.platformOptions ?? {};
  const checked = readCheckedElf(options.bytes);
  const { elf } = checked;
  const setup = options.integration.setup({ options: values, trapMode, purpose: 'describe' });
  const reasons: Finding[] = [];
  const warnings: Finding[] = [];

  const registry = isaRegistry(setup.isa ?? {});
  abiFindings(checked, reasons, registry.hwcap, options.integration.name);

  const scan = scanIsa(checked.code, { registry, trapMode, ...(setup.machineProfile === undefined ? {} : { machineProfile: setup.machineProfile }) });
  isaFindings(scan, reasons, warnings);

  const table = trialLoad(options, values, trapMode, reasons);
  const servedBy = trapMode === 'host' ? 'zeroos' : 'guest';
  const sites = findEcallSites(scan.regions);
  const byNumber = new Map<number, Hex[]>();
  for (const site of sites) for (const nr of site.numbers ?? []) byNumber.set(nr, [...(byNumber.get(nr) ?? []), hex(site.address)]);
  const staticCalls = [...byNumber.entries()].sort((a, b) => a[0] - b[0]).map(([nr, at]) => ({ ...syscallOf(table.table, nr), sites: at }));
  const unknown = sites.filter((s) => s.nr === undefined).map((s) => ({ address: hex(s.address), why: s.unknown! }));
  if (servedBy === 'zeroos') {
    const missing = staticCalls.filter((c) => c.support === 'missing');
    if (missing.length > 0) {
      warnings.push({
        kind: 'syscall',
        message: `the code can make ${missing.length} syscall${missing.length === 1 ? '' : 's'} ZeroOS does not serve: ${missing.map((c) => `${c.name} (${c.nr})`).join(', ')}; a run that reaches one stops with UnknownSyscall (or gets -ENOSYS with --unknown-syscall enosys)`,
        address: missing[0]!.sites[0]!,
      });
    }
    if (unknown.length > 0) {
      warnings.push({ kind: 'syscall', message: `${unknown.length} of ${sites.length} ecall sites take their number from elsewhere (e.g. a syscall(n, ...) wrapper): their syscalls are unknown statically; --run lists what a run makes`, address: unknown[0]!.address });
    }
  }

  const image: CheckedImage = {
    path: options.path,
    bytes: options.bytes,
    entry: elf.entry,
    fixedAddress: elf.type === ET_EXEC,
    segments: elf.loadSegments.map((s) => ({ index: s.index, start: s.vaddr, end: s.vaddr + s.memsz, perms: segmentPerms(s.flags) })),
    undecodable: scan.undecodable.map((u) => ({ address: u.address, word: u.word })),
  };
  const fit = checkImageFit(options.integration.name, setup, image, table.layout);
  for (const problem of fit?.problems ?? []) reasons.push({ kind: 'layout', message: problem });

  const run = options.run === undefined ? undefined : runProgram(options, trapMode, table.table, reasons, warnings);

  return {
    schema: CHECK_SCHEMA,
    program: {
      path: options.path,
      size: options.bytes.length,
      type: elf.type === ET_EXEC ? 'exec' : 'pie',
      entry: hex(elf.entry),
      flags: hex(elf.flags),
      floatAbi: checked.floatAbi,
      rve: checked.rve,
      rvc: checked.rvc,
      ...(elf.interpreter === undefined ? {} : { interpreter: elf.interpreter }),
    },
    platform: { name: options.integration.name, trapMode },
    runs: reasons.length === 0,
    exitCode: reasons.length === 0 ? 0 : 1,
    reasons,
    warnings,
    code: {
      source: checked.codeSource,
      regions: checked.code.map((r) => ({ name: r.name, start: hex(r.address), end: hex(r.address + r.bytes.length) })),
      instructions: scan.instructions,
      compressed: scan.compressed,
      padding: scan.padding,
      undecodable: { count: scan.undecodable.length, first: scan.undecodable.slice(0, 16).map((u) => ({ address: hex(u.address), word: hex(u.word) })) },
    },
    isa: {
      hart: registry.extensions.map((e) => e.name),
      extensions: scan.extensions.map((e) => ({
        name: e.name,
        count: e.count,
        first: hex(e.first),
        status: e.status,
        mnemonics: Object.fromEntries([...e.mnemonics.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
        problems: [...e.problems.entries()].map(([mnemonic, p]) => ({ mnemonic, count: p.count, first: hex(p.first), reason: p.reason })),
      })),
      csrs: scan.csrs.map((c) => ({
        number: hex(c.number),
        name: c.name ?? null,
        count: c.count,
        first: hex(c.first),
        reads: c.reads,
        writes: c.writes,
        status: c.status,
        ...(c.reason === undefined ? {} : { reason: c.reason }),
      })),
    },
    syscalls: {
      table: table.source,
      servedBy,
      static: { sites: sites.length, unknown, calls: staticCalls },
      ...(run === undefined ? {} : { run }),
    },
    layout:
      fit === undefined
        ? { fits: null, needs: image.segments.map((s) => range({ name: `segment ${s.index}`, start: s.start, end: s.end })), offers: [], problems: [] }
        : {
            fits: fit.fits,
            needs: fit.needs.map(range),
            offers: fit.offers.map(range),
            problems: fit.problems,
            ...(fit.relink === undefined ? {} : { relink: fit.relink }),
          },
  };
}

function range(r: ImageRange): ReportRange {
  return { name: r.name, start: hex(r.start), end: hex(r.end) };
}

/** AT_HWCAP bits of F and D. */
const HWCAP_F = 1 << 5;
const HWCAP_D = 1 << 3;

/**
 * The float ABI against the platform's hart (`hwcap`, its extension letters): lp64f needs F,
 * lp64d F and D, lp64q is never served. A platform whose hart lacks them refuses the file.
 */
function abiFindings(checked: CheckedElf, reasons: Finding[], hwcap: number, platform: string): void {
  const { elf } = checked;
  const needs = { soft: 0, single: HWCAP_F, double: HWCAP_F | HWCAP_D, quad: -1 }[checked.floatAbi];
  if (needs !== 0 && (needs === -1 || (hwcap & needs) !== needs)) {
    const abi = { single: 'lp64f', double: 'lp64d', quad: 'lp64q' }[checked.floatAbi as 'single' | 'double' | 'quad'];
    const extensions = { single: 'F', double: 'F and D', quad: 'Q' }[checked.floatAbi as 'single' | 'double' | 'quad'];
    reasons.push({
      kind: 'abi',
      message: `built for the ${abi} hard-float ABI (e_flags ${hex(elf.flags)}), which needs ${extensions}: ${platform}'s hart is ${isaNameOfHwcap(hwcap)}, so its loader refuses it; build with -march=rv64imac -mabi=lp64${needs === -1 ? '' : ' (or run it on a platform whose hart has them)'}`,
    });
  }
  if (checked.rve) reasons.push({ kind: 'abi', message: `built for RV64E (16 registers, e_flags ${hex(elf.flags)}): ZeroOS runs RV64I programs` });
  if (elf.interpreter !== undefined) {
    reasons.push({ kind: 'elf', message: `dynamically linked (it needs ${elf.interpreter}): ZeroOS loads static executables only; link with -static` });
  }
}

function isaFindings(scan: IsaScan, reasons: Finding[], warnings: Finding[]): void {
  for (const extension of scan.extensions) {
    if (extension.status === 'ok') continue;
    for (const [reason, group] of groupProblems(extension)) {
      const count = group.reduce((n, p) => n + p.count, 0);
      const first = Math.min(...group.map((p) => p.first));
      reasons.push({
        kind: 'isa',
        message: `${extension.name}: ${count} instruction${count === 1 ? '' : 's'} (${group.map((p) => `${p.mnemonic} ×${p.count}`).join(', ')}), the first at ${hex(first)}: ${reason}`,
        address: hex(first),
      });
    }
  }
  for (const csr of scan.csrs) {
    if (csr.status === 'ok') continue;
    const access = [csr.reads ? `read ×${csr.reads}` : '', csr.writes ? `written ×${csr.writes}` : ''].filter(Boolean).join(', ') || `accessed ×${csr.count}`;
    reasons.push({ kind: 'csr', message: `CSR ${hex(csr.number)}${csr.name === undefined ? '' : ` (${csr.name})`} ${access}, the first at ${hex(csr.first)}: ${csr.reason ?? csr.status}`, address: hex(csr.first) });
  }
  if (scan.undecodable.length > 0) {
    const shown = scan.undecodable.slice(0, 4).map((u) => `${hex(u.word)} at ${hex(u.address)}`);
    warnings.push({
      kind: 'code',
      message: `${scan.undecodable.length} word${scan.undecodable.length === 1 ? '' : 's'} in the executable code decode as no instruction (${shown.join(', ')}${scan.undecodable.length > 4 ? ', ...' : ''}): data in the code, or an illegal instruction if reached`,
      address: hex(scan.undecodable[0]!.address),
    });
  }
}

/** An extension's problems grouped by their reason. */
function groupProblems(extension: ExtensionUsage): Map<string, { mnemonic: string; count: number; first: number }[]> {
  const groups = new Map<string, { mnemonic: string; count: number; first: number }[]>();
  for (const [mnemonic, p] of extension.problems) groups.set(p.reason, [...(groups.get(p.reason) ?? []), { mnemonic, count: p.count, first: p.first }]);
  return groups;
}

/**
 * A kernel composed for the platform, as `zeroos run` would compose it, with the program
 * loaded: its syscall table marks the syscalls, and the platform's own loader judges the
 * image (a platform whose layout depends on the program settles it while loading). A
 * platform that cannot be composed, or refuses the image, is a reason; the default
 * kernel's table marks the syscalls then.
 */
function trialLoad(options: CheckOptions, values: IntegrationOptionValues, trapMode: TrapMode, reasons: Finding[]): { table: SyscallTable; source: string; layout?: Layout } {
  const { integration } = options;
  let zeroos: ZeroOS;
  try {
    zeroos = createKernel({ platform: integration, platformOptions: values, trapMode });
  } catch (error) {
    if (!(error instanceof ZeroOSError)) throw error;
    reasons.push({ kind: 'platform', message: `ZeroOS cannot compose a run on ${integration.name} (trap mode ${trapMode}): ${error.name}: ${error.message}` });
    return { table: createKernel().container.get(SYSCALL_TABLE), source: 'the default (linux) kernel: the platform could not be composed' };
  }
  const table = zeroos.container.get(SYSCALL_TABLE);
  const source = `the kernel composed for ${integration.name}`;
  try {
    const path = `/bin/${basename(options.path)}`;
    zeroos.load({ executable: options.bytes, path, argv: [path] });
    return { table, source, layout: zeroos.kernel.platform.layout };
  } catch (error) {
    if (!(error instanceof ZeroOSError)) throw error;
    // The ABI and a dynamic executable are reasons of their own already.
    if (!(error instanceof UnsupportedElfAbi || error instanceof DynamicExecutable)) {
      reasons.push({ kind: 'load', message: `${integration.name}'s loader refuses it: ${error.name}: ${error.message}` });
    }
    return { table, source };
  } finally {
    zeroos.dispose();
  }
}

function syscallOf(table: SyscallTable, nr: number): ReportSyscall {
  const marked = markSyscall(table, nr);
  return {
    nr,
    name: marked.name,
    support: marked.mark,
    ...(marked.note === undefined ? {} : { note: marked.note }),
    ...(marked.subsystem === undefined ? {} : { subsystem: marked.subsystem }),
  };
}

type RunSection = NonNullable<CheckReport['syscalls']['run']>;

/**
 * Runs the program on the platform with -ENOSYS for what ZeroOS does not serve (so it goes
 * on past the first one) and the given budget, counting the syscalls it makes. Output is
 * counted, not kept.
 */
function runProgram(options: CheckOptions, trapMode: TrapMode, table: SyscallTable, reasons: Finding[], warnings: Finding[]): RunSection {
  const budget = options.run!.maxInstructions ?? DEFAULT_CHECK_RUN_BUDGET;
  const args = options.run!.args;
  let stdoutBytes = 0;
  let stderrBytes = 0;
  const counts = new Map<number, number>();
  const count = (nr: number) => counts.set(nr, (counts.get(nr) ?? 0) + 1);
  let instructions = 0;
  let exitCode: number | null = null;
  let signal: number | undefined;
  let stopped: RunSection['stopped'];
  try {
    const zeroos = createKernel({
      platform: options.integration,
      platformOptions: options.platformOptions ?? {},
      trapMode,
      unknownSyscall: 'enosys',
      maxInstructions: budget,
      console: { stdout: (data) => void (stdoutBytes += data.length), stderr: (data) => void (stderrBytes += data.length) },
    });
    zeroos.events.syscallEnter$.subscribe((e) => count(e.nr));
    zeroos.events.unsupportedSyscall$.subscribe((e) => count(e.nr));
    const path = `/bin/${basename(options.path)}`;
    try {
      zeroos.load({ executable: options.bytes, path, argv: [path, ...args] });
      const result = zeroos.run();
      exitCode = result.exitCode;
      signal = result.signal;
    } finally {
      instructions = zeroos.kernel.instructions;
      zeroos.dispose();
    }
  } catch (error) {
    if (!(error instanceof ZeroOSError)) throw error;
    stopped = { error: error.name, message: error.message, exitCode: error.exitCode };
    if (error instanceof InstructionBudgetExhausted) {
      warnings.push({ kind: 'run', message: `the run did not end within ${budget} instructions (raise --max-instructions): the syscalls listed are those it made so far` });
    } else {
      reasons.push({ kind: 'run', message: `the run stopped: ${error.name}: ${error.message}` });
    }
  }
  const calls = [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([nr, n]) => ({ ...syscallOf(table, nr), count: n }));
  const missing = calls.filter((c) => c.support === 'missing');
  if (missing.length > 0) {
    reasons.push({
      kind: 'run',
      message: `the run made ${missing.map((c) => `${c.name} (${c.nr}) ×${c.count}`).join(', ')}, which ZeroOS does not serve: zeroos run stops there with UnknownSyscall (exit 72) unless --unknown-syscall enosys`,
    });
  }
  const partial = calls.filter((c) => c.support === 'partial');
  for (const c of partial) warnings.push({ kind: 'syscall', message: `the run made ${c.name} (${c.nr}) ×${c.count}, served in part${c.note === undefined ? '' : `: ${c.note}`}` });
  if (exitCode !== null && exitCode !== 0) warnings.push({ kind: 'run', message: `the program exited with status ${exitCode}${signal === undefined ? '' : ` (signal ${signal})`}` });
  return {
    args,
    budget,
    instructions,
    exitCode,
    ...(signal === undefined ? {} : { signal }),
    ...(stopped === undefined ? {} : { stopped }),
    stdoutBytes,
    stderrBytes,
    calls,
  };
}

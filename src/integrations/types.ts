/**
 * The integration contract: what one zkVM (or the plain Linux-user machine) brings to
 * ZeroOS. A folder under src/integrations/ exports one `Integration`; an adapter of your own
 * is a module whose default export is one (or a function that receives the ZeroOS API and
 * returns one), run with `zeroos run --platform ./my-adapter.js`.
 *
 *   Integration            name, summary, the options it takes
 *     └ setup(context) →   IntegrationSetup, for one run:
 *         platform         layout + bootstrap + exit + what a halt means (kernel/contracts/platform.ts)
 *         module           an inversify ContainerModule: I/O windows and boot steps
 *                          (BOOT_CONTRIBUTION), syscalls (SYSCALL_PROVIDER), devices (DEVICE),
 *                          a cost model (COST_MODEL), what --stats and the result report
 *                          (RUN_REPORTER)
 *         trap / isa /     where ecall goes, the instructions and CSRs the zkVM accepts,
 *         machineProfile   its machine mode (trap semantics, mstatus model, CSR whitelist)
 *         layoutText /     what `zeroos layout` and `zeroos linker-script` print
 *         linkerScript
 *
 * The kernel never looks at an integration's name: everything it does differently on a
 * zkVM comes through these parts.
 */
import type { ContainerModule } from 'inversify';
import type { MachineProfile } from '../arch/riscv64/csr/index.js';
import type { IsaConfig } from '../arch/riscv64/isa/index.js';
import type { TrapMode } from '../arch/riscv64/types.js';
import type { Platform } from '../kernel/contracts/platform.js';

/** How an option's text becomes a value. */
export type OptionKind =
  /** Bytes: 4096, 0x1000, 64K, 32M (0 allowed). */
  | 'size'
  /** A non-negative integer (underscores allowed). */
  | 'count'
  /** A host file the run reads (read by the integration, within its limits). */
  | 'file'
  /** Any text. */
  | 'string';

/** One command-line option of an integration (`--max-input-size <bytes>`). */
export interface IntegrationOption {
  /** The long flag without dashes, kebab-case: 'max-input-size'. Its value reaches `setup` under the camelCase key ('maxInputSize'). */
  readonly name: string;
  readonly kind: OptionKind;
  readonly description: string;
  /** A size or count that must not be 0. */
  readonly positive?: boolean;
  /** The default, as the help shows it (the integration applies it itself). */
  readonly defaultText?: string;
  /** Which commands take it (default: all three). */
  readonly commands?: readonly ('run' | 'layout' | 'linker-script')[];
}

/** Option values by camelCase name: numbers for sizes and counts, strings for files and text. */
export type IntegrationOptionValues = Readonly<Record<string, number | string | undefined>>;

/** What `setup` is given. */
export interface IntegrationContext {
  /** The values of the integration's own options that were given. */
  readonly options: IntegrationOptionValues;
  /** Where ecall goes in this run ('host' unless the user chose 'machine'). */
  readonly trapMode: TrapMode;
  /** Why the setup is built: a run, or a description (`zeroos layout`, `linker-script`, `check`). */
  readonly purpose: 'run' | 'describe';
}

/** The parts of one run (or of one description of the platform). */
export interface IntegrationSetup {
  readonly platform: Platform;
  /** Loaded after the default subsystems and before the user's own modules. */
  readonly module?: ContainerModule;
  /** The instruction set this platform accepts (default RV64IMAC, nothing refused). */
  readonly isa?: IsaConfig;
  /** Machine mode as this platform has it, for trap mode 'machine' (default: the privileged spec). */
  readonly machineProfile?: MachineProfile;
  /** What `zeroos layout` prints, given the program when one was named. */
  layoutText?(program?: { readonly path: string; readonly bytes: Uint8Array }): string;
  /** What `zeroos linker-script` prints: a GNU ld script for this layout. */
  linkerScript?(): string;
  /**
   * What `zeroos check` asks: does `image` fit this platform's layout (and is there anything
   * else in the image the platform refuses before running it), and how to relink it when
   * not. Default (src/check/image-fit.ts): the load segments, page-rounded as ZeroOS's
   * loader maps them, against the layout's regions of kind 'image'.
   */
  checkImage?(image: CheckedImage): ImageFit;
}

/** The program as `zeroos check` hands it to `IntegrationSetup.checkImage`. */
export interface CheckedImage {
  readonly path: string;
  /** The ELF file. */
  readonly bytes: Uint8Array;
  /** e_entry (link-time). */
  readonly entry: number;
  /** ET_EXEC: linked at fixed addresses (false: a static-pie ET_DYN the loader places). */
  readonly fixedAddress: boolean;
  /** The PT_LOAD segments: link-time [start, end) and PERM_* bits. */
  readonly segments: readonly { readonly index: number; readonly start: number; readonly end: number; readonly perms: number }[];
  /** Words of the executable sections no ratified extension or custom opcode defines (a zkVM that decodes every word, as Jolt does, rejects them). */
  readonly undecodable: readonly { readonly address: number; readonly word: number }[];
}

/** An address range of an ImageFit. */
export interface ImageRange {
  readonly name: string;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

/** `checkImage`'s answer. */
export interface ImageFit {
  /** False when `problems` is not empty. */
  readonly fits: boolean;
  /** What the image occupies. */
  readonly needs: readonly ImageRange[];
  /** Where the platform places images. */
  readonly offers: readonly ImageRange[];
  /** Why it will not load or run, one sentence each. */
  readonly problems: readonly string[];
  /** How to relink it for this platform (commands and compiler flags), when it does not fit. */
  readonly relink?: string;
}

export interface Integration {
  /** What `--platform` takes and `zeroos platforms` lists: lowercase, no spaces. */
  readonly name: string;
  /** One line for `zeroos platforms`. */
  readonly summary: string;
  /** Where ecall may go on this platform: 'host' (ZeroOS serves syscalls) and/or 'machine' (the guest's mtvec). Default ['host']. */
  readonly trapModes?: readonly TrapMode[];
  /** Its own options (beyond the common ones every run takes). */
  readonly options?: readonly IntegrationOption[];
  /** Builds the parts of one run from the option values. Throws a named error (e.g. a usage or layout error) on bad values. */
  setup(context: IntegrationContext): IntegrationSetup;
}

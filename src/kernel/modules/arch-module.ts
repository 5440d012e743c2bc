import { ContainerModule, type ServiceIdentifier } from 'inversify';
import { PagedMemory, RiscvHart, type RiscvHartOptions } from '../../arch/index.js';
import type { MachineProfile } from '../../arch/riscv64/csr/index.js';
import type { IsaConfig } from '../../arch/riscv64/isa/index.js';
import type { TrapMode } from '../../arch/riscv64/types.js';
import { LinearFramePool } from '../../arch/riscv64/tiers/wasm/frames.js';
import { ARCH } from '../tokens.js';

/**
 * The execution tiers a run can choose: 'wasm' (the default: the fastest that passes every
 * test, measured side by side on real programs) compiles hot regions to WebAssembly over
 * guest frames in one linear memory and interprets the rest; 'js' compiles hot basic blocks
 * to JavaScript functions; 'interpreter' runs every instruction through the interpreter
 * (the reference behaviour). All give the same output, instruction count and events; a run
 * someone observes instruction by instruction (a cost model, a tracer) runs its compiled
 * code on the js tier.
 */
export const ENGINE_NAMES = ['interpreter', 'js', 'wasm'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
export const DEFAULT_ENGINE: EngineName = 'wasm';

/** The tier the bound hart was built with (what `--stats` and `RunStats.engine` report). */
export const ENGINE = Symbol.for('zeroos.Engine') as ServiceIdentifier<EngineName>;

/** The only place that knows what the hart calls each tier. */
const HART_ENGINE = {
  interpreter: 'interpreter',
  js: 'js',
  wasm: 'wasm',
} as const satisfies Record<EngineName, NonNullable<RiscvHartOptions['engine']>>;

export function isEngineName(value: unknown): value is EngineName {
  return typeof value === 'string' && (ENGINE_NAMES as readonly string[]).includes(value);
}

export interface ArchOptions {
  readonly trapMode?: TrapMode;
  /** Default 'js'. */
  readonly engine?: EngineName;
  /** The instruction set: extensions registered and instructions refused (default RV64IMAC). */
  readonly isa?: IsaConfig;
  /** Machine mode as the platform has it (trap semantics, mstatus, accepted CSRs). */
  readonly machineProfile?: MachineProfile;
}

/** The machine: one RV64IMAC hart over paged guest memory, run by the chosen tier. */
export function archModule(options: ArchOptions = {}): ContainerModule {
  const engine = options.engine ?? DEFAULT_ENGINE;
  if (!isEngineName(engine)) {
    throw new RangeError(`unknown engine "${String(engine)}" (one of ${ENGINE_NAMES.join(', ')})`);
  }
  return new ContainerModule(({ bind }) => {
    bind(ENGINE).toConstantValue(engine);
    bind(ARCH).toDynamicValue(() => {
      // The wasm tier's regions reach guest pages in its linear memory directly.
      const memory = new PagedMemory(engine === 'wasm' ? new LinearFramePool() : undefined);
      const hart = new RiscvHart(memory, {
        engine: HART_ENGINE[engine],
        ...(options.trapMode === undefined ? {} : { trapMode: options.trapMode }),
        // The host kernel serves ecall: the guest is a user program (machine CSRs are SIGILL).
        privilege: (options.trapMode ?? 'host') === 'host' ? 'user' : 'machine',
        ...(options.isa === undefined ? {} : { isa: options.isa }),
        ...(options.machineProfile === undefined ? {} : { machineProfile: options.machineProfile }),
      });
      return { memory, hart };
    }).inSingletonScope();
  });
}

import { ContainerModule } from 'inversify';
import { PagedMemory, RiscvHart } from '../../arch/index.js';
import type { TrapMode } from '../../arch/riscv64/types.js';
import { ARCH } from '../tokens.js';

/** The machine: one RV64IMAC hart over paged guest memory. */
export function archModule(options: { trapMode?: TrapMode } = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(ARCH).toDynamicValue(() => {
      const memory = new PagedMemory();
      const hart = new RiscvHart(memory, options.trapMode === undefined ? {} : { trapMode: options.trapMode });
      return { memory, hart };
    }).inSingletonScope();
  });
}

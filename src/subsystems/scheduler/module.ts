import { ContainerModule } from 'inversify';
import { SCHEDULER } from '../../kernel/tokens.js';
import { CooperativeScheduler } from './cooperative.js';

export interface SchedulerOptions {
  /** Preempt every N instructions; omitted = switch only when a thread blocks, yields or exits. */
  readonly quantum?: number;
}

/** The scheduler subsystem: binds the cooperative round-robin scheduler. */
export function schedulerModule(options: SchedulerOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(SCHEDULER).toConstantValue(new CooperativeScheduler(options.quantum));
  });
}

import { ContainerModule, type ServiceIdentifier } from 'inversify';
import { KERNEL_CONFIG, SCHEDULER, SYSCALL_PROVIDER } from '../../kernel/tokens.js';
import { CooperativeScheduler } from './cooperative.js';
import { SeededRandomScheduler } from './seeded-random.js';
import { SchedulerSyscalls } from './syscalls.js';

export const SCHEDULER_NAMES = ['cooperative', 'random'] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

export interface SchedulerOptions {
  /** 'cooperative' (default, round-robin) or 'random' (seeded from the run's seed). */
  readonly scheduler?: SchedulerName;
  /** Preempt every N instructions; omitted = switch only when a thread blocks, yields or exits. */
  readonly quantum?: number;
}

/**
 * The run's scheduler options, for a scheduler of your own that honours them: inject it
 * (`@inject(SCHEDULER_OPTIONS)`) and take `quantum` from it. createKernel refuses a
 * `quantum` option that the bound scheduler does not report back as its own.
 */
export const SCHEDULER_OPTIONS = Symbol.for('zeroos.SchedulerOptions') as ServiceIdentifier<SchedulerOptions>;

/** The scheduler subsystem: the Scheduler and the futex and sched_* syscalls. */
export function schedulerModule(options: SchedulerOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(SCHEDULER_OPTIONS).toConstantValue(options);
    if (options.scheduler === 'random') {
      bind(SCHEDULER)
        .toDynamicValue((context) => new SeededRandomScheduler(context.get(KERNEL_CONFIG).seed, options.quantum))
        .inSingletonScope();
    } else {
      bind(SCHEDULER)
        .toDynamicValue(() => new CooperativeScheduler(options.quantum))
        .inSingletonScope();
    }
    bind(SchedulerSyscalls).toSelf().inSingletonScope();
    bind(SYSCALL_PROVIDER).toService(SchedulerSyscalls);
  });
}

export { CooperativeScheduler } from './cooperative.js';
export { SeededRandomScheduler } from './seeded-random.js';
export { SCHEDULER_NAMES, SCHEDULER_OPTIONS, schedulerModule, type SchedulerName, type SchedulerOptions } from './module.js';
export * from './syscalls.js';

export { CooperativeScheduler } from './cooperative.js';
export { schedulerModule, type SchedulerOptions } from './module.js';

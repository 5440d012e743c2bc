/** Cycle profiles by guest function (docs/profiling.md): the tracker, the profile, the writers, Rust demangling. */
export { CallStackTracker, type CallStackTrackerOptions, type CostMeterSource } from './tracker.js';
export { CallTreeProfile, type CallTreeData, type FunctionShare, type ProfileCostUnit, type ProfileFunction, type ProfileStack, type ProfileThread } from './profile.js';
export { PROFILE_FORMATS, folded, pprof, speedscope, writeProfile, type ProfileFormat, type ProfileMeta, type SpeedscopeFile } from './writers.js';
export { demangle } from './demangle.js';

/**
 * `zeroos/trace`: what tracing and profiling a guest builds on — kernel events as JSON lines
 * and their replay, run digests, instruction traces, cycle profiles by guest function and the
 * ELF function table they name addresses by. The events themselves come from `zeroos`
 * (`zeroos.events`); the CLI's `--trace-json`, `--digest`, `--itrace` and `--profile` use these.
 */
// Events as JSON lines and run digests (docs/trace-events.md).
export {
  JsonLinesTraceWriter,
  TRACE_JSON_VERSION,
  TraceFormatError,
  eventFromJson,
  eventToJson,
  eventToJsonLine,
  readTrace,
  replayTrace,
  type JsonEvent,
  type JsonValue,
} from './json.js';
export { DIGEST_VERSION, RunDigest, canonicalJson, digestEventView } from './digest.js';

// Instruction traces (docs/itrace.md): a `zeroos run --itrace` file read record by record.
export { ItraceReader, readItrace, ItraceFormatError, type ItraceHeader, type ItraceRecord, type ItraceStop, type ItraceTrailer } from './itrace/index.js';

// Cycle profiles by guest function (docs/profiling.md): the call-stack tracker and the writers.
export { FunctionTable, SymbolTableError, type FunctionSymbol } from '../elf/symbols.js';
export {
  CallStackTracker,
  CallTreeProfile,
  PROFILE_FORMATS,
  demangle,
  folded as foldedProfile,
  pprof as pprofProfile,
  speedscope as speedscopeProfile,
  writeProfile,
  type CallStackTrackerOptions,
  type FunctionShare,
  type ProfileFormat,
  type ProfileStack,
  type SpeedscopeFile,
} from './profile/index.js';

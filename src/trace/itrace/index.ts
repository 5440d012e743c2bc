/**
 * Instruction traces: the v1 file format (docs/itrace.md), the writer that records a run's
 * retired instructions through the hart's instruction observer, and the streaming reader.
 */
export {
  ITRACE_MAGIC,
  ITRACE_VERSION,
  ItraceFormatError,
  STOP_DESCRIPTIONS,
  isaString,
  type ItraceHeader,
  type ItraceRecord,
  type ItraceStop,
  type ItraceTrailer,
} from './format.js';
export { FileSink, ItraceWriter, type ItraceSink, type ItraceWriterOptions } from './writer.js';
export { ItraceReader, bytesSource, readItrace, type ItraceSource } from './reader.js';

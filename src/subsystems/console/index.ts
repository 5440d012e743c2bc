export {
  CapturedOutputLimit,
  Console,
  DEFAULT_CAPTURE_LIMIT,
  MAX_CAPTURE_LIMIT,
  bytesInput,
  type ConsoleOptions,
  type HostOutputFailure,
  type InputSource,
  type OutputSink,
} from './console.js';
export { consoleModule } from './module.js';

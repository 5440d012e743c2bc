export { Console, bytesInput, type ConsoleOptions, type InputSource, type OutputSink } from './console.js';
export { consoleModule } from './module.js';

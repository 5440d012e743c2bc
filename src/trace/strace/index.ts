/** strace-grade syscall traces: decoders, the printer, the trace= filter and the -c summary. */
export { SyscallDecoder, PendingCall, memoryView, formatError, type GuestView, type DecodeOptions, type ExitText } from './decode.js';
export { StracePrinter, processEnd, type StracePrinterOptions } from './printer.js';
export { parseTraceFilter, TraceFilterError, SYSCALL_CLASSES, type SyscallFilter } from './filter.js';
export { SyscallSummary, type SummarizedCall } from './summary.js';
export { formatSiginfo, siCodeName } from './siginfo.js';

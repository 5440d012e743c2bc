/**
 * The compatibility check (`zeroos check ELF --platform P`) as a library: will a program
 * run on a platform, and if not, why and how to fix it. See check.ts for the parts and
 * docs/check.md for the JSON report.
 */
export { CHECK_SCHEMA, DEFAULT_CHECK_RUN_BUDGET, checkProgram, type CheckOptions, type CheckReport, type Finding, type FindingKind } from './check.js';
export { formatCheckReport } from './format.js';
export { checkImageFit, defaultImageFit, relinkAdvice } from './image-fit.js';
export { classifyHalf, classifyWord, csrNameOf, type Encoding, type ExtensionName } from './encodings.js';
export { scanIsa, type IsaScan, type ScannedInstruction, type InstructionStatus, type CsrStatus } from './isa-scan.js';
export { findEcallSites, markSyscall, type EcallSite, type SyscallMark } from './syscall-scan.js';
export { readCheckedElf, type CheckedElf, type CodeRegion } from './program.js';

export * from './constants.js';
export * from './errors.js';
export { parseElf, type ElfAbiOptions, type ElfFile, type ProgramHeader } from './parser.js';
export { loadElf, type LoadOptions, type LoadedImage, type LoadedSegment } from './loader.js';

export { LinuxPlatform, type LinuxPlatformOptions } from './linux-platform.js';
export * from './layout.js';

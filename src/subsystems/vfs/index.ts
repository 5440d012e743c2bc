export * as vfsConstants from './constants.js';
export { DevRandomDevice, NullDevice, RandomDevice, UrandomDevice, ZeroDevice } from './devices.js';
export { HostFileError, MountError } from './errors.js';
export { AnonInode, AnonInodeFileSystem } from './anon-inode.js';
export { EPOLL_EVENT_SIZE, EpollSyscalls, EventPoll, type EpollEvent } from './epoll.js';
export { EventFd, EventFdSyscalls } from './eventfd.js';
export { DescriptorSyscalls } from './fd-syscalls.js';
export { DEFAULT_HOST_DESCRIPTORS, HostDescriptorPool } from './host-access.js';
export {
  HostOutputDirectory,
  createHostOutputFile,
  prospectiveRealPath,
  writeHostOutputFile,
  type OutputTreeEntry,
  type OutputTreeSummary,
} from './host-output.js';
export { HostFileSystem } from './hostfs.js';
export { InputLedger, type InputRecord } from './input-ledger.js';
export {
  DeviceInode,
  DirectoryInode,
  FileData,
  GeneratedFileInode,
  Inode,
  MagicLinkInode,
  PipeInode,
  RegularInode,
  SymlinkInode,
  type FileSystem,
  type InodeKind,
  type Mirror,
} from './inode.js';
export { IOV_MAX, IoSyscalls, MAX_RW_COUNT } from './io-syscalls.js';
export { LockTable, type LockOwner, type RecordLock } from './locks.js';
export { MemoryFileSystem, SyntheticFileSystem } from './memfs.js';
export { vfsModule } from './module.js';
export { MountTree, type ParentLookup } from './mount-tree.js';
export { DeviceFile, DirectoryFile, FileDescription, GeneratedFile, PathFile, RegularFile } from './open-file.js';
export { FILES_OPTIONS, mountMode, type FilesOptions, type HostMount, type HostMountMode, type OutputDirectory } from './options.js';
export { PathSyscalls } from './path-syscalls.js';
export { BrokenPipes, Pipe, PipeEnd } from './pipe.js';
export { PollSyscalls } from './poll-syscalls.js';
export { PollWakeups, wakeupsOf, type WakeListener, type WakeSource } from './poll-wake.js';
export { SignalWaits, type InterruptibleWait } from './signal-waits.js';
export { StandardStreams } from './standard-streams.js';
export { Vfs, type OutputSummary, type TimeSpec } from './vfs.js';
export { WaitQueue } from './wait-queue.js';

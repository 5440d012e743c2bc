import { describe, expect, it } from 'vitest';
import { Errno } from '../../../src/kernel/errno.js';
import { SYSCALL_NUMBERS as NR } from '../../../src/kernel/syscall/numbers.js';
import { TRAP_HANDLER } from '../../../src/kernel/tokens.js';
import { O_CREAT, O_DIRECTORY, O_RDWR, O_WRONLY, S_IFDIR, S_IFLNK, S_IFMT } from '../../../src/subsystems/vfs/constants.js';
import { MACHINE, RV64A, RV64C, RV64I, RV64M, ZICSR, ZIFENCEI } from '../../../src/arch/riscv64/isa/index.js';
import { linuxIsaString } from '../../../src/subsystems/vfs/procfs.js';
import { Vfs } from '../../../src/subsystems/vfs/vfs.js';
import { createKernel, type KernelOptions } from '../../../src/zeroos.js';
import { CODE, SyscallTestPlatform, type SyscallHarness } from '../../support/syscall-harness.js';
import { E, Guest } from './support.js';

/** A guest whose executable has bytes and a path of its own (the harness loads an empty one as /prog). */
function withExecutable(path: string, bytes: Uint8Array, options: KernelOptions = {}): Guest {
  const zeroos = createKernel({ platform: new SyscallTestPlatform(), ...options });
  zeroos.load({ executable: bytes, path, argv: [path] });
  const { hart, memory } = zeroos.kernel.arch;
  const trap = zeroos.container.get(TRAP_HANDLER);
  const main = [...zeroos.process.threads.values()][0]!;
  const call = (thread: typeof main, nr: number, args: (number | bigint)[]) => {
    hart.pc = CODE;
    hart.setX(17, BigInt(nr));
    for (let i = 0; i < 6; i++) hart.setX(10 + i, BigInt(args[i] ?? 0));
    trap.onEcall(thread);
    return hart.getXSigned(10);
  };
  const h: SyscallHarness = {
    zeroos,
    main,
    syscall: (nr, ...args) => call(main, nr, args),
    syscallAs: (thread, nr, ...args) => call(thread, nr, args),
    write: (address, data) => memory.write(address, typeof data === 'string' ? new TextEncoder().encode(data) : data),
    read: (address, length) => memory.read(address, length),
    stdout: () => new TextDecoder().decode(zeroos.console.stdout),
    stderr: () => new TextDecoder().decode(zeroos.console.stderr),
  };
  return new Guest(h);
}

describe('/dev', () => {
  it('should read nothing from /dev/null and take every write', () => {
    const g = Guest.create();
    const fd = g.fd('/dev/null', O_RDWR);
    expect(g.read(fd, 10)).toBe('');
    expect(g.write(fd, 'gone')).toBe(4n);
  });
  it('should read zeros from /dev/zero', () => {
    const g = Guest.create();
    expect(g.read(g.fd('/dev/zero'), 8)).toBe('\0'.repeat(8));
  });
  it('should read /dev/urandom and /dev/random from the seeded stream getrandom draws from', () => {
    const first = Guest.create({ seed: 7 });
    const again = Guest.create({ seed: 7 });
    const other = Guest.create({ seed: 8 });
    const bytes = (g: Guest, path: string) => g.read(g.fd(path), 32);
    const a = bytes(first, '/dev/urandom');
    expect(bytes(again, '/dev/urandom')).toBe(a);
    expect(bytes(other, '/dev/urandom')).not.toBe(a);
    expect(bytes(first, '/dev/random')).not.toBe(a);
    const viaGetrandom = Guest.create({ seed: 7 });
    const buffer = viaGetrandom.alloc(32);
    viaGetrandom.call(NR.getrandom, buffer, 32, 0);
    expect(Buffer.from(viaGetrandom.memory.read(buffer, 32)).toString('latin1')).toBe(a);
  });
  it('should reach the standard streams through /dev/stdout and /dev/stderr', () => {
    const g = Guest.create();
    g.write(g.fd('/dev/stdout', O_WRONLY), 'to stdout');
    g.write(g.fd('/dev/stderr', O_WRONLY), 'to stderr');
    expect(g.h.stdout()).toBe('to stdout');
    expect(g.h.stderr()).toBe('to stderr');
    expect(g.readlink('/dev/stdin')).toBe('/proc/self/fd/0');
  });
  it('should let the guest make files in /dev/shm', () => {
    const g = Guest.create();
    g.writeFile('/dev/shm/seg', 'shared');
    expect(g.readFile('/dev/shm/seg')).toBe('shared');
  });
});

describe('/proc', () => {
  it('should point /proc/self at the one process and /proc/self/exe at the executable', () => {
    const elf = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]);
    const g = withExecutable('bin/tool', elf);
    expect(g.readlink('/proc/self')).toBe('1');
    expect(g.readlink('/proc/self/exe')).toBe('/bin/tool');
    expect(g.readFile('/proc/self/exe')).toBe(Buffer.from(elf).toString('latin1'));
    expect(g.statOk('/proc/self/exe').ino).toBe(g.statOk('/bin/tool').ino);
    expect(g.statOk('/proc/self/exe', 0x100).mode & S_IFMT).toBe(S_IFLNK);
  });
  it('should place a relative executable path below the working directory', () => {
    const g = withExecutable('tool', new Uint8Array([1]), { files: { cwd: '/job' } });
    expect(g.readlink('/proc/self/exe')).toBe('/job/tool');
    expect(g.h.zeroos.container.get(Vfs).executable?.path).toBe('/job/tool');
  });
  it('should keep the executable reachable through /proc/self/exe when its path is taken', () => {
    const g = withExecutable('/tmp', new Uint8Array([9, 9]));
    expect(g.readFile('/proc/self/exe')).toBe('\x09\x09');
    expect(g.statOk('/tmp').mode & S_IFMT).toBe(S_IFDIR);
  });
  it('should give deterministic /proc/cpuinfo, /proc/self/cgroup and /sys cpu counts', () => {
    const g = Guest.create();
    // The default hart is RV64GC: Linux 6.7+'s format, with the ISA string it prints for it.
    expect(g.readFile('/proc/cpuinfo')).toBe(
      'processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc_zicsr_zifencei\nmmu\t\t: sv39\n' +
        'mvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\nhart isa\t: rv64imafdc_zicsr_zifencei\n\n',
    );
    expect(g.readFile('/proc/self/cgroup')).toBe('0::/\n');
    expect(g.readFile('/sys/devices/system/cpu/online')).toBe('0\n');
    expect(g.readFile('/sys/devices/system/cpu/possible')).toBe('0\n');
    expect(g.readFile('/proc/self/comm')).toBe('prog\n');
  });
  it('should derive /proc/cpuinfo\'s isa from the hart: an RV64IMAC hart says rv64imac', () => {
    const g = Guest.create({ isa: { extensions: [RV64I, RV64M, RV64A, RV64C, ZICSR, ZIFENCEI, MACHINE] } });
    expect(g.readFile('/proc/cpuinfo')).toContain('isa\t\t: rv64imac_zicsr_zifencei\nmmu');
    expect(g.readFile('/proc/cpuinfo')).toContain('hart isa\t: rv64imac_zicsr_zifencei\n\n');
  });
  it('should order the ISA string as Linux does: letters canonically, Z by category, then S', () => {
    const hwcap = [...'cdfima'].reduce((bits, l) => bits | (1 << (l.charCodeAt(0) - 97)), 0);
    const names = ['zifencei', 'zba', 'machine', 'sstc', 'zicsr', 'xjolt', 'zfh', 'svnapot', 'i', 'c'].map((name) => ({ name }));
    expect(linuxIsaString({ hwcap, extensions: names })).toBe('rv64imafdc_zicsr_zifencei_zfh_zba_sstc_svnapot');
    expect(linuxIsaString({ hwcap: 1 << 8, extensions: [] })).toBe('rv64i');
  });
  it('should show the address space in /proc/self/maps', () => {
    const g = Guest.create();
    g.call(NR.mmap, 0, 8192, 3, 0x22, -1, 0);
    const maps = g.readFile('/proc/self/maps') as string;
    expect(maps).toMatch(/^00001000-00002000 r-xp 00000000 00:00 0\s+code$/m);
    expect(maps).toMatch(/^10000000-10002000 rw-p 00000000 00:00 0\s+\[anon\]$/m);
  });
  it('should list the open fds in /proc/self/fd as links that reopen the file', () => {
    const g = Guest.create();
    g.writeFile('/tmp/f', 'contents');
    const fd = g.fd('/tmp/f');
    g.read(fd, 3);
    expect(g.list('/proc/self/fd')).toEqual(['.', '..', '0', '1', '2', String(fd), String(fd + 1)]);
    expect(g.readlink(`/proc/self/fd/${fd}`)).toBe('/tmp/f');
    expect(g.readlink('/proc/self/fd/1')).toBe('console:stdout');
    expect(g.readFile(`/proc/self/fd/${fd}`)).toBe('contents');
    expect(g.stat('/proc/self/fd/99')).toBe(E(Errno.ENOENT));
  });
  it('should show the working directory in /proc/self/cwd', () => {
    const g = Guest.create();
    g.mkdir('/tmp/w');
    g.chdir('/tmp/w');
    expect(g.readlink('/proc/self/cwd')).toBe('/tmp/w');
    expect(g.statOk('/proc/self/cwd').ino).toBe(g.statOk('/tmp/w').ino);
  });
  it('should be read-only and leave out what it is configured without', () => {
    const g = Guest.create();
    expect(g.open('/proc/cpuinfo', O_WRONLY)).toBe(E(Errno.EROFS));
    expect(g.open('/proc/new', O_WRONLY | O_CREAT)).toBe(E(Errno.EROFS));
    const bare = Guest.create({ files: { proc: false } });
    expect(bare.stat('/proc/self')).toBe(E(Errno.ENOENT));
    expect(bare.list('/')).toEqual(['.', '..', 'dev', 'prog', 'tmp']);
    expect(bare.stat('/dev/stdin')).toBe(E(Errno.ENOENT));
    expect(Guest.create().list('/proc')).toEqual(['.', '..', '1', 'cpuinfo', 'self', 'thread-self']);
    expect(g.fd('/proc/self/fd', O_DIRECTORY)).toBeGreaterThan(2);
  });
});

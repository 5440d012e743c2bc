import { describe, expect, it } from 'vitest';
import { SYSCALL_NUMBERS as NR } from '../../../src/kernel/syscall/numbers.js';
import { taskStat, taskStatus, taskView } from '../../../src/subsystems/vfs/procfs.js';
import { Errno } from '../../../src/kernel/errno.js';
import { E, Guest } from './support.js';

/** A guest with a second thread, as clone would make it (runnable, its own name and mask). */
function withThread(): { g: Guest; other: ReturnType<Guest['h']['zeroos']['process']['createThread']> } {
  const g = Guest.create();
  const other = g.h.zeroos.process.createThread();
  return { g, other };
}

describe('/proc/self/task and /proc/thread-self', () => {
  it('should list every live thread\'s tid in /proc/self/task, each with stat, status and comm', () => {
    const { g, other } = withThread();
    expect(g.list('/proc/self/task')).toEqual(['.', '..', '1', String(other.tid)]);
    expect(g.list(`/proc/self/task/${other.tid}`)).toEqual(['.', '..', 'comm', 'stat', 'status']);
    other.state = 'exited';
    expect(g.list('/proc/self/task')).toEqual(['.', '..', '1']);
    expect(g.open(`/proc/self/task/${other.tid}/stat`)).toBe(E(Errno.ENOENT));
  });

  it('should show a thread\'s tid, comm and state (S while blocked, else R) in stat in Linux\'s 52-field format', () => {
    const { g, other } = withThread();
    const path = `/proc/self/task/${other.tid}/stat`;
    const running = g.readFile(path) as string;
    const fields = running.trimEnd().split(' ');
    expect(fields).toHaveLength(52);
    expect(fields.slice(0, 3)).toEqual([String(other.tid), '(prog)', 'R']);
    expect(fields[19]).toBe('2'); // num_threads
    expect(fields[37]).toBe('-1'); // exit_signal: not the leader
    other.state = 'blocked';
    expect((g.readFile(path) as string).split(' ')[2]).toBe('S');
    // prctl(PR_SET_NAME) names it
    g.callAs(other, NR.prctl, 15, g.str('worker\0'));
    expect(g.readFile(`/proc/self/task/${other.tid}/comm`)).toBe('worker\n');
    expect((g.readFile(path) as string).startsWith(`${other.tid} (worker) S `)).toBe(true);
    expect((g.readFile('/proc/self/task/1/stat') as string).split(' ')[37]).toBe('17');
  });

  it('should show name, state, ids, threads and blocked signals in status', () => {
    const { g, other } = withThread();
    other.signalMask = 1n << 9n; // SIGUSR1
    const status = g.readFile(`/proc/self/task/${other.tid}/status`) as string;
    expect(status).toContain('Name:\tprog\n');
    expect(status).toContain('State:\tR (running)\n');
    expect(status).toContain(`Tgid:\t1\nNgid:\t0\nPid:\t${other.tid}\nPPid:\t0\n`);
    expect(status).toContain('Threads:\t2\n');
    expect(status).toContain('SigBlk:\t0000000000000200\n');
  });

  it('should point /proc/thread-self at the calling thread\'s task directory', () => {
    const { g, other } = withThread();
    const main = g.h.main;
    main.runningSince = 0;
    expect(g.readlink('/proc/thread-self')).toBe('1/task/1');
    main.runningSince = undefined;
    other.runningSince = 0;
    expect(g.readlink('/proc/thread-self')).toBe(`1/task/${other.tid}`);
    expect((g.readFile('/proc/thread-self/stat') as string).startsWith(`${other.tid} (prog) R `)).toBe(true);
  });

  it('should format stat and status from a task view alone', () => {
    const view = { tid: 3, tgid: 1, comm: 'go', sleeping: true, threads: 4, blocked: 0n, leader: false };
    expect(taskStat(view).startsWith('3 (go) S 0 1 1 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 4 0 0 0 0 18446744073709551615 ')).toBe(true);
    expect(taskStatus(view).split('\n')[0]).toBe('Name:\tgo');
    const { g } = withThread();
    expect(taskView(g.h.main, '/usr/bin/a-very-long-program-name').comm).toBe('a-very-long-pro');
  });
});

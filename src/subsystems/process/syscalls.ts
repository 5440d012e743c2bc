import { inject, injectable } from 'inversify';
import { PERM_W } from '../../arch/memory/types.js';
import { NO_RETURN, defineSyscall, type SyscallDefinition, type SyscallProvider } from '../../kernel/contracts/syscall.js';
import { ProcessLifecycle } from '../../kernel/lifecycle.js';
import { int, ptr } from '../../kernel/syscall/args.js';
import { SYSCALL_NUMBERS as NR } from '../../kernel/syscall/numbers.js';

/** Process and thread identity and ending: exit, exit_group, set_tid_address, getpid, gettid. */
@injectable()
export class ProcessSyscalls implements SyscallProvider {
  readonly subsystem = 'process';

  constructor(@inject(ProcessLifecycle) private readonly lifecycle: ProcessLifecycle) {}

  syscalls(): readonly SyscallDefinition[] {
    const lifecycle = this.lifecycle;
    return [
      defineSyscall({
        name: 'exit',
        nr: NR.exit,
        args: [int('status')],
        support: 'full',
        note: 'ends the calling thread; clears and (with futexes) wakes its clear-child-tid word',
        handler(context, status) {
          const { thread, memory } = context;
          if (thread.clearChildTid !== 0 && memory.isAccessible(thread.clearChildTid, 4, PERM_W)) {
            memory.writeU32(thread.clearChildTid, 0);
          }
          lifecycle.exitThread(thread, status);
          return NO_RETURN;
        },
      }),
      defineSyscall({
        name: 'exit_group',
        nr: NR.exit_group,
        args: [int('status')],
        support: 'full',
        note: 'ends the whole process from any thread',
        handler(context, status) {
          lifecycle.exitProcess(status, context.thread);
          return NO_RETURN;
        },
      }),
      defineSyscall({
        name: 'set_tid_address',
        nr: NR.set_tid_address,
        args: [ptr('tidptr')],
        support: 'full',
        handler(context, tidptr) {
          // Linux stores the pointer without checking it; a bad one only matters at exit.
          context.thread.clearChildTid = tidptr;
          return context.thread.tid;
        },
      }),
      defineSyscall({
        name: 'getpid',
        nr: NR.getpid,
        args: [],
        support: 'full',
        handler: (context) => context.process.pid,
      }),
      defineSyscall({
        name: 'gettid',
        nr: NR.gettid,
        args: [],
        support: 'full',
        handler: (context) => context.thread.tid,
      }),
    ];
  }
}

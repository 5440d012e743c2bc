import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProgram } from '../../src/check/index.js';
import { EXIT_CODES } from '../../src/errors.js';
import { builtinIntegrations } from '../../src/integrations/index.js';
import { JoltFloatRejected } from '../../src/integrations/jolt/errors.js';
import { InstructionBudgetExhausted } from '../../src/kernel/errors.js';
import { ARCH } from '../../src/kernel/tokens.js';
import { RunDigest } from '../../src/trace/digest.js';
import { memoryView } from '../../src/trace/strace/decode.js';
import { StracePrinter } from '../../src/trace/strace/printer.js';
import { createKernel, type KernelOptions } from '../../src/zeroos.js';

/**
 * The Go guest (guests/go: one static GOARCH=riscv64 program, a command per feature of
 * Go's runtime) against what qemu-riscv64 printed for each command (guests/expected/
 * go_demo.<run>.*, recorded by guests/go/build.sh with the arguments in runs.tsv and the
 * environment in run.env, in an empty working directory named cwd).
 */
const GUESTS = join(import.meta.dirname, '..', '..', 'guests');
const GO = join(GUESTS, 'go');
const ELF = readFileSync(join(GUESTS, 'bin', 'go_demo'));
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const textLines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));

/** The recorded runs: name, then the arguments after argv[0]. */
const RUNS = new Map(textLines(join(GO, 'runs.tsv')).map((line) => {
  const [name, ...args] = line.split('\t');
  return [name!, args] as const;
}));
const ENV = textLines(join(GO, 'run.env'));

/** normalise.sed's s/// commands as regexps: build.sh applies them to qemu's stderr, the test to ours. */
const NORMALISE = textLines(join(GO, 'normalise.sed')).map((line) => {
  const match = /^s\/((?:\\.|[^/])*)\/((?:\\.|[^/])*)\/g?$/.exec(line);
  if (!match) throw new Error(`normalise.sed: not a plain s/// command: ${line}`);
  return { pattern: new RegExp(match[1]!, 'gm'), replacement: match[2]!.replace(/\\(\d)/g, '$$$1') };
});
const normalise = (text: string) => NORMALISE.reduce((t, { pattern, replacement }) => t.replace(pattern, replacement), text);

function expected(name: string) {
  const file = (ext: string) => readFileSync(join(GUESTS, 'expected', `go_demo.${name}.${ext}`), 'utf8');
  return { stdout: file('stdout'), stderr: file('stderr'), exit: Number(file('exit').trim()) };
}

/**
 * Every run has a budget, so a run that stops making progress (a goroutine nobody can
 * preempt) ends with InstructionBudgetExhausted instead of hanging the test: the longest
 * command (pprof) takes about 530 M instructions.
 */
const BUDGET = 1_000_000_000;

/** Runs one recorded command in process; `digest` adds the run's --digest line. */
function run(name: string, options: KernelOptions = {}) {
  const args = RUNS.get(name);
  if (!args) throw new Error(`no run ${name} in runs.tsv`);
  const zeroos = createKernel({ console: { stdin: new Uint8Array(0) }, files: { cwd: '/home/go/cwd' }, maxInstructions: BUDGET, ...options });
  try {
    const digest = new RunDigest(zeroos.events, zeroos.console);
    zeroos.load({ executable: ELF, path: 'guests/bin/go_demo', argv: ['guests/bin/go_demo', ...args], env: ENV });
    const result = zeroos.run();
    return {
      stdout: decode(result.stdout),
      stderr: decode(result.stderr),
      exit: result.exitCode,
      instructions: result.instructions,
      digest: digest.digest(),
    };
  } finally {
    zeroos.dispose();
  }
}

function expectQemu(name: string, got: ReturnType<typeof run>): void {
  const want = expected(name);
  expect(got.stdout).toBe(want.stdout);
  expect(normalise(got.stderr)).toBe(want.stderr);
  expect(got.exit).toBe(want.exit);
}

describe('the Go guest (go_demo)', () => {
  it('should read its normalisation rules and recorded runs', () => {
    expect([...RUNS.keys()].sort()).toEqual(['cpu', 'deadlock', 'files', 'goroutines', 'hello', 'json', 'panic', 'pprof', 'preempt', 'regexp', 'sha256', 'sleep']);
    // The rules leave the lines that matter alone and blank only addresses and ids.
    expect(normalise('goroutine 17 [semacquire]:\nmain.cmdPanic({0xc0000a0060?, 0x2, 0x4000800fbc?})\n\tzeroos.dev/go_demo/cpu.go:133 +0xf0 fp=0xc000 sp=0x10 pc=0x44\n')).toBe(
      'goroutine N [semacquire]:\nmain.cmdPanic(ARGS)\n\tzeroos.dev/go_demo/cpu.go:133 +0xf0 fp=ADDR sp=ADDR pc=ADDR\n',
    );
  });

  describe.each([...RUNS.keys()])('%s', (name) => {
    it('should print what qemu-riscv64 printed and exit the same way (default engine)', () => {
      expectQemu(name, run(name));
    });
  });

  describe.each(['hello', 'goroutines', 'cpu', 'preempt'])('%s on every engine', (name) => {
    it.each(['interpreter', 'js'] as const)('should match qemu on the %s tier too, with the same digest as the default', (engine) => {
      const got = run(name, { engine });
      expectQemu(name, got);
      expect(got.digest).toBe(run(name).digest);
    });
  });

  describe.each(['goroutines', 'sleep', 'cpu', 'deadlock', 'preempt', 'pprof'])('%s under the random scheduler', (name) => {
    it.each([1n, 2n])('should match qemu with seed %s', (seed) => {
      expectQemu(name, run(name, { scheduler: 'random', seed }));
    });
  });

  it('should run the same way twice: same seed, same output, instructions and digest', () => {
    const a = run('goroutines', { scheduler: 'random', seed: 7n });
    const b = run('goroutines', { scheduler: 'random', seed: 7n });
    expect(b).toEqual(a);
    const c = run('goroutines', { scheduler: 'random', seed: 8n });
    expect(c.stdout).toBe(a.stdout);
    expect(c.digest).not.toBe(a.digest); // another interleaving, the same output
  });
});

/** Linux's SIGURG (asm-generic, as on riscv64): Go's asynchronous preemption signal. */
const SIGURG = 23;

/**
 * Runs `go_demo preempt` with a budget of `maxInstructions`, recording every tgkill (caller,
 * target, signal) and every SIGURG the kernel delivered or saw a handler return from.
 */
function tracePreempt(options: KernelOptions, extraEnv: string[] = []) {
  const zeroos = createKernel({ console: { stdin: new Uint8Array(0) }, files: { cwd: '/home/go/cwd' }, maxInstructions: 100_000_000, ...options });
  const tgkills: { from: number; tgid: number; tid: number; signal: number; result: bigint | undefined }[] = [];
  const sigurg: { tid: number; phase: string }[] = [];
  try {
    zeroos.events.syscallExit$.subscribe((e) => {
      if (e.name === 'tgkill') tgkills.push({ from: e.tid, tgid: Number(e.args[0]), tid: Number(e.args[1]), signal: Number(e.args[2]), result: e.result });
    });
    zeroos.events.signal$.subscribe((e) => {
      if (e.signal === SIGURG) sigurg.push({ tid: e.tid, phase: e.phase });
    });
    zeroos.load({ executable: ELF, path: 'guests/bin/go_demo', argv: ['guests/bin/go_demo', 'preempt'], env: [...ENV, ...extraEnv] });
    let error: unknown;
    try {
      zeroos.run();
    } catch (e) {
      error = e;
    }
    return { error, stdout: decode(zeroos.result().stdout), tgkills, sigurg, scheduler: zeroos.stats().scheduler };
  } finally {
    zeroos.dispose();
  }
}

describe('go_demo preempt: Go\'s asynchronous preemption is what lets it finish', () => {
  // A goroutine spins in a loop without calls (no safe point) on one P while main runs
  // runtime.GC() three times: each stop-the-world and each scan of the spinner's stack
  // needs it suspended, which only a SIGURG at an instruction boundary can do.
  it('should finish with the default quantum, having preempted threads with SIGURG sent by tgkill from another thread', () => {
    const got = tracePreempt({});
    expect(got.error).toBeUndefined();
    expect(got.stdout).toBe(expected('preempt').stdout);
    expect(got.scheduler).toMatchObject({ quantum: 1_000_000, quantumSource: 'go-default' });
    const sent = got.tgkills.filter((k) => k.signal === SIGURG);
    expect(sent.length).toBeGreaterThan(0);
    for (const k of sent) {
      expect(k.result).toBe(0n);
      expect(k.tid).not.toBe(k.from); // sysmon or the collector signals the thread running the goroutine
    }
    // Each SIGURG was delivered to the thread it was sent to, and its handler returned there
    // (rt_sigreturn), so the interrupted thread went on: to the scheduler, via asyncPreempt.
    const delivered = got.sigurg.filter((e) => e.phase === 'delivered');
    const returned = got.sigurg.filter((e) => e.phase === 'handler-return');
    expect(delivered.length).toBeGreaterThan(0);
    expect(returned.map((e) => e.tid)).toEqual(delivered.map((e) => e.tid));
    const targets = new Set(sent.map((k) => k.tid));
    for (const e of delivered) expect(targets.has(e.tid)).toBe(true);
  });

  it('should never finish without preemption (--quantum 0): the spinning thread keeps the hart', () => {
    const got = tracePreempt({ quantum: 0 });
    expect(got.scheduler).toMatchObject({ quantum: undefined, quantumSource: 'option' });
    expect(got.error).toBeInstanceOf(InstructionBudgetExhausted);
    expect(got.stdout).toBe('GOMAXPROCS: 2\n');
  });

  it('should never finish with Go\'s asynchronous preemption off (GODEBUG=asyncpreemptoff=1), as under qemu', () => {
    // The kernel still switches threads every quantum, but no SIGURG is ever sent, so the
    // collector waits for the spinner forever (qemu-riscv64 hangs the same way).
    const got = tracePreempt({}, ['GODEBUG=asyncpreemptoff=1']);
    expect(got.error).toBeInstanceOf(InstructionBudgetExhausted);
    expect(got.stdout).toBe('GOMAXPROCS: 2\n');
    expect(got.tgkills.filter((k) => k.signal === SIGURG)).toEqual([]);
  });
});

/** Linux's SIGPROF (asm-generic): the profiling signal of ITIMER_PROF and Go's per-thread timers. */
const SIGPROF = 27;
/** si_code of a POSIX timer's signal, and of a signal the kernel sent (ITIMER_PROF's). */
const SI_TIMER = -2;
const SI_KERNEL = 0x80;
describe('go_demo pprof: Go\'s CPU profiler on the kernel\'s timers', () => {
  /**
   * Runs `go_demo pprof` under the strace printer, returning its lines with the thread of
   * each, and every SIGPROF delivery and handler return from the event stream.
   */
  function tracePprof(options: KernelOptions) {
    const zeroos = createKernel({ console: { stdin: new Uint8Array(0) }, files: { cwd: '/home/go/cwd' }, maxInstructions: BUDGET, ...options });
    const sigprof: { tid: number; phase: string; code: number | undefined; timerid: number | undefined }[] = [];
    let text = '';
    try {
      const { hart, memory } = zeroos.container.get(ARCH);
      new StracePrinter(zeroos.events, memoryView(memory, (i) => hart.getX(i)), { write: (t) => (text += t), perCall: true });
      zeroos.events.signal$.subscribe((e) => {
        if (e.signal === SIGPROF && e.phase !== 'generated') sigprof.push({ tid: e.tid, phase: e.phase, code: e.info?.code, timerid: e.info?.timerid });
      });
      zeroos.load({ executable: ELF, path: 'guests/bin/go_demo', argv: ['guests/bin/go_demo', 'pprof'], env: ENV });
      const result = zeroos.run();
      const lines = text.split('\n').map((line) => /^\[(\d+)\] (.*)$/.exec(line)).filter((m) => m !== null).map((m) => ({ tid: Number(m[1]), call: m[2]! }));
      return { stdout: decode(result.stdout), exit: result.exitCode, lines, sigprof };
    } finally {
      zeroos.dispose();
    }
  }

  it.each([
    ['the default scheduler', {}],
    ['the random scheduler', { scheduler: 'random', seed: 3n }],
  ] as const)('should start a SIGEV_THREAD_ID timer per thread and deliver SIGPROFs from them and from ITIMER_PROF (%s)', (_, options) => {
    const got = tracePprof(options);
    expect(got.stdout).toBe(expected('pprof').stdout);
    expect(got.exit).toBe(0);
    const calls = (name: string) => got.lines.filter((l) => l.call.startsWith(`${name}(`));

    // Go 1.19's profiler: setitimer(ITIMER_PROF) on (10 ms) and off for the process...
    expect(calls('setitimer').map((l) => l.call)).toEqual([
      'setitimer(ITIMER_PROF, {it_interval={tv_sec=0, tv_usec=10000}, it_value={tv_sec=0, tv_usec=10000}}, NULL) = 0',
      'setitimer(ITIMER_PROF, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=0, tv_usec=0}}, NULL) = 0',
    ]);
    // ...and, on every thread that runs Go code while profiling (at least the two running
    // the workload), a CLOCK_THREAD_CPUTIME_ID timer that signals that very thread, armed
    // with a 10 ms period and deleted when the profile stops.
    const timerOf = new Map<number, number>();
    for (const { tid, call } of calls('timer_create')) {
      const m = /^timer_create\(CLOCK_THREAD_CPUTIME_ID, \{sigev_value=\{[^}]*\}, sigev_signo=SIGPROF, sigev_notify=SIGEV_THREAD_ID, sigev_notify_thread_id=(\d+)\}, \[(\d+)\]\) = 0$/.exec(call);
      expect(m, call).not.toBeNull();
      expect(Number(m![1])).toBe(tid);
      expect(timerOf.has(tid)).toBe(false);
      timerOf.set(tid, Number(m![2]));
    }
    expect(timerOf.size).toBeGreaterThanOrEqual(2);
    expect(new Set(timerOf.values()).size).toBe(timerOf.size);
    for (const [tid, id] of timerOf) {
      const mine = got.lines.filter((l) => l.tid === tid);
      expect(mine.some((l) => l.call.startsWith(`timer_settime(${id}, 0, {it_interval={tv_sec=0, tv_nsec=10000000}, `) && l.call.endsWith(') = 0'))).toBe(true);
      expect(mine.some((l) => l.call === `timer_delete(${id}) = 0`)).toBe(true);
    }
    expect(calls('timer_delete').length).toBe(timerOf.size);

    // Both sources fired, and the trace shows the deliveries: each thread timer's SIGPROF
    // (SI_TIMER) went to the thread that created it, with that thread's timer id;
    // ITIMER_PROF's (SI_KERNEL), which Go's handler drops while thread timers run, to some
    // thread of the process.
    const delivered = got.sigprof.filter((e) => e.phase === 'delivered');
    const fromTimers = delivered.filter((e) => e.code === SI_TIMER);
    expect(fromTimers.length).toBeGreaterThan(0);
    for (const e of fromTimers) expect(e.timerid).toBe(timerOf.get(e.tid));
    expect(delivered.filter((e) => e.code === SI_KERNEL).length).toBeGreaterThan(0);
    expect(got.lines.filter((l) => l.call.startsWith('--- SIGPROF ')).map((l) => l.tid)).toEqual(delivered.map((e) => e.tid));
    // Every handler returned (rt_sigreturn) on the thread it ran on.
    expect(got.sigprof.filter((e) => e.phase === 'handler-return').map((e) => e.tid)).toEqual(delivered.map((e) => e.tid));
  });
});

describe('zeroos check and Jolt on the Go guest', () => {
  const registry = builtinIntegrations();

  it('should say go_demo runs on linux, and a real run of a command makes only served syscalls', () => {
    const report = checkProgram({ path: 'guests/bin/go_demo', bytes: new Uint8Array(ELF), integration: registry.get('linux'), run: { args: ['json'] } });
    expect(report.runs).toBe(true);
    expect(report.program.floatAbi).toBe('double');
    const calls = report.syscalls.run?.calls ?? [];
    expect(report.syscalls.run?.exitCode).toBe(0);
    expect(calls.map((c) => c.name)).toEqual(expect.arrayContaining(['getrlimit', 'sched_getaffinity', 'clone', 'futex', 'openat']));
    expect(calls.filter((c) => c.support === 'missing').map((c) => c.name)).toEqual([]);
  });

  it('should refuse go_demo on Jolt at load with JoltFloatRejected (exit 82)', () => {
    const zeroos = createKernel({ platform: 'jolt' });
    let error: unknown;
    try {
      zeroos.load({ executable: ELF, path: '/bin/go_demo', argv: ['/bin/go_demo', 'hello'] });
    } catch (e) {
      error = e;
    } finally {
      zeroos.dispose();
    }
    expect(error).toBeInstanceOf(JoltFloatRejected);
    expect((error as JoltFloatRejected).exitCode).toBe(EXIT_CODES.zkvmRejected);
  });
});

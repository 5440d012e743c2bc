import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerModule, inject, injectable, type Newable } from 'inversify';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';
import type { Allocator } from '../../src/kernel/contracts/allocator.js';
import type { Scheduler } from '../../src/kernel/contracts/scheduler.js';
import type { Thread } from '../../src/kernel/process.js';
import type { LinuxPlatform } from '../../src/platform/linux/linux-platform.js';
import { ALLOCATOR, SCHEDULER } from '../../src/kernel/tokens.js';
import { BuddyAllocator, BumpAllocator, LinkedListAllocator } from '../../src/subsystems/memory/index.js';
import { CooperativeScheduler, SCHEDULER_OPTIONS, SeededRandomScheduler, type SchedulerOptions } from '../../src/subsystems/scheduler/index.js';
import { ConfigurationError, createKernel, type KernelOptions } from '../../src/zeroos.js';

const GUESTS = join(import.meta.dirname, '..', '..', 'guests');
const elf = (name: string) => readFileSync(join(GUESTS, 'bin', name));
const expected = (name: string) => readFileSync(join(GUESTS, 'expected', `${name}.stdout`), 'utf8');
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A scheduler of the user's own, written the way the README shows: round-robin, last added first. */
@injectable()
class NewestFirstScheduler implements Scheduler {
  readonly name = 'newest-first';
  readonly quantum: number | undefined = undefined;
  readonly #threads: Thread[] = [];
  add(thread: Thread): void {
    if (!this.#threads.includes(thread)) this.#threads.unshift(thread);
  }
  remove(thread: Thread): void {
    const index = this.#threads.indexOf(thread);
    if (index >= 0) this.#threads.splice(index, 1);
  }
  pickNext(current: Thread | undefined): Thread | undefined {
    const start = current ? this.#threads.indexOf(current) : -1;
    for (let step = 1; step <= this.#threads.length; step++) {
      const candidate = this.#threads[(start + step) % this.#threads.length];
      if (candidate?.state === 'runnable') return candidate;
    }
    return undefined;
  }
}

/** A scheduler that takes the run's quantum from SCHEDULER_OPTIONS, so `quantum` still means something. */
@injectable()
class HonouringScheduler extends CooperativeScheduler {
  override readonly name = 'honouring';
  constructor(@inject(SCHEDULER_OPTIONS) options: SchedulerOptions) {
    super(options.quantum);
  }
}

class RenamedBuddy extends BuddyAllocator {
  override readonly name = 'my-buddy';
}

const rebindScheduler = (scheduler: Newable<Scheduler>) =>
  new ContainerModule(({ rebind }) => void rebind(SCHEDULER).to(scheduler));
const rebindAllocator = (allocator: Newable<Allocator>) => new ContainerModule(({ rebind }) => void rebind(ALLOCATOR).to(allocator));

function run(name: string, options: KernelOptions = {}, argv: string[] = []) {
  const zeroos = createKernel(options);
  zeroos.load({ executable: elf(name), argv: [name, ...argv] });
  const result = zeroos.run();
  return { zeroos, result };
}

describe('createKernel', () => {
  describe('when a user module rebinds SCHEDULER to a class', () => {
    it('should give every service the one instance, so a threaded guest runs to the right output', () => {
      const { zeroos, result } = run('pthread_join', { modules: [rebindScheduler(NewestFirstScheduler)] });
      expect(decode(result.stdout)).toBe(expected('pthread_join'));
      expect(result.exitCode).toBe(0);
      expect(zeroos.container.get(SCHEDULER)).toBe(zeroos.kernel.scheduler);
      expect(zeroos.stats().scheduler).toEqual({ name: 'newest-first', quantum: undefined, quantumSource: 'none' });
    });
    it('should run futex ping-pong between two threads with it', () => {
      const { result } = run('futex_pingpong', { modules: [rebindScheduler(NewestFirstScheduler)] });
      expect(decode(result.stdout)).toBe(expected('futex_pingpong'));
    });
  });

  describe('when an option configures a service a user module rebinds', () => {
    it.each<[string, KernelOptions, RegExp]>([
      ['quantum', { quantum: 1000, modules: [rebindScheduler(NewestFirstScheduler)] }, /the quantum option \(1000\) has no effect: the scheduler bound to SCHEDULER \("newest-first"\) runs with quantum none/],
      ['scheduler', { scheduler: 'random', modules: [rebindScheduler(NewestFirstScheduler)] }, /the scheduler option "random" has no effect: a module rebinds SCHEDULER to the scheduler "newest-first"/],
      ['allocator', { allocator: 'bump', modules: [rebindAllocator(RenamedBuddy)] }, /the allocator option "bump" has no effect: a module rebinds ALLOCATOR to the allocator "my-buddy"/],
      ['allocator class', { allocator: BumpAllocator, modules: [rebindAllocator(LinkedListAllocator)] }, /the allocator option "BumpAllocator" has no effect/],
    ])('should refuse the %s option with a ConfigurationError (exit 64)', (_, options, message) => {
      let error: unknown;
      try {
        createKernel(options);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).message).toMatch(message);
      expect((error as ConfigurationError).exitCode).toBe(EXIT_CODES.usage);
    });
    it('should honour quantum when the user\'s scheduler takes it from SCHEDULER_OPTIONS', () => {
      const { zeroos, result } = run('pthread_join', { quantum: 777, modules: [rebindScheduler(HonouringScheduler)] });
      expect(decode(result.stdout)).toBe(expected('pthread_join'));
      expect(zeroos.stats().scheduler).toEqual({ name: 'honouring', quantum: 777, quantumSource: 'option' });
    });
    it('should accept options that the bound services do honour', () => {
      expect(() => createKernel({ scheduler: 'random', quantum: 50 })).not.toThrow();
      expect(() => createKernel({ allocator: BuddyAllocator })).not.toThrow();
      expect(createKernel({ scheduler: 'random' }).kernel.scheduler).toBeInstanceOf(SeededRandomScheduler);
    });
  });
});

describe('ZeroOS.stats', () => {
  it('should record the scheduler, quantum, allocator and memory limit that ran', () => {
    const { zeroos } = run('malloc_stress', { scheduler: 'random', quantum: 300, allocator: 'buddy', memoryLimit: 256 * 2 ** 20 });
    const stats = zeroos.stats();
    expect(stats.scheduler).toEqual({ name: 'random', quantum: 300, quantumSource: 'option' });
    expect(stats.allocator.name).toBe('buddy');
    expect(stats.allocator.allocations).toBeGreaterThan(0);
    expect(stats.settings.memoryLimit).toBe(256 * 2 ** 20);
  });
  it('should show the name a rebound allocator gives itself', () => {
    const { zeroos, result } = run('malloc_stress', { modules: [rebindAllocator(RenamedBuddy)] });
    expect(result.exitCode).toBe(0);
    expect(zeroos.stats().allocator.name).toBe('my-buddy');
    expect(zeroos.stats().allocator.allocations).toBeGreaterThan(0);
  });
});

describe('contract names', () => {
  it('should be plain strings, so a subclass of a built-in can rename itself', () => {
    expectTypeOf<BuddyAllocator['name']>().toEqualTypeOf<string>();
    expectTypeOf<LinkedListAllocator['name']>().toEqualTypeOf<string>();
    expectTypeOf<BumpAllocator['name']>().toEqualTypeOf<string>();
    expectTypeOf<CooperativeScheduler['name']>().toEqualTypeOf<string>();
    expectTypeOf<SeededRandomScheduler['name']>().toEqualTypeOf<string>();
    expectTypeOf<LinuxPlatform['name']>().toEqualTypeOf<string>();
    expect(new RenamedBuddy().name).toBe('my-buddy');
  });
});

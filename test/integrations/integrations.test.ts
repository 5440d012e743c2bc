import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import {
  ConfigurationError,
  IntegrationLoadError,
  IntegrationOptionError,
  IntegrationRegistry,
  LinuxPlatform,
  UnknownPlatform,
  builtinIntegrations,
  createKernel,
  integrationModule,
  loadIntegration,
  type Integration,
} from '../../src/index.js';

const root = join(import.meta.dirname, '..', '..');
const hello = readFileSync(join(root, 'guests', 'bin', 'hello'));
const adapterPath = join(root, 'test', 'integrations', 'fixtures', 'counting-adapter.mjs');

function cli(args: string[]) {
  const run = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** An integration made of plain parts: Linux, metered one unit per instruction, with a report. */
function metered(unit = 1): Integration {
  return {
    name: 'metered',
    summary: 'Linux with a cost model',
    options: [{ name: 'unit', kind: 'count', description: 'units per instruction' }],
    setup({ options }) {
      const perInstruction = typeof options.unit === 'number' ? options.unit : unit;
      let booted = false;
      return {
        platform: new LinuxPlatform(),
        module: integrationModule({
          costModel: { name: 'flat', unit: 'units', cost: () => perInstruction },
          onBoot: (machine) => {
            booted = machine.info.entry > 0;
          },
          report: () => ({ source: 'metered', outcome: { name: 'counted', exitCode: 0, detail: `booted ${booted}` }, lines: [['metered', 'yes']] }),
        }),
      };
    },
  };
}

describe('integrations', () => {
  it('should list the built-ins, Linux first, and refuse an unknown name with the known ones', () => {
    const registry = builtinIntegrations();
    expect(registry.names()).toEqual(['linux', 'jolt', 'spike']);
    expect(() => registry.get('risc0')).toThrow(UnknownPlatform);
    expect(() => createKernel({ platform: 'risc0' })).toThrow('unknown platform "risc0" (known: linux, jolt, spike;');
  });

  it('should refuse a second integration with a taken name, and a malformed one', () => {
    const registry = new IntegrationRegistry([metered()]);
    expect(() => registry.register(metered())).toThrow(IntegrationLoadError);
    expect(() => registry.register({ name: 'Bad Name', summary: '', setup: () => ({ platform: new LinuxPlatform() }) })).toThrow(IntegrationLoadError);
  });

  it('should run a program on an integration object, metering it with its cost model and reporting its outcome', () => {
    const zeroos = createKernel({ platform: metered(), platformOptions: { unit: 3 } });
    const result = zeroos.load({ executable: hello, path: '/bin/hello' }).run();
    expect(new TextDecoder().decode(result.stdout)).toBe('Hello from ZeroOS!\n');
    const stats = zeroos.stats();
    expect(stats.platform).toBe('linux');
    expect(stats.cost).toEqual({ model: 'flat', unit: 'units', total: 3 * stats.instructions });
    expect(result.outcome).toEqual({ name: 'counted', exitCode: 0, detail: 'booted true' });
    expect(stats.reports[0]!.lines).toEqual([['metered', 'yes']]);
  });

  it('should not meter a run whose integration has no cost model', () => {
    const zeroos = createKernel();
    zeroos.load({ executable: hello }).run();
    expect(zeroos.stats().cost).toBeUndefined();
    expect(zeroos.stats().reports).toEqual([]);
  });

  it('should refuse options the integration does not take, values of the wrong type and trap modes it does not offer', () => {
    expect(() => createKernel({ platform: metered(), platformOptions: { heapSize: 4096 } })).toThrow(IntegrationOptionError);
    expect(() => createKernel({ platform: metered(), platformOptions: { unit: 'three' } })).toThrow('expects a number');
    expect(() => createKernel({ platform: 'linux', trapMode: 'machine' })).toThrow(ConfigurationError);
    expect(() => createKernel({ platform: new LinuxPlatform(), platformOptions: { unit: 1 } })).toThrow(ConfigurationError);
  });

  it('should load an adapter by path, handing its default export the API it runs on', async () => {
    const integration = await loadIntegration(adapterPath, api);
    expect(integration.name).toBe('counting');
    const zeroos = createKernel({ platform: integration, platformOptions: { unitCost: 2 } });
    zeroos.load({ executable: hello }).run();
    expect(zeroos.stats().cost?.total).toBe(2 * zeroos.stats().instructions);
  });

  it('should name a module that is no integration, or that cannot be loaded', async () => {
    await expect(loadIntegration(join(root, 'package.json'), api)).rejects.toThrow(IntegrationLoadError);
    await expect(loadIntegration(join(root, 'test', 'integrations', 'fixtures', 'missing.mjs'), api)).rejects.toThrow('cannot load the adapter');
    await expect(loadIntegration(join(root, 'vitest.config.ts'), api)).rejects.toThrow(IntegrationLoadError);
  });
});

describe('the CLI with integrations', () => {
  it('zeroos platforms should list every integration with its trap modes and options', () => {
    const run = cli(['platforms']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^linux \(default\)\n/);
    expect(run.stdout).toContain('\njolt\n');
    expect(run.stdout).toContain('--max-input-size');
    expect(run.stdout).toContain('\nspike\n');
  });

  it('should run with an adapter given by path, with its own options, and keep the guest\'s own --platform argument', () => {
    const run = cli(['run', '--stats', '--platform', './test/integrations/fixtures/counting-adapter.mjs', '--unit-cost', '5', 'guests/bin/args', '--platform', 'x']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('argv[1]=[--platform] len=10');
    const instructions = Number(/instructions +(\d+)/.exec(run.stderr)![1]);
    expect(run.stderr).toContain(`units           ${5 * instructions} (one per instruction)`);
    expect(run.stderr).toMatch(/platform +linux/);
  });

  it('should refuse an option of another platform and an adapter path that is no integration', () => {
    const wrong = cli(['run', '--max-input-size', '64', 'guests/bin/hello']);
    expect(wrong.status).toBe(64);
    expect(wrong.stderr).toContain('--max-input-size does not apply to `zeroos run --platform linux`');
    const bad = cli(['run', '--platform', './test/integrations/fixtures/not-an-adapter.mjs', 'guests/bin/hello']);
    expect(bad.status).toBe(64);
    expect(bad.stderr).toContain('is not a ZeroOS integration');
  });
});

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterEach, describe, expect, it, vi } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** The README's ```ts block that contains `marker`. */
function readmeExample(marker: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.includes(marker));
  if (!block) throw new Error(`no README example contains ${marker}`);
  return block;
}

const generated = join(ROOT, 'node_modules', '.cache', 'zeroos-readme');
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(generated, { recursive: true, force: true });
});

describe('the README', () => {
  it('should show a rebind(SCHEDULER).to(MyScheduler) example that runs as written', async () => {
    const source = readmeExample('rebind(SCHEDULER).to(MyScheduler)');
    // Compiled as a user's project would, against the built package.
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, experimentalDecorators: true },
    });
    const code = outputText.replace(/from 'zeroos'/g, `from '${pathToFileURL(join(ROOT, 'dist', 'index.js')).href}'`);
    mkdirSync(generated, { recursive: true });
    const file = join(generated, `rebind-${process.pid}.mjs`);
    writeFileSync(file, code);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await import(pathToFileURL(file).href);
    expect(log).toHaveBeenCalledWith('newest-first', 0);
  });
});

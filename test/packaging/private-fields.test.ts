import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('decorated classes', () => {
  it('should keep private state in TypeScript-private fields, not #fields (which the build turns into WeakMap lookups there)', () => {
    const offenders = sources(SRC)
      .filter((path) => readFileSync(path, 'utf8').includes('@injectable('))
      .flatMap((path) =>
        readFileSync(path, 'utf8')
          .split('\n')
          .map((line, i) => ({ where: `${relative(SRC, path)}:${i + 1}`, line }))
          .filter(({ line }) => /(^\s*(static\s+)?(readonly\s+)?#\w|\.#\w)/.test(line) && !/^\s*(\*|\/\/)/.test(line)),
      )
      .map(({ where, line }) => `${where}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });
});

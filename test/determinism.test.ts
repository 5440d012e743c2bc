import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');
/** Host clocks and host entropy. The CLI and the benchmarks may time runs; nothing a guest reaches may. */
const FORBIDDEN =
  /(\bDate\.now\(|\bnew Date\b|\bMath\.random\(|\bperformance\.now\(|\bprocess\.hrtime|\brandomBytes\(|\brandomUUID\(|\bgetRandomValues\(|\bset(Timeout|Interval|Immediate)\(|['"]node:(crypto|perf_hooks|timers)['"])/;
const ALLOWED_DIRS = ['cli', 'bench'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('determinism', () => {
  it('should read no host clock and no host entropy anywhere the guest can reach', () => {
    const offenders = sources(SRC)
      .filter((path) => !ALLOWED_DIRS.includes(relative(SRC, path).split(/[\\/]/)[0]!))
      .flatMap((path) =>
        readFileSync(path, 'utf8')
          .split('\n')
          .map((line, i) => ({ where: `${relative(SRC, path)}:${i + 1}`, line }))
          .filter(({ line }) => FORBIDDEN.test(line) && !/^\s*(\*|\/\/)/.test(line)),
      )
      .map(({ where, line }) => `${where}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });
});

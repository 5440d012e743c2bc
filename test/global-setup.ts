import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** The CLI tests run the built `zeroos` as a user would: build it once first. */
export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
}

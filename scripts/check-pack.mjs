#!/usr/bin/env node
// Checks what `npm pack` would publish: the license and readme are in, benchmarks and
// sources are out, every source map resolves inside the package, and every `exports`
// and `bin` target is packed and loads. Run after a build (CI: after `npm ci`).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// --ignore-scripts: check the build that is there instead of building again.
const report = JSON.parse(execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
const files = new Set(report[0].files.map((file) => file.path));
const problems = [];
const packed = (path) => files.has(normalize(path).replace(/^\.\//, ''));

for (const required of ['LICENSE', 'README.md', 'package.json']) {
  if (!packed(required)) problems.push(`${required} is not in the package`);
}
// Each single file "files" names (SECURITY.md, ...) is shipped when the repository has it.
for (const entry of manifest.files ?? []) {
  if (!entry.startsWith('!') && entry.includes('.') && existsSync(join(root, entry)) && !packed(entry)) {
    problems.push(`${entry} is listed in "files" but not in the package`);
  }
}
for (const path of files) {
  if (path.startsWith('dist/bench/')) problems.push(`a benchmark is in the package: ${path}`);
  if (/^(src|test|guests|scripts)\//.test(path)) problems.push(`a development file is in the package: ${path}`);
  if (path.endsWith('.map')) {
    const map = JSON.parse(readFileSync(join(root, path), 'utf8'));
    for (const source of map.sources ?? []) {
      const target = join(dirname(path), map.sourceRoot ?? '', source);
      if (!packed(target)) problems.push(`${path} points to ${target}, which is not in the package`);
    }
  }
}

/** Every file an `exports` entry can resolve to, whatever the conditions. */
function targets(entry) {
  if (typeof entry === 'string') return [entry];
  if (entry === null || typeof entry !== 'object') return [];
  return Object.values(entry).flatMap(targets);
}
const entryPoints = [];
for (const [subpath, entry] of Object.entries(manifest.exports ?? {})) {
  for (const target of targets(entry)) {
    if (!packed(target)) problems.push(`exports["${subpath}"] -> ${target} is not in the package`);
    else if (target.endsWith('.js')) entryPoints.push([subpath, target]);
  }
}
for (const [name, target] of Object.entries(typeof manifest.bin === 'string' ? { [manifest.name]: manifest.bin } : (manifest.bin ?? {}))) {
  if (!packed(target)) problems.push(`bin "${name}" -> ${target} is not in the package`);
}
for (const [subpath, target] of entryPoints) {
  try {
    // By package name, as a user imports it: this goes through the `exports` map itself.
    const module = await import(manifest.name + subpath.slice(1));
    if (Object.keys(module).length === 0) problems.push(`exports["${subpath}"] exports nothing`);
  } catch (error) {
    problems.push(`exports["${subpath}"] -> ${target} does not load: ${error.message}`);
  }
}

if (problems.length) {
  for (const problem of problems) console.error(`check-pack: ${problem}`);
  process.exit(1);
}
console.log(`check-pack: ${files.size} files, ${entryPoints.length} entry points, ${report[0].size} bytes packed: ok`);

#!/usr/bin/env node
// How much `zeroos run guests/bin/hello` costs over a bare `node -e 0`: the two alternate
// (so a busy host slows both alike), then the medians of each and of the paired differences.
//   node scripts/startup-time.mjs [--runs N] [--cli dist/cli/main.js] [--guest guests/bin/hello]
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = argv.indexOf(name);
  return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1] : fallback;
};
const runs = Number(flag('--runs', '20'));
const cli = resolve(flag('--cli', join(root, 'dist', 'cli', 'main.js')));
const guest = resolve(flag('--guest', join(root, 'guests', 'bin', 'hello')));

function time(args) {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return ms;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// One of each first, untimed: the disk cache and Node's own files warm for both.
time(['-e', '0']);
time([cli, 'run', guest]);
const bare = [];
const zeroos = [];
for (let i = 0; i < runs; i++) {
  bare.push(time(['-e', '0']));
  zeroos.push(time([cli, 'run', guest]));
}
const differences = zeroos.map((ms, i) => ms - bare[i]);
const ms = (value) => `${(value / 1000).toFixed(3)} s`;
console.log(`node -e 0                          median ${ms(median(bare))}`);
console.log(`zeroos run ${guest.split('/').slice(-1)[0].padEnd(24)}median ${ms(median(zeroos))}`);
console.log(`difference (paired)                median ${ms(median(differences))} over ${runs} alternated runs, Node ${process.version}`);

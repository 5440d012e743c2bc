#!/usr/bin/env node
import module from 'node:module';
import v8 from 'node:v8';

// Node 22.1+ keeps V8's compiled code for the CLI's files between runs (in the OS's temp
// directory), which saves most of what is left of parsing at start-up. Older Node lacks it:
// start as before. Must run before the rest of the CLI is imported, hence the dynamic import.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// The wasm engine compiles guest code at run time. V8 first compiles it fast (Liftoff) and
// recompiles a function with its optimizing compiler once it has run about this many bytes of
// code; V8's default (1.8 MB) recompiles lukewarm regions whose optimization costs more
// than a run of a few seconds gains (measured: about 10% of wall time on the Lua and
// secp256k1 benchmarks). Only this process's V8 is affected.
v8.setFlagsFromString('--wasm-tiering-budget=30000000');

const { main } = await import('./program.js');
process.exitCode = await main(process.argv.slice(2));

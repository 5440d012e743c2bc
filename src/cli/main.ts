#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ keeps V8's compiled code for the CLI's files between runs (in the OS's temp
// directory), which saves most of what is left of parsing at start-up. Older Node lacks it:
// start as before. Must run before the rest of the CLI is imported, hence the dynamic import.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const { main } = await import('./program.js');
process.exitCode = await main(process.argv.slice(2));

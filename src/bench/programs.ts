/**
 * The programs `npm run bench` times against qemu-riscv64: real programs nobody on the
 * project wrote (built by guests/bench/build.sh from Debian's source packages) and the
 * project's own micro-benchmarks from guests/bin; an RV64GC floating-point workload in each
 * group (Lua built for lp64d with glibc, and guests/bench/src/nbody.c). Each case says how to run it; the sizes
 * are chosen so a full suite fits in a few minutes on a 2-core machine and `--quick` in
 * about one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Which geometric mean a case counts in. */
export type BenchGroup = 'real' | 'micro';

/** One program run, identical for ZeroOS and qemu: the binary, its arguments and its stdin. */
export interface BenchCase {
  readonly name: string;
  readonly group: BenchGroup;
  /** Where the program came from, for the report. */
  readonly origin: string;
  readonly elf: string;
  readonly args: readonly string[];
  /** A host file given to the program as its standard input, or none (empty input). */
  readonly stdin?: string;
}

/** Where the inputs the cases need are written, and how big a run should be. */
export interface BenchInputs {
  /** guests/bench/build.sh's output directory, or undefined when it could not build. */
  readonly realBin: string | undefined;
  /** The repository's guests/ directory. */
  readonly guests: string;
  /** A scratch directory for generated inputs. */
  readonly scratch: string;
  readonly quick: boolean;
}

/** The SQL workload with its row count filled in. */
function sqliteScript(inputs: BenchInputs, rows: number): string {
  const template = readFileSync(join(inputs.guests, 'bench', 'src', 'sqlite.sql'), 'utf8');
  const path = join(inputs.scratch, `sqlite-${rows}.sql`);
  writeFileSync(path, template.replaceAll('@ROWS@', String(rows)));
  return path;
}

/** The first `bytes` of the text corpus, so the compression run has a fixed size. */
function corpusSlice(bin: string, inputs: BenchInputs, bytes: number): string {
  const corpus = readFileSync(join(bin, 'corpus.txt'));
  if (corpus.length < bytes) throw new Error(`corpus.txt holds ${corpus.length} bytes, fewer than ${bytes}`);
  const path = join(inputs.scratch, `corpus-${bytes}.txt`);
  writeFileSync(path, corpus.subarray(0, bytes));
  return path;
}

/** The real programs (the decompression case follows the compression one: see decompressCase). */
export function realPrograms(inputs: BenchInputs): BenchCase[] {
  const bin = inputs.realBin;
  if (bin === undefined) return [];
  const q = inputs.quick;
  const corpusBytes = q ? 128 * 1024 : 256 * 1024;
  return [
    {
      name: 'lua5.4 bench.lua',
      group: 'real',
      origin: 'Debian lua5.4 5.4.4',
      elf: join(bin, 'lua'),
      args: ['-', q ? '1' : '2'],
      stdin: join(inputs.guests, 'bench', 'src', 'bench.lua'),
    },
    {
      name: `sqlite3 shell (${q ? 1000 : 2000} rows)`,
      group: 'real',
      origin: 'Debian sqlite3 3.40.1',
      elf: join(bin, 'sqlite3'),
      // no ~/.sqliterc lookup: the runs differ in HOME, and the shell warns when it has none
      args: ['-batch', '-init', '/dev/null'],
      stdin: sqliteScript(inputs, q ? 1000 : 2000),
    },
    {
      name: `zlib minigzip -9 (${corpusBytes / 1024} KiB)`,
      group: 'real',
      origin: 'Debian zlib 1.2.13',
      elf: join(bin, 'minigzip'),
      args: ['-9'],
      stdin: corpusSlice(bin, inputs, corpusBytes),
    },
    {
      name: `secp256k1 sign+verify (${q ? 10 : 20})`,
      group: 'real',
      origin: 'Debian libsecp256k1 0.2.0',
      elf: join(bin, 'secp256k1_sign'),
      args: [q ? '10' : '20'],
    },
    // RV64GC floating point: the same Lua built for lp64d with glibc, so every Lua number
    // operation is an F/D instruction (skipped when the glibc cross compiler was missing)
    {
      name: 'lua5.4 nbody.lua (rv64gc, FP)',
      group: 'real',
      origin: 'Debian lua5.4 5.4.4, glibc rv64gc/lp64d',
      elf: join(bin, 'lua-rv64gc'),
      args: ['-', '1'],
      stdin: join(inputs.guests, 'bench', 'src', 'nbody.lua'),
    },
  ];
}

/** The decompression case: minigzip -d on what the compression run wrote. */
export function decompressCase(compress: BenchCase, gz: Uint8Array, inputs: BenchInputs): BenchCase {
  const path = join(inputs.scratch, 'corpus.gz');
  writeFileSync(path, gz);
  return {
    name: 'zlib minigzip -d',
    group: 'real',
    origin: compress.origin,
    elf: compress.elf,
    args: ['-d'],
    stdin: path,
  };
}

/**
 * The project's own guests: start-up, a CPU-bound loop, malloc, a Rust std program, an RV64GC
 * FP kernel, and the Go guest (Go's runtime: its start-up, threads, futexes, preemption).
 */
export function microPrograms(inputs: BenchInputs): BenchCase[] {
  const bin = (name: string) => join(inputs.guests, 'bin', name);
  const q = inputs.quick;
  return [
    { name: 'hello (start-up + exit)', group: 'micro', origin: 'guests/src/hello.c', elf: bin('hello'), args: [] },
    {
      name: `cpubench (${q ? 6 : 12} rounds)`,
      group: 'micro',
      origin: 'guests/src/cpubench.c',
      elf: bin('cpubench'),
      args: [q ? '6' : '12'],
    },
    { name: 'malloc_stress', group: 'micro', origin: 'guests/src/malloc_stress.c', elf: bin('malloc_stress'), args: [] },
    {
      name: 'rust_collections (Rust std)',
      group: 'micro',
      origin: 'guests/src/rust_collections.rs',
      elf: bin('rust_collections'),
      args: [],
    },
    // the project's own RV64GC floating-point kernel, built by guests/bench/build.sh (glibc, lp64d)
    ...(inputs.realBin === undefined
      ? []
      : [
          {
            name: `nbody.c (rv64gc, FP; ${q ? 40000 : 100000} steps)`,
            group: 'micro' as const,
            origin: 'guests/bench/src/nbody.c',
            elf: join(inputs.realBin, 'nbody-rv64gc'),
            args: [q ? '40000' : '100000'],
          },
        ]),
    // the Go guest (guests/go, Go 1.19, GOARCH=riscv64): CPU-bound goroutines on GOMAXPROCS 4
    // (primes, a float64 Mandelbrot set, a sin sum) and a channel/sync workout; both run on
    // threads switched by the default quantum of a Go program
    { name: 'go_demo cpu (Go, 4 goroutines)', group: 'micro', origin: 'guests/go/cpu.go', elf: bin('go_demo'), args: ['cpu'] },
    {
      name: 'go_demo goroutines (Go, channels + sync)',
      group: 'micro',
      origin: 'guests/go/concurrency.go',
      elf: bin('go_demo'),
      args: ['goroutines'],
    },
  ];
}

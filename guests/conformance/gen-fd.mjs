#!/usr/bin/env node
// guests/conformance/gen-fd.mjs — writes the F/D conformance guests guests/src/conf_fd_<part>.c.
//
//   node guests/conformance/gen-fd.mjs && RUST=0 ONLY="conf_fd_arith ..." bash guests/build.sh
//   (build.sh builds every conf_fd_*.c this way: -march=rv64gc -mabi=lp64d, no libc)
//
// RV64F and RV64D are checked against qemu-riscv64 the way gen.mjs checks the integer
// extensions, but the programs use no libc (the guests' musl is built soft-float): each
// is freestanding C with its own _start, output buffer and raw ecalls (write = 64,
// exit = 93). Every case moves its operands into f registers with fmv.{w,d}.x (bit
// exact), clears fflags, runs ONE instruction, then reads the result bits (fmv.x.d: a
// single's NaN-boxing is part of the result) and fflags. Instructions with a rounding
// mode run once per static mode (rne rtz rdn rup rmm) and once per frm value with dyn.
// Each (instruction, mode) prints one line: case count, the OR of all fflags raised and
// an FNV-1a hash of the (result, fflags) pairs; `-v` prints every case.
//
//   conf_fd_arith   add/sub/mul/div over all pairs of edge values, sqrt, sgnj, min/max,
//                   compares and fclass, single and double
//   conf_fd_fma     the four fused multiply-adds over edge triples and rounding-critical ones
//   conf_fd_cvt     float<->int conversions at the integer limits, s<->d, fmv, NaN-boxing
//   conf_fd_mem     flw/fsw/fld/fsd, c.fld/c.fsd/c.fldsp/c.fsdsp, the fcsr/frm/fflags CSRs,
//                   sticky flags
//   conf_fd_random  seeded random sequences of F/D instructions over 8 f registers
//
// Deterministic: fixed seeds, rerunning writes byte-for-byte the same sources.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const MASK64 = (1n << 64n) - 1n;

/** xorshift64* (the same as gen.mjs). */
function rng(seed) {
  let s = BigInt(seed) & MASK64 || 1n;
  const next = () => {
    s ^= s >> 12n;
    s ^= (s << 25n) & MASK64;
    s ^= s >> 27n;
    return (s * 0x2545f4914f6cdd1dn) & MASK64;
  };
  return {
    u64: next,
    int: (n) => Number(next() % BigInt(n)),
    pick(list) {
      return list[this.int(list.length)];
    },
  };
}

const hex = (v) => `0x${(BigInt(v) & MASK64).toString(16).padStart(16, '0')}ULL`;
const f64bits = (x) => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x, true);
  return view.getBigUint64(0, true);
};
const f32bits = (x) => {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, x, true);
  return BigInt(view.getUint32(0, true));
};

// ---------------------------------------------------------------- operand sets
const D_EDGES = [
  0n, 1n << 63n, // +-0
  1n, (1n << 63n) | 1n, // +-min subnormal
  0x000fffffffffffffn, 0x800fffffffffffffn, // +-max subnormal
  0x0010000000000000n, 0x8010000000000000n, // +-min normal
  0x7fefffffffffffffn, 0xffefffffffffffffn, // +-max
  0x7ff0000000000000n, 0xfff0000000000000n, // +-inf
  0x7ff8000000000000n, 0x7ff8000000000123n, 0xfff8000000000001n, // quiet NaNs (canonical, payloads)
  0x7ff0000000000001n, 0x7ff4000000000000n, 0xfff0000000000abcn, // signalling NaNs
  f64bits(1), f64bits(-1), f64bits(1.5), f64bits(2), f64bits(3), f64bits(-2.5), f64bits(0.5), f64bits(0.1),
  0x3ff0000000000001n, 0x3fefffffffffffffn, // 1 + ulp, 1 - ulp/2
  f64bits(2 ** -53), f64bits(3 * 2 ** -54), f64bits(-(2 ** -52)), // around 1's rounding boundary
  f64bits(2 ** 31 - 0.5), f64bits(-(2 ** 31) - 0.5), f64bits(2 ** 32), f64bits(2 ** 63), f64bits(-(2 ** 63)), f64bits(2 ** 64),
  f64bits(2 ** 52 + 0.5), f64bits(1e308), f64bits(2 ** -1022 * 1.5),
];
const S_EDGES = [
  0n, 0x80000000n,
  1n, 0x80000001n,
  0x007fffffn, 0x807fffffn,
  0x00800000n, 0x80800000n,
  0x7f7fffffn, 0xff7fffffn,
  0x7f800000n, 0xff800000n,
  0x7fc00000n, 0x7fc00123n, 0xffc00001n,
  0x7f800001n, 0x7fa00000n, 0xff800abcn,
  f32bits(1), f32bits(-1), f32bits(1.5), f32bits(2), f32bits(3), f32bits(-2.5), f32bits(0.5), f32bits(0.1),
  0x3f800001n, 0x3f7fffffn,
  f32bits(2 ** -24), f32bits(3 * 2 ** -25), f32bits(-(2 ** -23)),
  f32bits(2 ** 31 - 128), f32bits(-(2 ** 31)), f32bits(2 ** 32), f32bits(2 ** 63), f32bits(-(2 ** 63)), f32bits(2 ** 64),
  f32bits(2 ** 23 + 0.5), f32bits(1e38), f32bits(2 ** -126 * 1.5),
];
/** A few seeded random values of each format: random exponent in a narrow band, random mantissa. */
function randomFloats(r, fmt, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const v = r.u64();
    if (fmt === 'd') out.push((v & 0x800fffffffffffffn) | (BigInt(1023 - 4 + r.int(8)) << 52n));
    else out.push((v & 0x807fffffn) | (BigInt(127 - 4 + r.int(8)) << 23n));
  }
  return out;
}
/** Integer operands for int->float conversions: the limits, rounding-relevant ones, garbage in the high word. */
const INT_EDGES = [
  0n, 1n, MASK64, 2n, MASK64 - 1n,
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0xffffffff80000000n, 0x100000000n,
  0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000001n,
  (1n << 24n) + 1n, (1n << 24n) + 3n, (1n << 53n) + 1n, (1n << 53n) + 3n, MASK64 - (1n << 24n) - 1n,
  0x1234567880000001n, 0xdeadbeef00ffffffn, 0x0000000001ffffffn, 0x00000000fffffffbn,
];

// ---------------------------------------------------------------- C skeleton
function program({ name, title, body, suite }) {
  return `/* ${name}: ${title}
 *
 * GENERATED by guests/conformance/gen-fd.mjs: do not edit; change the generator and rerun it.
 * Freestanding (no libc): built with -march=rv64gc -mabi=lp64d -nostdlib -static.
 * usage: ${name} [-v]   (-v: every case, not only each instruction's summary) */
typedef unsigned long long u64;
typedef unsigned int u32;

static long sys3(long n, long a, long b, long c) {
  register long a0 __asm__("a0") = a;
  register long a1 __asm__("a1") = b;
  register long a2 __asm__("a2") = c;
  register long a7 __asm__("a7") = n;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
  return a0;
}
/* gcc may emit calls to these even in freestanding code */
void *memset(void *d, int c, unsigned long n) { unsigned char *p = d; while (n--) *p++ = (unsigned char)c; return d; }
void *memcpy(void *d, const void *s, unsigned long n) { unsigned char *p = d; const unsigned char *q = s; while (n--) *p++ = *q++; return d; }

static char out[8192];
static unsigned outn;
static void flush(void) {
  unsigned done = 0;
  while (done < outn) {
    long w = sys3(64, 1, (long)(out + done), outn - done);
    if (w <= 0) break;
    done += (unsigned)w;
  }
  outn = 0;
}
static void putc_(char c) {
  if (outn == sizeof out) flush();
  out[outn++] = c;
}
static void puts_(const char *s) { while (*s) putc_(*s++); }
static void pad(const char *s, unsigned width) {
  unsigned n = 0;
  while (s[n]) n++;
  puts_(s);
  while (n++ < width) putc_(' ');
}
/* writable and initialised, so the image has a data segment: RX text, then RW data */
char conf_digits[17] = "0123456789abcdef";
static void hexn(u64 v, int digits) {
  for (int i = digits - 1; i >= 0; i--) putc_(conf_digits[(v >> (4 * i)) & 15]);
}
static void dec(u64 v, unsigned width) {
  char t[24];
  int n = 0;
  do { t[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (width-- > (unsigned)n) putc_(' ');
  while (n) putc_(t[--n]);
}

static int verbose;
static const char *op, *mode;
static u64 h;
static unsigned cases, flags_or;

static void begin(const char *name, const char *rm) {
  op = name;
  mode = rm;
  h = 0xcbf29ce484222325ULL;
  cases = 0;
  flags_or = 0;
}
static void mix(u64 v) {
  for (int i = 0; i < 8; i++) {
    h ^= (v >> (8 * i)) & 0xff;
    h *= 0x100000001b3ULL;
  }
}
/* One case: operands (for -v), result bits, fflags. */
static void rec3(u64 a, u64 b, u64 c, u64 r, u64 fl) {
  mix(r);
  mix(fl);
  flags_or |= (unsigned)fl;
  cases++;
  if (verbose) {
    pad(op, 12); pad(mode, 5);
    hexn(a, 16); putc_(' '); hexn(b, 16); putc_(' '); hexn(c, 16);
    puts_(" -> "); hexn(r, 16); puts_(" fflags "); hexn(fl, 2); putc_('\\n');
  }
}
static __attribute__((unused)) void rec(u64 a, u64 b, u64 r, u64 fl) { rec3(a, b, 0, r, fl); }
static void end(void) {
  pad(op, 12); pad(mode, 5);
  dec(cases, 6);
  puts_(" cases  fflags ");
  hexn(flags_or, 2);
  puts_("  ");
  hexn(h, 16);
  putc_('\\n');
}

${body}
${suite}
int cmain(long *sp) {
  long argc = sp[0];
  char **argv = (char **)(sp + 1);
  verbose = argc > 1 && argv[1][0] == '-' && argv[1][1] == 'v' && argv[1][2] == 0;
  suite();
  flush();
  return 0;
}

__asm__(".pushsection .text._start, \\"ax\\"\\n"
        ".globl _start\\n"
        "_start:\\n"
        "  mv a0, sp\\n"
        "  andi sp, sp, -16\\n"
        "  call cmain\\n"
        "  li a7, 93\\n"
        "  ecall\\n"
        "  j _start\\n"
        ".popsection\\n");
`;
}

const table = (cname, values) => `static const u64 ${cname}[${values.length}] = {\n${chunk(values.map(hex), 4).map((l) => `  ${l.join(', ')},`).join('\n')}\n};\n`;
function chunk(list, n) {
  const out = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}
const cname = (s) => s.replace(/[^a-z0-9]/g, '_');
const asm = (lines) => `".option push\\n.option norvc\\n${lines.map((l) => `${l}\\n`).join('')}.option pop"`;

const STATIC_RM = ['rne', 'rtz', 'rdn', 'rup', 'rmm'];
/** Every mode an rm instruction is run in: [label, asm suffix, frm value or -1]. */
const MODES = [...STATIC_RM.map((m) => [m, `, ${m}`, -1]), ...STATIC_RM.map((m, i) => [`dyn${i}`, ', dyn', i])];
const NO_RM = [['-', '', -1]];

/** Moves an integer register into an f register for format fmt, bit exact. */
const mvIn = (fmt, f, r) => (fmt === 'd' || fmt === 'l' ? `fmv.d.x ${f}, ${r}` : `fmv.w.x ${f}, ${r}`);

let testNames = [];
let body = '';
function emit(fnName, text) {
  body += text;
  testNames.push(fnName);
}
/** The asm of one case: optional frm, operands in, clear flags, the instruction, read flags and result. */
function caseAsm({ instr, ins, outIsInt, frm }) {
  const lines = [];
  if (frm >= 0) lines.push(`fsrmi ${frm}`);
  lines.push(...ins, 'fsflags zero', instr, 'frflags %1');
  lines.push(outIsInt ? 'mv %0, t0' : 'fmv.x.d %0, ft3');
  return asm(lines);
}

/** rd = op(rs1, rs2) over all pairs of V (f registers; fcmp: integer result). */
function pairOp(mnemonic, fmt, V, modes, outIsInt = false) {
  for (const [label, suffix, frm] of modes) {
    const fn = `t_${cname(mnemonic)}_${label === '-' ? 'x' : label}`;
    const instr = `${mnemonic} ${outIsInt ? 't0' : 'ft3'}, ft1, ft2${suffix}`;
    emit(fn, `static void ${fn}(void) {
  begin("${mnemonic}", "${label}");
  for (unsigned i = 0; i < sizeof ${V} / 8; i++)
    for (unsigned j = 0; j < sizeof ${V} / 8; j++) {
      u64 r, fl, a = ${V}[i], b = ${V}[j];
      __asm__ volatile(${caseAsm({ instr, ins: [mvIn(fmt, 'ft1', '%2'), mvIn(fmt, 'ft2', '%3')], outIsInt, frm })}
                       : "=&r"(r), "=&r"(fl) : "r"(a), "r"(b) : "t0", "ft1", "ft2", "ft3");
      rec(a, b, r, fl);
    }
  end();
}
`);
  }
}

/** rd = op(rs1) over V. inFmt: 's'/'d' (f register) or 'x' (integer register); outIsInt for f->int. */
function unaryOp(mnemonic, inFmt, V, modes, outIsInt = false, operands = null) {
  for (const [label, suffix, frm] of modes) {
    const fn = `t_${cname(mnemonic)}_${label === '-' ? 'x' : label}`;
    const src = inFmt === 'x' ? '%2' : 'ft1';
    const instr = `${mnemonic} ${outIsInt ? 't0' : 'ft3'}, ${operands ?? src}${suffix}`;
    const ins = inFmt === 'x' ? [] : [mvIn(inFmt, 'ft1', '%2')];
    emit(fn, `static void ${fn}(void) {
  begin("${mnemonic}", "${label}");
  for (unsigned i = 0; i < sizeof ${V} / 8; i++) {
    u64 r, fl, a = ${V}[i];
    __asm__ volatile(${caseAsm({ instr, ins, outIsInt, frm })}
                     : "=&r"(r), "=&r"(fl) : "r"(a) : "t0", "ft1", "ft3");
    rec(a, 0, r, fl);
  }
  end();
}
`);
  }
}

/** rd = op(rs1, rs2, rs3) over all triples of V (the fused multiply-adds), then over the listed special triples. */
function tripleOp(mnemonic, fmt, V, T, modes) {
  for (const [label, suffix, frm] of modes) {
    const fn = `t_${cname(mnemonic)}_${label}`;
    const instr = `${mnemonic} ft3, ft0, ft1, ft2${suffix}`;
    const a = caseAsm({ instr, ins: [mvIn(fmt, 'ft0', '%2'), mvIn(fmt, 'ft1', '%3'), mvIn(fmt, 'ft2', '%4')], outIsInt: false, frm });
    emit(fn, `static void ${fn}(void) {
  begin("${mnemonic}", "${label}");
  for (unsigned i = 0; i < sizeof ${V} / 8; i++)
    for (unsigned j = 0; j < sizeof ${V} / 8; j++)
      for (unsigned k = 0; k < sizeof ${V} / 8; k++) {
        u64 r, fl, a = ${V}[i], b = ${V}[j], c = ${V}[k];
        __asm__ volatile(${a}
                         : "=&r"(r), "=&r"(fl) : "r"(a), "r"(b), "r"(c) : "t0", "ft0", "ft1", "ft2", "ft3");
        rec3(a, b, c, r, fl);
      }
  for (unsigned i = 0; i < sizeof ${T} / 8; i += 3) {
    u64 r, fl, a = ${T}[i], b = ${T}[i + 1], c = ${T}[i + 2];
    __asm__ volatile(${a}
                     : "=&r"(r), "=&r"(fl) : "r"(a), "r"(b), "r"(c) : "t0", "ft0", "ft1", "ft2", "ft3");
    rec3(a, b, c, r, fl);
  }
  end();
}
`);
  }
}

function suiteFn() {
  const s = `static void suite(void) {\n${testNames.map((n) => `  ${n}();`).join('\n')}\n}\n`;
  return s;
}
function finish(name, title) {
  const text = program({ name, title, body, suite: suiteFn() });
  body = '';
  testNames = [];
  return text;
}

// ---------------------------------------------------------------- arith
function genArith() {
  const r = rng(0xfd01);
  body += table('VD', [...D_EDGES, ...randomFloats(r, 'd', 4)]);
  body += table('VS', [...S_EDGES, ...randomFloats(r, 's', 4)]);
  for (const fmt of ['s', 'd']) {
    const V = fmt === 'd' ? 'VD' : 'VS';
    for (const m of ['fadd', 'fsub', 'fmul', 'fdiv']) pairOp(`${m}.${fmt}`, fmt, V, MODES);
    unaryOp(`fsqrt.${fmt}`, fmt, V, MODES);
    for (const m of ['fsgnj', 'fsgnjn', 'fsgnjx', 'fmin', 'fmax']) pairOp(`${m}.${fmt}`, fmt, V, NO_RM);
    for (const m of ['feq', 'flt', 'fle']) pairOp(`${m}.${fmt}`, fmt, V, NO_RM, true);
    unaryOp(`fclass.${fmt}`, fmt, V, NO_RM, true);
  }
  return finish('conf_fd_arith', 'RV64F/D conformance: add, sub, mul, div, sqrt in every rounding mode; sign injection, min/max, compares, fclass; over edge values (zeros, subnormals, infinities, quiet and signalling NaNs with payloads, rounding boundaries).');
}

// ---------------------------------------------------------------- fma
function genFma() {
  const r = rng(0xfd02);
  const dv = [0n, 1n << 63n, 1n, 0x800fffffffffffffn, f64bits(1), f64bits(-1.5), f64bits(3), 0x3ff0000000000001n,
    0x7fefffffffffffffn, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000123n, 0x7ff0000000000001n, f64bits(2 ** -1000), ...randomFloats(r, 'd', 2)];
  const sv = [0n, 0x80000000n, 1n, 0x807fffffn, f32bits(1), f32bits(-1.5), f32bits(3), 0x3f800001n,
    0x7f7fffffn, 0x7f800000n, 0xff800000n, 0x7fc00123n, 0x7f800001n, f32bits(2 ** -120), ...randomFloats(r, 's', 2)];
  body += table('VD', dv) + table('VS', sv);
  // Triples where only an exact product gives the right answer, and the invalid/NaN rules.
  const e = 2 ** -52;
  const td = [
    [f64bits(1 + e), f64bits(1 - e), f64bits(-1)], // product 1 - 2^-104: a rounded product gives 0
    [f64bits(1 + e), f64bits(1 + e), f64bits(-1)], // 2^-51 + 2^-104
    [f64bits(1 + 2 * e), f64bits(1 + 2 * e), f64bits(-(1 + 4 * e))], // exactly 4 * 2^-104
    [f64bits(0.1), f64bits(10), f64bits(-1)], // the error of 0.1
    [f64bits(2 ** 1000), f64bits(2 ** 100), f64bits(-Infinity)], // overflowing product + -inf: -inf, no overflow flag
    [f64bits(2 ** 1000), f64bits(2 ** 100), f64bits(-(2 ** 1023))], // overflow
    [f64bits(2 ** -1000), f64bits(2 ** -70), f64bits(0)], // underflow to a subnormal
    [f64bits(2 ** -600), f64bits(2 ** -600), f64bits(2 ** -1074)], // tiny product + min subnormal
    [f64bits(2 ** -600), f64bits(-(2 ** -600)), f64bits(2 ** -1074)],
    [0x7ff0000000000000n, 0n, 0x7ff8000000000000n], // inf * 0 + qNaN: invalid
    [0x7ff0000000000000n, 0n, 0x7ff8000000000123n],
    [0n, 0x7ff0000000000000n, 0x7ff0000000000001n],
    [f64bits(1), f64bits(-0), f64bits(0)], // signs of zero sums
    [f64bits(-1), f64bits(0), f64bits(-0)],
    [f64bits(3), f64bits(1 / 3), f64bits(-1)],
    [f64bits(2 ** 52 + 1), f64bits(2 ** 52 - 1), f64bits(-(2 ** 104))], // -1 exactly
    [f64bits(1 + e), f64bits(0.5), f64bits(2 ** -54)], // a tie in the sum after an exact product
    [f64bits(1 + e), f64bits(0.5), f64bits(-(2 ** -54))],
  ];
  for (let i = 0; i < 40; i++) {
    // random a*b close to -c: catastrophic cancellation, where the unrounded product matters
    const a = randomFloats(r, 'd', 1)[0], b = randomFloats(r, 'd', 1)[0];
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, a, true);
    const x = view.getFloat64(0, true);
    view.setBigUint64(0, b, true);
    const y = view.getFloat64(0, true);
    td.push([a, b, f64bits(-(x * y))]);
  }
  const s = 2 ** -23;
  const ts = [
    [f32bits(1 + s), f32bits(1 - s), f32bits(-1)],
    [f32bits(1 + s), f32bits(1 + s), f32bits(-1)],
    [f32bits(0.1), f32bits(10), f32bits(-1)],
    [f32bits(2 ** 100), f32bits(2 ** 40), 0xff800000n],
    [f32bits(2 ** 100), f32bits(2 ** 40), f32bits(-(2 ** 127))],
    [f32bits(2 ** -100), f32bits(2 ** -40), 0n],
    [0x7f800000n, 0n, 0x7fc00000n],
    [0x7f800000n, 0n, 0x7fc00123n],
    [0n, 0x7f800000n, 0x7f800001n],
    [f32bits(1), f32bits(-0), f32bits(0)],
    [f32bits(-1), f32bits(0), f32bits(-0)],
    [f32bits(2 ** 23 + 1), f32bits(2 ** 23 - 1), f32bits(-(2 ** 46))],
    [f32bits(1 + s), f32bits(0.5), f32bits(2 ** -25)],
    [f32bits(1 + s), f32bits(0.5), f32bits(-(2 ** -25))],
  ];
  for (let i = 0; i < 40; i++) {
    const [a, b] = randomFloats(r, 's', 2);
    const view = new DataView(new ArrayBuffer(4));
    view.setUint32(0, Number(a), true);
    const x = view.getFloat32(0, true);
    view.setUint32(0, Number(b), true);
    const y = view.getFloat32(0, true);
    ts.push([a, b, f32bits(-(x * y))]);
  }
  body += table('TD', td.flat()) + table('TS', ts.flat());
  for (const fmt of ['s', 'd']) {
    for (const m of ['fmadd', 'fmsub', 'fnmsub', 'fnmadd']) tripleOp(`${m}.${fmt}`, fmt, fmt === 'd' ? 'VD' : 'VS', fmt === 'd' ? 'TD' : 'TS', MODES);
  }
  return finish('conf_fd_fma', 'RV64F/D conformance: fmadd, fmsub, fnmsub, fnmadd (single and double) in every rounding mode over all triples of edge values and triples whose result needs the exact (unrounded) product.');
}

// ---------------------------------------------------------------- conversions
function genCvt() {
  const r = rng(0xfd03);
  // float operands at the integer conversion limits and at rounding ties
  const dcv = [...D_EDGES,
    f64bits(2 ** 31 - 1), f64bits(2 ** 31 - 1 + 0.5), f64bits(2 ** 31 - 0.25), f64bits(2 ** 31), f64bits(2 ** 31 + 1),
    f64bits(-(2 ** 31)), f64bits(-(2 ** 31) - 0.5), f64bits(-(2 ** 31) - 1), f64bits(2 ** 32 - 1), f64bits(2 ** 32 - 0.5),
    f64bits(2 ** 32 + 0.5), f64bits(2 ** 63 - 1024), f64bits(-(2 ** 63) - 2048), f64bits(2 ** 64 - 2048),
    f64bits(-0.5), f64bits(-0.75), f64bits(0.75), f64bits(1.5), f64bits(-1.5), f64bits(2.5), f64bits(-3.5), f64bits(4.5),
    f64bits(-1e-300), f64bits(1e-300), ...randomFloats(r, 'd', 4)];
  const scv = [...S_EDGES,
    f32bits(2 ** 31 - 128), f32bits(2 ** 31), f32bits(-(2 ** 31) - 256), f32bits(2 ** 32 - 256), f32bits(2 ** 32),
    f32bits(2 ** 63 - 2 ** 39), f32bits(-(2 ** 63) - 2 ** 40), f32bits(2 ** 64 - 2 ** 40),
    f32bits(-0.5), f32bits(-0.75), f32bits(0.75), f32bits(-1.5), f32bits(2.5), f32bits(-3.5), f32bits(4.5),
    f32bits(-1e-30), f32bits(1e-30), ...randomFloats(r, 's', 4)];
  // doubles that round differently to single, overflow or underflow it
  const dnarrow = [...D_EDGES, f64bits(1 + 2 ** -24), f64bits(1 + 2 ** -24 + 2 ** -50), f64bits(1 + 3 * 2 ** -24), f64bits(-(1 + 2 ** -24)),
    f64bits(3.4028235677973366e38), f64bits(3.4028234663852886e38 * (1 + 2 ** -25)), f64bits(2 ** 128), f64bits(2 ** -149), f64bits(2 ** -150),
    f64bits(2 ** -150 * 1.5), f64bits(-(2 ** -151)), f64bits(2 ** -127 * 1.25), 0x7ff8000000000001n, 0x7ff0000080000000n, 0xfff7ffffffffffffn,
    ...randomFloats(r, 'd', 4)];
  const ints = [...INT_EDGES, ...Array.from({ length: 6 }, () => r.u64())];
  body += table('DC', dcv) + table('SC', scv) + table('DN', dnarrow) + table('IV', ints);
  for (const [fmt, V] of [['s', 'SC'], ['d', 'DC']]) {
    for (const t of ['w', 'wu', 'l', 'lu']) unaryOp(`fcvt.${t}.${fmt}`, fmt, V, MODES, true);
    // int -> double from a 32-bit integer is exact: those have no rounding mode
    for (const t of ['w', 'wu', 'l', 'lu']) unaryOp(`fcvt.${fmt}.${t}`, 'x', 'IV', fmt === 'd' && t.startsWith('w') ? NO_RM : MODES);
  }
  unaryOp('fcvt.s.d', 'd', 'DN', MODES);
  unaryOp('fcvt.d.s', 's', 'SC', NO_RM); // exact: no rounding mode
  // moves: fmv.x.w sign-extends the low word (of a boxed or unboxed register), fmv.w.x boxes
  unaryOp('fmv.x.w', 'd', 'DN', NO_RM, true);
  unaryOp('fmv.x.d', 'd', 'DN', NO_RM, true);
  unaryOp('fmv.w.x', 'x', 'IV', NO_RM);
  unaryOp('fmv.d.x', 'x', 'IV', NO_RM);
  // NaN-boxing: a single-precision operand whose upper 32 bits are not all ones is the
  // canonical NaN. The register is set with fmv.d.x (no boxing) from these 64-bit values.
  const unboxed = [0x000000003f800000n, 0xfffffffe3f800000n, 0x7fffffff3f800000n, 0xffffffff3f800000n, 0xffffffff7f800001n,
    0x00000000ff800000n, 0x8000000000000000n, 0xffffffff00000000n, 0x00000001fffffffen, 0xffff0000ffffffffn];
  body += table('UB', unboxed);
  for (const m of ['fadd.s', 'fsgnj.s', 'fsgnjn.s', 'fsgnjx.s', 'fmin.s', 'fmax.s', 'feq.s', 'flt.s']) {
    const isCmp = m.startsWith('feq') || m.startsWith('flt');
    // both operands from the 64-bit table, moved in with fmv.d.x
    const fn = `t_box_${cname(m)}`;
    const instr = `${m} ${isCmp ? 't0' : 'ft3'}, ft1, ft2`;
    emit(fn, `static void ${fn}(void) {
  begin("${m}", "box");
  for (unsigned i = 0; i < sizeof UB / 8; i++)
    for (unsigned j = 0; j < sizeof UB / 8; j++) {
      u64 r, fl, a = UB[i], b = UB[j];
      __asm__ volatile(${caseAsm({ instr, ins: ['fmv.d.x ft1, %2', 'fmv.d.x ft2, %3'], outIsInt: isCmp, frm: -1 })}
                       : "=&r"(r), "=&r"(fl) : "r"(a), "r"(b) : "t0", "ft1", "ft2", "ft3");
      rec(a, b, r, fl);
    }
  end();
}
`);
  }
  for (const [m, isInt] of [['fclass.s', true], ['fcvt.d.s', false], ['fsqrt.s', false], ['fcvt.w.s', true], ['fmv.x.w', true]]) {
    const fn = `t_box_${cname(m)}`;
    emit(fn, `static void ${fn}(void) {
  begin("${m}", "box");
  for (unsigned i = 0; i < sizeof UB / 8; i++) {
    u64 r, fl, a = UB[i];
    __asm__ volatile(${caseAsm({ instr: `${m} ${isInt ? 't0' : 'ft3'}, ft1`, ins: ['fmv.d.x ft1, %2'], outIsInt: isInt, frm: -1 })}
                     : "=&r"(r), "=&r"(fl) : "r"(a) : "t0", "ft1", "ft3");
    rec(a, 0, r, fl);
  }
  end();
}
`);
  }
  return finish('conf_fd_cvt', 'RV64F/D conformance: float<->integer conversions (w, wu, l, lu) at the integer limits and rounding ties in every rounding mode (RISC-V saturation and invalid flag), s<->d narrowing and widening, fmv in both directions, and NaN-boxing of single operands.');
}

// ---------------------------------------------------------------- loads, stores, CSRs
function genMem() {
  const r = rng(0xfd04);
  const V = [...D_EDGES.slice(0, 20), ...Array.from({ length: 12 }, () => r.u64())];
  body += table('MV', V) + `static u64 mbuf[8] __attribute__((aligned(64)));\nstatic u64 mres[8];\n`;
  // flw/fld at offsets, fsw/fsd of boxed and unboxed registers; the compressed forms.
  const loadStore = (name, lines) => {
    const fn = `t_${cname(name)}`;
    emit(fn, `static void ${fn}(void) {
  begin("${name}", "-");
  for (unsigned p = 0; p < sizeof MV / 8; p++) {
    for (unsigned i = 0; i < 8; i++) { mbuf[i] = MV[(p + i) % (sizeof MV / 8)] ^ (0x0101010101010101ULL * i); mres[i] = 0; }
    u64 v = MV[(p * 7 + 3) % (sizeof MV / 8)];
    __asm__ volatile(${lines} : : "r"((char *)mbuf + 32), "r"(mres), "r"(v) : "t0", "ft0", "ft1", "fs0", "fs1", "a0", "a1", "memory");
    for (unsigned i = 0; i < 8; i++) rec(p, i, mbuf[i], mres[i]);
  }
  end();
}
`);
  };
  const ldOffsets = (w) => [-32, -32 + w, -8, 0, 8, 24].filter((o) => o % w === 0);
  for (const [m, w, mv] of [['flw', 4, 'fmv.x.d'], ['fld', 8, 'fmv.x.d']]) {
    const lines = [];
    ldOffsets(w).forEach((o, i) => lines.push(`${m} ft0, ${o}(%0)`, `${mv} t0, ft0`, `sd t0, ${i * 8}(%1)`));
    loadStore(m, asm(lines));
  }
  for (const [m, w] of [['fsw', 4], ['fsd', 8]]) {
    const lines = ['fmv.d.x ft0, %2', 'fmv.w.x ft1, %2'];
    ldOffsets(w).forEach((o, i) => lines.push(`${m} ${i % 2 ? 'ft1' : 'ft0'}, ${o}(%0)`));
    lines.push('fsflags zero');
    loadStore(m, asm(lines));
  }
  // compressed: c.fld/c.fsd need x8-x15 and f8-f15 (a0 = x10, fs0 = f8, fs1 = f9)
  loadStore('c.fld/c.fsd', asm(['mv a0, %0', 'mv a1, %1', '.option rvc', 'c.fld fs0, 0(a0)', 'c.fld fs1, 24(a0)', 'c.fsd fs0, 8(a1)', 'c.fsd fs1, 16(a1)', 'fmv.d.x fs0, %2', 'addi a0, a0, -32', 'c.fsd fs0, 56(a0)', 'addi a1, a1, -192', 'c.fld fs1, 240(a1)', '.option norvc', 'fsd fs1, -32(%0)']));
  loadStore('c.fldsp/c.fsdsp', asm(['mv a0, sp', 'addi sp, sp, -512', 'fmv.d.x ft0, %2', '.option rvc', 'c.fsdsp ft0, 0(sp)', 'c.fsdsp ft0, 504(sp)', 'c.fldsp ft1, 504(sp)', 'c.fldsp fs0, 0(sp)', 'c.fsdsp fs0, 256(sp)', 'c.fldsp fs1, 256(sp)', '.option norvc', 'mv sp, a0', 'fsd ft1, 0(%1)', 'fsd fs1, 8(%1)', 'fsd fs0, -8(%0)']));
  // The CSRs: fcsr keeps 8 bits (frm 7:5, fflags 4:0), frm 3 bits, fflags 5 bits; the
  // writes return the old value; flags are sticky across instructions.
  const csrCases = [
    ['fscsr', ['fscsr t0, %2', 'frcsr %0', 'frrm %1', 'fsrm zero']],
    ['fsrm', ['fsrm t0, %2', 'frrm %0', 'frcsr %1', 'fsrm zero']],
    ['fsflags', ['fsflags t0, %2', 'frflags %0', 'frcsr %1', 'fsflags zero']],
    ['csrrs fcsr', ['fscsr zero', 'csrrs t0, fcsr, %2', 'frcsr %0', 'mv %1, t0', 'fscsr zero']],
    ['csrrc fcsr', ['li t0, -1', 'fscsr t0', 'csrrc t0, fcsr, %2', 'frcsr %0', 'mv %1, t0', 'fscsr zero']],
    ['csrrs frm', ['fsrmi 1', 'csrrs t0, frm, %2', 'frrm %0', 'frcsr %1', 'fsrm zero']],
    ['csrrc fflags', ['fsflagsi 31', 'csrrc t0, fflags, %2', 'frflags %0', 'frcsr %1', 'fsflags zero']],
    ['csrrwi', ['csrrwi t0, fcsr, 21', 'csrrwi t0, frm, 3', 'frcsr %0', 'csrrwi %1, fflags, 6', 'frcsr t0', 'add %1, %1, t0', 'fscsr zero']],
    ['csrrsi/csrrci', ['fscsr zero', 'csrrsi t0, fflags, 17', 'csrrsi t0, frm, 2', 'csrrci t0, fcsr, 1', 'frcsr %0', 'csrrci %1, frm, 3', 'fscsr zero']],
    ['sticky', ['fmv.d.x ft0, %2', 'fsflags zero', 'fdiv.d ft1, ft0, ft0', 'fsqrt.d ft1, ft0', 'fadd.d ft1, ft0, ft0', 'frflags %0', 'fmv.x.d %1, ft1', 'fsflags zero']],
    ['dyn after fscsr', ['fmv.d.x ft0, %2', 'li t0, 0x60', 'fscsr t0', 'fcvt.w.d t0, ft0, dyn', 'li t0, 0x40', 'fscsr t0', 'fcvt.l.d %1, ft0, dyn', 'frcsr %0', 'fscsr zero']],
  ];
  for (const [name, lines] of csrCases) {
    const fn = `t_csr_${cname(name)}`;
    emit(fn, `static void ${fn}(void) {
  begin("${name}", "-");
  for (unsigned i = 0; i < sizeof MV / 8; i++) {
    u64 r0, r1, v = MV[i] >> (i % 7) * 9;
    __asm__ volatile(${asm(['mv t0, zero', ...lines.map((l) => l.replace(/t0, %2/, (x) => x))])}
                     : "=&r"(r0), "=&r"(r1) : "r"(v) : "t0", "ft0", "ft1", "memory");
    rec(v, 0, r0, r1);
  }
  end();
}
`);
  }
  return finish('conf_fd_mem', 'RV64F/D conformance: flw/fld/fsw/fsd (NaN-boxing on load, raw bits on store), c.fld/c.fsd/c.fldsp/c.fsdsp, and the fflags/frm/fcsr CSRs (field widths, old values, sticky flags, dyn rounding from frm).');
}

// ---------------------------------------------------------------- random
function genRandom() {
  const r = rng(0xfd05);
  const FREGS = ['ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7'];
  const SEQS = 60;
  const LEN = 30;
  const pool = [...D_EDGES, ...S_EDGES.map((s) => s | 0xffffffff00000000n), ...randomFloats(r, 'd', 16), ...randomFloats(r, 's', 16).map((s) => s | 0xffffffff00000000n)];
  const rm = () => r.pick(['', ', rne', ', rtz', ', rdn', ', rup', ', rmm', ', dyn']);
  const f = () => r.pick(FREGS);
  const fmt = () => r.pick(['s', 'd']);
  function instr() {
    const k = r.int(100);
    const t = fmt();
    if (k < 35) return `${r.pick(['fadd', 'fsub', 'fmul', 'fdiv'])}.${t} ${f()}, ${f()}, ${f()}${rm()}`;
    if (k < 50) return `${r.pick(['fmadd', 'fmsub', 'fnmsub', 'fnmadd'])}.${t} ${f()}, ${f()}, ${f()}, ${f()}${rm()}`;
    if (k < 55) return `fsqrt.${t} ${f()}, ${f()}${rm()}`;
    if (k < 65) return `${r.pick(['fsgnj', 'fsgnjn', 'fsgnjx', 'fmin', 'fmax'])}.${t} ${f()}, ${f()}, ${f()}`;
    if (k < 70) return t === 's' ? `fcvt.s.d ${f()}, ${f()}${rm()}` : `fcvt.d.s ${f()}, ${f()}`;
    if (k < 80) {
      // through an integer register: a conversion out and back in
      const it = r.pick(['w', 'wu', 'l', 'lu']);
      const back = r.pick(['w', 'wu', 'l', 'lu']);
      const to = fmt();
      return [`fcvt.${it}.${t} a2, ${f()}${rm()}`, `xor a3, a3, a2`, `fcvt.${to}.${back} ${f()}, a2${to === 'd' && back.startsWith('w') ? '' : rm()}`];
    }
    if (k < 88) return [`${r.pick(['feq', 'flt', 'fle'])}.${t} a2, ${f()}, ${f()}`, 'slli a3, a3, 1', 'xor a3, a3, a2'];
    if (k < 92) return [`fclass.${t} a2, ${f()}`, 'slli a3, a3, 3', 'xor a3, a3, a2'];
    if (k < 96) return [`fmv.x.${t === 's' ? 'w' : 'd'} a2, ${f()}`, 'add a3, a3, a2'];
    return `fmv.${t === 's' ? 'w' : 'd'}.x ${f()}, a3`;
  }
  let seqs = '';
  const inits = [];
  for (let s = 0; s < SEQS; s++) {
    inits.push([...Array.from({ length: 8 }, () => r.pick(pool)), BigInt(r.int(5))]);
    const lines = [...FREGS.map((x, i) => `fld ${x}, ${i * 8}(%0)`), 'ld t0, 64(%0)', 'fsrm t0', 'fsflags zero', 'li a3, 0'];
    for (let i = 0; i < LEN; i++) lines.push(...[instr()].flat());
    lines.push(...FREGS.map((x, i) => `fsd ${x}, ${i * 8}(%0)`), 'frcsr t0', 'sd t0, 64(%0)', 'sd a3, 72(%0)', 'fscsr zero');
    seqs += `static void seq_${s}(void) {
  __asm__ volatile(${asm(lines)} : : "r"(state) : "t0", "a2", "a3", ${FREGS.map((x) => `"${x}"`).join(', ')}, "memory");
}
`;
  }
  body += `static u64 state[10];\n${seqs}static const u64 init[${SEQS}][9] = {
${inits.map((row) => `  {${row.map(hex).join(', ')}},`).join('\n')}
};
static void (*const seqs[${SEQS}])(void) = {${Array.from({ length: SEQS }, (_, s) => `seq_${s}`).join(', ')}};
static char name[12];
static void t_random(void) {
  for (unsigned s = 0; s < ${SEQS}; s++) {
    name[0] = 's'; name[1] = 'e'; name[2] = 'q'; name[3] = ' ';
    name[4] = (char)('0' + s / 10); name[5] = (char)('0' + s % 10); name[6] = 0;
    begin(name, "-");
    for (unsigned k = 0; k < 70; k++) {
      for (unsigned i = 0; i < 9; i++) state[i] = init[s][i];
      state[9] = 0;
      seqs[s]();
    }
    for (unsigned i = 0; i < 10; i++) rec(s, i, state[i], 0);
    end();
  }
}
`;
  testNames.push('t_random');
  return finish('conf_fd_random', `random differential: ${SEQS} seeded sequences of ${LEN} RV64F/D instructions (arithmetic, FMA, sqrt, sign injection, min/max, conversions through integer registers, compares, fclass, moves) over 8 f registers in random static and dynamic rounding modes; each is run 70 times and the f registers, fcsr and a fold of the integer results are printed.`);
}

const programs = { conf_fd_arith: genArith, conf_fd_fma: genFma, conf_fd_cvt: genCvt, conf_fd_mem: genMem, conf_fd_random: genRandom };
for (const [name, gen] of Object.entries(programs)) {
  writeFileSync(join(SRC, `${name}.c`), gen());
}
console.log(`wrote ${Object.keys(programs).map((n) => `guests/src/${n}.c`).join(', ')}`);

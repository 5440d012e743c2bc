/* conf_fd_rm: RV64F/D conformance: reserved rounding modes. An instruction whose rm field is
 * 5 or 6, or 7 (dyn) while frm holds 5, 6 or 7, is an illegal instruction (SIGILL at its own
 * pc); instructions without a rounding mode (sign injection, min/max, compares, fclass,
 * fmv) run whatever frm holds. Each case runs 300 times in a loop (so an emulator's
 * compiled code runs it, not only its interpreter), with a SIGILL handler that checks the
 * pc and skips the instruction; it prints how many times each case trapped at the right pc,
 * and the result bits and fflags of the last run.
 *
 * Hand-written (not by guests/conformance/gen-fd.mjs), in the same freestanding style:
 * built with -march=rv64gc -mabi=lp64d -nostdlib -static (guests/build.sh, step 4b). */
typedef unsigned long long u64;

static long sys4(long n, long a, long b, long c, long d) {
  register long a0 __asm__("a0") = a;
  register long a1 __asm__("a1") = b;
  register long a2 __asm__("a2") = c;
  register long a3 __asm__("a3") = d;
  register long a7 __asm__("a7") = n;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a7) : "memory");
  return a0;
}
void *memset(void *d, int c, unsigned long n) { unsigned char *p = d; while (n--) *p++ = (unsigned char)c; return d; }
void *memcpy(void *d, const void *s, unsigned long n) { unsigned char *p = d; const unsigned char *q = s; while (n--) *p++ = *q++; return d; }

static char out[8192];
static unsigned outn;
static void flush(void) {
  unsigned done = 0;
  while (done < outn) {
    long w = sys4(64, 1, (long)(out + done), outn - done, 0);
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
char conf_digits[17] = "0123456789abcdef";
static void hexn(u64 v, int digits) {
  for (int i = digits - 1; i >= 0; i--) putc_(conf_digits[(v >> (4 * i)) & 15]);
}
static void dec(u64 v) {
  char t[24];
  int n = 0;
  do { t[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) putc_(t[--n]);
}

/* The SIGILL handler: counts traps at the expected pc, then skips the 4-byte instruction. */
static volatile u64 expect_pc;
static volatile unsigned traps, traps_elsewhere, last_code;
static void on_sigill(int sig, void *info, void *uc) {
  u64 *pc = (u64 *)((char *)uc + 176); /* uc_mcontext.__gregs[0] */
  if (sig == 4 && *pc == expect_pc) traps++;
  else traps_elsewhere++;
  last_code = *(int *)((char *)info + 8); /* si_code: ILL_ILLOPC */
  *pc += 4;
}

struct ksigaction { void (*handler)(int, void *, void *); unsigned long flags; unsigned long mask; };

#define RUNS 300

/* One case: frm := FRM, then RUNS times { fsflags 0; INSN (at label 1); frflags; fmv.x.d }. */
#define CASE(NAME, FRM, INSN)                                                                    \
  do {                                                                                           \
    u64 r = 0, fl = 0;                                                                           \
    traps = traps_elsewhere = 0;                                                                 \
    __asm__ volatile("fsrm %0" : : "r"((long)(FRM)));                                           \
    for (int i = 0; i < RUNS; i++) {                                                             \
      __asm__ volatile(".option push\n.option norvc\n"                                          \
                       "fmv.d.x ft1, %[a]\nfmv.d.x ft2, %[b]\nfmv.d.x ft4, %[b]\nfmv.d.x ft3, zero\n" \
                       "li a0, 0x55\n"                                                           \
                       "lla t0, 1f\nsd t0, 0(%[slot])\n"                                         \
                       "fsflags zero\n"                                                          \
                       "1: " INSN "\n"                                                           \
                       "frflags %[fl]\nfmv.x.d %[r], ft3\nadd %[r], %[r], a0\n.option pop"       \
                       : [r] "=&r"(r), [fl] "=&r"(fl)                                            \
                       : [a] "r"(0x3ff8000000000000ULL), [b] "r"(0x3fb999999999999aULL),         \
                         [slot] "r"(&expect_pc)                                                  \
                       : "t0", "a0", "ft1", "ft2", "ft3", "ft4", "memory");                      \
    }                                                                                            \
    __asm__ volatile("fsrm zero");                                                               \
    puts_(NAME); puts_(" frm "); dec(FRM); puts_(": sigill "); dec(traps); putc_('/'); dec(RUNS); \
    if (traps_elsewhere) { puts_(" ELSEWHERE "); dec(traps_elsewhere); }                          \
    puts_("  result+a0 "); hexn(r, 16); puts_("  fflags "); hexn(fl, 2); putc_('\n');           \
  } while (0)

/* .insn r OPCODE, FUNCT3, FUNCT7, RD, RS1, RS2 (funct7 = funct5 << 2 | fmt) and r4 for the fused forms. */
static void cases(void) {
  /* Static reserved modes 5 and 6 (frm valid). */
  CASE("fadd.d rm=5", 0, ".insn r 0x53, 5, 0x01, ft3, ft1, ft2");
  CASE("fadd.d rm=6", 0, ".insn r 0x53, 6, 0x01, ft3, ft1, ft2");
  CASE("fsub.s rm=5", 0, ".insn r 0x53, 5, 0x04, ft3, ft1, ft2");
  CASE("fmul.d rm=6", 0, ".insn r 0x53, 6, 0x09, ft3, ft1, ft2");
  CASE("fdiv.d rm=5", 0, ".insn r 0x53, 5, 0x0d, ft3, ft1, ft2");
  CASE("fsqrt.d rm=6", 0, ".insn r 0x53, 6, 0x2d, ft3, ft1, f0");
  CASE("fmadd.d rm=5", 0, ".insn r4 0x43, 5, 1, ft3, ft1, ft2, ft4");
  CASE("fnmsub.s rm=6", 0, ".insn r4 0x4b, 6, 0, ft3, ft1, ft2, ft4");
  CASE("fcvt.w.d rm=5", 0, ".insn r 0x53, 5, 0x61, a0, ft1, x0");
  CASE("fcvt.d.l rm=6", 0, ".insn r 0x53, 6, 0x69, ft3, a0, x2");
  CASE("fcvt.s.d rm=5", 0, ".insn r 0x53, 5, 0x20, ft3, ft1, x1");
  /* The same with valid static modes: they run (the results show). */
  CASE("fadd.d rm=rup", 0, "fadd.d ft3, ft1, ft2, rup");
  CASE("fcvt.w.d rm=rmm", 0, "fcvt.w.d a0, ft1, rmm");
  /* Dynamic rounding under an invalid frm (5, 6, 7): illegal. */
  CASE("fadd.d dyn", 5, "fadd.d ft3, ft1, ft2");
  CASE("fmul.s dyn", 6, "fmul.s ft3, ft1, ft2");
  CASE("fmadd.d dyn", 7, "fmadd.d ft3, ft1, ft2, ft4");
  CASE("fsqrt.d dyn", 5, "fsqrt.d ft3, ft1");
  CASE("fcvt.l.d dyn", 6, "fcvt.l.d a0, ft1");
  CASE("fcvt.d.w dyn", 7, ".insn r 0x53, 7, 0x69, ft3, a0, x0"); /* the assembler gives it rne: it never rounds */
  CASE("fcvt.d.s dyn", 5, ".insn r 0x53, 7, 0x21, ft3, ft1, x0");
  CASE("fcvt.d.w rne", 7, "fcvt.d.w ft3, a0");
  /* Dynamic rounding under a valid frm: runs. */
  CASE("fdiv.d dyn", 3, "fdiv.d ft3, ft1, ft2");
  /* No rounding mode: run whatever frm holds. */
  CASE("fsgnjn.d", 5, "fsgnjn.d ft3, ft1, ft2");
  CASE("fmax.d", 6, "fmax.d ft3, ft1, ft2");
  CASE("flt.d", 7, "flt.d a0, ft1, ft2");
  CASE("fclass.d", 5, "fclass.d a0, ft1");
  CASE("fmv.x.d", 6, "fmv.x.d a0, ft1");
  CASE("fmv.d.x", 7, "fmv.d.x ft3, a0");
}

void _start(void) {
  struct ksigaction sa = { on_sigill, 4 /* SA_SIGINFO */, 0 };
  long rc = sys4(134 /* rt_sigaction */, 4 /* SIGILL */, (long)&sa, 0, 8);
  if (rc != 0) { puts_("rt_sigaction failed\n"); flush(); sys4(93, 1, 0, 0, 0); }
  cases();
  puts_("last si_code "); dec(last_code); putc_('\n');
  flush();
  sys4(93, 0, 0, 0, 0);
  for (;;) {}
}

/* corners: instruction corner cases, executed with inline asm so the exact
 * instruction runs (nothing is folded by the compiler). One line per case:
 *   op(operand,operand)=0xRESULT
 * Operands are printed in signed decimal, results as 64-bit hex. The output is
 * fully determined by the RV64IMAC specification (no addresses are printed:
 * auipc results are printed as differences). Exits 0. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef long long ll;
typedef unsigned long long ull;

#define MIN64 ((ll)0x8000000000000000ULL)
#define MAX64 ((ll)0x7fffffffffffffffULL)
#define MIN32 ((ll)-2147483648LL)

static void p2(const char *op, ll a, ll b, ll r) { printf("%s(%lld,%lld)=0x%016llx\n", op, a, b, (ull)r); }

/* register-register op */
#define RR(op, a, b) do { ll r_, x_ = (ll)(a), y_ = (ll)(b); \
    asm volatile(op " %0,%1,%2" : "=r"(r_) : "r"(x_), "r"(y_)); p2(op, x_, y_, r_); } while (0)
/* register-immediate op (imm is a literal) */
#define RI(op, a, imm) do { ll r_, x_ = (ll)(a); \
    asm volatile(op " %0,%1," #imm : "=r"(r_) : "r"(x_)); p2(op, x_, (ll)(imm), r_); } while (0)
/* load from base+off (off is a literal) */
#define LD(op, base, off, label) do { ll r_; \
    asm volatile(op " %0," #off "(%1)" : "=r"(r_) : "r"(base) : "memory"); \
    printf("%s %s+%d=0x%016llx\n", op, label, (int)(off), (ull)r_); } while (0)
/* store value at base+off */
#define ST(op, base, off, v) do { ll v_ = (ll)(v); \
    asm volatile(op " %1," #off "(%0)" : : "r"(base), "r"(v_) : "memory"); } while (0)

static void hexdump(const char *label, const volatile uint8_t *p, int n)
{
    printf("%s=", label);
    for (int i = 0; i < n; i++) printf("%02x", p[i]);
    printf("\n");
}

static void divide(void)
{
    printf("# M: division\n");
    RR("div", 7, 2); RR("div", -7, 2); RR("div", 7, -2); RR("div", -7, -2);
    RR("rem", 7, 2); RR("rem", -7, 2); RR("rem", 7, -2); RR("rem", -7, -2);
    RR("div", 5, 0); RR("div", -5, 0); RR("div", 0, 0); RR("div", MIN64, 0);
    RR("divu", 5, 0); RR("divu", -1, 0);
    RR("rem", 5, 0); RR("rem", -5, 0); RR("rem", MIN64, 0);
    RR("remu", 5, 0); RR("remu", -1, 0);
    RR("div", MIN64, -1); RR("rem", MIN64, -1);
    RR("divu", MIN64, -1); RR("remu", MIN64, -1);
    RR("divu", -1, 2); RR("remu", -1, 10); RR("divu", -7, 2);
    RR("divw", 7, 2); RR("divw", -7, 2); RR("remw", -7, 2); RR("remw", 7, -2);
    RR("divw", 5, 0); RR("divw", -5, 0); RR("divuw", 5, 0); RR("divuw", -5, 0);
    RR("remw", 5, 0); RR("remw", -5, 0); RR("remuw", 5, 0); RR("remuw", -5, 0);
    RR("divw", MIN32, -1); RR("remw", MIN32, -1);
    RR("divuw", MIN32, -1); RR("remuw", MIN32, -1);
    /* W forms use only the low 32 bits of the operands */
    RR("divw", 0x100000006LL, 0x100000003LL); RR("divuw", 0x1ffffffffLL, 2);
    RR("remw", 0x7fffffff00000007LL, 0x1234567800000004LL); RR("remuw", 0x80000000ffffffffLL, 0x10);
    RR("divw", 0x80000000LL, 1); RR("divuw", 0x80000000LL, 1); RR("divuw", 0xffffffffLL, 1);
    RR("divw", 6, 0x100000000LL); /* low word of divisor is 0 */
}

static void multiply(void)
{
    printf("# M: multiplication\n");
    RR("mul", MAX64, 2); RR("mul", MIN64, -1); RR("mul", -1, -1); RR("mul", 0x123456789LL, 0x987654321LL);
    RR("mulh", MIN64, MIN64); RR("mulh", MIN64, -1); RR("mulh", MIN64, MAX64); RR("mulh", -1, -1);
    RR("mulh", MAX64, MAX64); RR("mulh", -1, 1); RR("mulh", 0x123456789LL, -0x987654321LL);
    RR("mulhu", -1, -1); RR("mulhu", MIN64, MIN64); RR("mulhu", MIN64, 2); RR("mulhu", -1, 1);
    RR("mulhu", MAX64, MAX64); RR("mulhu", 0x123456789LL, -0x987654321LL);
    RR("mulhsu", -1, -1); RR("mulhsu", MIN64, -1); RR("mulhsu", MAX64, -1); RR("mulhsu", -1, 1);
    RR("mulhsu", MIN64, MIN64); RR("mulhsu", 1, -1); RR("mulhsu", -2, 0x8000000000000001LL);
    RR("mulw", 0x7fffffff, 2); RR("mulw", 0x10000, 0x10000); RR("mulw", 0x10000, 0x8000);
    RR("mulw", MIN32, -1); RR("mulw", 0x1234567800000003LL, 0x7fffffff00000005LL);
}

static void shifts(void)
{
    printf("# I: shifts (register amounts use the low 6 / 5 bits)\n");
    ll v = (ll)0x8000000000000081ULL;
    RR("sll", v, 0); RR("sll", v, 1); RR("sll", v, 63); RR("sll", v, 64); RR("sll", v, 65);
    RR("sll", v, 127); RR("sll", v, -1); RR("sll", 1, 0x7fffffffffffff40LL);
    RR("srl", v, 0); RR("srl", v, 1); RR("srl", v, 63); RR("srl", v, 64); RR("srl", v, 65); RR("srl", v, -1);
    RR("sra", v, 0); RR("sra", v, 1); RR("sra", v, 63); RR("sra", v, 64); RR("sra", v, 65); RR("sra", v, -1);
    ll w = 0x1234567887654321LL;
    RR("sllw", w, 0); RR("sllw", w, 1); RR("sllw", w, 31); RR("sllw", w, 32); RR("sllw", w, 33);
    RR("sllw", w, 63); RR("sllw", 1, 31); RR("sllw", 1, -1);
    RR("srlw", w, 0); RR("srlw", w, 1); RR("srlw", w, 31); RR("srlw", w, 32); RR("srlw", w, 33); RR("srlw", w, 63);
    RR("srlw", 0x80000000LL, 0); RR("srlw", -1, 0); RR("srlw", -1, 32);
    RR("sraw", w, 0); RR("sraw", w, 1); RR("sraw", w, 31); RR("sraw", w, 32); RR("sraw", w, 33); RR("sraw", w, 63);
    RR("sraw", 0x7fffffff80000000LL, 4); RR("sraw", 0x80000000ffffffffLL, 36);
    RI("slli", v, 63); RI("srli", v, 63); RI("srai", v, 63); RI("srai", v, 1);
    RI("slliw", w, 31); RI("srliw", w, 0); RI("srliw", 0x80000000LL, 31); RI("sraiw", w, 31); RI("sraiw", 0x80000000LL, 0);
    RI("slliw", 0xffffffffLL, 0); RI("sraiw", 0x123456780000000fLL, 1);
}

static void wforms(void)
{
    printf("# I: W-form sign extension\n");
    RR("addw", 0x7fffffff, 1); RR("addw", -1, 1); RR("addw", 0xffffffffLL, 0); RR("addw", 0x17fffffffLL, 0x100000000LL);
    RR("subw", MIN32, 1); RR("subw", 0, MIN32); RR("subw", 0x100000000LL, 1); RR("subw", 0x80000000LL, 0);
    RI("addiw", 0x7fffffff, 1); RI("addiw", 0xffffffffLL, 0); RI("addiw", 0x1234567880000000LL, -1);
    RI("addiw", 0, -2048); RI("addiw", 0x7ffffffffLL, 2047);
    RR("add", MAX64, 1); RR("sub", MIN64, 1); RI("addi", MAX64, 1); RI("addi", 0, -2048);
}

static void compares(void)
{
    printf("# I: set-less-than and branches\n");
    RR("slt", MIN64, MAX64); RR("slt", MAX64, MIN64); RR("slt", -1, 0); RR("slt", 0, -1); RR("slt", 5, 5);
    RR("sltu", MIN64, MAX64); RR("sltu", MAX64, MIN64); RR("sltu", -1, 0); RR("sltu", 0, -1); RR("sltu", 5, 5);
    RR("sltu", 0, 1);
    RI("slti", -1, 0); RI("slti", 0, -1); RI("slti", MIN64, -2048); RI("slti", 2047, 2047);
    RI("sltiu", 0, -1); RI("sltiu", -2, -1); RI("sltiu", -1, -1); RI("sltiu", 0, 1); RI("sltiu", 1, 1);
    RI("sltiu", 0x7ff, 2047);
    /* branches: 1 = taken */
#define BR(op, a, b) do { ll r_, x_ = (ll)(a), y_ = (ll)(b); \
    asm volatile("li %0,1\n\t" op " %1,%2,1f\n\tli %0,0\n1:" : "=&r"(r_) : "r"(x_), "r"(y_)); p2(op, x_, y_, r_); } while (0)
    BR("blt", MIN64, 0); BR("blt", 0, MIN64); BR("blt", -1, -1); BR("bge", -1, -1); BR("bge", MAX64, MIN64);
    BR("bltu", MIN64, 0); BR("bltu", 0, MIN64); BR("bgeu", -1, 0); BR("bgeu", 0, -1);
    BR("beq", 0x100000000LL, 0); BR("bne", 0x100000000LL, 0); BR("beq", -1, -1);
}

static void logic(void)
{
    printf("# I: logic immediates (12-bit immediates are sign-extended)\n");
    RI("andi", -1, -1); RI("andi", -1, 2047); RI("andi", -1, -2048);
    RI("ori", 0, -2048); RI("ori", 0, 2047); RI("xori", 0x5555555555555555LL, -1); RI("xori", 0x1234, 0x7ff);
    RR("and", 0xff00ff00ff00ff00ULL, 0x0ff00ff00ff00ff0LL); RR("or", MIN64, 1); RR("xor", -1, MAX64);
}

static void upper(void)
{
    printf("# I: lui / auipc sign extension\n");
    ll r;
#define LUI(imm) do { asm volatile("lui %0," #imm : "=r"(r)); printf("lui(" #imm ")=0x%016llx\n", (ull)r); } while (0)
    LUI(0x80000); LUI(0xfffff); LUI(0x7ffff); LUI(0x00001); LUI(0x12345); LUI(0xabcde);
    /* auipc: print (auipc IMM) - (pc of that auipc); the difference is sext(IMM << 12) */
#define AUIPC(imm) do { ll a_, b_; \
    asm volatile("auipc %0," #imm "\n\tauipc %1,0\n\taddi %1,%1,-4\n\tsub %0,%0,%1" : "=&r"(a_), "=&r"(b_)); \
    printf("auipc(" #imm ")-pc=0x%016llx\n", (ull)a_); } while (0)
    AUIPC(0x80000); AUIPC(0xfffff); AUIPC(0x7ffff); AUIPC(0x00001); AUIPC(0);
    /* jal / jalr link value is pc+4 (4-byte instruction) and jalr clears bit 0 of the target */
    ll t, link, d;
    asm volatile(".option push\n\t.option norvc\n\t"
                 "lla %0, 2f\n\t"
                 "addi %0, %0, 1\n\t"        /* odd target address */
                 "li %1, 100\n\t"
                 "1: jalr %2, 0(%0)\n\t"
                 "li %1, 999\n\t"            /* skipped */
                 "2: addi %1, %1, 7\n\t"
                 "lla %0, 1b\n\t"
                 "sub %2, %2, %0\n\t"        /* link - pc(jalr) = 4 */
                 ".option pop"
                 : "=&r"(t), "=&r"(d), "=&r"(link));
    printf("jalr(odd target)=%lld link-pc=%lld\n", d, link);
    asm volatile(".option push\n\t.option norvc\n\t"
                 "1: jal %0, 2f\n\t"
                 "nop\n\t"
                 "2: lla %1, 1b\n\t"
                 "sub %0, %0, %1\n\t"
                 ".option pop"
                 : "=&r"(link), "=&r"(t));
    printf("jal link-pc=%lld\n", link);
    /* c.jalr links pc+2 (c.jal is RV32-only: that encoding is c.addiw on RV64) */
    asm volatile("lla %1, 2f\n\t"
                 "1: c.jalr %1\n\t"
                 "c.nop\n\t"
                 "2: mv %0, ra\n\t"
                 "lla %1, 1b\n\t"
                 "sub %0, %0, %1\n\t"
                 : "=&r"(link), "=&r"(t) : : "ra");
    printf("c.jalr link-pc=%lld\n", link);
}

static void compressed(void)
{
    printf("# C: compressed forms\n");
#define CRR(op, a, b) do { register ll x_ asm("a0") = (ll)(a); register ll y_ asm("a1") = (ll)(b); ll a0_ = x_; \
    asm volatile(op " %0,%1" : "+r"(x_) : "r"(y_)); p2(op, a0_, (ll)(b), x_); } while (0)
#define CRI(op, a, imm) do { register ll x_ asm("a0") = (ll)(a); ll a0_ = x_; \
    asm volatile(op " %0," #imm : "+r"(x_)); p2(op, a0_, (ll)(imm), x_); } while (0)
#define CI(op, imm) do { register ll x_ asm("a0"); \
    asm volatile(op " %0," #imm : "=r"(x_)); printf("%s(" #imm ")=0x%016llx\n", op, (ull)x_); } while (0)
    CRR("c.addw", 0x7fffffff, 1); CRR("c.subw", MIN32, 1); CRR("c.addw", 0x100000000LL, 0);
    CRR("c.add", MAX64, 1); CRR("c.sub", 0, 1); CRR("c.and", -1, 0x0f0f); CRR("c.or", MIN64, 1); CRR("c.xor", -1, 0xff);
    CRR("c.mv", 0, -5);
    CRI("c.addiw", 0x7fffffff, 1); CRI("c.addiw", 0xffffffffLL, 0); CRI("c.addi", -1, -32); CRI("c.addi", 0, 31);
    CRI("c.andi", -1, -32); CRI("c.andi", -1, 31);
    CRI("c.slli", 1, 63); CRI("c.srli", -1, 63); CRI("c.srai", MIN64, 63); CRI("c.srli", MIN64, 1);
    CI("c.li", -32); CI("c.li", 31); CI("c.lui", 0xfffe0); CI("c.lui", 0xfffff); CI("c.lui", 1); CI("c.lui", 0x1f);
}

static void loads_stores(void)
{
    printf("# I: load sign/zero extension\n");
    static volatile uint8_t lbuf[16] __attribute__((aligned(16))) = {
        0x80, 0xff, 0x7f, 0x01, 0x00, 0x80, 0xff, 0xff, 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x81};
    const volatile uint8_t *b = lbuf;
    LD("lb", b, 0, "b"); LD("lbu", b, 0, "b"); LD("lb", b, 2, "b"); LD("lbu", b, 1, "b");
    LD("lh", b, 0, "b"); LD("lhu", b, 0, "b"); LD("lh", b, 6, "b"); LD("lhu", b, 6, "b");
    LD("lw", b, 4, "b"); LD("lwu", b, 4, "b"); LD("lw", b, 0, "b"); LD("lwu", b, 8, "b");
    LD("ld", b, 0, "b"); LD("ld", b, 8, "b");
    LD("lb", b + 16, -1, "b+16"); LD("lw", b + 16, -4, "b+16");

    printf("# I: misaligned loads and stores\n");
    static volatile uint8_t mbuf[32] __attribute__((aligned(16)));
    for (int i = 0; i < 32; i++) mbuf[i] = (uint8_t)(0x81 + 0x0b * i);
    const volatile uint8_t *m = mbuf;
    hexdump("mbuf", mbuf, 32);
    LD("lh", m, 1, "m"); LD("lhu", m, 1, "m"); LD("lh", m, 15, "m"); LD("lhu", m, 7, "m");
    LD("lw", m, 1, "m"); LD("lw", m, 3, "m"); LD("lwu", m, 5, "m"); LD("lw", m, 6, "m"); LD("lwu", m, 13, "m");
    LD("ld", m, 1, "m"); LD("ld", m, 4, "m"); LD("ld", m, 7, "m"); LD("ld", m, 13, "m");
    ST("sh", m, 1, 0x1122); ST("sw", m, 5, 0x33445566); ST("sd", m, 11, 0x778899aabbccddeeLL);
    ST("sh", m, 23, -1); ST("sw", m, 26, 0);
    hexdump("mbuf after sh@1 sw@5 sd@11 sh@23 sw@26", mbuf, 32);
    LD("ld", m, 11, "m"); LD("lw", m, 5, "m"); LD("lhu", m, 1, "m");

    printf("# I: misaligned across a page boundary\n");
    static volatile uint8_t pbuf[8192] __attribute__((aligned(4096)));
    volatile uint8_t *pb = pbuf + 4096; /* page boundary */
    for (int i = -8; i < 8; i++) pb[i] = (uint8_t)(0xa0 + i);
    LD("ld", pb, -3, "page"); LD("lw", pb, -1, "page"); LD("lh", pb, -1, "page"); LD("lwu", pb, -2, "page");
    ST("sd", pb, -5, 0x0102030405060708LL); ST("sw", pb, 3, 0xfedcba98);
    hexdump("page-8..+8 after sd@-5 sw@3", pb - 8, 16);
}

static void atomics(void)
{
    printf("# A: lr/sc\n");
    {
        static volatile uint64_t cell = 0x1111111180000000ULL;   /* word at offset 0 = 0x80000000 */
        ll lrv, sc1, sc2;
        asm volatile("lr.w %0,(%3)\n\t"
                     "sc.w %1,%4,(%3)\n\t"       /* succeeds: rd = 0 */
                     "sc.w %2,%5,(%3)"           /* no reservation any more: fails, rd != 0 */
                     : "=&r"(lrv), "=&r"(sc1), "=&r"(sc2)
                     : "r"(&cell), "r"(0x12345678LL), "r"(0x0badf00dLL) : "memory");
        printf("lr.w=0x%016llx sc.w=%lld sc.w(no reservation)=%lld mem=0x%016llx\n",
               (ull)lrv, sc1, sc2, (ull)cell);
    }
    {
        static volatile uint64_t cell = 0x8000000000000001ULL;
        ll lrv, sc1, sc2;
        asm volatile("lr.d %0,(%3)\n\t"
                     "sc.d %1,%4,(%3)\n\t"
                     "sc.d %2,%5,(%3)"
                     : "=&r"(lrv), "=&r"(sc1), "=&r"(sc2)
                     : "r"(&cell), "r"(0x0123456789abcdefLL), "r"(-1LL) : "memory");
        printf("lr.d=0x%016llx sc.d=%lld sc.d(no reservation)=%lld mem=0x%016llx\n",
               (ull)lrv, sc1, sc2, (ull)cell);
    }
    {
        /* sc to an address other than the reserved one fails; the failed sc also
           drops the reservation, so a following sc to the reserved address fails too */
        static volatile uint64_t cells[2] = {0x00000000000000aaULL, 0x00000000000000bbULL};
        ll lrv, sc1, sc2;
        asm volatile("lr.d %0,(%3)\n\t"
                     "sc.d %1,%5,(%4)\n\t"
                     "sc.d %2,%5,(%3)"
                     : "=&r"(lrv), "=&r"(sc1), "=&r"(sc2)
                     : "r"(&cells[0]), "r"(&cells[1]), "r"(0x5555LL) : "memory");
        printf("lr.d=0x%016llx sc.d(other address)=%lld sc.d(after failed sc)=%lld mem0=0x%016llx mem1=0x%016llx\n",
               (ull)lrv, sc1, sc2, (ull)cells[0], (ull)cells[1]);
    }
    {
        /* a lr/sc retry loop (atomic increment), the way compilers use it */
        static volatile uint32_t ctr = 0xfffffffe;
        ll old, tmp, fail;
        for (int i = 0; i < 3; i++)
            asm volatile("1: lr.w.aq %0,(%3)\n\t"
                         "addiw %1,%0,1\n\t"
                         "sc.w.rl %2,%1,(%3)\n\t"
                         "bnez %2,1b"
                         : "=&r"(old), "=&r"(tmp), "=&r"(fail) : "r"(&ctr) : "memory");
        printf("lr.w.aq/sc.w.rl loop: last old=0x%016llx mem=0x%08x\n", (ull)old, (unsigned)ctr);
    }

    printf("# A: AMOs (old value in rd, then the memory after)\n");
    /* .w AMOs act on the low word of a 64-bit cell; its high word must not change */
#define AMO(op, init, val) do { static volatile uint64_t c_; ll old_, v_ = (ll)(val); c_ = (init); \
    asm volatile(op " %0,%2,(%1)" : "=r"(old_) : "r"(&c_), "r"(v_) : "memory"); \
    printf("%s(mem=0x%016llx,%lld) old=0x%016llx mem=0x%016llx\n", op, (ull)(init), v_, (ull)old_, (ull)c_); } while (0)
    const ull W = 0x5a5a5a5a80000001ULL;   /* low word 0x80000001 (negative as int32) */
    AMO("amoswap.w", W, 0x7fffffff); AMO("amoadd.w", W, 0x7fffffff); AMO("amoadd.w", W, -2);
    AMO("amoxor.w", W, -1); AMO("amoand.w", W, 0xff); AMO("amoor.w", W, 0x10000000);
    AMO("amomin.w", W, 5); AMO("amomax.w", W, 5); AMO("amominu.w", W, 5); AMO("amomaxu.w", W, 5);
    AMO("amomin.w", W, 0x100000005LL); /* only the low 32 bits of rs2 count */
    AMO("amomaxu.w", W, -1);
    const ull D = 0x8000000000000001ULL;
    AMO("amoswap.d", D, 0x7fffffffffffffffLL); AMO("amoadd.d", D, -2); AMO("amoadd.d", D, MAX64);
    AMO("amoxor.d", D, -1); AMO("amoand.d", D, 0xff); AMO("amoor.d", D, 0x10000000);
    AMO("amomin.d", D, 5); AMO("amomax.d", D, 5); AMO("amominu.d", D, 5); AMO("amomaxu.d", D, 5);
    AMO("amomin.d", D, MIN64); AMO("amomaxu.d", D, -1);
    AMO("amoadd.w.aq", 0xffffffffULL, 1); AMO("amoadd.d.rl", 0xffffffffULL, 1);
    AMO("amoswap.w.aqrl", 0x00000000ffffffffULL, 0); AMO("amoor.d.aqrl", 0, MIN64);
    {   /* rd = x0: memory still updated */
        static volatile uint64_t c = 40;
        asm volatile("amoadd.d x0,%1,(%0)" : : "r"(&c), "r"(2LL) : "memory");
        printf("amoadd.d(rd=x0) mem=%llu\n", (ull)c);
    }
    {   /* rd == rs2 */
        static volatile uint64_t c = 7;
        ll v = 100;
        asm volatile("amoswap.d %0,%0,(%1)" : "+r"(v) : "r"(&c) : "memory");
        printf("amoswap.d(rd=rs2) rd=%lld mem=%llu\n", v, (ull)c);
    }
}

int main(void)
{
    divide();
    multiply();
    shifts();
    wforms();
    compares();
    logic();
    upper();
    compressed();
    loads_stores();
    atomics();
    printf("corners done\n");
    return 0;
}

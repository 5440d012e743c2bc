/* gc_threads: a static glibc RV64GC (lp64d) program: POSIX threads, thread-local storage,
 * <math.h>, <fenv.h> rounding modes and exception flags, strtod, printf of doubles, the "C"
 * locale and qsort of doubles. Built by guests/build-glibc.sh with Debian's
 * riscv64-linux-gnu-gcc (-O2 -static -pthread).
 *
 * Everything printed is a function of the computation only (no addresses, times, tids or
 * thread interleavings), so any correct scheduler prints what qemu-riscv64 prints:
 * per-thread results are stored by job index and combined in index order after the joins.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fenv.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ threads */

#define WORKERS 4
#define JOBS 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t started = PTHREAD_COND_INITIALIZER; /* main waits for all workers */
static pthread_cond_t go = PTHREAD_COND_INITIALIZER;      /* workers wait for main */
static int ready, going, next_job;
static double results[JOBS];
static double shared_sum; /* added to under the lock, in whatever order: compared as a set below */
static long shared_ticks;

static __thread int tls_value = 42;
static __thread int tls_jobs;
static pthread_key_t key;
static int destructor_calls; /* under the lock */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_calls;
static pthread_barrier_t barrier;
static pthread_rwlock_t rwlock = PTHREAD_RWLOCK_INITIALIZER;
static int table_version;

static void count_destructor(void *p)
{
    pthread_mutex_lock(&lock);
    destructor_calls += *(int *)p;
    pthread_mutex_unlock(&lock);
    free(p);
}

static void init_once(void) { once_calls++; }

/* A job: a short series with libm calls, the same value whichever thread computes it. */
static double job_value(int j)
{
    double x = 0.0;
    for (int k = 1; k <= 200; k++) x += sin(j * 0.1 + k) / k + sqrt((double)(j + k)) * 1e-3;
    return x;
}

struct worker_result {
    int tls_start; /* tls_value seen when the thread started: 42 in every thread */
    int jobs;      /* how many jobs this thread took */
    int readers;   /* rwlock read sections that saw the final table version */
};

static void *worker(void *arg)
{
    struct worker_result *r = arg;
    r->tls_start = tls_value;
    tls_value = -1; /* must not leak into any other thread */
    pthread_once(&once, init_once);
    int *mine = malloc(sizeof *mine);
    *mine = 1;
    pthread_setspecific(key, mine);

    pthread_mutex_lock(&lock);
    ready++;
    pthread_cond_signal(&started);
    while (!going) pthread_cond_wait(&go, &lock);
    pthread_mutex_unlock(&lock);

    for (;;) {
        pthread_mutex_lock(&lock);
        int j = next_job < JOBS ? next_job++ : -1;
        pthread_mutex_unlock(&lock);
        if (j < 0) break;
        double v = job_value(j);
        results[j] = v;
        tls_jobs++;
        pthread_mutex_lock(&lock);
        shared_sum += v;
        shared_ticks++;
        pthread_mutex_unlock(&lock);
    }
    r->jobs = tls_jobs;

    /* everyone finished computing before anyone reads the table */
    int serial = pthread_barrier_wait(&barrier);
    if (serial == PTHREAD_BARRIER_SERIAL_THREAD) {
        pthread_rwlock_wrlock(&rwlock);
        table_version = 2;
        pthread_rwlock_unlock(&rwlock);
    }
    pthread_barrier_wait(&barrier);
    for (int i = 0; i < 10; i++) {
        pthread_rwlock_rdlock(&rwlock);
        r->readers += table_version == 2;
        pthread_rwlock_unlock(&rwlock);
    }
    return r;
}

static void threads_section(void)
{
    puts("== threads");
    pthread_t t[WORKERS];
    struct worker_result r[WORKERS];
    memset(r, 0, sizeof r);
    pthread_key_create(&key, count_destructor);
    pthread_barrier_init(&barrier, NULL, WORKERS);
    tls_value = 7;
    for (int i = 0; i < WORKERS; i++) {
        if (pthread_create(&t[i], NULL, worker, &r[i]) != 0) {
            puts("pthread_create failed");
            exit(1);
        }
    }
    pthread_mutex_lock(&lock);
    while (ready < WORKERS) pthread_cond_wait(&started, &lock);
    going = 1;
    pthread_cond_broadcast(&go);
    pthread_mutex_unlock(&lock);

    int jobs = 0, tls_ok = 1, readers = 0;
    for (int i = 0; i < WORKERS; i++) {
        void *ret;
        pthread_join(t[i], &ret);
        if (ret != &r[i]) puts("join returned the wrong value");
        jobs += r[i].jobs;
        tls_ok &= r[i].tls_start == 42;
        readers += r[i].readers;
    }
    double sum = 0;
    for (int j = 0; j < JOBS; j++) sum += results[j];
    printf("workers %d, jobs %d (counted in TLS %d, under the lock %ld)\n", WORKERS, JOBS, jobs, shared_ticks);
    printf("sum of results in job order %.17g\n", sum);
    printf("sum under the lock within 1e-12 of it: %s\n", fabs(shared_sum - sum) < 1e-12 ? "yes" : "no");
    printf("result[0] %.17g result[%d] %a\n", results[0], JOBS - 1, results[JOBS - 1]);
    printf("TLS initial value in every thread: %s, main's TLS still %d\n", tls_ok ? "42" : "wrong", tls_value);
    printf("pthread_once ran %d time(s), key destructors %d, readers saw version 2: %d of %d\n", once_calls,
           destructor_calls, readers, WORKERS * 10);
    pthread_barrier_destroy(&barrier);
    pthread_key_delete(key);

    /* a recursive and an error-checking mutex */
    pthread_mutexattr_t a;
    pthread_mutex_t m;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&m, &a);
    int r1 = pthread_mutex_lock(&m), r2 = pthread_mutex_lock(&m), r3 = pthread_mutex_trylock(&m);
    pthread_mutex_unlock(&m), pthread_mutex_unlock(&m), pthread_mutex_unlock(&m);
    pthread_mutex_destroy(&m);
    printf("recursive mutex: lock %d, lock %d, trylock %d\n", r1, r2, r3);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&m, &a);
    pthread_mutex_lock(&m);
    int again = pthread_mutex_lock(&m);
    pthread_mutex_unlock(&m);
    int unlock_unowned = pthread_mutex_unlock(&m);
    printf("error-checking mutex: relock %s, unlock when not owned %s\n", again == EDEADLK ? "EDEADLK" : "?",
           unlock_unowned == EPERM ? "EPERM" : "?");
}

/* ---------------------------------------------------------------- printing */

static void show(const char *what, double x) { printf("%-22s %-26.17g %a\n", what, x, x); }

static void printf_section(void)
{
    puts("== printf of doubles");
    show("0.1", 0.1);
    show("1/3", 1.0 / 3.0);
    show("-0.0", -0.0);
    show("DBL_MAX", DBL_MAX);
    show("DBL_MIN", DBL_MIN);
    show("DBL_TRUE_MIN", DBL_TRUE_MIN);
    show("DBL_EPSILON", DBL_EPSILON);
    show("FLT_MAX (float)", FLT_MAX);
    show("1e23", 1e23);
    printf("%e %f %g %.0f %.0f %.0f %.3e\n", 123456.789, 0.000123, 1e-5, 0.5, 1.5, 2.5, 9.9995e10);
    printf("%10.4f|%-10.2e|%+g|% g|%#g|%#.0f\n", M_PI, -M_E, 1.0, 2.0, 3.0, 4.0);
    printf("inf %f %e %g %a, nan %f %F\n", INFINITY, -INFINITY, HUGE_VAL, -HUGE_VAL, NAN, NAN);
    printf("long double sqrtl(2) %.33Lg\n", sqrtl(2.0L));
    printf("long double 1/3 %La\n", 1.0L / 3.0L);
}

/* ------------------------------------------------------------------- <math.h> */

static void math_section(void)
{
    puts("== <math.h>");
    static const double xs[] = {0.5, 1.0, 2.0, 10.0, -3.75, 1e-300, 700.0, 1e22};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        volatile double x = xs[i];
        printf("x=%g\n", x);
        show("  sin", sin(x));
        show("  cos", cos(x));
        show("  tan", tan(x));
        show("  exp", exp(x));
        show("  log", log(x));
        show("  log2", log2(x));
        show("  pow(x,1.5)", pow(x, 1.5));
        show("  sqrt", sqrt(x));
        show("  atan", atan(x));
        show("  sinh", sinh(x));
        show("  cbrt", cbrt(x));
        show("  sinf (float)", sinf((float)x));
        show("  expf (float)", expf((float)x));
    }
    volatile double t = 0.1, ten = 10.0, one = 1.0;
    show("fma(0.1,10,-1)", fma(t, ten, -one));
    show("0.1*10-1", t * ten - one);
    show("fmaf(0.1f,10,-1)", fmaf((float)t, (float)ten, -(float)one));
    show("hypot(3e300,4e300)", hypot(3e300, 4e300));
    show("atan2(-0.0,-1)", atan2(-0.0, -1.0));
    show("fmod(10.5,3)", fmod(10.5, 3.0));
    show("remainder(10.5,3)", remainder(10.5, 3.0));
    show("nextafter(1,2)", nextafter(1.0, 2.0));
    show("ldexp(1,-1074)", ldexp(1.0, -1074));
    show("copysign(3,-0.0)", copysign(3.0, -0.0));
    show("fmin(-0.0,0.0)", fmin(-0.0, 0.0));
    show("fmax(nan,1)", fmax(NAN, 1.0));
    show("log(-1)", log(-one));
    show("sqrt(-1)", sqrt(-one));
    show("0*inf", 0.0 * (volatile double){INFINITY});
    int e;
    double m = frexp(48.0, &e);
    printf("frexp(48) = %g * 2^%d, ilogb(48) = %d, logb(0x1p-1060) = %g\n", m, e, ilogb(48.0), logb(0x1p-1060));
    static const double rs[] = {2.5, 3.5, -2.5, -0.5, 0.49999999999999994, 1e16 + 1, -7.0};
    for (size_t i = 0; i < sizeof rs / sizeof rs[0]; i++) {
        volatile double x = rs[i];
        printf("%-22.17g floor %g ceil %g round %g trunc %g rint %g nearbyint %g lround %ld llrint %lld\n", x,
               floor(x), ceil(x), round(x), trunc(x), rint(x), nearbyint(x), lround(x), llrint(x));
    }
    printf("isnan %d isinf %d isfinite %d signbit(-0.0) %d fpclassify(DBL_TRUE_MIN)==FP_SUBNORMAL %d\n",
           isnan(NAN), isinf(-INFINITY), isfinite(DBL_MAX), signbit(-0.0) != 0, fpclassify(DBL_TRUE_MIN) == FP_SUBNORMAL);
}

/* ------------------------------------------------------------------- strtod */

static void strtod_section(void)
{
    puts("== strtod");
    static const char *in[] = {"3.14159",   "1e-320",  "0x1.8p3",   "inf",    "-Infinity", "nan",
                               "1e400",     "-1e-400", "2.2250738585072011e-308", "  12abc", "0.1e1x", ".",
                               "4.9e-324",  "1.7976931348623158e308", "1.7976931348623159e308", "-0"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        char *end;
        errno = 0;
        double d = strtod(in[i], &end);
        int err = errno;
        printf("%-26s -> %-24.17g %-24a used %2d%s\n", in[i], d, d, (int)(end - in[i]), err == ERANGE ? " ERANGE" : "");
    }
    char *end;
    float f = strtof("16777217", &end);
    printf("strtof(16777217) = %.9g %a\n", f, f);
    long double ld = strtold("0.1", &end);
    printf("strtold(0.1) = %.36Lg\n", ld);
    printf("atof(\"2.5e-3\") = %g, strtol(\"-0x1F\", 0) = %ld\n", atof("2.5e-3"), strtol("-0x1F", NULL, 0));
}

/* --------------------------------------------------------------------- fenv */

static const char *mode_name(int m)
{
    switch (m) {
    case FE_TONEAREST: return "FE_TONEAREST";
    case FE_UPWARD: return "FE_UPWARD";
    case FE_DOWNWARD: return "FE_DOWNWARD";
    case FE_TOWARDZERO: return "FE_TOWARDZERO";
    default: return "?";
    }
}

static void flags(const char *what)
{
    int f = fetestexcept(FE_ALL_EXCEPT);
    printf("  %-24s flags:%s%s%s%s%s%s\n", what, f & FE_INVALID ? " INVALID" : "", f & FE_DIVBYZERO ? " DIVBYZERO" : "",
           f & FE_OVERFLOW ? " OVERFLOW" : "", f & FE_UNDERFLOW ? " UNDERFLOW" : "", f & FE_INEXACT ? " INEXACT" : "",
           f ? "" : " none");
    feclearexcept(FE_ALL_EXCEPT);
}

static void fenv_section(void)
{
    puts("== <fenv.h> rounding modes");
    static const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
    for (int i = 0; i < 4; i++) {
        int set = fesetround(modes[i]);
        volatile double one = 1.0, three = 3.0, two = 2.0, big = 1e308, tiny = 0x1p-1074, x = 2.5, y = -2.5;
        volatile float fone = 1.0f, fthree = 3.0f;
        printf("%s (fesetround %d, fegetround %s)\n", mode_name(modes[i]), set, mode_name(fegetround()));
        printf("  1/3      %a\n", one / three);
        printf("  -1/3     %a\n", -one / three);
        printf("  1f/3f    %a\n", (double)(fone / fthree));
        printf("  sqrt(2)  %a\n", sqrt(two));
        printf("  fma      %a\n", fma(one / three, three, -one));
        printf("  (float)(1/3) %a\n", (double)(float)(one / three));
        printf("  big*10   %g   -big*10 %g\n", big * 10.0, -big * 10.0);
        printf("  tiny/2   %a   -tiny/2 %a\n", tiny / 2.0, -tiny / 2.0);
        printf("  rint(2.5) %g rint(-2.5) %g lrint(-1.5) %ld nearbyint(0.5) %g\n", rint(x), rint(y), lrint(-1.5 + 0 * x),
               nearbyint(0.5 + 0 * x));
        printf("  printf %%.2f of 2.675 %.2f, of -0.125 %.2f, %%.0f of 0.5 %.0f\n", 2.675, -0.125, 0.5);
        printf("  strtod(\"0.1\") %a\n", strtod("0.1", NULL));
        printf("  (long)(x+0.7) %ld, (int)-2.9 %d\n", (long)(x + 0.7), (int)(y - 0.4));
    }
    fesetround(FE_TONEAREST);
    puts("== <fenv.h> exception flags");
    feclearexcept(FE_ALL_EXCEPT);
    volatile double zero = 0.0, one = 1.0, big = 1e308, small = DBL_MIN, three = 3.0, m1 = -1.0;
    flags("nothing");
    volatile double r;
    r = one / zero;
    flags("1/0");
    r = zero / zero;
    flags("0/0");
    r = big * 10.0;
    flags("1e308*10");
    r = small / three;
    flags("DBL_MIN/3");
    r = one / three;
    flags("1/3");
    r = one + one;
    flags("1+1");
    r = sqrt(m1);
    flags("sqrt(-1)");
    volatile long l = (long)(big * 0 + 1e19);
    (void)l;
    flags("(long)1e19");
    feraiseexcept(FE_OVERFLOW | FE_INEXACT);
    flags("feraiseexcept(OF|NX)");
    fenv_t env;
    fegetenv(&env);
    fesetround(FE_UPWARD);
    r = one / three;
    fesetenv(&env);
    printf("  after fesetenv: %s, flags %s\n", mode_name(fegetround()), fetestexcept(FE_ALL_EXCEPT) ? "set" : "clear");
    (void)r;
}

/* ------------------------------------------------------------------- locale */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    if (x < y) return -1;
    if (x > y) return 1;
    return signbit(y) - signbit(x) ? (signbit(x) ? -1 : 1) : 0; /* -0.0 before 0.0 */
}

static void locale_section(void)
{
    puts("== locale \"C\"");
    printf("setlocale(LC_ALL, NULL) = %s\n", setlocale(LC_ALL, NULL));
    printf("setlocale(LC_ALL, \"C\") = %s\n", setlocale(LC_ALL, "C"));
    printf("setlocale(LC_ALL, \"POSIX\") = %s\n", setlocale(LC_ALL, "POSIX"));
    printf("setlocale(LC_ALL, \"\") with no LANG/LC_* = %s\n", setlocale(LC_ALL, ""));
    printf("setlocale(LC_NUMERIC, NULL) = %s\n", setlocale(LC_NUMERIC, NULL));
    struct lconv *lc = localeconv();
    printf("decimal_point \"%s\" thousands_sep \"%s\"\n", lc->decimal_point, lc->thousands_sep);
    int alpha = 0, digit = 0, space = 0, punct = 0, upper = 0, print = 0;
    for (int c = 0; c < 256; c++) {
        alpha += isalpha(c) != 0, digit += isdigit(c) != 0, space += isspace(c) != 0;
        punct += ispunct(c) != 0, upper += isupper(c) != 0, print += isprint(c) != 0;
    }
    printf("of 0..255: alpha %d digit %d space %d punct %d upper %d print %d\n", alpha, digit, space, punct, upper, print);
    printf("toupper('q') %c tolower('Q') %c isalpha(0xe9) %d\n", toupper('q'), tolower('Q'), isalpha(0xe9) != 0);
    const char *words[] = {"banana", "Apple", "apple", "cherry", "_under", "Zebra", "10", "9"};
    int n = sizeof words / sizeof words[0];
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcoll(words[j], words[i]) < 0) {
                const char *t = words[i];
                words[i] = words[j], words[j] = t;
            }
    printf("strcoll order:");
    for (int i = 0; i < n; i++) printf(" %s", words[i]);
    printf("\nstrcoll(\"abc\",\"abd\") < 0: %d, strxfrm length of \"hello\": %zu\n", strcoll("abc", "abd") < 0,
           strxfrm(NULL, "hello", 0));

    puts("== qsort of doubles");
    double v[] = {3.5, -1.25, 0.0, -0.0, 1e-310, -INFINITY, 2.0, INFINITY, 1e300, -7.5, 0.1, 1.0 / 3.0, -1e-310, 42.0};
    size_t nv = sizeof v / sizeof v[0];
    qsort(v, nv, sizeof v[0], cmp_double);
    for (size_t i = 0; i < nv; i++) printf("%g%s", v[i], i + 1 < nv ? " " : "\n");
    double big[1000];
    uint64_t s = 12345;
    for (int i = 0; i < 1000; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        big[i] = ldexp((double)(s >> 11), -53) * 2000.0 - 1000.0;
    }
    qsort(big, 1000, sizeof big[0], cmp_double);
    int sorted = 1;
    for (int i = 1; i < 1000; i++) sorted &= big[i - 1] <= big[i];
    printf("1000 pseudo-random doubles sorted: %s, min %.17g max %.17g median %.17g\n", sorted ? "yes" : "no", big[0],
           big[999], (big[499] + big[500]) / 2);
}

int main(void)
{
    threads_section();
    printf_section();
    math_section();
    strtod_section();
    fenv_section();
    locale_section();
    fprintf(stderr, "gc_threads: done\n");
    return 0;
}

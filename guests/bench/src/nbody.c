/* nbody: an RV64GC floating-point kernel for `npm run bench` (built by guests/bench/build.sh
 * with Debian's riscv64-linux-gnu-gcc -O2 -static, lp64d). `nbody [STEPS]` (default 200000):
 * the Computer Language Benchmarks Game's n-body simulation (five Jovian planets,
 * symplectic Euler, double precision: fadd/fmul/fmadd/fdiv/fsqrt.d), then a 100x100
 * double-precision matrix product and a Horner-evaluated polynomial over a float array
 * (single precision). Prints rounded energies and checksums only, so the output is the
 * same on every machine and can be compared with qemu-riscv64's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24
#define NBODIES 5

struct body {
    double x, y, z, vx, vy, vz, mass;
};

static struct body bodies[NBODIES] = {
    {0, 0, 0, 0, 0, 0, SOLAR_MASS},
    {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01, 1.66007664274403694e-03 * DAYS_PER_YEAR,
     7.69901118419740425e-03 * DAYS_PER_YEAR, -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS},
    {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01, -2.76742510726862411e-03 * DAYS_PER_YEAR,
     4.99852801234917238e-03 * DAYS_PER_YEAR, 2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS},
    {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01, 2.96460137564761618e-03 * DAYS_PER_YEAR,
     2.37847173959480950e-03 * DAYS_PER_YEAR, -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS},
    {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01, 2.68067772490389322e-03 * DAYS_PER_YEAR,
     1.62824170038242295e-03 * DAYS_PER_YEAR, -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS},
};

static void advance(double dt)
{
    for (int i = 0; i < NBODIES; i++) {
        struct body *bi = &bodies[i];
        for (int j = i + 1; j < NBODIES; j++) {
            struct body *bj = &bodies[j];
            double dx = bi->x - bj->x, dy = bi->y - bj->y, dz = bi->z - bj->z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            bi->vx -= dx * bj->mass * mag, bi->vy -= dy * bj->mass * mag, bi->vz -= dz * bj->mass * mag;
            bj->vx += dx * bi->mass * mag, bj->vy += dy * bi->mass * mag, bj->vz += dz * bi->mass * mag;
        }
    }
    for (int i = 0; i < NBODIES; i++) {
        struct body *b = &bodies[i];
        b->x += dt * b->vx, b->y += dt * b->vy, b->z += dt * b->vz;
    }
}

static double energy(void)
{
    double e = 0;
    for (int i = 0; i < NBODIES; i++) {
        struct body *bi = &bodies[i];
        e += 0.5 * bi->mass * (bi->vx * bi->vx + bi->vy * bi->vy + bi->vz * bi->vz);
        for (int j = i + 1; j < NBODIES; j++) {
            struct body *bj = &bodies[j];
            double dx = bi->x - bj->x, dy = bi->y - bj->y, dz = bi->z - bj->z;
            e -= bi->mass * bj->mass / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

#define M 100
static double a[M][M], b[M][M], c[M][M];
static float poly_in[4096];

int main(int argc, char **argv)
{
    long steps = argc > 1 ? atol(argv[1]) : 200000;
    double px = 0, py = 0, pz = 0;
    for (int i = 0; i < NBODIES; i++)
        px += bodies[i].vx * bodies[i].mass, py += bodies[i].vy * bodies[i].mass, pz += bodies[i].vz * bodies[i].mass;
    bodies[0].vx = -px / SOLAR_MASS, bodies[0].vy = -py / SOLAR_MASS, bodies[0].vz = -pz / SOLAR_MASS;
    printf("nbody %ld steps: %.9f", steps, energy());
    for (long s = 0; s < steps; s++) advance(0.01);
    printf(" -> %.9f\n", energy());

    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) a[i][j] = sin(i + 0.5 * j), b[i][j] = cos(0.25 * i - j) / (1 + i + j);
    for (int rep = 0; rep < (int)(steps / 20000) + 1; rep++)
        for (int i = 0; i < M; i++)
            for (int j = 0; j < M; j++) {
                double s = 0;
                for (int k = 0; k < M; k++) s += a[i][k] * b[k][j];
                c[i][j] = s + 1e-3 * c[i][j];
            }
    double trace = 0;
    for (int i = 0; i < M; i++) trace += c[i][i];
    printf("matrix %dx%d trace %.9e\n", M, M, trace);

    for (int i = 0; i < 4096; i++) poly_in[i] = (float)i / 4096.0f - 0.5f;
    float acc = 0;
    for (int rep = 0; rep < (int)(steps / 2000) + 1; rep++)
        for (int i = 0; i < 4096; i++) {
            float x = poly_in[i];
            acc += ((((0.1f * x + 0.2f) * x - 0.3f) * x + 0.4f) * x - 0.5f) * x + 0.6f;
        }
    printf("float polynomial sum %.6e\n", acc);
    return 0;
}

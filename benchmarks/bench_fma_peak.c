/* bench_fma_peak — the fp32 FMA peak of one core, measured, as the denominator of the
 * trainer's "fraction of peak" (bench_train's GFLOP/s divided by this).
 *
 * Runs chains of independent fused multiply-adds (12 accumulators for 256 bits: 16 ymm
 * registers in all; 16 for 512 bits: 32 zmm registers; either covers the FMA latency x the FMA
 * pipes of current x86 cores, 4 x 2 on Zen 4) on 256-bit (AVX2 + FMA) and, where the CPU has
 * it, 512-bit (AVX-512F) vectors, single-threaded, and prints the median GFLOP/s over reps
 * (2 FLOP per FMA lane) next to the nominal peak: MHz from /proc/cpuinfo x lanes x 2 x FMA pipes
 * (FMA_PIPES, default 2: AMD Zen 2-5 and Intel since Haswell have two; on Zen 4 a 512-bit FMA
 * occupies both 256-bit pipes, so AVX-512 does not double it there). The MHz there is the base
 * clock a VM reports; a core that boosts measures above "nominal": the measured figure is the peak.
 * It is also given per second of the thread's CPU time (the wall clock counts the time other
 * processes hold the core), the denominator for bench_train's per-CPU-second rates.
 *
 * Usage: bench_fma_peak [iterations [reps]]   (defaults 20,000,000 and 7)
 * Memory: none beyond the stack. No -ffast-math: the kernels use intrinsics, per-function targets.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, CLOCK_THREAD_CPUTIME_ID */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/progress.h"

#define ACC256 12
#define ACC512 16

__attribute__((target("avx2,fma"))) static float run256(size_t iters)
{
    enum { ACC = ACC256 };
    __m256 acc[ACC];
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (int k = 0; k < ACC; k++)
        acc[k] = _mm256_set1_ps((float)k);
    for (size_t i = 0; i < iters; i++)
#pragma GCC unroll 16 /* the accumulators must live in registers */
        for (int k = 0; k < ACC; k++)
            acc[k] = _mm256_fmadd_ps(acc[k], a, b);
    __m256 s = acc[0];
    for (int k = 1; k < ACC; k++)
        s = _mm256_add_ps(s, acc[k]);
    float out[8];
    _mm256_storeu_ps(out, s);
    return out[0];
}

__attribute__((target("avx512f"))) static float run512(size_t iters)
{
    enum { ACC = ACC512 };
    __m512 acc[ACC];
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (int k = 0; k < ACC; k++)
        acc[k] = _mm512_set1_ps((float)k);
    for (size_t i = 0; i < iters; i++)
#pragma GCC unroll 16
        for (int k = 0; k < ACC; k++)
            acc[k] = _mm512_fmadd_ps(acc[k], a, b);
    __m512 s = acc[0]; /* every chain feeds the result, or the compiler drops it */
    for (int k = 1; k < ACC; k++)
        s = _mm512_add_ps(s, acc[k]);
    return _mm512_reduce_add_ps(s);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu_mhz(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    double mhz = 0.0;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "cpu MHz", 7) == 0 && sscanf(strchr(line, ':') + 1, "%lf", &mhz) == 1)
            break;
    if (f)
        fclose(f);
    return mhz;
}

static void measure(const char *name, int lanes, int acc, float (*run)(size_t), size_t iters, size_t reps, double mhz,
                    int pipes, int pipes_per_op)
{
    double g[99], gc[99];
    volatile float sink = run(iters / 10); /* warm-up (clock ramp) */
    for (size_t r = 0; r < reps; r++) {
        double t0 = progress_now(), c0 = cpu_now();
        sink += run(iters);
        double dt = progress_now() - t0, dc = cpu_now() - c0;
        g[r] = (double)iters * acc * lanes * 2.0 / dt * 1e-9;
        gc[r] = (double)iters * acc * lanes * 2.0 / dc * 1e-9;
    }
    (void)sink;
    qsort(g, reps, sizeof g[0], cmp_double);
    qsort(gc, reps, sizeof gc[0], cmp_double);
    double nominal = mhz * 1e-3 * lanes * 2.0 * pipes / pipes_per_op;
    printf("%-8s %6.1f GFLOP/s measured (median of %zu; min %.1f, max %.1f); %.1f per CPU second; "
           "nominal %.1f GFLOP/s (%.0f MHz x %d lanes x 2 x %d FMA/cycle)\n",
           name, g[reps / 2], reps, g[0], g[reps - 1], gc[reps / 2], nominal, mhz, lanes,
           pipes / pipes_per_op);
}

int main(int argc, char **argv)
{
    size_t iters = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 20000000;
    size_t reps = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 7;
    const char *p = getenv("FMA_PIPES");
    int pipes = p ? atoi(p) : 2;
    if (iters == 0 || reps == 0 || reps > 99 || pipes < 1) {
        fprintf(stderr, "usage: bench_fma_peak [iterations [reps <= 99]]\n");
        return 2;
    }
    double mhz = cpu_mhz();
    __builtin_cpu_init();
    printf("bench_fma_peak: one thread, independent FMA chains, %zu iterations x %zu reps\n", iters, reps);
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        measure("avx2+fma", 8, ACC256, run256, iters, reps, mhz, pipes, 1);
    if (__builtin_cpu_supports("avx512f"))
        measure("avx512f", 16, ACC512, run512, iters / 2, reps, mhz, pipes, 2);
    return 0;
}

/*
 * pg_quickbench.c - a rough timing of the native path, not a test:
 * sgemm 512x512x512 through pg_gemm with 1 and 2 OpenBLAS threads, and elementwise add / relu
 * at 1e3, 1e5, 1e6 elements. Best of several repetitions, after a warm-up.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime under strict C11 */
#include "panagrad.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static float *filled(int64_t n) {
    float *p = malloc((size_t)n * sizeof *p);
    if (!p) exit(2);
    for (int64_t i = 0; i < n; i++) p[i] = (float)((i * 7919) % 1000) / 500.0f - 1.0f;
    return p;
}

/* Best time of one call, each sample timing enough calls to last about 20 ms. */
#define BEST_SECONDS(call, out_best)                                          \
    do {                                                                      \
        long reps = 1;                                                        \
        for (;;) {                                                            \
            double t0 = now();                                                \
            for (long r_ = 0; r_ < reps; r_++) call;                          \
            if (now() - t0 > 0.02) break;                                     \
            reps *= 2;                                                        \
        }                                                                     \
        out_best = 1e30;                                                      \
        for (int s_ = 0; s_ < 7; s_++) {                                      \
            double t0 = now();                                                \
            for (long r_ = 0; r_ < reps; r_++) call;                          \
            double t = (now() - t0) / (double)reps;                           \
            if (t < out_best) out_best = t;                                   \
        }                                                                     \
    } while (0)

int main(void) {
    printf("%s\n", pg_runtime_blas_info());
    const int64_t n = 512;
    float *a = filled(n * n), *b = filled(n * n), *c = filled(n * n);
    for (int threads = 1; threads <= 2; threads++) {
        pg_runtime_set_threads(threads);
        double best;
        BEST_SECONDS(pg_gemm(0, 0, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n), best);
        printf("sgemm 512x512x512, %d thread%s: %8.3f ms  %6.1f GFLOP/s\n", threads, threads > 1 ? "s" : " ",
               best * 1e3, 2.0 * n * n * n / best * 1e-9);
    }
    free(a), free(b), free(c);

    static const int64_t sizes[] = {1000, 100000, 1000000};
    for (int s = 0; s < 3; s++) {
        int64_t len = sizes[s];
        float *x = filled(len), *y = filled(len), *out = filled(len);
        double add, relu;
        BEST_SECONDS(pg_elementwise_add(len, x, y, out), add);
        BEST_SECONDS(pg_elementwise_relu(len, x, out), relu);
        printf("n = %8lld   add %9.3f us (%5.2f GB/s)   relu %9.3f us (%5.2f GB/s)\n", (long long)len, add * 1e6,
               12.0 * (double)len / add * 1e-9, relu * 1e6, 8.0 * (double)len / relu * 1e-9);
        free(x), free(y), free(out);
    }
    return 0;
}

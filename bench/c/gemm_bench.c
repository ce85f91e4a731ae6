/*
 * gemm_bench: times cblas_sgemm on the GEMM shapes of panagrad's JMH GemmBench (same names, transposes and
 * thread count), each call timed on its own like JMH's sample mode, and prints one JSON document:
 *
 *   {"openblas": "...", "threads": 1, "results": [{"name": "gemm_512x512x512", "m": 512, "n": 512, "k": 512,
 *     "transA": false, "transB": false, "median_us": ..., "p10_us": ..., "p90_us": ..., "samples": ..., "gflops": ...}]}
 *
 * Usage: gemm_bench [--threads N] [--quick] [--seconds S] [--only NAME]
 * Row-major C = op(A) * op(B), alpha 1, beta 0, as panagrad's gemm kernel calls it.
 */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    char name[64];
    int m, n, k, ta, tb;
} shape_t;

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank quantile of sorted samples (q in [0,1]), linearly interpolated like JMH's percentiles. */
static double quantile(const double *s, size_t n, double q) {
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)pos;
    if (lo + 1 >= n) return s[n - 1];
    return s[lo] + (pos - (double)lo) * (s[lo + 1] - s[lo]);
}

static float *alloc_random(size_t count, unsigned *seed) {
    float *p = aligned_alloc(64, ((count * sizeof(float) + 63) / 64) * 64);
    if (!p) {
        fprintf(stderr, "gemm_bench: out of memory allocating %zu floats\n", count);
        exit(2);
    }
    for (size_t i = 0; i < count; i++) {
        *seed = *seed * 1103515245u + 12345u;
        p[i] = (float)((*seed >> 8) & 0xffff) / 32768.0f - 1.0f;
    }
    return p;
}

/* The MLP 784-128-64-10 at a batch: forward y = x W^T, backward dx = dy W and dW = dy^T x, per layer. */
static int mlp_shapes(shape_t *out, int batch) {
    static const int dims[3][2] = {{784, 128}, {128, 64}, {64, 10}};
    int c = 0;
    for (int i = 0; i < 3; i++) {
        int fin = dims[i][0], fout = dims[i][1];
        shape_t f = {"", batch, fout, fin, 0, 1};
        snprintf(f.name, sizeof f.name, "gemm_mlp%d_fwd_b%d", i + 1, batch);
        shape_t dx = {"", batch, fin, fout, 0, 0};
        snprintf(dx.name, sizeof dx.name, "gemm_mlp%d_dx_b%d", i + 1, batch);
        shape_t dw = {"", fout, fin, batch, 1, 0};
        snprintf(dw.name, sizeof dw.name, "gemm_mlp%d_dw_b%d", i + 1, batch);
        out[c++] = f;
        out[c++] = dx;
        out[c++] = dw;
    }
    return c;
}

int main(int argc, char **argv) {
    int threads = 1, quick = 0;
    double seconds = -1;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--quick")) quick = 1;
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = atof(argv[++i]);
        else if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--threads N] [--quick] [--seconds S] [--only NAME]\n", argv[0]);
            return 2;
        }
    }
    if (threads < 1) {
        fprintf(stderr, "gemm_bench: --threads must be >= 1, got %d\n", threads);
        return 2;
    }
    if (seconds <= 0) seconds = quick ? 0.4 : 1.5;
    openblas_set_num_threads(threads);

    shape_t shapes[32];
    int count = 0;
    static const int squares[] = {128, 256, 512, 1024};
    for (int i = 0; i < (quick ? 3 : 4); i++) {
        shape_t s = {"", squares[i], squares[i], squares[i], 0, 0};
        snprintf(s.name, sizeof s.name, "gemm_%dx%dx%d", squares[i], squares[i], squares[i]);
        shapes[count++] = s;
    }
    count += mlp_shapes(shapes + count, 64);
    if (!quick) count += mlp_shapes(shapes + count, 256);

    size_t cap = 200000;
    double *samples = malloc(cap * sizeof(double));
    unsigned seed = 42;
    printf("{\"openblas\": \"%s\", \"threads\": %d, \"results\": [", openblas_get_config(), threads);
    int printed = 0;
    for (int s = 0; s < count; s++) {
        shape_t sh = shapes[s];
        if (only && strcmp(only, sh.name)) continue;
        float *a = alloc_random((size_t)sh.m * sh.k, &seed);
        float *b = alloc_random((size_t)sh.k * sh.n, &seed);
        float *c = alloc_random((size_t)sh.m * sh.n, &seed);
        /* Stored shapes: A is [m,k] or, transposed, [k,m]; B is [k,n] or [n,k]. */
        int lda = sh.ta ? sh.m : sh.k, ldb = sh.tb ? sh.k : sh.n, ldc = sh.n;
        enum CBLAS_TRANSPOSE ta = sh.ta ? CblasTrans : CblasNoTrans, tb = sh.tb ? CblasTrans : CblasNoTrans;
        double warm_end = now_us() + seconds * 0.3e6;
        do {
            cblas_sgemm(CblasRowMajor, ta, tb, sh.m, sh.n, sh.k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
        } while (now_us() < warm_end);
        size_t n = 0;
        double end = now_us() + seconds * 1e6;
        while ((n < 10 || now_us() < end) && n < cap) {
            double t0 = now_us();
            cblas_sgemm(CblasRowMajor, ta, tb, sh.m, sh.n, sh.k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
            samples[n++] = now_us() - t0;
        }
        qsort(samples, n, sizeof(double), cmp_double);
        double med = quantile(samples, n, 0.5);
        double gflops = 2.0 * sh.m * sh.n * sh.k / (med * 1e3);
        printf("%s\n  {\"name\": \"%s\", \"m\": %d, \"n\": %d, \"k\": %d, \"transA\": %s, \"transB\": %s, "
               "\"median_us\": %.4f, \"p10_us\": %.4f, \"p90_us\": %.4f, \"samples\": %zu, \"gflops\": %.3f}",
               printed++ ? "," : "", sh.name, sh.m, sh.n, sh.k, sh.ta ? "true" : "false", sh.tb ? "true" : "false",
               med, quantile(samples, n, 0.1), quantile(samples, n, 0.9), n, gflops);
        fprintf(stderr, "  C %s: %.2f us (%.1f GFLOP/s)\n", sh.name, med, gflops);
        free(a);
        free(b);
        free(c);
    }
    printf("\n]}\n");
    free(samples);
    return 0;
}

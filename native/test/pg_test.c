/*
 * pg_test.c - every kernel of panagrad.h against a straightforward double-precision reference, on
 * random inputs of random and edge-case sizes (0, 1, odd, vector-width +-1, >= 1e5 elements),
 * in place where the header allows aliasing, plus the special values the header promises
 * (sigmoid(+-1000), log clamps, NaN in C with beta == 0, ...).
 *
 * Buffers are malloc'ed at their exact size so that the sanitizer build catches any access
 * outside them. Exit status: 0 when every check passed.
 */
#include "pg_internal.h" /* panagrad.h, plus the scalar math helpers to test them directly */

#include <float.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- harness -------------------------------------------------------------------------------- */

static int checks, failures;
static char ctx[256]; /* what is being tested, printed with a failure */

static void context(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx, sizeof ctx, fmt, ap);
    va_end(ap);
}

static void expect(int ok, const char *fmt, ...) {
    checks++;
    if (ok) return;
    failures++;
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL [%s] ", ctx);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint64_t next_u64(void) {
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1Dull;
}

static float uniform(float lo, float hi) {
    return lo + (hi - lo) * (float)((next_u64() >> 40) * 0x1p-24);
}

static int64_t rand_int(int64_t lo, int64_t hi) { /* inclusive */
    return lo + (int64_t)(next_u64() % (uint64_t)(hi - lo + 1));
}

static void *xmalloc(size_t bytes) {
    void *p = malloc(bytes);
    if (!p && bytes) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

static float *falloc(int64_t n) { return xmalloc((size_t)n * sizeof(float)); }
static double *dalloc(int64_t n) { return xmalloc((size_t)n * sizeof(double)); }

static float *frand(int64_t n, float lo, float hi) {
    float *p = falloc(n);
    for (int64_t i = 0; i < n; i++) p[i] = uniform(lo, hi);
    return p;
}

static float *fcopy(int64_t n, const float *x) {
    float *p = falloc(n);
    if (n) memcpy(p, x, (size_t)n * sizeof *p);
    return p;
}

static float *labels_rand(int64_t rows, int64_t classes) {
    float *l = falloc(rows);
    for (int64_t r = 0; r < rows; r++) l[r] = (float)rand_int(0, classes - 1);
    return l;
}

/*
 * got[i] must be within rtol * mag[i] of ref[i], where mag bounds the size of the terms the value
 * was computed from (for a plain value, |ref|); NaN must match NaN and infinities must be exact.
 */
static void expect_close_mag(const char *what, int64_t n, const float *got, const double *ref,
                             const double *mag, double rtol) {
    int64_t bad = 0, first = -1;
    for (int64_t i = 0; i < n; i++) {
        double g = got[i], r = ref[i];
        int ok;
        if (isnan(r)) ok = isnan(g);
        else if (isinf(r) || isinf(g)) ok = g == r;
        else ok = fabs(g - r) <= rtol * (mag ? mag[i] : fabs(r)) + 1e-37; /* + slack for subnormals */
        if (!ok && bad++ == 0) first = i;
    }
    expect(bad == 0, "%s: %lld of %lld differ; first at %lld: got %.9g, want %.9g", what, (long long)bad,
           (long long)n, (long long)first, first >= 0 ? (double)got[first] : 0.0, first >= 0 ? ref[first] : 0.0);
}

static void expect_close(const char *what, int64_t n, const float *got, const double *ref, double rtol) {
    expect_close_mag(what, n, got, ref, NULL, rtol);
}

static void expect_exact(const char *what, int64_t n, const float *got, const float *want) {
    int64_t bad = 0, first = -1;
    for (int64_t i = 0; i < n; i++) {
        int same = got[i] == want[i] || (isnan(got[i]) && isnan(want[i]));
        if (!same && bad++ == 0) first = i;
    }
    expect(bad == 0, "%s: %lld of %lld differ; first at %lld: got %.9g, want %.9g", what, (long long)bad,
           (long long)n, (long long)first, first >= 0 ? (double)got[first] : 0.0,
           first >= 0 ? (double)want[first] : 0.0);
}

/* Sizes of 1-D kernels: empty, tiny, around SIMD widths, odd, and one >= 1e5. */
static const int64_t sizes[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 257, 1000, 4099, 100003};
#define NSIZES ((int)(sizeof sizes / sizeof sizes[0]))

/* Shapes [outer, n, inner] of axis kernels: last axis, strided axis, block boundaries (128/256),
 * size-1 axes, empty, large ones, and short rows around the lengths where kernels switch to
 * transposed groups of 8 rows (8, 16, 32, 64), with partial groups. */
static const int64_t shapes[][3] = {
    {1, 1, 1}, {3, 5, 1}, {2, 7, 3}, {4, 1, 5}, {1, 1, 9}, {0, 4, 3}, {2, 3, 0}, {64, 10, 1},
    {5, 1000, 1}, {2, 33, 129}, {2, 17, 257}, {1, 100003, 1}, {3, 3, 40000}, {7, 31, 2},
    {13, 7, 1}, {13, 15, 1}, {11, 16, 1}, {13, 31, 1}, {9, 32, 1}, {9, 33, 1}, {17, 64, 1},
};
#define NSHAPES ((int)(sizeof shapes / sizeof shapes[0]))

static double ulps(float got, double ref) {
    if (isnan(ref)) return isnan(got) ? 0.0 : INFINITY;
    float rf = (float)ref;
    if (isinf(rf)) return got == rf ? 0.0 : INFINITY;
    double unit = fabs(ref) < FLT_MIN ? 0x1p-149 : ldexp(1.0, ilogb(rf) - 23);
    return fabs((double)got - ref) / unit;
}

static float bits_float(uint32_t u) { return pg_bits_to_float(u); }

/* ---- runtime -------------------------------------------------------------------------------- */

static void test_runtime(void) {
    context("runtime");
    expect(pg_runtime_version() == 2, "version %d", pg_runtime_version());
    int before = pg_runtime_threads();
    pg_runtime_set_threads(1);
    expect(pg_runtime_threads() == 1, "threads after set(1): %d", pg_runtime_threads());
    pg_runtime_set_threads(before);
    expect(pg_runtime_threads() == before, "threads restored: %d != %d", pg_runtime_threads(), before);
    const char *info = pg_runtime_blas_info();
    expect(info && strstr(info, "OpenBLAS") != NULL && pg_runtime_blas_info() == info, "blas info '%s'",
           info ? info : "(null)");
}

/* ---- gemm ----------------------------------------------------------------------------------- */

/* Element (r, c) of op(X), X stored row-major with row stride ld. */
static double op_at(const float *x, int64_t ld, int trans, int64_t r, int64_t c) {
    return trans ? x[c * ld + r] : x[r * ld + c];
}

static void gemm_case(int ta, int tb, int64_t m, int64_t n, int64_t k, float alpha, float beta, int pad) {
    context("gemm ta=%d tb=%d m=%lld n=%lld k=%lld alpha=%g beta=%g pad=%d", ta, tb, (long long)m, (long long)n,
            (long long)k, alpha, beta, pad);
    /* Stored shapes: A is [m,k] or [k,m], B is [k,n] or [n,k]; row strides padded by pad. */
    int64_t a_rows = ta ? k : m, a_cols = ta ? m : k, b_rows = tb ? n : k, b_cols = tb ? k : n;
    int64_t lda = a_cols + pad, ldb = b_cols + pad, ldc = n + pad;
    if (lda < 1) lda = 1;
    if (ldb < 1) ldb = 1;
    if (ldc < 1) ldc = 1;
    /* Padding holds NaN in A and B (it must not be read) and a sentinel in C (it must not be written). */
    float *a = frand(a_rows * lda, -1, 1), *b = frand(b_rows * ldb, -1, 1), *c = frand(m * ldc, -1, 1);
    for (int64_t r = 0; r < a_rows; r++)
        for (int64_t j = a_cols; j < lda; j++) a[r * lda + j] = NAN;
    for (int64_t r = 0; r < b_rows; r++)
        for (int64_t j = b_cols; j < ldb; j++) b[r * ldb + j] = NAN;
    for (int64_t r = 0; r < m; r++)
        for (int64_t j = n; j < ldc; j++) c[r * ldc + j] = 12345.0f;
    if (beta == 0.0f)
        for (int64_t r = 0; r < m; r++)
            for (int64_t j = 0; j < n; j++) c[r * ldc + j] = NAN; /* must not be read */
    if (alpha == 0.0f && a_rows * a_cols > 0) a[0] = NAN;        /* A is not referenced when alpha == 0 */
    double *ref = dalloc(m * ldc), *mag = dalloc(m * ldc);
    for (int64_t r = 0; r < m; r++)
        for (int64_t j = 0; j < ldc; j++) {
            int64_t at = r * ldc + j;
            if (j >= n) {
                ref[at] = c[at];
                mag[at] = 0;
                continue;
            }
            double s = 0, sa = 0;
            if (alpha != 0.0f)
                for (int64_t l = 0; l < k; l++) {
                    double t = op_at(a, lda, ta, r, l) * op_at(b, ldb, tb, l, j);
                    s += t;
                    sa += fabs(t);
                }
            double cb = beta == 0.0f ? 0.0 : (double)beta * c[at];
            ref[at] = alpha * s + cb;
            mag[at] = fabs(alpha) * sa + fabs(cb);
        }
    pg_gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    expect_close_mag("C", m * ldc, c, ref, mag, 1e-5);
    free(a), free(b), free(c), free(ref), free(mag);
}

static void test_gemm(void) {
    static const int64_t dims[][3] = {
        {0, 3, 4}, {3, 0, 4}, {3, 4, 0}, {1, 1, 1}, {2, 3, 4}, {17, 33, 9}, {64, 1, 128},
        {1, 64, 128}, {129, 67, 250}, {300, 200, 100},
    };
    static const float ab[][2] = {{1, 0}, {0.5f, 2}, {-1.5f, 1}, {0, 0.5f}, {2, -0.25f}};
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++)
            for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++)
                for (size_t s = 0; s < sizeof ab / sizeof ab[0]; s++)
                    gemm_case(ta, tb, dims[d][0], dims[d][1], dims[d][2], ab[s][0], ab[s][1], (int)((d + s) % 3) * 3);
}

static void test_transpose(void) {
    static const int64_t dims[][2] = {{0, 5}, {5, 0}, {1, 1}, {1, 7}, {7, 1}, {3, 5}, {33, 65}, {32, 32}, {1000, 300}};
    for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
        int64_t rows = dims[d][0], cols = dims[d][1];
        context("gemm_transpose %lldx%lld", (long long)rows, (long long)cols);
        float *x = frand(rows * cols, -1, 1), *out = falloc(rows * cols), *want = falloc(rows * cols);
        for (int64_t r = 0; r < rows; r++)
            for (int64_t c = 0; c < cols; c++) want[c * rows + r] = x[r * cols + c];
        pg_gemm_transpose(rows, cols, x, out);
        expect_exact("out", rows * cols, out, want);
        free(x), free(out), free(want);
    }
}

/* ---- elementwise ---------------------------------------------------------------------------- */

typedef void (*binary_fn)(int64_t, const float *, const float *, float *);
typedef void (*bcast_fn)(int64_t, int64_t, int64_t, int64_t, const float *, int64_t, int64_t, int64_t, int64_t,
                         const float *, int64_t, int64_t, int64_t, int64_t, float *);

static double ref_binary(char op, double x, double y) {
    switch (op) {
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    default: return x / y;
    }
}

static const struct {
    char op;
    const char *name;
    binary_fn fn;
    bcast_fn bfn;
} binaries[] = {
    {'+', "add", pg_elementwise_add, pg_elementwise_add_bcast},
    {'-', "sub", pg_elementwise_sub, pg_elementwise_sub_bcast},
    {'*', "mul", pg_elementwise_mul, pg_elementwise_mul_bcast},
    {'/', "div", pg_elementwise_div, pg_elementwise_div_bcast},
};

/* b away from 0 so that div is well conditioned; its sign is random. */
static float *divisors(int64_t n) {
    float *b = frand(n, 0.5f, 2.0f);
    for (int64_t i = 0; i < n; i++)
        if (next_u64() & 1) b[i] = -b[i];
    return b;
}

static void test_binary(void) {
    for (size_t o = 0; o < 4; o++)
        for (int s = 0; s < NSIZES; s++) {
            int64_t n = sizes[s];
            context("%s n=%lld", binaries[o].name, (long long)n);
            float *a = frand(n, -2, 2), *b = divisors(n), *out = falloc(n);
            double *ref = dalloc(n);
            for (int64_t i = 0; i < n; i++) ref[i] = (float)ref_binary(binaries[o].op, a[i], b[i]);
            binaries[o].fn(n, a, b, out);
            expect_close("out", n, out, ref, 1e-7);
            float *ia = fcopy(n, a), *ib = fcopy(n, b);
            binaries[o].fn(n, ia, b, ia);
            expect_close("in place out == a", n, ia, ref, 1e-7);
            binaries[o].fn(n, a, ib, ib);
            expect_close("in place out == b", n, ib, ref, 1e-7);
            free(a), free(b), free(out), free(ref), free(ia), free(ib);
        }
}

/* Contiguous strides of a tensor of shape d with the axes where bcast[i] is set broadcast (stride 0). */
static int64_t bcast_strides(const int64_t d[4], const int bcast[4], int64_t s[4]) {
    int64_t size = 1;
    for (int i = 3; i >= 0; i--) {
        s[i] = bcast[i] ? 0 : size;
        size *= bcast[i] ? 1 : d[i];
    }
    return size;
}

/* a_contiguous: a is a contiguous tensor of the output's shape, so out == a is allowed. */
static void bcast_case(int o, const int64_t d[4], const float *a, const int64_t as[4], const float *b,
                       const int64_t bs[4], int64_t a_size, int a_contiguous, const char *label) {
    const char *name = binaries[o].name;
    context("%s_bcast %s d=[%lld,%lld,%lld,%lld] as=[%lld,%lld,%lld,%lld] bs=[%lld,%lld,%lld,%lld]", name, label,
            (long long)d[0], (long long)d[1], (long long)d[2], (long long)d[3], (long long)as[0], (long long)as[1],
            (long long)as[2], (long long)as[3], (long long)bs[0], (long long)bs[1], (long long)bs[2],
            (long long)bs[3]);
    int64_t n = d[0] * d[1] * d[2] * d[3];
    float *out = falloc(n);
    double *ref = dalloc(n);
    for (int64_t i0 = 0, at = 0; i0 < d[0]; i0++)
        for (int64_t i1 = 0; i1 < d[1]; i1++)
            for (int64_t i2 = 0; i2 < d[2]; i2++)
                for (int64_t i3 = 0; i3 < d[3]; i3++, at++)
                    ref[at] = (float)ref_binary(binaries[o].op, a[i0 * as[0] + i1 * as[1] + i2 * as[2] + i3 * as[3]],
                                                b[i0 * bs[0] + i1 * bs[1] + i2 * bs[2] + i3 * bs[3]]);
    binaries[o].bfn(d[0], d[1], d[2], d[3], a, as[0], as[1], as[2], as[3], b, bs[0], bs[1], bs[2], bs[3], out);
    expect_close("out", n, out, ref, 1e-7);
    if (a_contiguous && n > 0) {
        float *ia = fcopy(a_size, a);
        binaries[o].bfn(d[0], d[1], d[2], d[3], ia, as[0], as[1], as[2], as[3], b, bs[0], bs[1], bs[2], bs[3], ia);
        expect_close("in place out == a", n, ia, ref, 1e-7);
        free(ia);
    }
    free(out), free(ref);
}

static void test_bcast(void) {
    for (int o = 0; o < 4; o++) {
        /* Named patterns on a [1,1,R,C] output, with one of them >= 1e5 elements. */
        static const int64_t rc[][2] = {{1, 1}, {3, 5}, {17, 33}, {8, 1}, {1, 9}, {400, 301}};
        for (size_t t = 0; t < sizeof rc / sizeof rc[0]; t++) {
            int64_t d[4] = {1, 1, rc[t][0], rc[t][1]};
            static const struct {
                const char *label;
                int a[4], b[4];
            } pats[] = {
                {"same shape", {0, 0, 0, 0}, {0, 0, 0, 0}},
                {"row vector b", {0, 0, 0, 0}, {1, 1, 1, 0}},
                {"column vector b", {0, 0, 0, 0}, {1, 1, 0, 1}},
                {"scalar b", {0, 0, 0, 0}, {1, 1, 1, 1}},
                {"scalar a", {1, 1, 1, 1}, {0, 0, 0, 0}},
                {"row vector a", {1, 1, 1, 0}, {0, 0, 0, 0}},
                {"outer product", {1, 1, 0, 1}, {1, 1, 1, 0}},
            };
            for (size_t p = 0; p < sizeof pats / sizeof pats[0]; p++) {
                int64_t as[4], bs[4];
                int64_t na = bcast_strides(d, pats[p].a, as), nb = bcast_strides(d, pats[p].b, bs);
                float *a = frand(na, -2, 2), *b = divisors(nb);
                bcast_case(o, d, a, as, b, bs, na, na == d[0] * d[1] * d[2] * d[3], pats[p].label);
                free(a), free(b);
            }
        }
        /* A transposed (non-contiguous) input: a[i2,i3] stored as [C,R]. */
        {
            int64_t d[4] = {1, 1, 13, 21}, as[4] = {0, 0, 1, 13}, bs[4] = {0, 0, 21, 1};
            float *a = frand(13 * 21, -2, 2), *b = divisors(13 * 21);
            bcast_case(o, d, a, as, b, bs, 13 * 21, 0, "transposed a");
            free(a), free(b);
        }
        /* Empty output. */
        {
            int64_t d[4] = {2, 0, 3, 4}, as[4] = {0, 12, 4, 1}, bs[4] = {0, 0, 0, 1};
            bcast_case(o, d, NULL, as, NULL, bs, 0, 0, "empty");
        }
        /* Random 4-D shapes with random broadcast axes on either side. */
        for (int t = 0; t < 60; t++) {
            int64_t d[4];
            int ma[4], mb[4];
            for (int i = 0; i < 4; i++) {
                d[i] = rand_int(1, i == 3 ? 40 : 6);
                ma[i] = rand_int(0, 3) == 0;
                mb[i] = rand_int(0, 2) == 0;
            }
            int64_t as[4], bs[4];
            int64_t na = bcast_strides(d, ma, as), nb = bcast_strides(d, mb, bs);
            float *a = frand(na, -2, 2), *b = divisors(nb);
            bcast_case(o, d, a, as, b, bs, na, na == d[0] * d[1] * d[2] * d[3], "random");
            free(a), free(b);
        }
    }
}

static void test_fill_expand_affine(void) {
    for (int s = 0; s < NSIZES; s++) {
        int64_t n = sizes[s];
        context("fill/affine/rdiv n=%lld", (long long)n);
        float *out = falloc(n), *want = falloc(n);
        for (int64_t i = 0; i < n; i++) want[i] = -3.25f;
        pg_elementwise_fill(n, -3.25f, out);
        expect_exact("fill", n, out, want);
        float *a = frand(n, -4, 4);
        double *ref = dalloc(n), *mag = dalloc(n);
        for (int64_t i = 0; i < n; i++) {
            ref[i] = (double)a[i] * 1.5f + -0.75f;
            mag[i] = fabs((double)a[i] * 1.5f) + 0.75;
        }
        pg_elementwise_affine(n, a, 1.5f, -0.75f, out);
        expect_close_mag("affine", n, out, ref, mag, 2e-7);
        pg_elementwise_affine(n, a, 1.5f, -0.75f, a);
        expect_close_mag("affine in place", n, a, ref, mag, 2e-7);
        float *b = divisors(n);
        for (int64_t i = 0; i < n; i++) ref[i] = (float)(3.0 / b[i]);
        pg_elementwise_rdiv_scalar(n, 3.0f, b, out);
        expect_close("rdiv_scalar", n, out, ref, 1e-7);
        free(out), free(want), free(a), free(ref), free(mag), free(b);
    }
    for (int s = 0; s < NSHAPES; s++) {
        int64_t outer = shapes[s][0], n = shapes[s][1], inner = shapes[s][2];
        context("expand [%lld,%lld,%lld]", (long long)outer, (long long)n, (long long)inner);
        float *x = frand(outer * inner, -1, 1), *out = falloc(outer * n * inner), *want = falloc(outer * n * inner);
        for (int64_t o = 0; o < outer; o++)
            for (int64_t k = 0; k < n; k++)
                for (int64_t i = 0; i < inner; i++) want[(o * n + k) * inner + i] = x[o * inner + i];
        pg_elementwise_expand(outer, n, inner, x, out);
        expect_exact("out", outer * n * inner, out, want);
        if (n == 1) {
            pg_elementwise_expand(outer, n, inner, x, x);
            expect_exact("in place", outer * inner, x, want);
        }
        free(x), free(out), free(want);
    }
}

typedef void (*unary_fn)(int64_t, const float *, float *);

static double ref_sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }
static double ref_relu(double x) { return x < 0 ? 0 : x; }
static double ref_neg(double x) { return -x; }

static void unary_case(const char *name, unary_fn fn, double (*ref_fn)(double), float lo, float hi, double rtol) {
    for (int s = 0; s < NSIZES; s++) {
        int64_t n = sizes[s];
        context("%s n=%lld", name, (long long)n);
        float *x = frand(n, lo, hi), *out = falloc(n);
        double *ref = dalloc(n);
        for (int64_t i = 0; i < n; i++) ref[i] = ref_fn(x[i]);
        fn(n, x, out);
        expect_close("out", n, out, ref, rtol);
        fn(n, x, x);
        expect_close("in place", n, x, ref, rtol);
        free(x), free(out), free(ref);
    }
}

/* Float inputs spread over the whole range: every 997th bit pattern (about 4.3 million). */
static float *bit_sweep(int64_t *count) {
    int64_t n = 0;
    float *x = falloc(4400000);
    for (uint64_t u = 0; u <= 0xffffffffu; u += 997) x[n++] = bits_float((uint32_t)u);
    *count = n;
    return x;
}

/* Max error in ulps of a vectorised kernel over the sweep, against the double function. */
static void ulp_sweep(const char *name, unary_fn fn, double (*ref_fn)(double), double max_ulps) {
    int64_t n;
    float *x = bit_sweep(&n), *y = falloc(n);
    fn(n, x, y);
    double worst = 0;
    float at = 0;
    for (int64_t i = 0; i < n; i++) {
        double e = ulps(y[i], ref_fn(x[i]));
        if (e > worst) worst = e, at = x[i];
    }
    context("%s over all float ranges", name);
    expect(worst <= max_ulps, "max error %.2f ulp at x = %.9g (limit %.1f)", worst, (double)at, max_ulps);
    free(x), free(y);
}

/* The scalar helpers as compiled for baseline x86-64 here (the library may use its AVX2/FMA clone). */
static void baseline_exp(int64_t n, const float *x, float *y) { for (int64_t i = 0; i < n; i++) y[i] = pg_expf(x[i]); }
static void baseline_log(int64_t n, const float *x, float *y) { for (int64_t i = 0; i < n; i++) y[i] = pg_logf(x[i]); }
static void baseline_tanh(int64_t n, const float *x, float *y) { for (int64_t i = 0; i < n; i++) y[i] = pg_tanhf(x[i]); }
static void baseline_sigmoid(int64_t n, const float *x, float *y) {
    for (int64_t i = 0; i < n; i++) y[i] = pg_sigmoidf(x[i]);
}
static void baseline_log1p(int64_t n, const float *x, float *y) {
    for (int64_t i = 0; i < n; i++) y[i] = x[i] >= -1.0f && x[i] < INFINITY ? pg_log1pf(x[i]) : (float)log1p(x[i]);
}

static void test_unary(void) {
    unary_case("neg", pg_elementwise_neg, ref_neg, -5, 5, 0);
    unary_case("exp", pg_elementwise_exp, exp, -80, 80, 3e-7);
    unary_case("log", pg_elementwise_log, log, 1e-6f, 1e6f, 3e-7);
    unary_case("log near 1", pg_elementwise_log, log, 0.5f, 2.0f, 3e-7);
    unary_case("sqrt", pg_elementwise_sqrt, sqrt, 0, 100, 1e-7);
    unary_case("abs", pg_elementwise_abs, fabs, -5, 5, 0);
    unary_case("relu", pg_elementwise_relu, ref_relu, -5, 5, 0);
    unary_case("sigmoid", pg_elementwise_sigmoid, ref_sigmoid, -30, 30, 4e-7);
    unary_case("tanh", pg_elementwise_tanh, tanh, -10, 10, 3e-7);
    unary_case("tanh near 0", pg_elementwise_tanh, tanh, -1e-3f, 1e-3f, 3e-7);

    ulp_sweep("exp", pg_elementwise_exp, exp, 1.5);
    ulp_sweep("log", pg_elementwise_log, log, 1.5);
    ulp_sweep("tanh", pg_elementwise_tanh, tanh, 2.0);
    ulp_sweep("sigmoid", pg_elementwise_sigmoid, ref_sigmoid, 3.0);
    ulp_sweep("baseline pg_expf", baseline_exp, exp, 1.5);
    ulp_sweep("baseline pg_logf", baseline_log, log, 1.5);
    ulp_sweep("baseline pg_tanhf", baseline_tanh, tanh, 2.0);
    ulp_sweep("baseline pg_sigmoidf", baseline_sigmoid, ref_sigmoid, 3.0);
    ulp_sweep("baseline pg_log1pf", baseline_log1p, log1p, 3.0);

    context("special values");
    float x[] = {1000, -1000, 89, -104, -88, INFINITY, -INFINITY, NAN, 0, -0.0f, 1e-40f};
    int64_t n = sizeof x / sizeof x[0];
    float y[sizeof x / sizeof x[0]];
    pg_elementwise_sigmoid(n, x, y);
    expect(y[0] == 1.0f && y[1] == 0.0f && y[5] == 1.0f && y[6] == 0.0f && isnan(y[7]) && y[8] == 0.5f,
           "sigmoid: %g %g %g %g %g %g", y[0], y[1], y[5], y[6], y[7], y[8]);
    pg_elementwise_exp(n, x, y);
    expect(isinf(y[0]) && y[1] == 0 && isinf(y[2]) && y[3] == 0 && ulps(y[4], exp(-88.0)) <= 1 && isinf(y[5]) &&
               y[6] == 0 && isnan(y[7]) && y[8] == 1,
           "exp: %g %g %g %g %g %g %g %g %g", y[0], y[1], y[2], y[3], y[4], y[5], y[6], y[7], y[8]);
    pg_elementwise_log(n, x, y);
    expect(isnan(y[1]) && isinf(y[5]) && y[5] > 0 && isnan(y[6]) && isnan(y[7]) && isinf(y[8]) && y[8] < 0 &&
               isinf(y[9]) && y[9] < 0 && ulps(y[10], log((double)1e-40f)) <= 1,
           "log: %g %g %g %g %g %g %g", y[1], y[5], y[6], y[7], y[8], y[9], y[10]);
    pg_elementwise_tanh(n, x, y);
    expect(y[0] == 1 && y[1] == -1 && y[5] == 1 && y[6] == -1 && isnan(y[7]) && y[8] == 0,
           "tanh: %g %g %g %g %g %g", y[0], y[1], y[5], y[6], y[7], y[8]);
    pg_elementwise_relu(n, x, y);
    expect(y[0] == 1000 && y[1] == 0 && isnan(y[7]) && y[6] == 0, "relu: %g %g %g %g", y[0], y[1], y[7], y[6]);
}

static void test_pow(void) {
    static const float ps[] = {2, 0.5f, 3, -1.5f, 0, 1, 2.5f};
    for (size_t q = 0; q < sizeof ps / sizeof ps[0]; q++)
        for (int s = 0; s < NSIZES; s++) {
            int64_t n = sizes[s];
            float p = ps[q];
            context("pow p=%g n=%lld", p, (long long)n);
            /* Negative bases only for integral powers (torch gives NaN otherwise, as powf). */
            int integral = p == floorf(p);
            float *x = frand(n, integral ? -3.0f : 0.1f, 3.0f), *gy = frand(n, -1, 1), *out = falloc(n);
            if (n > 2) x[0] = 0.0f;
            double *ref = dalloc(n);
            for (int64_t i = 0; i < n; i++) ref[i] = pow(x[i], p);
            pg_elementwise_pow(n, x, p, out);
            expect_close("forward", n, out, ref, 3e-7);
            for (int64_t i = 0; i < n; i++) ref[i] = p == 0 ? 0.0 : gy[i] * (double)p * pow(x[i], p - 1.0);
            pg_elementwise_pow_backward(n, x, p, gy, out);
            expect_close("backward", n, out, ref, 1e-6);
            pg_elementwise_pow_backward(n, x, p, gy, gy);
            expect_close("backward in place", n, gy, ref, 1e-6);
            free(x), free(gy), free(out), free(ref);
        }
}

typedef void (*backward_fn)(int64_t, const float *, const float *, float *);

/* saved: input x or output y, as the kernel names it; the reference gets both. */
/* scale(x, y): size of the terms of f'(.), when it is a difference that may cancel (NULL: |f'|). */
static void backward_case(const char *name, backward_fn fn, double (*fwd)(double), int saves_output,
                          double (*deriv)(double x, double y), double (*scale)(double x, double y), float lo,
                          float hi, double rtol) {
    for (int s = 0; s < NSIZES; s++) {
        int64_t n = sizes[s];
        context("%s_backward n=%lld", name, (long long)n);
        float *x = frand(n, lo, hi), *saved = falloc(n), *gy = frand(n, -2, 2), *gx = falloc(n);
        double *ref = dalloc(n), *mag = dalloc(n);
        if (n > 2 && lo < 0) x[1] = 0.0f;
        for (int64_t i = 0; i < n; i++) {
            float y = (float)fwd(x[i]);
            saved[i] = saves_output ? y : x[i];
            ref[i] = gy[i] * deriv(x[i], y);
            mag[i] = fabs(gy[i]) * (scale ? scale(x[i], y) : fabs(deriv(x[i], y)));
        }
        fn(n, saved, gy, gx);
        expect_close_mag("gx", n, gx, ref, mag, rtol);
        fn(n, saved, gy, gy);
        expect_close_mag("in place gx == gy", n, gy, ref, mag, rtol);
        free(x), free(saved), free(gy), free(gx), free(ref), free(mag);
    }
}

static double d_exp(double x, double y) { (void)x; return y; }
static double d_log(double x, double y) { (void)y; return 1.0 / x; }
static double d_sqrt(double x, double y) { (void)x; return 0.5 / y; }
static double d_abs(double x, double y) { (void)y; return (x > 0) - (x < 0); }
static double d_relu(double x, double y) { (void)y; return x > 0; }
static double d_sigmoid(double x, double y) { (void)x; return y * (1.0 - y); }
static double d_tanh(double x, double y) { (void)x; return 1.0 - y * y; }
static double s_sigmoid(double x, double y) { (void)x; return y * (1.0 + y); }
static double s_tanh(double x, double y) { (void)x; return 1.0 + y * y; }
static double id(double x) { return x; }

static void test_unary_backward(void) {
    backward_case("exp", pg_elementwise_exp_backward, exp, 1, d_exp, NULL, -10, 10, 1e-7);
    backward_case("log", pg_elementwise_log_backward, id, 0, d_log, NULL, 0.01f, 100, 1e-7);
    backward_case("sqrt", pg_elementwise_sqrt_backward, sqrt, 1, d_sqrt, NULL, 0.01f, 100, 1e-7);
    backward_case("abs", pg_elementwise_abs_backward, fabs, 0, d_abs, NULL, -3, 3, 0);
    backward_case("relu", pg_elementwise_relu_backward, ref_relu, 0, d_relu, NULL, -3, 3, 0);
    backward_case("sigmoid", pg_elementwise_sigmoid_backward, ref_sigmoid, 1, d_sigmoid, s_sigmoid, -8, 8, 3e-7);
    backward_case("tanh", pg_elementwise_tanh_backward, tanh, 1, d_tanh, s_tanh, -3, 3, 3e-7);
}

/* ---- reduce --------------------------------------------------------------------------------- */

static void test_reduce(void) {
    static const int64_t big[] = {1000000};
    for (int s = 0; s <= NSIZES; s++) {
        int64_t n = s < NSIZES ? sizes[s] : big[0];
        context("reduce_sum n=%lld", (long long)n);
        float *x = frand(n, -1, 3), out = -1;
        double ref = 0, mag = 0;
        for (int64_t i = 0; i < n; i++) ref += x[i], mag += fabs(x[i]);
        pg_reduce_sum(n, x, &out);
        /* Double accumulation: the float result is the rounded exact sum. */
        expect(fabs(out - ref) <= 6e-8 * fabs(ref) + 1e-10 * mag, "sum %.9g, want %.9g", out, ref);
        free(x);
    }
    for (int s = 0; s < NSHAPES; s++) {
        int64_t outer = shapes[s][0], n = shapes[s][1], inner = shapes[s][2];
        context("reduce axis [%lld,%lld,%lld]", (long long)outer, (long long)n, (long long)inner);
        int64_t total = outer * n * inner;
        float *x = frand(total, -1, 3), *out = falloc(outer * inner);
        double *ref = dalloc(outer * inner), *mag = dalloc(outer * inner);
        for (int64_t o = 0; o < outer; o++)
            for (int64_t i = 0; i < inner; i++) {
                double acc = 0, m = 0;
                for (int64_t k = 0; k < n; k++) acc += x[(o * n + k) * inner + i], m += fabs(x[(o * n + k) * inner + i]);
                ref[o * inner + i] = acc;
                mag[o * inner + i] = fabs(acc) + 1e-3 * m;
            }
        pg_reduce_sum_axis(outer, n, inner, x, out);
        expect_close_mag("sum_axis", outer * inner, out, ref, mag, 6e-8);
        if (n == 1 && total > 0) {
            float *ix = fcopy(total, x);
            pg_reduce_sum_axis(outer, n, inner, ix, ix);
            expect_close_mag("sum_axis in place", outer * inner, ix, ref, mag, 6e-8);
            free(ix);
        }
        /* Few distinct values so that ties are common: the first index of the max must win. */
        for (int64_t i = 0; i < total; i++) x[i] = (float)rand_int(-3, 3);
        float *mx = falloc(outer * inner), *am = falloc(outer * inner), *want_m = falloc(outer * inner),
              *want_a = falloc(outer * inner);
        for (int64_t o = 0; o < outer; o++)
            for (int64_t i = 0; i < inner; i++) {
                int64_t best = 0;
                for (int64_t k = 1; k < n; k++)
                    if (x[(o * n + k) * inner + i] > x[(o * n + best) * inner + i]) best = k;
                want_m[o * inner + i] = n ? x[(o * n + best) * inner + i] : 0;
                want_a[o * inner + i] = (float)best;
            }
        pg_reduce_max_axis(outer, n, inner, x, mx, am);
        expect_exact("max", outer * inner, mx, want_m);
        expect_exact("argmax", outer * inner, am, want_a);
        free(x), free(out), free(ref), free(mag), free(mx), free(am), free(want_m), free(want_a);
    }
    context("reduce_max_axis NaN");
    {
        float x[] = {1, 2, 9, NAN, 3, NAN, 9}, m[2], a[2];
        pg_reduce_max_axis(1, 7, 1, x, m, a);
        expect(isnan(m[0]) && a[0] == 3, "row: max %g at %g, want NaN at 3", m[0], a[0]);
        float y[] = {1, NAN, 5, 2, 7, 4}; /* [1, 3, 2]: columns {1,5,7} and {NaN,2,4} */
        pg_reduce_max_axis(1, 3, 2, y, m, a);
        expect(m[0] == 7 && a[0] == 2 && isnan(m[1]) && a[1] == 0, "columns: %g@%g %g@%g", m[0], a[0], m[1], a[1]);
    }
}

/* ---- softmax -------------------------------------------------------------------------------- */

static void ref_softmax_axis(int64_t outer, int64_t n, int64_t inner, const float *x, double *y, double *logy) {
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < inner; i++) {
            const float *xo = x + o * n * inner + i;
            double m = -INFINITY, s = 0;
            for (int64_t k = 0; k < n; k++) m = fmax(m, xo[k * inner]);
            for (int64_t k = 0; k < n; k++) s += exp(xo[k * inner] - m);
            for (int64_t k = 0; k < n; k++) {
                int64_t at = (o * n + k) * inner + i;
                y[at] = exp(x[at] - m) / s;
                logy[at] = (x[at] - m) - log(s);
            }
        }
}

static void test_softmax(void) {
    for (int s = 0; s < NSHAPES; s++) {
        int64_t outer = shapes[s][0], n = shapes[s][1], inner = shapes[s][2], total = outer * n * inner;
        for (int large = 0; large < 2; large++) {
            context("softmax [%lld,%lld,%lld]%s", (long long)outer, (long long)n, (long long)inner,
                    large ? " logits near 1000" : "");
            float *x = frand(total, -10, 10), *y = falloc(total), *ly = falloc(total), *gy = frand(total, -1, 1),
                  *gx = falloc(total);
            if (large)
                for (int64_t i = 0; i < total; i++) x[i] += 1000.0f;
            double *ref = dalloc(total), *lref = dalloc(total), *mag = dalloc(total);
            ref_softmax_axis(outer, n, inner, x, ref, lref);
            pg_softmax(outer, n, inner, x, y);
            expect_close("softmax", total, y, ref, 1e-5);
            pg_softmax_log(outer, n, inner, x, ly);
            for (int64_t i = 0; i < total; i++) mag[i] = fabs(lref[i]) + 1e-2;
            expect_close_mag("log_softmax", total, ly, lref, mag, large ? 1e-4 : 1e-5);
            float *ix = fcopy(total, x);
            pg_softmax(outer, n, inner, ix, ix);
            expect_close("softmax in place", total, ix, ref, 1e-5);
            memcpy(ix, x, (size_t)total * sizeof *ix);
            pg_softmax_log(outer, n, inner, ix, ix);
            expect_close_mag("log_softmax in place", total, ix, lref, mag, large ? 1e-4 : 1e-5);

            /* Backward from the kernel's own outputs, as autograd does. */
            for (int64_t o = 0; o < outer; o++)
                for (int64_t i = 0; i < inner; i++) {
                    double dot = 0, dmag = 0, sum = 0, smag = 0;
                    for (int64_t k = 0; k < n; k++) {
                        int64_t at = (o * n + k) * inner + i;
                        dot += (double)gy[at] * y[at], dmag += fabs((double)gy[at] * y[at]);
                        sum += gy[at], smag += fabs(gy[at]);
                    }
                    for (int64_t k = 0; k < n; k++) {
                        int64_t at = (o * n + k) * inner + i;
                        ref[at] = y[at] * (gy[at] - dot);
                        mag[at] = y[at] * (fabs(gy[at]) + dmag);
                        lref[at] = gy[at] - exp(ly[at]) * sum;
                    }
                }
            pg_softmax_backward(outer, n, inner, y, gy, gx);
            expect_close_mag("softmax_backward", total, gx, ref, mag, 1e-5);
            for (int64_t o = 0; o < outer; o++)
                for (int64_t i = 0; i < inner; i++) {
                    double smag = 0;
                    for (int64_t k = 0; k < n; k++) smag += fabs(gy[(o * n + k) * inner + i]);
                    for (int64_t k = 0; k < n; k++) {
                        int64_t at = (o * n + k) * inner + i;
                        mag[at] = fabs(gy[at]) + exp(ly[at]) * smag;
                    }
                }
            pg_softmax_log_backward(outer, n, inner, ly, gy, gx);
            expect_close_mag("log_softmax_backward", total, gx, lref, mag, 1e-5);
            memcpy(ix, gy, (size_t)total * sizeof *ix);
            pg_softmax_log_backward(outer, n, inner, ly, ix, ix);
            expect_close_mag("log_softmax_backward in place", total, ix, lref, mag, 1e-5);
            free(x), free(y), free(ly), free(gy), free(gx), free(ref), free(lref), free(mag), free(ix);
        }
    }
}

/* ---- loss ----------------------------------------------------------------------------------- */

static void test_cross_entropy(void) {
    static const int64_t dims[][2] = {{0, 5}, {1, 1}, {3, 7}, {13, 8}, {64, 10}, {13, 40}, {9, 63}, {17, 64},
                                      {100, 1000}, {1000, 100}, {2, 100003}};
    static const char *const modes[] = {"", " spread +-1000", " around 1e6 +-5"};
    for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++)
        for (int mode = 0; mode < 3; mode++) {
            int64_t rows = dims[d][0], cols = dims[d][1], total = rows * cols;
            context("cross_entropy %lldx%lld%s", (long long)rows, (long long)cols, modes[mode]);
            float *x = mode == 1 ? frand(total, -1000.0f, 1000.0f) : frand(total, -5.0f, 5.0f);
            /* large logits: exp(x - lse) with lse rounded to float would be off by ~3% here */
            if (mode == 2)
                for (int64_t i = 0; i < total; i++) x[i] += 1e6f;
            float *labels = labels_rand(rows, cols), *loss = falloc(rows), *stats = falloc(2 * rows);
            double *ref = dalloc(rows), *mag = dalloc(rows), *lref = dalloc(rows), *mref = dalloc(rows);
            for (int64_t r = 0; r < rows; r++) {
                double m = -INFINITY, s = 0;
                for (int64_t c = 0; c < cols; c++) m = fmax(m, x[r * cols + c]);
                for (int64_t c = 0; c < cols; c++) s += exp(x[r * cols + c] - m);
                mref[r] = m;
                lref[r] = log(s);
                ref[r] = (m - x[r * cols + (int64_t)labels[r]]) + lref[r];
                mag[r] = fabs(ref[r]) + 1.0;
            }
            pg_loss_cross_entropy(rows, cols, x, labels, loss, stats);
            expect_close_mag("loss", rows, loss, ref, mag, 1e-6);
            float *smax = falloc(rows), *slog = falloc(rows);
            for (int64_t r = 0; r < rows; r++) smax[r] = stats[2 * r], slog[r] = stats[2 * r + 1], mag[r] = 1.0;
            expect_close("stats max", rows, smax, mref, 0.0); /* the max is exact */
            expect_close_mag("stats log-sum", rows, slog, lref, mag, 1e-6);

            float *gloss = frand(rows, -1, 1), *g = falloc(total);
            double *gref = dalloc(total), *gmag = dalloc(total);
            for (int64_t r = 0; r < rows; r++)
                for (int64_t c = 0; c < cols; c++) {
                    double p = exp((x[r * cols + c] - mref[r]) - lref[r]); /* the exact softmax */
                    gref[r * cols + c] = gloss[r] * (p - (c == (int64_t)labels[r]));
                    gmag[r * cols + c] = fabs(gloss[r]) * (p + (c == (int64_t)labels[r]));
                }
            pg_loss_cross_entropy_backward(rows, cols, x, labels, stats, gloss, g);
            /* (x - m) - log(s) is rounded to float before exp (as in torch): ~|x - m| ulps, up to ~5e-6
             * relative for p ~ 1e-38, independent of |x| */
            expect_close_mag("backward", total, g, gref, gmag, 1e-5);
            float *ix = fcopy(total, x);
            pg_loss_cross_entropy_backward(rows, cols, ix, labels, stats, gloss, ix);
            expect_close_mag("backward in place", total, ix, gref, gmag, 1e-5);
            free(x), free(labels), free(loss), free(stats), free(ref), free(mag), free(lref), free(mref), free(smax),
                free(slog), free(gloss), free(g), free(gref), free(gmag), free(ix);
        }
}

/*
 * Large logits against PyTorch 1.13 (java/src/test/python/cross_entropy_reference.py, which also documents the
 * inputs): x[r,c] = float(base + ((7r + 3c) % 17) * 0.37 - 4), label r = 3r % cols, and the row 1e7 + [0, 1, 2]
 * with label 0 (once [-0.8647, 0.3679, 1.0] here, when softmax was exp(x - logsumexp) with a float logsumexp).
 */
/* BEGIN generated by java/src/test/python/cross_entropy_reference.py */
/* C (torch 1.13.0a0) */
static const float ce_loss_0[] = {4.83621931f, 0.391705513f, 5.38819504f, 0.395868957f}; /* base 10000, [4, 5] */
static const float ce_grad_0[] = {-0.992062986f, 0.0240921788f, 0.073058635f, 0.221764028f, 0.673148155f, 0.0241907816f, 0.0734293088f, 0.222671628f, -0.324096859f, 0.00380517612f, 0.811794996f, -0.995429814f, 0.0138725461f, 0.0420679748f, 0.127694204f, 0.00794413034f, 0.0240902733f, 0.0731242225f, 0.221746475f, -0.326905131f};
static const float ce_loss_1[] = {8.47872639f, 2.5690906f}; /* base 10000, [2, 70] */
static const float ce_grad_1[] = {-0.999792159f, 0.000630892639f, 0.00191315834f, 0.00580724934f, 0.0176274721f, 0.0534546599f, 0.000300937128f, 0.000913472148f, 0.00277006999f, 0.00840834156f, 0.0254979841f, 0.0773972273f, 0.000435728143f, 0.00132132927f, 0.00401079655f, 0.0121744731f, 0.0369186401f, 0.000207843244f, 0.000630892639f, 0.00191315834f, 0.00580724934f, 0.0176274721f, 0.0534546599f, 0.000300937128f, 0.000913472148f, 0.00277006999f, 0.00840834156f, 0.0254979841f, 0.0773972273f, 0.000435728143f, 0.00132132927f, 0.00401079655f, 0.0121744731f, 0.0369186401f, 0.000207843244f, 0.000630892639f, 0.00191315834f, 0.00580724934f, 0.0176274721f, 0.0534546599f, 0.000300937128f, 0.000913472148f, 0.00277006999f, 0.00840834156f, 0.0254979841f, 0.0773972273f, 0.000435728143f, 0.00132132927f, 0.00401079655f, 0.0121744731f, 0.0369186401f, 0.000207843244f, 0.000630892639f, 0.00191315834f, 0.00580724934f, 0.0176274721f, 0.0534546599f, 0.000300937128f, 0.000913472148f, 0.00277006999f, 0.00840834156f, 0.0254979841f, 0.0773972273f, 0.000435728143f, 0.00132132927f, 0.00401079655f, 0.0121744731f, 0.0369186401f, 0.000207843244f, 0.000630892639f, 0.00274172239f, 0.00832229387f, 0.0252370499f, -0.923394799f, 0.000431269087f, 0.00130780728f, 0.0039697513f, 0.0120498845f, 0.0365408324f, 0.000205716264f, 0.000624436361f, 0.00189357984f, 0.00574782025f, 0.0174470786f, 0.0529076234f, 0.000297857448f, 0.000904124056f, 0.00274172239f, 0.00832229387f, 0.0252370499f, 0.0766051784f, 0.000431269087f, 0.00130780728f, 0.0039697513f, 0.0120498845f, 0.0365408324f, 0.000205716264f, 0.000624436361f, 0.00189357984f, 0.00574782025f, 0.0174470786f, 0.0529076234f, 0.000297857448f, 0.000904124056f, 0.00274172239f, 0.00832229387f, 0.0252370499f, 0.0766051784f, 0.000431269087f, 0.00130780728f, 0.0039697513f, 0.0120498845f, 0.0365408324f, 0.000205716264f, 0.000624436361f, 0.00189357984f, 0.00574782025f, 0.0174470786f, 0.0529076234f, 0.000297857448f, 0.000904124056f, 0.00274172239f, 0.00832229387f, 0.0252370499f, 0.0766051784f, 0.000431269087f, 0.00130780728f, 0.0039697513f, 0.0120498845f, 0.0365408324f, 0.000205716264f, 0.000624436361f, 0.00189357984f, 0.00574782025f, 0.0174470786f, 0.0529076234f, 0.000297857448f, 0.000904124056f, 0.00274172239f, 0.00832229387f};
static const float ce_loss_2[] = {4.83298206f, 0.385164291f, 5.39381886f, 0.389400214f}; /* base 1e+06, [4, 5] */
static const float ce_grad_2[] = {-0.992037237f, 0.0245269667f, 0.0755483806f, 0.218606502f, 0.67335546f, 0.0232799165f, 0.0717071891f, 0.220873699f, -0.31966114f, 0.00380034186f, 0.813573718f, -0.995455444f, 0.0139983073f, 0.0431178212f, 0.124765553f, 0.00801131781f, 0.0231815111f, 0.0714040846f, 0.219940051f, -0.322536945f};
static const float ce_loss_3[] = {8.48681641f, 2.55933332f}; /* base 1e+06, [2, 70] */
static const float ce_grad_3[] = {-0.999793828f, 0.000635044184f, 0.0019560738f, 0.0056600878f, 0.0174342971f, 0.0537014157f, 0.000299973501f, 0.000923983869f, 0.00267363596f, 0.00823537912f, 0.0253667515f, 0.0781350955f, 0.000436459086f, 0.00134438858f, 0.0038901174f, 0.0119824056f, 0.0369084068f, 0.000206168566f, 0.000635044184f, 0.0019560738f, 0.0056600878f, 0.0174342971f, 0.0537014157f, 0.000299973501f, 0.000923983869f, 0.00267363596f, 0.00823537912f, 0.0253667515f, 0.0781350955f, 0.000436459086f, 0.00134438858f, 0.0038901174f, 0.0119824056f, 0.0369084068f, 0.000206168566f, 0.000635044184f, 0.0019560738f, 0.0056600878f, 0.0174342971f, 0.0537014157f, 0.000299973501f, 0.000923983869f, 0.00267363596f, 0.00823537912f, 0.0253667515f, 0.0781350955f, 0.000436459086f, 0.00134438858f, 0.0038901174f, 0.0119824056f, 0.0369084068f, 0.000206168566f, 0.000635044184f, 0.0019560738f, 0.0056600878f, 0.0174342971f, 0.0537014157f, 0.000299973501f, 0.000923983869f, 0.00267363596f, 0.00823537912f, 0.0253667515f, 0.0781350955f, 0.000436459086f, 0.00134438858f, 0.0038901174f, 0.0119824056f, 0.0369084068f, 0.000206168566f, 0.000635044184f, 0.00264698686f, 0.00815329328f, 0.0251139123f, -0.922643721f, 0.000432108733f, 0.0013309886f, 0.00385134318f, 0.0118629728f, 0.0365405269f, 0.000204113603f, 0.00062871445f, 0.00193657691f, 0.00560367107f, 0.0172605217f, 0.053166151f, 0.000296983548f, 0.000914774195f, 0.00264698686f, 0.00815329328f, 0.0251139123f, 0.0773562938f, 0.000432108733f, 0.0013309886f, 0.00385134318f, 0.0118629728f, 0.0365405269f, 0.000204113603f, 0.00062871445f, 0.00193657691f, 0.00560367107f, 0.0172605217f, 0.053166151f, 0.000296983548f, 0.000914774195f, 0.00264698686f, 0.00815329328f, 0.0251139123f, 0.0773562938f, 0.000432108733f, 0.0013309886f, 0.00385134318f, 0.0118629728f, 0.0365405269f, 0.000204113603f, 0.00062871445f, 0.00193657691f, 0.00560367107f, 0.0172605217f, 0.053166151f, 0.000296983548f, 0.000914774195f, 0.00264698686f, 0.00815329328f, 0.0251139123f, 0.0773562938f, 0.000432108733f, 0.0013309886f, 0.00385134318f, 0.0118629728f, 0.0365405269f, 0.000204113603f, 0.00062871445f, 0.00193657691f, 0.00560367107f, 0.0172605217f, 0.053166151f, 0.000296983548f, 0.000914774195f, 0.00264698686f, 0.00815329328f};
static const float ce_loss_4[] = {4.45191431f, 0.444518954f, 5.19076586f, 0.444518954f}; /* base 1e+07, [4, 5] */
static const float ce_grad_4[] = {-0.988343775f, 0.0316849239f, 0.0861285552f, 0.23412165f, 0.636408627f, 0.0319201089f, 0.0867678598f, 0.235859513f, -0.358867407f, 0.00431991741f, 0.826326072f, -0.994432271f, 0.0151346894f, 0.0411403514f, 0.111831069f, 0.00431991741f, 0.0319201089f, 0.0867678598f, 0.235859513f, -0.358867407f};
static const float ce_loss_5[] = {8.59681511f, 2.60983729f}; /* base 1e+07, [2, 70] */
static const float ce_grad_5[] = {-0.999815285f, 0.000502047595f, 0.0013647069f, 0.00370965805f, 0.0100838961f, 0.07451047f, 0.000184693083f, 0.000502047595f, 0.00370965805f, 0.0100838961f, 0.0274108704f, 0.07451047f, 0.000502047595f, 0.0013647069f, 0.00370965805f, 0.0100838961f, 0.0274108704f, 0.000184693083f, 0.000502047595f, 0.0013647069f, 0.00370965805f, 0.0100838961f, 0.07451047f, 0.000184693083f, 0.000502047595f, 0.00370965805f, 0.0100838961f, 0.0274108704f, 0.07451047f, 0.000502047595f, 0.0013647069f, 0.00370965805f, 0.0100838961f, 0.0274108704f, 0.000184693083f, 0.000502047595f, 0.0013647069f, 0.00370965805f, 0.0100838961f, 0.07451047f, 0.000184693083f, 0.000502047595f, 0.00370965805f, 0.0100838961f, 0.0274108704f, 0.07451047f, 0.000502047595f, 0.0013647069f, 0.00370965805f, 0.0100838961f, 0.0274108704f, 0.000184693083f, 0.000502047595f, 0.0013647069f, 0.00370965805f, 0.0100838961f, 0.07451047f, 0.000184693083f, 0.000502047595f, 0.00370965805f, 0.0100838961f, 0.0274108704f, 0.07451047f, 0.000502047595f, 0.0013647069f, 0.00370965805f, 0.0100838961f, 0.0274108704f, 0.000184693083f, 0.000502047595f, 0.0036616642f, 0.00995343551f, 0.0270562489f, -0.926453471f, 0.000495552376f, 0.001347051f, 0.0036616642f, 0.00995343551f, 0.0270562489f, 0.000182303527f, 0.000495552376f, 0.001347051f, 0.0036616642f, 0.00995343551f, 0.0735465065f, 0.000182303527f, 0.000495552376f, 0.0036616642f, 0.00995343551f, 0.0270562489f, 0.0735465065f, 0.000495552376f, 0.001347051f, 0.0036616642f, 0.00995343551f, 0.0270562489f, 0.000182303527f, 0.000495552376f, 0.001347051f, 0.0036616642f, 0.00995343551f, 0.0735465065f, 0.000182303527f, 0.000495552376f, 0.0036616642f, 0.00995343551f, 0.0270562489f, 0.0735465065f, 0.000495552376f, 0.001347051f, 0.0036616642f, 0.00995343551f, 0.0270562489f, 0.000182303527f, 0.000495552376f, 0.001347051f, 0.0036616642f, 0.00995343551f, 0.0735465065f, 0.000182303527f, 0.000495552376f, 0.0036616642f, 0.00995343551f, 0.0270562489f, 0.0735465065f, 0.000495552376f, 0.001347051f, 0.0036616642f, 0.00995343551f, 0.0270562489f, 0.000182303527f, 0.000495552376f, 0.001347051f, 0.0036616642f, 0.00995343551f, 0.0735465065f, 0.000182303527f, 0.000495552376f, 0.0036616642f, 0.00995343551f};
static const float ce_loss_6[] = {2.40760589f}; /* base 1e+07, [1, 3] */
static const float ce_grad_6[] = {-0.909969449f, 0.244728491f, 0.665241003f};
static const float *const ce_loss[] = {ce_loss_0, ce_loss_1, ce_loss_2, ce_loss_3, ce_loss_4, ce_loss_5, ce_loss_6};
static const float *const ce_grad[] = {ce_grad_0, ce_grad_1, ce_grad_2, ce_grad_3, ce_grad_4, ce_grad_5, ce_grad_6};
/* END generated */

static void test_cross_entropy_torch(void) {
    static const double cases[][3] = {{1e4, 4, 5}, {1e4, 2, 70}, {1e6, 4, 5}, {1e6, 2, 70},
                                      {1e7, 4, 5}, {1e7, 2, 70}, {1e7, 1, 3}};
    int last = (int)(sizeof cases / sizeof cases[0]) - 1;
    for (int i = 0; i <= last; i++) {
        int64_t rows = (int64_t)cases[i][1], cols = (int64_t)cases[i][2], total = rows * cols;
        context("cross_entropy vs torch, base %g [%lld, %lld]", cases[i][0], (long long)rows, (long long)cols);
        float *x = falloc(total), *labels = falloc(rows), *loss = falloc(rows), *stats = falloc(2 * rows);
        float *gloss = falloc(rows), *g = falloc(total);
        double *lref = dalloc(rows), *gref = dalloc(total), *gmag = dalloc(total);
        for (int64_t r = 0; r < rows; r++) {
            for (int64_t c = 0; c < cols; c++)
                x[r * cols + c] = (float)(cases[i][0] + (i == last ? (double)c : ((7 * r + 3 * c) % 17) * 0.37 - 4));
            labels[r] = (float)((3 * r) % cols);
            gloss[r] = 1.0f;
            lref[r] = ce_loss[i][r];
        }
        for (int64_t j = 0; j < total; j++) gref[j] = ce_grad[i][j], gmag[j] = fabs(gref[j]) + 0.025;
        pg_loss_cross_entropy(rows, cols, x, labels, loss, stats);
        expect_close("loss", rows, loss, lref, 1e-6);
        pg_loss_cross_entropy_backward(rows, cols, x, labels, stats, gloss, g);
        /* a few float roundings, whatever the base: 4e-6 relative, 1e-7 absolute */
        expect_close_mag("backward", total, g, gref, gmag, 4e-6);
        free(x), free(labels), free(loss), free(stats), free(gloss), free(g), free(lref), free(gref), free(gmag);
    }
}

static void test_nll_one_hot(void) {
    static const int64_t dims[][2] = {{0, 5}, {1, 1}, {3, 7}, {64, 10}, {1000, 100}};
    for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
        int64_t rows = dims[d][0], cols = dims[d][1], total = rows * cols;
        context("nll/one_hot %lldx%lld", (long long)rows, (long long)cols);
        float *logp = frand(total, -5, 0), *labels = labels_rand(rows, cols), *loss = falloc(rows);
        float *want = falloc(total > rows ? total : rows), *gloss = frand(rows, -1, 1), *g = falloc(total);
        for (int64_t r = 0; r < rows; r++) want[r] = -logp[r * cols + (int64_t)labels[r]];
        pg_loss_nll(rows, cols, logp, labels, loss);
        expect_exact("nll", rows, loss, want);
        for (int64_t i = 0; i < total; i++) want[i] = 0;
        for (int64_t r = 0; r < rows; r++) want[r * cols + (int64_t)labels[r]] = -gloss[r];
        memset(g, 0x7f, (size_t)total * sizeof *g); /* garbage: the kernel writes, never accumulates */
        pg_loss_nll_backward(rows, cols, labels, gloss, g);
        expect_exact("nll_backward", total, g, want);
        for (int64_t i = 0; i < total; i++) want[i] = 0;
        for (int64_t r = 0; r < rows; r++) want[r * cols + (int64_t)labels[r]] = 1;
        memset(g, 0x7f, (size_t)total * sizeof *g);
        pg_loss_one_hot(rows, cols, labels, g);
        expect_exact("one_hot", total, g, want);
        if (cols == 1 && rows > 0) { /* output the size of gloss: may be gloss itself */
            float w = -gloss[0];
            pg_loss_nll_backward(rows, cols, labels, gloss, gloss);
            expect(gloss[0] == w, "nll_backward in place %g != %g", gloss[0], w);
        }
        free(logp), free(labels), free(loss), free(want), free(gloss), free(g);
    }
}

static void test_bce(void) {
    for (int s = 0; s < NSIZES; s++) {
        int64_t n = sizes[s];
        context("bce n=%lld", (long long)n);
        float *p = frand(n, 0, 1), *z = frand(n, 0, 1), *x = frand(n, -20, 20), *gl = frand(n, -1, 1);
        float *out = falloc(n);
        /* Edge values: p at 0 and 1 (clamped logs), tiny p, hard labels at [0,5); logits far out
         * with the matching label (loss ~ 0, the log1p tail matters) at [5,11). */
        static const float pe[] = {0, 1, 1e-8f, 1 - 6e-8f, 0.5f}, ze[] = {1, 0, 0, 1, 0};
        static const float xe[] = {1000, -1000, 100, -100, 20, 0}, zxe[] = {1, 0, 1, 0, 1, 0};
        for (int64_t i = 0; i < n && i < 5; i++) p[i] = pe[i], z[i] = ze[i];
        for (int64_t i = 5; i < n && i < 11; i++) x[i] = xe[i - 5], z[i] = zxe[i - 5];
        double *ref = dalloc(n), *mag = dalloc(n);

        for (int64_t i = 0; i < n; i++) {
            double lp = fmax(log(p[i]), -100), lq = fmax(log1p(-(double)p[i]), -100);
            ref[i] = -(z[i] * lp + (1.0 - z[i]) * lq);
            mag[i] = fabs(z[i] * lp) + fabs((1.0 - z[i]) * lq);
        }
        pg_loss_bce(n, p, z, out);
        expect_close_mag("bce", n, out, ref, mag, 1e-6);

        for (int64_t i = 0; i < n; i++) {
            double den = fmax((1.0 - p[i]) * p[i], 1e-12);
            ref[i] = gl[i] * ((double)p[i] - z[i]) / den;
            mag[i] = fabs(gl[i]) * (p[i] + z[i]) / den;
        }
        pg_loss_bce_backward(n, p, z, gl, out);
        expect_close_mag("bce_backward", n, out, ref, mag, 1e-6);

        for (int64_t i = 0; i < n; i++) {
            double v = x[i], t = log1p(exp(-fabs(v)));
            ref[i] = fmax(v, 0) - v * z[i] + t;
            mag[i] = fmax(v, 0) + fabs(v * z[i]) + t;
        }
        pg_loss_bce_with_logits(n, x, z, out);
        expect_close_mag("bce_with_logits", n, out, ref, mag, 1e-6);
        if (n >= 11)
            expect(out[5] == 0 && out[6] == 0 && ulps(out[9], log1p(exp(-20.0))) <= 3,
                   "bce_with_logits tails: %g %g %g", out[5], out[6], out[9]);

        for (int64_t i = 0; i < n; i++) {
            double sg = ref_sigmoid(x[i]);
            ref[i] = gl[i] * (sg - z[i]);
            mag[i] = fabs(gl[i]) * (sg + z[i]);
        }
        pg_loss_bce_with_logits_backward(n, x, z, gl, out);
        expect_close_mag("bce_with_logits_backward", n, out, ref, mag, 1e-6);
        pg_loss_bce_with_logits_backward(n, x, z, gl, x);
        expect_close_mag("bce_with_logits_backward in place", n, x, ref, mag, 1e-6);
        free(p), free(z), free(x), free(gl), free(out), free(ref), free(mag);
    }
}

/* ---- optim ---------------------------------------------------------------------------------- */

/*
 * Parameters and state in float (the kernel) and double (the reference), stepped together. Next to
 * each reference value, q* holds the size of the terms it was summed from (momentum buffers and
 * averages cancel: b*m + c*g may be near 0); errors are judged against |value| + q.
 */
typedef struct {
    int64_t n;
    float *p, *g, *s[3];
    double *rp, *qp, *r[3], *q[3];
} optim_state;

static optim_state state_new(int64_t n) {
    optim_state s = {.n = n, .p = frand(n, -1, 1), .g = falloc(n), .rp = dalloc(n), .qp = dalloc(n)};
    for (int k = 0; k < 3; k++) s.s[k] = falloc(n), s.r[k] = dalloc(n), s.q[k] = dalloc(n);
    for (int64_t i = 0; i < n; i++) {
        s.rp[i] = s.p[i], s.qp[i] = fabs(s.p[i]);
        for (int k = 0; k < 3; k++) s.s[k][i] = 0, s.r[k][i] = s.q[k][i] = 0;
    }
    return s;
}

static void state_free(optim_state *s) {
    free(s->p), free(s->g), free(s->rp), free(s->qp);
    for (int k = 0; k < 3; k++) free(s->s[k]), free(s->r[k]), free(s->q[k]);
}

/* New gradient each step; returns a copy to check that the kernel leaves it alone. */
static float *state_grad(optim_state *s) {
    for (int64_t i = 0; i < s->n; i++) s->g[i] = uniform(-1, 1);
    return fcopy(s->n, s->g);
}

/* state: 2e-6, a few float roundings (a coefficient formed from a float hyper-parameter, 1 - 0.999f, is 1.3e-5 off) */
static void state_check(optim_state *s, const float *g_before, int with1, int with2, int with3) {
    static const char *names[3] = {"state 1", "state 2", "state 3"};
    expect_exact("gradient unchanged", s->n, s->g, g_before);
    double *mag = dalloc(s->n);
    for (int64_t i = 0; i < s->n; i++) mag[i] = fabs(s->rp[i]) + s->qp[i];
    expect_close_mag("param", s->n, s->p, s->rp, mag, 1e-5);
    int with[3] = {with1, with2, with3};
    for (int k = 0; k < 3; k++) {
        if (!with[k]) continue;
        for (int64_t i = 0; i < s->n; i++) mag[i] = fabs(s->r[k][i]) + s->q[k][i];
        expect_close_mag(names[k], s->n, s->s[k], s->r[k], mag, 2e-6);
    }
    free(mag);
}

static void test_sgd(void) {
    static const struct {
        double momentum, dampening, wd;
        int nesterov;
    } cfg[] = {{0, 0, 0, 0}, {0, 0, 0.01, 0}, {0.9, 0, 0, 0}, {0.9, 0.1, 0.01, 0}, {0.9, 0, 1e-3, 1}};
    static const int64_t ns[] = {0, 1, 17, 100003};
    const double lr = 0.05;
    for (size_t c = 0; c < sizeof cfg / sizeof cfg[0]; c++)
        for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
            double mo = cfg[c].momentum, da = cfg[c].dampening, wd = cfg[c].wd;
            int ne = cfg[c].nesterov;
            optim_state s = state_new(ns[k]);
            double *buf = s.r[0], *qbuf = s.q[0];
            for (int step = 1; step <= 4; step++) {
                context("sgd momentum=%g dampening=%g wd=%g nesterov=%d n=%lld step %d", mo, da, wd, ne,
                        (long long)s.n, step);
                float *g0 = state_grad(&s);
                pg_optim_sgd(s.n, s.p, s.g, mo != 0 ? s.s[0] : NULL, lr, mo, da, wd, ne, step == 1);
                for (int64_t i = 0; i < s.n; i++) {
                    double d = s.g[i] + (double)wd * s.rp[i], qd = fabs(s.g[i]) + fabs(wd * s.rp[i]);
                    if (mo != 0) {
                        buf[i] = step == 1 ? d : mo * buf[i] + (1.0 - da) * d;
                        qbuf[i] = step == 1 ? qd : mo * qbuf[i] + (1.0 - da) * qd;
                        d = ne ? d + mo * buf[i] : buf[i];
                        qd = ne ? qd + mo * qbuf[i] : qbuf[i];
                    }
                    s.rp[i] -= lr * d;
                    s.qp[i] += lr * qd;
                }
                state_check(&s, g0, mo != 0, 0, 0);
                free(g0);
            }
            state_free(&s);
        }
}

static void test_adam(void) {
    static const struct {
        double wd;
        int amsgrad, decoupled;
    } cfg[] = {{0, 0, 0}, {0.01, 0, 0}, {0.01, 0, 1}, {0, 1, 0}, {0.1, 1, 1}};
    static const int64_t ns[] = {0, 1, 17, 100003};
    /* double, as torch's Python floats: 1 - b2 is then 1e-3, not 1 - 0.999f = 9.99987e-4 */
    const double lr = 1e-2, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    for (size_t c = 0; c < sizeof cfg / sizeof cfg[0]; c++)
        for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
            double wd = cfg[c].wd;
            int ams = cfg[c].amsgrad, dec = cfg[c].decoupled;
            optim_state s = state_new(ns[k]);
            double *m = s.r[0], *v = s.r[1], *vmax = s.r[2], *qm = s.q[0], *qv = s.q[1];
            for (int step = 1; step <= 5; step++) {
                context("adam wd=%g amsgrad=%d decoupled=%d n=%lld step %d", wd, ams, dec, (long long)s.n, step);
                float *g0 = state_grad(&s);
                pg_optim_adam(s.n, s.p, s.g, s.s[0], s.s[1], ams ? s.s[2] : NULL, lr, b1, b2, eps, wd, step, ams,
                              dec);
                double bc1 = 1 - pow(b1, step), bc2 = 1 - pow(b2, step);
                for (int64_t i = 0; i < s.n; i++) {
                    double g = s.g[i], qg = fabs(g);
                    if (dec) {
                        s.rp[i] *= 1.0 - (double)lr * wd;
                    } else {
                        g += (double)wd * s.rp[i];
                        qg += fabs(wd * s.rp[i]);
                    }
                    m[i] = b1 * m[i] + (1.0 - b1) * g;
                    qm[i] = b1 * qm[i] + (1.0 - b1) * qg;
                    v[i] = b2 * v[i] + (1.0 - b2) * g * g;
                    qv[i] = b2 * qv[i] + (1.0 - b2) * qg * qg; /* g itself may come from a cancellation */
                    double vv = v[i];
                    if (ams) vv = vmax[i] = fmax(vmax[i], vv);
                    double denom = sqrt(vv) / sqrt(bc2) + eps;
                    s.rp[i] -= (lr / bc1) * m[i] / denom;
                    s.qp[i] += (lr / bc1) * qm[i] / denom;
                }
                state_check(&s, g0, 1, 1, ams);
                free(g0);
            }
            state_free(&s);
        }
}

static void test_rmsprop(void) {
    static const struct {
        double wd, momentum;
        int centered;
    } cfg[] = {{0, 0, 0}, {0.01, 0, 0}, {0, 0, 1}, {0, 0.9, 0}, {0.01, 0.9, 1}};
    static const int64_t ns[] = {0, 1, 17, 100003};
    const double lr = 1e-2, alpha = 0.99, eps = 1e-8;
    for (size_t c = 0; c < sizeof cfg / sizeof cfg[0]; c++)
        for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
            double wd = cfg[c].wd, mo = cfg[c].momentum;
            int cen = cfg[c].centered;
            optim_state s = state_new(ns[k]);
            double *sq = s.r[0], *ga = s.r[1], *buf = s.r[2], *qsq = s.q[0], *qga = s.q[1], *qbuf = s.q[2];
            for (int step = 1; step <= 5; step++) {
                context("rmsprop wd=%g momentum=%g centered=%d n=%lld step %d", wd, mo, cen, (long long)s.n, step);
                float *g0 = state_grad(&s);
                pg_optim_rmsprop(s.n, s.p, s.g, s.s[0], cen ? s.s[1] : NULL, mo > 0 ? s.s[2] : NULL, lr, alpha,
                                 eps, wd, mo, cen);
                for (int64_t i = 0; i < s.n; i++) {
                    double g = s.g[i] + (double)wd * s.rp[i], qg = fabs(s.g[i]) + fabs(wd * s.rp[i]);
                    sq[i] = alpha * sq[i] + (1.0 - alpha) * g * g;
                    qsq[i] = alpha * qsq[i] + (1.0 - alpha) * qg * qg;
                    double var = sq[i];
                    if (cen) {
                        ga[i] = alpha * ga[i] + (1.0 - alpha) * g;
                        qga[i] = alpha * qga[i] + (1.0 - alpha) * qg;
                        var -= ga[i] * ga[i];
                    }
                    double avg = sqrt(var) + eps;
                    if (mo > 0) {
                        buf[i] = mo * buf[i] + g / avg;
                        qbuf[i] = mo * qbuf[i] + qg / avg;
                        s.rp[i] -= lr * buf[i];
                        s.qp[i] += lr * qbuf[i];
                    } else {
                        s.rp[i] -= lr * g / avg;
                        s.qp[i] += lr * qg / avg;
                    }
                }
                state_check(&s, g0, 1, cen, mo > 0);
                free(g0);
            }
            state_free(&s);
        }
}

/* torch adds weight_decay * p only when weight_decay != 0, so an infinite parameter stays
 * infinite instead of becoming NaN through 0 * inf. */
static void test_zero_weight_decay(void) {
    context("optimizers with weight_decay == 0 and an infinite parameter");
    float p[3] = {INFINITY, -INFINITY, 1}, g[3] = {0.5f, -0.5f, 0.25f}, s1[3] = {0}, s2[3] = {0}, s3[3] = {0};
    pg_optim_sgd(3, p, g, s1, 0.1, 0.9, 0, 0, 0, 1);
    expect(p[0] == INFINITY && p[1] == -INFINITY && isfinite(p[2]), "sgd: %g %g %g", p[0], p[1], p[2]);
    memset(s1, 0, sizeof s1);
    pg_optim_adam(3, p, g, s1, s2, NULL, 0.1, 0.9, 0.999, 1e-8, 0, 1, 0, 0);
    expect(p[0] == INFINITY && p[1] == -INFINITY && isfinite(p[2]), "adam: %g %g %g", p[0], p[1], p[2]);
    memset(s1, 0, sizeof s1), memset(s2, 0, sizeof s2);
    pg_optim_rmsprop(3, p, g, s1, s2, s3, 0.1, 0.99, 1e-8, 0, 0.9, 1);
    expect(p[0] == INFINITY && p[1] == -INFINITY && isfinite(p[2]), "rmsprop: %g %g %g", p[0], p[1], p[2]);
}

int main(void) {
    test_runtime();
    test_gemm();
    test_transpose();
    test_binary();
    test_bcast();
    test_fill_expand_affine();
    test_unary();
    test_pow();
    test_unary_backward();
    test_reduce();
    test_softmax();
    test_cross_entropy();
    test_cross_entropy_torch();
    test_nll_one_hot();
    test_bce();
    test_sgd();
    test_adam();
    test_rmsprop();
    test_zero_weight_decay();
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}

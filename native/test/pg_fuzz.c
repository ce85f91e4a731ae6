/*
 * pg_fuzz.c - libFuzzer target for the kernels that take sizes and class indices: cross-entropy,
 * nll, one-hot, max/argmax over an axis, softmax and log-softmax (forward and backward).
 *
 * The fuzzer input is decoded as
 *   byte 0        which kernel family to call
 *   bytes 1..4    sizes (rows/outer, cols/n, inner), each bounded (<= 64, <= 8 for outer/inner)
 *   byte 5        data mode: small values from single bytes, or raw float bits (NaN, inf, subnormals)
 *   the rest      the float data, then the labels (one byte each)
 * Missing bytes read as zero, so every input is valid. Labels are checked exactly as the Java layer
 * does (Loss.checkLabels: whole number in [0, classes)) and the call is skipped when one is not,
 * because the kernels' contract is that callers validate. Sizes follow the Java layer's rules too
 * (classes >= 1, a max over a non-empty axis).
 *
 * Every buffer is malloc'ed at its exact size so AddressSanitizer reports any access outside it;
 * outputs are checked for range and, on finite data, against the defining identities. A failed
 * check aborts, which libFuzzer reports with the reproducing input.
 *
 * Build: cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang-14 -DPANAGRAD_FUZZ=ON
 *        cmake --build build-fuzz --target pg_fuzz && build-fuzz/native/test/pg_fuzz -max_total_time=120
 */
#include "panagrad.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *p;
    size_t n, at;
} reader;

static uint8_t next_byte(reader *r) { return r->at < r->n ? r->p[r->at++] : 0; }

static float next_float(reader *r, int raw) {
    if (!raw) return ((int)next_byte(r) - 128) / 8.0f; /* [-16, 15.875] in steps of 1/8: exact ties happen */
    uint32_t u = 0;
    for (int i = 0; i < 4; i++) u |= (uint32_t)next_byte(r) << (8 * i);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static float *floats(size_t count) {
    /* malloc(0) may return NULL; one spare element keeps pointers valid without hiding overruns
     * of non-empty buffers (ASan still sees the exact end of the allocation used). */
    float *p = malloc(count ? count * sizeof(float) : 1);
    if (!p) abort();
    return p;
}

static float *fill(reader *r, size_t count, int raw) {
    float *p = floats(count);
    for (size_t i = 0; i < count; i++) p[i] = next_float(r, raw);
    return p;
}

static void check(int ok, const char *what, long a, long b) {
    if (ok) return;
    fprintf(stderr, "pg_fuzz: check failed: %s (%ld, %ld)\n", what, a, b);
    abort();
}

static int all_finite(const float *x, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return 0;
    return 1;
}

/* The Java layer's label rule (Loss.checkLabels): a whole number in [0, classes). */
static int labels_valid(const float *y, size_t rows, long classes) {
    for (size_t i = 0; i < rows; i++)
        if (!(y[i] >= 0 && y[i] < (float)classes) || y[i] != rintf(y[i])) return 0;
    return 1;
}

/* Labels: mostly valid indices from one byte each, sometimes an out-of-range or fractional value
 * (which the harness must then refuse to pass on, like Java). */
static float *labels(reader *r, size_t rows, long classes) {
    float *y = floats(rows);
    for (size_t i = 0; i < rows; i++) {
        uint8_t b = next_byte(r);
        if (b >= 250) y[i] = b == 250 ? -1.0f : b == 251 ? (float)classes : b == 252 ? 0.5f : b == 253 ? NAN : 1e9f;
        else y[i] = (float)(b % classes);
    }
    return y;
}

static void fuzz_cross_entropy(reader *r, long rows, long cols, int raw) {
    float *x = fill(r, (size_t)(rows * cols), raw);
    float *y = labels(r, (size_t)rows, cols);
    float *g = fill(r, (size_t)rows, 0);
    if (labels_valid(y, (size_t)rows, cols)) {
        float *loss = floats((size_t)rows), *stats = floats((size_t)(2 * rows)), *gx = floats((size_t)(rows * cols));
        pg_loss_cross_entropy(rows, cols, x, y, loss, stats);
        pg_loss_cross_entropy_backward(rows, cols, x, y, stats, g, gx);
        for (long i = 0; i < rows; i++) {
            const float *xr = x + i * cols;
            if (!all_finite(xr, (size_t)cols)) continue;
            float mx = xr[0];
            for (long c = 1; c < cols; c++) mx = xr[c] > mx ? xr[c] : mx;
            /* stats = (max, log-sum relative to it): the max exactly, log-sum in [0, log(cols)]; the loss is
             * >= 0 (up to rounding) */
            float tol = 1e-5f * (1 + fabsf(mx)), sm = stats[2 * i], ls = stats[2 * i + 1];
            /* loss = (max - x[label]) + log-sum overflows only when the logits span more than FLT_MAX */
            float mn = xr[0];
            for (long c = 1; c < cols; c++) mn = xr[c] < mn ? xr[c] : mn;
            check(isfinite(ls), "cross-entropy: finite logits give a finite log-sum", i, cols);
            if ((double)mx - mn < 1e38) check(isfinite(loss[i]), "cross-entropy: finite logits give a finite loss", i, cols);
            check(sm == mx, "cross-entropy: stats hold the row max", i, cols);
            check(ls >= 0 && ls <= logf((float)cols) * (1 + 1e-6f), "cross-entropy: 0 <= log-sum <= log(cols)", i, cols);
            check(loss[i] >= -tol, "cross-entropy: loss >= 0", i, (long)y[i]);
            /* gradient row = g * (softmax - onehot): each entry within |g|, the row sums to ~0 */
            double sum = 0;
            for (long c = 0; c < cols; c++) {
                float v = gx[i * cols + c];
                check(isfinite(v) && fabsf(v) <= fabsf(g[i]) * (1 + 1e-5f), "cross-entropy backward: |grad| <= |gloss|", i, c);
                sum += v;
            }
            /* softmax is exp((x - max) - log-sum): rounding relative to x - max, whatever |max| */
            double tol_sum = 1e-5 * (1 + fabsf(g[i])) * (double)cols;
            if (fabs(sum) > tol_sum) {
                fprintf(stderr, "row %ld label %g gloss %g max %g log-sum %g:", i, y[i], g[i], sm, ls);
                for (long c = 0; c < cols && c < 8; c++) fprintf(stderr, " x=%g gx=%g", xr[c], gx[i * cols + c]);
                fprintf(stderr, "\n");
            }
            check(fabs(sum) <= tol_sum, "cross-entropy backward: row sums to 0", i, cols);
        }
        free(loss);
        free(stats);
        free(gx);
    }
    free(x);
    free(y);
    free(g);
}

static void fuzz_nll(reader *r, long rows, long cols, int raw) {
    float *x = fill(r, (size_t)(rows * cols), raw);
    float *y = labels(r, (size_t)rows, cols);
    float *g = fill(r, (size_t)rows, raw);
    if (labels_valid(y, (size_t)rows, cols)) {
        float *loss = floats((size_t)rows), *gx = floats((size_t)(rows * cols));
        pg_loss_nll(rows, cols, x, y, loss);
        pg_loss_nll_backward(rows, cols, y, g, gx);
        for (long i = 0; i < rows; i++) {
            long label = (long)y[i];
            float want = -x[i * cols + label];
            check(memcmp(&loss[i], &want, sizeof want) == 0 || (isnan(loss[i]) && isnan(want)), "nll: loss = -logp[label]", i, label);
            for (long c = 0; c < cols; c++) {
                float v = gx[i * cols + c], w = c == label ? -g[i] : 0.0f;
                check(v == w || (isnan(v) && isnan(w)), "nll backward: -gloss at the label, 0 elsewhere", i, c);
            }
        }
        free(loss);
        free(gx);
    }
    free(x);
    free(y);
    free(g);
}

static void fuzz_one_hot(reader *r, long rows, long classes) {
    float *y = labels(r, (size_t)rows, classes);
    if (labels_valid(y, (size_t)rows, classes)) {
        float *out = floats((size_t)(rows * classes));
        memset(out, 0x7f, (size_t)(rows * classes) * sizeof *out); /* garbage the kernel must overwrite */
        pg_loss_one_hot(rows, classes, y, out);
        for (long i = 0; i < rows; i++)
            for (long c = 0; c < classes; c++)
                check(out[i * classes + c] == (c == (long)y[i] ? 1.0f : 0.0f), "one-hot: 1 at the label, 0 elsewhere", i, c);
        free(out);
    }
    free(y);
}

static void fuzz_max(reader *r, long outer, long n, long inner, int raw) {
    size_t total = (size_t)(outer * n * inner), reduced = (size_t)(outer * inner);
    float *x = fill(r, total, raw);
    float *mx = floats(reduced), *idx = floats(reduced);
    pg_reduce_max_axis(outer, n, inner, x, mx, idx);
    for (long o = 0; o < outer; o++) {
        for (long i = 0; i < inner; i++) {
            float k = idx[o * inner + i];
            check(k >= 0 && k < (float)n && k == rintf(k), "argmax: an index in [0, n)", o * inner + i, (long)k);
            const float *col = x + o * n * inner + i;
            float m = mx[o * inner + i];
            int has_nan = 0;
            for (long j = 0; j < n; j++) has_nan |= isnan(col[j * inner]);
            if (has_nan) continue; /* NaN handling is unspecified beyond "an index in range" */
            check(m == col[(long)k * inner], "max: the value at argmax", o * inner + i, (long)k);
            for (long j = 0; j < n; j++) {
                check(col[j * inner] <= m, "max: no element above the max", j, (long)k);
                if (j < (long)k) check(col[j * inner] < m, "argmax: the first maximum on ties", j, (long)k);
            }
        }
    }
    free(x);
    free(mx);
    free(idx);
}

static void fuzz_softmax(reader *r, long outer, long n, long inner, int raw) {
    size_t total = (size_t)(outer * n * inner);
    float *x = fill(r, total, raw);
    float *gy = fill(r, total, 0);
    float *y = floats(total), *ly = floats(total), *gx = floats(total), *lgx = floats(total);
    pg_softmax(outer, n, inner, x, y);
    pg_softmax_log(outer, n, inner, x, ly);
    pg_softmax_backward(outer, n, inner, y, gy, gx);
    pg_softmax_log_backward(outer, n, inner, ly, gy, lgx);
    for (long o = 0; o < outer; o++) {
        for (long i = 0; i < inner; i++) {
            size_t base = (size_t)(o * n * inner + i);
            int finite = 1;
            for (long j = 0; j < n; j++) finite &= isfinite(x[base + (size_t)(j * inner)]);
            if (!finite || n == 0) continue;
            double sum = 0, gsum = 0, lgsum = 0, gyabs = 0;
            for (long j = 0; j < n; j++) {
                size_t at = base + (size_t)(j * inner);
                check(y[at] >= 0 && y[at] <= 1, "softmax: outputs in [0, 1]", (long)at, n);
                check(ly[at] <= 1e-6f && !isnan(ly[at]), "log-softmax: outputs <= 0", (long)at, n);
                check(isfinite(gx[at]) && isfinite(lgx[at]), "softmax backward: finite", (long)at, n);
                sum += y[at];
                gsum += gx[at];
                lgsum += lgx[at];
                gyabs += fabsf(gy[at]);
            }
            check(fabs(sum - 1) <= 1e-4 * n, "softmax: sums to 1", o, i);
            /* both gradients are orthogonal to the all-ones direction */
            check(fabs(gsum) <= 1e-4 * (1 + gyabs), "softmax backward: sums to 0", o, i);
            check(fabs(lgsum) <= 1e-4 * (1 + gyabs) * n, "log-softmax backward: sums to 0", o, i);
        }
    }
    free(x);
    free(gy);
    free(y);
    free(ly);
    free(gx);
    free(lgx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    reader r = {data, size, 0};
    int which = next_byte(&r) % 5;
    long a = next_byte(&r) % 65;      /* rows / outer before bounding: 0..64 */
    long b = next_byte(&r) % 65;      /* cols / n: 0..64 */
    long c = next_byte(&r) % 9;       /* inner: 0..8 */
    int raw = next_byte(&r) & 1;
    switch (which) {
    case 0: /* Java requires classes >= 1; rows may be 0 */
        fuzz_cross_entropy(&r, a, b < 1 ? 1 : b, raw);
        break;
    case 1:
        fuzz_nll(&r, a, b < 1 ? 1 : b, raw);
        break;
    case 2:
        fuzz_one_hot(&r, a, b < 1 ? 1 : b);
        break;
    case 3: /* Java rejects max/argmax over an empty axis; outer and inner may be 0 */
        fuzz_max(&r, a % 9, b < 1 ? 1 : b, c, raw);
        break;
    default: /* softmax over any axis, including an empty one */
        fuzz_softmax(&r, a % 9, b, c, raw);
        break;
    }
    return 0;
}

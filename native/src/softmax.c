/*
 * softmax.c - softmax and log-softmax over the middle axis of x viewed as [outer, n, inner], and
 * their backward passes. The max along the axis is subtracted before exp; sums are accumulated in
 * double.
 *
 * Each op has a row kernel (the axis is the last one and contiguous) and a column kernel (the axis
 * has a stride, and w neighbouring columns are reduced together, vectorised across columns with
 * per-column state in small arrays). over_axis() picks one: columns for inner > 1, rows for long
 * last-axis rows, and columns again for short rows after transposing PG_ROWS of them.
 */
#include "pg_internal.h"

/* BLOCK columns at a time for inner > 1; rows shorter than SHORT_FORWARD / SHORT_BACKWARD are
 * transposed in groups (see pg_internal.h; measured crossovers). */
enum { BLOCK = 128, SHORT_FORWARD = 32, SHORT_BACKWARD = 8 };

typedef void (*row_fn)(int64_t n, const float *a, const float *b, float *out);
typedef void (*cols_fn)(int64_t n, int64_t stride, int64_t w, const float *a, const float *b, float *out);

/* out = f(a) or f(a, b) along the axis; b is NULL for the forward ops. Within a row or a column
 * block every input is read before the output is written, so out may alias a or b. */
PG_INLINE void over_axis(int64_t outer, int64_t n, int64_t inner, const float *a, const float *b, float *out,
                         row_fn row, cols_fn cols, const int64_t short_row) {
    if (outer <= 0 || n <= 0 || inner <= 0) return;
    if (inner > 1) {
        for (int64_t o = 0; o < outer; o++)
            for (int64_t i0 = 0; i0 < inner; i0 += BLOCK) {
                int64_t at = o * n * inner + i0, w = inner - i0 < BLOCK ? inner - i0 : BLOCK;
                cols(n, inner, w, a + at, b ? b + at : NULL, out + at);
            }
    } else if (n >= short_row) {
        for (int64_t o = 0; o < outer; o++) row(n, a + o * n, b ? b + o * n : NULL, out + o * n);
    } else {
        float ta[SHORT_FORWARD * PG_ROWS], tb[SHORT_FORWARD * PG_ROWS], to[SHORT_FORWARD * PG_ROWS];
        for (int64_t r0 = 0; r0 < outer; r0 += PG_ROWS) {
            int64_t w = outer - r0 < PG_ROWS ? outer - r0 : PG_ROWS;
            pg_rows_to_cols(w, n, a + r0 * n, ta);
            if (b) pg_rows_to_cols(w, n, b + r0 * n, tb);
            if (w == PG_ROWS) /* constant width: each column loop is one full vector */
                cols(n, PG_ROWS, PG_ROWS, ta, b ? tb : NULL, to);
            else
                cols(n, PG_ROWS, w, ta, b ? tb : NULL, to);
            pg_cols_to_rows(w, n, to, out + r0 * n);
        }
    }
}

/* mx[j] = max_k x[k*stride + j] for j < w. */
PG_INLINE void cols_max(int64_t n, int64_t stride, int64_t w, const float *x, float *mx) {
    memcpy(mx, x, (size_t)w * sizeof *mx);
    for (int64_t k = 1; k < n; k++) {
        const float *row = x + k * stride;
        PG_SIMD for (int64_t j = 0; j < w; j++) mx[j] = row[j] > mx[j] ? row[j] : mx[j];
    }
}

/* s[j] = sum_k a[k*stride + j] (* b[k*stride + j] when b is given), in double. */
PG_INLINE void cols_sum(int64_t n, int64_t stride, int64_t w, const float *a, const float *b, double *s) {
    for (int64_t j = 0; j < w; j++) s[j] = 0.0;
    for (int64_t k = 0; k < n; k++) {
        const float *ar = a + k * stride;
        if (b) {
            const float *br = b + k * stride;
            PG_SIMD for (int64_t j = 0; j < w; j++) s[j] += (double)ar[j] * br[j];
        } else {
            PG_SIMD for (int64_t j = 0; j < w; j++) s[j] += ar[j];
        }
    }
}

/* ---- softmax: y = exp(x - max) / sum ---------------------------------------------------- */

PG_INLINE void row_softmax(int64_t n, const float *x, const float *unused, float *y) {
    (void)unused;
    float m = pg_max(n, x);
    PG_SIMD for (int64_t i = 0; i < n; i++) y[i] = pg_expf(x[i] - m);
    float inv = (float)(1.0 / pg_sum(n, y, NULL));
    PG_SIMD for (int64_t i = 0; i < n; i++) y[i] *= inv;
}

PG_INLINE void cols_softmax(int64_t n, int64_t stride, int64_t w, const float *x, const float *unused, float *y) {
    (void)unused;
    float mx[BLOCK], inv[BLOCK];
    double s[BLOCK];
    cols_max(n, stride, w, x, mx);
    for (int64_t k = 0; k < n; k++) {
        const float *xr = x + k * stride;
        float *yr = y + k * stride;
        PG_SIMD for (int64_t j = 0; j < w; j++) yr[j] = pg_expf(xr[j] - mx[j]);
    }
    cols_sum(n, stride, w, y, NULL, s);
    for (int64_t j = 0; j < w; j++) inv[j] = (float)(1.0 / s[j]);
    for (int64_t k = 0; k < n; k++) {
        float *yr = y + k * stride;
        PG_SIMD for (int64_t j = 0; j < w; j++) yr[j] *= inv[j];
    }
}

PG_KERNEL void pg_softmax(int64_t outer, int64_t n, int64_t inner, const float *x, float *y) {
    over_axis(outer, n, inner, x, NULL, y, row_softmax, cols_softmax, SHORT_FORWARD);
}

/* ---- log-softmax: y = (x - max) - log(sum exp(x - max)) ------------------------------------- */
/* Subtracting the two terms separately keeps y exact where x is the max and the sum is near 1. */

PG_INLINE void row_log_softmax(int64_t n, const float *x, const float *unused, float *y) {
    (void)unused;
    float m = pg_max(n, x);
    float ls = (float)log(pg_sum_exp(n, x, m));
    PG_SIMD for (int64_t i = 0; i < n; i++) y[i] = (x[i] - m) - ls;
}

PG_INLINE void cols_log_softmax(int64_t n, int64_t stride, int64_t w, const float *x, const float *unused,
                                float *y) {
    (void)unused;
    float mx[BLOCK], e[BLOCK], ls[BLOCK];
    double s[BLOCK];
    cols_max(n, stride, w, x, mx);
    for (int64_t j = 0; j < w; j++) s[j] = 0.0;
    for (int64_t k = 0; k < n; k++) {
        const float *xr = x + k * stride;
        PG_SIMD for (int64_t j = 0; j < w; j++) e[j] = pg_expf(xr[j] - mx[j]);
        PG_SIMD for (int64_t j = 0; j < w; j++) s[j] += e[j];
    }
    for (int64_t j = 0; j < w; j++) ls[j] = (float)log(s[j]);
    for (int64_t k = 0; k < n; k++) {
        const float *xr = x + k * stride;
        float *yr = y + k * stride;
        PG_SIMD for (int64_t j = 0; j < w; j++) yr[j] = (xr[j] - mx[j]) - ls[j];
    }
}

PG_KERNEL void pg_softmax_log(int64_t outer, int64_t n, int64_t inner, const float *x, float *y) {
    over_axis(outer, n, inner, x, NULL, y, row_log_softmax, cols_log_softmax, SHORT_FORWARD);
}

/* ---- softmax backward: gx = y * (gy - sum(gy * y)) ------------------------------------------- */

PG_INLINE void row_softmax_backward(int64_t n, const float *y, const float *gy, float *gx) {
    float dot = (float)pg_sum(n, gy, y);
    PG_SIMD for (int64_t i = 0; i < n; i++) gx[i] = y[i] * (gy[i] - dot);
}

PG_INLINE void cols_softmax_backward(int64_t n, int64_t stride, int64_t w, const float *y, const float *gy,
                                     float *gx) {
    float dot[BLOCK];
    double s[BLOCK];
    cols_sum(n, stride, w, gy, y, s);
    for (int64_t j = 0; j < w; j++) dot[j] = (float)s[j];
    for (int64_t k = 0; k < n; k++) {
        const float *yr = y + k * stride, *gr = gy + k * stride;
        float *out = gx + k * stride;
        PG_SIMD for (int64_t j = 0; j < w; j++) out[j] = yr[j] * (gr[j] - dot[j]);
    }
}

PG_KERNEL void pg_softmax_backward(int64_t outer, int64_t n, int64_t inner, const float *y, const float *gy,
                                   float *gx) {
    over_axis(outer, n, inner, y, gy, gx, row_softmax_backward, cols_softmax_backward, SHORT_BACKWARD);
}

/* ---- log-softmax backward: gx = gy - exp(y) * sum(gy) ---------------------------------------- */

PG_INLINE void row_log_softmax_backward(int64_t n, const float *y, const float *gy, float *gx) {
    float sum = (float)pg_sum(n, gy, NULL);
    PG_SIMD for (int64_t i = 0; i < n; i++) gx[i] = gy[i] - pg_expf(y[i]) * sum;
}

PG_INLINE void cols_log_softmax_backward(int64_t n, int64_t stride, int64_t w, const float *y, const float *gy,
                                         float *gx) {
    float sum[BLOCK];
    double s[BLOCK];
    cols_sum(n, stride, w, gy, NULL, s);
    for (int64_t j = 0; j < w; j++) sum[j] = (float)s[j];
    for (int64_t k = 0; k < n; k++) {
        const float *yr = y + k * stride, *gr = gy + k * stride;
        float *out = gx + k * stride;
        PG_SIMD for (int64_t j = 0; j < w; j++) out[j] = gr[j] - pg_expf(yr[j]) * sum[j];
    }
}

PG_KERNEL void pg_softmax_log_backward(int64_t outer, int64_t n, int64_t inner, const float *y, const float *gy,
                                       float *gx) {
    over_axis(outer, n, inner, y, gy, gx, row_log_softmax_backward, cols_log_softmax_backward, SHORT_BACKWARD);
}

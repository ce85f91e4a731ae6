/* reduce.c - sums and maxima over the whole tensor or one axis of x viewed as [outer, n, inner]. */
#include "pg_internal.h"

/* Columns are summed BLOCK at a time (inner > 1), each row of the [n, inner] slab read
 * contiguously; argmax over rows shorter than SHORT_ROW transposes them in groups (pg_internal.h). */
enum { BLOCK = 256, SHORT_ROW = 16 };

PG_KERNEL void pg_reduce_sum(int64_t n, const float *x, float *out) {
    out[0] = (float)pg_sum(n, x, NULL);
}

/* out[j] = sum_k x[k*stride + j] for j < w <= BLOCK, in double. */
PG_INLINE void cols_sum(int64_t n, int64_t stride, int64_t w, const float *x, float *out) {
    double acc[BLOCK];
    for (int64_t j = 0; j < w; j++) acc[j] = 0.0;
    for (int64_t k = 0; k < n; k++) {
        const float *row = x + k * stride;
        PG_SIMD for (int64_t j = 0; j < w; j++) acc[j] += row[j];
    }
    PG_SIMD for (int64_t j = 0; j < w; j++) out[j] = (float)acc[j];
}

/* A column block is read whole before its outputs are written: with n == 1 the output has the
 * size of x and may be x. */
PG_KERNEL void pg_reduce_sum_axis(int64_t outer, int64_t n, int64_t inner, const float *x, float *out) {
    if (inner == 1) {
        for (int64_t o = 0; o < outer; o++) out[o] = (float)pg_sum(n, x + o * n, NULL);
        return;
    }
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i0 = 0; i0 < inner; i0 += BLOCK)
            cols_sum(n, inner, inner - i0 < BLOCK ? inner - i0 : BLOCK, x + o * n * inner + i0, out + o * inner + i0);
}

/* NaN counts as the maximum (torch.max does the same): once the running value is NaN it stays.
 * Ties keep the first index because only a strictly greater value replaces the running maximum. */
PG_INLINE int beats(float v, float best) {
    return v > best || (v != v && best == best);
}

/* Max and first argmax over k of x[k*stride + j], for j < w. A group of short rows is read
 * whole (transposed) before its outputs are written, as they may alias x when n == 1. */
PG_INLINE void cols_max(int64_t n, int64_t stride, int64_t w, const float *x, float *max, float *argmax) {
    PG_SIMD for (int64_t j = 0; j < w; j++) {
        max[j] = x[j];
        argmax[j] = 0.0f;
    }
    for (int64_t k = 1; k < n; k++) {
        const float *row = x + k * stride;
        float kf = (float)k;
        PG_SIMD for (int64_t j = 0; j < w; j++) {
            int take = beats(row[j], max[j]);
            argmax[j] = take ? kf : argmax[j];
            max[j] = take ? row[j] : max[j];
        }
    }
}

/* One contiguous row: the max and "any NaN" first (vectorised), then the first position holding
 * the result, usually found early. */
PG_INLINE void row_max(int64_t n, const float *x, float *max, float *argmax) {
    float best = x[0];
    int nan = 0;
#pragma omp simd reduction(max : best) reduction(| : nan)
    for (int64_t k = 0; k < n; k++) {
        best = x[k] > best ? x[k] : best;
        nan |= x[k] != x[k];
    }
    int64_t at = 0;
    if (nan) {
        while (x[at] == x[at]) at++;
    } else {
        while (x[at] != best) at++;
    }
    *max = x[at];
    *argmax = (float)at;
}

PG_KERNEL void pg_reduce_max_axis(int64_t outer, int64_t n, int64_t inner, const float *x, float *max,
                                  float *argmax) {
    if (outer <= 0 || n <= 0 || inner <= 0) return;
    if (inner > 1) {
        for (int64_t o = 0; o < outer; o++)
            cols_max(n, inner, inner, x + o * n * inner, max + o * inner, argmax + o * inner);
    } else if (n >= SHORT_ROW) {
        for (int64_t o = 0; o < outer; o++) row_max(n, x + o * n, max + o, argmax + o);
    } else {
        float t[SHORT_ROW * PG_ROWS];
        for (int64_t r0 = 0; r0 < outer; r0 += PG_ROWS) {
            int64_t w = outer - r0 < PG_ROWS ? outer - r0 : PG_ROWS;
            pg_rows_to_cols(w, n, x + r0 * n, t);
            cols_max(n, PG_ROWS, w, t, max + r0, argmax + r0);
        }
    }
}

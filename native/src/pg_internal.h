/*
 * pg_internal.h - shared by the kernel sources, not installed.
 *
 * The library is built with -fvisibility=hidden; panagrad.h is included here under default
 * visibility, so exactly the pg_ functions it declares are exported and nothing else.
 */
#ifndef PG_INTERNAL_H
#define PG_INTERNAL_H

#pragma GCC visibility push(default)
#include "panagrad.h"
#pragma GCC visibility pop

#include <math.h>
#include <stdint.h>
#include <string.h>

/*
 * The jar ships one binary for every x86-64, so hot kernels are compiled twice and picked once at
 * load time (GCC function multiversioning through an ifunc): AVX2+FMA where the CPU has them,
 * baseline SSE2 otherwise. Clang 14 names the ifunc "<name>.ifunc" in C, which would lose the
 * exported names, so a Clang build gets the baseline code only.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(PANAGRAD_NO_MULTIVERSION)
#define PG_KERNEL __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define PG_KERNEL
#endif

/* Helpers are inlined into each clone, so they get that clone's instruction set. */
#define PG_INLINE static inline __attribute__((always_inline))

/* "#pragma omp simd" (-fopenmp-simd, no OpenMP runtime): the loop has no loop-carried dependence.
 * True for every elementwise loop here even when out == in, and it lets reductions reassociate. */
#define PG_SIMD _Pragma("omp simd")

PG_INLINE float pg_bits_to_float(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

PG_INLINE uint32_t pg_float_to_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/*
 * exp(x), branch-free so loops calling it vectorise (libm's expf is an opaque call).
 * Cephes range reduction and polynomial, max error about 1 ulp; NaN, +-inf, overflow to inf and
 * gradual underflow to subnormals and 0 behave as expf.
 */
PG_INLINE float pg_expf(float x) {
    /* Beyond these exp overflows / underflows to 0 anyway; comparisons keep NaN. */
    x = x > 89.0f ? 89.0f : x;
    x = x < -104.0f ? -104.0f : x;
    /* n = round(x / ln2) via the 1.5*2^23 shifter: no float-to-int conversion. */
    const float shifter = 0x1.8p23f;
    float t = x * 1.44269504088896341f + shifter;
    int32_t n = (int32_t)(pg_float_to_bits(t) - pg_float_to_bits(shifter));
    float k = t - shifter;
    float r = x - k * 0.693359375f;     /* ln2 split in two (Cody-Waite): k*hi is exact */
    r = r - k * -2.12194440e-4f;
    float r2 = r * r;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r2 + r + 1.0f;
    /* Scale by 2^n in two halves so that n in [-150, 128] never leaves the normal exponent range:
     * subnormal results are rounded once, at the last multiplication. */
    int32_t n1 = n / 2, n2 = n - n1;
    float s1 = pg_bits_to_float((uint32_t)(n1 + 127) << 23);
    float s2 = pg_bits_to_float((uint32_t)(n2 + 127) << 23);
    return p * s1 * s2;
}

/*
 * log(x), branch-free (Cephes logf polynomial, max error about 1 ulp); subnormals are normalised,
 * log(0) = -inf, log(x < 0) = NaN, log(inf) = inf, NaN stays NaN.
 */
PG_INLINE float pg_logf(float x) {
    int sub = x < 0x1p-126f;
    float xs = sub ? x * 0x1p23f : x;
    uint32_t bits = pg_float_to_bits(xs);
    int32_t e = (int32_t)((bits >> 23) & 0xffu) - 126 - (sub ? 23 : 0);
    float m = pg_bits_to_float((bits & 0x007fffffu) | 0x3f000000u); /* mantissa in [0.5, 1) */
    int small = m < 0.707106781186547524f;                          /* keep m - 1 in [-0.29, 0.41] */
    e -= small;
    m = small ? m + m - 1.0f : m - 1.0f;
    float ef = (float)e;
    float z = m * m;
    float y = 7.0376836292e-2f;
    y = y * m - 1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m - 1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m - 1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m - 2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = y * m * z;
    y += ef * -2.12194440e-4f;
    y += -0.5f * z;
    float r = m + y + ef * 0.693359375f;
    r = x == INFINITY ? x : r;
    r = x < 0.0f ? NAN : r;
    r = x == 0.0f ? -INFINITY : r;
    return x != x ? x : r;
}

/* log(1 + x) for x >= -1 without losing the small x: log(u) * x / (u - 1) with u = 1 + x rounded
 * corrects for the rounding of u (Goldberg). Not for x = +inf (not needed by the callers). */
PG_INLINE float pg_log1pf(float x) {
    float u = 1.0f + x;
    float d = u - 1.0f;
    return d == 0.0f ? x : pg_logf(u) * (x / d);
}

/* Stable logistic: exp of -|x| only, so x = +-1000 gives 1 and 0, never inf/inf. */
PG_INLINE float pg_sigmoidf(float x) {
    float e = pg_expf(-fabsf(x));
    return (x >= 0.0f ? 1.0f : e) / (1.0f + e);
}

/* tanh: odd polynomial near 0 (where 1 - 2/(e^2x + 1) would cancel), exp form elsewhere (Cephes). */
PG_INLINE float pg_tanhf(float x) {
    float a = fabsf(x);
    float s = x * x;
    float p = -5.70498872745e-3f;
    p = p * s + 2.06390887954e-2f;
    p = p * s - 5.37397155531e-2f;
    p = p * s + 1.33314422036e-1f;
    p = p * s - 3.33332819422e-1f;
    float small = p * s * x + x;
    float big = 1.0f - 2.0f / (pg_expf(a + a) + 1.0f);
    big = x < 0.0f ? -big : big;
    return a < 0.625f ? small : big;
}

/*
 * Short rows (softmax over 10 classes, say) waste most of each vector on loop prologues, epilogues
 * and the final combination of the lanes of a reduction, once per row. Kernels reducing along rows
 * shorter than a threshold therefore take PG_ROWS rows at a time, copied into a buffer as columns
 * ([n, PG_ROWS], transposed), where the loops run across rows at full width and a reduction along
 * the row is a plain elementwise accumulation. The thresholds are measured per kernel (AVX2):
 * forward passes with exp and reductions gain up to 32-64 elements, backward passes below 8.
 */
enum { PG_ROWS = 8 };

/* dst[k * PG_ROWS + j] = src[j * n + k] for j < w rows of length n. */
PG_INLINE void pg_rows_to_cols(int64_t w, int64_t n, const float *src, float *dst) {
    for (int64_t j = 0; j < w; j++)
        for (int64_t k = 0; k < n; k++) dst[k * PG_ROWS + j] = src[j * n + k];
}

PG_INLINE void pg_cols_to_rows(int64_t w, int64_t n, const float *src, float *dst) {
    for (int64_t j = 0; j < w; j++)
        for (int64_t k = 0; k < n; k++) dst[j * n + k] = src[k * PG_ROWS + j];
}

/* Max of x[0..n), n >= 1. NaN is ignored unless x[0] is NaN: callers that care check separately. */
PG_INLINE float pg_max(int64_t n, const float *x) {
    float m = x[0];
#pragma omp simd reduction(max : m)
    for (int64_t i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
    return m;
}

/* sum(x[i]), or sum(x[i] * y[i]) when y is given, accumulated in double. */
PG_INLINE double pg_sum(int64_t n, const float *x, const float *y) {
    double s = 0.0;
    if (y) {
#pragma omp simd reduction(+ : s)
        for (int64_t i = 0; i < n; i++) s += (double)x[i] * y[i];
    } else {
#pragma omp simd reduction(+ : s)
        for (int64_t i = 0; i < n; i++) s += x[i];
    }
    return s;
}

/* sum(exp(x[i] - m)) in double. The exps go through a small buffer: a loop mixing the float exp
 * and the double sum would be vectorised at the double width, half as wide. */
PG_INLINE double pg_sum_exp(int64_t n, const float *x, float m) {
    float e[256];
    double s = 0.0;
    for (int64_t i0 = 0; i0 < n; i0 += 256) {
        int64_t w = n - i0 < 256 ? n - i0 : 256;
        PG_SIMD for (int64_t j = 0; j < w; j++) e[j] = pg_expf(x[i0 + j] - m);
        s += pg_sum(w, e, NULL);
    }
    return s;
}

/* Labels are floats holding whole numbers, range-checked in Java. */
PG_INLINE int64_t pg_label(const float *labels, int64_t r) {
    return (int64_t)labels[r];
}

#endif /* PG_INTERNAL_H */

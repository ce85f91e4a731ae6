/* elementwise.c - fills, same-shape and broadcast binary ops, unary ops and their backward passes. */
#include "pg_internal.h"

PG_KERNEL void pg_elementwise_fill(int64_t n, float value, float *out) {
    PG_SIMD for (int64_t i = 0; i < n; i++) out[i] = value;
}

PG_KERNEL void pg_elementwise_expand(int64_t outer, int64_t n, int64_t inner, const float *x, float *out) {
    for (int64_t o = 0; o < outer; o++) {
        const float *xo = x + o * inner;
        float *out_o = out + o * n * inner;
        if (inner == 1) {
            float v = xo[0];
            PG_SIMD for (int64_t k = 0; k < n; k++) out_o[k] = v;
        } else {
            /* memmove: with n == 1, out may be x itself. */
            for (int64_t k = 0; k < n; k++) memmove(out_o + k * inner, xo, (size_t)inner * sizeof *out);
        }
    }
}

/* ---- binary, same shape ---------------------------------------------------------------- */

#define PG_BINARY(name, expr)                                                                    \
    PG_KERNEL void pg_elementwise_##name(int64_t n, const float *a, const float *b, float *out) { \
        PG_SIMD for (int64_t i = 0; i < n; i++) out[i] = a[i] expr b[i];                         \
    }

PG_BINARY(add, +)
PG_BINARY(sub, -)
PG_BINARY(mul, *)
PG_BINARY(div, /)

/* ---- binary, broadcast ----------------------------------------------------------------- */

PG_INLINE float op_add(float x, float y) { return x + y; }
PG_INLINE float op_sub(float x, float y) { return x - y; }
PG_INLINE float op_mul(float x, float y) { return x * y; }
PG_INLINE float op_div(float x, float y) { return x / y; }

typedef float (*binop)(float, float);

/* One contiguous output row; the stride patterns that occur in practice get their own loop so
 * that they vectorise: (1,1) equal shapes, (1,0) / (0,1) a scalar or a column on one side. */
PG_INLINE void bcast_row(int64_t d, const float *a, int64_t as, const float *b, int64_t bs, float *out,
                         binop op) {
    if (as == 1 && bs == 1) {
        PG_SIMD for (int64_t i = 0; i < d; i++) out[i] = op(a[i], b[i]);
    } else if (as == 1 && bs == 0) {
        float y = b[0];
        PG_SIMD for (int64_t i = 0; i < d; i++) out[i] = op(a[i], y);
    } else if (as == 0 && bs == 1) {
        float x = a[0];
        PG_SIMD for (int64_t i = 0; i < d; i++) out[i] = op(x, b[i]);
    } else {
        PG_SIMD for (int64_t i = 0; i < d; i++) out[i] = op(a[i * as], b[i * bs]);
    }
}

/*
 * Outer axes that continue the innermost one in both inputs (or have size 1) are folded into it
 * first (the output is always contiguous), so equal shapes become one long row whatever axes the
 * caller used, and the vectorised row loop does the work.
 */
PG_INLINE void bcast(int64_t d0, int64_t d1, int64_t d2, int64_t d3,
                     const float *a, int64_t as0, int64_t as1, int64_t as2, int64_t as3,
                     const float *b, int64_t bs0, int64_t bs1, int64_t bs2, int64_t bs3, float *out, binop op) {
    if (d0 <= 0 || d1 <= 0 || d2 <= 0 || d3 <= 0) return;
    int64_t d[4] = {d0, d1, d2, d3}, as[4] = {as0, as1, as2, as3}, bs[4] = {bs0, bs1, bs2, bs3};
    for (int j = 2; j >= 0 && (d[j] == 1 || (as[j] == as[3] * d[3] && bs[j] == bs[3] * d[3])); j--) {
        d[3] *= d[j];
        d[j] = 1;
    }
    for (int64_t i0 = 0; i0 < d[0]; i0++)
        for (int64_t i1 = 0; i1 < d[1]; i1++)
            for (int64_t i2 = 0; i2 < d[2]; i2++)
                bcast_row(d[3], a + i0 * as[0] + i1 * as[1] + i2 * as[2], as[3],
                          b + i0 * bs[0] + i1 * bs[1] + i2 * bs[2], bs[3],
                          out + ((i0 * d[1] + i1) * d[2] + i2) * d[3], op);
}

#define PG_BCAST(name)                                                                                      \
    PG_KERNEL void pg_elementwise_##name##_bcast(                                                           \
        int64_t d0, int64_t d1, int64_t d2, int64_t d3, const float *a, int64_t as0, int64_t as1, int64_t as2, \
        int64_t as3, const float *b, int64_t bs0, int64_t bs1, int64_t bs2, int64_t bs3, float *out) {        \
        bcast(d0, d1, d2, d3, a, as0, as1, as2, as3, b, bs0, bs1, bs2, bs3, out, op_##name);                \
    }

PG_BCAST(add)
PG_BCAST(sub)
PG_BCAST(mul)
PG_BCAST(div)

/* ---- scalar operand -------------------------------------------------------------------- */

PG_KERNEL void pg_elementwise_affine(int64_t n, const float *a, float scale, float shift, float *out) {
    PG_SIMD for (int64_t i = 0; i < n; i++) out[i] = a[i] * scale + shift;
}

PG_KERNEL void pg_elementwise_rdiv_scalar(int64_t n, float s, const float *a, float *out) {
    PG_SIMD for (int64_t i = 0; i < n; i++) out[i] = s / a[i];
}

/* ---- unary forward --------------------------------------------------------------------- */

#define PG_UNARY(name, expr)                                                          \
    PG_KERNEL void pg_elementwise_##name(int64_t n, const float *x, float *out) {     \
        PG_SIMD for (int64_t i = 0; i < n; i++) {                                     \
            float v = x[i];                                                           \
            out[i] = (expr);                                                          \
        }                                                                             \
    }

PG_UNARY(neg, -v)
PG_UNARY(exp, pg_expf(v))
PG_UNARY(log, pg_logf(v))
PG_UNARY(sqrt, sqrtf(v))
PG_UNARY(abs, fabsf(v))
/* "v < 0 ? 0 : v" rather than fmaxf(v, 0): NaN propagates, as in torch.relu. */
PG_UNARY(relu, v < 0.0f ? 0.0f : v)
PG_UNARY(sigmoid, pg_sigmoidf(v))
PG_UNARY(tanh, pg_tanhf(v))

/* powf is a libm call per element; the common square is exact as v * v (powf is within 1 ulp of it
 * and correctly rounded in practice), and vectorises. */
PG_KERNEL void pg_elementwise_pow(int64_t n, const float *x, float p, float *out) {
    if (p == 2.0f) {
        PG_SIMD for (int64_t i = 0; i < n; i++) out[i] = x[i] * x[i];
    } else {
        for (int64_t i = 0; i < n; i++) out[i] = powf(x[i], p);
    }
}

/* ---- unary backward -------------------------------------------------------------------- */

#define PG_BACKWARD(name, expr)                                                                          \
    PG_KERNEL void pg_elementwise_##name##_backward(int64_t n, const float *s, const float *gy, float *gx) { \
        PG_SIMD for (int64_t i = 0; i < n; i++) {                                                          \
            float v = s[i], g = gy[i];                                                                     \
            gx[i] = (expr);                                                                                \
        }                                                                                                  \
    }

PG_BACKWARD(exp, g * v)                                          /* v = y = exp(x) */
PG_BACKWARD(log, g / v)                                          /* v = x */
PG_BACKWARD(sqrt, g * 0.5f / v)                                  /* v = y = sqrt(x) */
PG_BACKWARD(abs, v > 0.0f ? g : (v < 0.0f ? -g : 0.0f))          /* v = x, sign(0) = 0 */
PG_BACKWARD(relu, v > 0.0f ? g : 0.0f)                           /* v = x */
PG_BACKWARD(sigmoid, g * v * (1.0f - v))                         /* v = y */
PG_BACKWARD(tanh, g * (1.0f - v * v))                            /* v = y */

/* gx = gy * p * x^(p-1); p == 0 gives 0 even where x^(p-1) is inf (torch masks it the same way). */
PG_KERNEL void pg_elementwise_pow_backward(int64_t n, const float *x, float p, const float *gy, float *gx) {
    if (p == 0.0f) {
        PG_SIMD for (int64_t i = 0; i < n; i++) gx[i] = 0.0f;
    } else if (p == 2.0f) {
        PG_SIMD for (int64_t i = 0; i < n; i++) gx[i] = gy[i] * 2.0f * x[i];
    } else {
        float q = p - 1.0f;
        for (int64_t i = 0; i < n; i++) gx[i] = gy[i] * p * powf(x[i], q);
    }
}

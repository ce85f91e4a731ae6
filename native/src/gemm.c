/* gemm.c - matrix product through OpenBLAS, and transposition. */
#include "pg_internal.h"

#include <cblas.h>

/* C = beta * C without reading C when beta == 0 (NaNs in C must not survive, as in BLAS). */
static void scale_c(int64_t m, int64_t n, float beta, float *c, int64_t ldc) {
    for (int64_t r = 0; r < m; r++) {
        float *cr = c + r * ldc;
        if (beta == 0.0f) {
            memset(cr, 0, (size_t)n * sizeof *cr);
        } else {
            PG_SIMD for (int64_t j = 0; j < n; j++) cr[j] *= beta;
        }
    }
}

void pg_gemm(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, float alpha,
             const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    if (m <= 0 || n <= 0) return;
    /* BLAS leaves A and B unreferenced when alpha == 0; k == 0 would trip its lda >= 1 check. */
    if (k <= 0 || alpha == 0.0f) {
        scale_c(m, n, beta, c, ldc);
        return;
    }
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                (blasint)m, (blasint)n, (blasint)k, alpha, a, (blasint)lda, b, (blasint)ldb, beta, c,
                (blasint)ldc);
}

/* Tiles of 32x32 floats (4 KiB each side) keep both the strided reads and the writes in L1. */
enum { TILE = 32 };

PG_KERNEL void pg_gemm_transpose(int64_t rows, int64_t cols, const float *restrict x, float *restrict out) {
    if (rows <= 0 || cols <= 0) return;
    if (rows == 1 || cols == 1) {
        memcpy(out, x, (size_t)(rows * cols) * sizeof *out);
        return;
    }
    for (int64_t r0 = 0; r0 < rows; r0 += TILE) {
        int64_t r1 = r0 + TILE < rows ? r0 + TILE : rows;
        for (int64_t c0 = 0; c0 < cols; c0 += TILE) {
            int64_t c1 = c0 + TILE < cols ? c0 + TILE : cols;
            for (int64_t c = c0; c < c1; c++) {
                float *o = out + c * rows;
                for (int64_t r = r0; r < r1; r++) o[r] = x[r * cols + c];
            }
        }
    }
}

/* loss.c - cross-entropy, NLL, binary cross-entropy (on probabilities and on logits), one-hot. */
#include "pg_internal.h"

/* Rows shorter than these are transposed in groups (see pg_internal.h; measured crossovers). */
enum { SHORT_FORWARD = 64, SHORT_BACKWARD = 8 };

/*
 * Per-row scalars (label, gloss) are read before a row is written: with cols == 1 an output has the
 * size of those inputs and may alias them. With cols == 0 no label is valid, so there are no rows
 * (Java checks); the kernels then return at once rather than index with an invalid label.
 */

/*
 * From the row's max m, s = sum(exp(x - m)) >= 1 and x[label]: log(s) as log1p(s - 1), with s - 1
 * exact in double, keeps the tiny loss of a confident prediction accurate (log of s rounded to
 * float would not); loss = (m - x[label]) + log(s) in double has no cancellation when the label
 * holds the max. m and log(s) are stored apart: m + log(s) rounded to float loses log(s)'s low
 * digits once |m| is large (all of them at |m| ~ 1e7), and backward would inherit that error.
 */
PG_INLINE void ce_finish(float m, double s, float target, float *loss, float *stats) {
    float log_s = pg_log1pf((float)(s - 1.0));
    stats[0] = m;
    stats[1] = log_s;
    *loss = (float)(((double)m - target) + log_s);
}
/*
 * Short rows (few classes): PG_ROWS rows r0.. at a time as the columns of a transposed copy, so the
 * loops run across rows. Called with w == PG_ROWS (a constant: one full vector per loop) for whole
 * groups and with the remainder once. Each group's inputs are all read before its outputs are
 * written, as an output may alias an input of the same size.
 */
PG_INLINE void ce_short_group(int64_t w, int64_t r0, int64_t cols, const float *logits, const float *labels,
                              float *loss, float *stats) {
    float t[SHORT_FORWARD * PG_ROWS], e[PG_ROWS], mx[PG_ROWS], target[PG_ROWS];
    double s[PG_ROWS];
    pg_rows_to_cols(w, cols, logits + r0 * cols, t);
    for (int64_t j = 0; j < w; j++) {
        mx[j] = t[j];
        s[j] = 0.0;
        target[j] = t[pg_label(labels, r0 + j) * PG_ROWS + j];
    }
    for (int64_t k = 1; k < cols; k++)
        PG_SIMD for (int64_t j = 0; j < w; j++) mx[j] = t[k * PG_ROWS + j] > mx[j] ? t[k * PG_ROWS + j] : mx[j];
    for (int64_t k = 0; k < cols; k++) {
        PG_SIMD for (int64_t j = 0; j < w; j++) e[j] = pg_expf(t[k * PG_ROWS + j] - mx[j]);
        PG_SIMD for (int64_t j = 0; j < w; j++) s[j] += e[j];
    }
    PG_SIMD for (int64_t j = 0; j < w; j++) ce_finish(mx[j], s[j], target[j], &loss[r0 + j], &stats[2 * (r0 + j)]);
}

PG_KERNEL void pg_loss_cross_entropy(int64_t rows, int64_t cols, const float *logits, const float *labels,
                                     float *loss, float *stats) {
    if (cols <= 0) return;
    if (cols >= SHORT_FORWARD) {
        for (int64_t r = 0; r < rows; r++) {
            const float *x = logits + r * cols;
            float m = pg_max(cols, x), target = x[pg_label(labels, r)];
            ce_finish(m, pg_sum_exp(cols, x, m), target, &loss[r], &stats[2 * r]);
        }
        return;
    }
    int64_t r0 = 0;
    for (; r0 + PG_ROWS <= rows; r0 += PG_ROWS) ce_short_group(PG_ROWS, r0, cols, logits, labels, loss, stats);
    if (r0 < rows) ce_short_group(rows - r0, r0, cols, logits, labels, loss, stats);
}

PG_INLINE void ce_backward_short_group(int64_t w, int64_t r0, int64_t cols, const float *logits,
                                       const float *labels, const float *stats, const float *gloss, float *glogits) {
    float t[SHORT_BACKWARD * PG_ROWS], u[SHORT_BACKWARD * PG_ROWS], g[PG_ROWS], mx[PG_ROWS], l[PG_ROWS];
    int64_t label[PG_ROWS];
    pg_rows_to_cols(w, cols, logits + r0 * cols, t);
    for (int64_t j = 0; j < w; j++) {
        g[j] = gloss[r0 + j];
        mx[j] = stats[2 * (r0 + j)];
        l[j] = stats[2 * (r0 + j) + 1];
        label[j] = pg_label(labels, r0 + j);
    }
    for (int64_t k = 0; k < cols; k++)
        PG_SIMD for (int64_t j = 0; j < w; j++)
            u[k * PG_ROWS + j] = g[j] * pg_expf((t[k * PG_ROWS + j] - mx[j]) - l[j]);
    for (int64_t j = 0; j < w; j++) {
        int64_t at = label[j] * PG_ROWS + j;
        u[at] = g[j] * (pg_expf((t[at] - mx[j]) - l[j]) - 1.0f);
    }
    pg_cols_to_rows(w, cols, u, glogits + r0 * cols);
}

PG_KERNEL void pg_loss_cross_entropy_backward(int64_t rows, int64_t cols, const float *logits,
                                              const float *labels, const float *stats, const float *gloss,
                                              float *glogits) {
    if (cols <= 0) return;
    if (cols >= SHORT_BACKWARD) {
        for (int64_t r = 0; r < rows; r++) {
            const float *x = logits + r * cols;
            float *gx = glogits + r * cols;
            int64_t label = pg_label(labels, r);
            /* (x - m) - log(s) is torch's log_softmax, rounded the same way */
            float g = gloss[r], m = stats[2 * r], l = stats[2 * r + 1], xl = x[label];
            PG_SIMD for (int64_t c = 0; c < cols; c++) gx[c] = g * pg_expf((x[c] - m) - l);
            gx[label] = g * (pg_expf((xl - m) - l) - 1.0f);
        }
        return;
    }
    int64_t r0 = 0;
    for (; r0 + PG_ROWS <= rows; r0 += PG_ROWS)
        ce_backward_short_group(PG_ROWS, r0, cols, logits, labels, stats, gloss, glogits);
    if (r0 < rows) ce_backward_short_group(rows - r0, r0, cols, logits, labels, stats, gloss, glogits);
}

PG_KERNEL void pg_loss_nll(int64_t rows, int64_t cols, const float *logp, const float *labels, float *loss) {
    if (cols <= 0) return;
    for (int64_t r = 0; r < rows; r++) loss[r] = -logp[r * cols + pg_label(labels, r)];
}

PG_KERNEL void pg_loss_nll_backward(int64_t rows, int64_t cols, const float *labels, const float *gloss,
                                    float *glogp) {
    if (cols <= 0) return;
    for (int64_t r = 0; r < rows; r++) {
        int64_t label = pg_label(labels, r);
        float g = gloss[r];
        memset(glogp + r * cols, 0, (size_t)cols * sizeof *glogp);
        glogp[r * cols + label] = -g;
    }
}

/* torch clamps each log at -100 so that p = 0 or 1 gives a finite loss. log1p(-p) is log(1 - p)
 * without the rounding of 1 - p for small p. The comparisons keep NaN. */
PG_KERNEL void pg_loss_bce(int64_t n, const float *p, const float *z, float *loss) {
    PG_SIMD for (int64_t i = 0; i < n; i++) {
        float lp = pg_logf(p[i]), lq = pg_log1pf(-p[i]);
        lp = lp < -100.0f ? -100.0f : lp;
        lq = lq < -100.0f ? -100.0f : lq;
        loss[i] = -(z[i] * lp + (1.0f - z[i]) * lq);
    }
}

PG_KERNEL void pg_loss_bce_backward(int64_t n, const float *p, const float *z, const float *gloss, float *gp) {
    PG_SIMD for (int64_t i = 0; i < n; i++) {
        float d = (1.0f - p[i]) * p[i];
        d = d < 1e-12f ? 1e-12f : d;
        gp[i] = gloss[i] * (p[i] - z[i]) / d;
    }
}

/* max(x,0) - x*z + log(1 + exp(-|x|)): exp never overflows, and log1p keeps the tail for large |x|. */
PG_KERNEL void pg_loss_bce_with_logits(int64_t n, const float *x, const float *z, float *loss) {
    PG_SIMD for (int64_t i = 0; i < n; i++) {
        float v = x[i];
        float pos = v > 0.0f ? v : 0.0f;
        loss[i] = pos - v * z[i] + pg_log1pf(pg_expf(-fabsf(v)));
    }
}

PG_KERNEL void pg_loss_bce_with_logits_backward(int64_t n, const float *x, const float *z, const float *gloss,
                                                float *gx) {
    PG_SIMD for (int64_t i = 0; i < n; i++) gx[i] = gloss[i] * (pg_sigmoidf(x[i]) - z[i]);
}

PG_KERNEL void pg_loss_one_hot(int64_t rows, int64_t classes, const float *labels, float *out) {
    if (classes <= 0) return;
    for (int64_t r = 0; r < rows; r++) {
        int64_t label = pg_label(labels, r);
        memset(out + r * classes, 0, (size_t)classes * sizeof *out);
        out[r * classes + label] = 1.0f;
    }
}

/*
 * panagrad.h - the one header of libpanagrad: every exported kernel, prefix pg_.
 *
 * Conventions (see DESIGN.md):
 *  - Kernels take sizes and pointers only; shape checks and broadcasting decisions live in Java.
 *  - All tensors are contiguous, row-major float32. Sizes are element counts (int64_t).
 *  - An output may alias an input of the same size (in-place update) unless a kernel says otherwise.
 *  - Names are pg_<family>_<op>[_backward]; family = the source file under native/src/.
 *  - Backward kernels write (never accumulate into) their gradient output.
 *  - Class labels are passed as floats holding whole numbers; Java checks their range first.
 */
#ifndef PANAGRAD_H
#define PANAGRAD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- runtime (runtime.c) ---------------------------------------------------------------- */

/** ABI version of this header; Java refuses a library whose version differs. */
int pg_runtime_version(void);
/** Threads OpenBLAS may use (sets openblas_set_num_threads). */
void pg_runtime_set_threads(int threads);
int pg_runtime_threads(void);
/** OpenBLAS build configuration and core type, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ... Haswell". */
const char *pg_runtime_blas_info(void);

/* ---- gemm.c ----------------------------------------------------------------------------- */

/**
 * C[m,n] = alpha * op(A) * op(B) + beta * C, row-major, op(X) = X or X^T (trans_* != 0).
 * op(A) is [m,k], op(B) is [k,n]; lda/ldb/ldc are the row strides of A, B, C as stored.
 */
void pg_gemm(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, float alpha,
             const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);
/** out[c,r] = x[r,c] for x of shape [rows, cols]. out must not alias x. */
void pg_gemm_transpose(int64_t rows, int64_t cols, const float *x, float *out);

/* ---- elementwise.c ---------------------------------------------------------------------- */

void pg_elementwise_fill(int64_t n, float value, float *out);
/** out[o,k,i] = x[o,i] for o < outer, k < n, i < inner (broadcast copy; backward of sum over an axis). */
void pg_elementwise_expand(int64_t outer, int64_t n, int64_t inner, const float *x, float *out);

/* same shape: out[i] = a[i] op b[i] */
void pg_elementwise_add(int64_t n, const float *a, const float *b, float *out);
void pg_elementwise_sub(int64_t n, const float *a, const float *b, float *out);
void pg_elementwise_mul(int64_t n, const float *a, const float *b, float *out);
void pg_elementwise_div(int64_t n, const float *a, const float *b, float *out);

/*
 * Broadcast: out is contiguous [d0,d1,d2,d3]; a and b are read at
 * i0*s0 + i1*s1 + i2*s2 + i3*s3 with their own strides (0 along broadcast axes).
 * Covers a row vector over a matrix, a column vector, a scalar tensor and any collapsed
 * numpy pattern of up to four axes without materialising an expanded copy.
 */
void pg_elementwise_add_bcast(int64_t d0, int64_t d1, int64_t d2, int64_t d3,
                              const float *a, int64_t as0, int64_t as1, int64_t as2, int64_t as3,
                              const float *b, int64_t bs0, int64_t bs1, int64_t bs2, int64_t bs3, float *out);
void pg_elementwise_sub_bcast(int64_t d0, int64_t d1, int64_t d2, int64_t d3,
                              const float *a, int64_t as0, int64_t as1, int64_t as2, int64_t as3,
                              const float *b, int64_t bs0, int64_t bs1, int64_t bs2, int64_t bs3, float *out);
void pg_elementwise_mul_bcast(int64_t d0, int64_t d1, int64_t d2, int64_t d3,
                              const float *a, int64_t as0, int64_t as1, int64_t as2, int64_t as3,
                              const float *b, int64_t bs0, int64_t bs1, int64_t bs2, int64_t bs3, float *out);
void pg_elementwise_div_bcast(int64_t d0, int64_t d1, int64_t d2, int64_t d3,
                              const float *a, int64_t as0, int64_t as1, int64_t as2, int64_t as3,
                              const float *b, int64_t bs0, int64_t bs1, int64_t bs2, int64_t bs3, float *out);

/* scalar operand: out[i] = a[i] * scale + shift (add, sub, mul, neg by a scalar); out[i] = s / a[i] */
void pg_elementwise_affine(int64_t n, const float *a, float scale, float shift, float *out);
void pg_elementwise_rdiv_scalar(int64_t n, float s, const float *a, float *out);

/* unary forward: out[i] = f(x[i]) */
void pg_elementwise_neg(int64_t n, const float *x, float *out);
void pg_elementwise_exp(int64_t n, const float *x, float *out);
void pg_elementwise_log(int64_t n, const float *x, float *out);
void pg_elementwise_sqrt(int64_t n, const float *x, float *out);
void pg_elementwise_abs(int64_t n, const float *x, float *out);
void pg_elementwise_pow(int64_t n, const float *x, float p, float *out);
void pg_elementwise_relu(int64_t n, const float *x, float *out);
void pg_elementwise_sigmoid(int64_t n, const float *x, float *out);
void pg_elementwise_tanh(int64_t n, const float *x, float *out);

/* unary backward: gx[i] = gy[i] * f'(.), from the saved input x or output y as named */
void pg_elementwise_exp_backward(int64_t n, const float *y, const float *gy, float *gx);
void pg_elementwise_log_backward(int64_t n, const float *x, const float *gy, float *gx);
void pg_elementwise_sqrt_backward(int64_t n, const float *y, const float *gy, float *gx);
void pg_elementwise_abs_backward(int64_t n, const float *x, const float *gy, float *gx);
void pg_elementwise_pow_backward(int64_t n, const float *x, float p, const float *gy, float *gx);
void pg_elementwise_relu_backward(int64_t n, const float *x, const float *gy, float *gx);
void pg_elementwise_sigmoid_backward(int64_t n, const float *y, const float *gy, float *gx);
void pg_elementwise_tanh_backward(int64_t n, const float *y, const float *gy, float *gx);

/* ---- reduce.c --------------------------------------------------------------------------- */

/** out[0] = sum of x[0..n), accumulated in double. */
void pg_reduce_sum(int64_t n, const float *x, float *out);
/** out[o,i] = sum_k x[o,k,i] for x viewed as [outer, n, inner] (sum over one axis, e.g. bias gradients). */
void pg_reduce_sum_axis(int64_t outer, int64_t n, int64_t inner, const float *x, float *out);
/** Max over one axis of x viewed as [outer, n, inner] (n >= 1): values and the first index of the maximum (as float). */
void pg_reduce_max_axis(int64_t outer, int64_t n, int64_t inner, const float *x, float *max, float *argmax);

/* ---- softmax.c -------------------------------------------------------------------------- */

/** Softmax over the middle axis of x viewed as [outer, n, inner] (inner = 1 for the last axis). */
void pg_softmax(int64_t outer, int64_t n, int64_t inner, const float *x, float *y);
/** gx = y * (gy - sum(gy * y)) along the axis. */
void pg_softmax_backward(int64_t outer, int64_t n, int64_t inner, const float *y, const float *gy, float *gx);
void pg_softmax_log(int64_t outer, int64_t n, int64_t inner, const float *x, float *y);
/** gx = gy - exp(y) * sum(gy) along the axis, y the log-softmax output. */
void pg_softmax_log_backward(int64_t outer, int64_t n, int64_t inner, const float *y, const float *gy, float *gx);

/* ---- loss.c ----------------------------------------------------------------------------- */

/**
 * Softmax cross-entropy from logits [rows, cols] and class indices labels[rows] (0 <= label < cols):
 * loss[r] = logsumexp(x[r,:]) - x[r, label[r]]. stats[rows, 2] keeps, for the backward pass, the row max
 * stats[r,0] = m = max(x[r,:]) and stats[r,1] = log(sum(exp(x[r,:] - m))) separately: their float sum
 * (logsumexp) would lose the low digits of log-sum for large logits.
 */
void pg_loss_cross_entropy(int64_t rows, int64_t cols, const float *logits, const float *labels,
                           float *loss, float *stats);
/**
 * glogits[r,c] = gloss[r] * (exp((x[r,c] - m) - log_s) - (c == label[r])), with (m, log_s) = stats[r,:]
 * from the forward pass: the log-softmax of torch's log_softmax, so the error does not grow with |x|.
 */
void pg_loss_cross_entropy_backward(int64_t rows, int64_t cols, const float *logits, const float *labels,
                                    const float *stats, const float *gloss, float *glogits);
/** loss[r] = -logp[r, label[r]]. */
void pg_loss_nll(int64_t rows, int64_t cols, const float *logp, const float *labels, float *loss);
/** glogp = 0 except glogp[r, label[r]] = -gloss[r]. */
void pg_loss_nll_backward(int64_t rows, int64_t cols, const float *labels, const float *gloss, float *glogp);
/** loss = -(z*log(p) + (1-z)*log(1-p)), each log clamped at -100 (as torch). */
void pg_loss_bce(int64_t n, const float *p, const float *z, float *loss);
/** gp = gloss * (p - z) / max((1-p)*p, 1e-12). */
void pg_loss_bce_backward(int64_t n, const float *p, const float *z, const float *gloss, float *gp);
/** Stable form: loss = max(x,0) - x*z + log(1 + exp(-|x|)). */
void pg_loss_bce_with_logits(int64_t n, const float *x, const float *z, float *loss);
/** gx = gloss * (sigmoid(x) - z). */
void pg_loss_bce_with_logits_backward(int64_t n, const float *x, const float *z, const float *gloss, float *gx);
/** out[r, label[r]] = 1, else 0; out is [rows, classes]. */
void pg_loss_one_hot(int64_t rows, int64_t classes, const float *labels, float *out);

/* ---- optim.c ---------------------------------------------------------------------------- */

/*
 * Hyper-parameters are double, as torch's Python floats: scalar coefficients (1 - beta, 1 - dampening,
 * bias corrections, 1 - lr*wd) are computed in double and rounded to float once; the per-element
 * arithmetic is float, with every hyper-parameter used there rounded to float first (as torch's CPU
 * kernels convert a Python scalar to the tensor's float type).
 */

/**
 * torch.optim.SGD for one parameter: g' = g + wd*p; with momentum, buf = g' on the first step
 * (first != 0), else buf = momentum*buf + (1-dampening)*g'; the step uses g' + momentum*buf
 * (nesterov) or buf. p -= lr * step. buf may be NULL when momentum == 0. g is not modified.
 */
void pg_optim_sgd(int64_t n, float *p, const float *g, float *buf, double lr, double momentum,
                  double dampening, double weight_decay, int nesterov, int first);
/**
 * torch.optim.Adam (decoupled == 0, weight decay added to the gradient) and AdamW (decoupled != 0,
 * p *= 1 - lr*wd) for one parameter at step t >= 1; vmax (amsgrad) may be NULL when amsgrad == 0.
 */
void pg_optim_adam(int64_t n, float *p, const float *g, float *m, float *v, float *vmax, double lr,
                   double beta1, double beta2, double eps, double weight_decay, int64_t step, int amsgrad,
                   int decoupled);
/**
 * torch.optim.RMSprop for one parameter; grad_avg may be NULL unless centered, buf NULL unless momentum > 0.
 */
void pg_optim_rmsprop(int64_t n, float *p, const float *g, float *square_avg, float *grad_avg, float *buf,
                      double lr, double alpha, double eps, double weight_decay, double momentum, int centered);

#ifdef __cplusplus
}
#endif

#endif /* PANAGRAD_H */

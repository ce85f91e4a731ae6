/*
 * optim.c - fused optimizer updates, one pass over a parameter, following torch 1.13's
 * single-tensor implementations operation for operation (weight decay only when non-zero, so a
 * zero decay never turns an infinite parameter into NaN through 0 * inf). The gradient is only read.
 * Options are loop-invariant selects or separate loops, so each loop is branch-free and vectorises.
 */
#include "pg_internal.h"

/* Hyper-parameters arrive as double (torch's Python floats): coefficients such as 1 - beta are formed in
 * double and rounded once (1 - 0.999 is 1e-3, where 1 - 0.999f would be 9.99987e-4); each value the
 * per-element float arithmetic uses is rounded to float, as torch converts a scalar to the tensor type. */

PG_KERNEL void pg_optim_sgd(int64_t n, float *p, const float *g, float *buf, double lr_d, double momentum_d,
                            double dampening, double weight_decay, int nesterov, int first) {
    float lr = (float)lr_d, momentum = (float)momentum_d, wd = (float)weight_decay;
    float keep = (float)(1.0 - dampening);
    if (momentum_d == 0.0) {
        PG_SIMD for (int64_t i = 0; i < n; i++) {
            float d = wd != 0.0f ? g[i] + wd * p[i] : g[i];
            p[i] -= lr * d;
        }
    } else if (first) {
        /* torch clones d_p into the new buffer: no dampening on the first step. */
        PG_SIMD for (int64_t i = 0; i < n; i++) {
            float d = wd != 0.0f ? g[i] + wd * p[i] : g[i];
            buf[i] = d;
            p[i] -= lr * (nesterov ? d + momentum * d : d);
        }
    } else {
        PG_SIMD for (int64_t i = 0; i < n; i++) {
            float d = wd != 0.0f ? g[i] + wd * p[i] : g[i];
            float b = momentum * buf[i] + keep * d;
            buf[i] = b;
            p[i] -= lr * (nesterov ? d + momentum * b : b);
        }
    }
}

/* AMSGrad, centering and momentum touch extra state (possibly NULL pointers), so they are constant
 * arguments of always-inlined loops: each combination gets its own branch-free loop. */
PG_INLINE void adam_loop(int64_t n, float *p, const float *g, float *m, float *v, float *vmax, float beta1,
                         float beta2, float c1, float c2, float eps, float wd, float decay, float step_size,
                         float bc2_sqrt, const int amsgrad) {
    PG_SIMD for (int64_t i = 0; i < n; i++) {
        float pi = p[i];
        float gi = wd != 0.0f ? g[i] + wd * pi : g[i];
        pi *= decay;
        float mi = m[i] * beta1 + c1 * gi;
        float vi = v[i] * beta2 + c2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        if (amsgrad) {
            float vm = vmax[i];
            vi = (vi > vm || vi != vi) ? vi : vm; /* torch.maximum: NaN wins */
            vmax[i] = vi;
        }
        float denom = sqrtf(vi) / bc2_sqrt + eps;
        p[i] = pi - step_size * (mi / denom);
    }
}

PG_KERNEL void pg_optim_adam(int64_t n, float *p, const float *g, float *m, float *v, float *vmax, double lr,
                             double beta1, double beta2, double eps, double weight_decay, int64_t step, int amsgrad,
                             int decoupled) {
    /* Scalars in double as torch computes them in Python, rounded to float once. */
    float c1 = (float)(1.0 - beta1), c2 = (float)(1.0 - beta2);
    double bc1 = 1.0 - pow(beta1, (double)step);
    double bc2 = 1.0 - pow(beta2, (double)step);
    float step_size = (float)(lr / bc1);
    float bc2_sqrt = (float)sqrt(bc2);
    /* Adam adds wd*p to the gradient; AdamW scales p by 1 - lr*wd instead (exactly 1 for Adam). */
    float wd = decoupled ? 0.0f : (float)weight_decay;
    float decay = decoupled ? (float)(1.0 - lr * weight_decay) : 1.0f;
    float b1 = (float)beta1, b2 = (float)beta2, e = (float)eps;
    if (amsgrad)
        adam_loop(n, p, g, m, v, vmax, b1, b2, c1, c2, e, wd, decay, step_size, bc2_sqrt, 1);
    else
        adam_loop(n, p, g, m, v, vmax, b1, b2, c1, c2, e, wd, decay, step_size, bc2_sqrt, 0);
}

PG_INLINE void rmsprop_loop(int64_t n, float *p, const float *g, float *square_avg, float *grad_avg, float *buf,
                            float lr, float alpha, float c, float eps, float wd, float momentum, const int centered,
                            const int with_momentum) {
    PG_SIMD for (int64_t i = 0; i < n; i++) {
        float pi = p[i];
        float gi = wd != 0.0f ? g[i] + wd * pi : g[i];
        float sq = square_avg[i] * alpha + c * gi * gi;
        square_avg[i] = sq;
        float var = sq;
        if (centered) {
            float ga = grad_avg[i] * alpha + c * gi;
            grad_avg[i] = ga;
            var = sq - ga * ga;
        }
        float avg = sqrtf(var) + eps;
        if (with_momentum) {
            float b = buf[i] * momentum + gi / avg;
            buf[i] = b;
            p[i] = pi - lr * b;
        } else {
            p[i] = pi - lr * (gi / avg);
        }
    }
}

PG_KERNEL void pg_optim_rmsprop(int64_t n, float *p, const float *g, float *square_avg, float *grad_avg,
                                float *buf, double lr, double alpha, double eps, double weight_decay,
                                double momentum, int centered) {
    int mom = momentum > 0.0;
    float l = (float)lr, a = (float)alpha, c = (float)(1.0 - alpha), e = (float)eps, wd = (float)weight_decay,
          mo = (float)momentum;
    if (centered && mom)
        rmsprop_loop(n, p, g, square_avg, grad_avg, buf, l, a, c, e, wd, mo, 1, 1);
    else if (centered)
        rmsprop_loop(n, p, g, square_avg, grad_avg, buf, l, a, c, e, wd, mo, 1, 0);
    else if (mom)
        rmsprop_loop(n, p, g, square_avg, grad_avg, buf, l, a, c, e, wd, mo, 0, 1);
    else
        rmsprop_loop(n, p, g, square_avg, grad_avg, buf, l, a, c, e, wd, mo, 0, 0);
}

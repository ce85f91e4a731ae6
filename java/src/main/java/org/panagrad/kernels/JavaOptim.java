package org.panagrad.kernels;

import static org.panagrad.kernels.JavaMath.bound;
import static org.panagrad.kernels.JavaMath.get;
import static org.panagrad.kernels.JavaMath.load;
import static org.panagrad.kernels.JavaMath.set;
import static org.panagrad.kernels.JavaMath.store;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Fused optimizer updates (twin of {@code native/src/optim.c}): one pass over a parameter, following torch
 * 1.13's single-tensor implementations operation for operation. Weight decay is applied only when non-zero,
 * so a zero decay never turns an infinite parameter into NaN through 0 * inf; the gradient is only read.
 * Options select whole loops, so each loop is branch-free. {@code a*b + c} is fused where the C build
 * ({@code -ffp-contract=fast}) fuses it, so both backends round alike. Hyper-parameters arrive as double
 * (torch's Python floats): coefficients such as 1 - beta are formed in double and rounded to float once
 * (1 - 0.999 is 1e-3, where 1 - 0.999f would be 9.99987e-4); each value the per-element float arithmetic
 * uses is rounded to float, as torch converts a scalar to the tensor's type.
 */
final class JavaOptim {
    private JavaOptim() {}

    private static final int L = JavaMath.L;

    /** a * b + c, fused. */
    private static FloatVector fma(FloatVector a, float b, FloatVector c) {
        return a.fma(a.broadcast(b), c);
    }

    /** c - a * b, fused. */
    private static FloatVector fnma(float a, FloatVector b, FloatVector c) {
        return b.fma(b.broadcast(-a), c);
    }

    /** d = g + wd * p when wd != 0, else g. */
    private static FloatVector decayed(FloatVector g, FloatVector p, float wd) {
        return wd != 0.0f ? p.fma(p.broadcast(wd), g) : g;
    }

    private static float decayed(float g, float p, float wd) {
        return wd != 0.0f ? Math.fma(wd, p, g) : g;
    }

    static void sgd(long n, MemorySegment p, MemorySegment g, MemorySegment buf, double lrD, double momentumD,
                    double dampening, double weightDecay, boolean nesterov, boolean first) {
        float lr = (float) lrD, momentum = (float) momentumD, wd = (float) weightDecay;
        float keep = (float) (1.0 - dampening);
        long i = 0, e = bound(n);
        if (momentumD == 0.0) {
            for (; i < e; i += L) {
                FloatVector pv = load(p, i);
                store(fnma(lr, decayed(load(g, i), pv, wd), pv), p, i);
            }
            for (; i < n; i++) {
                float pi = get(p, i);
                set(p, i, Math.fma(-lr, decayed(get(g, i), pi, wd), pi));
            }
        } else if (first) {
            // torch clones d_p into the new buffer: no dampening on the first step.
            for (; i < e; i += L) {
                FloatVector pv = load(p, i);
                FloatVector d = decayed(load(g, i), pv, wd);
                store(d, buf, i);
                FloatVector step = nesterov ? fma(d, momentum, d) : d;
                store(fnma(lr, step, pv), p, i);
            }
            for (; i < n; i++) {
                float pi = get(p, i);
                float d = decayed(get(g, i), pi, wd);
                set(buf, i, d);
                set(p, i, Math.fma(-lr, nesterov ? Math.fma(momentum, d, d) : d, pi));
            }
        } else {
            for (; i < e; i += L) {
                FloatVector pv = load(p, i);
                FloatVector d = decayed(load(g, i), pv, wd);
                FloatVector b = fma(load(buf, i), momentum, d.mul(keep));
                store(b, buf, i);
                FloatVector step = nesterov ? fma(b, momentum, d) : b;
                store(fnma(lr, step, pv), p, i);
            }
            for (; i < n; i++) {
                float pi = get(p, i);
                float d = decayed(get(g, i), pi, wd);
                float b = Math.fma(momentum, get(buf, i), keep * d);
                set(buf, i, b);
                set(p, i, Math.fma(-lr, nesterov ? Math.fma(momentum, b, d) : b, pi));
            }
        }
    }

    /**
     * Adam / AdamW. Bias corrections in double as torch computes them in Python, rounded to float once;
     * Adam adds wd*p to the gradient, AdamW scales p by 1 - lr*wd instead.
     */
    static void adam(long n, MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, MemorySegment vmax,
                     double lr, double beta1D, double beta2D, double epsD, double weightDecay, long step,
                     boolean amsgrad, boolean decoupled) {
        float c1 = (float) (1.0 - beta1D), c2 = (float) (1.0 - beta2D);
        double bc1 = 1.0 - Math.pow(beta1D, (double) step);
        double bc2 = 1.0 - Math.pow(beta2D, (double) step);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        float wd = decoupled ? 0.0f : (float) weightDecay;
        float decay = decoupled ? (float) (1.0 - lr * weightDecay) : 1.0f;
        float beta1 = (float) beta1D, beta2 = (float) beta2D, eps = (float) epsD;
        long i = 0, e = bound(n);
        for (; i < e; i += L) {
            FloatVector pv = load(p, i);
            FloatVector gv = decayed(load(g, i), pv, wd);
            pv = pv.mul(decay);
            FloatVector mv = fma(load(m, i), beta1, gv.mul(c1));
            FloatVector vv = fma(load(v, i), beta2, gv.mul(c2).mul(gv));
            store(mv, m, i);
            store(vv, v, i);
            if (amsgrad) {
                FloatVector vm = load(vmax, i);
                // torch.maximum: NaN wins
                vv = vm.blend(vv, vv.compare(VectorOperators.GT, vm).or(vv.test(VectorOperators.IS_NAN)));
                store(vv, vmax, i);
            }
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).div(bc2Sqrt).add(eps);
            store(fnma(stepSize, mv.div(denom), pv), p, i);
        }
        for (; i < n; i++) {
            float pi = get(p, i);
            float gi = decayed(get(g, i), pi, wd);
            pi *= decay;
            float mi = Math.fma(get(m, i), beta1, c1 * gi);
            float vi = Math.fma(get(v, i), beta2, c2 * gi * gi);
            set(m, i, mi);
            set(v, i, vi);
            if (amsgrad) {
                float vm = get(vmax, i);
                vi = (vi > vm || vi != vi) ? vi : vm;
                set(vmax, i, vi);
            }
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            set(p, i, Math.fma(-stepSize, mi / denom, pi));
        }
    }

    /** RMSprop: square_avg = alpha*sq + (1-alpha)*g^2, optionally centered and with momentum. */
    static void rmsprop(long n, MemorySegment p, MemorySegment g, MemorySegment squareAvg, MemorySegment gradAvg,
                        MemorySegment buf, double lrD, double alphaD, double epsD, double weightDecay,
                        double momentumD, boolean centered) {
        boolean withMomentum = momentumD > 0.0;
        float lr = (float) lrD, alpha = (float) alphaD, c = (float) (1.0 - alphaD), eps = (float) epsD;
        float wd = (float) weightDecay, momentum = (float) momentumD;
        long i = 0, e = bound(n);
        for (; i < e; i += L) {
            FloatVector pv = load(p, i);
            FloatVector gv = decayed(load(g, i), pv, wd);
            FloatVector sq = fma(load(squareAvg, i), alpha, gv.mul(c).mul(gv));
            store(sq, squareAvg, i);
            FloatVector var = sq;
            if (centered) {
                FloatVector ga = fma(load(gradAvg, i), alpha, gv.mul(c));
                store(ga, gradAvg, i);
                var = ga.neg().fma(ga, sq);
            }
            FloatVector avg = var.lanewise(VectorOperators.SQRT).add(eps);
            if (withMomentum) {
                FloatVector b = fma(load(buf, i), momentum, gv.div(avg));
                store(b, buf, i);
                store(fnma(lr, b, pv), p, i);
            } else {
                store(fnma(lr, gv.div(avg), pv), p, i);
            }
        }
        for (; i < n; i++) {
            float pi = get(p, i);
            float gi = decayed(get(g, i), pi, wd);
            float sq = Math.fma(get(squareAvg, i), alpha, c * gi * gi);
            set(squareAvg, i, sq);
            float var = sq;
            if (centered) {
                float ga = Math.fma(get(gradAvg, i), alpha, c * gi);
                set(gradAvg, i, ga);
                var = Math.fma(-ga, ga, sq);
            }
            float avg = (float) Math.sqrt(var) + eps;
            if (withMomentum) {
                float b = Math.fma(get(buf, i), momentum, gi / avg);
                set(buf, i, b);
                set(p, i, Math.fma(-lr, b, pi));
            } else {
                set(p, i, Math.fma(-lr, gi / avg, pi));
            }
        }
    }
}

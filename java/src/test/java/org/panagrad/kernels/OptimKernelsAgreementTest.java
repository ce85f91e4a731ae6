package org.panagrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.panagrad.kernels.KernelHarness.assertClose;
import static org.panagrad.kernels.KernelHarness.both;
import static org.panagrad.kernels.KernelHarness.uniform;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused optimizer kernels over a few steps (a new gradient each step): {@link JavaKernels} against
 * {@link NativeKernels}, and both against the torch.optim formulas (torch 1.13 single-tensor SGD, Adam/AdamW,
 * RMSprop) evaluated in double.
 */
class OptimKernelsAgreementTest {

    static final int STEPS = 4;
    static final int[] SIZES = {0, 1, 7, 33, 1000, 100_003};

    static float[] grad(int n, int step) {
        return uniform(n * 13L + step, n, -1, 1);
    }

    // ---- SGD ----------------------------------------------------------------------------------

    static Stream<Arguments> sgdCases() {
        List<Arguments> list = new ArrayList<>();
        double[][] configs = { // momentum, dampening, weight decay, nesterov
            {0, 0, 0, 0}, {0, 0, 0.01, 0}, {0.9, 0, 0, 0}, {0.9, 0.1, 0.01, 0}, {0.9, 0, 0.01, 1}};
        for (double[] c : configs) for (int n : SIZES) list.add(Arguments.of(c[0], c[1], c[2], c[3] != 0, n));
        return list.stream();
    }

    @ParameterizedTest(name = "momentum={0} dampening={1} wd={2} nesterov={3} n={4}")
    @MethodSource("sgdCases")
    void sgd(double momentum, double dampening, double wd, boolean nesterov, int n) {
        double lr = 0.1; // hyper-parameters are double, as torch's Python floats
        float[] p0 = uniform(n, n, -2, 2);
        float[][] got = both("sgd", 2e-6, 1e-6, c -> {
            MemorySegment p = c.in(p0), buf = momentum == 0 ? MemorySegment.NULL : c.in(new float[n]);
            for (int s = 0; s < STEPS; s++) {
                c.k().optimSgd(n, p, c.in(grad(n, s)), buf, lr, momentum, dampening, wd, nesterov, s == 0);
            }
            return new float[][] {KernelHarness.arr(p)};
        });
        double[] p = KernelHarness.toDouble(p0), buf = new double[n];
        for (int s = 0; s < STEPS; s++) {
            float[] g = grad(n, s);
            for (int i = 0; i < n; i++) {
                double d = g[i];
                if (wd != 0) d += wd * p[i];
                if (momentum != 0) {
                    buf[i] = s == 0 ? d : momentum * buf[i] + (1 - dampening) * d;
                    d = nesterov ? d + momentum * buf[i] : buf[i];
                }
                p[i] -= lr * d;
            }
        }
        assertClose(p, got[0], 1e-5, 1e-6, "sgd vs torch formula in double");
    }

    // ---- Adam / AdamW -------------------------------------------------------------------------

    static Stream<Arguments> adamCases() {
        List<Arguments> list = new ArrayList<>();
        for (boolean ams : new boolean[] {false, true})
            for (boolean decoupled : new boolean[] {false, true})
                for (double wd : new double[] {0, 0.05})
                    for (int n : SIZES) list.add(Arguments.of(ams, decoupled, wd, n));
        return list.stream();
    }

    @ParameterizedTest(name = "amsgrad={0} decoupled={1} wd={2} n={3}")
    @MethodSource("adamCases")
    void adam(boolean amsgrad, boolean decoupled, double wd, int n) {
        double lr = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        float[] p0 = uniform(n + 5L, n, -2, 2);
        float[][] got = both("adam", 1e-5, 1e-6, c -> {
            MemorySegment p = c.in(p0), m = c.in(new float[n]), v = c.in(new float[n]);
            MemorySegment vmax = amsgrad ? c.in(new float[n]) : MemorySegment.NULL;
            for (int s = 1; s <= STEPS; s++) {
                c.k().optimAdam(n, p, c.in(grad(n, s)), m, v, vmax, lr, beta1, beta2, eps, wd, s, amsgrad, decoupled);
            }
            return new float[][] {KernelHarness.arr(p), KernelHarness.arr(m), KernelHarness.arr(v)};
        });
        double[] p = KernelHarness.toDouble(p0), m = new double[n], v = new double[n], vmax = new double[n];
        for (int s = 1; s <= STEPS; s++) {
            float[] g = grad(n, s);
            double bc1 = 1 - Math.pow(beta1, s), bc2 = 1 - Math.pow(beta2, s);
            for (int i = 0; i < n; i++) {
                double gi = g[i];
                if (decoupled) p[i] *= 1 - lr * wd;
                else if (wd != 0) gi += wd * p[i];
                m[i] = beta1 * m[i] + (1 - beta1) * gi;
                v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
                double vv = v[i];
                if (amsgrad) vv = vmax[i] = Math.max(vmax[i], v[i]);
                double denom = Math.sqrt(vv) / Math.sqrt(bc2) + eps;
                p[i] -= lr / bc1 * m[i] / denom;
            }
        }
        assertClose(p, got[0], 1e-5, 1e-6, "adam p vs torch formula in double");
        // state to a few float roundings (1 - 0.999f in place of 1 - 0.999 would put exp_avg_sq 1.3e-5 off)
        assertClose(m, got[1], 2e-6, 1e-7, "adam exp_avg");
        assertClose(v, got[2], 2e-6, 1e-10, "adam exp_avg_sq");
    }

    // ---- RMSprop ------------------------------------------------------------------------------

    static Stream<Arguments> rmspropCases() {
        List<Arguments> list = new ArrayList<>();
        for (boolean centered : new boolean[] {false, true})
            for (double momentum : new double[] {0, 0.9})
                for (double wd : new double[] {0, 0.05})
                    for (int n : SIZES) list.add(Arguments.of(centered, momentum, wd, n));
        return list.stream();
    }

    @ParameterizedTest(name = "centered={0} momentum={1} wd={2} n={3}")
    @MethodSource("rmspropCases")
    void rmsprop(boolean centered, double momentum, double wd, int n) {
        double lr = 0.01, alpha = 0.99, eps = 1e-8;
        float[] p0 = uniform(n + 9L, n, -2, 2);
        float[][] got = both("rmsprop", 1e-5, 1e-6, c -> {
            MemorySegment p = c.in(p0), sq = c.in(new float[n]);
            MemorySegment ga = centered ? c.in(new float[n]) : MemorySegment.NULL;
            MemorySegment buf = momentum > 0 ? c.in(new float[n]) : MemorySegment.NULL;
            for (int s = 0; s < STEPS; s++) {
                c.k().optimRmsprop(n, p, c.in(grad(n, s)), sq, ga, buf, lr, alpha, eps, wd, momentum, centered);
            }
            return new float[][] {KernelHarness.arr(p), KernelHarness.arr(sq)};
        });
        double[] p = KernelHarness.toDouble(p0), sq = new double[n], ga = new double[n], buf = new double[n];
        for (int s = 0; s < STEPS; s++) {
            float[] g = grad(n, s);
            for (int i = 0; i < n; i++) {
                double gi = g[i];
                if (wd != 0) gi += wd * p[i];
                sq[i] = alpha * sq[i] + (1 - alpha) * gi * gi;
                double avg;
                if (centered) {
                    ga[i] = alpha * ga[i] + (1 - alpha) * gi;
                    avg = Math.sqrt(sq[i] - ga[i] * ga[i]) + eps;
                } else {
                    avg = Math.sqrt(sq[i]) + eps;
                }
                if (momentum > 0) {
                    buf[i] = momentum * buf[i] + gi / avg;
                    p[i] -= lr * buf[i];
                } else {
                    p[i] -= lr * gi / avg;
                }
            }
        }
        // Centered RMSprop divides by sqrt(E[g^2] - E[g]^2), which cancels: a looser bound there.
        assertClose(p, got[0], centered ? 1e-4 : 1e-5, 1e-5, "rmsprop p vs torch formula in double");
        assertClose(sq, got[1], 2e-6, 1e-10, "rmsprop square_avg");
    }

    /** A zero weight decay is not applied at all: an infinite parameter stays infinite instead of becoming NaN. */
    @Test
    void zeroWeightDecayKeepsInfinity() {
        int n = 19;
        float[] p0 = new float[n];
        java.util.Arrays.fill(p0, Float.POSITIVE_INFINITY);
        float[][] got = both("inf parameter", 0, 0, c -> {
            MemorySegment a = c.in(p0), b = c.in(p0), r = c.in(p0), g = c.in(grad(n, 0));
            c.k().optimSgd(n, a, g, MemorySegment.NULL, 0.1, 0, 0, 0, false, true);
            c.k().optimAdam(n, b, g, c.in(new float[n]), c.in(new float[n]), MemorySegment.NULL, 0.1, 0.9, 0.999, 1e-8, 0, 1,
                    false, false);
            c.k().optimRmsprop(n, r, g, c.in(new float[n]), MemorySegment.NULL, MemorySegment.NULL, 0.1, 0.99, 1e-8, 0, 0,
                    false);
            return new float[][] {KernelHarness.arr(a), KernelHarness.arr(b), KernelHarness.arr(r)};
        });
        for (float[] out : got) for (float v : out) assertEquals(Float.POSITIVE_INFINITY, v);
    }
}

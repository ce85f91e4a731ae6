package org.panagrad;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Checks analytic gradients against central finite differences, for custom ops and losses:
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(3, 4).requiresGrad(true);
 * GradCheck.Result r = GradCheck.check(in -> in[0].tanh().mul(in[0]).sum(), x);
 * assert r.passed() : r;
 * }</pre>
 *
 * <p>The function maps the inputs to a tensor; its gradient is taken of {@code sum(f(inputs) * w)} for a fixed
 * random weighting {@code w}, so every output element is checked. Differences are taken in double precision
 * around float32 evaluations with step {@code eps}, and an element passes when
 * {@code |analytic - numeric| <= atol + rtol * |numeric|}. The report names the worst element with both values.
 */
public final class GradCheck {
    private GradCheck() {}

    /** Outcome of a check: the worst element over all inputs. */
    public record Result(boolean passed, int input, int[] index, double analytic, double numeric, double error,
                         int elementsChecked) {
        @Override
        public String toString() {
            return (passed ? "gradient check passed" : "gradient check FAILED") + ": worst element input " + input
                    + " index " + Arrays.toString(index) + ": analytic " + analytic + ", numeric " + numeric
                    + " (|diff| " + error + ") over " + elementsChecked + " elements";
        }
    }

    /** {@link #check(Function, double, double, double, Tensor...)} with eps 1e-2, atol 1e-3, rtol 1e-2 (float32-friendly). */
    public static Result check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return check(f, 1e-2, 1e-3, 1e-2, inputs);
    }

    /**
     * Compares the gradient of every input that requires grad with central differences.
     *
     * @param eps  finite-difference step
     * @param atol absolute tolerance
     * @param rtol relative tolerance
     */
    public static Result check(Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        Tensor probe;
        try (var g = Autograd.noGrad()) {
            probe = f.apply(inputs);
        }
        float[] weights = new float[(int) probe.numel()];
        var rng = new java.util.SplittableRandom(12345);
        for (int i = 0; i < weights.length; i++) weights[i] = (float) (0.5 + rng.nextDouble());
        Tensor w = Tensor.fromArray(weights, probe.shape());

        for (Tensor in : inputs) if (in.requiresGrad()) in.clearGrad();
        f.apply(inputs).mul(w).sum().backward();

        boolean passed = true;
        int worstInput = -1;
        int[] worstIndex = new int[0];
        double worstA = 0, worstN = 0, worstExcess = Double.NEGATIVE_INFINITY, worstErr = 0;
        int checked = 0;
        for (int k = 0; k < inputs.length; k++) {
            Tensor in = inputs[k];
            if (!in.requiresGrad()) continue;
            float[] analytic = in.grad() == null ? new float[(int) in.numel()] : in.grad().toFloatArray();
            for (int i = 0; i < in.numel(); i++) {
                float orig = in.segment().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i);
                double plus = weighted(f, inputs, in, i, (float) (orig + eps), w);
                double minus = weighted(f, inputs, in, i, (float) (orig - eps), w);
                in.segment().setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, orig);
                double numeric = (plus - minus) / (2 * eps);
                double err = Math.abs(analytic[i] - numeric);
                double excess = err - (atol + rtol * Math.abs(numeric));
                checked++;
                if (!(excess <= 0)) passed = false;
                if (excess > worstExcess || Double.isNaN(excess)) {
                    worstExcess = Double.isNaN(excess) ? Double.POSITIVE_INFINITY : excess;
                    worstInput = k;
                    worstIndex = unflatten(i, in.shape());
                    worstA = analytic[i];
                    worstN = numeric;
                    worstErr = err;
                }
            }
        }
        return new Result(passed, worstInput, worstIndex, worstA, worstN, worstErr, checked);
    }

    private static double weighted(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor in, int i, float value, Tensor w) {
        in.segment().setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, value);
        try (var g = Autograd.noGrad(); var scope = MemoryScope.open()) {
            float[] out = f.apply(inputs).toFloatArray();
            float[] ws = w.toFloatArray();
            double s = 0;
            for (int j = 0; j < out.length; j++) s += (double) out[j] * ws[j];
            return s;
        }
    }

    private static int[] unflatten(long flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = (int) (flat % shape[d]);
            flat /= shape[d];
        }
        return idx;
    }
}

package org.panagrad.nn;

import java.util.Arrays;
import java.util.Locale;
import org.panagrad.Tensor;

/**
 * Initialisers that overwrite a tensor's values in place (not recorded by autograd), with the formulas of
 * {@code torch.nn.init}. Random draws use the generator seeded by {@link org.panagrad.Panagrad#manualSeed(long)}.
 *
 * <p>Fans of a weight [out, in, k...]: {@code fanIn = in * prod(k)}, {@code fanOut = out * prod(k)} (so for a
 * {@link Linear} weight [out, in], fanIn = in and fanOut = out). Tensors with fewer than two axes have no fans.
 *
 * <pre>{@code
 * Linear fc = new Linear(256, 128);
 * Init.xavierUniform(fc.weight(), 1.0);
 * Init.zeros(fc.bias());
 * }</pre>
 */
public final class Init {
    private Init() {}

    /** Which fan the Kaiming initialisers preserve the variance of: the forward pass (in) or backward (out). */
    public enum FanMode {
        /** Fan in (the default): keeps the variance of activations in the forward pass. */
        FAN_IN,
        /** Fan out: keeps the variance of gradients in the backward pass. */
        FAN_OUT
    }

    /** Uniform values in [a, b). Returns t. */
    public static Tensor uniform(Tensor t, double a, double b) {
        if (!(a <= b) || !Double.isFinite(a) || !Double.isFinite(b)) {
            throw new IllegalArgumentException("Init.uniform: need finite a <= b, got a=" + a + ", b=" + b);
        }
        try (Tensor v = Tensor.uniform((float) a, (float) b, t.shape())) {
            return t.set(v);
        }
    }

    /** Normal values N(mean, std^2). Returns t. */
    public static Tensor normal(Tensor t, double mean, double std) {
        if (!Double.isFinite(mean) || !(std >= 0) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("Init.normal: need finite mean and std >= 0, got mean=" + mean + ", std=" + std);
        }
        try (Tensor v = Tensor.normal((float) mean, (float) std, t.shape())) {
            return t.set(v);
        }
    }

    /** Every element {@code value}. Returns t. */
    public static Tensor constant(Tensor t, double value) {
        return t.fill((float) value);
    }

    /** Every element 0. Returns t. */
    public static Tensor zeros(Tensor t) {
        return t.fill(0f);
    }

    /** Every element 1. Returns t. */
    public static Tensor ones(Tensor t) {
        return t.fill(1f);
    }

    /** Glorot uniform: U(-bound, bound) with {@code bound = gain * sqrt(6 / (fanIn + fanOut))}. Returns t. */
    public static Tensor xavierUniform(Tensor t, double gain) {
        int[] f = fans("xavierUniform", t);
        double bound = gain * Math.sqrt(6.0 / (f[0] + f[1]));
        return uniform(t, -bound, bound);
    }

    /** Glorot normal: N(0, std^2) with {@code std = gain * sqrt(2 / (fanIn + fanOut))}. Returns t. */
    public static Tensor xavierNormal(Tensor t, double gain) {
        int[] f = fans("xavierNormal", t);
        return normal(t, 0, gain * Math.sqrt(2.0 / (f[0] + f[1])));
    }

    /** {@link #kaimingUniform(Tensor, double, FanMode, String)} with a = 0, fan in, ReLU gain (He uniform). */
    public static Tensor kaimingUniform(Tensor t) {
        return kaimingUniform(t, 0, FanMode.FAN_IN, "leaky_relu");
    }

    /**
     * He uniform: U(-bound, bound) with {@code bound = gain * sqrt(3 / fan)}, {@code gain = calculateGain(nonlinearity, a)}
     * and fan chosen by {@code mode}. With a = sqrt(5), fan in and "leaky_relu" this is torch's Linear default,
     * bound = 1/sqrt(fanIn). Returns t.
     */
    public static Tensor kaimingUniform(Tensor t, double a, FanMode mode, String nonlinearity) {
        double std = calculateGain(nonlinearity, a) / Math.sqrt(fan("kaimingUniform", t, mode));
        double bound = Math.sqrt(3.0) * std;
        return uniform(t, -bound, bound);
    }

    /** {@link #kaimingNormal(Tensor, double, FanMode, String)} with a = 0, fan in, ReLU gain (He normal). */
    public static Tensor kaimingNormal(Tensor t) {
        return kaimingNormal(t, 0, FanMode.FAN_IN, "leaky_relu");
    }

    /** He normal: N(0, std^2) with {@code std = gain / sqrt(fan)}. Returns t. */
    public static Tensor kaimingNormal(Tensor t, double a, FanMode mode, String nonlinearity) {
        return normal(t, 0, calculateGain(nonlinearity, a) / Math.sqrt(fan("kaimingNormal", t, mode)));
    }

    /**
     * torch's {@code calculate_gain}: 1 for "linear" and "sigmoid", 5/3 for "tanh", sqrt(2) for "relu",
     * sqrt(2 / (1 + param^2)) for "leaky_relu" (param: the negative slope), 3/4 for "selu".
     */
    public static double calculateGain(String nonlinearity, double param) {
        String n = nonlinearity == null ? "" : nonlinearity.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "linear", "identity", "sigmoid" -> 1.0;
            case "tanh" -> 5.0 / 3;
            case "relu" -> Math.sqrt(2.0);
            case "leaky_relu" -> {
                if (!Double.isFinite(param)) throw new IllegalArgumentException("Init.calculateGain: leaky_relu slope must be finite, got " + param);
                yield Math.sqrt(2.0 / (1 + param * param));
            }
            case "selu" -> 0.75;
            default -> throw new IllegalArgumentException("Init.calculateGain: unknown nonlinearity '" + nonlinearity
                    + "' (use linear, sigmoid, tanh, relu, leaky_relu or selu)");
        };
    }

    /** {@code {fanIn, fanOut}} of a tensor with at least two axes. */
    public static int[] fans(String op, Tensor t) {
        int[] s = t.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException("Init." + op + ": fan in and fan out need a tensor with at least 2 axes, got shape "
                    + Arrays.toString(s));
        }
        long receptive = 1;
        for (int i = 2; i < s.length; i++) receptive *= s[i];
        return new int[] {Math.toIntExact(s[1] * receptive), Math.toIntExact(s[0] * receptive)};
    }

    private static int fan(String op, Tensor t, FanMode mode) {
        int[] f = fans(op, t);
        int v = mode == FanMode.FAN_OUT ? f[1] : f[0];
        if (v == 0) throw new IllegalArgumentException("Init." + op + ": tensor of shape " + Arrays.toString(t.shape()) + " has a zero fan");
        return v;
    }
}

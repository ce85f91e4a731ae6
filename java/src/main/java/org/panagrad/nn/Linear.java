package org.panagrad.nn;

import java.util.Arrays;
import org.panagrad.MemoryScope;
import org.panagrad.Tensor;
import org.panagrad.ops.Gemm;

/**
 * Fully connected layer {@code y = x W^T + b} (torch's {@code nn.Linear}, Gluon's {@code Dense} without
 * activation), computed by the fused {@link Gemm#linear} op. Input [..., in] (e.g. [batch, in] or a single
 * [in] vector), output [..., out].
 *
 * <p>Initialised as in PyTorch: {@code weight} [out, in] and {@code bias} [out] both uniform in
 * [-1/sqrt(in), 1/sqrt(in)] (kaiming_uniform with a = sqrt(5)), drawn from the generator seeded by
 * {@link org.panagrad.Panagrad#manualSeed(long)}.
 *
 * <pre>{@code
 * Linear fc = new Linear(784, 128);
 * Tensor y = fc.forward(Tensor.randn(64, 784));   // [64, 128]
 * }</pre>
 */
public class Linear extends Block {
    private final int inFeatures;
    private final int outFeatures;
    private final Tensor weight;
    private final Tensor bias;

    /** A layer with bias. */
    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    /** A layer with or without bias. */
    public Linear(int inFeatures, int outFeatures, boolean bias) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("Linear: in_features and out_features must be >= 1, got in_features="
                    + inFeatures + ", out_features=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight", MemoryScope.outside(() -> Tensor.empty(outFeatures, inFeatures)));
        this.bias = bias ? registerParameter("bias", MemoryScope.outside(() -> Tensor.empty(outFeatures))) : null;
        resetParameters();
    }

    /** Re-draws weight and bias from PyTorch's default distribution U(-1/sqrt(in), 1/sqrt(in)). */
    public void resetParameters() {
        Init.kaimingUniform(weight, Math.sqrt(5), Init.FanMode.FAN_IN, "leaky_relu");
        if (bias != null) {
            float bound = (float) (1 / Math.sqrt(inFeatures));
            Init.uniform(bias, -bound, bound);
        }
    }

    /** The weight, shape [out, in]; replace its values with {@code weight().set(t)}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias, shape [out], or null for a layer made without bias. */
    public Tensor bias() {
        return bias;
    }

    /** Size of each input sample (the last axis of the input). */
    public int inFeatures() {
        return inFeatures;
    }

    /** Size of each output sample. */
    public int outFeatures() {
        return outFeatures;
    }

    /** {@code x W^T + b} over the last axis of {@code x}, which must have {@code in} elements. */
    @Override
    public Tensor forward(Tensor x) {
        x.checkAlive("Linear.forward");
        int[] s = x.shape();
        if (s.length == 0 || s[s.length - 1] != inFeatures) {
            throw new IllegalArgumentException("Linear(in_features=" + inFeatures + ", out_features=" + outFeatures
                    + "): input of shape " + Arrays.toString(s) + " must have in_features=" + inFeatures
                    + " elements in its last axis" + (s.length == 0 ? " (got a 0-D tensor)" : " (got " + s[s.length - 1] + ")"));
        }
        return Gemm.linear(x, weight, bias);
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (bias != null);
    }
}

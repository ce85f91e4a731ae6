package org.panagrad.bench;

import org.panagrad.Tensor;
import org.panagrad.ops.Gemm;

/**
 * The benchmarks' 784-128-64-10 ReLU MLP as bare tensors (109,386 parameters), built on the core ops only:
 * {@code forward(x) = linear3(relu(linear2(relu(linear1(x)))))} with {@link Gemm#linear} ({@code x W^T + b}).
 * Initialised like {@code torch.nn.Linear}: uniform in {@code ±1/sqrt(fan_in)}.
 */
public final class Mlp {
    /** Layer widths. */
    public static final int[] DIMS = {784, 128, 64, 10};

    /** w1, b1, w2, b2, w3, b3; weights are [out, in]. */
    public final Tensor[] params;

    /** Creates the parameters (requiring grad) with no scope open, so they live as long as this object. */
    public Mlp() {
        params = new Tensor[2 * (DIMS.length - 1)];
        for (int i = 0; i < DIMS.length - 1; i++) {
            float bound = (float) (1 / Math.sqrt(DIMS[i]));
            params[2 * i] = Tensor.uniform(-bound, bound, DIMS[i + 1], DIMS[i]).requiresGrad(true);
            params[2 * i + 1] = Tensor.uniform(-bound, bound, DIMS[i + 1]).requiresGrad(true);
        }
    }

    /** Logits [batch, 10] of x [batch, 784]. */
    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (int i = 0; i < DIMS.length - 1; i++) {
            h = Gemm.linear(h, params[2 * i], params[2 * i + 1]);
            if (i < DIMS.length - 2) h = h.relu();
        }
        return h;
    }

    /** Total number of parameters (109,386). */
    public long numel() {
        long n = 0;
        for (Tensor p : params) n += p.numel();
        return n;
    }
}

package org.panagrad.ops;

import org.panagrad.Autograd;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;
import org.panagrad.kernels.Kernels;

/**
 * Softmax and log-softmax along one axis (kernels in {@code native/src/softmax.c}); the input is viewed as
 * [outer, n, inner] so any axis works without a transposed copy. Backward keeps only the output.
 */
public final class Softmax {
    private Softmax() {}

    private static Kernels k() {
        return Panagrad.kernels();
    }

    /** {@code exp(x - max) / sum(exp(x - max))} along {@code dim}. */
    public static Tensor softmax(Tensor x, int dim) {
        x.checkAlive("softmax");
        int d = x.normalizeDim("softmax", dim);
        int[] xs = x.shape();
        long outer = Reduce.outer(xs, d), n = xs[d], inner = Reduce.inner(xs, d);
        Tensor y = Tensor.empty(xs);
        k().softmax(outer, n, inner, x.segment(), y.segment());
        return Autograd.record(y, "SoftmaxBackward", new Tensor[] {x}, g -> {
            Tensor gx = Tensor.empty(xs);
            k().softmaxBackward(outer, n, inner, y.segment(), g.segment(), gx.segment());
            return new Tensor[] {gx};
        });
    }

    /** {@code x - max - log(sum(exp(x - max)))} along {@code dim}. */
    public static Tensor logSoftmax(Tensor x, int dim) {
        x.checkAlive("logSoftmax");
        int d = x.normalizeDim("logSoftmax", dim);
        int[] xs = x.shape();
        long outer = Reduce.outer(xs, d), n = xs[d], inner = Reduce.inner(xs, d);
        Tensor y = Tensor.empty(xs);
        k().softmaxLog(outer, n, inner, x.segment(), y.segment());
        return Autograd.record(y, "LogSoftmaxBackward", new Tensor[] {x}, g -> {
            Tensor gx = Tensor.empty(xs);
            k().softmaxLogBackward(outer, n, inner, y.segment(), g.segment(), gx.segment());
            return new Tensor[] {gx};
        });
    }
}

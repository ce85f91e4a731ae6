package org.panagrad.ops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.panagrad.Autograd;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;
import org.panagrad.kernels.Kernels;

/**
 * Reductions (kernels in {@code native/src/reduce.c}): sums, means, the L2 norm, max and argmax. An axis
 * reduction views its input as [outer, n, inner]; its backward broadcasts the gradient back along the axis
 * with {@code elementwiseExpand}.
 */
public final class Reduce {
    private Reduce() {}

    private static Kernels k() {
        return Panagrad.kernels();
    }

    /** Sum of all elements, a scalar (0-D) tensor. */
    public static Tensor sum(Tensor x) {
        x.checkAlive("sum");
        Tensor out = Tensor.empty();
        k().reduceSum(x.numel(), x.segment(), out.segment());
        int[] xs = x.shape();
        return Autograd.record(out, "SumBackward", new Tensor[] {x}, g -> new Tensor[] {expandAll(g, xs, 1f)});
    }

    /** Mean of all elements (NaN for an empty tensor, as torch). */
    public static Tensor mean(Tensor x) {
        x.checkAlive("mean");
        Tensor out = Tensor.empty();
        long n = x.numel();
        k().reduceSum(n, x.segment(), out.segment());
        k().elementwiseAffine(1, out.segment(), 1f / n, 0f, out.segment());
        int[] xs = x.shape();
        return Autograd.record(out, "MeanBackward", new Tensor[] {x}, g -> new Tensor[] {expandAll(g, xs, 1f / n)});
    }

    public static Tensor sum(Tensor x, int dim, boolean keepDim) {
        return axisSum("sum", "SumBackward", x, dim, keepDim, false);
    }

    public static Tensor mean(Tensor x, int dim, boolean keepDim) {
        return axisSum("mean", "MeanBackward", x, dim, keepDim, true);
    }

    private static Tensor axisSum(String op, String gradFn, Tensor x, int dim, boolean keepDim, boolean mean) {
        x.checkAlive(op);
        int d = x.normalizeDim(op, dim);
        int[] xs = x.shape();
        long outer = outer(xs, d), n = xs[d], inner = inner(xs, d);
        Tensor out = Tensor.empty(reducedShape(xs, d, keepDim));
        k().reduceSumAxis(outer, n, inner, x.segment(), out.segment());
        float scale = mean ? 1f / n : 1f;
        if (mean) k().elementwiseAffine(out.numel(), out.segment(), scale, 0f, out.segment());
        return Autograd.record(out, gradFn, new Tensor[] {x}, g -> {
            Tensor gx = Tensor.empty(xs);
            k().elementwiseExpand(outer, n, inner, g.segment(), gx.segment());
            if (scale != 1f) k().elementwiseAffine(gx.numel(), gx.segment(), scale, 0f, gx.segment());
            return new Tensor[] {gx};
        });
    }

    /** {@code sqrt(sum(x^2))}; its gradient {@code x / norm} is taken as 0 where the norm is 0. */
    public static Tensor norm(Tensor x) {
        x.checkAlive("norm");
        long n = x.numel();
        Tensor squares = Tensor.empty(x.shape());
        k().elementwiseMul(n, x.segment(), x.segment(), squares.segment());
        Tensor out = Tensor.empty();
        k().reduceSum(n, squares.segment(), out.segment());
        squares.close();
        k().elementwiseSqrt(1, out.segment(), out.segment());
        return Autograd.record(out, "NormBackward", new Tensor[] {x}, g -> {
            float norm = out.item();
            float scale = norm == 0f ? 0f : g.item() / norm;
            Tensor gx = Tensor.empty(x.shape());
            k().elementwiseAffine(n, x.segment(), scale, 0f, gx.segment());
            return new Tensor[] {gx};
        });
    }

    /** Maximum along {@code dim} (axis removed); the gradient flows to the first maximal element. */
    public static Tensor max(Tensor x, int dim) {
        x.checkAlive("max");
        int d = x.normalizeDim("max", dim);
        int[] xs = x.shape();
        if (xs[d] == 0) throw new IllegalArgumentException("max: dim " + dim + " of shape " + Arrays.toString(xs) + " is empty");
        long outer = outer(xs, d), n = xs[d], inner = inner(xs, d);
        int[] os = reducedShape(xs, d, false);
        Tensor out = Tensor.empty(os);
        Tensor idx = Tensor.empty(os);
        k().reduceMaxAxis(outer, n, inner, x.segment(), out.segment(), idx.segment());
        return Autograd.record(out, "MaxBackward", new Tensor[] {x}, g -> {
            Tensor gx = Tensor.zeros(xs);
            MemorySegment gs = g.segment(), is = idx.segment(), dst = gx.segment();
            for (long o = 0; o < outer; o++) {
                for (long i = 0; i < inner; i++) {
                    long j = (long) is.getAtIndex(ValueLayout.JAVA_FLOAT, o * inner + i);
                    dst.setAtIndex(ValueLayout.JAVA_FLOAT, (o * n + j) * inner + i, gs.getAtIndex(ValueLayout.JAVA_FLOAT, o * inner + i));
                }
            }
            return new Tensor[] {gx};
        });
    }

    /** Index of the maximum along {@code dim}, first on ties, as floats; not differentiable. */
    public static Tensor argmax(Tensor x, int dim) {
        x.checkAlive("argmax");
        int d = x.normalizeDim("argmax", dim);
        int[] xs = x.shape();
        if (xs[d] == 0) throw new IllegalArgumentException("argmax: dim " + dim + " of shape " + Arrays.toString(xs) + " is empty");
        int[] os = reducedShape(xs, d, false);
        Tensor max = Tensor.empty(os);
        Tensor idx = Tensor.empty(os);
        k().reduceMaxAxis(outer(xs, d), xs[d], inner(xs, d), x.segment(), max.segment(), idx.segment());
        max.close();
        return idx;
    }

    private static Tensor expandAll(Tensor g, int[] shape, float scale) {
        Tensor gx = Tensor.empty(shape);
        k().elementwiseExpand(1, gx.numel(), 1, g.segment(), gx.segment());
        if (scale != 1f) k().elementwiseAffine(gx.numel(), gx.segment(), scale, 0f, gx.segment());
        return gx;
    }

    static long outer(int[] shape, int d) {
        long p = 1;
        for (int i = 0; i < d; i++) p *= shape[i];
        return p;
    }

    static long inner(int[] shape, int d) {
        long p = 1;
        for (int i = d + 1; i < shape.length; i++) p *= shape[i];
        return p;
    }

    static int[] reducedShape(int[] shape, int d, boolean keepDim) {
        if (keepDim) {
            int[] s = shape.clone();
            s[d] = 1;
            return s;
        }
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != d) s[j++] = shape[i];
        return s;
    }
}

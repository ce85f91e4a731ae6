package org.panagrad.ops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.panagrad.Autograd;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;
import org.panagrad.kernels.Kernels;

/**
 * The fused per-sample loss ops (kernels in {@code native/src/loss.c}). They return one value per sample;
 * reductions and weights are applied by {@code org.panagrad.loss} with ordinary tensor ops. Labels are
 * checked here, before any kernel runs, because the kernels index with them.
 */
public final class Loss {
    private Loss() {}

    private static Kernels k() {
        return Panagrad.kernels();
    }

    /**
     * Softmax cross-entropy per sample from logits [n, classes] (or [classes] for one sample) and class
     * indices [n]: {@code logsumexp(x) - x[label]}, computed in one fused pass; backward {@code softmax(x) - onehot}.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor labels) {
        int[] ls = logits.shape();
        long rows = checkClassification("crossEntropy", logits, labels);
        long cols = ls[ls.length - 1];
        Tensor loss = Tensor.empty(Math.toIntExact(rows));
        // per row (max, log-sum-exp relative to it): backward's softmax stays accurate for large logits
        Tensor stats = Tensor.empty(Math.toIntExact(rows), 2);
        k().lossCrossEntropy(rows, cols, logits.segment(), labels.segment(), loss.segment(), stats.segment());
        return Autograd.record(loss, "CrossEntropyBackward", new Tensor[] {logits, labels}, g -> {
            Tensor gx = Tensor.empty(ls);
            k().lossCrossEntropyBackward(rows, cols, logits.segment(), labels.segment(), stats.segment(), g.segment(),
                    gx.segment());
            return new Tensor[] {gx, null};
        });
    }

    /** Negative log-likelihood per sample from log-probabilities [n, classes] and class indices [n]. */
    public static Tensor nll(Tensor logp, Tensor labels) {
        int[] ls = logp.shape();
        long rows = checkClassification("nll", logp, labels);
        long cols = ls[ls.length - 1];
        Tensor loss = Tensor.empty(Math.toIntExact(rows));
        k().lossNll(rows, cols, logp.segment(), labels.segment(), loss.segment());
        return Autograd.record(loss, "NllLossBackward", new Tensor[] {logp, labels}, g -> {
            Tensor gx = Tensor.empty(ls);
            k().lossNllBackward(rows, cols, labels.segment(), g.segment(), gx.segment());
            return new Tensor[] {gx, null};
        });
    }

    /** Binary cross-entropy per element from probabilities p in [0, 1] and targets z of the same shape. */
    public static Tensor bce(Tensor p, Tensor z) {
        checkSameShape("bce", p, z);
        checkRange("bce", "input", p, 0f, 1f);
        Tensor loss = Tensor.empty(p.shape());
        k().lossBce(p.numel(), p.segment(), z.segment(), loss.segment());
        return Autograd.record(loss, "BinaryCrossEntropyBackward", new Tensor[] {p, z}, g -> {
            Tensor gp = Tensor.empty(p.shape());
            k().lossBceBackward(p.numel(), p.segment(), z.segment(), g.segment(), gp.segment());
            return new Tensor[] {gp, null};
        });
    }

    /** Binary cross-entropy per element from logits, in the stable form {@code max(x,0) - x z + log(1 + e^-|x|)}. */
    public static Tensor bceWithLogits(Tensor x, Tensor z) {
        checkSameShape("bceWithLogits", x, z);
        Tensor loss = Tensor.empty(x.shape());
        k().lossBceWithLogits(x.numel(), x.segment(), z.segment(), loss.segment());
        return Autograd.record(loss, "BinaryCrossEntropyWithLogitsBackward", new Tensor[] {x, z}, g -> {
            Tensor gx = Tensor.empty(x.shape());
            k().lossBceWithLogitsBackward(x.numel(), x.segment(), z.segment(), g.segment(), gx.segment());
            return new Tensor[] {gx, null};
        });
    }

    /** [n] class indices to [n, classes] one-hot rows. Not differentiable. */
    public static Tensor oneHot(Tensor labels, int classes) {
        labels.checkAlive("oneHot");
        if (classes < 1) throw new IllegalArgumentException("oneHot: classes must be >= 1, got " + classes);
        if (labels.dim() != 1) {
            throw new IllegalArgumentException("oneHot: labels must be 1-D, got shape " + Arrays.toString(labels.shape()));
        }
        checkLabels("oneHot", labels, classes);
        Tensor out = Tensor.empty(labels.shape(0), classes);
        k().lossOneHot(labels.numel(), classes, labels.segment(), out.segment());
        return out;
    }

    /** Checks logits [n, c] (or [c]) against labels [n] (or one label) and returns n. */
    private static long checkClassification(String op, Tensor scores, Tensor labels) {
        scores.checkAlive(op);
        labels.checkAlive(op);
        int[] ss = scores.shape(), ys = labels.shape();
        if (ss.length != 1 && ss.length != 2) {
            throw new IllegalArgumentException(op + ": input must be [batch, classes] or [classes], got "
                    + Arrays.toString(ss));
        }
        long rows = ss.length == 2 ? ss[0] : 1;
        int cols = ss[ss.length - 1];
        if (cols == 0) throw new IllegalArgumentException(op + ": input " + Arrays.toString(ss) + " has no classes");
        if (ys.length > 1 || labels.numel() != rows) {
            throw new IllegalArgumentException(op + ": input " + Arrays.toString(ss) + " needs " + rows
                    + " class indices, got labels of shape " + Arrays.toString(ys));
        }
        checkLabels(op, labels, cols);
        return rows;
    }

    private static void checkLabels(String op, Tensor labels, int classes) {
        MemorySegment s = labels.segment();
        for (long i = 0; i < labels.numel(); i++) {
            float v = s.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            if (!(v >= 0 && v < classes) || v != Math.rint(v)) {
                throw new IllegalArgumentException(op + ": label " + v + " at index " + i
                        + " is not a class index in [0, " + classes + ")");
            }
        }
    }

    private static void checkSameShape(String op, Tensor a, Tensor b) {
        a.checkAlive(op);
        b.checkAlive(op);
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": input " + Arrays.toString(a.shape()) + " and target "
                    + Arrays.toString(b.shape()) + " must have the same shape");
        }
    }

    private static void checkRange(String op, String what, Tensor t, float lo, float hi) {
        MemorySegment s = t.segment();
        for (long i = 0; i < t.numel(); i++) {
            float v = s.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            if (!(v >= lo && v <= hi)) {
                throw new IllegalArgumentException(op + ": " + what + " values must be in [" + lo + ", " + hi
                        + "], element " + i + " is " + v + " (use BCEWithLogitsLoss for raw scores)");
            }
        }
    }
}

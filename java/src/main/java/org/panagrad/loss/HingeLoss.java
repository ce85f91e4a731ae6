package org.panagrad.loss;

import java.lang.foreign.ValueLayout;
import org.panagrad.Tensor;

/**
 * Gluon's {@code HingeLoss} for labels -1 and 1: {@code l_n = mean_j(max(0, margin - prediction_nj * label_nj))}
 * per sample (averaged over non-batch axes), then the reduction across the batch (NONE gives [batch]). The
 * prediction is a raw score, positive for class 1.
 *
 * <pre>{@code
 * new HingeLoss().forward(Tensor.of(0.5f, -2f), Tensor.of(1f, -1f));   // mean(0.5, 0) = 0.25
 * }</pre>
 */
public class HingeLoss extends Loss {
    private final float margin;

    /** Margin 1, reduction {@link Reduction#MEAN}. */
    public HingeLoss() {
        this(1f, Reduction.MEAN);
    }

    /** Margin 1 and the given reduction. */
    public HingeLoss(Reduction reduction) {
        this(1f, reduction);
    }

    /** The given margin (finite, >= 0) and reduction. */
    public HingeLoss(float margin, Reduction reduction) {
        super(reduction);
        if (!(margin >= 0) || !Float.isFinite(margin)) {
            throw new IllegalArgumentException("HingeLoss: margin must be finite and >= 0, got " + margin);
        }
        this.margin = margin;
    }

    /** The margin. */
    public float margin() {
        return margin;
    }

    @Override
    protected Tensor unreduced(Tensor prediction, Tensor target) {
        checkSameShape(prediction, target);
        var s = target.segment();
        for (long i = 0, n = target.numel(); i < n; i++) {
            float v = s.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            if (v != 1f && v != -1f) {
                throw new IllegalArgumentException(name() + ": labels must be -1 or 1, element " + i + " is " + v
                        + " (map 0/1 labels with label.mul(2).sub(1))");
            }
        }
        return prediction.mul(target).rsub(margin).relu();
    }

    /** Gluon's convention: each sample is averaged over its non-batch axes. */
    @Override
    protected boolean perSample() {
        return true;
    }

    @Override
    public String toString() {
        return "HingeLoss(margin=" + margin + ", reduction=" + reduction() + ")";
    }
}

package org.panagrad.loss;

import org.panagrad.Tensor;

/**
 * Gluon's {@code L2Loss}: half the squared error, averaged per sample over its non-batch axes,
 * {@code l_n = mean_j(½ (prediction_nj - target_nj)^2)}, then the reduction across the batch. With
 * {@link Reduction#NONE} it returns Gluon's output, one value per sample ([batch]); the default MEAN averages
 * those (equal to ½·MSE); SUM adds them. The weight (Gluon's {@code sample_weight}) multiplies the squared
 * errors before the per-sample mean, as in Gluon.
 *
 * <pre>{@code
 * new L2Loss(Reduction.NONE).forward(pred, label);   // pred, label [5, 1] give [5]
 * }</pre>
 */
public class L2Loss extends Loss {
    /** With reduction {@link Reduction#MEAN}. */
    public L2Loss() {}

    /** With the given reduction. */
    public L2Loss(Reduction reduction) {
        super(reduction);
    }

    @Override
    protected Tensor unreduced(Tensor prediction, Tensor target) {
        checkSameShape(prediction, target);
        return prediction.sub(target).pow(2f).mul(0.5f);
    }

    /** Gluon's convention: each sample is averaged over its non-batch axes. */
    @Override
    protected boolean perSample() {
        return true;
    }
}

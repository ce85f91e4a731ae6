package org.panagrad.loss;

import org.panagrad.Tensor;

/**
 * Binary cross-entropy on probabilities (torch's {@code nn.BCELoss}), per element
 * {@code l_i = -(z_i log p_i + (1 - z_i) log(1 - p_i))} with each log clamped at -100 as torch does, from the
 * fused {@code ops.Loss.bce} op; then the reduction over all elements. Predictions must lie in [0, 1] (apply
 * sigmoid first, or better use {@link BCEWithLogitsLoss} on the raw scores).
 *
 * <pre>{@code
 * Tensor p = model.forward(x).sigmoid();          // [batch, 1]
 * Tensor loss = new BCELoss().forward(p, y);      // y [batch, 1] of 0s and 1s
 * }</pre>
 */
public class BCELoss extends Loss {
    /** With reduction {@link Reduction#MEAN}. */
    public BCELoss() {}

    /** With the given reduction. */
    public BCELoss(Reduction reduction) {
        super(reduction);
    }

    @Override
    protected Tensor unreduced(Tensor prediction, Tensor target) {
        checkSameShape(prediction, target);
        try {
            return org.panagrad.ops.Loss.bce(prediction, target);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name() + ": " + e.getMessage(), e);
        }
    }
}

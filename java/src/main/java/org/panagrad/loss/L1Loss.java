package org.panagrad.loss;

import org.panagrad.Tensor;

/**
 * Mean absolute error (torch's {@code nn.L1Loss}): {@code l_i = |prediction_i - target_i|} per element, then
 * the reduction (MEAN: the mean over all elements).
 *
 * <pre>{@code
 * new L1Loss().forward(Tensor.of(1f, 2f), Tensor.of(0f, 4f));   // (1 + 2) / 2 = 1.5
 * }</pre>
 */
public class L1Loss extends Loss {
    /** With reduction {@link Reduction#MEAN}. */
    public L1Loss() {}

    /** With the given reduction. */
    public L1Loss(Reduction reduction) {
        super(reduction);
    }

    @Override
    protected Tensor unreduced(Tensor prediction, Tensor target) {
        checkSameShape(prediction, target);
        return prediction.sub(target).abs();
    }
}

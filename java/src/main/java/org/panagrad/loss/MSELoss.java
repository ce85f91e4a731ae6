package org.panagrad.loss;

import org.panagrad.Tensor;

/**
 * Mean squared error (torch's {@code nn.MSELoss}): {@code l_i = (prediction_i - target_i)^2} per element, then
 * the reduction (MEAN: the mean over all elements). Compare {@link L2Loss}, Gluon's, which halves it.
 *
 * <pre>{@code
 * new MSELoss().forward(Tensor.of(1f, 2f), Tensor.of(0f, 4f));   // (1 + 4) / 2 = 2.5
 * }</pre>
 */
public class MSELoss extends Loss {
    /** With reduction {@link Reduction#MEAN}. */
    public MSELoss() {}

    /** With the given reduction. */
    public MSELoss(Reduction reduction) {
        super(reduction);
    }

    @Override
    protected Tensor unreduced(Tensor prediction, Tensor target) {
        checkSameShape(prediction, target);
        return prediction.sub(target).pow(2f);
    }
}

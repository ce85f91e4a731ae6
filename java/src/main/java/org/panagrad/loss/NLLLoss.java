package org.panagrad.loss;

import java.util.Arrays;
import org.panagrad.Tensor;

/**
 * Negative log-likelihood (torch's {@code nn.NLLLoss}) from log-probabilities [batch, classes] (e.g. the output
 * of {@link org.panagrad.nn.LogSoftmax}) and class indices [batch] (a float tensor of whole numbers in
 * [0, classes)): {@code l_n = -x_n,label_n}. NONE gives [batch]; MEAN averages over the batch.
 *
 * <pre>{@code
 * Tensor loss = new NLLLoss().forward(Tensor.of(new float[][] {{-0.1f, -2.4f}}), Tensor.of(0f));   // 0.1
 * }</pre>
 */
public class NLLLoss extends Loss {
    /** With reduction {@link Reduction#MEAN}. */
    public NLLLoss() {}

    /** With the given reduction. */
    public NLLLoss(Reduction reduction) {
        super(reduction);
    }

    /** The reduced loss of log-probabilities [batch, classes] against class indices [batch]. */
    @Override
    public Tensor forward(Tensor prediction, Tensor target) {
        return reduce(unreduced(prediction, target), null);
    }

    @Override
    protected Tensor unreduced(Tensor prediction, Tensor target) {
        prediction.checkAlive(name());
        target.checkAlive(name());
        int[] ps = prediction.shape(), ts = target.shape();
        if (ps.length != 2 || ts.length != 1 || ts[0] != ps[0]) {
            throw new IllegalArgumentException(name() + ": log-probabilities " + Arrays.toString(ps) + " and target " + Arrays.toString(ts)
                    + ": need log-probabilities [batch, classes] and a target of batch class indices [batch]"
                    + (ps.length == 1 ? " (for one sample, reshape the log-probabilities to [1, " + ps[0] + "])" : ""));
        }
        try {
            return org.panagrad.ops.Loss.nll(prediction, target);
        } catch (IllegalArgumentException e) {
            // The fused op checks every label before its kernel runs; say which loss was called.
            throw new IllegalArgumentException(name() + ": " + e.getMessage(), e);
        }
    }
}

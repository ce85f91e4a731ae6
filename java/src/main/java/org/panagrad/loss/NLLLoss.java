package org.panagrad.loss;

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

    @Override
    protected Tensor unreduced(Tensor prediction, Tensor target) {
        return classIndexLoss("log-probabilities", prediction, target, org.panagrad.ops.Loss::nll);
    }
}

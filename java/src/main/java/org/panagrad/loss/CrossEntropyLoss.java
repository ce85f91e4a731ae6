package org.panagrad.loss;

import org.panagrad.Tensor;

/**
 * Softmax cross-entropy (torch's {@code nn.CrossEntropyLoss}, Gluon's {@code SoftmaxCrossEntropyLoss}) from
 * logits [batch, classes] and class indices [batch] (a float tensor of whole numbers in [0, classes)):
 * {@code l_n = log(sum_c exp(x_nc)) - x_n,label_n}, i.e. log-softmax followed by {@link NLLLoss}, in one fused
 * op whose backward is {@code softmax(x) - onehot(label)}. NONE gives [batch]; MEAN averages over the batch.
 *
 * <pre>{@code
 * Tensor loss = new CrossEntropyLoss().forward(model.forward(images), labels);   // [64, 10] and [64]
 * }</pre>
 */
public class CrossEntropyLoss extends Loss {
    /** With reduction {@link Reduction#MEAN}. */
    public CrossEntropyLoss() {}

    /** With the given reduction. */
    public CrossEntropyLoss(Reduction reduction) {
        super(reduction);
    }

    @Override
    protected Tensor unreduced(Tensor prediction, Tensor target) {
        return classIndexLoss("logits", prediction, target, org.panagrad.ops.Loss::crossEntropy);
    }
}

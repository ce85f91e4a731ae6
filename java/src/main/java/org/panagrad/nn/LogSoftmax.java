package org.panagrad.nn;

import org.panagrad.Tensor;

/**
 * The log of the softmax along one axis, computed stably; pair it with NLLLoss: {@code y_i = x_i - log(sum_j exp(x_j))}.
 *
 * <pre>{@code
 * new LogSoftmax(1).forward(logits);   // logits [batch, classes], along the class axis
 * }</pre>
 */
public class LogSoftmax extends Block {
    private final int dim;

    /** Along axis {@code dim} (negative counts from the end); checked against the input's rank in forward. */
    public LogSoftmax(int dim) {
        this.dim = dim;
    }

    /** The axis this block works along. */
    public int dim() {
        return dim;
    }

    /** {@code x.logSoftmax(dim)}. */
    @Override
    public Tensor forward(Tensor x) {
        return x.logSoftmax(dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}

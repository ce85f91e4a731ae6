package org.panagrad.nn;

import org.panagrad.Tensor;

/**
 * The Softmax along one axis; each slice sums to 1: {@code y_i = exp(x_i) / sum_j exp(x_j)}.
 *
 * <pre>{@code
 * new Softmax(1).forward(logits);   // logits [batch, classes], along the class axis
 * }</pre>
 */
public class Softmax extends Block {
    private final int dim;

    /** Along axis {@code dim} (negative counts from the end); checked against the input's rank in forward. */
    public Softmax(int dim) {
        this.dim = dim;
    }

    /** The axis this block works along. */
    public int dim() {
        return dim;
    }

    /** {@code x.softmax(dim)}. */
    @Override
    public Tensor forward(Tensor x) {
        return x.softmax(dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}

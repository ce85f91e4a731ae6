package org.panagrad.nn;

import org.panagrad.Tensor;

/**
 * The logistic sigmoid, elementwise: {@code y = 1 / (1 + exp(-x))}. Holds no parameters.
 *
 * <pre>{@code
 * new Sigmoid().forward(Tensor.of(-1f, 0f, 2f));
 * }</pre>
 */
public class Sigmoid extends Block {
    /** The activation; it has no options. */
    public Sigmoid() {}

    /** {@code 1 / (1 + exp(-x))} for every element (same as {@code x.sigmoid()}). */
    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}

package org.panagrad.nn;

import org.panagrad.Tensor;

/**
 * The hyperbolic tangent, elementwise: {@code y = tanh(x)}. Holds no parameters.
 *
 * <pre>{@code
 * new Tanh().forward(Tensor.of(-1f, 0f, 2f));
 * }</pre>
 */
public class Tanh extends Block {
    /** The activation; it has no options. */
    public Tanh() {}

    /** {@code tanh(x)} for every element (same as {@code x.tanh()}). */
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}

package org.panagrad.nn;

import org.panagrad.Tensor;

/**
 * The rectified linear unit, elementwise: {@code y = max(0, x)}. Holds no parameters.
 *
 * <pre>{@code
 * new ReLU().forward(Tensor.of(-1f, 0f, 2f));
 * }</pre>
 */
public class ReLU extends Block {
    /** The activation; it has no options. */
    public ReLU() {}

    /** {@code max(0, x)} for every element (same as {@code x.relu()}). */
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}

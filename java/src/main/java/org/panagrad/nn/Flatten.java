package org.panagrad.nn;

import org.panagrad.Tensor;

/**
 * Flattens all axes after the batch axis: [n, d1, d2, ...] becomes [n, d1*d2*...] (a view, no copy); a 1-D
 * input passes through. For feeding images [n, 28, 28] to a {@link Linear}.
 *
 * <pre>{@code
 * new Flatten().forward(Tensor.zeros(64, 28, 28)).shape();   // [64, 784]
 * }</pre>
 */
public class Flatten extends Block {
    /** The block; it has no options. */
    public Flatten() {}

    /** {@code x.flatten()}. */
    @Override
    public Tensor forward(Tensor x) {
        return x.flatten();
    }
}

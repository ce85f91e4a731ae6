package org.panagrad.nn;

import org.panagrad.Tensor;

/**
 * Returns its input unchanged; a placeholder where a block is expected (e.g. to switch a layer off).
 *
 * <pre>{@code
 * Block act = useRelu ? new ReLU() : new Identity();
 * }</pre>
 */
public class Identity extends Block {
    /** The block; it has no options. */
    public Identity() {}

    /** {@code x} itself. */
    @Override
    public Tensor forward(Tensor x) {
        return x;
    }
}

package org.panagrad.nn;

import java.util.ArrayList;
import java.util.List;
import org.panagrad.Tensor;

/**
 * Blocks applied one after another; children are named "0", "1", ... so parameters are named
 * {@code "0.weight"}, {@code "0.bias"}, ... as in torch.
 *
 * <pre>{@code
 * Sequential model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
 * Tensor logits = model.forward(x);
 * Linear first = (Linear) model.get(0);
 * }</pre>
 */
public class Sequential extends Block {
    private final List<Block> blocks = new ArrayList<>();

    /** A sequence of the given blocks, in order. */
    public Sequential(Block... blocks) {
        if (blocks == null) {
            throw new IllegalArgumentException("Sequential: blocks is null; pass the blocks, or none for an empty Sequential");
        }
        for (Block b : blocks) add(b);
    }

    /** Appends {@code block} under the next index name. Returns this. */
    public Sequential add(Block block) {
        if (block == null) throw new IllegalArgumentException("Sequential.add: block " + blocks.size() + " is null");
        register(String.valueOf(blocks.size()), block);
        blocks.add(block);
        return this;
    }

    /** The block at {@code index} (negative counts from the end). */
    public Block get(int index) {
        int i = index < 0 ? index + blocks.size() : index;
        if (i < 0 || i >= blocks.size()) {
            throw new IndexOutOfBoundsException("Sequential.get: index " + index + " is out of range for " + blocks.size() + " blocks");
        }
        return blocks.get(i);
    }

    /** Number of blocks. */
    public int size() {
        return blocks.size();
    }

    /** Feeds {@code x} through every block in order (the identity when empty). */
    @Override
    public Tensor forward(Tensor x) {
        for (Block b : blocks) x = b.forward(x);
        return x;
    }
}

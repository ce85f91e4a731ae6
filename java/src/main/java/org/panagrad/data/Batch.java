package org.panagrad.data;

import java.util.Arrays;
import org.panagrad.Tensor;

/**
 * A mini-batch: features {@code x} of shape {@code [size, ...]} and labels {@code y} of shape {@code [size, ...]}.
 * Closing it releases both tensors (idempotent; closing the {@link org.panagrad.MemoryScope} they were made in
 * does the same).
 *
 * <pre>{@code
 * try (Batch b = dataset.get(0, 1, 2)) {
 *     Tensor logits = model.forward(b.x());
 * }
 * }</pre>
 */
public final class Batch implements AutoCloseable {
    private final Tensor x;
    private final Tensor y;

    /** A batch of {@code x} and {@code y}, which must agree on their first axis. */
    public Batch(Tensor x, Tensor y) {
        if (x.dim() == 0 || y.dim() == 0 || x.shape(0) != y.shape(0)) {
            throw new IllegalArgumentException("Batch: x " + Arrays.toString(x.shape()) + " and y " + Arrays.toString(y.shape())
                    + " must have the same first axis (the batch size)");
        }
        this.x = x;
        this.y = y;
    }

    /** The features, {@code [size, featureShape...]}. */
    public Tensor x() {
        return x;
    }

    /** The labels, {@code [size, labelShape...]} (class indices as whole-number floats for classification). */
    public Tensor y() {
        return y;
    }

    /** Number of samples. */
    public int size() {
        return x.shape(0);
    }

    /** Releases x and y now. */
    @Override
    public void close() {
        x.close();
        y.close();
    }

    @Override
    public String toString() {
        return "Batch[size=" + size() + ", x=" + Arrays.toString(x.shape()) + ", y=" + Arrays.toString(y.shape()) + "]";
    }
}

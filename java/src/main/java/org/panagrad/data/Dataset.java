package org.panagrad.data;

import java.util.Arrays;
import org.panagrad.Tensor;

/**
 * Samples addressed by index, each a feature tensor of {@link #featureShape()} and a label of
 * {@link #labelShape()} (a scalar class index by default: labels are float tensors holding whole numbers).
 *
 * <p>A dataset does not hand out one tensor per sample: {@link #gather} copies the chosen samples straight into
 * the rows of a batch tensor that the caller allocated once, which is what lets a {@link DataLoader} build a batch
 * with two allocations and no per-sample garbage.
 *
 * <pre>{@code
 * Dataset data = TensorDataset.of(new float[][] {{0, 1}, {2, 3}, {4, 5}}, new float[] {0, 1, 1});
 * try (Batch b = data.get(2, 0)) {
 *     System.out.println(b.x());   // tensor([[4., 5.], [0., 1.]])
 * }
 * }</pre>
 */
public interface Dataset {

    /** Number of samples. */
    int size();

    /** Shape of one sample's features, e.g. {@code [784]} for flattened MNIST images. */
    int[] featureShape();

    /** Shape of one sample's label; {@code []} (a scalar class index) unless the dataset says otherwise. */
    default int[] labelShape() {
        return new int[0];
    }

    /**
     * Copies samples {@code indices[from], indices[from + 1], ...} into the rows of {@code x} and {@code y}:
     * {@code x} must have shape {@code [k, featureShape...]} and {@code y} {@code [k, labelShape...]} for the same
     * k, and {@code from + k <= indices.length}. Every index is checked before anything is copied.
     *
     * @throws IllegalArgumentException on wrong shapes
     * @throws IndexOutOfBoundsException when an index is outside {@code [0, size())}
     */
    void gather(int[] indices, int from, Tensor x, Tensor y);

    /**
     * A batch holding the given samples, in that order, allocated in the caller's current
     * {@link org.panagrad.MemoryScope} (if any).
     */
    default Batch get(int... indices) {
        Tensor x = Tensor.empty(batchShape(indices.length, featureShape()));
        Tensor y = Tensor.empty(batchShape(indices.length, labelShape()));
        try {
            gather(indices, 0, x, y);
        } catch (RuntimeException e) {
            x.close();
            y.close();
            throw e;
        }
        return new Batch(x, y);
    }

    /** {@code [k, sampleShape...]}. */
    static int[] batchShape(int k, int[] sampleShape) {
        int[] s = new int[sampleShape.length + 1];
        s[0] = k;
        System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
        return s;
    }

    /**
     * Checks the arguments of {@link #gather} for a dataset of {@code size} samples; returns k, the number of
     * samples to copy. Shared by implementations so every dataset fails the same way.
     */
    static int checkGather(String who, int size, int[] featureShape, int[] labelShape, int[] indices, int from, Tensor x,
                           Tensor y) {
        x.checkAlive(who + ".gather");
        y.checkAlive(who + ".gather");
        int[] xs = x.shape(), ys = y.shape();
        int k = xs.length == 0 ? -1 : xs[0];
        if (k < 0 || !Arrays.equals(xs, batchShape(k, featureShape))) {
            throw new IllegalArgumentException(who + ".gather: x has shape " + Arrays.toString(xs) + ", expected [k, "
                    + Arrays.toString(featureShape).replaceAll("[\\[\\]]", "") + "]");
        }
        if (!Arrays.equals(ys, batchShape(k, labelShape))) {
            throw new IllegalArgumentException(who + ".gather: y has shape " + Arrays.toString(ys) + ", expected "
                    + Arrays.toString(batchShape(k, labelShape)) + " to match x " + Arrays.toString(xs));
        }
        if (from < 0 || from + k > indices.length) {
            throw new IllegalArgumentException(who + ".gather: indices [" + from + ", " + (from + k) + ") are outside an index array of length "
                    + indices.length);
        }
        for (int i = from; i < from + k; i++) {
            if (indices[i] < 0 || indices[i] >= size) {
                throw new IndexOutOfBoundsException(who + ".gather: sample index " + indices[i] + " (position " + i
                        + ") is out of range for a dataset of " + size + " samples");
            }
        }
        return k;
    }
}

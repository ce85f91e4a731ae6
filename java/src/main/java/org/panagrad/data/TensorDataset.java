package org.panagrad.data;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.panagrad.MemoryScope;
import org.panagrad.Tensor;

/**
 * An in-memory dataset over two off-heap tensors: features {@code [n, ...]} and labels {@code [n, ...]} (for
 * classification {@code [n]}, class indices as whole-number floats). Gathering a batch copies rows memory to
 * memory, with no Java-heap round trip.
 *
 * <pre>{@code
 * TensorDataset data = TensorDataset.of(new float[][] {{0, 0}, {1, 1}}, new float[] {0, 1});
 * TensorDataset.TrainTest parts = data.trainTestSplit(0.5, 42);
 * }</pre>
 *
 * <p>The factories create the tensors outside any {@link MemoryScope}, so a dataset built inside a training
 * step's scope survives it; {@link #close()} releases them (otherwise the garbage collector does).
 */
public final class TensorDataset implements Dataset, AutoCloseable {
    private final Tensor features;
    private final Tensor labels;
    private final int n;
    private final int[] featureShape;
    private final int[] labelShape;
    private final long featureBytes;
    private final long labelBytes;

    /**
     * A dataset over existing tensors (not copied): {@code features} {@code [n, ...]} and {@code labels}
     * {@code [n, ...]}. They must outlive the dataset, so create them outside training-step scopes.
     */
    public TensorDataset(Tensor features, Tensor labels) {
        features.checkAlive("TensorDataset");
        labels.checkAlive("TensorDataset");
        if (features.dim() == 0 || labels.dim() == 0 || features.shape(0) != labels.shape(0)) {
            throw new IllegalArgumentException("TensorDataset: features " + Arrays.toString(features.shape()) + " and labels "
                    + Arrays.toString(labels.shape()) + " must have the same first axis (the number of samples)");
        }
        this.features = features;
        this.labels = labels;
        this.n = features.shape(0);
        this.featureShape = Arrays.copyOfRange(features.shape(), 1, features.dim());
        this.labelShape = Arrays.copyOfRange(labels.shape(), 1, labels.dim());
        this.featureBytes = Tensor.numel(featureShape) * Float.BYTES;
        this.labelBytes = Tensor.numel(labelShape) * Float.BYTES;
    }

    /** Rows of equal length as features, one class label per row. */
    public static TensorDataset of(float[][] rows, float[] labels) {
        if (rows.length != labels.length) {
            throw new IllegalArgumentException("TensorDataset.of: " + rows.length + " rows but " + labels.length + " labels");
        }
        return MemoryScope.outside(() -> {
            Tensor x = rows.length == 0 ? Tensor.empty(0, 0) : Tensor.of(rows);
            return new TensorDataset(x, Tensor.of(labels));
        });
    }

    /** Features given row-major as {@code [labels.length, featureShape...]}, one class label per sample. */
    public static TensorDataset of(float[] features, int[] featureShape, float[] labels) {
        int[] shape = Dataset.batchShape(labels.length, featureShape);
        return MemoryScope.outside(() -> new TensorDataset(Tensor.fromArray(features, shape), Tensor.of(labels)));
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public int[] featureShape() {
        return featureShape.clone();
    }

    @Override
    public int[] labelShape() {
        return labelShape.clone();
    }

    /** All features, {@code [n, ...]} (shared, not a copy). */
    public Tensor features() {
        return features;
    }

    /** All labels, {@code [n, ...]} (shared, not a copy). */
    public Tensor labels() {
        return labels;
    }

    @Override
    public void gather(int[] indices, int from, Tensor x, Tensor y) {
        int k = Dataset.checkGather("TensorDataset", n, featureShape, labelShape, indices, from, x, y);
        features.checkAlive("TensorDataset.gather");
        labels.checkAlive("TensorDataset.gather");
        MemorySegment fs = features.segment(), ls = labels.segment(), xs = x.segment(), ys = y.segment();
        for (int r = 0; r < k; r++) {
            long i = indices[from + r];
            // One bulk copy per row (a memcpy); no per-element work and nothing on the Java heap.
            MemorySegment.copy(fs, i * featureBytes, xs, r * featureBytes, featureBytes);
            MemorySegment.copy(ls, i * labelBytes, ys, r * labelBytes, labelBytes);
        }
    }

    /** A new dataset holding copies of the given samples, in that order (created outside any scope). */
    public TensorDataset subset(int... indices) {
        return MemoryScope.outside(() -> {
            Batch b = get(indices);
            return new TensorDataset(b.x(), b.y());
        });
    }

    /** The two parts of {@link #trainTestSplit}. */
    public record TrainTest(TensorDataset train, TensorDataset test) {}

    /**
     * Shuffles the samples with {@code seed} and puts {@code ceil(testFraction * n)} of them in the test part and
     * the rest in the train part (sklearn's train_test_split rounding). Both parts are copies.
     */
    public TrainTest trainTestSplit(double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("trainTestSplit: testFraction must be in (0, 1), got " + testFraction);
        }
        int nTest = (int) Math.ceil(testFraction * n);
        if (nTest >= n) {
            throw new IllegalArgumentException("trainTestSplit: testFraction " + testFraction + " of " + n
                    + " samples leaves none for training");
        }
        int[] perm = DataLoader.permutation(n, new SplittableRandom(seed));
        return new TrainTest(subset(Arrays.copyOfRange(perm, nTest, n)), subset(Arrays.copyOfRange(perm, 0, nTest)));
    }

    /** Releases the features and labels. */
    @Override
    public void close() {
        features.close();
        labels.close();
    }

    @Override
    public String toString() {
        return "TensorDataset[" + n + " samples, features " + Arrays.toString(featureShape) + ", labels " + Arrays.toString(labelShape) + "]";
    }
}

package org.panagrad.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.panagrad.MemoryScope;
import org.panagrad.Tensor;
import org.panagrad.data.FashionMnist;
import org.panagrad.data.Idx;
import org.panagrad.data.Split;
import org.panagrad.data.TensorDataset;

/**
 * The image data of the MNIST tutorials (002 and 004): Fashion-MNIST, which has MNIST's format and is installed
 * here while MNIST is not, or random stand-in images when it is absent, so the examples always run.
 */
final class ExampleData {
    private ExampleData() {}

    /** Most random stand-in images made, whatever the limit (they only need to exercise the code). */
    static final int MAX_RANDOM = 4096;
    static final int PIXELS = 784, CLASSES = 10;

    /**
     * The first {@code limit} samples of a Fashion-MNIST split from {@code dir}, pixels {@code (p − mean) / std};
     * or, when its files are not there, {@code min(limit, MAX_RANDOM)} random images (pixels uniform in [0, 1),
     * normalised the same way) with random labels 0..9, drawn from the global generator.
     */
    static TensorDataset load(Split split, int limit, Path dir, Idx.Normalization norm) {
        if (FashionMnist.isAvailable(dir)) {
            try {
                TensorDataset all = FashionMnist.load(split, dir, norm);
                return limit >= all.size() ? all : all.subset(IntStream.range(0, limit).toArray());
            } catch (IOException e) {
                throw new UncheckedIOException("examples: could not read Fashion-MNIST from " + dir, e);
            }
        }
        int n = Math.min(limit, MAX_RANDOM);
        return MemoryScope.outside(() -> {
            Tensor images = Tensor.rand(n, PIXELS).sub(norm.mean()).div(norm.std());
            float[] u = Tensor.rand(n).toFloatArray(), labels = new float[n];
            for (int i = 0; i < n; i++) labels[i] = Math.min(CLASSES - 1, (int) (u[i] * CLASSES));
            return new TensorDataset(images, Tensor.of(labels));
        });
    }
}

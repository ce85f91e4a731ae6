package org.panagrad.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Zalando): 28x28 grey images of clothing in 10 classes, 60000 for training and 10000 for testing.
 * Samples are flattened images {@code [784]} (pixels scaled to [0, 1], optionally normalised) and class indices
 * 0..9 (whole-number floats), named by {@link #CLASSES}.
 *
 * <p>The files are looked up in {@link #DEFAULT_DIR}, where the Debian package {@code dataset-fashion-mnist}
 * installs them, or in a directory you give: {@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz},
 * {@code t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz} (gzipped or not).
 *
 * <pre>{@code
 * TensorDataset train = FashionMnist.train();
 * TensorDataset test = FashionMnist.load(Split.TEST, Path.of("data/fashion"), Idx.Normalization.HALF);
 * }</pre>
 */
public final class FashionMnist {
    /** Where {@code apt-get install dataset-fashion-mnist} puts the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** Class names, indexed by label. */
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle boot");

    private static final String HOW_TO_GET = "Install them with `sudo apt-get install dataset-fashion-mnist` (Debian/Ubuntu, into "
            + DEFAULT_DIR + "), or download train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and "
            + "t10k-labels-idx1-ubyte.gz from http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/ into a directory "
            + "and pass it to FashionMnist.load(split, dir).";

    private FashionMnist() {}

    /** True when all four files are in {@link #DEFAULT_DIR}. */
    public static boolean isAvailable() {
        return isAvailable(DEFAULT_DIR);
    }

    /** True when all four files are in {@code dir}. */
    public static boolean isAvailable(Path dir) {
        return MnistFiles.isAvailable(dir);
    }

    /** The 60000 training samples from {@link #DEFAULT_DIR}, pixels in [0, 1]. */
    public static TensorDataset train() throws IOException {
        return load(Split.TRAIN);
    }

    /** The 10000 test samples from {@link #DEFAULT_DIR}, pixels in [0, 1]. */
    public static TensorDataset test() throws IOException {
        return load(Split.TEST);
    }

    /** One split from {@link #DEFAULT_DIR}, pixels in [0, 1]. */
    public static TensorDataset load(Split split) throws IOException {
        return load(split, DEFAULT_DIR, Idx.Normalization.NONE);
    }

    /** One split from {@code dir}, pixels in [0, 1]. */
    public static TensorDataset load(Split split, Path dir) throws IOException {
        return load(split, dir, Idx.Normalization.NONE);
    }

    /**
     * One split from {@code dir}, pixels {@code (p / 255 - mean) / std}; the tensors live outside any memory scope.
     *
     * @throws java.nio.file.NoSuchFileException when a file is missing (the message says how to get them)
     * @throws IOException                       when a file is corrupt, truncated, or the counts disagree
     */
    public static TensorDataset load(Split split, Path dir, Idx.Normalization norm) throws IOException {
        return MnistFiles.load("Fashion-MNIST", dir, split, norm, HOW_TO_GET);
    }
}

package org.panagrad.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * MNIST handwritten digits: 28x28 grey images in 10 classes (the digits 0..9), 60000 for training and 10000 for
 * testing. Samples are flattened images {@code [784]} (pixels scaled to [0, 1], optionally normalised) and class
 * indices 0..9 (whole-number floats). Same file layout as {@link FashionMnist}.
 *
 * <pre>{@code
 * TensorDataset train = Mnist.load(Split.TRAIN, Path.of("data/mnist"));
 * }</pre>
 */
public final class Mnist {
    /** The conventional system-wide location, by analogy with Debian's dataset-fashion-mnist. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/mnist");

    private static final String HOW_TO_GET = "Download train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
            + "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (e.g. from https://ossci-datasets.s3.amazonaws.com/mnist/, "
            + "the mirror torchvision uses) into a directory and pass it to Mnist.load(split, dir).";

    private Mnist() {}

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
        return MnistFiles.load("MNIST", dir, split, norm, HOW_TO_GET);
    }
}

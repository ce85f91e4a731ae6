package org.panagrad.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.panagrad.MemoryScope;
import org.panagrad.Tensor;

/**
 * The four IDX files of MNIST-layout datasets ({@code train-images-idx3-ubyte[.gz]} and friends), shared by
 * {@link Mnist} and {@link FashionMnist}.
 */
final class MnistFiles {
    static final int CLASSES = 10;

    private MnistFiles() {}

    static String imagesName(Split split) {
        return (split == Split.TRAIN ? "train" : "t10k") + "-images-idx3-ubyte";
    }

    static String labelsName(Split split) {
        return (split == Split.TRAIN ? "train" : "t10k") + "-labels-idx1-ubyte";
    }

    /** The file for a base name in {@code dir}: the gzipped one if present, else the plain one, else null. */
    static Path find(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) return gz;
        Path plain = dir.resolve(base);
        return Files.isRegularFile(plain) ? plain : null;
    }

    static boolean isAvailable(Path dir) {
        for (Split s : Split.values()) {
            if (find(dir, imagesName(s)) == null || find(dir, labelsName(s)) == null) return false;
        }
        return true;
    }

    /**
     * Loads one split as a dataset of flattened images {@code [n, rows*cols]} and labels {@code [n]}, created
     * outside any memory scope.
     */
    static TensorDataset load(String dataset, Path dir, Split split, Idx.Normalization norm, String howToGet) throws IOException {
        Path images = find(dir, imagesName(split));
        Path labels = find(dir, labelsName(split));
        if (images == null || labels == null) {
            String missing = images == null ? imagesName(split) : labelsName(split);
            throw new NoSuchFileException(dir.resolve(missing + ".gz").toString(), null,
                    dataset + ": " + missing + "[.gz] not found in " + dir + ". " + howToGet);
        }
        Idx.Array img = Idx.read(images, 3);
        Idx.Array lab = Idx.read(labels, 1);
        int n = img.shape()[0];
        if (lab.shape()[0] != n) {
            throw new IOException(dataset + ": " + images + " holds " + n + " images but " + labels + " holds " + lab.shape()[0] + " labels");
        }
        byte[] l = lab.data();
        for (int i = 0; i < l.length; i++) {
            if ((l[i] & 0xff) >= CLASSES) {
                throw new IOException(dataset + ": " + labels + ": label " + (l[i] & 0xff) + " of sample " + i
                        + " is not a class index in 0.." + (CLASSES - 1));
            }
        }
        int pixels = img.shape()[1] * img.shape()[2];
        Idx.Array flat = new Idx.Array(new int[] {n, pixels}, img.data());
        return MemoryScope.outside(() -> {
            Tensor x = Idx.toTensor(flat, 1f / (255f * norm.std()), -norm.mean() / norm.std());
            Tensor y = Idx.toTensor(lab, 1f, 0f);
            return new TensorDataset(x, y);
        });
    }
}

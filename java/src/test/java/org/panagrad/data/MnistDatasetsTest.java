package org.panagrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panagrad.MemoryScope;

/** MNIST-layout loaders: the real Fashion-MNIST when installed, and small files written here. */
class MnistDatasetsTest {
    @TempDir
    Path dir;

    static int[] histogram(TensorDataset d) {
        int[] h = new int[10];
        for (float v : d.labels().toFloatArray()) {
            assertEquals(Math.rint(v), v, "labels are whole numbers");
            h[(int) v]++;
        }
        return h;
    }

    @Test
    void realFashionMnist() throws IOException {
        Assumptions.assumeTrue(FashionMnist.isAvailable(), "Fashion-MNIST not installed in " + FashionMnist.DEFAULT_DIR);
        TensorDataset train;
        try (MemoryScope scope = MemoryScope.open()) {
            train = FashionMnist.train(); // made outside the scope: survives it
        }
        try (TensorDataset test = FashionMnist.test()) {
            assertEquals(60000, train.size());
            assertEquals(10000, test.size());
            assertArrayEquals(new int[] {784}, train.featureShape());
            int[] sixThousand = new int[10], oneThousand = new int[10];
            java.util.Arrays.fill(sixThousand, 6000);
            java.util.Arrays.fill(oneThousand, 1000);
            assertArrayEquals(sixThousand, histogram(train));
            assertArrayEquals(oneThousand, histogram(test));
            // Reference values from numpy on the same files (see the report): first labels 9 0 0 3 0 and 9 2 1 1 6,
            // the first training image's pixel bytes sum to 76247, with its first maximum (255) at pixel 417.
            try (Batch b = train.get(0, 1, 2, 3, 4)) {
                assertArrayEquals(new float[] {9, 0, 0, 3, 0}, b.y().toFloatArray());
                assertEquals(76247 / 255.0, b.x().get(0).sum().item(), 1e-3);
                assertEquals(417f, b.x().get(0).argmax(0).item());
                assertEquals(1f, b.x().get(0).getFloat(417));
            }
            try (Batch b = test.get(0, 1, 2, 3, 4)) {
                assertArrayEquals(new float[] {9, 2, 1, 1, 6}, b.y().toFloatArray());
                assertEquals(33456 / 255.0, b.x().get(0).sum().item(), 1e-3);
            }
            assertEquals("Ankle boot", FashionMnist.CLASSES.get(9));
            float[] px = train.features().toFloatArray();
            double mean = 0;
            float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
            for (float p : px) {
                mean += p;
                min = Math.min(min, p);
                max = Math.max(max, p);
            }
            assertEquals(0f, min);
            assertEquals(1f, max);
            assertEquals(0.2860405969887955, mean / px.length, 1e-6, "mean pixel (numpy)");
            // A full epoch through the loader sees every label once.
            DataLoader loader = DataLoader.builder(train).batchSize(1000).shuffle(true).seed(3).build();
            int[] counts = new int[10];
            for (Batch batch : loader) for (float v : batch.y().toFloatArray()) counts[(int) v]++;
            assertArrayEquals(sixThousand, counts);
        } finally {
            train.close();
        }
    }

    @Test
    void normalisedFashionMnistTestSplit() throws IOException {
        Assumptions.assumeTrue(FashionMnist.isAvailable(), "Fashion-MNIST not installed");
        try (TensorDataset test = FashionMnist.load(Split.TEST, FashionMnist.DEFAULT_DIR, Idx.Normalization.HALF)) {
            float[] px = test.features().toFloatArray();
            double mean = 0;
            for (float p : px) mean += p;
            // (0.28684928 - 0.5) / 0.5 from numpy's mean over the test images.
            assertEquals((0.28684928071228494 - 0.5) / 0.5, mean / px.length, 1e-6);
        }
    }

    @Test
    void missingFilesExplainHowToGetThem() {
        assertFalse(FashionMnist.isAvailable(dir));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(Split.TRAIN, dir));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte[.gz] not found in " + dir), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz"), e.getMessage());
        NoSuchFileException m = assertThrows(NoSuchFileException.class, () -> Mnist.load(Split.TEST, dir));
        assertTrue(m.getMessage().startsWith(dir.resolve("t10k-images-idx3-ubyte.gz") + ": MNIST: t10k-images"), m.getMessage());
    }

    /** Writes a tiny MNIST-layout set: train 3 images 2x2 (plain files), test 2 images (gzipped). */
    void writeTiny(byte[] trainLabels) throws IOException {
        Idx.write(dir.resolve("train-images-idx3-ubyte"), new int[] {3, 2, 2}, new byte[] {0, 51, 102, (byte) 255, 1, 2, 3, 4, 5, 6, 7, 8}, false);
        Idx.write(dir.resolve("train-labels-idx1-ubyte"), new int[] {trainLabels.length}, trainLabels, false);
        Idx.write(dir.resolve("t10k-images-idx3-ubyte.gz"), new int[] {2, 2, 2}, new byte[8], true);
        Idx.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), new int[] {2}, new byte[] {9, 0}, true);
    }

    @Test
    void loadsAnyDirectoryInTheLayout() throws IOException {
        writeTiny(new byte[] {4, 0, 9});
        assertTrue(Mnist.isAvailable(dir));
        try (TensorDataset train = Mnist.load(Split.TRAIN, dir); TensorDataset test = Mnist.load(Split.TEST, dir)) {
            assertArrayEquals(new int[] {4}, train.featureShape());
            assertArrayEquals(new float[] {0, 0.2f, 0.4f, 1f}, java.util.Arrays.copyOf(train.features().toFloatArray(), 4), 1e-6f);
            assertArrayEquals(new float[] {4, 0, 9}, train.labels().toFloatArray());
            assertArrayEquals(new float[] {9, 0}, test.labels().toFloatArray());
        }
    }

    @Test
    void labelOutOfRangeAndCountMismatchAreRejected() throws IOException {
        writeTiny(new byte[] {4, 10, 9});
        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(Split.TRAIN, dir));
        assertTrue(e.getMessage().matches("Fashion-MNIST: .*train-labels-idx1-ubyte: label 10 of sample 1 is not a class index in 0\\.\\.9"),
                e.getMessage());
        writeTiny(new byte[] {4, 1});
        IOException c = assertThrows(IOException.class, () -> FashionMnist.load(Split.TRAIN, dir));
        assertTrue(c.getMessage().matches("Fashion-MNIST: .*train-images-idx3-ubyte holds 3 images but .*train-labels-idx1-ubyte holds 2 labels"),
                c.getMessage());
    }
}

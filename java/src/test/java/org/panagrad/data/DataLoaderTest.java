package org.panagrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.panagrad.Memory;
import org.panagrad.MemoryScope;
import org.panagrad.MemoryStats;
import org.panagrad.Tensor;

/** DataLoader and TensorDataset: batch counts, coverage, ordering, reproducible shuffling, memory. */
class DataLoaderTest {

    /** Sample i has features [i, 10 i, -i] and label i % 7, so every batch row says which sample it is. */
    static TensorDataset indexed(int n) {
        float[][] rows = new float[n][];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            rows[i] = new float[] {i, 10f * i, -i};
            labels[i] = i % 7;
        }
        return TensorDataset.of(rows, labels);
    }

    /** The sample indices of one epoch, batch by batch, checking each row's features and label agree. */
    static List<int[]> epoch(DataLoader loader) {
        List<int[]> out = new ArrayList<>();
        for (Batch b : loader) {
            float[] x = b.x().toFloatArray();
            float[] y = b.y().toFloatArray();
            assertEquals(3, b.x().shape(1));
            assertArrayEquals(new int[] {b.size()}, b.y().shape());
            int[] idx = new int[b.size()];
            for (int r = 0; r < b.size(); r++) {
                idx[r] = (int) x[3 * r];
                assertEquals(10f * idx[r], x[3 * r + 1], "row " + r);
                assertEquals(-idx[r], x[3 * r + 2], "row " + r);
                assertEquals(idx[r] % 7, y[r], "label of row " + r);
            }
            out.add(idx);
        }
        return out;
    }

    static int[] flatten(List<int[]> batches) {
        return batches.stream().flatMapToInt(Arrays::stream).toArray();
    }

    @ParameterizedTest(name = "n={0} batch={1} dropLast={2} -> {3} batches, last {4}")
    @CsvSource({
            "10, 3, false, 4, 1",
            "10, 3, true, 3, 3",
            "12, 4, false, 3, 4",
            "12, 4, true, 3, 4",
            "5, 8, false, 1, 5",
            "5, 8, true, 0, 0",
            "1, 1, false, 1, 1",
            "100, 32, false, 4, 4",
            "100, 32, true, 3, 32"})
    void batchCountsAndSizes(int n, int batchSize, boolean dropLast, int expectedBatches, int lastSize) {
        try (TensorDataset data = indexed(n)) {
            for (boolean shuffle : new boolean[] {false, true}) {
                DataLoader loader = DataLoader.builder(data).batchSize(batchSize).dropLast(dropLast).shuffle(shuffle).seed(7).build();
                assertEquals(expectedBatches, loader.numBatches());
                List<int[]> batches = epoch(loader);
                assertEquals(expectedBatches, batches.size());
                for (int i = 0; i + 1 < batches.size(); i++) assertEquals(batchSize, batches.get(i).length, "full batch " + i);
                if (expectedBatches > 0) assertEquals(lastSize, batches.get(batches.size() - 1).length, "last batch");
                int[] seen = flatten(batches);
                // Without dropLast every sample appears exactly once; with it, distinct samples and n % batch fewer.
                assertEquals(dropLast ? n - n % batchSize : n, seen.length);
                assertEquals(seen.length, Arrays.stream(seen).distinct().count(), "a sample was repeated");
                if (!dropLast) assertArrayEquals(range(n), Arrays.stream(seen).sorted().toArray());
                if (!shuffle) assertArrayEquals(Arrays.copyOf(range(n), seen.length), seen, "in order without shuffling");
            }
        }
    }

    @Test
    void everySampleExactlyOncePerEpochAcrossEpochs() {
        try (TensorDataset data = indexed(53)) {
            DataLoader loader = DataLoader.builder(data).batchSize(8).shuffle(true).seed(123).build();
            for (int e = 0; e < 4; e++) {
                assertEquals(e, loader.epoch());
                int[] seen = flatten(epoch(loader));
                assertArrayEquals(range(53), Arrays.stream(seen).sorted().toArray(), "epoch " + e);
            }
        }
    }

    @Test
    void shuffleIsReproducibleWithSeedAndDiffersAcrossEpochs() {
        try (TensorDataset data = indexed(40)) {
            DataLoader a = DataLoader.builder(data).batchSize(6).shuffle(true).seed(42).build();
            DataLoader b = DataLoader.builder(data).batchSize(6).shuffle(true).seed(42).build();
            DataLoader c = DataLoader.builder(data).batchSize(6).shuffle(true).seed(43).build();
            int[] a0 = flatten(epoch(a)), a1 = flatten(epoch(a));
            int[] b0 = flatten(epoch(b)), b1 = flatten(epoch(b));
            int[] c0 = flatten(epoch(c));
            assertArrayEquals(a0, b0, "same seed, epoch 0");
            assertArrayEquals(a1, b1, "same seed, epoch 1");
            assertFalse(Arrays.equals(a0, a1), "epoch 1 must be reshuffled");
            assertFalse(Arrays.equals(a0, c0), "another seed gives another order");
            assertFalse(Arrays.equals(a0, range(40)), "shuffled");
            assertArrayEquals(a0, a.order(0));
            assertArrayEquals(a1, a.order(1));
            // Resuming at epoch 1 replays epoch 1's order.
            b.setEpoch(1);
            assertArrayEquals(a1, flatten(epoch(b)));
            assertEquals(2, b.epoch());
        }
    }

    @Test
    void iteratorReleasesThePreviousBatchUnlessAskedToKeep() {
        try (TensorDataset data = indexed(10)) {
            Iterator<Batch> it = new DataLoader(data, 4).iterator();
            Batch first = it.next();
            assertFalse(first.x().isReleased());
            Batch second = it.next();
            assertTrue(first.x().isReleased() && first.y().isReleased(), "advancing releases the previous batch");
            assertFalse(second.x().isReleased());
            Batch third = it.next();
            assertEquals(2, third.size());
            assertFalse(it.hasNext());
            assertTrue(third.x().isReleased(), "the end of the epoch releases the last batch");
            assertThrows(NoSuchElementException.class, it::next);

            Iterator<Batch> keep = DataLoader.builder(data).batchSize(4).keepBatches(true).build().iterator();
            Batch k1 = keep.next();
            keep.next();
            assertFalse(k1.x().isReleased());
            assertArrayEquals(new float[] {0, 1, 2, 3}, k1.y().toFloatArray());
            k1.close();
            assertTrue(k1.x().isReleased());
        }
    }

    @Test
    void batchesLiveInTheCallersScope() {
        try (TensorDataset data = indexed(10)) {
            Iterator<Batch> it = DataLoader.builder(data).batchSize(5).keepBatches(true).build().iterator();
            Batch b;
            try (MemoryScope step = MemoryScope.open()) {
                b = it.next();
                assertEquals(2, step.size(), "x and y registered in the open scope");
            }
            assertTrue(b.x().isReleased() && b.y().isReleased());
            assertFalse(data.features().isReleased(), "the dataset outlives the scope");
        }
    }

    @Test
    void steadyStateAllocatesNoNewNativeMemory() {
        try (TensorDataset data = indexed(103)) {
            DataLoader loader = DataLoader.builder(data).batchSize(16).shuffle(true).seed(1).build();
            double checksum = 0;
            for (int e = 0; e < 2; e++) { // warm up: the caching allocator learns the batch sizes
                for (Batch b : loader) {
                    try (MemoryScope step = MemoryScope.open()) {
                        checksum += b.x().sum().item();
                    }
                }
            }
            MemoryStats before = Memory.stats();
            for (int e = 0; e < 3; e++) {
                for (Batch b : loader) {
                    try (MemoryScope step = MemoryScope.open()) {
                        checksum += b.x().sum().item();
                    }
                }
            }
            MemoryStats after = Memory.stats();
            assertEquals(before.freshAllocations(), after.freshAllocations(), "fresh native allocations in steady state");
            // Sum over 5 epochs of every sample's features: 5 * sum_i (i + 10 i - i) = 5 * 10 * (0 + ... + 102).
            assertEquals(5 * 10.0 * 102 * 103 / 2, checksum, 1e-3);
        }
    }

    @Test
    void datasetGetSubsetAndSplit() {
        try (TensorDataset data = indexed(20)) {
            try (Batch b = data.get(5, 0, 19)) {
                assertArrayEquals(new float[] {5, 50, -5, 0, 0, 0, 19, 190, -19}, b.x().toFloatArray());
                assertArrayEquals(new float[] {5, 0, 5}, b.y().toFloatArray());
                assertEquals(3, b.size());
            }
            TensorDataset sub = data.subset(3, 4);
            assertArrayEquals(new float[] {3, 30, -3, 4, 40, -4}, sub.features().toFloatArray());
            assertArrayEquals(new int[] {3}, sub.featureShape());
            assertArrayEquals(new int[] {}, sub.labelShape());

            TensorDataset.TrainTest parts = data.trainTestSplit(0.25, 9);
            assertEquals(15, parts.train().size());
            assertEquals(5, parts.test().size());
            float[] tr = parts.train().labels().toFloatArray();
            int[] ids = concat(column0(parts.train()), column0(parts.test()));
            assertArrayEquals(range(20), Arrays.stream(ids).sorted().toArray(), "the parts partition the samples");
            for (int i = 0; i < tr.length; i++) assertEquals(column0(parts.train())[i] % 7, tr[i]);
            TensorDataset.TrainTest again = data.trainTestSplit(0.25, 9);
            assertArrayEquals(column0(parts.test()), column0(again.test()), "same seed, same split");
            // sklearn rounding: ceil(0.1 * 20) = 2 test samples.
            assertEquals(2, data.trainTestSplit(0.1, 1).test().size());
        }
    }

    @Test
    void badArgumentsAreRejectedWithClearMessages() {
        try (TensorDataset data = indexed(6)) {
            var e = assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(data).batchSize(0));
            assertTrue(e.getMessage().matches("DataLoader: batchSize must be >= 1, got 0"), e.getMessage());
            var ioob = assertThrows(IndexOutOfBoundsException.class, () -> data.get(1, 6));
            assertTrue(ioob.getMessage().matches(".*sample index 6 \\(position 1\\) is out of range for a dataset of 6 samples"), ioob.getMessage());
            Tensor x = Tensor.empty(2, 4), y = Tensor.empty(2);
            var shape = assertThrows(IllegalArgumentException.class, () -> data.gather(new int[] {0, 1}, 0, x, y));
            assertTrue(shape.getMessage().matches("TensorDataset\\.gather: x has shape \\[2, 4\\], expected \\[k, 3\\]"), shape.getMessage());
            Tensor x2 = Tensor.empty(2, 3), y3 = Tensor.empty(3);
            var ys = assertThrows(IllegalArgumentException.class, () -> data.gather(new int[] {0, 1}, 0, x2, y3));
            assertTrue(ys.getMessage().contains("y has shape [3], expected [2]"), ys.getMessage());
            var tooFew = assertThrows(IllegalArgumentException.class, () -> data.gather(new int[] {0}, 0, x2, Tensor.empty(2)));
            assertTrue(tooFew.getMessage().contains("indices [0, 2) are outside an index array of length 1"), tooFew.getMessage());
            var mismatch = assertThrows(IllegalArgumentException.class, () -> new TensorDataset(Tensor.zeros(3, 2), Tensor.zeros(4)));
            assertTrue(mismatch.getMessage().contains("features [3, 2] and labels [4] must have the same first axis"), mismatch.getMessage());
            assertThrows(IllegalArgumentException.class, () -> TensorDataset.of(new float[][] {{1}}, new float[] {0, 1}));
            assertThrows(IllegalArgumentException.class, () -> data.trainTestSplit(1.0, 0));
        }
    }

    @Test
    void unseededShuffleFollowsTheGlobalSeed() {
        try (TensorDataset data = indexed(30)) {
            org.panagrad.Panagrad.manualSeed(5);
            int[] first = new DataLoader(data, 4, true).order(0);
            org.panagrad.Panagrad.manualSeed(5);
            int[] second = new DataLoader(data, 4, true).order(0);
            assertArrayEquals(first, second);
            assertNotEquals(Arrays.toString(range(30)), Arrays.toString(first));
        }
    }

    @Test
    void epochOrdersAreNotShiftedCopiesOfEachOther() {
        try (TensorDataset data = indexed(50)) {
            DataLoader loader = DataLoader.builder(data).batchSize(10).shuffle(true).seed(0).build();
            // Fixed points between two independent random permutations average 1; shifted streams would share many.
            int[] e0 = loader.order(0), e1 = loader.order(1), e2 = loader.order(2);
            int same01 = 0, same12 = 0;
            for (int i = 0; i < 50; i++) {
                if (e0[i] == e1[i]) same01++;
                if (e1[i] == e2[i]) same12++;
            }
            assertTrue(same01 <= 5 && same12 <= 5, "positions agreeing: " + same01 + ", " + same12);
            // Adjacent seeds are unrelated too.
            int[] s1 = DataLoader.builder(data).shuffle(true).seed(1).build().order(0);
            assertFalse(Arrays.equals(s1, e1));
        }
    }

    @Test
    void multiDimensionalFeaturesAndVectorLabels() {
        // 4 samples of 2x3 features with 2-vector targets (e.g. regression): rows stay whole.
        float[] f = new float[4 * 6];
        for (int i = 0; i < f.length; i++) f[i] = i;
        Tensor x = Tensor.fromArray(f, 4, 2, 3);
        Tensor y = Tensor.fromArray(new float[] {0, 0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f}, 4, 2);
        TensorDataset data = new TensorDataset(x, y);
        assertArrayEquals(new int[] {2, 3}, data.featureShape());
        assertArrayEquals(new int[] {2}, data.labelShape());
        List<Batch> kept = new ArrayList<>();
        for (Batch b : DataLoader.builder(data).batchSize(3).keepBatches(true).build()) kept.add(b);
        assertEquals(2, kept.size());
        assertArrayEquals(new int[] {3, 2, 3}, kept.get(0).x().shape());
        assertArrayEquals(new int[] {3, 2}, kept.get(0).y().shape());
        assertArrayEquals(new int[] {1, 2, 3}, kept.get(1).x().shape());
        assertArrayEquals(new float[] {18, 19, 20, 21, 22, 23}, kept.get(1).x().toFloatArray());
        assertArrayEquals(new float[] {3, 3.5f}, kept.get(1).y().toFloatArray());
        kept.forEach(Batch::close);
    }

    @Test
    void aCustomDatasetOnlyImplementsGather() {
        // Sample i is the constant row [i, i] with label 1 when i is odd: computed, not stored.
        Dataset computed = new Dataset() {
            @Override
            public int size() {
                return 5;
            }

            @Override
            public int[] featureShape() {
                return new int[] {2};
            }

            @Override
            public void gather(int[] indices, int from, Tensor x, Tensor y) {
                int k = Dataset.checkGather("Computed", size(), featureShape(), labelShape(), indices, from, x, y);
                for (int r = 0; r < k; r++) {
                    int i = indices[from + r];
                    x.setFloat(i, r, 0);
                    x.setFloat(i, r, 1);
                    y.setFloat(i % 2, r);
                }
            }
        };
        List<float[]> ys = new ArrayList<>();
        for (Batch b : new DataLoader(computed, 2)) ys.add(b.y().toFloatArray());
        assertEquals(3, ys.size());
        assertArrayEquals(new float[] {0, 1}, ys.get(0));
        assertArrayEquals(new float[] {0}, ys.get(2));
        try (Batch b = computed.get(3, 4)) {
            assertArrayEquals(new float[] {3, 3, 4, 4}, b.x().toFloatArray());
        }
    }

    static int[] column0(TensorDataset d) {
        float[] f = d.features().toFloatArray();
        int[] out = new int[d.size()];
        for (int i = 0; i < out.length; i++) out[i] = (int) f[3 * i];
        return out;
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }
}

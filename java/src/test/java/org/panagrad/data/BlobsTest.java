package org.panagrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** make_blobs: reproducibility, label counts and range, cluster statistics, explicit centers, split. */
class BlobsTest {

    @ParameterizedTest(name = "n={0} f={1} k={2} seed={3}")
    @CsvSource({"300, 2, 3, 0", "1001, 5, 4, 17", "7, 3, 7, 99", "10, 1, 3, -5"})
    void reproducibleWithSeedAndLabelsInRange(int n, int f, int k, long seed) {
        Blobs a = Blobs.make(n, f, k, seed), b = Blobs.make(n, f, k, seed), c = Blobs.make(n, f, k, seed + 1);
        TensorDataset d = a.dataset();
        assertEquals(n, d.size());
        assertArrayEquals(new int[] {f}, d.featureShape());
        assertArrayEquals(d.features().toFloatArray(), b.dataset().features().toFloatArray());
        assertArrayEquals(d.labels().toFloatArray(), b.dataset().labels().toFloatArray());
        assertFalse(Arrays.equals(d.features().toFloatArray(), c.dataset().features().toFloatArray()), "another seed, other data");
        int[] counts = new int[k];
        for (float y : d.labels().toFloatArray()) {
            assertEquals(Math.rint(y), y);
            assertTrue(y >= 0 && y < k, "label " + y);
            counts[(int) y]++;
        }
        // sklearn splits n as evenly as possible, the first n % k blobs getting one more.
        for (int i = 0; i < k; i++) assertEquals(n / k + (i < n % k ? 1 : 0), counts[i], "blob " + i);
        for (float[] center : a.centers()) {
            assertEquals(f, center.length);
            for (float v : center) assertTrue(v >= -10 && v < 10, "center in the default box: " + v);
        }
    }

    @Test
    void clusterMeansAndSpreadMatchCentersAndStd() {
        Blobs blobs = Blobs.builder().samples(6000).features(3).centers(4).clusterStd(0.5).centerBox(-5, 5).seed(2024).make();
        float[] x = blobs.dataset().features().toFloatArray();
        float[] y = blobs.dataset().labels().toFloatArray();
        float[][] centers = blobs.centers();
        double[][] sum = new double[4][3], sq = new double[4][3];
        int[] n = new int[4];
        for (int i = 0; i < y.length; i++) {
            int b = (int) y[i];
            n[b]++;
            for (int j = 0; j < 3; j++) {
                sum[b][j] += x[3 * i + j];
                sq[b][j] += x[3 * i + j] * (double) x[3 * i + j];
            }
        }
        for (int b = 0; b < 4; b++) {
            for (int j = 0; j < 3; j++) {
                double mean = sum[b][j] / n[b];
                double std = Math.sqrt(sq[b][j] / n[b] - mean * mean);
                // 1500 samples: the mean's standard error is 0.5/sqrt(1500) = 0.013; allow ~4 of them.
                assertEquals(centers[b][j], mean, 0.05, "blob " + b + " axis " + j);
                assertEquals(0.5, std, 0.05, "spread of blob " + b + " axis " + j);
                assertTrue(centers[b][j] >= -5 && centers[b][j] < 5);
            }
        }
        // Shuffled: the labels are not sorted by blob.
        float[] sorted = y.clone();
        Arrays.sort(sorted);
        assertFalse(Arrays.equals(sorted, y));
    }

    @Test
    void explicitCentersAndZeroStd() {
        float[][] given = {{1, 2}, {-3, 4}};
        Blobs blobs = Blobs.builder().samples(5).centers(given).clusterStd(0).seed(1).make();
        float[] x = blobs.dataset().features().toFloatArray();
        float[] y = blobs.dataset().labels().toFloatArray();
        for (int i = 0; i < 5; i++) assertArrayEquals(given[(int) y[i]], new float[] {x[2 * i], x[2 * i + 1]}, "sample " + i);
        assertEquals(3, Arrays.stream(toInts(y)).filter(v -> v == 0).count());
        given[0][0] = 100; // the builder copied the centers
        assertEquals(1f, blobs.centers()[0][0]);
    }

    @Test
    void trainTestSplitOfBlobs() {
        TensorDataset d = Blobs.make(200, 2, 3, 5).dataset();
        TensorDataset.TrainTest parts = d.trainTestSplit(0.25, 0);
        assertEquals(150, parts.train().size());
        assertEquals(50, parts.test().size());
        // The parts hold the original rows: total feature sum and label histogram are preserved.
        double total = sum(d.features().toFloatArray());
        assertEquals(total, sum(parts.train().features().toFloatArray()) + sum(parts.test().features().toFloatArray()), 1e-2);
        assertEquals(sum(d.labels().toFloatArray()), sum(parts.train().labels().toFloatArray()) + sum(parts.test().labels().toFloatArray()));
    }

    @Test
    void badOptionsAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> Blobs.builder().clusterStd(-1));
        assertEquals("Blobs: clusterStd must be finite and >= 0, got -1.0", e.getMessage());
        var box = assertThrows(IllegalArgumentException.class, () -> Blobs.builder().centerBox(3, 3));
        assertEquals("Blobs: centerBox needs finite low < high, got (3.0, 3.0)", box.getMessage());
        var ragged = assertThrows(IllegalArgumentException.class, () -> Blobs.builder().centers(new float[][] {{1, 2}, {3}}));
        assertTrue(ragged.getMessage().startsWith("Blobs: center 1 has 1 coordinates, center 0 has 2"), ragged.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Blobs.builder().samples(0));
        assertThrows(IllegalArgumentException.class, () -> Blobs.builder().centers(0));
    }

    static double sum(float[] v) {
        double s = 0;
        for (float f : v) s += f;
        return s;
    }

    static int[] toInts(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (int) v[i];
        return out;
    }
}

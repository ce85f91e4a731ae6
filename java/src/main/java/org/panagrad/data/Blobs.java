package org.panagrad.data;

import java.util.Arrays;
import java.util.Random;

/**
 * Isotropic Gaussian blobs for classification, like sklearn's {@code make_blobs}: {@code centers} points drawn
 * uniformly in {@code centerBox}^nFeatures, then {@code nSamples} points split as evenly as possible between them
 * (the first {@code nSamples % centers} blobs get one more), each {@code center + clusterStd * N(0, I)}, labelled
 * with its blob's index and shuffled. The same seed gives the same data.
 *
 * <pre>{@code
 * Blobs blobs = Blobs.builder().samples(300).features(2).centers(3).clusterStd(1.0).seed(0).make();
 * TensorDataset.TrainTest parts = blobs.dataset().trainTestSplit(0.25, 0);
 * float[][] centers = blobs.centers();
 * }</pre>
 */
public final class Blobs {
    private final TensorDataset dataset;
    private final float[][] centers;

    private Blobs(TensorDataset dataset, float[][] centers) {
        this.dataset = dataset;
        this.centers = centers;
    }

    /** {@code make_blobs(n_samples, n_features, centers=k, cluster_std=1.0, center_box=(-10, 10), random_state=seed)}. */
    public static Blobs make(int nSamples, int nFeatures, int centers, long seed) {
        return builder().samples(nSamples).features(nFeatures).centers(centers).seed(seed).make();
    }

    /** Starts a builder with sklearn's defaults: 100 samples, 2 features, 3 centers, std 1, box (-10, 10), seed 0. */
    public static Builder builder() {
        return new Builder();
    }

    /** The samples: features {@code [n, nFeatures]}, labels {@code [n]} holding blob indices. */
    public TensorDataset dataset() {
        return dataset;
    }

    /** The blob centers, one row per class (a copy). */
    public float[][] centers() {
        float[][] c = new float[centers.length][];
        for (int i = 0; i < c.length; i++) c[i] = centers[i].clone();
        return c;
    }

    /** Options of {@link Blobs}. */
    public static final class Builder {
        private int samples = 100;
        private int features = 2;
        private int centerCount = 3;
        private float[][] centers;
        private double clusterStd = 1.0;
        private double boxLow = -10, boxHigh = 10;
        private long seed;

        private Builder() {}

        /** Total number of samples (at least 1). */
        public Builder samples(int n) {
            if (n < 1) throw new IllegalArgumentException("Blobs: samples must be >= 1, got " + n);
            this.samples = n;
            return this;
        }

        /** Features per sample (at least 1); ignored when centers are given explicitly. */
        public Builder features(int n) {
            if (n < 1) throw new IllegalArgumentException("Blobs: features must be >= 1, got " + n);
            this.features = n;
            return this;
        }

        /** Number of blobs, with centers drawn in the center box (at least 1). */
        public Builder centers(int k) {
            if (k < 1) throw new IllegalArgumentException("Blobs: centers must be >= 1, got " + k);
            this.centerCount = k;
            this.centers = null;
            return this;
        }

        /** Explicit centers, one row per blob, all of the same length (which sets the number of features). */
        public Builder centers(float[][] given) {
            if (given.length == 0) throw new IllegalArgumentException("Blobs: centers must hold at least one row");
            for (int i = 0; i < given.length; i++) {
                if (given[i].length == 0 || given[i].length != given[0].length) {
                    throw new IllegalArgumentException("Blobs: center " + i + " has " + given[i].length + " coordinates, center 0 has "
                            + given[0].length + " (need equal, non-zero lengths)");
                }
                for (float v : given[i]) {
                    if (!Float.isFinite(v)) throw new IllegalArgumentException("Blobs: center " + i + " has a non-finite coordinate " + v);
                }
            }
            this.centers = new float[given.length][];
            for (int i = 0; i < given.length; i++) this.centers[i] = given[i].clone();
            return this;
        }

        /** Standard deviation of every blob (finite, >= 0). */
        public Builder clusterStd(double std) {
            if (!(std >= 0) || !Double.isFinite(std)) throw new IllegalArgumentException("Blobs: clusterStd must be finite and >= 0, got " + std);
            this.clusterStd = std;
            return this;
        }

        /** Bounds of the box the random centers are drawn from (finite, {@code low < high}). */
        public Builder centerBox(double low, double high) {
            if (!(low < high) || !Double.isFinite(low) || !Double.isFinite(high)) {
                throw new IllegalArgumentException("Blobs: centerBox needs finite low < high, got (" + low + ", " + high + ")");
            }
            this.boxLow = low;
            this.boxHigh = high;
            return this;
        }

        /** Seed of the generator; the same options and seed give the same data. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Draws the blobs. */
        public Blobs make() {
            // java.util.Random: its algorithm (including nextGaussian) is fixed by its specification, so seeds
            // reproduce on every JDK, and this leaves the global panagrad generator untouched.
            Random r = new Random(seed);
            float[][] c = centers;
            if (c == null) {
                c = new float[centerCount][features];
                for (float[] row : c) {
                    for (int j = 0; j < row.length; j++) row[j] = (float) (boxLow + (boxHigh - boxLow) * r.nextDouble());
                }
            }
            int k = c.length, f = c[0].length;
            float[] x = new float[Math.multiplyExact(samples, f)];
            float[] y = new float[samples];
            int i = 0;
            for (int b = 0; b < k; b++) {
                int count = samples / k + (b < samples % k ? 1 : 0);
                for (int s = 0; s < count; s++, i++) {
                    for (int j = 0; j < f; j++) x[i * f + j] = (float) (c[b][j] + clusterStd * r.nextGaussian());
                    y[i] = b;
                }
            }
            // Shuffle samples (rows and labels together) so blobs are interleaved, as make_blobs(shuffle=True).
            for (int a = samples - 1; a > 0; a--) {
                int z = r.nextInt(a + 1);
                float t = y[a];
                y[a] = y[z];
                y[z] = t;
                for (int j = 0; j < f; j++) {
                    float u = x[a * f + j];
                    x[a * f + j] = x[z * f + j];
                    x[z * f + j] = u;
                }
            }
            return new Blobs(TensorDataset.of(x, new int[] {f}, y), c);
        }
    }

    @Override
    public String toString() {
        return "Blobs[" + dataset.size() + " samples, " + centers.length + " centers, " + centers[0].length + " features, centers "
                + Arrays.deepToString(centers) + "]";
    }
}

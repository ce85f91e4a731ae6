package org.panagrad.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.panagrad.RandomSource;
import org.panagrad.Tensor;

/**
 * Iterates over a {@link Dataset} in mini-batches, like torch's {@code DataLoader} and Gluon's
 * {@code gluon.data.DataLoader}.
 *
 * <pre>{@code
 * DataLoader loader = DataLoader.builder(trainSet).batchSize(64).shuffle(true).seed(42).build();
 * for (int epoch = 0; epoch < 5; epoch++) {
 *     for (Batch batch : loader) {
 *         try (var step = MemoryScope.open()) {
 *             Tensor loss = criterion.forward(model.forward(batch.x()), batch.y());
 *             ...
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Order: every call to {@link #iterator()} starts a new epoch. With shuffling, epoch e visits the samples in a
 * permutation drawn from a generator seeded with {@code (seed, e)}, so each epoch has a different order and the
 * whole run is reproducible; {@link #setEpoch(long)} picks the epoch explicitly (e.g. when resuming). Without a
 * seed, one is drawn from the global generator ({@link org.panagrad.Panagrad#manualSeed}) when the loader is built.
 *
 * <p>Memory: each batch is two tensors allocated in the caller's current {@link org.panagrad.MemoryScope}, filled
 * by one row copy per sample. Because the loop above takes the next batch before the step's scope opens, the
 * iterator also releases the previous batch when it moves on (unless {@link Builder#keepBatches(boolean)}), so a
 * training loop reuses the same cached native blocks step after step whether or not a scope is open. Copy (or
 * {@code detach()}) what must outlive its step.
 */
public final class DataLoader implements Iterable<Batch> {
    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final boolean keepBatches;
    private long epoch;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed != null ? b.seed : RandomSource.split().nextLong();
        this.dropLast = b.dropLast;
        this.keepBatches = b.keepBatches;
    }

    /** In order (no shuffling), keeping the last partial batch. */
    public DataLoader(Dataset dataset, int batchSize) {
        this(builder(dataset).batchSize(batchSize));
    }

    /** Optionally shuffled (seeded from the global generator), keeping the last partial batch. */
    public DataLoader(Dataset dataset, int batchSize, boolean shuffle) {
        this(builder(dataset).batchSize(batchSize).shuffle(shuffle));
    }

    /** Starts a builder; the defaults are batch size 1, no shuffling, keep the last partial batch. */
    public static Builder builder(Dataset dataset) {
        if (dataset == null) throw new IllegalArgumentException("DataLoader: dataset is null");
        return new Builder(dataset);
    }

    /** Options of a {@link DataLoader}. */
    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 1;
        private boolean shuffle;
        private Long seed;
        private boolean dropLast;
        private boolean keepBatches;

        private Builder(Dataset dataset) {
            this.dataset = dataset;
        }

        /** Samples per batch (the last batch may be smaller unless {@link #dropLast}); at least 1. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) throw new IllegalArgumentException("DataLoader: batchSize must be >= 1, got " + batchSize);
            this.batchSize = batchSize;
            return this;
        }

        /** Visit the samples in a new random order every epoch. */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Seed of the shuffling (the order of epoch e depends only on the seed and e). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Drop the last batch when it would be smaller than the batch size. */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /**
         * When true the iterator never releases batches itself, leaving them to their scope, {@link Batch#close()}
         * or the garbage collector (for code that keeps batches across steps).
         */
        public Builder keepBatches(boolean keepBatches) {
            this.keepBatches = keepBatches;
            return this;
        }

        /** The loader. */
        public DataLoader build() {
            return new DataLoader(this);
        }
    }

    /** The dataset iterated over. */
    public Dataset dataset() {
        return dataset;
    }

    /** Samples per full batch. */
    public int batchSize() {
        return batchSize;
    }

    /** Batches per epoch: {@code ceil(n / batchSize)}, or {@code floor(n / batchSize)} with dropLast. */
    public int numBatches() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The epoch the next {@link #iterator()} will run (0 for a new loader). */
    public long epoch() {
        return epoch;
    }

    /** Makes the next {@link #iterator()} run epoch {@code e} (its shuffled order), e.g. when resuming training. */
    public void setEpoch(long e) {
        if (e < 0) throw new IllegalArgumentException("DataLoader.setEpoch: epoch must be >= 0, got " + e);
        this.epoch = e;
    }

    /**
     * The order in which epoch {@code e} visits the samples: {@code 0..n-1} without shuffling, otherwise a
     * permutation that depends only on the seed and {@code e}.
     */
    public int[] order(long e) {
        int n = dataset.size();
        if (!shuffle) {
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) idx[i] = i;
            return idx;
        }
        // Hash (seed, epoch) into a fresh seed. Not seed + e * gamma: SplitMix64 seeds one gamma apart give the same
        // stream shifted by one draw, so consecutive epochs would get correlated orders.
        return permutation(n, new SplittableRandom(fmix64(seed ^ fmix64(e + 0x9E3779B97F4A7C15L))));
    }

    /** MurmurHash3's 64-bit finaliser: a bijection that scatters nearby inputs. */
    private static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    /** A uniformly random permutation of {@code 0..n-1} (Fisher-Yates). */
    static int[] permutation(int n, SplittableRandom r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The batches of the next epoch (and advances the epoch counter). */
    @Override
    public Iterator<Batch> iterator() {
        int[] order = order(epoch++);
        int batches = numBatches();
        int[] featureShape = dataset.featureShape();
        int[] labelShape = dataset.labelShape();
        return new Iterator<>() {
            private int next;
            private Batch previous;

            @Override
            public boolean hasNext() {
                boolean more = next < batches;
                if (!more) releasePrevious();
                return more;
            }

            @Override
            public Batch next() {
                if (next >= batches) throw new NoSuchElementException("DataLoader: no more batches in this epoch (" + batches + ")");
                releasePrevious();
                int from = next * batchSize;
                int k = Math.min(batchSize, order.length - from);
                next++;
                Tensor x = Tensor.empty(Dataset.batchShape(k, featureShape));
                Tensor y = Tensor.empty(Dataset.batchShape(k, labelShape));
                Batch b = new Batch(x, y);
                try {
                    dataset.gather(order, from, x, y);
                } catch (RuntimeException e) {
                    b.close();
                    throw e;
                }
                if (!keepBatches) previous = b;
                return b;
            }

            private void releasePrevious() {
                if (previous != null) {
                    previous.close();
                    previous = null;
                }
            }
        };
    }

    @Override
    public String toString() {
        return "DataLoader[" + dataset.size() + " samples, batchSize=" + batchSize + ", shuffle=" + shuffle
                + ", dropLast=" + dropLast + ", " + numBatches() + " batches]";
    }
}

package org.panagrad.train;

/**
 * Running mean of per-batch losses, weighted by batch size, so an epoch's value is the mean loss per sample even when
 * the last batch is short.
 */
public final class MeanLoss {
    private double sum;
    private long count;

    /**
     * Adds a batch whose mean loss was {@code batchMeanLoss} over {@code batchSize} samples.
     *
     * @throws IllegalArgumentException when {@code batchSize < 1}
     */
    public void update(double batchMeanLoss, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("MeanLoss: batch size must be >= 1, got " + batchSize);
        sum += batchMeanLoss * batchSize;
        count += batchSize;
    }

    /** Mean loss per sample so far; NaN before the first update. */
    public double value() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /** Samples seen so far. */
    public long count() {
        return count;
    }

    /** Forgets everything seen so far. */
    public void reset() {
        sum = 0;
        count = 0;
    }
}

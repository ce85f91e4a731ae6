package org.panagrad.train;

/**
 * What one epoch of {@link Fit} measured.
 *
 * @param epoch        1-based epoch number
 * @param trainLoss    mean training loss per sample over the epoch
 * @param testLoss     mean loss on the validation data (NaN without validation data)
 * @param testAccuracy accuracy on the validation data in [0, 1] (NaN without validation data)
 * @param seconds      wall time of the epoch's training part
 * @param samplesPerSecond training throughput
 */
public record EpochStats(int epoch, double trainLoss, double testLoss, double testAccuracy, double seconds,
                         double samplesPerSecond) {

    /** One line as the train command prints it. */
    @Override
    public String toString() {
        String s = String.format("epoch %d  train loss %.4f", epoch, trainLoss);
        if (!Double.isNaN(testLoss)) s += String.format("  test loss %.4f  test accuracy %.2f%%", testLoss, 100 * testAccuracy);
        return s + String.format("  %.1f s (%.0f samples/s)", seconds, samplesPerSecond);
    }
}

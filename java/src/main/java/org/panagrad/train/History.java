package org.panagrad.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The per-epoch record of a {@link Fit} run: losses, accuracy and timings, for printing and plotting. */
public final class History {
    private final List<EpochStats> epochs = new ArrayList<>();

    void add(EpochStats stats) {
        epochs.add(stats);
    }

    /** Every epoch so far, in order. */
    public List<EpochStats> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** The last epoch; throws when there is none. */
    public EpochStats last() {
        if (epochs.isEmpty()) throw new IllegalStateException("History: no epoch has finished");
        return epochs.get(epochs.size() - 1);
    }

    /** Mean training loss of each epoch. */
    public double[] trainLosses() {
        return epochs.stream().mapToDouble(EpochStats::trainLoss).toArray();
    }

    /** Validation accuracy of each epoch (NaN where there was no validation data). */
    public double[] testAccuracies() {
        return epochs.stream().mapToDouble(EpochStats::testAccuracy).toArray();
    }
}

package org.panagrad.train;

/**
 * Mean loss and accuracy of a model over a data set, as {@link Fit#evaluate} computes them.
 *
 * @param loss     mean loss per sample
 * @param accuracy fraction of correct predictions in [0, 1]
 * @param samples  number of samples evaluated
 */
public record Evaluation(double loss, double accuracy, long samples) {
}

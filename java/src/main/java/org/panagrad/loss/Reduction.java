package org.panagrad.loss;

import org.panagrad.Tensor;

/**
 * How a loss combines its unreduced values (torch's {@code reduction=}): {@link #NONE} keeps them,
 * {@link #MEAN} averages them into a scalar, {@link #SUM} adds them into a scalar.
 *
 * <pre>{@code
 * Reduction.MEAN.apply(Tensor.of(1f, 2f, 3f));   // tensor(2.)
 * }</pre>
 */
public enum Reduction {
    /** One value per sample (or per element, for the elementwise losses). */
    NONE,
    /** The mean of all unreduced values. */
    MEAN,
    /** The sum of all unreduced values. */
    SUM;

    /** Applies this reduction to {@code loss} with differentiable tensor ops. */
    public Tensor apply(Tensor loss) {
        return switch (this) {
            case NONE -> loss;
            case MEAN -> loss.mean();
            case SUM -> loss.sum();
        };
    }
}

package org.panagrad.optim;

/**
 * Decays the learning rate by {@code gamma} every {@code stepSize} epochs, as {@code torch.optim.lr_scheduler.StepLR}:
 * {@code lr = baseLr · gamma^⌊epoch / stepSize⌋}.
 *
 * <pre>{@code
 * var sched = new StepLR(opt, 30, 0.1);   // 0.1 for epochs 0-29, 0.01 for 30-59, ...
 * }</pre>
 */
public final class StepLR extends LRScheduler {
    private final int stepSize;
    private final double gamma;

    /**
     * Multiplies {@code optimizer}'s learning rate by {@code gamma} every {@code stepSize} epochs.
     *
     * @param optimizer the optimizer whose learning rate is scheduled; its current rate is the base rate
     * @param stepSize  epochs between decays, {@code >= 1}
     * @param gamma     multiplicative decay, finite and {@code >= 0}
     */
    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super("StepLR", optimizer);
        if (stepSize < 1) throw new IllegalArgumentException("StepLR: invalid stepSize " + stepSize + ", must be >= 1");
        if (!Double.isFinite(gamma) || gamma < 0) {
            throw new IllegalArgumentException("StepLR: invalid gamma " + gamma + ", must be finite and >= 0");
        }
        this.stepSize = stepSize;
        this.gamma = gamma;
    }

    @Override
    public double lrAt(long epoch) {
        return baseLr() * Math.pow(gamma, epoch / stepSize);
    }
}

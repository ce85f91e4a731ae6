package org.panagrad.optim;

/**
 * Sets an optimizer's learning rate by epoch, as {@code torch.optim.lr_scheduler}: call {@link #step()} once per
 * epoch, after that epoch's optimizer steps. The rate is computed from the closed form {@link #lrAt(long)} of the
 * epoch count, starting from the optimizer's learning rate when the scheduler was made (the base rate), so a
 * schedule does not drift; it overrides rates set by hand or by another scheduler in between.
 *
 * <pre>{@code
 * var sched = new StepLR(opt, 30, 0.1);
 * for (int epoch = 0; epoch < 90; epoch++) {
 *     trainOneEpoch(opt);
 *     sched.step();
 * }
 * }</pre>
 */
public abstract class LRScheduler {
    private final Optimizer optimizer;
    private final double baseLr;
    private long lastEpoch;
    private double lastLr;

    /** Takes the optimizer's current learning rate as the base rate (epoch 0). */
    protected LRScheduler(String name, Optimizer optimizer) {
        if (optimizer == null) throw new IllegalArgumentException(name + ": optimizer is null");
        this.optimizer = optimizer;
        this.baseLr = optimizer.lr();
        this.lastLr = baseLr;
    }

    /** The learning rate at {@code epoch} (epoch 0 gives the base rate). */
    public abstract double lrAt(long epoch);

    /** Advances one epoch and sets the optimizer's learning rate to {@code lrAt(epoch)}. */
    public void step() {
        lastEpoch++;
        lastLr = lrAt(lastEpoch);
        optimizer.setLr(lastLr);
    }

    /** The learning rate this scheduler last set (the base rate before the first {@link #step()}). */
    public double lastLr() {
        return lastLr;
    }

    /** Epochs stepped so far. */
    public long lastEpoch() {
        return lastEpoch;
    }

    /** The optimizer's learning rate when this scheduler was made. */
    public double baseLr() {
        return baseLr;
    }
}

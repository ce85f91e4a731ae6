package org.panagrad.optim;

/**
 * Anneals the learning rate from the base rate to {@code etaMin} along half a cosine over {@code tMax} epochs, as
 * {@code torch.optim.lr_scheduler.CosineAnnealingLR} (closed form; past {@code tMax} it rises again, as torch's does):
 * {@code lr = etaMin + (baseLr − etaMin)·(1 + cos(π·epoch/tMax))/2}.
 *
 * <pre>{@code
 * var sched = new CosineAnnealingLR(opt, 100, 0.0);
 * }</pre>
 */
public final class CosineAnnealingLR extends LRScheduler {
    private final int tMax;
    private final double etaMin;

    /**
     * Anneals {@code optimizer}'s current learning rate down to {@code etaMin} over {@code tMax} epochs.
     *
     * @param optimizer the optimizer whose learning rate is scheduled; its current rate is the base rate
     * @param tMax      epochs of the half cosine, {@code >= 1}
     * @param etaMin    the smallest learning rate, finite and {@code >= 0}
     */
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super("CosineAnnealingLR", optimizer);
        if (tMax < 1) throw new IllegalArgumentException("CosineAnnealingLR: invalid tMax " + tMax + ", must be >= 1");
        if (!Double.isFinite(etaMin) || etaMin < 0) {
            throw new IllegalArgumentException("CosineAnnealingLR: invalid etaMin " + etaMin + ", must be finite and >= 0");
        }
        this.tMax = tMax;
        this.etaMin = etaMin;
    }

    @Override
    public double lrAt(long epoch) {
        return etaMin + (baseLr() - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2;
    }
}

package org.panagrad.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;

/**
 * Gluon's {@code Trainer}: applies an optimizer to parameters whose gradients are sums over a batch.
 * {@link #step(int)} first scales every gradient by {@code 1/batchSize}, then calls {@link Optimizer#step()},
 * so a loss summed (not averaged) over the batch trains like its mean.
 *
 * <pre>{@code
 * var trainer = new Trainer(net.parameters(), new SGD(net.parameters(), 0.1));
 * for (Batch b : loader) {
 *     try (var step = MemoryScope.open()) {
 *         trainer.zeroGrad();
 *         loss.forward(net.forward(b.x()), b.y()).backward();   // Reduction.NONE: backward() sums
 *         trainer.step(b.size());
 *     }
 * }
 * }</pre>
 *
 * The scaling is in place: after {@code step(n)} the gradients hold {@code grad/n}.
 */
public final class Trainer {
    private final List<Tensor> params;
    private final Optimizer optimizer;

    /**
     * A trainer scaling the gradients of {@code params} before each step of {@code optimizer}.
     *
     * @param params    the parameters whose gradients are scaled; each must be one of the optimizer's
     * @param optimizer the optimizer that updates them
     */
    public Trainer(List<Tensor> params, Optimizer optimizer) {
        if (optimizer == null) throw new IllegalArgumentException("Trainer: optimizer is null");
        if (params == null || params.isEmpty()) {
            throw new IllegalArgumentException("Trainer: got " + (params == null ? "null" : "an empty list")
                    + " for params; pass the same parameters the optimizer was built with");
        }
        IdentityHashMap<Tensor, Boolean> known = new IdentityHashMap<>();
        for (Tensor p : optimizer.parameters()) known.put(p, true);
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (p == null || !known.containsKey(p)) {
                throw new IllegalArgumentException("Trainer: parameter " + i + (p == null ? " is null" : " of shape "
                        + Arrays.toString(p.shape()) + " is not updated by the " + optimizer.name() + " optimizer")
                        + "; pass the same parameters the optimizer was built with");
            }
        }
        this.params = Collections.unmodifiableList(new ArrayList<>(params));
        this.optimizer = optimizer;
    }

    /**
     * Scales the gradients by {@code 1/batchSize} (one kernel call per parameter, in place), then applies one
     * optimizer step. Parameters without a gradient are left alone (and skipped by the optimizer).
     *
     * @param batchSize number of samples the gradients were summed over, {@code >= 1}
     */
    public void step(int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("Trainer.step: invalid batchSize " + batchSize + ", must be >= 1");
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            p.checkAlive("Trainer.step: parameter " + i);
            if (p.grad() != null) p.grad().checkAlive("Trainer.step: gradient of parameter " + i);
        }
        if (batchSize > 1) {
            float scale = 1f / batchSize;
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g != null) Panagrad.kernels().elementwiseAffine(g.numel(), g.segment(), scale, 0f, g.segment());
            }
        }
        optimizer.step();
    }

    /** Zeroes the gradients of the optimizer's parameters (see {@link Optimizer#zeroGrad()}). */
    public void zeroGrad() {
        optimizer.zeroGrad();
    }

    /** The optimizer's learning rate. */
    public double learningRate() {
        return optimizer.lr();
    }

    /** Sets the optimizer's learning rate (finite, {@code >= 0}). */
    public void setLearningRate(double lr) {
        optimizer.setLr(lr);
    }

    /** The optimizer this trainer drives. */
    public Optimizer optimizer() {
        return optimizer;
    }
}

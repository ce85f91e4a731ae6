package org.panagrad.optim;

import java.util.List;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;

/**
 * RMSprop (Hinton's lecture 6e), optionally centered and with momentum, as {@code torch.optim.RMSprop}.
 * Per parameter:
 *
 * <pre>
 * g = g + wd·p
 * s = α·s + (1 − α)·g²
 * a = α·a + (1 − α)·g,  var = s − a²     (centered; else var = s)
 * b = momentum·b + g / (sqrt(var) + eps),  p = p − lr·b     (momentum &gt; 0)
 * p = p − lr·g / (sqrt(var) + eps)                          (no momentum)
 * </pre>
 *
 * <pre>{@code
 * var opt = new RMSprop(model.parameters(), 1e-2).alpha(0.9).momentum(0.5);
 * }</pre>
 *
 * State per parameter: {@code "i.square_avg"}, {@code "i.momentum_buffer"} (momentum &gt; 0) and
 * {@code "i.grad_avg"} (centered). Buffers switched on after some steps start from zero.
 */
public class RMSprop extends Optimizer {
    private static final int SQUARE_AVG = 0, MOMENTUM_BUFFER = 1, GRAD_AVG = 2;

    private double alpha = 0.99, eps = 1e-8, weightDecay, momentum;
    private boolean centered;

    /** RMSprop with torch's defaults: lr 1e-2, alpha 0.99, eps 1e-8, no weight decay, no momentum, not centered. */
    public RMSprop(List<Tensor> params) {
        this(params, 1e-2);
    }

    /**
     * RMSprop with learning rate {@code lr} and the other defaults.
     *
     * @param params the parameters to update (e.g. {@code model.parameters()})
     * @param lr     learning rate, finite and {@code >= 0}
     */
    public RMSprop(List<Tensor> params, double lr) {
        super("RMSprop", params, lr, "square_avg", "momentum_buffer", "grad_avg");
    }

    /** Smoothing constant of the running averages (default 0.99), finite and {@code >= 0}. */
    public RMSprop alpha(double alpha) {
        this.alpha = checkNonNegative("alpha", alpha);
        return this;
    }

    /** Term added to the denominator for numerical stability (default 1e-8), finite and {@code >= 0}. */
    public RMSprop eps(double eps) {
        this.eps = checkNonNegative("eps", eps);
        return this;
    }

    /** L2 penalty added to the gradient, {@code g + wd·p} (default 0), finite and {@code >= 0}. */
    public RMSprop weightDecay(double weightDecay) {
        this.weightDecay = checkNonNegative("weightDecay", weightDecay);
        return this;
    }

    /** Momentum factor (default 0), finite and {@code >= 0}. */
    public RMSprop momentum(double momentum) {
        this.momentum = checkNonNegative("momentum", momentum);
        return this;
    }

    /** Centered RMSprop: normalise by an estimate of the gradient's variance instead of its second moment (default false). */
    public RMSprop centered(boolean centered) {
        this.centered = centered;
        return this;
    }

    /** The smoothing constant α. */
    public double alpha() {
        return alpha;
    }

    /** The epsilon. */
    public double eps() {
        return eps;
    }

    /** The weight decay. */
    public double weightDecay() {
        return weightDecay;
    }

    /** The momentum factor. */
    public double momentum() {
        return momentum;
    }

    /** Whether RMSprop is centered. */
    public boolean centered() {
        return centered;
    }

    @Override
    protected void update(int index, Tensor param, Tensor grad) {
        Panagrad.kernels().optimRmsprop(param.numel(), param.segment(), grad.segment(),
                slot(index, SQUARE_AVG, true).segment(), segmentOrNull(index, GRAD_AVG, centered, true),
                segmentOrNull(index, MOMENTUM_BUFFER, momentum > 0, true), lr(), alpha, eps,
                weightDecay, momentum, centered);
    }

    @Override
    protected boolean slotActive(int slot) {
        return switch (slot) {
            case MOMENTUM_BUFFER -> momentum > 0;
            case GRAD_AVG -> centered;
            default -> true;
        };
    }

    @Override
    public String toString() {
        return "RMSprop(lr=" + lr() + ", alpha=" + alpha + ", eps=" + eps + ", weightDecay=" + weightDecay + ", momentum="
                + momentum + ", centered=" + centered + ", " + parameters().size() + " parameters, " + stepCount() + " steps)";
    }
}

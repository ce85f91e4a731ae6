package org.panagrad.optim;

import java.util.List;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay,
 * as {@code torch.optim.SGD}. Per parameter, with gradient g and weight decay wd:
 *
 * <pre>
 * d = g + wd·p
 * b = d                              (first update with momentum: the buffer starts as d, undampened)
 * b = momentum·b + (1 − dampening)·d  (later updates)
 * p = p − lr·(nesterov ? d + momentum·b : b)      (p − lr·d without momentum)
 * </pre>
 *
 * <pre>{@code
 * var opt = new SGD(model.parameters(), 0.1).momentum(0.9).weightDecay(5e-4);
 * }</pre>
 *
 * State: {@code "i.momentum_buffer"} per parameter when momentum is non-zero.
 */
public class SGD extends Optimizer {
    private static final int BUF = 0;

    private double momentum, dampening, weightDecay;
    private boolean nesterov;

    /**
     * Plain SGD ({@code p -= lr·g}); add options with the fluent setters.
     *
     * @param params the parameters to update (e.g. {@code model.parameters()})
     * @param lr     learning rate, finite and {@code >= 0}
     */
    public SGD(List<Tensor> params, double lr) {
        super("SGD", params, lr, "momentum_buffer");
    }

    /** Momentum factor (default 0), finite and {@code >= 0}. Setting 0 while {@link #nesterov(boolean) nesterov} is on fails. */
    public SGD momentum(double momentum) {
        checkNonNegative("momentum", momentum);
        if (nesterov && momentum <= 0) {
            throw new IllegalArgumentException("SGD: invalid momentum " + momentum + ", nesterov requires momentum > 0; turn nesterov off first");
        }
        this.momentum = momentum;
        return this;
    }

    /** Dampening of the momentum buffer's gradient term (default 0), in [0, 1]; must stay 0 with nesterov. */
    public SGD dampening(double dampening) {
        checkRange("dampening", dampening, 0, 1, true);
        if (nesterov && dampening != 0) {
            throw new IllegalArgumentException("SGD: invalid dampening " + dampening + ", nesterov requires dampening == 0; turn nesterov off first");
        }
        this.dampening = dampening;
        return this;
    }

    /**
     * Nesterov momentum (default false); requires momentum {@code > 0} and dampening 0, so set momentum first:
     * {@code new SGD(params, 0.1).momentum(0.9).nesterov(true)}.
     */
    public SGD nesterov(boolean nesterov) {
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("SGD: invalid nesterov true, nesterov requires momentum > 0 and dampening == 0 (momentum "
                    + momentum + ", dampening " + dampening + "); set momentum(m) before nesterov(true)");
        }
        this.nesterov = nesterov;
        return this;
    }

    /** L2 penalty added to the gradient, {@code g + wd·p} (default 0), finite and {@code >= 0}. */
    public SGD weightDecay(double weightDecay) {
        this.weightDecay = checkNonNegative("weightDecay", weightDecay);
        return this;
    }

    /** The momentum factor. */
    public double momentum() {
        return momentum;
    }

    /** The dampening. */
    public double dampening() {
        return dampening;
    }

    /** Whether Nesterov momentum is on. */
    public boolean nesterov() {
        return nesterov;
    }

    /** The weight decay. */
    public double weightDecay() {
        return weightDecay;
    }

    @Override
    protected void update(int index, Tensor param, Tensor grad) {
        boolean withMomentum = momentum != 0;
        // The buffer is new (the kernel fills it with d) on the first update that uses momentum, as in torch.
        boolean newBuffer = withMomentum && !hasSlot(index, BUF);
        Panagrad.kernels().optimSgd(param.numel(), param.segment(), grad.segment(),
                segmentOrNull(index, BUF, withMomentum, false), lr(), momentum, dampening,
                weightDecay, nesterov, newBuffer);
    }

    @Override
    protected boolean slotActive(int slot) {
        return momentum != 0;
    }

    @Override
    public String toString() {
        return "SGD(lr=" + lr() + ", momentum=" + momentum + ", dampening=" + dampening + ", nesterov=" + nesterov
                + ", weightDecay=" + weightDecay + ", " + parameters().size() + " parameters, " + stepCount() + " steps)";
    }
}

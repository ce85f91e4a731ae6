package org.panagrad.optim;

import java.util.List;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;

/**
 * Adam (Kingma and Ba, 2015) with optional L2 weight decay and AMSGrad, as {@code torch.optim.Adam}.
 * Per parameter, at its t-th update:
 *
 * <pre>
 * g = g + wd·p
 * m = β1·m + (1 − β1)·g
 * v = β2·v + (1 − β2)·g²
 * v̂ = amsgrad ? (vmax = max(vmax, v)) : v
 * p = p − lr/(1 − β1^t) · m / (sqrt(v̂)/sqrt(1 − β2^t) + eps)
 * </pre>
 *
 * <pre>{@code
 * var opt = new Adam(model.parameters(), 1e-3).betas(0.9, 0.999).weightDecay(1e-4);
 * }</pre>
 *
 * State per parameter: {@code "i.exp_avg"}, {@code "i.exp_avg_sq"}, {@code "i.max_exp_avg_sq"} (AMSGrad only) and
 * {@code "i.step"}, the parameter's own update count t (it lags the optimizer's when the parameter had no gradient).
 */
public class Adam extends Optimizer {
    private static final int EXP_AVG = 0, EXP_AVG_SQ = 1, MAX_EXP_AVG_SQ = 2;

    private final boolean decoupled;
    private double beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay;
    private boolean amsgrad;

    /** Adam with torch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(List<Tensor> params) {
        this(params, 1e-3);
    }

    /**
     * Adam with learning rate {@code lr} and the other defaults.
     *
     * @param params the parameters to update (e.g. {@code model.parameters()})
     * @param lr     learning rate, finite and {@code >= 0}
     */
    public Adam(List<Tensor> params, double lr) {
        this("Adam", params, lr, 0, false);
    }

    /** For {@link AdamW}: {@code decoupled} scales p by {@code 1 − lr·wd} instead of adding wd·p to the gradient. */
    Adam(String name, List<Tensor> params, double lr, double weightDecay, boolean decoupled) {
        super(name, params, lr, "exp_avg", "exp_avg_sq", "max_exp_avg_sq");
        this.decoupled = decoupled;
        this.weightDecay = checkNonNegative("weightDecay", weightDecay);
    }

    /** Decay rates of the first and second moment estimates (default 0.9, 0.999), each in [0, 1). */
    public Adam betas(double beta1, double beta2) {
        checkRange("beta1", beta1, 0, 1, false);
        checkRange("beta2", beta2, 0, 1, false);
        this.beta1 = beta1;
        this.beta2 = beta2;
        return this;
    }

    /** Term added to the denominator for numerical stability (default 1e-8), finite and {@code >= 0}. */
    public Adam eps(double eps) {
        this.eps = checkNonNegative("eps", eps);
        return this;
    }

    /** Weight decay, finite and {@code >= 0}: L2 added to the gradient for Adam (default 0), decoupled for AdamW. */
    public Adam weightDecay(double weightDecay) {
        this.weightDecay = checkNonNegative("weightDecay", weightDecay);
        return this;
    }

    /**
     * AMSGrad (Reddi et al., 2018): divide by the running maximum of v (default false). Turning it on after some
     * steps starts that maximum from zero.
     */
    public Adam amsgrad(boolean amsgrad) {
        this.amsgrad = amsgrad;
        return this;
    }

    /** β1. */
    public double beta1() {
        return beta1;
    }

    /** β2. */
    public double beta2() {
        return beta2;
    }

    /** The epsilon. */
    public double eps() {
        return eps;
    }

    /** The weight decay. */
    public double weightDecay() {
        return weightDecay;
    }

    /** Whether AMSGrad is on. */
    public boolean amsgrad() {
        return amsgrad;
    }

    @Override
    protected void update(int index, Tensor param, Tensor grad) {
        Panagrad.kernels().optimAdam(param.numel(), param.segment(), grad.segment(),
                slot(index, EXP_AVG, true).segment(), slot(index, EXP_AVG_SQ, true).segment(),
                segmentOrNull(index, MAX_EXP_AVG_SQ, amsgrad, true), lr(), beta1, beta2,
                eps, weightDecay, paramStep(index), amsgrad, decoupled);
    }

    @Override
    protected boolean slotActive(int slot) {
        return slot != MAX_EXP_AVG_SQ || amsgrad;
    }

    @Override
    protected boolean hasParamStep() {
        return true;
    }

    @Override
    public String toString() {
        return name() + "(lr=" + lr() + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps + ", weightDecay="
                + weightDecay + ", amsgrad=" + amsgrad + ", " + parameters().size() + " parameters, " + stepCount() + " steps)";
    }
}

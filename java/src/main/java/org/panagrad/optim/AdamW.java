package org.panagrad.optim;

import java.util.List;
import org.panagrad.Tensor;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as {@code torch.optim.AdamW}: before the Adam
 * update the parameter shrinks, {@code p = p·(1 − lr·wd)}, instead of wd·p being added to the gradient.
 * Default weight decay 1e-2; every other option and the state are {@link Adam}'s.
 *
 * <pre>{@code
 * var opt = new AdamW(model.parameters(), 1e-3).weightDecay(0.05);
 * }</pre>
 */
public class AdamW extends Adam {

    /** AdamW with torch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 1e-2. */
    public AdamW(List<Tensor> params) {
        this(params, 1e-3);
    }

    /**
     * AdamW with learning rate {@code lr} and the other defaults.
     *
     * @param params the parameters to update (e.g. {@code model.parameters()})
     * @param lr     learning rate, finite and {@code >= 0}
     */
    public AdamW(List<Tensor> params, double lr) {
        super("AdamW", params, lr, 1e-2, true);
    }

    @Override
    public AdamW betas(double beta1, double beta2) {
        super.betas(beta1, beta2);
        return this;
    }

    @Override
    public AdamW eps(double eps) {
        super.eps(eps);
        return this;
    }

    /** Decoupled weight decay: {@code p = p·(1 − lr·wd)} each step (default 1e-2), finite and {@code >= 0}. */
    @Override
    public AdamW weightDecay(double weightDecay) {
        super.weightDecay(weightDecay);
        return this;
    }

    @Override
    public AdamW amsgrad(boolean amsgrad) {
        super.amsgrad(amsgrad);
        return this;
    }
}

package org.panagrad.loss;

import java.util.Arrays;
import org.panagrad.Tensor;

/**
 * A loss: a differentiable function of a prediction and a target, usually reduced to a scalar to call
 * {@code backward()} on.
 *
 * <p>A custom loss overrides only {@link #forward(Tensor, Tensor)} with tensor ops; autograd derives its backward:
 * <pre>{@code
 * Loss l1 = new Loss() {
 *     @Override
 *     public Tensor forward(Tensor prediction, Tensor target) {
 *         return prediction.sub(target).abs().mean();
 *     }
 * };
 * l1.forward(pred, label).backward();
 * }</pre>
 *
 * <p>The built-in losses compute unreduced values ({@link #unreduced}), multiply them by optional weights
 * ({@link #forward(Tensor, Tensor, Tensor)}, Gluon's {@code sample_weight}), then apply the {@link Reduction}
 * given to their constructor (default {@link Reduction#MEAN}). Two conventions, each the source library's:
 * the torch losses ({@link L1Loss}, {@link MSELoss}, {@link BCELoss}, {@link BCEWithLogitsLoss}) are
 * elementwise, so {@code NONE} keeps the prediction's shape and {@code MEAN} averages every element; the Gluon
 * losses ({@link L2Loss}, {@link HingeLoss}) first average each sample over its non-batch axes, so {@code NONE}
 * gives [batch] and {@code MEAN} averages over the batch; the classification losses ({@link CrossEntropyLoss},
 * {@link NLLLoss}) have one value per sample.
 */
public abstract class Loss {
    private final Reduction reduction;

    /** A loss with reduction {@link Reduction#MEAN}. */
    protected Loss() {
        this(Reduction.MEAN);
    }

    /** A loss with the given reduction. */
    protected Loss(Reduction reduction) {
        if (reduction == null) throw new IllegalArgumentException(name() + ": reduction is null; use Reduction.MEAN, SUM or NONE");
        this.reduction = reduction;
    }

    /** This loss's reduction. */
    public Reduction reduction() {
        return reduction;
    }

    /**
     * The loss of {@code prediction} against {@code target}: {@link #unreduced} then the reduction, which is all the
     * built-ins need. A custom loss overrides this method alone (or {@link #unreduced}, to support weights too).
     */
    public Tensor forward(Tensor prediction, Tensor target) {
        return reduce(unreduced(prediction, target), null);
    }

    /**
     * The loss with each unreduced value multiplied by {@code weight} before the reduction (Gluon's
     * {@code sample_weight}; a weighted MEAN is {@code mean(w * l)}, as in both libraries). A 1-D weight of
     * length batch is one value per sample, broadcast over the non-batch axes; any other weight must broadcast
     * numpy-style to the unreduced values' shape without enlarging it. A null weight is no weighting.
     *
     * @throws UnsupportedOperationException for a custom loss that does not implement {@link #unreduced}
     */
    public Tensor forward(Tensor prediction, Tensor target, Tensor weight) {
        return reduce(unreduced(prediction, target), weight);
    }

    /**
     * The loss before weighting and reduction: per element for the torch losses, per sample (non-batch axes
     * averaged in {@link #reduce}) for the Gluon ones. Built-ins implement it; a custom loss may, to support weights.
     */
    protected Tensor unreduced(Tensor prediction, Tensor target) {
        throw new UnsupportedOperationException(name() + ": weights need unreduced() to be implemented; "
                + "this loss only implements forward(prediction, target), so apply the weight inside it");
    }

    /**
     * Whether {@link #reduce} averages each sample over its non-batch axes before the reduction (Gluon's
     * convention, giving one value per sample under {@code NONE}). False by default.
     */
    protected boolean perSample() {
        return false;
    }

    /** Weights {@code loss} (null: unweighted), averages per sample if {@link #perSample()}, then applies the reduction. */
    protected Tensor reduce(Tensor loss, Tensor weight) {
        if (weight != null) loss = loss.mul(sampleWeight(loss, weight));
        if (perSample() && loss.dim() > 1) loss = loss.reshape(loss.shape(0), -1).mean(1);
        return reduction.apply(loss);
    }

    private Tensor sampleWeight(Tensor loss, Tensor weight) {
        weight.checkAlive(name());
        int[] ls = loss.shape(), ws = weight.shape();
        if (ls.length > 1 && ws.length == 1 && ws[0] == ls[0]) {
            // One weight per sample: align it with the batch axis, not the last axis as numpy would.
            int[] s = new int[ls.length];
            Arrays.fill(s, 1);
            s[0] = ls[0];
            return weight.reshape(s);
        }
        // Otherwise numpy broadcasting, but only to the loss's own shape: the weight must not enlarge it.
        if (ws.length > ls.length) throw badWeight(ls, ws);
        for (int i = 1; i <= ws.length; i++) {
            int w = ws[ws.length - i], l = ls[ls.length - i];
            if (w != l && w != 1) throw badWeight(ls, ws);
        }
        return weight;
    }

    private IllegalArgumentException badWeight(int[] ls, int[] ws) {
        return new IllegalArgumentException(name() + ": weight of shape " + Arrays.toString(ws)
                + " does not broadcast to the unreduced loss of shape " + Arrays.toString(ls)
                + " (give one weight per sample, [" + (ls.length == 0 ? 1 : ls[0]) + "], or a shape that broadcasts)");
    }

    /** The loss's class name (or "Loss" for an anonymous subclass), for messages. */
    protected String name() {
        String n = getClass().getSimpleName();
        return n.isEmpty() ? "Loss" : n;
    }

    /**
     * For losses over class indices ({@link CrossEntropyLoss}, {@link NLLLoss}): checks {@code prediction} is
     * [batch, classes] and {@code target} [batch], then runs the fused op, whose label-range errors get this
     * loss's name in front. {@code what} names the prediction in messages ("logits", "log-probabilities").
     */
    protected Tensor classIndexLoss(String what, Tensor prediction, Tensor target,
                                    java.util.function.BinaryOperator<Tensor> fused) {
        prediction.checkAlive(name());
        target.checkAlive(name());
        int[] ps = prediction.shape(), ts = target.shape();
        if (ps.length != 2 || ts.length != 1 || ts[0] != ps[0]) {
            throw new IllegalArgumentException(name() + ": " + what + " " + Arrays.toString(ps) + " and target " + Arrays.toString(ts)
                    + ": need " + what + " [batch, classes] and a target of batch class indices [batch]"
                    + (ps.length == 1 ? " (for one sample, reshape the " + what + " to [1, " + ps[0] + "])" : ""));
        }
        try {
            return fused.apply(prediction, target);
        } catch (IllegalArgumentException e) {
            // The fused op checks every label before its kernel runs; say which loss was called.
            throw new IllegalArgumentException(name() + ": " + e.getMessage(), e);
        }
    }

    /** Throws unless prediction and target have the same shape; the message names this loss and both shapes. */
    protected void checkSameShape(Tensor prediction, Tensor target) {
        prediction.checkAlive(name());
        target.checkAlive(name());
        if (!Arrays.equals(prediction.shape(), target.shape())) {
            throw new IllegalArgumentException(name() + ": prediction " + Arrays.toString(prediction.shape()) + " and target "
                    + Arrays.toString(target.shape()) + " must have the same shape (reshape the target to "
                    + Arrays.toString(prediction.shape()) + ")");
        }
    }

    @Override
    public String toString() {
        return name() + "(reduction=" + reduction + ")";
    }
}

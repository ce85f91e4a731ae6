package org.panagrad.loss;

import org.panagrad.Tensor;

/**
 * Binary cross-entropy on raw scores (torch's {@code nn.BCEWithLogitsLoss}, Gluon's
 * {@code SigmoidBinaryCrossEntropyLoss}): per element, in the stable form that never overflows,
 * {@code l_i = max(x_i, 0) - x_i z_i + log(1 + exp(-|x_i|))} (the fused {@code ops.Loss.bceWithLogits} op);
 * then the reduction over all elements. With a positive-class weight {@code pw} (torch's {@code pos_weight},
 * broadcast against the last axis) it is {@code (1 - z) x + (1 + (pw - 1) z) softplus(-x)}.
 *
 * <pre>{@code
 * Tensor loss = new BCEWithLogitsLoss().forward(model.forward(x), y);   // y of 0s and 1s, same shape
 * }</pre>
 */
public class BCEWithLogitsLoss extends Loss {
    private final Tensor posWeight;

    /** With reduction {@link Reduction#MEAN}. */
    public BCEWithLogitsLoss() {
        this(Reduction.MEAN, null);
    }

    /** With the given reduction. */
    public BCEWithLogitsLoss(Reduction reduction) {
        this(reduction, null);
    }

    /**
     * With the given reduction and weight of positive examples per class ({@code null}: none), e.g.
     * {@code Tensor.of(3f)} to count each positive three times when positives are rare.
     */
    public BCEWithLogitsLoss(Reduction reduction, Tensor posWeight) {
        super(reduction);
        if (posWeight != null) {
            posWeight.checkAlive("BCEWithLogitsLoss");
            var w = posWeight.segment();
            for (long i = 0, n = posWeight.numel(); i < n; i++) {
                float v = w.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i);
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("BCEWithLogitsLoss: posWeight must be finite, element " + i + " is " + v);
                }
            }
        }
        this.posWeight = posWeight;
    }

    /** The positive-class weight, or null. */
    public Tensor posWeight() {
        return posWeight;
    }

    @Override
    protected Tensor unreduced(Tensor prediction, Tensor target) {
        checkSameShape(prediction, target);
        if (posWeight != null) {
            // Checked before the fused kernel runs, so a bad posWeight fails cleanly and names this loss.
            posWeight.checkAlive(name());
            int[] ps = prediction.shape(), ws = posWeight.shape();
            int classes = ps.length == 0 ? 1 : ps[ps.length - 1];
            if (ws.length > 1 || (ws.length == 1 && ws[0] != 1 && ws[0] != classes)) {
                throw new IllegalArgumentException(name() + ": posWeight " + java.util.Arrays.toString(ws) + " must have one value or one per class ["
                        + classes + "] to broadcast against the prediction " + java.util.Arrays.toString(ps));
            }
        }
        Tensor l = org.panagrad.ops.Loss.bceWithLogits(prediction, target);
        if (posWeight == null) return l;
        // The fused loss is (1 - z) x + softplus(-x); pos_weight adds (pw - 1) z softplus(-x), with
        // softplus(-x) = log(1 + exp(-|x|)) + max(-x, 0) written so that exp never overflows.
        Tensor softplusNeg = prediction.abs().neg().exp().add(1f).log().add(prediction.neg().relu());
        return l.add(target.mul(posWeight.sub(1f)).mul(softplusNeg));
    }
}

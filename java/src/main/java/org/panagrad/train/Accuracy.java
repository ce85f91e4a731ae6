package org.panagrad.train;

import org.panagrad.Tensor;

/**
 * Running classification accuracy over batches.
 *
 * <p>For multi-class outputs {@code [N, C]} (logits or probabilities) a sample is correct when the arg-max of its row
 * equals its class index; for one output per sample ({@code [N]} or {@code [N, 1]}, a probability as from a sigmoid)
 * it is correct when {@code (p > threshold) == (label == 1)}.
 *
 * <pre>{@code
 * var acc = new Accuracy();
 * acc.update(model.forward(batch.x()), batch.y());
 * System.out.println(acc.value());   // fraction in [0, 1]
 * }</pre>
 */
public final class Accuracy {
    private final float threshold;
    private long correct;
    private long count;

    /** Accuracy with a 0.5 threshold for single-output (binary) models. */
    public Accuracy() {
        this(0.5f);
    }

    /** Accuracy with the given threshold for single-output (binary) models. */
    public Accuracy(float threshold) {
        if (!Float.isFinite(threshold)) throw new IllegalArgumentException("Accuracy: threshold must be finite, got " + threshold);
        this.threshold = threshold;
    }

    /**
     * Adds one batch: {@code output} [N, C] or [N] / [N, 1], {@code labels} [N] or [N, 1] of whole numbers.
     *
     * @throws IllegalArgumentException when output has more than two dimensions or labels hold other than N values
     */
    public void update(Tensor output, Tensor labels) {
        output.checkAlive("Accuracy.update");
        labels.checkAlive("Accuracy.update");
        int[] s = output.shape();
        if (s.length > 2) {
            // argmax over the last dim would give several predictions per sample; only the first n would be counted.
            throw new IllegalArgumentException("Accuracy: output " + java.util.Arrays.toString(s)
                    + " must be [N, C], [N, 1] or [N]");
        }
        int n = s.length == 0 ? 1 : s[0];
        if (labels.numel() != n) {
            throw new IllegalArgumentException("Accuracy: output " + java.util.Arrays.toString(s) + " and labels "
                    + java.util.Arrays.toString(labels.shape()) + " hold different numbers of samples");
        }
        float[] y = labels.toFloatArray();
        boolean binary = s.length <= 1 || (s.length == 2 && s[1] == 1);
        if (binary) {
            float[] p = output.toFloatArray();
            for (int i = 0; i < n; i++) if ((p[i] > threshold) == (y[i] == 1f)) correct++;
        } else {
            float[] pred;
            // Closed at once: update() is often called outside any MemoryScope, where the arg-max would otherwise
            // wait for the garbage collector and each call would take a fresh native block.
            try (Tensor argmax = output.argmax(s.length - 1)) {
                pred = argmax.toFloatArray();
            }
            for (int i = 0; i < n; i++) if (pred[i] == y[i]) correct++;
        }
        count += n;
    }

    /** Correct predictions so far. */
    public long correct() {
        return correct;
    }

    /** Samples seen so far. */
    public long count() {
        return count;
    }

    /** Fraction correct in [0, 1]; NaN before the first update. */
    public double value() {
        return count == 0 ? Double.NaN : (double) correct / count;
    }

    /** Forgets everything seen so far. */
    public void reset() {
        correct = 0;
        count = 0;
    }
}

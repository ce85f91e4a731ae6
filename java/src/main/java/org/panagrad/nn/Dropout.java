package org.panagrad.nn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.panagrad.RandomSource;
import org.panagrad.Tensor;

/**
 * Inverted dropout: in training mode each element is zeroed with probability {@code p} and the survivors are
 * scaled by {@code 1/(1-p)}, so the expected output equals the input and evaluation needs no rescaling. In
 * evaluation mode (see {@link Block#eval()}) it is the identity. The mask comes from the generator seeded by
 * {@link org.panagrad.Panagrad#manualSeed(long)}, so runs reproduce.
 *
 * <pre>{@code
 * Sequential net = new Sequential(new Linear(784, 128), new ReLU(), new Dropout(0.2), new Linear(128, 10));
 * net.eval();   // dropout off for testing
 * }</pre>
 */
public class Dropout extends Block {
    private final float p;

    /** Drops each element with probability {@code p}, which must be in [0, 1). */
    public Dropout(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        }
        this.p = (float) p;
    }

    /** The drop probability. */
    public float p() {
        return p;
    }

    /** {@code x * mask / (1-p)} with a fresh Bernoulli(1-p) mask in training mode; {@code x} in evaluation mode. */
    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0f) return x;
        x.checkAlive("Dropout.forward");
        // One pass writing the scaled mask directly: no probability tensor and no separate scaling op.
        Tensor mask = Tensor.empty(x.shape());
        MemorySegment m = mask.segment();
        SplittableRandom r = RandomSource.split();
        float keep = 1f - p, scale = 1f / keep;
        for (long i = 0, n = mask.numel(); i < n; i++) {
            float u = (r.nextInt() >>> 8) * 0x1.0p-24f; // uniform in [0, 1), as RandomSource draws it
            m.setAtIndex(ValueLayout.JAVA_FLOAT, i, u < keep ? scale : 0f);
        }
        return x.mul(mask);
    }

    @Override
    protected String extraRepr() {
        return "p=" + p;
    }
}

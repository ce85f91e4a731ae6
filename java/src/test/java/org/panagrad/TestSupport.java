package org.panagrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;

/** Helpers shared by the core tests: seeded inputs, array comparison, running code on a given backend. */
public final class TestSupport {
    private TestSupport() {}

    /** Values in [-scale, scale) from a seed, for reproducible random tensors independent of the global RNG. */
    public static Tensor random(long seed, float scale, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[(int) Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return Tensor.fromArray(v, shape);
    }

    /** Like {@link #random} but bounded away from zero: |v| in [lo, hi), random sign. */
    public static Tensor awayFromZero(long seed, float lo, float hi, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[(int) Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) ((lo + r.nextDouble() * (hi - lo)) * (r.nextBoolean() ? 1 : -1));
        return Tensor.fromArray(v, shape);
    }

    /** Positive values in [lo, hi). */
    public static Tensor positive(long seed, float lo, float hi, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[(int) Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (lo + r.nextDouble() * (hi - lo));
        return Tensor.fromArray(v, shape);
    }

    /** A shuffled grid of values 0.25 apart (no near-ties), centred on zero: for max/argmax tests. */
    public static Tensor distinct(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = (int) Tensor.numel(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (i - n / 2) * 0.25f;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.fromArray(v, shape);
    }

    public static void assertClose(float[] expected, float[] actual, double rtol, double atol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a)) continue;
            if (Math.abs(e - a) > atol + rtol * Math.abs(e)) {
                fail(what + ": element " + i + " expected " + e + " but was " + a + "\nexpected " + Arrays.toString(head(expected))
                        + "\nactual   " + Arrays.toString(head(actual)));
            }
        }
    }

    public static void assertClose(float[] expected, Tensor actual, double tol, String what) {
        assertClose(expected, actual.toFloatArray(), tol, tol, what);
    }

    private static float[] head(float[] v) {
        return Arrays.copyOf(v, Math.min(v.length, 12));
    }

    /** Runs {@code body} with {@code backend} active, restoring the previous backend afterwards. */
    public static <T> T on(Backend backend, Supplier<T> body) {
        Backend saved = Panagrad.backend();
        Panagrad.setBackend(backend);
        try {
            return body.get();
        } finally {
            Panagrad.setBackend(saved);
        }
    }

    /** Skips the calling test when libpanagrad.so cannot be loaded (it always can in the native run of the suite). */
    public static void assumeNative() {
        Assumptions.assumeTrue(Panagrad.nativeAvailable(), "native library not available");
    }
}

package org.panagrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.panagrad.Backend;
import org.panagrad.Panagrad;

/**
 * Helpers of the kernel agreement tests: seeded inputs, float arrays in and out of native segments, running
 * one computation on the Java and the native kernels, and NaN/inf-aware comparisons against a double
 * reference or between backends.
 */
final class KernelHarness {
    private KernelHarness() {}

    static Kernels java() {
        return Panagrad.kernels(Backend.JAVA);
    }

    /** The native kernels, or null when libpanagrad.so is not available (the Java side is still checked). */
    static Kernels nat() {
        return Panagrad.nativeAvailable() ? Panagrad.kernels(Backend.NATIVE) : null;
    }

    /** Values in [lo, hi) from a seed. */
    static float[] uniform(long seed, int n, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (lo + r.nextDouble() * (hi - lo));
        return v;
    }

    /** |v| in [lo, hi) with a random sign. */
    static float[] awayFromZero(long seed, int n, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) ((lo + r.nextDouble() * (hi - lo)) * (r.nextBoolean() ? 1 : -1));
        return v;
    }

    /** Whole-number labels in [0, classes) as floats. */
    static float[] labels(long seed, int rows, int classes) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[rows];
        for (int i = 0; i < rows; i++) v[i] = r.nextInt(classes);
        return v;
    }

    static MemorySegment seg(Arena arena, float[] v) {
        MemorySegment s = arena.allocate((long) v.length * 4, 64);
        MemorySegment.copy(v, 0, s, ValueLayout.JAVA_FLOAT, 0, v.length);
        return s;
    }

    /** A segment of n floats filled with a sentinel, so that unwritten outputs show. */
    static MemorySegment out(Arena arena, int n) {
        float[] v = new float[n];
        Arrays.fill(v, -12345.5f);
        return seg(arena, v);
    }

    static float[] arr(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_FLOAT);
    }

    static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }

    /**
     * Runs a computation (which allocates its segments in the arena it is given) on one backend. The arena is
     * shared, as the library's tensor memory is, so the Java GEMM may hand the work to its threads.
     */
    static float[][] run(Kernels k, Function<Ctx, float[][]> body) {
        try (Arena arena = Arena.ofShared()) {
            return body.apply(new Ctx(k, arena));
        }
    }

    /** A backend and an arena for one run. */
    record Ctx(Kernels k, Arena arena) {
        MemorySegment in(float[] v) {
            return seg(arena, v);
        }

        MemorySegment out(int n) {
            return KernelHarness.out(arena, n);
        }
    }

    /**
     * Runs body on the Java kernels and, when available, the native ones; asserts they agree within
     * (rtol, atol) output by output, and returns the Java outputs for the caller's reference check.
     */
    static float[][] both(String what, double rtol, double atol, Function<Ctx, float[][]> body) {
        float[][] j = run(java(), body);
        Kernels n = nat();
        if (n != null) {
            float[][] nv = run(n, body);
            assertEquals(nv.length, j.length, what);
            for (int o = 0; o < j.length; o++) assertClose(toDouble(nv[o]), j[o], rtol, atol, what + " [java vs native, output " + o + "]");
        }
        return j;
    }

    /** |expected - actual| <= atol + rtol*|expected| elementwise; NaN matches NaN, infinities must be equal. */
    static void assertClose(double[] expected, float[] actual, double rtol, double atol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a)
                    : Double.isInfinite(e) || Double.isInfinite(a) ? e == a
                    : Math.abs(e - a) <= atol + rtol * Math.abs(e);
            if (!ok) {
                fail(what + ": element " + i + " expected " + e + " but was " + a + " (rtol " + rtol + ", atol " + atol
                        + ")\nexpected " + Arrays.toString(Arrays.copyOf(expected, Math.min(expected.length, 10)))
                        + "\nactual   " + Arrays.toString(Arrays.copyOf(actual, Math.min(actual.length, 10))));
            }
        }
    }

    /** Central finite difference of f at x in double, with a step scaled to x. */
    static double fd(java.util.function.DoubleUnaryOperator f, double x) {
        double h = 1e-5 * Math.max(1.0, Math.abs(x));
        return (f.applyAsDouble(x + h) - f.applyAsDouble(x - h)) / (2 * h);
    }
}

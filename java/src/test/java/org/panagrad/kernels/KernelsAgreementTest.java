package org.panagrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.panagrad.kernels.KernelHarness.assertClose;
import static org.panagrad.kernels.KernelHarness.awayFromZero;
import static org.panagrad.kernels.KernelHarness.both;
import static org.panagrad.kernels.KernelHarness.fd;
import static org.panagrad.kernels.KernelHarness.labels;
import static org.panagrad.kernels.KernelHarness.toDouble;
import static org.panagrad.kernels.KernelHarness.uniform;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every elementwise, reduce, softmax and loss kernel on seeded random inputs (sizes 0, 1, odd, and above
 * 1e5 so that vector bodies and scalar tails both run): {@link JavaKernels} against {@link NativeKernels}
 * within float tolerance, and against a plain double-precision reference; backward kernels against
 * central finite differences of the double forward. Special values (NaN, infinities, zeros, subnormals,
 * overflow) are compared between backends and against the documented results.
 */
class KernelsAgreementTest {

    static final int[] SIZES = {0, 1, 7, 33, 1000, 100_003};

    static IntStream sizes() {
        return IntStream.of(SIZES);
    }

    // ---- unary forward ------------------------------------------------------------------------

    /** A unary kernel, the domain its random inputs come from, and its double reference. */
    record Unary(String name, double lo, double hi, DoubleUnaryOperator ref, UnaryKernel kernel) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface UnaryKernel {
        void apply(Kernels k, long n, MemorySegment x, MemorySegment out);
    }

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    static List<Unary> unaries() {
        return List.of(
                new Unary("neg", -10, 10, x -> -x, Kernels::elementwiseNeg),
                new Unary("exp", -85, 85, Math::exp, Kernels::elementwiseExp),
                new Unary("log", 1e-3, 1e3, Math::log, Kernels::elementwiseLog),
                new Unary("sqrt", 0, 100, Math::sqrt, Kernels::elementwiseSqrt),
                new Unary("abs", -10, 10, Math::abs, Kernels::elementwiseAbs),
                new Unary("relu", -10, 10, x -> x < 0 ? 0 : x, Kernels::elementwiseRelu),
                new Unary("sigmoid", -30, 30, KernelsAgreementTest::sigmoid, Kernels::elementwiseSigmoid),
                new Unary("tanh", -10, 10, Math::tanh, Kernels::elementwiseTanh),
                new Unary("tanh-small", -0.7, 0.7, Math::tanh, Kernels::elementwiseTanh),
                new Unary("pow2", -3, 3, x -> x * x, (k, n, x, o) -> k.elementwisePow(n, x, 2f, o)),
                new Unary("pow3", -3, 3, x -> x * x * x, (k, n, x, o) -> k.elementwisePow(n, x, 3f, o)),
                new Unary("pow0.5", 0, 10, Math::sqrt, (k, n, x, o) -> k.elementwisePow(n, x, 0.5f, o)),
                new Unary("pow-1.5", 0.1, 10, x -> Math.pow(x, -1.5), (k, n, x, o) -> k.elementwisePow(n, x, -1.5f, o)),
                new Unary("affine", -10, 10, x -> x * 1.5 - 0.25, (k, n, x, o) -> k.elementwiseAffine(n, x, 1.5f, -0.25f, o)),
                new Unary("rdiv", 0.5, 10, x -> 3.0 / x, (k, n, x, o) -> k.elementwiseRdivScalar(n, 3f, x, o)));
    }

    static Stream<Arguments> unaryCases() {
        return unaries().stream().flatMap(u -> sizes().mapToObj(n -> Arguments.of(u, n)));
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("unaryCases")
    void unaryForward(Unary u, int n) {
        float[] x = uniform(n * 31L + u.name().hashCode(), n, u.lo(), u.hi());
        // affine may be contracted to one FMA in C: near its zero only an absolute bound holds.
        double atol = u.name().equals("affine") ? 1e-6 : 1e-37;
        float[] got = both(u.name(), 2e-6, atol, c -> {
            MemorySegment o = c.out(n);
            u.kernel().apply(c.k(), n, c.in(x), o);
            return new float[][] {KernelHarness.arr(o)};
        })[0];
        double[] ref = new double[n];
        for (int i = 0; i < n; i++) ref[i] = u.ref().applyAsDouble(x[i]);
        assertClose(ref, got, 3e-6, atol, u.name() + " vs double");
    }

    /** The unary kernels write in place (out == x) as well. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("unaries")
    void unaryInPlace(Unary u) {
        int n = 37;
        float[] x = uniform(5, n, u.lo(), u.hi());
        float[][] r = KernelHarness.run(KernelHarness.java(), c -> {
            MemorySegment xs = c.in(x), o = c.out(n);
            u.kernel().apply(c.k(), n, xs, o);
            u.kernel().apply(c.k(), n, xs, xs);
            return new float[][] {KernelHarness.arr(o), KernelHarness.arr(xs)};
        });
        assertClose(toDouble(r[0]), r[1], 0, 0, u.name() + " in place");
    }

    static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1e-45f,
        1e-40f, -1e-40f, 1.17e-38f, 88.7f, 89f, 100f, -87f, -103f, -104f, -110f, 1e30f, -1e30f, 0.625f, -0.625f,
        0.6249f, 1f, -1f, 2f, 0.5f, 1e-8f, -1e-8f, 20f, -20f, 1000f, -1000f, 3.4e38f};

    /** SPECIAL repeated, shifted, to 3 vectors and a tail, so each value goes through both paths. */
    static float[] specials(int shift) {
        float[] v = new float[3 * 8 + 5 + SPECIAL.length];
        for (int i = 0; i < v.length; i++) v[i] = SPECIAL[(i + shift) % SPECIAL.length];
        return v;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaries")
    void unarySpecialValuesAgree(Unary u) {
        for (int shift = 0; shift < 8; shift++) {
            float[] x = specials(shift);
            // exp/log/tanh/sigmoid are the same polynomials in both: agree to 2 ulp, subnormals included.
            both(u.name() + " special values shift " + shift, 3e-7, 1e-44, c -> {
                MemorySegment o = c.out(x.length);
                u.kernel().apply(c.k(), x.length, c.in(x), o);
                return new float[][] {KernelHarness.arr(o)};
            });
        }
    }

    @Test
    void documentedSpecialResults() {
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
        check("relu", (k, n, x, o) -> k.elementwiseRelu(n, x, o), new float[] {nan, -inf, inf, -3f, 2f},
                new float[] {nan, 0f, inf, 0f, 2f});
        check("exp", (k, n, x, o) -> k.elementwiseExp(n, x, o), new float[] {nan, -inf, inf, 0f, 89f, -104f},
                new float[] {nan, 0f, inf, 1f, inf, 0f});
        check("log", (k, n, x, o) -> k.elementwiseLog(n, x, o), new float[] {nan, -1f, 0f, -0f, inf, 1f},
                new float[] {nan, nan, -inf, -inf, inf, 0f});
        check("sigmoid", (k, n, x, o) -> k.elementwiseSigmoid(n, x, o), new float[] {nan, 1000f, -1000f, inf, -inf, 0f},
                new float[] {nan, 1f, 0f, 1f, 0f, 0.5f});
        check("tanh", (k, n, x, o) -> k.elementwiseTanh(n, x, o), new float[] {nan, inf, -inf, 0f, 50f, -50f},
                new float[] {nan, 1f, -1f, 0f, 1f, -1f});
        check("pow", (k, n, x, o) -> k.elementwisePow(n, x, 3f, o), new float[] {nan, -2f, 1f, 0f},
                new float[] {nan, -8f, 1f, 0f});
        check("pow(x, 0)", (k, n, x, o) -> k.elementwisePow(n, x, 0f, o), new float[] {nan, 0f, -2f},
                new float[] {1f, 1f, 1f});
        check("pow(-8, 1/3)", (k, n, x, o) -> k.elementwisePow(n, x, 1f / 3, o), new float[] {-8f, 1f},
                new float[] {nan, 1f});
    }

    private static void check(String what, UnaryKernel kernel, float[] x, float[] expected) {
        // Repeat to cover vector body and tail.
        int reps = 5;
        float[] xx = new float[x.length * reps];
        double[] ee = new double[x.length * reps];
        for (int i = 0; i < xx.length; i++) {
            xx[i] = x[i % x.length];
            ee[i] = expected[i % x.length];
        }
        float[] got = both(what, 0, 0, c -> {
            MemorySegment o = c.out(xx.length);
            kernel.apply(c.k(), xx.length, c.in(xx), o);
            return new float[][] {KernelHarness.arr(o)};
        })[0];
        assertClose(ee, got, 1e-7, 0, what + " documented values");
    }

    // ---- unary backward -----------------------------------------------------------------------

    /**
     * A backward kernel gx = gy * f'(x): s is the saved tensor (x itself, or y = f(x) when usesOutput), and
     * f the double forward whose central difference is the reference.
     */
    record Backward(String name, double lo, double hi, boolean awayFromZero, DoubleUnaryOperator f, boolean usesOutput,
                    BackwardKernel kernel) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface BackwardKernel {
        void apply(Kernels k, long n, MemorySegment s, MemorySegment gy, MemorySegment gx);
    }

    static List<Backward> backwards() {
        return List.of(
                new Backward("exp", -10, 10, false, Math::exp, true, Kernels::elementwiseExpBackward),
                new Backward("log", 0.01, 100, false, Math::log, false, Kernels::elementwiseLogBackward),
                new Backward("sqrt", 0.01, 100, false, Math::sqrt, true, Kernels::elementwiseSqrtBackward),
                new Backward("abs", 0.01, 10, true, Math::abs, false, Kernels::elementwiseAbsBackward),
                new Backward("relu", 0.01, 10, true, x -> x < 0 ? 0 : x, false, Kernels::elementwiseReluBackward),
                new Backward("sigmoid", -15, 15, false, KernelsAgreementTest::sigmoid, true, Kernels::elementwiseSigmoidBackward),
                new Backward("tanh", -5, 5, false, Math::tanh, true, Kernels::elementwiseTanhBackward),
                new Backward("pow2", 0.01, 5, true, x -> x * x, false, (k, n, s, g, o) -> k.elementwisePowBackward(n, s, 2f, g, o)),
                new Backward("pow3", 0.01, 5, true, x -> x * x * x, false, (k, n, s, g, o) -> k.elementwisePowBackward(n, s, 3f, g, o)),
                new Backward("pow0.5", 0.01, 10, false, Math::sqrt, false, (k, n, s, g, o) -> k.elementwisePowBackward(n, s, 0.5f, g, o)),
                new Backward("pow-1.5", 0.1, 10, false, x -> Math.pow(x, -1.5), false,
                        (k, n, s, g, o) -> k.elementwisePowBackward(n, s, -1.5f, g, o)),
                new Backward("pow0", 0.0, 10, false, x -> 1.0, false, (k, n, s, g, o) -> k.elementwisePowBackward(n, s, 0f, g, o)));
    }

    static Stream<Arguments> backwardCases() {
        return backwards().stream().flatMap(b -> sizes().mapToObj(n -> Arguments.of(b, n)));
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("backwardCases")
    void unaryBackward(Backward b, int n) {
        long seed = n * 17L + b.name().hashCode();
        float[] x = b.awayFromZero() ? awayFromZero(seed, n, b.lo(), b.hi()) : uniform(seed, n, b.lo(), b.hi());
        float[] gy = uniform(seed + 1, n, -2, 2);
        float[] s = new float[n];
        for (int i = 0; i < n; i++) s[i] = b.usesOutput() ? (float) b.f().applyAsDouble(x[i]) : x[i];
        float[] got = both(b.name() + " backward", 2e-6, 1e-30, c -> {
            MemorySegment o = c.out(n);
            b.kernel().apply(c.k(), n, c.in(s), c.in(gy), o);
            return new float[][] {KernelHarness.arr(o)};
        })[0];
        double[] ref = new double[n];
        for (int i = 0; i < n; i++) ref[i] = gy[i] * fd(b.f(), x[i]);
        assertClose(ref, got, 1e-4, 1e-6, b.name() + " backward vs finite differences");
    }

    @Test
    void backwardSpecialCases() {
        float nan = Float.NaN;
        float[] x = {0f, -0f, nan, 2f, -2f, 0f, 1f, -1f, 0f};
        float[] gy = {1f, 1f, 1f, 3f, 3f, 1f, 1f, 1f, 1f};
        float[][] r = both("abs/relu/pow backward specials", 0, 0, c -> {
            MemorySegment xs = c.in(x), g = c.in(gy), a = c.out(x.length), re = c.out(x.length), p = c.out(x.length);
            c.k().elementwiseAbsBackward(x.length, xs, g, a);
            c.k().elementwiseReluBackward(x.length, xs, g, re);
            c.k().elementwisePowBackward(x.length, xs, 0f, g, p);
            return new float[][] {KernelHarness.arr(a), KernelHarness.arr(re), KernelHarness.arr(p)};
        });
        assertClose(new double[] {0, 0, 0, 3, -3, 0, 1, -1, 0}, r[0], 0, 0, "abs backward: sign(0) = sign(NaN) = 0");
        assertClose(new double[] {0, 0, 0, 3, 0, 0, 1, 0, 0}, r[1], 0, 0, "relu backward: x > 0 ? gy : 0");
        assertClose(new double[9], r[2], 0, 0, "pow backward with p == 0 is 0 even at x = 0");
    }

    // ---- binary -------------------------------------------------------------------------------

    interface BinaryKernel {
        void apply(Kernels k, long n, MemorySegment a, MemorySegment b, MemorySegment out);
    }

    interface BinaryRef {
        double apply(double a, double b);
    }

    static Stream<Arguments> binaryCases() {
        List<Arguments> list = new ArrayList<>();
        String[] names = {"add", "sub", "mul", "div"};
        for (int op = 0; op < 4; op++) for (int n : SIZES) list.add(Arguments.of(names[op], op, n));
        return list.stream();
    }

    static BinaryRef binaryRef(int op) {
        return switch (op) {
            case 0 -> (a, b) -> a + b;
            case 1 -> (a, b) -> a - b;
            case 2 -> (a, b) -> a * b;
            default -> (a, b) -> a / b;
        };
    }

    static BinaryKernel binaryKernel(int op) {
        return switch (op) {
            case 0 -> Kernels::elementwiseAdd;
            case 1 -> Kernels::elementwiseSub;
            case 2 -> Kernels::elementwiseMul;
            default -> Kernels::elementwiseDiv;
        };
    }

    @ParameterizedTest(name = "{0} n={2}")
    @MethodSource("binaryCases")
    void binarySameShape(String name, int op, int n) {
        float[] a = uniform(n + 3L * op, n, -10, 10);
        float[] b = awayFromZero(n + 3L * op + 1, n, 0.1, 10);
        float[] got = both(name, 0, 0, c -> {
            MemorySegment o = c.out(n);
            binaryKernel(op).apply(c.k(), n, c.in(a), c.in(b), o);
            return new float[][] {KernelHarness.arr(o)};
        })[0];
        double[] ref = new double[n];
        for (int i = 0; i < n; i++) ref[i] = (float) binaryRef(op).apply(a[i], b[i]); // one rounding, exact in float
        assertClose(ref, got, 0, 0, name + " vs double rounded once");
    }

    interface BcastKernel {
        void apply(Kernels k, long d0, long d1, long d2, long d3, MemorySegment a, long as0, long as1, long as2, long as3,
                   MemorySegment b, long bs0, long bs1, long bs2, long bs3, MemorySegment out);
    }

    static BcastKernel bcastKernel(int op) {
        return switch (op) {
            case 0 -> Kernels::elementwiseAddBcast;
            case 1 -> Kernels::elementwiseSubBcast;
            case 2 -> Kernels::elementwiseMulBcast;
            default -> Kernels::elementwiseDivBcast;
        };
    }

    /** Dims, then strides of a and b: equal shapes, scalar either side, rows, columns, a transposed view, empty. */
    static Stream<Arguments> bcastCases() {
        long[][] patterns = {
            {2, 3, 4, 37, 3 * 4 * 37, 4 * 37, 37, 1, 3 * 4 * 37, 4 * 37, 37, 1}, // same shape: folds to one row
            {1, 1, 5, 1001, 0, 0, 1001, 1, 0, 0, 0, 0},                          // tensor op scalar
            {1, 1, 5, 1001, 0, 0, 0, 0, 0, 0, 1001, 1},                          // scalar op tensor
            {1, 1, 67, 33, 0, 0, 33, 1, 0, 0, 0, 1},                             // [67,33] op row [33]
            {1, 1, 67, 33, 0, 0, 33, 1, 0, 0, 1, 0},                             // [67,33] op column [67,1]
            {1, 1, 33, 67, 0, 0, 1, 33, 0, 0, 67, 1},                            // a transposed [67,33] view
            {3, 1, 4, 9, 36, 0, 9, 1, 0, 0, 9, 1},                               // [3,1,4,9] op [4,9]
            {2, 5, 3, 7, 0, 7, 0, 1, 105, 21, 7, 1},                             // [5,1,7] op [2,5,3,7]
            {1, 1, 1, 100_003, 0, 0, 0, 1, 0, 0, 0, 1},                          // long row
            {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0},                                // scalars
            {2, 0, 3, 4, 0, 12, 4, 1, 0, 12, 4, 1},                              // empty
        };
        List<Arguments> list = new ArrayList<>();
        for (int op = 0; op < 4; op++) for (int p = 0; p < patterns.length; p++) list.add(Arguments.of(op, p, patterns[p]));
        return list.stream();
    }

    static int extent(long[] d, long s0, long s1, long s2, long s3) {
        if (d[0] * d[1] * d[2] * d[3] == 0) return 0;
        return (int) ((d[0] - 1) * s0 + (d[1] - 1) * s1 + (d[2] - 1) * s2 + (d[3] - 1) * s3 + 1);
    }

    @ParameterizedTest(name = "op {0} pattern {1}")
    @MethodSource("bcastCases")
    void binaryBroadcast(int op, int pattern, long[] p) {
        long[] d = {p[0], p[1], p[2], p[3]};
        int na = extent(d, p[4], p[5], p[6], p[7]), nb = extent(d, p[8], p[9], p[10], p[11]);
        int n = (int) (d[0] * d[1] * d[2] * d[3]);
        float[] a = uniform(pattern * 7L + op, na, -10, 10);
        float[] b = awayFromZero(pattern * 7L + op + 100, nb, 0.1, 10);
        float[] got = both("bcast", 0, 0, c -> {
            MemorySegment o = c.out(n);
            bcastKernel(op).apply(c.k(), d[0], d[1], d[2], d[3], c.in(a), p[4], p[5], p[6], p[7], c.in(b), p[8], p[9], p[10],
                    p[11], o);
            return new float[][] {KernelHarness.arr(o)};
        })[0];
        double[] ref = new double[n];
        int at = 0;
        for (int i0 = 0; i0 < d[0]; i0++)
            for (int i1 = 0; i1 < d[1]; i1++)
                for (int i2 = 0; i2 < d[2]; i2++)
                    for (int i3 = 0; i3 < d[3]; i3++) {
                        float x = a[(int) (i0 * p[4] + i1 * p[5] + i2 * p[6] + i3 * p[7])];
                        float y = b[(int) (i0 * p[8] + i1 * p[9] + i2 * p[10] + i3 * p[11])];
                        ref[at++] = (float) binaryRef(op).apply(x, y);
                    }
        assertClose(ref, got, 0, 0, "bcast op " + op + " vs reference");
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("sizes")
    void fillAndExpand(int n) {
        float[][] r = both("fill", 0, 0, c -> {
            MemorySegment a = c.out(n), z = c.out(n);
            c.k().elementwiseFill(n, 2.5f, a);
            c.k().elementwiseFill(n, 0f, z);
            return new float[][] {KernelHarness.arr(a), KernelHarness.arr(z)};
        });
        double[] e = new double[n];
        java.util.Arrays.fill(e, 2.5);
        assertClose(e, r[0], 0, 0, "fill 2.5");
        assertClose(new double[n], r[1], 0, 0, "fill 0");
        int[][] shapes = {{3, 4, 5}, {1, n, 1}, {2, 1, 7}, {n, 3, 1}, {0, 3, 4}};
        for (int[] s : shapes) {
            int outer = s[0], k = s[1], inner = s[2];
            float[] x = uniform(n + 1, outer * inner, -1, 1);
            float[] got = both("expand", 0, 0, c -> {
                MemorySegment o = c.out(outer * k * inner);
                c.k().elementwiseExpand(outer, k, inner, c.in(x), o);
                return new float[][] {KernelHarness.arr(o)};
            })[0];
            double[] ref = new double[outer * k * inner];
            for (int o = 0; o < outer; o++)
                for (int kk = 0; kk < k; kk++)
                    for (int i = 0; i < inner; i++) ref[(o * k + kk) * inner + i] = x[o * inner + i];
            assertClose(ref, got, 0, 0, "expand " + java.util.Arrays.toString(s));
        }
    }

    // ---- reduce -------------------------------------------------------------------------------

    @ParameterizedTest(name = "n={0}")
    @MethodSource("sizes")
    void reduceSum(int n) {
        float[] x = uniform(n + 11L, n, -1, 3);
        float got = both("sum", 1e-6, 1e-6, c -> {
            MemorySegment o = c.out(1);
            c.k().reduceSum(n, c.in(x), o);
            return new float[][] {KernelHarness.arr(o)};
        })[0][0];
        double s = 0;
        for (float v : x) s += v;
        assertEquals((float) s, got, Math.ulp((float) s) * 2 + 1e-30, "sum in double, rounded once");
    }

    /** [outer, n, inner] shapes: rows (inner 1) short and long, columns, n == 1, empty. */
    static Stream<Arguments> axisShapes() {
        int[][] s = {{1, 1, 1}, {3, 1, 5}, {2, 7, 1}, {64, 10, 1}, {5, 33, 1}, {4, 17, 9}, {2, 300, 300}, {1, 100_003, 1},
            {3, 5, 600}, {0, 4, 3}, {3, 2, 0}, {7, 1, 1}, {2, 3, 100_003}};
        return Stream.of(s).map(a -> Arguments.of(a[0], a[1], a[2]));
    }

    @ParameterizedTest(name = "[{0},{1},{2}]")
    @MethodSource("axisShapes")
    void reduceSumAxis(int outer, int n, int inner) {
        float[] x = uniform(outer * 1000L + n * 10 + inner, outer * n * inner, -1, 3);
        float[] got = both("sumAxis", 1e-6, 1e-6, c -> {
            MemorySegment o = c.out(outer * inner);
            c.k().reduceSumAxis(outer, n, inner, c.in(x), o);
            return new float[][] {KernelHarness.arr(o)};
        })[0];
        double[] ref = new double[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < n; k++)
                for (int i = 0; i < inner; i++) ref[o * inner + i] += x[(o * n + k) * inner + i];
        for (int i = 0; i < ref.length; i++) ref[i] = (float) ref[i];
        assertClose(ref, got, 1.2e-7, 1e-30, "sumAxis vs double");
    }

    @ParameterizedTest(name = "[{0},{1},{2}]")
    @MethodSource("axisShapes")
    void reduceMaxAxis(int outer, int n, int inner) {
        if (n == 0) return;
        int total = outer * n * inner;
        // Few distinct values: many ties (the first index must win), and some NaNs in one variant.
        for (boolean nans : new boolean[] {false, true}) {
            float[] x = uniform(total + (nans ? 1 : 0), total, -4, 4);
            java.util.SplittableRandom r = new java.util.SplittableRandom(total);
            for (int i = 0; i < total; i++) {
                x[i] = Math.round(x[i]);
                if (nans && r.nextInt(50) == 0) x[i] = Float.NaN;
                if (r.nextInt(40) == 0) x[i] = r.nextBoolean() ? Float.NEGATIVE_INFINITY : -0f;
            }
            float[][] got = both("maxAxis", 0, 0, c -> {
                MemorySegment m = c.out(outer * inner), a = c.out(outer * inner);
                c.k().reduceMaxAxis(outer, n, inner, c.in(x), m, a);
                return new float[][] {KernelHarness.arr(m), KernelHarness.arr(a)};
            });
            double[] rm = new double[outer * inner], ra = new double[outer * inner];
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++) {
                    float best = x[o * n * inner + i];
                    int at = 0;
                    for (int k = 1; k < n; k++) {
                        float v = x[(o * n + k) * inner + i];
                        if (v > best || (Float.isNaN(v) && !Float.isNaN(best))) {
                            best = v;
                            at = k;
                        }
                    }
                    rm[o * inner + i] = best;
                    ra[o * inner + i] = at;
                }
            assertClose(rm, got[0], 0, 0, "max (nans " + nans + ")");
            assertClose(ra, got[1], 0, 0, "argmax: first index, NaN wins (nans " + nans + ")");
        }
    }

    // ---- softmax ------------------------------------------------------------------------------

    /** Double softmax (or log-softmax) of x viewed as [outer, n, inner] along the middle axis. */
    static double[] softmaxRef(double[] x, int outer, int n, int inner, boolean log) {
        double[] y = new double[x.length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                double m = Double.NEGATIVE_INFINITY, s = 0;
                for (int k = 0; k < n; k++) m = Math.max(m, x[(o * n + k) * inner + i]);
                for (int k = 0; k < n; k++) s += Math.exp(x[(o * n + k) * inner + i] - m);
                for (int k = 0; k < n; k++) {
                    int at = (o * n + k) * inner + i;
                    y[at] = log ? x[at] - m - Math.log(s) : Math.exp(x[at] - m) / s;
                }
            }
        return y;
    }

    static Stream<Arguments> softmaxCases() {
        int[][] s = {{1, 1, 1}, {3, 1, 1}, {2, 10, 1}, {64, 10, 1}, {13, 33, 1}, {3, 1000, 1}, {4, 7, 5}, {2, 50, 300},
            {1, 100_003, 1}, {0, 5, 1}, {2, 0, 3}, {3, 4, 1}};
        List<Arguments> list = new ArrayList<>();
        for (boolean log : new boolean[] {false, true}) for (int[] a : s) list.add(Arguments.of(log, a[0], a[1], a[2]));
        return list.stream();
    }

    @ParameterizedTest(name = "log={0} [{1},{2},{3}]")
    @MethodSource("softmaxCases")
    void softmaxForwardAndBackward(boolean log, int outer, int n, int inner) {
        int total = outer * n * inner;
        float[] x = uniform(total * 3L + (log ? 1 : 0), total, -8, 8);
        float[] gy = uniform(total * 3L + 2, total, -1, 1);
        double[] yRef = softmaxRef(toDouble(x), outer, n, inner, log);
        float[] y = new float[total];
        for (int i = 0; i < total; i++) y[i] = (float) yRef[i];
        float[][] got = both(log ? "logSoftmax" : "softmax", 2e-6, 1e-7, c -> {
            MemorySegment yo = c.out(total), gx = c.out(total);
            if (log) {
                c.k().softmaxLog(outer, n, inner, c.in(x), yo);
                c.k().softmaxLogBackward(outer, n, inner, c.in(y), c.in(gy), gx);
            } else {
                c.k().softmax(outer, n, inner, c.in(x), yo);
                c.k().softmaxBackward(outer, n, inner, c.in(y), c.in(gy), gx);
            }
            return new float[][] {KernelHarness.arr(yo), KernelHarness.arr(gx)};
        });
        assertClose(yRef, got[0], 3e-6, 1e-7, "forward vs double");
        // Backward: the analytic formula in double everywhere, finite differences of sum(gy * f(x)) on small inputs.
        double[] gRef = new double[total];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    int at = (o * n + k) * inner + i;
                    s += log ? gy[at] : gy[at] * yRef[at];
                }
                for (int k = 0; k < n; k++) {
                    int at = (o * n + k) * inner + i;
                    gRef[at] = log ? gy[at] - Math.exp(yRef[at]) * s : yRef[at] * (gy[at] - s);
                }
            }
        assertClose(gRef, got[1], 1e-5, 1e-6, "backward vs double formula");
        if (total <= 2000) {
            double[] xd = toDouble(x), fdRef = new double[total];
            for (int at = 0; at < total; at++) {
                final int j = at;
                fdRef[at] = fd(v -> {
                    double[] xx = xd.clone();
                    xx[j] = v;
                    double[] yy = softmaxRef(xx, outer, n, inner, log);
                    double s = 0;
                    for (int q = 0; q < total; q++) s += gy[q] * yy[q];
                    return s;
                }, xd[at]);
            }
            assertClose(fdRef, got[1], 1e-4, 1e-5, "backward vs finite differences");
        }
    }

    @Test
    void softmaxNanAndInfinity() {
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
        // rows of 4: NaN first, NaN later, +inf, -inf with finite, all equal
        float[] x = {nan, 1, 2, 3, 1, nan, 2, 3, inf, 1, 2, 3, Float.NEGATIVE_INFINITY, 0, 0, 0, 5, 5, 5, 5};
        float[][] got = both("softmax specials", 1e-6, 1e-7, c -> {
            MemorySegment y = c.out(x.length), ly = c.out(x.length);
            c.k().softmax(5, 4, 1, c.in(x), y);
            c.k().softmaxLog(5, 4, 1, c.in(x), ly);
            return new float[][] {KernelHarness.arr(y), KernelHarness.arr(ly)};
        });
        for (int i = 0; i < 8; i++) assertTrue(Float.isNaN(got[0][i]), "NaN row gives NaN softmax at " + i);
        assertEquals(0f, got[0][12], "exp(-inf - max) = 0");
        assertEquals(1f / 3, got[0][13], 1e-7f);
        assertEquals(0.25f, got[0][16], 1e-7f);
        assertEquals((float) -Math.log(4), got[1][19], 1e-6f);
    }

    // ---- losses -------------------------------------------------------------------------------

    static Stream<Arguments> ceCases() {
        int[][] s = {{0, 5}, {1, 1}, {3, 1}, {8, 10}, {13, 10}, {64, 10}, {5, 100}, {3, 1000}, {2, 100_003}, {7, 3}};
        List<Arguments> list = new ArrayList<>();
        for (float scale : new float[] {5f, 60f}) for (int[] a : s) list.add(Arguments.of(a[0], a[1], scale));
        return list.stream();
    }

    @ParameterizedTest(name = "[{0},{1}] scale {2}")
    @MethodSource("ceCases")
    void crossEntropy(int rows, int cols, float scale) {
        float[] x = uniform(rows * 100L + cols + (long) scale, rows * cols, -scale, scale);
        float[] lab = labels(rows + cols, rows, cols);
        float[] gl = uniform(rows * 7L, rows, -1, 2);
        double[] loss = new double[rows], max = new double[rows], logSum = new double[rows];
        for (int r = 0; r < rows; r++) {
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (int c = 0; c < cols; c++) m = Math.max(m, x[r * cols + c]);
            for (int c = 0; c < cols; c++) s += Math.exp(x[r * cols + c] - m);
            max[r] = m;
            logSum[r] = Math.log(s);
            loss[r] = (m - x[r * cols + (int) lab[r]]) + Math.log(s);
        }
        // stats[r] = (max, log-sum relative to it), the layout both kernels write and backward reads
        float[] statsF = new float[2 * rows];
        for (int r = 0; r < rows; r++) {
            statsF[2 * r] = (float) max[r];
            statsF[2 * r + 1] = (float) logSum[r];
        }
        float[][] got = both("crossEntropy", 2e-6, 1e-7, c -> {
            MemorySegment lo = c.out(rows), st = c.out(2 * rows), g = c.out(rows * cols);
            MemorySegment xs = c.in(x), ll = c.in(lab);
            c.k().lossCrossEntropy(rows, cols, xs, ll, lo, st);
            c.k().lossCrossEntropyBackward(rows, cols, xs, ll, c.in(statsF), c.in(gl), g);
            return new float[][] {KernelHarness.arr(lo), KernelHarness.arr(st), KernelHarness.arr(g)};
        });
        // Relative accuracy even for the tiny losses of confident predictions (scale 60).
        assertClose(loss, got[0], 3e-6, 1e-30, "loss vs double");
        float[] gotMax = new float[rows], gotLogSum = new float[rows];
        for (int r = 0; r < rows; r++) {
            gotMax[r] = got[1][2 * r];
            gotLogSum[r] = got[1][2 * r + 1];
        }
        assertClose(max, gotMax, 0, 0, "stats: the row max, exactly");
        assertClose(logSum, gotLogSum, 3e-6, 1e-7, "stats: log-sum vs double");
        double[] gRef = new double[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                gRef[r * cols + c] = gl[r] * (Math.exp((x[r * cols + c] - max[r]) - logSum[r]) - (c == (int) lab[r] ? 1 : 0));
        assertClose(gRef, got[2], 1e-5, 1e-7, "backward vs double formula");
        if (rows * cols <= 1000 && scale < 10) {
            double[] fdRef = new double[rows * cols];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++) {
                    final int row = r, col = c;
                    fdRef[r * cols + c] = gl[r] * fd(v -> {
                        double m = Double.NEGATIVE_INFINITY, s = 0;
                        for (int q = 0; q < cols; q++) m = Math.max(m, q == col ? v : x[row * cols + q]);
                        for (int q = 0; q < cols; q++) s += Math.exp((q == col ? v : x[row * cols + q]) - m);
                        int l = (int) lab[row];
                        return m + Math.log(s) - (l == col ? v : x[row * cols + l]);
                    }, x[r * cols + c]);
                }
            assertClose(fdRef, got[2], 1e-4, 1e-5, "backward vs finite differences");
        }
    }

    @ParameterizedTest(name = "[{0},{1}]")
    @MethodSource("ceCases")
    void nllAndOneHot(int rows, int cols, float scale) {
        if (scale > 10) return;
        float[] logp = uniform(rows * 3L + cols, rows * cols, -5, 0);
        float[] lab = labels(rows * 5L + cols, rows, cols);
        float[] gl = uniform(rows * 11L, rows, -1, 2);
        float[][] got = both("nll", 0, 0, c -> {
            MemorySegment lo = c.out(rows), g = c.out(rows * cols), oh = c.out(rows * cols), ll = c.in(lab);
            c.k().lossNll(rows, cols, c.in(logp), ll, lo);
            c.k().lossNllBackward(rows, cols, ll, c.in(gl), g);
            c.k().lossOneHot(rows, cols, ll, oh);
            return new float[][] {KernelHarness.arr(lo), KernelHarness.arr(g), KernelHarness.arr(oh)};
        });
        double[] loss = new double[rows], g = new double[rows * cols], oh = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            int l = (int) lab[r];
            loss[r] = -logp[r * cols + l];
            // d(gl * -logp[label]) / dlogp by finite differences of the double forward
            for (int c = 0; c < cols; c++) {
                final int col = c;
                g[r * cols + c] = gl[r] * fd(v -> col == l ? -v : 0.0, logp[r * cols + c]);
            }
            oh[r * cols + l] = 1;
        }
        assertClose(loss, got[0], 0, 0, "nll");
        assertClose(g, got[1], 1e-6, 1e-7, "nll backward vs finite differences");
        assertClose(oh, got[2], 0, 0, "one-hot");
    }

    /** Single-column rows: outputs may alias the labels / per-row inputs (cols == 1). */
    @Test
    void lossesWithOneColumnInPlace() {
        int rows = 19;
        float[] x = uniform(3, rows, -3, 3);
        float[][] got = both("cols == 1 in place", 0, 0, c -> {
            MemorySegment lab = c.in(new float[rows]), stats = c.in(new float[2 * rows]), xs = c.in(x);
            c.k().lossCrossEntropy(rows, 1, xs, lab, lab, stats); // loss written over the labels
            MemorySegment lab2 = c.in(new float[rows]), g = c.in(uniform(4, rows, 1, 2));
            c.k().lossNllBackward(rows, 1, lab2, g, g);
            MemorySegment lab3 = c.in(new float[rows]);
            c.k().lossOneHot(rows, 1, lab3, lab3);
            return new float[][] {KernelHarness.arr(lab), KernelHarness.arr(stats), KernelHarness.arr(g), KernelHarness.arr(lab3)};
        });
        float[] g0 = uniform(4, rows, 1, 2);
        for (int r = 0; r < rows; r++) {
            assertEquals(0f, got[0][r], "one class: loss 0");
            assertEquals(x[r], got[1][2 * r], "one class: max = x");
            assertEquals(0f, got[1][2 * r + 1], "one class: log-sum = log(1) = 0");
            assertEquals(-g0[r], got[2][r], "nll backward in place");
            assertEquals(1f, got[3][r], "one-hot in place");
        }
    }

    static double bceRef(double p, double z) {
        double lp = Math.max(Math.log(p), -100), lq = Math.max(Math.log1p(-p), -100);
        return -(z * lp + (1 - z) * lq);
    }

    static double bceLogitsRef(double x, double z) {
        return Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x)));
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("sizes")
    void binaryCrossEntropy(int n) {
        float[] p = uniform(n + 1L, n, 0.001, 0.999);
        float[] x = uniform(n + 2L, n, -20, 20);
        float[] z = uniform(n + 3L, n, 0, 1);
        float[] gl = uniform(n + 4L, n, -1, 2);
        float[][] got = both("bce", 3e-6, 1e-7, c -> {
            MemorySegment a = c.out(n), b = c.out(n), d = c.out(n), e = c.out(n), ps = c.in(p), zs = c.in(z), xs = c.in(x),
                    g = c.in(gl);
            c.k().lossBce(n, ps, zs, a);
            c.k().lossBceBackward(n, ps, zs, g, b);
            c.k().lossBceWithLogits(n, xs, zs, d);
            c.k().lossBceWithLogitsBackward(n, xs, zs, g, e);
            return new float[][] {KernelHarness.arr(a), KernelHarness.arr(b), KernelHarness.arr(d), KernelHarness.arr(e)};
        });
        double[] l1 = new double[n], g1 = new double[n], l2 = new double[n], g2 = new double[n];
        for (int i = 0; i < n; i++) {
            final double zi = z[i];
            l1[i] = bceRef(p[i], zi);
            g1[i] = gl[i] * fd(v -> bceRef(v, zi), p[i]);
            l2[i] = bceLogitsRef(x[i], zi);
            g2[i] = gl[i] * fd(v -> bceLogitsRef(v, zi), x[i]);
        }
        assertClose(l1, got[0], 1e-5, 1e-6, "bce vs double");
        assertClose(g1, got[1], 1e-4, 1e-5, "bce backward vs finite differences");
        assertClose(l2, got[2], 1e-5, 1e-6, "bce with logits vs double");
        assertClose(g2, got[3], 1e-4, 1e-5, "bce with logits backward vs finite differences");
    }

    @Test
    void binaryCrossEntropyAtTheEdges() {
        float[] p = {0f, 1f, 0f, 1f, 1e-30f, 0.5f, Float.NaN, 1e-8f};
        float[] z = {1f, 0f, 0f, 1f, 1f, 0.5f, 1f, 0f};
        float[] x = {1000f, -1000f, 0f, Float.NaN, 30f, -30f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float[] g = {1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f};
        float[][] got = both("bce edges", 1e-6, 1e-30, c -> {
            MemorySegment a = c.out(8), b = c.out(8), d = c.out(8), ps = c.in(p), zs = c.in(z);
            c.k().lossBce(8, ps, zs, a);
            c.k().lossBceBackward(8, ps, zs, c.in(g), b);
            c.k().lossBceWithLogits(8, c.in(x), zs, d);
            return new float[][] {KernelHarness.arr(a), KernelHarness.arr(b), KernelHarness.arr(d)};
        });
        assertClose(new double[] {100, 100, 0, 0, 100 * 0 + 69.07755279, Math.log(2), Double.NaN, 1e-8}, got[0], 1e-6, 1e-12,
                "bce: logs clamped at -100, log1p(-p) for small p");
        assertClose(new double[] {-1e12, 1e12, 0, 0, -1e12, 0, Double.NaN, 1e-8 / (1e-8 * (1 - 1e-8))}, got[1], 1e-6, 0,
                "bce backward: denominator clamped at 1e-12");
        assertClose(new double[] {0, 0, Math.log(2), Double.NaN, 30 - 30 + Math.log1p(Math.exp(-30)), Math.log1p(Math.exp(-30)) * 1 + 15,
            Double.NaN, Double.NaN}, got[2], 1e-6, 1e-12, "bce with logits: stable form");
    }
}

package org.panagrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.panagrad.kernels.KernelHarness.assertClose;
import static org.panagrad.kernels.KernelHarness.both;
import static org.panagrad.kernels.KernelHarness.uniform;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.panagrad.Panagrad;

/**
 * GEMM of {@link JavaKernels} against OpenBLAS (through {@link NativeKernels}) and a double triple loop, for
 * all four transpose combinations, with alpha and beta, row strides larger than the rows (the gaps must not
 * be touched), edge sizes (0, 1, odd, not multiples of the micro-tile or the blocks) and with one and two
 * threads; and the transposition kernel.
 */
class GemmKernelsAgreementTest {

    @AfterEach
    void restoreThreads() {
        KernelHarness.java().runtimeSetThreads(Panagrad.threads());
    }

    /** {alpha, beta}: plain product, scaled product over a NaN-filled C (beta 0 must not read it), accumulate, both. */
    static final float[][] ALPHA_BETA = {{1f, 0f}, {0.5f, 0f}, {1f, 1f}, {-1.5f, 0.25f}};

    static Stream<Arguments> cases() {
        int[][] shapes = {{0, 3, 4}, {3, 0, 4}, {3, 4, 0}, {1, 1, 1}, {1, 17, 5}, {7, 1, 9}, {13, 17, 19}, {6, 16, 256},
            {65, 33, 300}, {130, 120, 70}, {37, 200, 513}, {5, 2100, 3}, {97, 64, 1}, {200, 9, 130}, {64, 10, 128}, {33, 3, 1000}};
        List<Arguments> list = new ArrayList<>();
        // Every transpose combination meets every alpha/beta pair across the shapes.
        for (int i = 0; i < shapes.length; i++)
            for (int t = 0; t < 4; t++) {
                int[] s = shapes[i];
                list.add(Arguments.of(t >= 2, t % 2 == 1, s[0], s[1], s[2], (i + t) % ALPHA_BETA.length));
            }
        return list.stream();
    }

    @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4} ab={5}")
    @MethodSource("cases")
    void gemm(boolean ta, boolean tb, int m, int n, int k, int ab) {
        for (int threads : new int[] {1, 2}) {
            KernelHarness.java().runtimeSetThreads(threads);
            check(ta, tb, m, n, k, ALPHA_BETA[ab][0], ALPHA_BETA[ab][1], 3, "threads " + threads);
        }
    }

    @Test
    void gemm512() {
        for (int threads : new int[] {1, 2}) {
            KernelHarness.java().runtimeSetThreads(threads);
            check(false, true, 512, 512, 512, 1f, 0f, 0, "512^3, threads " + threads);
            check(true, false, 512, 512, 512, 0.5f, 1f, 1, "512^3, threads " + threads);
        }
    }

    /** alpha == 0 or k == 0: C = beta * C and A, B are not read (their NaNs do not appear). */
    @Test
    void alphaZeroAndEmptyDepthScaleC() {
        float[] a = new float[12], b = new float[12];
        java.util.Arrays.fill(a, Float.NaN);
        java.util.Arrays.fill(b, Float.NaN);
        float[] c = uniform(9, 12, -1, 1);
        float[][] got = both("alpha 0", 0, 0, x -> {
            MemorySegment c1 = x.in(c), c2 = x.in(c), c3 = x.in(c);
            x.k().gemm(false, false, 3, 4, 4, 0f, x.in(a), 4, x.in(b), 4, 2f, c1, 4);
            x.k().gemm(true, true, 3, 4, 0, 1f, x.in(a), 3, x.in(b), 1, 0f, c2, 4);
            x.k().gemm(false, false, 3, 4, 0, 1f, x.in(a), 1, x.in(b), 4, 1f, c3, 4);
            return new float[][] {KernelHarness.arr(c1), KernelHarness.arr(c2), KernelHarness.arr(c3)};
        });
        for (int i = 0; i < 12; i++) {
            assertEquals(2 * c[i], got[0][i], "alpha 0: C = beta * C");
            assertEquals(0f, got[1][i], "k 0, beta 0: C = 0");
            assertEquals(c[i], got[2][i], "k 0, beta 1: C unchanged");
        }
    }

    /**
     * Runs one product with padded strides on both backends; op(A) is m x k, op(B) k x n. lda/ldb/ldc exceed the
     * stored row length by pad; C starts out NaN when beta == 0 (never read) and its gaps hold a sentinel.
     */
    private static void check(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, int pad, String what) {
        int ar = ta ? k : m, ac = ta ? m : k, br = tb ? n : k, bc = tb ? k : n;
        int lda = ac + pad, ldb = bc + pad, ldc = n + pad;
        long seed = m * 1_000_003L + n * 1009L + k + (ta ? 7 : 0) + (tb ? 13 : 0);
        float[] a = uniform(seed, Math.max(0, ar * lda), -1, 1);
        float[] b = uniform(seed + 1, Math.max(0, br * ldb), -1, 1);
        float[] c = uniform(seed + 2, m * ldc, -1, 1);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < ldc; j++) {
                if (j >= n) c[i * ldc + j] = 777f;
                else if (beta == 0f) c[i * ldc + j] = Float.NaN;
            }
        String label = what + " " + (ta ? "T" : "N") + (tb ? "T" : "N") + " " + m + "x" + n + "x" + k + " alpha " + alpha + " beta " + beta;
        double[] ref = new double[m * ldc], bound = new double[m * ldc];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < ldc; j++) {
                int at = i * ldc + j;
                if (j >= n) {
                    ref[at] = 777f;
                    continue;
                }
                double s = 0, sa = 0;
                for (int p = 0; p < k; p++) {
                    double x = ta ? a[p * lda + i] : a[i * lda + p];
                    double y = tb ? b[j * ldb + p] : b[p * ldb + j];
                    s += x * y;
                    sa += Math.abs(x * y);
                }
                double cv = beta == 0f ? 0 : beta * (double) c[at];
                ref[at] = alpha * s + cv;
                bound[at] = Math.abs(alpha) * sa + Math.abs(cv);
            }
        float[] got = both(label, 0, 1e-5 * Math.max(1, Math.sqrt(k)), x -> {
            MemorySegment cs = x.in(c);
            x.k().gemm(ta, tb, m, n, k, alpha, x.in(a), lda, x.in(b), ldb, beta, cs, ldc);
            return new float[][] {KernelHarness.arr(cs)};
        })[0];
        // Float accumulation over k terms: error within a few eps * sqrt(k) of sum |terms|.
        for (int i = 0; i < ref.length; i++) {
            double tol = 1e-6 + 4 * 6e-8 * Math.sqrt(Math.max(k, 1)) * bound[i] * 4;
            if (!(Math.abs(ref[i] - got[i]) <= tol)) {
                throw new AssertionError(label + ": C[" + i / ldc + "," + i % ldc + "] expected " + ref[i] + " but was " + got[i]);
            }
        }
    }

    /** Segments confined to the calling thread cannot go to the pool: a large product then runs on the caller. */
    @Test
    void confinedSegmentsRunOnTheCaller() {
        int m = 150, n = 140, k = 60;
        float[] a = uniform(1, m * k, -1, 1), b = uniform(2, k * n, -1, 1);
        KernelHarness.java().runtimeSetThreads(2);
        float[] shared = KernelHarness.run(KernelHarness.java(), c -> {
            MemorySegment o = c.out(m * n);
            c.k().gemm(false, false, m, n, k, 1f, c.in(a), k, c.in(b), n, 0f, o, n);
            return new float[][] {KernelHarness.arr(o)};
        })[0];
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment o = KernelHarness.out(arena, m * n);
            KernelHarness.java().gemm(false, false, m, n, k, 1f, KernelHarness.seg(arena, a), k, KernelHarness.seg(arena, b), n, 0f,
                    o, n);
            assertClose(KernelHarness.toDouble(shared), KernelHarness.arr(o), 0, 0, "confined vs shared");
        }
    }

    static Stream<Arguments> transposeShapes() {
        return Stream.of(new int[][] {{0, 3}, {3, 0}, {1, 1}, {1, 7}, {7, 1}, {5, 9}, {33, 65}, {100, 37}, {317, 320}})
                .map(s -> Arguments.of(s[0], s[1]));
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("transposeShapes")
    void transpose(int rows, int cols) {
        float[] x = uniform(rows * 31L + cols, rows * cols, -1, 1);
        float[] got = both("transpose", 0, 0, c -> {
            MemorySegment o = c.out(rows * cols);
            c.k().gemmTranspose(rows, cols, c.in(x), o);
            return new float[][] {KernelHarness.arr(o)};
        })[0];
        double[] ref = new double[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) ref[c * rows + r] = x[r * cols + c];
        assertClose(ref, got, 0, 0, "transpose");
    }

    @Test
    void threadsSetting() {
        Kernels j = KernelHarness.java();
        j.runtimeSetThreads(3);
        assertEquals(3, j.runtimeThreads());
        j.runtimeSetThreads(1);
        assertEquals(1, j.runtimeThreads());
        assertTrue(j.runtimeBlasInfo().contains("Java"), j.runtimeBlasInfo());
        assertEquals("java", j.name());
    }
}

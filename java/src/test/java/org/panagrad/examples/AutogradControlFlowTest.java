package org.panagrad.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.panagrad.TestSupport.assertClose;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.panagrad.Tensor;

/** Tutorial 001 retold: 4x, the notebook's control-flow run (1024 on the picked element), norm and sum. */
class AutogradControlFlowTest {

    @Test
    void twoXSquaredHasGradientFourX() {
        AutogradControlFlow.Basics b = AutogradControlFlow.basics();
        assertArrayEquals(new float[] {0, 0, 0, 0}, b.gradBefore(), "attachGrad starts from zeros");
        assertArrayEquals(new float[] {2, 8, 18, 32}, b.y());
        assertArrayEquals(new float[] {4, 8, 12, 16}, b.gradAfter());
        assertEquals("MulBackward", b.yGradFn());
    }

    @Test
    void notebookInputDoublesTenTimesAndPicksTheFirstElement() {
        AutogradControlFlow.Result r = AutogradControlFlow.run(Tensor.of(0.9273255f, -0.45468742f));
        // The notebook printed nine doublings inside the loop (norms 4.13 ... 1057.59) after the first b = 2a.
        assertEquals(9, r.trace().size());
        assertEquals(10, r.doublings());
        assertEquals(0, r.picked());
        assertEquals(949.5813f, r.c(), 1e-3f);
        assertArrayEquals(new float[] {1024, 0}, r.aGrad());
        assertEquals(1024f, r.cOverA()[0], 1e-3f);
        assertEquals(-2088.4265f, r.cOverA()[1], 1e-2f);
        // The sums and norms the notebook printed inside the loop.
        assertClose(new float[] {1.8905523f, 3.7811046f, 7.562209f, 15.124418f, 30.248837f, 60.497673f, 120.995346f, 241.99069f,
                483.98138f}, r.sums(), 1e-6, 0, "sums");
        assertClose(new float[] {4.1311946f, 8.262389f, 16.524778f, 33.049557f, 66.09911f, 132.19823f, 264.39645f, 528.7929f,
                1057.5858f}, r.norms(), 1e-6, 0, "norms");
        assertTrue(r.trace().get(0).contains("sum 1.8905"), r.trace().get(0));
    }

    @Test
    void negativeSumPicksTheSecondElement() {
        // |a| = 0.5099: 2^11 is the first power that lifts the norm past 1000.
        AutogradControlFlow.Result r = AutogradControlFlow.run(Tensor.of(0.1f, -0.5f));
        assertEquals(1, r.picked());
        assertEquals(11, r.doublings());
        assertArrayEquals(new float[] {0, 2048}, r.aGrad());
        assertEquals(-1024f, r.c());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void gradientIsThePowerOfTwoOnThePickedElement(long seed) {
        AutogradControlFlow.Result r = AutogradControlFlow.run(seed);
        float[] a = r.a();
        double scale = Math.pow(2, r.doublings());
        double norm = Math.hypot(a[0], a[1]);
        assertTrue(norm * scale >= AutogradControlFlow.NORM_LIMIT && norm * scale / 2 < AutogradControlFlow.NORM_LIMIT,
                "stops at the first doubling whose norm reaches 1000: |a| = " + norm + ", 2^" + r.doublings());
        assertEquals(a[0] + a[1] >= 0 ? 0 : 1, r.picked(), "branch on the sign of the sum");
        int p = r.picked();
        assertEquals((float) scale, r.aGrad()[p]);
        assertEquals(0f, r.aGrad()[1 - p]);
        assertEquals((float) (a[p] * scale), r.c(), Math.abs(r.c()) * 1e-6f);
        assertEquals(r.aGrad()[p], r.cOverA()[p], Math.abs(r.cOverA()[p]) * 1e-5f, "c / a on the picked element");
        assertEquals(r.doublings() - 1, r.trace().size());
    }

    @Test
    void normAndSumOfTheSideNote() {
        AutogradControlFlow.NormAndSum ns = AutogradControlFlow.normAndSum();
        assertEquals(9.695359f, ns.norm(), 1e-5f);
        assertEquals(ns.normByHand(), ns.norm(), 1e-5f);
        assertEquals(18f, ns.sum());
    }

    @Test
    void fRejectsInputsOfTheWrongShape() {
        var e = assertThrows(IllegalArgumentException.class, () -> AutogradControlFlow.f(Tensor.zeros(3), null, null, null));
        assertEquals("AutogradControlFlow.f: expected a 1-D tensor of 2 elements, got shape [3]", e.getMessage());
    }
}

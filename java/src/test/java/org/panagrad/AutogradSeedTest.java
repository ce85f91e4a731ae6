package org.panagrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The numbers of the seed notebooks (MXNet autograd, PyTorch Variable/backward), reproduced. */
class AutogradSeedTest {

    @Test
    void twoXSquaredHasGradientFourX() {
        Tensor x = Tensor.of(new float[][] {{1, 2}, {3, 4}});
        x.attachGrad();
        assertArrayEquals(new float[] {0, 0, 0, 0}, x.grad().toFloatArray());
        Tensor y = x.mul(x).mul(2);
        assertArrayEquals(new float[] {2, 8, 18, 32}, y.toFloatArray());
        assertEquals("MulBackward", y.gradFn());
        y.backward(); // non-scalar: sum().backward(), as Gluon
        assertArrayEquals(new float[] {4, 8, 12, 16}, x.grad().toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3, 4}, x.toFloatArray(), "backward must not change x");
    }

    /** Doubles until the norm reaches 1000, then picks an element by the sign of the sum (seed 001). */
    static Tensor doubleUntilLarge(Tensor a) {
        Tensor b = a.mul(2);
        while (b.norm().item() < 1000) b = b.mul(2);
        return b.sum().item() >= 0 ? b.get(0) : b.get(1);
    }

    @Test
    void controlFlowRecordsOnlyWhatRan() {
        Tensor a = Tensor.of(0.9273255f, -0.45468742f).attachGrad();
        Tensor c = doubleUntilLarge(a);
        assertEquals(949.5813f, c.item(), 1e-3f);
        c.backward();
        assertArrayEquals(new float[] {1024, 0}, a.grad().toFloatArray());
        // c is linear in a: the gradient equals c / a on the picked element.
        assertEquals(c.item() / a.getFloat(0), a.grad().getFloat(0), 1e-3f);
    }

    @Test
    void controlFlowTakesTheOtherBranch() {
        Tensor a = Tensor.of(-0.9273255f, 0.45468742f).attachGrad();
        Tensor c = doubleUntilLarge(a);
        c.backward();
        assertArrayEquals(new float[] {0, 1024}, a.grad().toFloatArray());
    }

    @Test
    void polynomialWithHeadGradient() {
        Tensor x = Tensor.full(12.5f, 4, 4).requiresGrad(true);
        Tensor fn = x.mul(x).mul(2).add(x.mul(5)).add(6);
        fn.backward(Tensor.ones(4, 4));
        float[] g = x.grad().toFloatArray();
        for (float v : g) assertEquals(55f, v, 0f);
    }

    @Test
    void handWrittenSgdMatchesTheNotebook() {
        float[] xs = {11, 22, 33}, ys = {21, 14, 64};
        Tensor w = Tensor.of(1f).requiresGrad(true);
        float[] expectedGrad = {-220f, 2481.6001f, -51303.6484f};
        float[] expectedLoss = {100f, 3180.9602f, 604238.8125f};
        for (int i = 0; i < 3; i++) {
            Tensor pred = w.mul(xs[i]);
            Tensor l = pred.sub(ys[i]).mul(pred.sub(ys[i]));
            l.backward();
            assertEquals(expectedGrad[i], w.grad().item(), Math.abs(expectedGrad[i]) * 1e-6f);
            assertEquals(expectedLoss[i], l.item(), expectedLoss[i] * 1e-6f);
            try (var g = Autograd.noGrad()) {
                w.set(w.sub(w.grad().mul(0.01f)));
            }
            w.zeroGrad();
        }
    }

    @Test
    void gradientsAccumulateUntilZeroed() {
        Tensor w = Tensor.of(1f).requiresGrad(true);
        Tensor x = Tensor.of(11f);
        for (int i = 1; i <= 3; i++) {
            Tensor l = w.mul(x).sub(21f).pow(2);
            l.backward();
            assertEquals(-220f * i, w.grad().item(), 1e-3f, "after " + i + " backward passes without zeroGrad");
        }
        w.zeroGrad();
        assertEquals(0f, w.grad().item());
        w.mul(x).sub(21f).pow(2).backward();
        assertEquals(-220f, w.grad().item(), 1e-3f);
    }

    @Test
    void mxnetVariableExample() {
        Tensor x1 = TestSupport.random(1, 1, 12, 23).requiresGrad(true);
        Tensor x2 = TestSupport.random(2, 1, 12, 23).requiresGrad(true);
        Tensor x3 = TestSupport.random(3, 1, 12, 23).requiresGrad(true);
        x1.mul(x2); // computed but unused: must not affect anything
        Tensor d = x3.add(12);
        Tensor e = d.sum();
        e.backward();
        double expected = 12 * 12 * 23;
        for (float v : x3.toFloatArray()) expected += v;
        assertEquals(expected, e.item(), 1e-2);
        for (float v : x3.grad().toFloatArray()) assertEquals(1f, v);
        assertNull(x1.grad(), "x1 did not contribute to e");
    }

    @Test
    void normAndSumOfTheNotebook() {
        Tensor x = Tensor.of(new float[][] {{2, 4}, {7, 5}});
        assertEquals(Math.sqrt(94), x.norm().item(), 1e-5);
        assertEquals(18f, x.sum().item());
    }
}

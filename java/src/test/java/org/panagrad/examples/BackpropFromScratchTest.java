package org.panagrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.panagrad.TestSupport.assertClose;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;
import org.panagrad.TestSupport;
import org.panagrad.data.Batch;
import org.panagrad.data.FashionMnist;
import org.panagrad.nn.Linear;

/**
 * Tutorial 004 retold: softmax and cross-entropy by hand match the notebook and the library, hand-written
 * gradients match autograd, random search and refinement keep their best, and hand-written gradient descent
 * lowers the loss and beats them. Reduced sizes keep it to seconds.
 */
class BackpropFromScratchTest {
    private static final BackpropFromScratch.Settings SMALL = new BackpropFromScratch.Settings(3000, 1000, 3, 6, 2);
    private static final Path MISSING = Path.of("/nonexistent/fashion-mnist");

    @Test
    void softmaxAndCrossEntropyByHandMatchTheNotebook() {
        // The notebook (numpy): softmax([1, 2, 3, 4]) and −log of its last entry; PyTorch gives the same (examples_reference.py).
        float[] expected = {0.0320586f, 0.08714432f, 0.23688282f, 0.64391426f};
        Tensor p = BackpropFromScratch.softmaxByHand(Tensor.of(1, 2, 3, 4));
        assertClose(expected, p.toFloatArray(), 1e-6, 1e-7, "softmax by hand");
        assertEquals(0.44018969856119544, BackpropFromScratch.crossEntropyByHand(p, Tensor.of(0, 0, 0, 1)).item(), 1e-6);
    }

    static Stream<Arguments> sources() {
        return Stream.of(Arguments.of(1L, FashionMnist.DEFAULT_DIR), Arguments.of(2L, MISSING));
    }

    @ParameterizedTest
    @MethodSource("sources")
    void theTutorialInSmall(long seed, Path dir) {
        BackpropFromScratch.Result r = BackpropFromScratch.run(seed, SMALL, dir);
        assertEquals(FashionMnist.isAvailable(dir), r.fashionMnist());
        assertClose(r.softmaxBuiltin(), r.softmax(), 1e-6, 1e-7, "softmax by hand vs softmax(0)");
        assertEquals(r.crossEntropyBuiltin(), r.crossEntropy(), 1e-6f);
        assertEquals(0.4401897f, r.crossEntropyBuiltin(), 1e-6f);

        // Random search keeps the lowest loss; refinement only ever accepts improvements on it.
        assertEquals(3, r.searchLosses().length);
        float searchMin = Float.POSITIVE_INFINITY;
        for (float l : r.searchLosses()) searchMin = Math.min(searchMin, l);
        assertEquals(searchMin, r.searchBest());
        float refineMin = r.searchBest();
        for (float l : r.refineLosses()) refineMin = Math.min(refineMin, l);
        assertEquals(refineMin, r.refineBest());
        assertTrue(r.refineBest() <= r.searchBest());
        assertTrue(r.searchBest() > 2, "N(0, 1) weights give confident, mostly wrong answers: loss " + r.searchBest());

        // Hand-written gradients are autograd's, for one layer and through the chain rule.
        assertTrue(r.handVsAutograd().max() < 1e-6f, "dense layer: " + r.handVsAutograd().max());
        assertTrue(r.chainRule().max() < 1e-6f, "two layers: " + Arrays.toString(r.chainRule().weights())
                + Arrays.toString(r.chainRule().biases()));

        float[] l = r.trainLosses();
        assertEquals(2, l.length);
        assertTrue(l[1] < l[0], "gradient descent lowers the training loss: " + Arrays.toString(l));
        assertTrue(l[0] < r.searchBest(), "even the first epoch is far below random search: " + l[0] + " vs " + r.searchBest());
        if (r.fashionMnist()) {
            assertTrue(l[0] < Math.log(10), "first epoch's mean loss below guessing (ln 10): " + l[0]);
            assertTrue(r.trainedAccuracy() > 0.6f, "accuracy after 2 epochs on 3000 images " + r.trainedAccuracy());
            assertTrue(r.trainedAccuracy() > r.refineAccuracy() + 0.2f,
                    "gradients beat random search: " + r.trainedAccuracy() + " vs " + r.refineAccuracy());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {3, 4, 5})
    void denseLayerGradientsByHandEqualAutograd(long seed) {
        Panagrad.manualSeed(seed);
        Linear net = new Linear(20, 7);
        Tensor x = TestSupport.random(seed, 2f, 9, 20);
        float[] labels = new float[9];
        for (int i = 0; i < 9; i++) labels[i] = (i * 5 + seed) % 7;
        BackpropFromScratch.GradientCheck c = BackpropFromScratch.checkDenseGradients(net, new Batch(x, Tensor.of(labels)));
        assertTrue(c.max() < 1e-6f, "max |hand − autograd| " + c.max());
        BackpropFromScratch.GradientCheck two = BackpropFromScratch.checkTwoLayerGradients(
                new Batch(TestSupport.random(seed + 1, 1f, 5, 784), Tensor.of(0, 9, 3, 3, 7)));
        assertEquals(2, two.weights().length);
        assertTrue(two.max() < 1e-6f, "two layers: max |hand − autograd| " + two.max());
    }

    @Test
    void deltaCrossEntropyByHand() {
        // One sample, scores [0, 0], class 1: softmax [½, ½] minus one-hot [0, 1] is [½, −½].
        Tensor d = BackpropFromScratch.deltaCrossEntropy(Tensor.of(new float[][] {{0, 0}, {0, 0}}), Tensor.of(1, 0));
        assertClose(new float[] {0.25f, -0.25f, -0.25f, 0.25f}, d.toFloatArray(), 0, 1e-7, "(softmax − onehot) / n");
        Tensor dw = BackpropFromScratch.deltaMatrixMul(d, Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}}));
        // dW = dᵀ·X: row 0 = 0.25·[1,2,3] − 0.25·[4,5,6]
        assertClose(new float[] {-0.75f, -0.75f, -0.75f, 0.75f, 0.75f, 0.75f}, dw.toFloatArray(), 0, 1e-6, "dW");
        assertClose(new float[] {0, 0}, BackpropFromScratch.deltaBias(d).toFloatArray(), 0, 1e-7, "db");
    }

    @Test
    void settingsRejectNonPositiveCounts() {
        var e = assertThrows(IllegalArgumentException.class, () -> new BackpropFromScratch.Settings(10, 10, 0, 1, 1));
        assertEquals("BackpropFromScratch.Settings: every count must be >= 1, got 10, 10, 0, 1, 1", e.getMessage());
    }
}

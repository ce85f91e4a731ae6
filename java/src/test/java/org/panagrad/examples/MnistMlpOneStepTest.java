package org.panagrad.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.panagrad.Tensor;
import org.panagrad.data.FashionMnist;
import org.panagrad.loss.CrossEntropyLoss;
import org.panagrad.loss.NLLLoss;
import org.panagrad.loss.Reduction;

/**
 * Tutorial 002 retold: CrossEntropyLoss equals LogSoftmax + NLLLoss, the autograd demo gives x/2, and the SGD step
 * is exactly {@code w − lr·grad} and lowers the batch's loss. Runs on Fashion-MNIST when installed and always on
 * the random stand-in images.
 */
class MnistMlpOneStepTest {

    static Stream<Arguments> sources() {
        Path missing = Path.of("/nonexistent/fashion-mnist");
        return Stream.of(Arguments.of(1L, FashionMnist.DEFAULT_DIR), Arguments.of(2L, missing), Arguments.of(3L, missing));
    }

    @ParameterizedTest
    @MethodSource("sources")
    void oneStepOfTheTutorial(long seed, Path dir) {
        MnistMlpOneStep.Result r = MnistMlpOneStep.run(seed, dir);
        assertEquals(FashionMnist.isAvailable(dir), r.fashionMnist());
        assertArrayEquals(new int[] {64, 1, 28, 28}, r.imagesShape());
        assertArrayEquals(new int[] {64}, r.labelsShape());
        assertArrayEquals(new int[] {64, 784}, r.flatShape());
        assertArrayEquals(new int[] {64, 10}, r.scoresShape());

        // Same weights, same batch: CrossEntropyLoss(logits) == NLLLoss(LogSoftmax(logits)).
        assertEquals(r.crossEntropy(), r.logSoftmaxNll(), 1e-5f);
        // An untrained network is close to guessing: about ln 10.
        assertEquals(Math.log(10), r.crossEntropy(), 0.25);

        float total = 0;
        for (float p : r.probabilities()) {
            assertTrue(p > 0.03f && p < 0.3f, "untrained: every class near 10%, got " + p);
            total += p;
        }
        assertEquals(1f, total, 1e-5f, "probabilities sum to 1");

        for (int i = 0; i < 4; i++) assertEquals(r.x()[i] / 2, r.xGrad()[i], 1e-6f, "d mean(x^2)/dx = x/2");
        assertEquals("PowBackward", r.yGradFn());
        assertEquals("MeanBackward", r.zGradFn());

        assertFalse(r.gradBeforeBackward(), "no gradient before the first backward()");
        for (int i = 0; i < 5; i++) {
            assertEquals(r.weightBefore()[i] - MnistMlpOneStep.LEARNING_RATE * r.grad()[i], r.weightAfter()[i], 1e-7f,
                    "SGD: w' = w - lr * grad, element " + i);
        }
        assertTrue(r.lossAfter() < r.lossBefore(), "one step lowers the loss of its batch: " + r.lossBefore() + " -> " + r.lossAfter());
    }

    @Test
    void sameSeedSameRun() {
        Path missing = Path.of("/nonexistent/fashion-mnist");
        MnistMlpOneStep.Result a = MnistMlpOneStep.run(5, missing), b = MnistMlpOneStep.run(5, missing);
        assertEquals(a.crossEntropy(), b.crossEntropy());
        assertArrayEquals(a.weightAfter(), b.weightAfter());
    }

    @Test
    void crossEntropyIsLogSoftmaxThenNllPerSample() {
        // The identity the example relies on, sample by sample, on logits far from zero.
        Tensor logits = Tensor.of(new float[][] {{1, 2, 3, 4}, {-20, 0, 20, 5}, {0.5f, 0.5f, 0.5f, 0.5f}});
        Tensor labels = Tensor.of(3, 0, 2);
        float[] ce = new CrossEntropyLoss(Reduction.NONE).forward(logits, labels).toFloatArray();
        float[] nll = new NLLLoss(Reduction.NONE).forward(logits.logSoftmax(1), labels).toFloatArray();
        assertArrayEquals(ce, nll, 1e-5f);
        assertEquals(0.44018969f, ce[0], 1e-6f);
        assertEquals(40f, ce[1], 1e-4f);
        assertEquals((float) Math.log(4), ce[2], 1e-6f);
    }
}

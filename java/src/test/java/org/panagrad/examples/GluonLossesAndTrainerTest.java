package org.panagrad.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.panagrad.TestSupport.assertClose;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.panagrad.Tensor;
import org.panagrad.loss.L1Loss;
import org.panagrad.loss.L2Loss;
import org.panagrad.loss.Reduction;

/** Tutorial 000 retold: the losses agree with their hand-written forms and the notebook, autograd and the Trainer step are exact. */
class GluonLossesAndTrainerTest {

    /** The notebook's network output (Gluon's random Dense(1)) and the losses it printed for it. */
    private static final float[] NOTEBOOK_OUTPUT = {0.00820068f, 0.00382698f, 0.02050169f, 0.00492041f, 0.00608217f};
    private static final float[] NOTEBOOK_L2 = {4.9326903e-09f, 2.4373411e-11f, 5.8656311e-09f, 4.3792128e-10f, 4.7380531e-08f};
    private static final float[] NOTEBOOK_L1 = {9.9324621e-05f, 6.9818925e-06f, 1.0831095e-04f, 2.9594637e-05f, 3.0783284e-04f};

    @Test
    void lossesReproduceTheNotebookOnItsOwnOutput() {
        Tensor out = Tensor.of(NOTEBOOK_OUTPUT).reshape(5, 1);
        Tensor label = Tensor.of(GluonLossesAndTrainer.LABELS).reshape(5, 1);
        // The notebook printed the outputs to 6 significant digits, so the differences it squares carry up to ~1e-3 relative error.
        assertClose(NOTEBOOK_L2, new L2Loss(Reduction.NONE).forward(out, label).toFloatArray(), 3e-3, 0, "L2Loss");
        assertClose(NOTEBOOK_L2, GluonLossesAndTrainer.l2ByHand(out, label).toFloatArray(), 3e-3, 0, "L2 by hand");
        assertClose(NOTEBOOK_L1, new GluonLossesAndTrainer.AbsoluteError().forward(out, label).toFloatArray(), 1e-3, 0, "custom L1");
        assertClose(NOTEBOOK_L1, new L1Loss(Reduction.NONE).forward(out, label).reshape(5).toFloatArray(), 1e-3, 0, "L1Loss");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 42, 2020})
    void handWrittenAndCustomLossesEqualTheBuiltIns(long seed) {
        GluonLossesAndTrainer.Result r = GluonLossesAndTrainer.run(seed);
        assertClose(r.l2(), r.l2ByHand(), 1e-6, 1e-12, "L2 by hand vs L2Loss");
        assertArrayEquals(r.l1(), r.l1Custom(), "custom L1 vs L1Loss");
        for (int i = 0; i < 5; i++) {
            double d = (double) r.output()[i] - GluonLossesAndTrainer.LABELS[i];
            assertEquals(0.5 * d * d, r.l2()[i], 1e-5 * 0.5 * d * d + 1e-12, "L2 sample " + i);
            assertEquals(Math.abs(d), r.l1()[i], 1e-6 * Math.abs(d) + 1e-9, "L1 sample " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 42, 2020})
    void autogradGivesFourXAndTheInputGradient(long seed) {
        GluonLossesAndTrainer.Result r = GluonLossesAndTrainer.run(seed);
        assertArrayEquals(new float[] {1, 2, 3, 4}, r.x());
        assertArrayEquals(new float[] {4, 8, 12, 16}, r.xGrad(), "d/dx 2x^2 = 4x");
        // d/dx_i of sum_j ½(w·x_j + b − label_j)² is (w·x_i + b − label_i)·w.
        double expectedWeightGrad = 0;
        for (int i = 0; i < 5; i++) {
            double out = (double) r.weightBefore() * GluonLossesAndTrainer.INPUT[i] + r.biasBefore();
            double d = out - GluonLossesAndTrainer.LABELS[i];
            assertEquals(out, r.output()[i], 1e-6, "output " + i);
            assertEquals(d * r.weightBefore(), r.inputGrad()[i], 1e-5 * Math.abs(d * r.weightBefore()) + 1e-9, "input grad " + i);
            expectedWeightGrad += d * GluonLossesAndTrainer.INPUT[i];
        }
        assertEquals(expectedWeightGrad, r.weightGrad(), 1e-5 * Math.abs(expectedWeightGrad) + 1e-8, "weight grad");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 42, 2020})
    void trainerStepIsAdamOnTheBatchAveragedGradient(long seed) {
        GluonLossesAndTrainer.Result r = GluonLossesAndTrainer.run(seed);
        // Adam's first step: m̂ = g, v̂ = g², so p −= lr·g/(|g| + eps), with g = grad/batch + wd·p.
        double g = r.weightGrad() / 5.0 + GluonLossesAndTrainer.WEIGHT_DECAY * (double) r.weightBefore();
        double expected = r.weightBefore() - GluonLossesAndTrainer.LEARNING_RATE * g / (Math.abs(g) + 1e-8);
        assertEquals(expected, r.weightAfter(), 1e-6, "weight after Trainer.step(5)");
        assertEquals(GluonLossesAndTrainer.LEARNING_RATE, Math.abs(r.weightAfter() - r.weightBefore()), 1e-4,
                "Adam's first step moves the weight by about lr");
    }

    @Test
    void customLossRejectsMismatchedShapes() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new GluonLossesAndTrainer.AbsoluteError().forward(Tensor.zeros(5, 1), Tensor.zeros(5)));
        assertEquals("AbsoluteError: prediction [5, 1] and target [5] must have the same shape (reshape the target to [5, 1])",
                e.getMessage());
    }
}

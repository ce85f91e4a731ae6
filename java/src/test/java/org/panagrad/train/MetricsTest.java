package org.panagrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.panagrad.Tensor;

/** Accuracy and MeanLoss against counts done by hand. */
class MetricsTest {

    @Test
    void multiClassAccuracyUsesRowArgmax() {
        var acc = new Accuracy();
        assertTrue(Double.isNaN(acc.value()), "NaN before the first update");
        // Row argmaxes: 2, 0, 1, 1. Labels 2, 0, 0, 1: rows 0, 1 and 3 are right.
        Tensor logits = Tensor.of(new float[][] {
                {0.1f, -1f, 3f},
                {5f, 4f, -2f},
                {0f, 0.5f, 0.25f},
                {-3f, -1f, -2f}});
        acc.update(logits, Tensor.of(2, 0, 0, 1));
        assertEquals(3, acc.correct());
        assertEquals(4, acc.count());
        assertEquals(0.75, acc.value(), 0);
        // A second batch with [N, 1] labels accumulates: 1 of 2 right, so 4 of 6.
        acc.update(Tensor.of(new float[][] {{1f, 2f, 0f}, {1f, 2f, 0f}}), Tensor.of(new float[][] {{1f}, {2f}}));
        assertEquals(4, acc.correct());
        assertEquals(6, acc.count());
        assertEquals(4.0 / 6, acc.value(), 1e-15);
        acc.reset();
        assertEquals(0, acc.count());
        assertTrue(Double.isNaN(acc.value()));
    }

    @Test
    void binaryAccuracyThresholdsProbabilities() {
        // p > 0.5 predicts 1: 0.9->1 (y 1 right), 0.2->0 (y 0 right), 0.6->1 (y 0 wrong), 0.5->0 (y 1 wrong: not > 0.5).
        Tensor p = Tensor.of(new float[][] {{0.9f}, {0.2f}, {0.6f}, {0.5f}});
        Tensor y = Tensor.of(new float[][] {{1f}, {0f}, {0f}, {1f}});
        var acc = new Accuracy();
        acc.update(p, y);
        assertEquals(2, acc.correct());
        assertEquals(0.5, acc.value(), 0);
        // Threshold 0.4 turns the last one right; [N] shapes work too.
        var low = new Accuracy(0.4f);
        low.update(Tensor.of(0.9f, 0.2f, 0.6f, 0.5f), Tensor.of(1, 0, 0, 1));
        assertEquals(3, low.correct());
        // Threshold 0.95: everything predicts 0, so only the y == 0 rows are right.
        var high = new Accuracy(0.95f);
        high.update(p, y);
        assertEquals(2, high.correct());
    }

    @Test
    void accuracyRejectsMismatchedSizesBeforeCounting() {
        var acc = new Accuracy();
        var e = assertThrows(IllegalArgumentException.class, () -> acc.update(Tensor.zeros(4, 3), Tensor.zeros(3)));
        assertTrue(e.getMessage().contains("Accuracy") && e.getMessage().contains("[4, 3]") && e.getMessage().contains("[3]"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> acc.update(Tensor.zeros(4, 1), Tensor.zeros(4, 2)));
        var rank3 = assertThrows(IllegalArgumentException.class, () -> acc.update(Tensor.zeros(2, 3, 4), Tensor.zeros(2)));
        assertTrue(rank3.getMessage().contains("[2, 3, 4]"), rank3.getMessage());
        assertEquals(0, acc.count(), "a rejected batch is not counted");
    }

    @Test
    void meanLossIsWeightedByBatchSize() {
        var m = new MeanLoss();
        assertTrue(Double.isNaN(m.value()));
        // Two full batches of 16 and a short last batch of 8: (0.5*16 + 1*16 + 2*8) / 40 = 1.0, not the
        // unweighted mean of batch means (3.5 / 3).
        m.update(0.5, 16);
        m.update(1.0, 16);
        m.update(2.0, 8);
        assertEquals(40, m.count());
        assertEquals(1.0, m.value(), 1e-15);
        m.reset();
        assertEquals(0, m.count());
        assertTrue(Double.isNaN(m.value()));
        m.update(0.25, 3);
        assertEquals(0.25, m.value(), 1e-15);
        var e = assertThrows(IllegalArgumentException.class, () -> m.update(1.0, 0));
        assertTrue(e.getMessage().contains("MeanLoss") && e.getMessage().contains("0"), e.getMessage());
        assertEquals(3, m.count());
    }
}

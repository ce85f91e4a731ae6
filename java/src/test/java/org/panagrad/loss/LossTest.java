package org.panagrad.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.panagrad.TestSupport.assertClose;
import static org.panagrad.TestSupport.awayFromZero;
import static org.panagrad.TestSupport.positive;
import static org.panagrad.TestSupport.random;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.panagrad.GradCheck;
import org.panagrad.MemoryScope;
import org.panagrad.Tensor;

/** Losses against finite differences, custom subclasses, sample weights and bad input. */
class LossTest {

    /** A loss with a prediction (requires grad), target and per-sample weight; fresh tensors on every call. */
    record Case(String name, Supplier<Loss> loss, Supplier<Tensor[]> inputs) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Tensor labels(long seed, int n, int classes) {
        var r = new java.util.SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = r.nextInt(classes);
        return Tensor.of(v);
    }

    static Tensor signs(long seed, int... shape) {
        var r = new java.util.SplittableRandom(seed);
        float[] v = new float[(int) Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = r.nextBoolean() ? 1f : -1f;
        return Tensor.fromArray(v, shape);
    }

    static Stream<Case> cases() {
        List<Case> cs = new ArrayList<>();
        for (Reduction r : Reduction.values()) {
            for (long seed : new long[] {1, 2}) {
                long s = seed * 100;
                // L1's kink at pred == target: keep them apart.
                cs.add(new Case("L1Loss " + r + " seed " + seed, () -> new L1Loss(r), () -> {
                    Tensor t = random(s, 2, 4, 3);
                    return new Tensor[] {t.add(awayFromZero(s + 1, 0.1f, 1f, 4, 3)), t, positive(s + 2, 0.5f, 2f, 4)};
                }));
                cs.add(new Case("MSELoss " + r + " seed " + seed, () -> new MSELoss(r),
                        () -> new Tensor[] {random(s + 3, 2, 4, 3), random(s + 4, 2, 4, 3), positive(s + 5, 0.5f, 2f, 4)}));
                cs.add(new Case("L2Loss " + r + " seed " + seed, () -> new L2Loss(r),
                        () -> new Tensor[] {random(s + 6, 2, 4, 2, 3), random(s + 7, 2, 4, 2, 3), positive(s + 8, 0.5f, 2f, 4)}));
                cs.add(new Case("BCELoss " + r + " seed " + seed, () -> new BCELoss(r),
                        () -> new Tensor[] {positive(s + 9, 0.1f, 0.9f, 4, 3), positive(s + 10, 0f, 1f, 4, 3), positive(s + 11, 0.5f, 2f, 4)}));
                cs.add(new Case("BCEWithLogitsLoss " + r + " seed " + seed, () -> new BCEWithLogitsLoss(r),
                        () -> new Tensor[] {random(s + 12, 4, 4, 3), positive(s + 13, 0f, 1f, 4, 3), positive(s + 14, 0.5f, 2f, 4)}));
                cs.add(new Case("BCEWithLogitsLoss posWeight " + r + " seed " + seed,
                        () -> new BCEWithLogitsLoss(r, Tensor.of(0.5f, 2f, 3f)),
                        () -> new Tensor[] {random(s + 15, 4, 4, 3), positive(s + 16, 0f, 1f, 4, 3), positive(s + 17, 0.5f, 2f, 4)}));
                cs.add(new Case("CrossEntropyLoss " + r + " seed " + seed, () -> new CrossEntropyLoss(r),
                        () -> new Tensor[] {random(s + 18, 3, 5, 4), labels(s + 19, 5, 4), positive(s + 20, 0.5f, 2f, 5)}));
                cs.add(new Case("NLLLoss " + r + " seed " + seed, () -> new NLLLoss(r),
                        () -> new Tensor[] {random(s + 21, 3, 5, 4), labels(s + 22, 5, 4), positive(s + 23, 0.5f, 2f, 5)}));
                // Hinge's kink at pred * label == margin: keep |pred| away from 1.
                cs.add(new Case("HingeLoss " + r + " seed " + seed, () -> new HingeLoss(r), () -> {
                    Tensor p = awayFromZero(s + 24, 0.1f, 0.8f, 4, 3).add(signs(s + 25, 4, 3).mul(1f));
                    return new Tensor[] {p, signs(s + 26, 4, 3), positive(s + 27, 0.5f, 2f, 4)};
                }));
            }
        }
        return cs.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(Case c) {
        Loss loss = c.loss().get();
        Tensor[] in = c.inputs().get();
        in[0].requiresGrad(true);
        GradCheck.Result r = GradCheck.check(x -> loss.forward(x[0], x[1]), 1e-3, 2e-3, 2e-2, in[0], in[1]);
        assertTrue(r.passed(), c + ": " + r);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void weightedGradientMatchesFiniteDifferencesForPredictionAndWeight(Case c) {
        Loss loss = c.loss().get();
        Tensor[] in = c.inputs().get();
        in[0].requiresGrad(true);
        in[2].requiresGrad(true);
        GradCheck.Result r = GradCheck.check(x -> loss.forward(x[0], x[1], x[2]), 1e-3, 2e-3, 2e-2, in);
        assertTrue(r.passed(), c + ": " + r);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void perSampleWeightEqualsWeightingTheUnreducedLoss(Case c) {
        Tensor[] in = c.inputs().get();
        Loss none = c.loss().get() instanceof BCEWithLogitsLoss b && b.posWeight() != null
                ? new BCEWithLogitsLoss(Reduction.NONE, b.posWeight()) : noneOf(c.loss().get());
        Loss reduced = c.loss().get();
        // Weighting by hand: unreduced values times the weight aligned with the batch axis, then the reduction.
        Tensor l = none.forward(in[0], in[1]);
        int[] ws = new int[l.dim()];
        java.util.Arrays.fill(ws, 1);
        ws[0] = in[2].shape(0);
        Tensor byHand = reduced.reduction().apply(l.mul(in[2].reshape(ws)));
        assertClose(byHand.toFloatArray(), reduced.forward(in[0], in[1], in[2]).toFloatArray(), 1e-5, 1e-6, c.toString());
    }

    static Loss noneOf(Loss l) {
        return switch (l) {
            case L1Loss x -> new L1Loss(Reduction.NONE);
            case MSELoss x -> new MSELoss(Reduction.NONE);
            case L2Loss x -> new L2Loss(Reduction.NONE);
            case BCELoss x -> new BCELoss(Reduction.NONE);
            case BCEWithLogitsLoss x -> new BCEWithLogitsLoss(Reduction.NONE);
            case CrossEntropyLoss x -> new CrossEntropyLoss(Reduction.NONE);
            case NLLLoss x -> new NLLLoss(Reduction.NONE);
            case HingeLoss x -> new HingeLoss(x.margin(), Reduction.NONE);
            default -> throw new IllegalArgumentException(l.toString());
        };
    }

    @Test
    void defaultReductionIsMean() {
        for (Loss l : new Loss[] {new L1Loss(), new L2Loss(), new MSELoss(), new BCELoss(), new BCEWithLogitsLoss(),
                new CrossEntropyLoss(), new NLLLoss(), new HingeLoss()}) {
            assertEquals(Reduction.MEAN, l.reduction(), l.toString());
        }
        assertEquals("MSELoss(reduction=SUM)", new MSELoss(Reduction.SUM).toString());
    }

    @Test
    void reductionApply() {
        Tensor x = Tensor.of(1f, 2f, 6f);
        assertEquals(3f, Reduction.MEAN.apply(x).item(), 1e-6);
        assertEquals(9f, Reduction.SUM.apply(x).item(), 1e-6);
        assertArrayEquals(new float[] {1, 2, 6}, Reduction.NONE.apply(x).toFloatArray());
    }

    @Test
    void l2LossIsGluonsHalfMeanPerSample() {
        // Seed 000's check, by hand: np.mean((out - label)**2, axis=1) / 2 per sample.
        Tensor out = Tensor.of(new float[][] {{1f, 3f}, {0f, 0f}, {2f, -1f}});
        Tensor label = Tensor.of(new float[][] {{0f, 1f}, {0f, 2f}, {2f, 1f}});
        float[] perSample = {(1 + 4) / 4f, (0 + 4) / 4f, (0 + 4) / 4f};
        assertClose(perSample, new L2Loss(Reduction.NONE).forward(out, label).toFloatArray(), 1e-6, 0, "NONE");
        assertEquals((1.25f + 1f + 1f) / 3, new L2Loss().forward(out, label).item(), 1e-6);
        assertEquals(1.25f + 1f + 1f, new L2Loss(Reduction.SUM).forward(out, label).item(), 1e-6);
        // MEAN is half of torch's MSE when every sample has the same size.
        assertEquals(new MSELoss().forward(out, label).item() / 2, new L2Loss().forward(out, label).item(), 1e-6);
    }

    @Test
    void hingeByHand() {
        // margin 1: max(0, 1 - 0.5) = 0.5, max(0, 1 - 2) = 0, max(0, 1 + 0.25) = 1.25
        Tensor l = new HingeLoss(Reduction.NONE).forward(Tensor.of(0.5f, -2f, 0.25f), Tensor.of(1f, -1f, -1f));
        assertArrayEquals(new float[] {0.5f, 0f, 1.25f}, l.toFloatArray(), 1e-6f);
        assertEquals(0.3f, new HingeLoss(2f, Reduction.MEAN).forward(Tensor.of(1.7f), Tensor.of(1f)).item(), 1e-6);
    }

    @Test
    void customLossSubclassOverridingOnlyForwardGetsItsBackwardFromAutograd() {
        // Seed 000's custom_L1_loss: |label - pred| per sample.
        Loss custom = new Loss() {
            @Override
            public Tensor forward(Tensor prediction, Tensor target) {
                return target.sub(prediction).abs().reshape(-1);
            }
        };
        Tensor pred = Tensor.of(new float[][] {{1f}, {-2f}, {0.5f}}).requiresGrad(true);
        Tensor label = Tensor.of(new float[][] {{1.5f}, {-3f}, {0f}});
        Tensor l = custom.forward(pred, label);
        assertArrayEquals(new int[] {3}, l.shape());
        assertArrayEquals(new float[] {0.5f, 1f, 0.5f}, l.toFloatArray(), 1e-6f);
        l.backward();
        assertArrayEquals(new float[] {-1f, 1f, 1f}, pred.grad().toFloatArray(), 1e-6f);
        // Same numbers as the built-in L1Loss under NONE (per element; one element per sample here).
        assertArrayEquals(l.toFloatArray(), new L1Loss(Reduction.NONE).forward(pred, label).reshape(-1).toFloatArray(), 1e-6f);
        assertEquals(Reduction.MEAN, custom.reduction());
        GradCheck.Result r = GradCheck.check(in -> custom.forward(in[0], label), 1e-3, 1e-3, 1e-2, pred);
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void customLossWithoutUnreducedRejectsWeightsWithAMessage() {
        Loss custom = new Loss() {
            @Override
            public Tensor forward(Tensor prediction, Tensor target) {
                return prediction.sub(target).pow(2).mean();
            }
        };
        var e = assertThrows(UnsupportedOperationException.class,
                () -> custom.forward(Tensor.of(1f), Tensor.of(2f), Tensor.of(1f)));
        assertTrue(e.getMessage().contains("unreduced()"), e.getMessage());
    }

    @Test
    void customLossImplementingUnreducedGetsReductionAndWeights() {
        Loss cube = new Loss(Reduction.SUM) {
            @Override
            public Tensor forward(Tensor prediction, Tensor target) {
                return reduce(unreduced(prediction, target), null);
            }

            @Override
            protected Tensor unreduced(Tensor prediction, Tensor target) {
                return prediction.sub(target).abs().pow(3);
            }
        };
        Tensor p = Tensor.of(new float[][] {{1f, 2f}, {3f, 4f}});
        Tensor t = Tensor.zeros(2, 2);
        assertEquals(1 + 8 + 27 + 64, cube.forward(p, t).item(), 1e-4);
        assertEquals(2 * (1 + 8) + 0.5 * (27 + 64), cube.forward(p, t, Tensor.of(2f, 0.5f)).item(), 1e-4);
    }

    @Test
    void weightShapes() {
        Tensor p = Tensor.of(new float[][] {{1f, 2f, 3f}, {4f, 5f, 6f}});
        Tensor t = Tensor.zeros(2, 3);
        MSELoss sum = new MSELoss(Reduction.SUM);
        // Per sample [2] == [2, 1]; per column [3] broadcasts numpy-style; full [2, 3] elementwise.
        float perSample = 2 * (1 + 4 + 9) + 3 * (16 + 25 + 36);
        assertEquals(perSample, sum.forward(p, t, Tensor.of(2f, 3f)).item(), 1e-3);
        assertEquals(perSample, sum.forward(p, t, Tensor.of(new float[][] {{2f}, {3f}})).item(), 1e-3);
        assertEquals(1 * 17 + 0 * 29 + 2 * 45, sum.forward(p, t, Tensor.of(1f, 0f, 2f)).item(), 1e-3);
        assertEquals(0, sum.forward(p, t, Tensor.zeros(2, 3)).item(), 0);
        // Weighted NONE keeps the unreduced shape.
        assertArrayEquals(new int[] {2, 3}, new MSELoss(Reduction.NONE).forward(p, t, Tensor.of(2f, 3f)).shape());
        assertArrayEquals(new int[] {2}, new L2Loss(Reduction.NONE).forward(p, t, Tensor.of(2f, 3f)).shape());
        var e = assertThrows(IllegalArgumentException.class, () -> sum.forward(p, t, Tensor.of(1f, 2f, 3f, 4f)));
        assertTrue(e.getMessage().contains("MSELoss") && e.getMessage().contains("[4]") && e.getMessage().contains("[2, 3]"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sum.forward(p, t, Tensor.ones(2, 2, 3)));
    }

    @Test
    void shapeMismatchNamesTheLossAndBothShapes() {
        for (Loss l : new Loss[] {new L1Loss(), new L2Loss(), new MSELoss(), new BCELoss(), new BCEWithLogitsLoss(), new HingeLoss()}) {
            var e = assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.full(0.5f, 4, 1), Tensor.ones(4)));
            String m = e.getMessage();
            assertTrue(m.startsWith(l.getClass().getSimpleName() + ":") && m.contains("[4, 1]") && m.contains("[4]"), m);
        }
    }

    @Test
    void classificationLossesRejectBadShapes() {
        for (Loss l : new Loss[] {new CrossEntropyLoss(), new NLLLoss()}) {
            String name = l.getClass().getSimpleName();
            var e = assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.zeros(4, 3), Tensor.zeros(5)));
            assertTrue(e.getMessage().startsWith(name + ":") && e.getMessage().contains("[4, 3]") && e.getMessage().contains("[5]"),
                    e.getMessage());
            // A 1-D input is not taken as one sample: say how to make it one.
            e = assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.zeros(3), Tensor.zeros(1)));
            assertTrue(e.getMessage().startsWith(name + ":") && e.getMessage().contains("[1, 3]"), e.getMessage());
            // One-hot targets are not class indices.
            e = assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.zeros(4, 3), Tensor.zeros(4, 3)));
            assertTrue(e.getMessage().contains("[4, 3]"), e.getMessage());
        }
    }

    @Test
    void labelsOutOfRangeAreRejectedBeforeAnyKernelWithAClearMessage() {
        for (Loss l : new Loss[] {new CrossEntropyLoss(), new NLLLoss()}) {
            String name = l.getClass().getSimpleName();
            var e = assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.zeros(3, 4), Tensor.of(0f, 4f, 1f)));
            assertTrue(e.getMessage().startsWith(name + ":") && e.getMessage().contains("label 4.0 at index 1")
                    && e.getMessage().contains("[0, 4)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.zeros(3, 4), Tensor.of(0f, -1f, 1f)));
            assertTrue(e.getMessage().contains("label -1.0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.zeros(3, 4), Tensor.of(0f, 1.5f, 1f)));
            assertTrue(e.getMessage().contains("label 1.5"), e.getMessage());
        }
    }

    @Test
    void bceRejectsProbabilitiesOutsideZeroOne() {
        var e = assertThrows(IllegalArgumentException.class, () -> new BCELoss().forward(Tensor.of(0.5f, 1.2f), Tensor.of(1f, 0f)));
        assertTrue(e.getMessage().startsWith("BCELoss:") && e.getMessage().contains("1.2") && e.getMessage().contains("BCEWithLogitsLoss"),
                e.getMessage());
    }

    @Test
    void hingeRejectsZeroOneLabelsAndBadMargin() {
        var e = assertThrows(IllegalArgumentException.class, () -> new HingeLoss().forward(Tensor.of(0.5f, 1f), Tensor.of(1f, 0f)));
        assertTrue(e.getMessage().startsWith("HingeLoss:") && e.getMessage().contains("element 1 is 0.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new HingeLoss(-1f, Reduction.MEAN));
        assertTrue(e.getMessage().contains("margin") && e.getMessage().contains("-1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BCEWithLogitsLoss(Reduction.MEAN, Tensor.of(Float.NaN)));
        assertTrue(e.getMessage().contains("posWeight"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new BCEWithLogitsLoss(Reduction.MEAN, Tensor.of(1f, 2f)).forward(Tensor.zeros(4, 3), Tensor.zeros(4, 3)));
        assertTrue(e.getMessage().startsWith("BCEWithLogitsLoss: posWeight [2]") && e.getMessage().contains("[4, 3]"), e.getMessage());
    }

    @Test
    void nullReductionIsRejected() {
        // Bad input is an IllegalArgumentException naming the class (DESIGN.md), not a bare NullPointerException.
        var e = assertThrows(IllegalArgumentException.class, () -> new MSELoss(null));
        assertEquals("MSELoss: reduction is null; use Reduction.MEAN, SUM or NONE", e.getMessage());
    }

    @Test
    void labelsNeedNoGradAndGetNone() {
        Tensor logits = random(7, 2, 3, 4).requiresGrad(true);
        Tensor y = labels(8, 3, 4);
        new CrossEntropyLoss().forward(logits, y).backward();
        assertNull(y.grad());
        assertArrayEquals(new int[] {3, 4}, logits.grad().shape());
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void crossEntropyEqualsLogSoftmaxThenNll(Reduction r) {
        Tensor x = random(11, 3, 6, 5);
        Tensor y = labels(12, 6, 5);
        assertClose(new NLLLoss(r).forward(x.logSoftmax(1), y).toFloatArray(),
                new CrossEntropyLoss(r).forward(x, y).toFloatArray(), 1e-5, 1e-6, r.toString());
    }

    @Test
    void lossInsideAStepScopeReleasesItsIntermediates() {
        Tensor x = random(13, 2, 8, 3).requiresGrad(true);
        Tensor y = labels(14, 8, 3);
        float value;
        try (var step = MemoryScope.open()) {
            Tensor l = new CrossEntropyLoss().forward(x, y);
            l.backward();
            value = l.item();
            assertTrue(step.size() > 0);
        }
        assertTrue(Float.isFinite(value));
        assertTrue(!x.grad().isReleased(), "the leaf's gradient lives outside the step scope");
    }
}

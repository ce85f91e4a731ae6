package org.panagrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.panagrad.Autograd;
import org.panagrad.Memory;
import org.panagrad.MemoryStats;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;
import org.panagrad.data.Blobs;
import org.panagrad.data.DataLoader;
import org.panagrad.data.TensorDataset;
import org.panagrad.loss.BCELoss;
import org.panagrad.nn.Block;
import org.panagrad.nn.Dropout;
import org.panagrad.nn.Linear;
import org.panagrad.nn.ReLU;
import org.panagrad.nn.Sequential;
import org.panagrad.nn.Sigmoid;
import org.panagrad.optim.Adam;
import org.panagrad.optim.SGD;

/** The Fit loop: the blobs tutorial end to end, evaluation mode and graph, steady-state memory. */
class FitTest {

    /** The blobs tutorial's data: 5000 samples, 2 centers, 64 features, std 10; first 4000 train, last 1000 test. */
    record BlobsData(TensorDataset train, TensorDataset test) {}

    static BlobsData blobs(int trainSize, int testSize) {
        TensorDataset all = Blobs.builder().samples(5000).features(64).centers(2).clusterStd(10).seed(2020).make().dataset();
        int[] trainIdx = new int[trainSize];
        int[] testIdx = new int[testSize];
        for (int i = 0; i < trainSize; i++) trainIdx[i] = i;
        for (int i = 0; i < testSize; i++) testIdx[i] = 4000 + i;
        return new BlobsData(column(all.subset(trainIdx)), column(all.subset(testIdx)));
    }

    /** Labels as [N, 1], the shape of the sigmoid output that BCE compares them with. */
    static TensorDataset column(TensorDataset d) {
        return new TensorDataset(d.features(), d.labels().reshape(d.size(), 1));
    }

    static Block blobsClassifier() {
        return new Sequential(new Linear(64, 256), new ReLU(), new Linear(256, 1024), new ReLU(), new Linear(1024, 1),
                new Sigmoid());
    }

    @Test
    void blobsTutorialReaches99PercentAndRecordsHistory() {
        Panagrad.manualSeed(2020);
        BlobsData data = blobs(4000, 1000);
        Block model = blobsClassifier();
        var loss = new BCELoss();
        DataLoader train = DataLoader.builder(data.train()).batchSize(16).shuffle(true).seed(2020).build();
        DataLoader test = DataLoader.builder(data.test()).batchSize(1000).build();
        List<EpochStats> seen = new ArrayList<>();
        // One epoch is enough (about 99.3%); a second one overfits towards the 99% line (test loss rises).
        History h = Fit.of(model, loss, new Adam(model.parameters(), 1e-3)).validation(test).progressBar(false)
                .onEpoch(seen::add).run(train);
        System.out.println("blobs tutorial: " + h.epochs());

        assertEquals(1, h.epochs().size());
        assertEquals(seen, h.epochs(), "the listener saw the epoch as it ended");
        EpochStats s = h.last();
        assertEquals(1, s.epoch());
        assertTrue(Double.isFinite(s.trainLoss()) && s.trainLoss() > 0 && s.trainLoss() < 0.1, s.toString());
        assertTrue(Double.isFinite(s.testLoss()) && s.testLoss() > 0, s.toString());
        assertEquals(4000 / s.seconds(), s.samplesPerSecond(), 1e-6 * s.samplesPerSecond(), "every sample counted once");
        assertArrayEquals(new double[] {s.trainLoss()}, h.trainLosses());
        assertTrue(s.testAccuracy() >= 0.99, "test accuracy " + s.testAccuracy());

        // The recorded validation numbers are Fit.evaluate's on the final model, exactly.
        Evaluation ev = Fit.evaluate(model, loss, test);
        assertEquals(1000, ev.samples());
        assertEquals(h.last().testAccuracy(), ev.accuracy(), 0);
        assertEquals(h.last().testLoss(), ev.loss(), 0);
        assertArrayEquals(new double[] {ev.accuracy()}, h.testAccuracies());
    }

    @Test
    void historyRecordsEveryEpochAndNaNWithoutValidation() {
        Panagrad.manualSeed(1);
        BlobsData data = blobs(200, 1);
        Block model = new Sequential(new Linear(64, 1), new Sigmoid());
        History h = Fit.of(model, new BCELoss(), new Adam(model.parameters(), 1e-3)).epochs(3).progressBar(false)
                .run(DataLoader.builder(data.train()).batchSize(32).shuffle(true).seed(1).build());
        assertEquals(3, h.epochs().size());
        double[] losses = h.trainLosses();
        for (int e = 0; e < 3; e++) {
            assertEquals(e + 1, h.epochs().get(e).epoch());
            assertEquals(h.epochs().get(e).trainLoss(), losses[e], 0);
            assertTrue(Double.isNaN(h.epochs().get(e).testLoss()) && Double.isNaN(h.testAccuracies()[e]));
        }
        assertTrue(losses[0] > losses[1] && losses[1] > losses[2], "loss falls: " + java.util.Arrays.toString(losses));
        assertThrows(IllegalStateException.class, () -> new History().last());
        assertThrows(UnsupportedOperationException.class, () -> h.epochs().clear());
    }

    /** Wraps a model and records what its forward pass saw. */
    static final class Probe extends Block {
        final Block inner;
        boolean sawGradEnabled;
        boolean sawRequiresGrad;
        boolean sawTraining;
        int calls;

        Probe(Block inner) {
            this.inner = register("inner", inner);
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor out = inner.forward(x);
            calls++;
            sawGradEnabled |= Autograd.isGradEnabled();
            sawRequiresGrad |= out.requiresGrad() || out.gradFn() != null;
            sawTraining |= isTraining() || inner.isTraining();
            return out;
        }
    }

    @Test
    void evaluateComputesLossAndAccuracyInEvalModeWithoutGraphAndRestoresMode() {
        // Sigmoid(w.x + b) with w = (1, -2), b = 0.5 on five points; batches of 2, 2 and a short 1.
        Block lin = new Sequential(new Linear(2, 1), new Dropout(0.5f), new Sigmoid());
        try (var g = Autograd.noGrad()) {
            lin.namedParameters().get("0.weight").set(Tensor.of(new float[][] {{1f, -2f}}));
            lin.namedParameters().get("0.bias").set(Tensor.of(0.5f));
        }
        Probe model = new Probe(lin);
        float[][] x = {{1f, 0f}, {0f, 1f}, {2f, 1f}, {-1f, -1f}, {0.5f, 2f}};
        float[] y = {1f, 0f, 0f, 1f, 1f};
        double lossSum = 0;
        int correct = 0;
        for (int i = 0; i < 5; i++) {
            double p = 1 / (1 + Math.exp(-(x[i][0] - 2 * x[i][1] + 0.5)));
            lossSum += -(y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p));
            if ((p > 0.5) == (y[i] == 1f)) correct++;
        }
        assertEquals(3, correct, "hand count: points 0 and 3 right, 1 right, 2 wrong (p=0.62), 4 wrong");
        DataLoader data = new DataLoader(column(TensorDataset.of(x, y)), 2);

        model.train();
        Evaluation ev = Fit.evaluate(model, new BCELoss(), data);
        assertEquals(5, ev.samples());
        assertEquals(lossSum / 5, ev.loss(), 1e-6, "mean per sample, the short batch weighted by its size");
        assertEquals(correct / 5.0, ev.accuracy(), 0);
        assertEquals(3, model.calls);
        assertFalse(model.sawTraining, "evaluated in eval mode (dropout off)");
        assertFalse(model.sawGradEnabled, "no gradient recording during evaluation");
        assertFalse(model.sawRequiresGrad, "outputs carry no graph");
        assertTrue(model.isTraining() && lin.isTraining(), "train mode restored");
        for (Tensor p : model.parameters()) assertNull(p.grad(), "evaluation never back-propagates");
        assertTrue(Autograd.isGradEnabled(), "grad mode restored");

        model.eval();
        Evaluation again = Fit.evaluate(model, new BCELoss(), data);
        assertEquals(ev, again, "deterministic in eval mode");
        assertFalse(model.isTraining(), "eval mode left as it was");
    }

    @Test
    void evaluateThresholdsRawScoresAtZeroForLossesOnScores() {
        // Identity "model" on one feature: the scores are the inputs. Labels 1, 0, 1, 0.
        Block scores = new Sequential(new org.panagrad.nn.Identity());
        float[][] x = {{0.3f}, {-0.2f}, {0.7f}, {0.1f}};
        DataLoader data = new DataLoader(column(TensorDataset.of(x, new float[] {1, 0, 1, 0})), 4);
        // Score > 0 predicts 1: right, right, right, wrong. A 0.5 threshold would get the first one wrong too.
        assertEquals(0.75, Fit.evaluate(scores, new org.panagrad.loss.BCEWithLogitsLoss(), data).accuracy(), 0);
        // Hinge labels are -1 and 1, scored the same way.
        DataLoader pm = new DataLoader(column(TensorDataset.of(x, new float[] {1, -1, 1, -1})), 4);
        assertEquals(0.75, Fit.evaluate(scores, new org.panagrad.loss.HingeLoss(), pm).accuracy(), 0);
        // Probabilities (BCE) keep the 0.5 threshold: 0.3 (label 1) predicts 0 and 0.6 (label 0) predicts 1: 2 of 4.
        DataLoader probs = new DataLoader(column(TensorDataset.of(new float[][] {{0.3f}, {0.2f}, {0.7f}, {0.6f}},
                new float[] {1, 0, 1, 0})), 4);
        assertEquals(0.5, Fit.evaluate(scores, new BCELoss(), probs).accuracy(), 0);
    }

    @Test
    void epochsAfterWarmupAllocateNoNewNativeMemory() {
        Panagrad.manualSeed(3);
        // 1000 samples in batches of 16 end on a short batch of 8; the validation set ends on a short batch too.
        BlobsData data = blobs(1000, 300);
        Block model = blobsClassifier();
        DataLoader train = DataLoader.builder(data.train()).batchSize(16).shuffle(true).seed(5).build();
        DataLoader test = DataLoader.builder(data.test()).batchSize(128).build();
        List<MemoryStats> atEpochEnd = new ArrayList<>();
        Fit.of(model, new BCELoss(), new Adam(model.parameters(), 1e-3)).epochs(3).validation(test).progressBar(false)
                .onEpoch(s -> atEpochEnd.add(Memory.stats())).run(train);
        MemoryStats e2 = atEpochEnd.get(1), e3 = atEpochEnd.get(2);
        assertEquals(e2.freshAllocations(), e3.freshAllocations(), "fresh native allocations during epoch 3: " + e2 + " -> " + e3);
        assertEquals(e2.freshBytes(), e3.freshBytes());
        assertEquals(e2.bytesInUse(), e3.bytesInUse(), "nothing kept alive across epochs");
        assertEquals(e2.liveBlocks(), e3.liveBlocks());
        assertTrue(e3.reusedAllocations() > e2.reusedAllocations(), "epoch 3 did allocate, from the cache");
    }

    @Test
    void rejectsBadConfiguration() {
        Block model = new Sequential(new Linear(2, 1));
        var opt = new SGD(model.parameters(), 0.1);
        var e = assertThrows(IllegalArgumentException.class, () -> Fit.of(model, new BCELoss(), opt).epochs(0));
        assertTrue(e.getMessage().contains("epochs") && e.getMessage().contains("0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Fit.of(null, new BCELoss(), opt));
        assertThrows(IllegalArgumentException.class, () -> Fit.of(model, null, opt));
        assertThrows(IllegalArgumentException.class, () -> Fit.of(model, new BCELoss(), null));
    }
}

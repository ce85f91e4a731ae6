package org.panagrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.panagrad.data.Batch;
import org.panagrad.data.Blobs;
import org.panagrad.data.DataLoader;
import org.panagrad.loss.CrossEntropyLoss;
import org.panagrad.nn.Linear;
import org.panagrad.nn.ReLU;
import org.panagrad.nn.Sequential;
import org.panagrad.optim.Adam;
import org.panagrad.train.Accuracy;
import org.panagrad.train.Evaluation;
import org.panagrad.train.Fit;

/**
 * Long-running memory behaviour: thousands of training steps of the tutorial MLP reach a steady state (no fresh
 * native allocations, no growth of the bytes in use), read-outs and metrics allocate nothing that outlives them, and
 * a released tensor fails every read and op with {@link IllegalStateException}.
 *
 * <p>Memory counters are process-wide and the garbage collector's cleaners may release other tests' tensors at any
 * time, so "flat" is asserted as: fresh allocations unchanged, bytes in use never above the warm-up value.
 */
class MemorySteadyStateTest {

    private static final int STEPS = 3000;
    private static final int WARMUP = 100;

    @Test
    void theTutorialMlpTrainsThousandsOfStepsWithoutNewNativeMemory() {
        Panagrad.manualSeed(42);
        // 784 features, 10 classes: the MNIST-shaped problem of the tutorials, 40 batches of 64 per epoch.
        Blobs blobs = Blobs.builder().samples(2560).features(784).centers(10).clusterStd(4.0).seed(7).make();
        DataLoader loader = DataLoader.builder(blobs.dataset()).batchSize(64).shuffle(true).seed(1).build();
        Sequential model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 64), new ReLU(), new Linear(64, 10));
        Fit fit = Fit.of(model, new CrossEntropyLoss(), new Adam(model.parameters(), 1e-3));

        MemoryStats warm = null;
        long maxInUseAfterWarmup = 0;
        List<String> samples = new ArrayList<>();
        float firstLoss = Float.NaN, lastLoss = Float.NaN;
        int step = 0;
        while (step < STEPS) {
            Iterator<Batch> batches = loader.iterator();
            while (step < STEPS) {
                // As Fit.run does: the batch is allocated inside the step's scope and released with it.
                try (MemoryScope scope = MemoryScope.open()) {
                    if (!batches.hasNext()) break;
                    float loss = fit.step(batches.next());
                    if (step == 0) firstLoss = loss;
                    lastLoss = loss;
                }
                step++;
                if (step == WARMUP) warm = Memory.stats();
                if (step > WARMUP) maxInUseAfterWarmup = Math.max(maxInUseAfterWarmup, Memory.stats().bytesInUse());
                if (step % 500 == 0) samples.add("step " + step + ": " + Memory.stats());
            }
        }
        MemoryStats end = Memory.stats();
        assertNotNull(warm);
        assertEquals(warm.freshAllocations(), end.freshAllocations(),
                "fresh native allocations after step " + WARMUP + ":\n  warm-up " + warm + "\n  " + String.join("\n  ", samples));
        assertEquals(warm.freshBytes(), end.freshBytes(), "fresh native bytes after warm-up");
        assertTrue(maxInUseAfterWarmup <= warm.bytesInUse(), "native bytes in use grew after warm-up: " + warm.bytesInUse()
                + " -> max " + maxInUseAfterWarmup + "\n  " + String.join("\n  ", samples));
        assertTrue(end.reusedAllocations() - warm.reusedAllocations() >= (long) (STEPS - WARMUP) * 10,
                "steps should be served from the cache: " + warm + " -> " + end);
        assertTrue(lastLoss < firstLoss * 0.1f, "the MLP should learn the blobs: loss " + firstLoss + " -> " + lastLoss);
    }

    /** Runs {@code body} 10,000 times after a warm-up and checks that no native memory was left behind. */
    private static void assertNoNativeGrowth(String what, Runnable body) {
        for (int i = 0; i < 100; i++) body.run();
        MemoryStats before = Memory.stats();
        for (int i = 0; i < 10_000; i++) body.run();
        MemoryStats after = Memory.stats();
        assertEquals(before.freshAllocations(), after.freshAllocations(), what + ": fresh native allocations");
        assertTrue(after.bytesInUse() <= before.bytesInUse(), what + ": native bytes in use grew from "
                + before.bytesInUse() + " to " + after.bytesInUse());
        assertTrue(after.liveBlocks() <= before.liveBlocks(), what + ": live blocks grew from " + before.liveBlocks()
                + " to " + after.liveBlocks());
    }

    /** Like {@link #assertNoNativeGrowth} and also: {@code body} allocates no native memory at all. */
    private static void assertNoNativeAllocation(String what, Runnable body) {
        MemoryStats before = Memory.stats();
        assertNoNativeGrowth(what, body);
        MemoryStats after = Memory.stats();
        assertEquals(before.freshAllocations() + before.reusedAllocations(), after.freshAllocations() + after.reusedAllocations(),
                what + ": a read-out should not allocate native memory");
    }

    @Test
    void readOutsAllocateNoNativeMemory() {
        Tensor scalar = Tensor.of(2.5f);
        Tensor big = TestSupport.random(1, 3f, 40, 50); // 2000 elements: toString summarises
        float[] sink = new float[1];
        assertNoNativeAllocation("item", () -> sink[0] += scalar.item());
        assertEquals(2.5f * 10_100, sink[0], 1f);
        assertNoNativeAllocation("toFloatArray", () -> sink[0] = big.toFloatArray()[1999]);
        assertEquals(big.getFloat(39, 49), sink[0]);
        StringBuilder last = new StringBuilder();
        assertNoNativeAllocation("toString", () -> {
            last.setLength(0);
            last.append(big);
        });
        assertTrue(last.toString().startsWith("tensor([["), last.toString());
        assertTrue(last.toString().contains("..."), "2000 elements are summarised: " + last);
    }

    @Test
    void accuracyUpdateLeavesNothingBehindOutsideAScope() {
        Tensor logits = Tensor.of(new float[][] {{0, 2, 1}, {3, 0, 0}, {0, 0, 5}, {1, 0, 0}});
        Tensor labels = Tensor.of(1, 0, 1, 0);
        Accuracy acc = new Accuracy();
        assertNoNativeGrowth("Accuracy.update", () -> acc.update(logits, labels));
        assertEquals(10_100L * 4, acc.count());
        assertEquals(10_100L * 3, acc.correct()); // row 2 predicts class 2, label 1
        assertEquals(0.75, acc.value(), 1e-12);
    }

    @Test
    void evaluateLeavesNothingBehind() {
        Panagrad.manualSeed(3);
        Blobs blobs = Blobs.builder().samples(48).features(6).centers(3).clusterStd(0.5).seed(2).make();
        DataLoader loader = new DataLoader(blobs.dataset(), 32); // two batches: 32 and a partial 16
        Sequential model = new Sequential(new Linear(6, 8), new ReLU(), new Linear(8, 3));
        CrossEntropyLoss loss = new CrossEntropyLoss();
        Evaluation first = Fit.evaluate(model, loss, loader);
        Evaluation[] last = new Evaluation[1];
        assertNoNativeGrowth("Fit.evaluate", () -> last[0] = Fit.evaluate(model, loss, loader));
        assertEquals(first, last[0], "evaluation is deterministic");
        assertEquals(48, last[0].samples());
        assertTrue(model.isTraining(), "evaluate restores train mode");
    }

    // ---- use after release ----------------------------------------------------------------------------

    static Stream<Arguments> readsAndOps() {
        List<Arguments> rows = new ArrayList<>();
        Consumer<Object> sink = o -> { };
        add(rows, "item", t -> sink.accept(t.item()));
        add(rows, "getFloat", t -> sink.accept(t.getFloat(0, 0)));
        add(rows, "setFloat", t -> t.setFloat(1f, 0, 0));
        add(rows, "toFloatArray", t -> sink.accept(t.toFloatArray()));
        add(rows, "segment", t -> sink.accept(t.segment()));
        add(rows, "allFinite", t -> sink.accept(t.allFinite()));
        add(rows, "fill", t -> t.fill(1f));
        add(rows, "set", t -> t.set(Tensor.ones(2, 3)));
        add(rows, "detach", Tensor::detach);
        add(rows, "requiresGrad", t -> t.requiresGrad(true));
        add(rows, "reshape", t -> t.reshape(3, 2));
        add(rows, "flatten", Tensor::flatten);
        add(rows, "t", Tensor::t);
        add(rows, "get", t -> t.get(1));
        add(rows, "add", t -> t.add(1f));
        add(rows, "mul", t -> t.mul(Tensor.ones(2, 3)));
        add(rows, "matmul", t -> t.matmul(Tensor.ones(3, 2)));
        add(rows, "exp", Tensor::exp);
        add(rows, "relu", Tensor::relu);
        add(rows, "sum", Tensor::sum);
        add(rows, "mean", t -> t.mean(0));
        add(rows, "max", t -> t.max(1));
        add(rows, "argmax", t -> t.argmax(1));
        add(rows, "softmax", t -> t.softmax(1));
        add(rows, "zeroGrad", Tensor::zeroGrad);
        add(rows, "attachGrad", Tensor::attachGrad);
        return rows.stream();
    }

    private static void add(List<Arguments> rows, String op, Consumer<Tensor> code) {
        rows.add(Arguments.of(op, code));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readsAndOps")
    void everyReadAndOpOnAReleasedTensorThrows(String op, Consumer<Tensor> code) {
        Tensor t;
        try (MemoryScope scope = MemoryScope.open()) {
            t = Tensor.ones(2, 3); // released with its scope, like a step's activation kept by mistake
        }
        assertTrue(t.isReleased());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> code.accept(t));
        String expected = op + ": tensor of shape [2, 3] was released (closed, or its MemoryScope ended); "
                + "keep it with MemoryScope.keep or create it outside the scope";
        assertEquals(expected, e.getMessage());
    }

    @Test
    void whatStillWorksOnAReleasedTensor() {
        Tensor t = Tensor.ones(2, 3);
        t.close();
        t.close(); // idempotent
        assertTrue(t.isReleased());
        // Metadata lives on the heap and stays readable; toString must not throw (debuggers and loggers call it).
        assertEquals(List.of(2, 3), List.of(t.shape(0), t.shape(1)));
        assertEquals(6, t.numel());
        assertEquals("tensor(<released>, shape=[2, 3])", t.toString());
        assertFalse(t.requiresGrad());
    }
}

package org.panagrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.panagrad.Memory;
import org.panagrad.MemoryScope;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;
import org.panagrad.TestSupport;
import org.panagrad.loss.CrossEntropyLoss;
import org.panagrad.nn.Block;
import org.panagrad.nn.Linear;
import org.panagrad.nn.ReLU;
import org.panagrad.nn.Sequential;
import org.panagrad.optim.Adam;
import org.panagrad.optim.Optimizer;
import org.panagrad.optim.RMSprop;
import org.panagrad.optim.SGD;

/** Checkpoint.save(Path, Block, Optimizer, Map) and restore: bit-identical resumption, all-or-nothing failures. */
class CheckpointRestoreTest {
    @TempDir
    Path dir;

    static Block model(long seed, int hidden, int out) {
        Panagrad.manualSeed(seed);
        return new Sequential(new Linear(4, hidden), new ReLU(), new Linear(hidden, out));
    }

    static Optimizer optimizer(String kind, Block m) {
        return switch (kind) {
            case "adam" -> new Adam(m.parameters(), 1e-2);
            case "sgd" -> new SGD(m.parameters(), 0.05).momentum(0.9);
            case "rmsprop" -> new RMSprop(m.parameters(), 1e-2).momentum(0.5).centered(true);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Batch i of a fixed sequence: 6 samples of 4 features, 3 classes. */
    static void step(Block m, Optimizer opt, int i) {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor x = TestSupport.random(100 + i, 2f, 6, 4);
            Tensor y = Tensor.of((i) % 3, (i + 1) % 3, (i + 2) % 3, i % 3, 2, 0);
            opt.zeroGrad();
            new CrossEntropyLoss().forward(m.forward(x), y).backward();
            opt.step();
        }
    }

    static Map<String, float[]> values(Map<String, Tensor> m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    static Map<String, float[]> optimizerValues(Optimizer opt) {
        try (MemoryScope scope = MemoryScope.open()) {
            return values(opt.stateDict());
        }
    }

    static void assertSame(Map<String, float[]> expected, Map<String, float[]> actual, String what) {
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()), what + ": keys");
        // assertArrayEquals on float[] compares bit patterns via Float.floatToIntBits semantics: exact.
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), what + ": " + k));
    }

    /** Guards the exact comparisons against passing vacuously: the steps moved every parameter and kept it finite. */
    static void assertTrained(Map<String, float[]> before, Block m) {
        m.namedParameters().forEach((k, p) -> {
            assertTrue(p.allFinite(), k + " is finite");
            assertFalse(java.util.Arrays.equals(before.get(k), p.toFloatArray()), k + " was updated");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd", "rmsprop"})
    void restoredTrainingContinuesBitIdentically(String kind) throws IOException {
        Block a = model(1, 8, 3);
        Optimizer optA = optimizer(kind, a);
        Map<String, float[]> initial = values(a.namedParameters());
        for (int i = 0; i < 3; i++) step(a, optA, i);
        assertTrained(initial, a);
        Path file = dir.resolve(kind + ".safetensors");
        Checkpoint.save(file, a, optA, Map.of("epoch", "3", "optimizer", kind));

        Block b = model(99, 8, 3); // different initial weights, all overwritten by the restore
        Optimizer optB = optimizer(kind, b);
        assertFalse(java.util.Arrays.equals(a.parameters().get(0).toFloatArray(), b.parameters().get(0).toFloatArray()));
        Map<String, String> meta = Checkpoint.restore(file, b, optB);
        assertEquals(Map.of("epoch", "3", "optimizer", kind), meta);
        assertSame(values(a.namedParameters()), values(b.namedParameters()), "parameters after restore");
        assertSame(optimizerValues(optA), optimizerValues(optB), "optimizer state after restore");
        assertEquals(3, optB.stepCount());

        // The loaded tensors were closed by restore: the optimizer must hold copies, or these steps would fail.
        Map<String, float[]> restored = values(b.namedParameters());
        for (int i = 3; i < 6; i++) {
            step(a, optA, i);
            step(b, optB, i);
        }
        assertTrained(restored, b);
        assertSame(values(a.namedParameters()), values(b.namedParameters()), "parameters 3 steps later");
        assertSame(optimizerValues(optA), optimizerValues(optB), "optimizer state 3 steps later");
        assertEquals(6, optB.stepCount());
    }

    @Test
    void restoringIntoAnotherArchitectureThrowsAndChangesNothing() throws IOException {
        Block a = model(1, 8, 3);
        Optimizer optA = optimizer("adam", a);
        step(a, optA, 0);
        Path file = dir.resolve("a.safetensors");
        Checkpoint.save(file, a, optA, Map.of());

        // Same layer names, wrong output width: 2.weight [5, 8] and 2.bias [5] do not fit.
        Block c = model(2, 8, 5);
        Optimizer optC = optimizer("adam", c);
        for (int i = 0; i < 2; i++) step(c, optC, i);
        Map<String, float[]> params = values(c.namedParameters());
        Map<String, float[]> state = optimizerValues(optC);
        long live = Memory.stats().liveBlocks();
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.restore(file, c, optC));
        assertEquals(live, Memory.stats().liveBlocks(), "the loaded tensors were released");
        String m = e.getMessage();
        assertTrue(m.startsWith("Checkpoint.restore") && m.contains("nothing was loaded"), m);
        assertTrue(m.contains("2.weight: file has shape [3, 8], model has [5, 8]"), m);
        assertTrue(m.contains("2.bias: file has shape [3], model has [5]"), m);
        assertFalse(m.contains("0.weight"), "matching entries are not named: " + m);
        assertSame(params, values(c.namedParameters()), "model untouched");
        assertSame(state, optimizerValues(optC), "optimizer untouched");
        assertEquals(2, optC.stepCount());

        // An extra layer: its parameters are missing from the file.
        Panagrad.manualSeed(3);
        Block d = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3), new ReLU(), new Linear(3, 3));
        Optimizer optD = optimizer("adam", d);
        Map<String, float[]> dParams = values(d.namedParameters());
        var missing = assertThrows(IllegalArgumentException.class, () -> Checkpoint.restore(file, d, optD));
        assertTrue(missing.getMessage().contains("missing from the file: [4.bias, 4.weight]"), missing.getMessage());
        assertSame(dParams, values(d.namedParameters()), "model untouched");
        assertEquals(0, optD.stepCount());
        assertTrue(optimizerValues(optD).isEmpty(), "optimizer still fresh");

        // And a smaller model: the file's extra entries are named.
        Panagrad.manualSeed(4);
        Block s = new Sequential(new Linear(4, 8));
        var unexpected = assertThrows(IllegalArgumentException.class, () -> Checkpoint.restore(file, s, null));
        assertTrue(unexpected.getMessage().contains("unexpected in the file (no such parameter): [2.bias, 2.weight]"),
                unexpected.getMessage());
    }

    @Test
    void anOptimizerOfAnotherKindIsRejectedBeforeTheModelChanges() throws IOException {
        Block a = model(1, 8, 3);
        Optimizer adam = optimizer("adam", a);
        step(a, adam, 0);
        Path file = dir.resolve("adam.safetensors");
        Checkpoint.save(file, a, adam, Map.of());

        Block b = model(5, 8, 3); // same architecture, so the parameters alone would load
        Optimizer sgd = optimizer("sgd", b);
        step(b, sgd, 0);
        Map<String, float[]> params = values(b.namedParameters());
        Map<String, float[]> state = optimizerValues(sgd);
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.restore(file, b, sgd));
        assertTrue(e.getMessage().contains("SGD.loadStateDict") && e.getMessage().contains("exp_avg"), e.getMessage());
        assertSame(params, values(b.namedParameters()), "model untouched");
        assertSame(state, optimizerValues(sgd), "optimizer untouched");

        // Restoring the model alone works and leaves the optimizer as it was.
        Checkpoint.restore(file, b, null);
        assertSame(values(a.namedParameters()), values(b.namedParameters()), "parameters restored");
        assertSame(state, optimizerValues(sgd), "optimizer not involved");
    }

    @Test
    void loadStateDictCopiesSoTheSourceMayBeClosed() {
        Block a = model(1, 8, 3);
        Optimizer optA = optimizer("adam", a);
        for (int i = 0; i < 2; i++) step(a, optA, i);
        LinkedHashMap<String, Tensor> dict = MemoryScope.outside(optA::stateDict);
        Map<String, float[]> saved = values(dict);

        Block b = model(1, 8, 3);
        try (var noGrad = org.panagrad.Autograd.noGrad()) {
            b.namedParameters().forEach((k, p) -> p.set(a.namedParameters().get(k)));
        }
        Optimizer optB = optimizer("adam", b);
        optB.loadStateDict(dict);
        dict.values().forEach(Tensor::close);
        assertTrue(dict.values().stream().allMatch(Tensor::isReleased));
        // Reading the state and stepping touch only the optimizer's own buffers: a kept reference would throw here.
        assertSame(saved, optimizerValues(optB), "state equals what was loaded");
        step(b, optB, 2);
        step(a, optA, 2);
        assertSame(values(a.namedParameters()), values(b.namedParameters()), "same step from the same state");
        List<String> keys = new ArrayList<>(optimizerValues(optB).keySet());
        assertEquals("step", keys.get(keys.size() - 1));
    }
}

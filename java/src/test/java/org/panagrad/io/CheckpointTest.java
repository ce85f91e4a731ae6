package org.panagrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panagrad.Memory;
import org.panagrad.MemoryScope;
import org.panagrad.MemoryStats;
import org.panagrad.Tensor;
import org.panagrad.TestSupport;

/** Checkpoints: one file with model. and optim. prefixes, all-or-nothing loadInto, atomic saves. */
class CheckpointTest {
    @TempDir
    Path dir;

    static Map<String, Tensor> params(long seed) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("0.weight", TestSupport.random(seed, 1f, 4, 3));
        m.put("0.bias", TestSupport.random(seed + 1, 1f, 4));
        m.put("2.weight", TestSupport.random(seed + 2, 1f, 2, 4));
        return m;
    }

    static Map<String, Tensor> optim(long seed) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("step", Tensor.scalar(17f));
        m.put("0.weight.exp_avg", TestSupport.random(seed + 3, 1f, 4, 3));
        return m;
    }

    static Map<String, float[]> values(Map<String, Tensor> m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    static void assertSameValues(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()));
        expected.forEach((k, v) -> {
            assertArrayEquals(v.shape(), actual.get(k).shape(), k);
            assertArrayEquals(v.toFloatArray(), actual.get(k).toFloatArray(), k);
        });
    }

    @Test
    void saveAndLoadRoundTrip() throws IOException {
        Path p = dir.resolve("ckpt.safetensors");
        Map<String, Tensor> model = params(1), opt = optim(1);
        Checkpoint.save(p, model, opt, Map.of("epoch", "3", "lr", "0.01"));
        assertEquals(List.of("model.0.weight", "model.0.bias", "model.2.weight", "optim.step", "optim.0.weight.exp_avg"),
                new ArrayList<>(SafeTensors.shapes(p).keySet()), "one file, prefixed names");
        Checkpoint.State s;
        try (MemoryScope scope = MemoryScope.open()) {
            s = Checkpoint.load(p);
        }
        // Loaded state is made outside scopes: it survived the scope above.
        assertSameValues(model, s.parameters());
        assertSameValues(opt, s.optimizerState());
        assertEquals(Map.of("epoch", "3", "lr", "0.01"), s.metadata());
        assertEquals(17f, s.optimizerState().get("step").item());

        Checkpoint.save(p, params(5));
        Checkpoint.State only = Checkpoint.load(p);
        assertSameValues(params(5), only.parameters());
        assertTrue(only.optimizerState().isEmpty() && only.metadata().isEmpty());
    }

    @Test
    void loadIntoCopiesEveryValueInPlace() throws IOException {
        Path p = dir.resolve("ckpt.safetensors");
        Checkpoint.save(p, params(1), optim(1), Map.of());
        Map<String, Tensor> target = params(100), targetOpt = optim(100);
        Tensor w = target.get("0.weight");
        Checkpoint.loadInto(p, target);
        assertSameValues(params(1), target);
        assertTrue(w == target.get("0.weight"), "same tensor objects, values replaced");
        assertArrayEquals(optim(100).get("0.weight.exp_avg").toFloatArray(), targetOpt.get("0.weight.exp_avg").toFloatArray(),
                "optimizer state untouched by the parameters-only overload");
        Checkpoint.loadInto(p, params(200), targetOpt);
        assertSameValues(optim(1), targetOpt);
    }

    @Test
    void loadIntoWithMissingUnexpectedOrMisshapenNamesLoadsNothing() throws IOException {
        Path p = dir.resolve("ckpt.safetensors");
        Checkpoint.save(p, params(1), optim(1), Map.of());

        // Missing in the file (extra in the target), unexpected in the file (missing in the target), wrong shape.
        Map<String, Tensor> extra = params(50);
        extra.put("3.weight", Tensor.zeros(2));
        Map<String, Tensor> fewer = params(50);
        fewer.remove("0.bias");
        Map<String, Tensor> misshapen = params(50);
        misshapen.put("2.weight", Tensor.zeros(4, 2));
        Map<String, Tensor> all = params(50);
        all.put("3.weight", Tensor.zeros(2));
        all.remove("0.bias");
        all.put("2.weight", Tensor.zeros(4, 2));

        Map<Map<String, Tensor>, String> cases = new LinkedHashMap<>();
        cases.put(extra, "nothing was loaded: missing from the file: \\[model\\.3\\.weight\\]$");
        cases.put(fewer, "nothing was loaded: unexpected in the file \\(no such target\\): \\[model\\.0\\.bias\\]$");
        cases.put(misshapen, "nothing was loaded: model\\.2\\.weight: file has shape \\[2, 4\\], target has \\[4, 2\\]$");
        cases.put(all, "missing from the file: \\[model\\.3\\.weight\\]; unexpected in the file \\(no such target\\): \\[model\\.0\\.bias\\]; "
                + "model\\.2\\.weight: file has shape \\[2, 4\\], target has \\[4, 2\\]$");
        for (Map.Entry<Map<String, Tensor>, String> c : cases.entrySet()) {
            Map<String, Tensor> target = c.getKey();
            Map<String, float[]> before = values(target);
            var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.loadInto(p, target));
            assertTrue(e.getMessage().startsWith("Checkpoint.loadInto: " + p + " does not match the target; "), e.getMessage());
            assertTrue(java.util.regex.Pattern.compile(c.getValue()).matcher(e.getMessage()).find(), c.getValue() + " in " + e.getMessage());
            before.forEach((k, v) -> assertArrayEquals(v, target.get(k).toFloatArray(), "nothing loaded into " + k));
        }

        // Parameters match but the optimizer state does not: neither is loaded.
        Map<String, Tensor> model = params(50), opt = optim(50);
        opt.put("step", Tensor.zeros(1));
        Map<String, float[]> modelBefore = values(model);
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.loadInto(p, model, opt));
        assertTrue(e.getMessage().endsWith("optim.step: file has shape [], target has [1]"), e.getMessage());
        modelBefore.forEach((k, v) -> assertArrayEquals(v, model.get(k).toFloatArray(), k));

        Map<String, Tensor> released = params(50);
        released.get("0.bias").close();
        var r = assertThrows(IllegalArgumentException.class, () -> Checkpoint.loadInto(p, released));
        assertTrue(r.getMessage().endsWith("model.0.bias was released in the target"), r.getMessage());
    }

    @Test
    void interruptedSaveLeavesThePreviousCheckpointIntact() throws IOException {
        Path p = dir.resolve("ckpt.safetensors");
        Checkpoint.save(p, params(1), optim(1), Map.of("epoch", "1"));
        byte[] before = Files.readAllBytes(p);
        // Fail after the second tensor of the next save: the file holds a partial write only in the temp file.
        int[] seen = {0};
        IOException e = assertThrows(IOException.class, () -> Checkpoint.save(p, params(2), optim(2), Map.of("epoch", "2"), (name, bytes) -> {
            if (++seen[0] == 2) throw new IOException("interrupted (injected) at " + name);
        }));
        assertEquals("interrupted (injected) at model.0.bias", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(p));
        Checkpoint.State s = Checkpoint.load(p);
        assertEquals("1", s.metadata().get("epoch"));
        assertSameValues(params(1), s.parameters());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(p), files.toList(), "only the checkpoint remains");
        }
    }

    @Test
    void plainSafetensorsFileIsNotACheckpoint() throws IOException {
        Path p = dir.resolve("plain.safetensors");
        SafeTensors.write(p, Map.of("weight", Tensor.of(1f)));
        MemoryStats before = Memory.stats();
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(p));
        assertTrue(e.getMessage().startsWith("Checkpoint: " + p + ": tensor 'weight' has neither the 'model.' nor the 'optim.' prefix"),
                e.getMessage());
        MemoryStats after = Memory.stats();
        assertEquals(before.freshAllocations() + before.reusedAllocations(), after.freshAllocations() + after.reusedAllocations(),
                "rejected from the header: no tensor was allocated");
    }
}

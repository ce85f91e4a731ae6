package org.panagrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.panagrad.TestSupport.assertClose;
import static org.panagrad.optim.OptimizerReferenceTest.setGrad;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.panagrad.Memory;
import org.panagrad.MemoryScope;
import org.panagrad.Tensor;
import org.panagrad.TestSupport;
import org.panagrad.ops.Gemm;
import org.panagrad.ops.Loss;

/** State handling, checkpoints, validation, the Trainer and memory behaviour of the optimizers. */
class OptimizerTest {

    /** Optimizer configurations that keep every kind of state. */
    static Stream<Arguments> stateful() {
        return Stream.of(
                Arguments.of("SGD momentum nesterov wd", (Function<List<Tensor>, Optimizer>)
                        p -> new SGD(p, 0.05).momentum(0.9).nesterov(true).weightDecay(1e-3)),
                Arguments.of("SGD momentum dampening", (Function<List<Tensor>, Optimizer>)
                        p -> new SGD(p, 0.05).momentum(0.8).dampening(0.3)),
                Arguments.of("Adam amsgrad wd", (Function<List<Tensor>, Optimizer>)
                        p -> new Adam(p, 0.01).amsgrad(true).weightDecay(0.01)),
                Arguments.of("AdamW", (Function<List<Tensor>, Optimizer>) p -> new AdamW(p, 0.01)),
                Arguments.of("RMSprop centered momentum", (Function<List<Tensor>, Optimizer>)
                        p -> new RMSprop(p, 0.01).centered(true).momentum(0.5).weightDecay(0.01)));
    }

    private static List<Tensor> params(long seed) {
        return List.of(TestSupport.random(seed, 1f, 3, 4).requiresGrad(true),
                TestSupport.random(seed + 1, 1f, 5).requiresGrad(true));
    }

    /** Gives each parameter a seeded gradient depending on the step. */
    private static void grads(List<Tensor> ps, int step) {
        for (int i = 0; i < ps.size(); i++) {
            setGrad(ps.get(i), TestSupport.random(1000L * step + i, 2f, ps.get(i).shape()).toFloatArray());
        }
    }

    private static List<Tensor> copies(List<Tensor> ps) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor p : ps) out.add(Tensor.fromArray(p.toFloatArray(), p.shape()).requiresGrad(true));
        return out;
    }

    private static Map<String, float[]> values(Map<String, Tensor> dict) {
        Map<String, float[]> out = new LinkedHashMap<>();
        dict.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    private static void assertSameValues(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k));
    }

    // ---- lazy state and keys --------------------------------------------------------------------

    @Test
    void stateIsCreatedLazilyWithStableKeys() {
        List<Tensor> ps = params(1);
        Adam adam = new Adam(ps, 0.1).amsgrad(true);
        assertTrue(adam.stateDict().isEmpty(), "no state before the first step");
        assertEquals(0, adam.stepCount());
        grads(ps, 0);
        float[] g0 = ps.get(0).grad().toFloatArray();
        adam.step();
        LinkedHashMap<String, Tensor> sd = adam.stateDict();
        assertEquals(List.of("0.exp_avg", "0.exp_avg_sq", "0.max_exp_avg_sq", "0.step",
                "1.exp_avg", "1.exp_avg_sq", "1.max_exp_avg_sq", "1.step", "step"), List.copyOf(sd.keySet()));
        // After one step m = (1 - β1)·g, v = (1 - β2)·g², step counters 1. 1 - β is formed in double from the
        // double β and rounded once, as torch does: 1 - β2 = 1e-3 (not the 9.99987e-4 of 1 - 0.999f).
        float c1 = (float) (1.0 - 0.9), c2 = (float) (1.0 - 0.999);
        float[] m = sd.get("0.exp_avg").toFloatArray(), v = sd.get("0.exp_avg_sq").toFloatArray();
        for (int i = 0; i < g0.length; i++) {
            assertEquals(c1 * g0[i], m[i], Math.ulp(m[i]));
            assertEquals(c2 * g0[i] * g0[i], v[i], Math.ulp(v[i]));
        }
        assertArrayEquals(v, sd.get("0.max_exp_avg_sq").toFloatArray());
        assertEquals(1f, sd.get("0.step").item());
        assertEquals(1f, sd.get("step").item());
        assertArrayEquals(new int[] {3, 4}, sd.get("0.exp_avg").shape());

        SGD sgd = new SGD(ps, 0.1).momentum(0.9);
        assertTrue(sgd.stateDict().isEmpty());
        sgd.step(); // the first momentum buffer is the gradient itself
        sd = sgd.stateDict();
        assertEquals(List.of("0.momentum_buffer", "1.momentum_buffer", "step"), List.copyOf(sd.keySet()));
        assertArrayEquals(g0, sd.get("0.momentum_buffer").toFloatArray());

        SGD plain = new SGD(ps, 0.1);
        plain.step();
        assertEquals(List.of("step"), List.copyOf(plain.stateDict().keySet()));

        RMSprop rms = new RMSprop(ps).centered(true);
        rms.step();
        assertEquals(List.of("0.square_avg", "0.grad_avg", "1.square_avg", "1.grad_avg", "step"),
                List.copyOf(rms.stateDict().keySet()));
    }

    @Test
    void stateDictIsASnapshot() {
        List<Tensor> ps = params(2);
        Adam adam = new Adam(ps, 0.1);
        grads(ps, 0);
        adam.step();
        LinkedHashMap<String, Tensor> sd = adam.stateDict();
        float[] before = sd.get("0.exp_avg").toFloatArray();
        adam.step();
        assertArrayEquals(before, sd.get("0.exp_avg").toFloatArray(), "later steps must not change a saved state dict");
        assertEquals(1f, sd.get("step").item());
    }

    @Test
    void parametersWithoutGradientsAreSkipped() {
        Tensor a = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor b = Tensor.of(3f, 4f).requiresGrad(true);
        Adam adam = new Adam(List.of(a, b), 0.1);
        setGrad(a, new float[] {1f, -1f});
        assertNull(b.grad());
        adam.step();
        assertArrayEquals(new float[] {3f, 4f}, b.toFloatArray(), "b had no gradient");
        // Adam's first step moves each element by lr·sign(g) (m̂/sqrt(v̂) = ±1, eps negligible).
        assertClose(new float[] {0.9f, 2.1f}, a.toFloatArray(), 0, 1e-6, "a");
        assertEquals(List.of("0.exp_avg", "0.exp_avg_sq", "0.step", "step"), List.copyOf(adam.stateDict().keySet()));

        setGrad(b, new float[] {-2f, 0.5f});
        adam.step(); // b's own first step: bias correction with t = 1 although the optimizer is at step 2
        assertClose(new float[] {3.1f, 3.9f}, b.toFloatArray(), 0, 1e-6, "b");
        LinkedHashMap<String, Tensor> sd = adam.stateDict();
        assertEquals(2f, sd.get("0.step").item());
        assertEquals(1f, sd.get("1.step").item());
        assertEquals(2f, sd.get("step").item());
    }

    // ---- zeroGrad -------------------------------------------------------------------------------

    @Test
    void zeroGradZeroesExistingGradientsOnly() {
        Tensor a = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor b = Tensor.of(3f).requiresGrad(true);
        SGD sgd = new SGD(List.of(a, b), 0.1);
        setGrad(a, new float[] {5f, 6f});
        Tensor gradBefore = a.grad();
        sgd.zeroGrad();
        assertArrayEquals(new float[] {0f, 0f}, a.grad().toFloatArray());
        assertTrue(gradBefore == a.grad(), "the gradient's memory is kept");
        assertNull(b.grad(), "a missing gradient stays missing (step still skips it)");
        sgd.step();
        assertArrayEquals(new float[] {1f, 2f}, a.toFloatArray(), "a zero gradient moves nothing");
        assertArrayEquals(new float[] {3f}, b.toFloatArray());
        // The next backward overwrites the zeroed buffer rather than accumulating.
        a.mul(Tensor.of(1f, 1f)).sum().backward();
        assertArrayEquals(new float[] {1f, 1f}, a.grad().toFloatArray());
        sgd.zeroGrad(true);
        assertNull(a.grad());
        sgd.step();
        assertArrayEquals(new float[] {1f, 2f}, a.toFloatArray());
    }

    // ---- checkpoints ----------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("stateful")
    void stateDictRoundTripResumesIdentically(String label, Function<List<Tensor>, Optimizer> make) {
        List<Tensor> ps = params(10);
        Optimizer opt = make.apply(ps);
        for (int s = 0; s < 3; s++) {
            grads(ps, s);
            opt.step();
        }
        LinkedHashMap<String, Tensor> saved = opt.stateDict();
        List<Tensor> resumedParams = copies(ps);
        for (int s = 3; s < 6; s++) {
            grads(ps, s);
            opt.step();
        }
        Optimizer resumed = make.apply(resumedParams);
        resumed.loadStateDict(saved);
        assertEquals(3, resumed.stepCount());
        assertSameValues(values(saved), values(resumed.stateDict()));
        for (int s = 3; s < 6; s++) {
            grads(resumedParams, s);
            resumed.step();
        }
        for (int i = 0; i < ps.size(); i++) {
            assertArrayEquals(ps.get(i).toFloatArray(), resumedParams.get(i).toFloatArray(), label + ": parameter " + i);
        }
        assertSameValues(values(opt.stateDict()), values(resumed.stateDict()));
        assertEquals(6, resumed.stepCount());

        // Without the state the continuation differs: the test above is not vacuous.
        List<Tensor> fresh = copies(resumedParams);
        Optimizer cold = make.apply(fresh);
        grads(fresh, 6);
        cold.step();
        grads(resumedParams, 6);
        resumed.step();
        assertFalse(java.util.Arrays.equals(fresh.get(0).toFloatArray(), resumedParams.get(0).toFloatArray()));
    }

    @Test
    void parametersAbsentFromTheStateDictGetNoState() {
        Tensor a = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor b = Tensor.of(3f).requiresGrad(true);
        Adam source = new Adam(List.of(a, b), 0.1);
        setGrad(a, new float[] {1f, -1f});
        source.step(); // b has no gradient: no state for it
        LinkedHashMap<String, Tensor> saved = source.stateDict();

        Tensor a2 = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor b2 = Tensor.of(3f).requiresGrad(true);
        Adam target = new Adam(List.of(a2, b2), 0.1);
        setGrad(a2, new float[] {5f, 5f});
        setGrad(b2, new float[] {5f});
        target.step();
        target.step(); // b2 has state now; loading must drop it
        target.loadStateDict(saved);
        assertSameValues(values(saved), values(target.stateDict()));
        assertEquals(List.of("0.exp_avg", "0.exp_avg_sq", "0.step", "step"), List.copyOf(target.stateDict().keySet()));
        // b2's next update is its first again: Adam's first step moves by lr·sign(g).
        float before = b2.item();
        target.step();
        assertEquals(before - 0.1f, b2.item(), 1e-6f);
        assertEquals(1f, target.stateDict().get("1.step").item());
        assertEquals(2f, target.stateDict().get("step").item());
    }

    @Test
    void emptyStateDictResetsTheOptimizer() {
        List<Tensor> ps = params(3);
        Adam adam = new Adam(ps, 0.1);
        grads(ps, 0);
        adam.step();
        adam.loadStateDict(Map.of());
        assertTrue(adam.stateDict().isEmpty());
        assertEquals(0, adam.stepCount());
    }

    static Stream<Arguments> badStateDicts() {
        return Stream.of(
                Arguments.of("missing key", (Function<Map<String, Tensor>, Map<String, Tensor>>) m -> {
                    m.remove("1.exp_avg_sq");
                    return m;
                }, "missing keys \\[1\\.exp_avg_sq\\]"),
                Arguments.of("missing step", (Function<Map<String, Tensor>, Map<String, Tensor>>) m -> {
                    m.remove("step");
                    return m;
                }, "missing keys \\[step\\]"),
                Arguments.of("unexpected name", (Function<Map<String, Tensor>, Map<String, Tensor>>) m -> {
                    m.put("0.momentum_buffer", Tensor.zeros(3, 4));
                    return m;
                }, "unexpected keys \\[0\\.momentum_buffer\\]"),
                Arguments.of("amsgrad state into a plain Adam", (Function<Map<String, Tensor>, Map<String, Tensor>>) m -> {
                    m.put("1.max_exp_avg_sq", Tensor.zeros(5));
                    return m;
                }, "unexpected keys \\[1\\.max_exp_avg_sq\\]"),
                Arguments.of("index out of range", (Function<Map<String, Tensor>, Map<String, Tensor>>) m -> {
                    m.put("2.exp_avg", Tensor.zeros(5));
                    return m;
                }, "unexpected keys \\[2\\.exp_avg\\]"),
                Arguments.of("garbage key", (Function<Map<String, Tensor>, Map<String, Tensor>>) m -> {
                    m.put("weights", Tensor.zeros(5));
                    return m;
                }, "unexpected keys \\[weights\\]"),
                Arguments.of("mis-shaped", (Function<Map<String, Tensor>, Map<String, Tensor>>) m -> {
                    m.put("0.exp_avg", Tensor.zeros(4, 3));
                    return m;
                }, "mis-shaped: 0\\.exp_avg has shape \\[4, 3\\], expected \\[3, 4\\]"),
                Arguments.of("mis-shaped step", (Function<Map<String, Tensor>, Map<String, Tensor>>) m -> {
                    m.put("step", Tensor.zeros(2));
                    return m;
                }, "mis-shaped: step has shape \\[2\\], expected one element"),
                Arguments.of("fractional step", (Function<Map<String, Tensor>, Map<String, Tensor>>) m -> {
                    m.put("0.step", Tensor.of(1.5f));
                    return m;
                }, "bad values: 0\\.step is 1\\.5, expected a whole number >= 1"),
                Arguments.of("negative step", (Function<Map<String, Tensor>, Map<String, Tensor>>) m -> {
                    m.put("step", Tensor.of(-1f));
                    return m;
                }, "step is -1\\.0, expected a whole number >= 0"),
                Arguments.of("several problems at once", (Function<Map<String, Tensor>, Map<String, Tensor>>) m -> {
                    m.remove("0.exp_avg");
                    m.put("1.exp_avg", Tensor.zeros(6));
                    m.put("extra", Tensor.zeros(1));
                    return m;
                }, "missing keys \\[0\\.exp_avg\\]; unexpected keys \\[extra\\]; mis-shaped: 1\\.exp_avg has shape \\[6\\], expected \\[5\\]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badStateDicts")
    void loadStateDictRejectsBadMapsAndChangesNothing(String label, Function<Map<String, Tensor>, Map<String, Tensor>> corrupt,
                                                      String messageRegex) {
        List<Tensor> ps = params(20);
        Adam source = new Adam(params(21), 0.1);
        grads(source.parameters(), 0);
        source.step();
        source.step();
        Map<String, Tensor> bad = corrupt.apply(new HashMap<>(source.stateDict()));

        Adam target = new Adam(ps, 0.1);
        grads(ps, 5);
        target.step();
        Map<String, float[]> before = values(target.stateDict());
        var e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(bad));
        assertTrue(e.getMessage().startsWith("Adam.loadStateDict: "), e.getMessage());
        assertTrue(java.util.regex.Pattern.compile(messageRegex).matcher(e.getMessage()).find(), e.getMessage());
        assertTrue(e.getMessage().endsWith("nothing was loaded"), e.getMessage());
        assertSameValues(before, values(target.stateDict()));
        assertEquals(1, target.stepCount());
    }

    @Test
    void optionsMayChangeBetweenSteps() {
        List<Tensor> ps = params(4);
        Adam adam = new Adam(ps, 0.1);
        grads(ps, 0);
        adam.step();
        adam.amsgrad(true).betas(0.5, 0.6).setLr(0.01);
        adam.step();
        LinkedHashMap<String, Tensor> sd = adam.stateDict();
        assertTrue(sd.containsKey("0.max_exp_avg_sq"));
        // The maximum started from zero at the switch, so after one AMSGrad step it equals v.
        assertArrayEquals(sd.get("0.exp_avg_sq").toFloatArray(), sd.get("0.max_exp_avg_sq").toFloatArray());
        assertEquals(0.01, adam.lr());

        SGD sgd = new SGD(ps, 0.1);
        sgd.step();
        sgd.momentum(0.9);
        float[] before = ps.get(1).toFloatArray();
        float[] g = ps.get(1).grad().toFloatArray();
        sgd.step(); // the buffer is created now and starts as the gradient, as torch's does
        float[] after = ps.get(1).toFloatArray();
        for (int i = 0; i < g.length; i++) assertEquals(before[i] - 0.1f * g[i], after[i], 1e-6f);
        assertArrayEquals(g, sgd.stateDict().get("1.momentum_buffer").toFloatArray());
    }

    // ---- Trainer --------------------------------------------------------------------------------

    @Test
    void trainerScalingEqualsSgdWithLrOverBatchSize() {
        List<Tensor> viaTrainer = params(30);
        List<Tensor> viaSgd = copies(viaTrainer);
        Trainer trainer = new Trainer(viaTrainer, new SGD(viaTrainer, 0.4).momentum(0.5));
        SGD sgd = new SGD(viaSgd, 0.1).momentum(0.5);
        for (int s = 0; s < 3; s++) {
            grads(viaTrainer, s);
            grads(viaSgd, s);
            float[] g = viaTrainer.get(0).grad().toFloatArray();
            trainer.step(4);
            sgd.step();
            float[] scaled = viaTrainer.get(0).grad().toFloatArray();
            for (int i = 0; i < g.length; i++) assertEquals(g[i] / 4, scaled[i], 1e-7f, "gradients are scaled in place");
        }
        for (int i = 0; i < viaSgd.size(); i++) {
            assertClose(viaSgd.get(i).toFloatArray(), viaTrainer.get(i).toFloatArray(), 1e-5, 1e-6, "parameter " + i);
        }
        assertEquals(0.4, trainer.learningRate());
        trainer.setLearningRate(0.2);
        assertEquals(0.2, trainer.optimizer().lr());
        trainer.zeroGrad();
        assertArrayEquals(new float[12], viaTrainer.get(0).grad().toFloatArray());
    }

    @Test
    void trainerRejectsBadInput() {
        List<Tensor> ps = params(31);
        SGD sgd = new SGD(ps, 0.1);
        var e = assertThrows(IllegalArgumentException.class, () -> new Trainer(params(32), sgd));
        assertEquals("Trainer: parameter 0 of shape [3, 4] is not updated by the SGD optimizer; pass the same parameters the optimizer was built with",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Trainer(List.of(), sgd));
        assertTrue(e.getMessage().contains("empty list"), e.getMessage());
        Trainer t = new Trainer(ps, sgd);
        e = assertThrows(IllegalArgumentException.class, () -> t.step(0));
        assertEquals("Trainer.step: invalid batchSize 0, must be >= 1", e.getMessage());
    }

    // ---- validation -----------------------------------------------------------------------------

    private static Arguments bad(String regex, Executable construct) {
        return Arguments.of(regex, construct);
    }

    static Stream<Arguments> invalidHyperParameters() {
        List<Tensor> p = List.of(Tensor.zeros(2).requiresGrad(true));
        return Stream.of(
                bad("^SGD: invalid lr -0\\.1, must be finite and >= 0$", () -> new SGD(p, -0.1)),
                bad("^SGD: invalid lr NaN, must be finite and >= 0$", () -> new SGD(p, Double.NaN)),
                bad("^SGD: invalid lr Infinity, must be finite and >= 0$", () -> new SGD(p, Double.POSITIVE_INFINITY)),
                bad("^SGD: invalid lr 1\\.0E300, must be at most 3\\.4028235E38$", () -> new SGD(p, 1e300)),
                bad("^SGD: invalid momentum -0\\.5, must be finite and >= 0$", () -> new SGD(p, 0.1).momentum(-0.5)),
                bad("^SGD: invalid momentum NaN", () -> new SGD(p, 0.1).momentum(Double.NaN)),
                bad("^SGD: invalid dampening 1\\.5, must be in \\[0, 1\\]$", () -> new SGD(p, 0.1).dampening(1.5)),
                bad("^SGD: invalid dampening NaN", () -> new SGD(p, 0.1).dampening(Double.NaN)),
                bad("^SGD: invalid weightDecay -1\\.0E-4, must be finite and >= 0$", () -> new SGD(p, 0.1).weightDecay(-1e-4)),
                bad("^SGD: invalid weightDecay -Infinity", () -> new SGD(p, 0.1).weightDecay(Double.NEGATIVE_INFINITY)),
                bad("^SGD: invalid nesterov true, nesterov requires momentum > 0 and dampening == 0 \\(momentum 0\\.0, dampening 0\\.0\\)",
                        () -> new SGD(p, 0.1).nesterov(true)),
                bad("nesterov requires momentum > 0 and dampening == 0 \\(momentum 0\\.9, dampening 0\\.1\\)",
                        () -> new SGD(p, 0.1).momentum(0.9).dampening(0.1).nesterov(true)),
                bad("^SGD: invalid momentum 0\\.0, nesterov requires momentum > 0",
                        () -> new SGD(p, 0.1).momentum(0.9).nesterov(true).momentum(0)),
                bad("^SGD: invalid dampening 0\\.5, nesterov requires dampening == 0",
                        () -> new SGD(p, 0.1).momentum(0.9).nesterov(true).dampening(0.5)),
                bad("^SGD: invalid lr -1\\.0", () -> new SGD(p, 0.1).setLr(-1)),
                bad("^Adam: invalid lr -0\\.001, must be finite and >= 0$", () -> new Adam(p, -0.001)),
                bad("^Adam: invalid beta1 1\\.5, must be in \\[0, 1\\)$", () -> new Adam(p).betas(1.5, 0.999)),
                bad("^Adam: invalid beta1 1\\.0, must be in \\[0, 1\\)$", () -> new Adam(p).betas(1.0, 0.999)),
                bad("^Adam: invalid beta1 -0\\.1, must be in \\[0, 1\\)$", () -> new Adam(p).betas(-0.1, 0.999)),
                bad("^Adam: invalid beta2 NaN, must be in \\[0, 1\\)$", () -> new Adam(p).betas(0.9, Double.NaN)),
                bad("^Adam: invalid beta2 Infinity", () -> new Adam(p).betas(0.9, Double.POSITIVE_INFINITY)),
                bad("^Adam: invalid eps -1\\.0E-8, must be finite and >= 0$", () -> new Adam(p).eps(-1e-8)),
                bad("^Adam: invalid eps NaN", () -> new Adam(p).eps(Double.NaN)),
                bad("^Adam: invalid weightDecay -0\\.01", () -> new Adam(p).weightDecay(-0.01)),
                bad("^AdamW: invalid beta2 1\\.0, must be in \\[0, 1\\)$", () -> new AdamW(p).betas(0.9, 1.0)),
                bad("^AdamW: invalid weightDecay NaN", () -> new AdamW(p).weightDecay(Double.NaN)),
                bad("^AdamW: invalid lr Infinity", () -> new AdamW(p, Double.POSITIVE_INFINITY)),
                bad("^RMSprop: invalid lr -0\\.01", () -> new RMSprop(p, -0.01)),
                bad("^RMSprop: invalid alpha -0\\.9, must be finite and >= 0$", () -> new RMSprop(p).alpha(-0.9)),
                bad("^RMSprop: invalid alpha NaN", () -> new RMSprop(p).alpha(Double.NaN)),
                bad("^RMSprop: invalid eps Infinity", () -> new RMSprop(p).eps(Double.POSITIVE_INFINITY)),
                bad("^RMSprop: invalid weightDecay -1\\.0", () -> new RMSprop(p).weightDecay(-1)),
                bad("^RMSprop: invalid momentum -0\\.5", () -> new RMSprop(p).momentum(-0.5)),
                bad("^StepLR: invalid stepSize 0, must be >= 1$", () -> new StepLR(new SGD(p, 0.1), 0, 0.1)),
                bad("^StepLR: invalid gamma NaN, must be finite and >= 0$", () -> new StepLR(new SGD(p, 0.1), 1, Double.NaN)),
                bad("^StepLR: invalid gamma -0\\.5", () -> new StepLR(new SGD(p, 0.1), 1, -0.5)),
                bad("^CosineAnnealingLR: invalid tMax -3, must be >= 1$", () -> new CosineAnnealingLR(new SGD(p, 0.1), -3, 0)),
                bad("^CosineAnnealingLR: invalid etaMin -1\\.0E-4", () -> new CosineAnnealingLR(new SGD(p, 0.1), 10, -1e-4)),
                bad("^CosineAnnealingLR: invalid etaMin Infinity", () -> new CosineAnnealingLR(new SGD(p, 0.1), 10, Double.POSITIVE_INFINITY)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidHyperParameters")
    void invalidHyperParametersAreRejected(String messageRegex, Executable construct) {
        var e = assertThrows(IllegalArgumentException.class, construct);
        assertTrue(java.util.regex.Pattern.compile(messageRegex).matcher(e.getMessage()).find(),
                "message '" + e.getMessage() + "' should match " + messageRegex);
    }

    @Test
    void invalidOptionLeavesThePreviousValue() {
        Adam adam = new Adam(List.of(Tensor.zeros(2).requiresGrad(true)));
        assertThrows(IllegalArgumentException.class, () -> adam.betas(0.5, 1.0));
        assertEquals(0.9, adam.beta1(), "a rejected pair changes neither beta");
        assertEquals(0.999, adam.beta2());
        assertEquals(1e-3, adam.lr());
        assertEquals(1e-2, new AdamW(adam.parameters()).weightDecay());
        assertEquals(1e-2, new RMSprop(adam.parameters()).lr());
    }

    @Test
    void badParameterListsAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(), 0.1));
        assertEquals("SGD: got an empty parameter list; an optimizer needs at least one tensor to update", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(Tensor.zeros(2).requiresGrad(true), Tensor.zeros(3, 2))));
        assertEquals("Adam: parameter 1 of shape [3, 2] does not require grad; call requiresGrad(true) on it, or leave it out of the list",
                e.getMessage());
        Tensor w = Tensor.zeros(2).requiresGrad(true);
        e = assertThrows(IllegalArgumentException.class, () -> new RMSprop(List.of(w, w)));
        assertEquals("RMSprop: parameters 0 and 1 are the same tensor; list each parameter once", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(w.mul(2f)), 0.1));
        assertTrue(e.getMessage().startsWith("SGD: parameter 0 of shape [2] is not a leaf (it comes from MulBackward)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(null, 0.1));
        assertTrue(e.getMessage().startsWith("SGD: params is null"), e.getMessage());
    }

    @Test
    void stepOnAReleasedParameterFailsBeforeChangingAnything() {
        Tensor a = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor b = Tensor.of(3f).requiresGrad(true);
        SGD sgd = new SGD(List.of(a, b), 0.1);
        setGrad(a, new float[] {1f, 1f});
        setGrad(b, new float[] {1f});
        b.close();
        var e = assertThrows(IllegalStateException.class, sgd::step);
        assertTrue(e.getMessage().startsWith("SGD.step: parameter 1: tensor of shape [1] was released"), e.getMessage());
        assertArrayEquals(new float[] {1f, 2f}, a.toFloatArray(), "parameter 0 must not be updated either");
        assertEquals(0, sgd.stepCount());
    }

    // ---- memory ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sgd", "adam", "adamw", "rmsprop", "trainer"})
    void steadyStateStepsAllocateNoNativeMemory(String which) {
        Tensor w1 = TestSupport.random(40, 0.3f, 16, 8).requiresGrad(true);
        Tensor b1 = Tensor.zeros(16).requiresGrad(true);
        Tensor w2 = TestSupport.random(41, 0.3f, 3, 16).requiresGrad(true);
        List<Tensor> ps = List.of(w1, b1, w2);
        Tensor x = TestSupport.random(42, 1f, 10, 8);
        Tensor y = Tensor.of(0, 1, 2, 0, 1, 2, 0, 1, 2, 0);
        Optimizer opt = switch (which) {
            case "sgd", "trainer" -> new SGD(ps, 0.05).momentum(0.9).nesterov(true).weightDecay(1e-4);
            case "adam" -> new Adam(ps, 0.01).amsgrad(true).weightDecay(1e-4);
            case "adamw" -> new AdamW(ps, 0.01);
            default -> new RMSprop(ps, 0.01).centered(true).momentum(0.5).weightDecay(1e-4);
        };
        Trainer trainer = new Trainer(ps, opt);
        long fresh = 0;
        float first = 0, last = 0;
        for (int step = 0; step < 52; step++) {
            try (var scope = MemoryScope.open()) {
                opt.zeroGrad();
                Tensor losses = Loss.crossEntropy(Gemm.linear(Gemm.linear(x, w1, b1).tanh(), w2, null), y);
                if (which.equals("trainer")) {
                    losses.sum().backward();
                    trainer.step(10);
                } else {
                    losses.mean().backward();
                    opt.step();
                }
                float loss = losses.mean().item();
                if (step == 0) first = loss;
                last = loss;
            }
            if (step == 1) fresh = Memory.stats().freshAllocations();
        }
        assertEquals(fresh, Memory.stats().freshAllocations(), which + ": fresh native allocations after 2 warm-up steps");
        assertTrue(last < first, which + " should reduce the loss: " + first + " -> " + last);
        assertTrue(opt.stateDict().size() > 1, "the optimizer kept state");
    }
}

package org.panagrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.panagrad.TestSupport.assertClose;
import static org.panagrad.TestSupport.random;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.panagrad.Autograd;
import org.panagrad.GradCheck;
import org.panagrad.Memory;
import org.panagrad.MemoryScope;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;
import org.panagrad.loss.CrossEntropyLoss;

/** Block, Linear, Sequential and the parameter-free blocks: values, naming, modes, errors, training. */
class BlockTest {

    /** A model written the way the seeds write one: children registered in field initialisers. */
    static class Net extends Block {
        Linear fc1 = register("fc1", new Linear(4, 8));
        Sequential body = register("body", new Sequential(new Linear(8, 8), new ReLU(), new Dropout(0.5), new Linear(8, 6)));
        Linear head = register("head", new Linear(6, 3, false));

        @Override
        public Tensor forward(Tensor x) {
            return head.forward(body.forward(fc1.forward(x).relu()));
        }
    }

    @Test
    void linearByHand() {
        Linear fc = new Linear(2, 3);
        fc.weight().set(Tensor.of(new float[][] {{1, 2}, {3, 4}, {5, 6}}));
        fc.bias().set(Tensor.of(0.5f, -1f, 0f));
        // [1, -1] . rows = -1, -1, -1; plus bias. [2, 0.5] . rows = 3, 8, 13.
        Tensor y = fc.forward(Tensor.of(new float[][] {{1, -1}, {2, 0.5f}}));
        assertArrayEquals(new int[] {2, 3}, y.shape());
        assertArrayEquals(new float[] {-0.5f, -2f, -1f, 3.5f, 7f, 13f}, y.toFloatArray(), 1e-6f);
        // A single 1-D sample gives a 1-D output.
        Tensor y1 = fc.forward(Tensor.of(2f, 0.5f));
        assertArrayEquals(new int[] {3}, y1.shape());
        assertArrayEquals(new float[] {3.5f, 7f, 13f}, y1.toFloatArray(), 1e-6f);
    }

    @Test
    void linearWithoutBias() {
        Linear fc = new Linear(2, 1, false);
        fc.weight().set(Tensor.of(new float[][] {{2, -3}}));
        assertNull(fc.bias());
        assertEquals(List.of("weight"), List.copyOf(fc.namedParameters().keySet()));
        assertArrayEquals(new float[] {-4f}, fc.forward(Tensor.of(new float[][] {{1, 2}})).toFloatArray(), 1e-6f);
        assertEquals("Linear(in_features=2, out_features=1, bias=false)", fc.toString());
        assertEquals(2, fc.numParameters());
    }

    @Test
    void linearBadInputNamesLinearInFeaturesAndTheShape() {
        Linear fc = new Linear(784, 128);
        var e = assertThrows(IllegalArgumentException.class, () -> fc.forward(Tensor.zeros(64, 783)));
        String m = e.getMessage();
        assertTrue(m.startsWith("Linear(") && m.contains("in_features=784") && m.contains("[64, 783]") && m.contains("783"), m);
        e = assertThrows(IllegalArgumentException.class, () -> fc.forward(Tensor.scalar(1f)));
        assertTrue(e.getMessage().contains("[]"), e.getMessage());
        for (int[] bad : new int[][] {{0, 3}, {3, 0}, {-1, 2}}) {
            e = assertThrows(IllegalArgumentException.class, () -> new Linear(bad[0], bad[1]));
            assertTrue(e.getMessage().contains("in_features=" + bad[0]) && e.getMessage().contains("out_features=" + bad[1]), e.getMessage());
        }
    }

    @Test
    void linearDefaultInitIsTorchsUniform() {
        Panagrad.manualSeed(1);
        Linear fc = new Linear(400, 300);
        double bound = 1 / Math.sqrt(400);
        for (Tensor p : List.of(fc.weight(), fc.bias())) {
            float[] v = p.toFloatArray();
            double max = 0, sum = 0, sq = 0;
            for (float f : v) {
                max = Math.max(max, Math.abs(f));
                sum += f;
                sq += (double) f * f;
            }
            double mean = sum / v.length, std = Math.sqrt(sq / v.length - mean * mean);
            assertTrue(max <= bound, "max " + max + " > bound " + bound);
            assertTrue(max > 0.98 * bound, "max " + max + " far below bound " + bound);
            assertEquals(0, mean, 6 * bound / Math.sqrt(3 * v.length), "mean");
            if (v.length > 1000) assertEquals(bound / Math.sqrt(3), std, 0.02 * bound, "std");
        }
    }

    @Test
    void parametersAreLeavesRequiringGradCreatedOutsideStepScopes() {
        Linear fc;
        try (var step = MemoryScope.open()) {
            fc = new Linear(3, 2);
            fc.forward(Tensor.ones(1, 3)).sum().backward();
        }
        for (Tensor p : fc.parameters()) {
            assertFalse(p.isReleased());
            assertTrue(p.requiresGrad() && p.isLeaf());
            assertFalse(p.grad().isReleased());
        }
        assertArrayEquals(new int[] {2, 3}, fc.weight().shape());
        assertArrayEquals(new int[] {2}, fc.bias().shape());
    }

    @Test
    void seededInitReproduces() {
        Panagrad.manualSeed(42);
        Net a = new Net();
        Panagrad.manualSeed(42);
        Net b = new Net();
        var pa = a.parameters();
        var pb = b.parameters();
        for (int i = 0; i < pa.size(); i++) assertArrayEquals(pa.get(i).toFloatArray(), pb.get(i).toFloatArray());
        assertFalse(java.util.Arrays.equals(pa.get(0).toFloatArray(), new Net().parameters().get(0).toFloatArray()));
    }

    @Test
    void namedParametersOfNestedBlocksHaveStableDottedNames() {
        Net net = new Net();
        List<String> expected = List.of("fc1.weight", "fc1.bias", "body.0.weight", "body.0.bias", "body.3.weight", "body.3.bias",
                "head.weight");
        assertEquals(expected, List.copyOf(net.namedParameters().keySet()));
        assertEquals(List.copyOf(net.namedParameters().values()), net.parameters());
        assertSame(net.fc1.weight(), net.parameters().get(0));
        assertSame(((Linear) net.body.get(3)).bias(), net.namedParameters().get("body.3.bias"));
        assertEquals(4 * 8 + 8 + 8 * 8 + 8 + 8 * 6 + 6 + 6 * 3, net.numParameters());
        assertEquals(List.of("fc1", "body", "head"), List.copyOf(net.namedChildren().keySet()));
        // Same order on every call.
        assertEquals(expected, List.copyOf(net.namedParameters().keySet()));
    }

    @Test
    void sharedParametersAreListedOnce() {
        Linear shared = new Linear(3, 3);
        Sequential s = new Sequential(shared, new Tanh(), shared);
        assertEquals(List.of("0.weight", "0.bias"), List.copyOf(s.namedParameters().keySet()));
        assertEquals(12, s.numParameters());
    }

    @Test
    void registrationErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Block() {
            Linear a = register("a", new Linear(1, 1));
            Linear b = register("a", new Linear(1, 1));

            @Override
            public Tensor forward(Tensor x) {
                return x;
            }
        });
        assertTrue(e.getMessage().contains("'a' is already registered"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Block() {
            Linear a = register("a.b", new Linear(1, 1));

            @Override
            public Tensor forward(Tensor x) {
                return x;
            }
        });
        assertTrue(e.getMessage().contains("'a.b'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Block() {
            Tensor w = registerParameter("w", Tensor.ones(2).requiresGrad(true).mul(2f));

            @Override
            public Tensor forward(Tensor x) {
                return x;
            }
        });
        assertTrue(e.getMessage().contains("leaf") && e.getMessage().contains("MulBackward"), e.getMessage());
    }

    @Test
    void customParameterIsRegisteredAndRequiresGrad() {
        Block scale = new Block() {
            final Tensor s = registerParameter("scale", Tensor.full(2f, 3));

            @Override
            public Tensor forward(Tensor x) {
                return x.mul(s);
            }
        };
        assertEquals(List.of("scale"), List.copyOf(scale.namedParameters().keySet()));
        Tensor p = scale.parameters().get(0);
        assertTrue(p.requiresGrad());
        scale.forward(Tensor.of(1f, 2f, 3f)).sum().backward();
        assertArrayEquals(new float[] {1, 2, 3}, p.grad().toFloatArray());
        scale.zeroGrad();
        assertArrayEquals(new float[] {0, 0, 0}, p.grad().toFloatArray());
        assertEquals("Block()", scale.toString());
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        Net net = new Net();
        assertTrue(net.isTraining() && net.body.get(2).isTraining());
        assertSame(net, net.eval());
        for (Block b : List.of(net, net.fc1, net.body, net.body.get(0), net.body.get(2), net.head)) assertFalse(b.isTraining());
        net.train();
        for (Block b : List.of(net, net.fc1, net.body, net.body.get(2), net.head)) assertTrue(b.isTraining());
        net.body.eval(); // a subtree alone
        assertTrue(net.isTraining() && net.fc1.isTraining());
        assertFalse(net.body.get(2).isTraining());
    }

    @Test
    void zeroGradZeroesEveryParameterGradient() {
        Net net = new Net();
        net.eval();
        net.forward(random(3, 1, 5, 4)).sum().backward();
        assertTrue(net.parameters().stream().anyMatch(p -> p.grad() != null && p.grad().norm().item() > 0));
        net.zeroGrad();
        for (Tensor p : net.parameters()) assertEquals(0f, p.grad().norm().item());
    }

    @Test
    void printsLikeTorch() {
        Sequential s = new Sequential(new Linear(784, 128), new ReLU(), new Dropout(0.2), new Linear(128, 10), new LogSoftmax(1));
        assertEquals("""
                Sequential(
                  (0): Linear(in_features=784, out_features=128, bias=true)
                  (1): ReLU()
                  (2): Dropout(p=0.2)
                  (3): Linear(in_features=128, out_features=10, bias=true)
                  (4): LogSoftmax(dim=1)
                )""", s.toString());
        assertEquals("""
                Net(
                  (fc1): Linear(in_features=4, out_features=8, bias=true)
                  (body): Sequential(
                    (0): Linear(in_features=8, out_features=8, bias=true)
                    (1): ReLU()
                    (2): Dropout(p=0.5)
                    (3): Linear(in_features=8, out_features=6, bias=true)
                  )
                  (head): Linear(in_features=6, out_features=3, bias=false)
                )""", new Net().toString());
    }

    @Test
    void applyVisitsChildrenBeforeParentsInOrder() {
        Net net = new Net();
        List<String> visited = new java.util.ArrayList<>();
        assertSame(net, net.apply(b -> visited.add(b.getClass().getSimpleName())));
        assertEquals(List.of("Linear", "Linear", "ReLU", "Dropout", "Linear", "Sequential", "Linear", "Net"), visited);
        net.apply(b -> {
            if (b instanceof Linear l) Init.constant(l.weight(), 0.25);
        });
        assertArrayEquals(new float[] {0.25f, 0.25f}, java.util.Arrays.copyOf(net.head.weight().toFloatArray(), 2));
        assertEquals(0.25f, ((Linear) net.body.get(3)).weight().getFloat(5, 7));
    }

    @Test
    void sequentialGetSizeAdd() {
        Sequential s = new Sequential(new Linear(2, 2));
        assertEquals(1, s.size());
        assertSame(s, s.add(new Tanh()));
        assertEquals(2, s.size());
        assertTrue(s.get(1) instanceof Tanh && s.get(-1) instanceof Tanh);
        assertThrows(IndexOutOfBoundsException.class, () -> s.get(2));
        assertThrows(IllegalArgumentException.class, () -> s.add(null));
        Tensor x = Tensor.of(new float[][] {{1f, -2f}});
        Tensor expected = ((Linear) s.get(0)).forward(x).tanh();
        assertArrayEquals(expected.toFloatArray(), s.forward(x).toFloatArray(), 1e-6f);
        assertSame(x, new Sequential().forward(x));
    }

    @Test
    void parameterFreeBlocksByValue() {
        Tensor x = Tensor.of(new float[][] {{-1f, 0f, 2f}, {0.5f, -3f, 1f}});
        assertArrayEquals(new float[] {0, 0, 2, 0.5f, 0, 1}, new ReLU().forward(x).toFloatArray());
        assertEquals(0.5f, new Sigmoid().forward(Tensor.of(0f)).item(), 1e-7);
        assertEquals(1 / (1 + Math.exp(-2)), new Sigmoid().forward(Tensor.of(2f)).item(), 1e-6);
        assertEquals(Math.tanh(-0.7), new Tanh().forward(Tensor.of(-0.7f)).item(), 1e-6);
        Tensor sm = new Softmax(1).forward(x);
        double z = Math.exp(-1) + Math.exp(0) + Math.exp(2);
        assertClose(new float[] {(float) (Math.exp(-1) / z), (float) (1 / z), (float) (Math.exp(2) / z)},
                sm.get(0).toFloatArray(), 1e-6, 1e-7, "softmax row 0");
        assertArrayEquals(new float[] {1f, 1f}, sm.sum(1).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1f, 1f, 1f}, new Softmax(0).forward(x).sum(0).toFloatArray(), 1e-6f);
        assertClose(new float[] {(float) (-1 - Math.log(z)), (float) -Math.log(z), (float) (2 - Math.log(z))},
                new LogSoftmax(-1).forward(x).get(0).toFloatArray(), 1e-6, 1e-6, "logSoftmax row 0");
        var e = assertThrows(IllegalArgumentException.class, () -> new Softmax(2).forward(x));
        assertTrue(e.getMessage().contains("dim 2") && e.getMessage().contains("[2, 3]"), e.getMessage());
        Tensor img = Tensor.arange(0, 24, 1).reshape(2, 3, 4);
        Tensor flat = new Flatten().forward(img);
        assertArrayEquals(new int[] {2, 12}, flat.shape());
        assertArrayEquals(img.toFloatArray(), flat.toFloatArray());
        assertSame(x, new Identity().forward(x));
    }

    @Test
    void dropoutEvalIsIdentity() {
        Dropout d = new Dropout(0.5);
        d.eval();
        Tensor x = random(1, 1, 10, 10);
        assertSame(x, d.forward(x));
        assertSame(x, new Dropout(0).forward(x));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.5, 0.8})
    void dropoutTrainZeroesAboutPAndScalesSurvivors(double p) {
        Panagrad.manualSeed(5);
        Tensor x = Tensor.full(2f, 200, 500).requiresGrad(true);
        Tensor y = new Dropout(p).forward(x);
        float[] v = y.toFloatArray();
        int zeros = 0;
        float kept = (float) (2 / (1 - p));
        for (float f : v) {
            if (f == 0f) zeros++;
            else assertEquals(kept, f, 1e-5 * kept);
        }
        double frac = zeros / (double) v.length;
        assertEquals(p, frac, 5 * Math.sqrt(p * (1 - p) / v.length), "fraction dropped");
        // Backward: the gradient of sum is the mask itself, 0 or 1/(1-p).
        y.sum().backward();
        float[] g = x.grad().toFloatArray();
        for (int i = 0; i < v.length; i++) assertEquals(v[i] == 0f ? 0f : kept / 2, g[i], 1e-5);
    }

    @Test
    void dropoutIsReproducibleUnderASeed() {
        Dropout d = new Dropout(0.3);
        Tensor x = Tensor.ones(50, 40);
        Panagrad.manualSeed(99);
        float[] a = d.forward(x).toFloatArray();
        float[] a2 = d.forward(x).toFloatArray();
        Panagrad.manualSeed(99);
        float[] b = d.forward(x).toFloatArray();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, a2), "successive masks differ");
    }

    @Test
    void dropoutRejectsBadP() {
        for (double p : new double[] {1, -0.1, 1.5, Double.NaN}) {
            var e = assertThrows(IllegalArgumentException.class, () -> new Dropout(p));
            assertTrue(e.getMessage().startsWith("Dropout:") && e.getMessage().contains(String.valueOf(p)), e.getMessage());
        }
    }

    @Test
    void gradientCheckThroughASmallSequential() {
        Panagrad.manualSeed(11);
        Sequential s = new Sequential(new Linear(4, 5), new Tanh(), new Linear(5, 3), new Sigmoid(), new Linear(3, 2), new Softmax(1));
        Tensor x = random(12, 1.5f, 3, 4).requiresGrad(true);
        List<Tensor> ps = s.parameters();
        Tensor[] inputs = new Tensor[ps.size() + 1];
        inputs[0] = x;
        for (int i = 0; i < ps.size(); i++) inputs[i + 1] = ps.get(i);
        // The model reads its own parameters; GradCheck perturbs those same tensors in place.
        GradCheck.Result r = GradCheck.check(in -> s.forward(in[0]), 1e-2, 1e-3, 1e-2, inputs);
        assertTrue(r.passed(), r.toString());
        assertEquals(3 * 4 + (int) s.numParameters(), r.elementsChecked());
    }

    @Test
    void tinyMlpTrainedWithHandWrittenSgdLowersTheLoss() {
        Panagrad.manualSeed(2024);
        // Two interleaved classes in 2-D that no linear model separates: the sign of x*y.
        int n = 64;
        float[][] pts = new float[n][2];
        float[] labels = new float[n];
        var rng = new java.util.SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            pts[i][0] = (float) (rng.nextDouble() * 2 - 1);
            pts[i][1] = (float) (rng.nextDouble() * 2 - 1);
            labels[i] = pts[i][0] * pts[i][1] > 0 ? 1 : 0;
        }
        Tensor x = Tensor.of(pts), y = Tensor.of(labels);
        Sequential model = new Sequential(new Linear(2, 32), new ReLU(), new Linear(32, 2));
        CrossEntropyLoss criterion = new CrossEntropyLoss();
        float first = Float.NaN, last = Float.NaN;
        for (int step = 0; step < 300; step++) {
            try (var scope = MemoryScope.open()) {
                model.zeroGrad();
                Tensor loss = criterion.forward(model.forward(x), y);
                loss.backward();
                try (var g = Autograd.noGrad()) {
                    for (Tensor p : model.parameters()) p.set(p.sub(p.grad().mul(0.5f)));
                }
                last = loss.item();
                if (step == 0) first = last;
            }
        }
        assertTrue(last < 0.5f * first, "loss went from " + first + " to " + last);
        Tensor predicted = model.eval().forward(x).argmax(1);
        int correct = 0;
        for (int i = 0; i < n; i++) if (predicted.toFloatArray()[i] == labels[i]) correct++;
        assertTrue(correct >= 0.85 * n, correct + " of " + n + " correct");
    }

    @Test
    void trainingWithBlocksAndLossesReachesAMemorySteadyState() {
        Panagrad.manualSeed(8);
        Sequential model = new Sequential(new Flatten(), new Linear(20, 32), new ReLU(), new Dropout(0.25), new Linear(32, 5));
        Tensor x = Tensor.randn(16, 4, 5);
        Tensor y = Tensor.of(0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0);
        CrossEntropyLoss criterion = new CrossEntropyLoss();
        long freshAfterWarmup = 0;
        for (int step = 0; step < 60; step++) {
            try (var scope = MemoryScope.open()) {
                model.zeroGrad();
                Tensor loss = criterion.forward(model.forward(x), y);
                loss.backward();
                try (var g = Autograd.noGrad()) {
                    for (Tensor p : model.parameters()) p.set(p.sub(p.grad().mul(0.05f)));
                }
            }
            if (step == 10) freshAfterWarmup = Memory.stats().freshAllocations();
        }
        assertEquals(freshAfterWarmup, Memory.stats().freshAllocations(), "fresh native allocations after warm-up");
        for (Tensor p : model.parameters()) assertFalse(p.isReleased() || p.grad().isReleased());
    }
}

package org.panagrad.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's bookkeeping: shape table, row names shared with the C and PyTorch harnesses, failure parsing, chart. */
class RunnerTest {

    @Test
    void gemmShapesAreTheSquaresAndTheMlpProducts() {
        assertEquals(4 + 2 * 9, GemmShapes.ALL.size());
        // 784-128-64-10 at batch 64: y = x W^T is [64,784] x [784,128]^T ... stored W is [128,784].
        assertEquals(new GemmShapes.Shape("mlp1_fwd_b64", 64, 128, 784, false, true), GemmShapes.get("mlp1_fwd_b64"));
        // dx = dy W: [64,128] x [128,784]
        assertEquals(new GemmShapes.Shape("mlp1_dx_b64", 64, 784, 128, false, false), GemmShapes.get("mlp1_dx_b64"));
        // dW = dy^T x: [128,64] x [64,784], dy stored as [64,128]
        assertEquals(new GemmShapes.Shape("mlp1_dw_b64", 128, 784, 64, true, false), GemmShapes.get("mlp1_dw_b64"));
        assertEquals(new GemmShapes.Shape("mlp3_dw_b256", 10, 64, 256, true, false), GemmShapes.get("mlp3_dw_b256"));
        assertEquals(2.0 * 512 * 512 * 512, GemmShapes.get("512x512x512").flops());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmShapes.get("7x7x7"));
        assertTrue(e.getMessage().contains("'7x7x7'"), e.getMessage());
    }

    @Test
    void gemmBenchParametersCoverEveryShapeInOrder() throws Exception {
        String[] values = GemmBench.class.getField("shape").getAnnotation(org.openjdk.jmh.annotations.Param.class).value();
        assertArrayEquals(GemmShapes.ALL.keySet().toArray(String[]::new), values);
    }

    @Test
    void rowKeysUseTheHarnessNames() {
        Map<String, String> p = Map.of("shape", "mlp2_dx_b256", "op", "sigmoid", "n", "1000", "batch", "64");
        assertEquals("gemm_mlp2_dx_b256", Runner.rowKey("org.panagrad.bench.GemmBench.gemm", p::get));
        assertEquals("elementwise_sigmoid_1000", Runner.rowKey("org.panagrad.bench.ElementwiseBench.forwardBackward", p::get));
        Map<String, String> q = Map.of("shape", "4096x1000");
        assertEquals("log_softmax_4096x1000", Runner.rowKey("org.panagrad.bench.SoftmaxBench.logSoftmax", q::get));
        assertEquals("softmax_4096x1000", Runner.rowKey("org.panagrad.bench.SoftmaxBench.softmax", q::get));
        assertEquals("train_step_mlp_b64", Runner.rowKey("org.panagrad.bench.TrainStepBench.step", p::get));
        assertEquals("optim_sgd_momentum_mlp", Runner.rowKey("org.panagrad.bench.OptimBench.sgdMomentum", p::get));
        assertEquals("autograd_mul_4", Runner.rowKey("org.panagrad.bench.TapeBench.mulBackward", p::get));
        assertEquals("NewBench.run", Runner.rowKey("org.panagrad.bench.NewBench.run", p::get));
    }

    @Test
    void torchHarnessNamesTheSameGemmShapes() throws Exception {
        // torch_bench.py builds its MLP shapes with mlp_gemm_shapes(); its labels must be ours (gemm_ + name).
        String script = Files.readString(Runner.inRepository(Path.of("bench/python/torch_bench.py")));
        assertTrue(script.contains("f\"mlp{i + 1}_fwd_b{batch}\""), "torch_bench.py forward label changed");
        assertTrue(script.contains("f\"mlp{i + 1}_dx_b{batch}\""), "torch_bench.py dx label changed");
        assertTrue(script.contains("f\"mlp{i + 1}_dw_b{batch}\""), "torch_bench.py dw label changed");
        assertTrue(script.contains("\"autograd_mul_4\""), "torch_bench.py lacks the TapeBench row");
    }

    @Test
    void progressTeeKeepsTheLogAndCollectsFailures() {
        Runner.ProgressTee.failures.clear();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream savedErr = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try (PrintStream out = new PrintStream(new Runner.ProgressTee(log), true, StandardCharsets.UTF_8)) {
            out.println("# Benchmark: org.panagrad.bench.TapeBench.mulBackward");
            out.println("# Parameters: (backend = java)");
            out.println("# Warmup Iteration   1: <failure>");
            out.println("");
            out.println("java.lang.UnsupportedOperationException: not yet");
            out.println("\tat org.panagrad.kernels.JavaKernels.runtimeSetThreads(JavaKernels.java:8)");
        } finally {
            System.setErr(savedErr);
        }
        assertEquals(List.of("TapeBench.mulBackward (backend = java): java.lang.UnsupportedOperationException: not yet"),
                Runner.ProgressTee.failures);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("\tat org.panagrad.kernels.JavaKernels"), "log keeps everything");
        Runner.ProgressTee.failures.clear();
    }

    @Test
    void chartIsWrittenWithMissingValues(@TempDir Path dir) throws Exception {
        Map<String, Map<String, Runner.Stat>> jmh = new LinkedHashMap<>();
        jmh.put("gemm_128x128x128", Map.of("native", new Runner.Stat(35, 34, 36, 100)));
        jmh.put("autograd_mul_4", Map.of("native", new Runner.Stat(0.33, 0.32, 0.35, 100), "java", new Runner.Stat(0.6, 0.5, 0.7, 100)));
        Map<String, Runner.Stat> c = Map.of("gemm_128x128x128", new Runner.Stat(34, 33, 35, 100));
        Map<String, Runner.Stat> torch = Map.of("autograd_mul_4", new Runner.Stat(8.5, 8, 9, 100));
        Path png = dir.resolve("ratios.png");
        Chart.write(png, List.of("gemm_128x128x128", "autograd_mul_4", "optim_adam_mlp"), jmh, c, torch);
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head);
        assertThrows(IllegalStateException.class, () -> Chart.write(dir.resolve("none.png"), List.of("x"), Map.of(), Map.of(), Map.of()));
    }

    @Test
    void jvmFlagsComeFromTheRootPom() {
        assertArrayEquals(new String[] {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"}, Runner.jvmFlags());
    }
}

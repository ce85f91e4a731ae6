package org.panagrad.bench;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.panagrad.Autograd;
import org.panagrad.Memory;
import org.panagrad.MemoryScope;
import org.panagrad.MemoryStats;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;
import org.panagrad.kernels.Kernels;
import org.panagrad.ops.Loss;

/**
 * A full training step of the 784-128-64-10 ReLU MLP, the same work as PyTorch's {@code zero_grad; loss =
 * CrossEntropyLoss(model(x), y); loss.backward(); Adam.step()}, in a {@link MemoryScope} per step:
 * zero the gradients, forward with {@code Gemm.linear}, mean {@code Loss.crossEntropy}, backward, and an Adam
 * update per parameter through {@code Panagrad.kernels().optimAdam} under {@link Autograd#noGrad()}.
 *
 * <p>It also counts the caching allocator's fresh native allocations made during the measurement iterations
 * (steady state must make none): printed at tear-down, and appended as one JSON line to the file named by
 * {@code -Dpanagrad.bench.statsFile} when set (the runner reads it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class TrainStepBench {
    @Param({"native", "java"})
    public String backend;

    @Param({"64", "256"})
    public int batch;

    private Kernels k;
    private Mlp mlp;
    private Tensor x, y;
    private Tensor[] m, v;
    private long step;

    private boolean measuring;
    private MemoryStats iterationStart;
    private long measuredSteps, measuredFresh, measuredFreshBytes, measuredIterations;
    private MemoryStats trialStart;

    /** Selects the backend; creates the model, Adam state and one fixed batch (outside any scope). */
    @Setup(Level.Trial)
    public void setUp() {
        BenchSupport.useBackend(backend);
        k = Panagrad.kernels();
        Panagrad.manualSeed(5);
        mlp = new Mlp();
        m = new Tensor[mlp.params.length];
        v = new Tensor[mlp.params.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = Tensor.zeros(mlp.params[i].shape());
            v[i] = Tensor.zeros(mlp.params[i].shape());
        }
        x = Tensor.randn(batch, Mlp.DIMS[0]);
        float[] labels = new float[batch];
        for (int i = 0; i < batch; i++) labels[i] = (i * 7) % Mlp.DIMS[Mlp.DIMS.length - 1];
        y = Tensor.fromArray(labels, batch);
        trialStart = Memory.stats();
    }

    /** Notes the allocator counters at the start of a measurement iteration. */
    @Setup(Level.Iteration)
    public void iterationStart(IterationParams params) {
        measuring = params.getType() == IterationType.MEASUREMENT;
        iterationStart = Memory.stats();
    }

    /** One training step; returns the loss so the JIT cannot drop the work. */
    @Benchmark
    public float step() {
        float lossValue;
        try (var scope = MemoryScope.open()) {
            for (Tensor p : mlp.params) p.zeroGrad();
            Tensor loss = Loss.crossEntropy(mlp.forward(x), y).mean();
            loss.backward();
            step++;
            try (var ng = Autograd.noGrad()) {
                for (int i = 0; i < mlp.params.length; i++) {
                    Tensor p = mlp.params[i];
                    k.optimAdam(p.numel(), p.segment(), p.grad().segment(), m[i].segment(), v[i].segment(),
                            MemorySegment.NULL, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, step, false, false);
                }
            }
            lossValue = loss.item();
        }
        if (measuring) measuredSteps++;
        return lossValue;
    }

    /** Adds this measurement iteration's fresh native allocations to the totals. */
    @TearDown(Level.Iteration)
    public void iterationEnd() {
        if (!measuring) return;
        MemoryStats now = Memory.stats();
        measuredFresh += now.freshAllocations() - iterationStart.freshAllocations();
        measuredFreshBytes += now.freshBytes() - iterationStart.freshBytes();
        measuredIterations++;
    }

    /** Prints the allocator counters and, with {@code -Dpanagrad.bench.statsFile}, appends them as JSON. */
    @TearDown(Level.Trial)
    public void report() throws IOException {
        MemoryStats end = Memory.stats();
        String line = String.format(Locale.ROOT,
                "{\"benchmark\": \"train_step_mlp_b%d\", \"backend\": \"%s\", \"measuredSteps\": %d, \"measuredIterations\": %d, "
                        + "\"freshAllocationsDuringMeasurement\": %d, \"freshBytesDuringMeasurement\": %d, "
                        + "\"freshAllocationsTrial\": %d, \"reusedAllocationsTrial\": %d, \"bytesInUse\": %d, \"bytesCached\": %d, "
                        + "\"finalLoss\": %s}",
                batch, backend, measuredSteps, measuredIterations, measuredFresh, measuredFreshBytes,
                end.freshAllocations() - trialStart.freshAllocations(), end.reusedAllocations() - trialStart.reusedAllocations(),
                end.bytesInUse(), end.bytesCached(), finiteOrNull(lastLoss()));
        System.out.println("[memory] " + line);
        String file = System.getProperty("panagrad.bench.statsFile");
        if (file != null && !file.isBlank()) {
            Files.writeString(Path.of(file), line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private float lastLoss() {
        try (var scope = MemoryScope.open(); var ng = Autograd.noGrad()) {
            return Loss.crossEntropy(mlp.forward(x), y).mean().item();
        }
    }

    private static String finiteOrNull(float f) {
        return Float.isFinite(f) ? Float.toString(f) : "null";
    }
}

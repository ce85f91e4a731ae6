package org.panagrad.bench;

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
import org.panagrad.MemoryScope;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;
import org.panagrad.ops.Loss;

/** Fused cross-entropy forward + backward: {@code Loss.crossEntropy(logits, labels).mean().backward()}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class CrossEntropyBench {
    @Param({"native", "java"})
    public String backend;

    @Param({"64x10", "256x10"})
    public String shape;

    private Tensor logits, labels;

    /** Selects the backend and creates logits and labels. */
    @Setup(Level.Trial)
    public void setUp() {
        BenchSupport.useBackend(backend);
        Panagrad.manualSeed(3);
        String[] rc = shape.split("x");
        int rows = Integer.parseInt(rc[0]), cols = Integer.parseInt(rc[1]);
        logits = Tensor.randn(rows, cols).requiresGrad(true);
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) y[i] = (i * 7) % cols;
        labels = Tensor.fromArray(y, rows);
    }

    /** Mean cross-entropy and its backward. */
    @Benchmark
    public void crossEntropy() {
        try (var step = MemoryScope.open()) {
            Loss.crossEntropy(logits, labels).mean().backward();
        }
    }
}

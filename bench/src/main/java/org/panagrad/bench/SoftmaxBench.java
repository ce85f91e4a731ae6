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

/**
 * Softmax and log-softmax over the last axis, forward + backward through the tensor API in a {@link MemoryScope} ({@code shape} is {@code rows x cols}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class SoftmaxBench {
    @Param({"native", "java"})
    public String backend;

    @Param({"256x10", "4096x1000"})
    public String shape;

    private Tensor x, g;

    /** Selects the backend and creates x and the head gradient. */
    @Setup(Level.Trial)
    public void setUp() {
        BenchSupport.useBackend(backend);
        Panagrad.manualSeed(2);
        String[] rc = shape.split("x");
        int rows = Integer.parseInt(rc[0]), cols = Integer.parseInt(rc[1]);
        x = Tensor.randn(rows, cols).requiresGrad(true);
        g = Tensor.randn(rows, cols);
    }

    /** {@code x.softmax(1).backward(g)}. */
    @Benchmark
    public void softmax() {
        try (var step = MemoryScope.open()) {
            x.softmax(1).backward(g);
        }
    }

    /** {@code x.logSoftmax(1).backward(g)}. */
    @Benchmark
    public void logSoftmax() {
        try (var step = MemoryScope.open()) {
            x.logSoftmax(1).backward(g);
        }
    }
}

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
import org.panagrad.Tensor;

/**
 * Autograd overhead: one recorded small op, {@code a.mul(b)} on 4-element tensors requiring grad, plus its
 * backward, in a {@link MemoryScope}; the kernels do next to nothing, so this is the tape's cost per op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class TapeBench {
    @Param({"native", "java"})
    public String backend;

    private Tensor a, b, g;

    /** Selects the backend and creates the leaves and the head gradient. */
    @Setup(Level.Trial)
    public void setUp() {
        BenchSupport.useBackend(backend);
        a = Tensor.of(1f, 2f, 3f, 4f).requiresGrad(true);
        b = Tensor.of(0.5f, -1f, 2f, 0.25f).requiresGrad(true);
        g = Tensor.ones(4);
    }

    /** {@code a.mul(b).backward(g)}. */
    @Benchmark
    public void mulBackward() {
        try (var step = MemoryScope.open()) {
            a.mul(b).backward(g);
        }
    }
}

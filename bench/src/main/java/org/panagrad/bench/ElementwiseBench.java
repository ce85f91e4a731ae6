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
 * Elementwise forward + backward through the tensor API, as a user runs it: {@code out = op(a[, b])} recorded
 * on the tape, then {@code out.backward(g)}, in a {@link MemoryScope}. The leaves' gradients accumulate across
 * invocations (one extra add, where PyTorch's harness writes a fresh {@code .grad}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class ElementwiseBench {
    @Param({"native", "java"})
    public String backend;

    @Param({"add", "mul", "relu", "sigmoid"})
    public String op;

    @Param({"1000", "100000", "1000000"})
    public int n;

    private Tensor a, b, g;

    /** Selects the backend and creates the inputs (outside any scope, so they live for the trial). */
    @Setup(Level.Trial)
    public void setUp() {
        BenchSupport.useBackend(backend);
        Panagrad.manualSeed(1);
        a = Tensor.randn(n).requiresGrad(true);
        b = Tensor.randn(n).requiresGrad(true);
        g = Tensor.randn(n);
    }

    /** One forward and its backward. */
    @Benchmark
    public void forwardBackward() {
        try (var step = MemoryScope.open()) {
            Tensor out = switch (op) {
                case "add" -> a.add(b);
                case "mul" -> a.mul(b);
                case "relu" -> a.relu();
                case "sigmoid" -> a.sigmoid();
                default -> throw new IllegalArgumentException("ElementwiseBench: unknown op '" + op + "'");
            };
            out.backward(g);
        }
    }
}

package org.panagrad.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
import org.panagrad.Panagrad;
import org.panagrad.kernels.Kernels;

/** {@code Kernels.gemm} (alpha 1, beta 0) on preallocated segments, for every shape of {@link GemmShapes}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class GemmBench {
    @Param({"native", "java"})
    public String backend;

    @Param({"128x128x128", "256x256x256", "512x512x512", "1024x1024x1024",
            "mlp1_fwd_b64", "mlp1_dx_b64", "mlp1_dw_b64", "mlp2_fwd_b64", "mlp2_dx_b64", "mlp2_dw_b64",
            "mlp3_fwd_b64", "mlp3_dx_b64", "mlp3_dw_b64",
            "mlp1_fwd_b256", "mlp1_dx_b256", "mlp1_dw_b256", "mlp2_fwd_b256", "mlp2_dx_b256", "mlp2_dw_b256",
            "mlp3_fwd_b256", "mlp3_dx_b256", "mlp3_dw_b256"})
    public String shape;

    private Arena arena;
    private Kernels k;
    private GemmShapes.Shape s;
    private MemorySegment a, b, c;
    private long lda, ldb;

    /** Selects the backend and allocates A, B (random) and C. */
    @Setup(Level.Trial)
    public void setUp() {
        BenchSupport.useBackend(backend);
        k = Panagrad.kernels();
        s = GemmShapes.get(shape);
        arena = Arena.ofShared();
        a = BenchSupport.randomSegment(arena, (long) s.m() * s.k(), 1);
        b = BenchSupport.randomSegment(arena, (long) s.k() * s.n(), 2);
        c = BenchSupport.randomSegment(arena, (long) s.m() * s.n(), 3);
        lda = s.transA() ? s.m() : s.k();
        ldb = s.transB() ? s.k() : s.n();
    }

    /** One product. */
    @Benchmark
    public void gemm() {
        k.gemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, lda, b, ldb, 0f, c, s.n());
    }

    /** Frees the buffers. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (arena != null) arena.close();
    }
}

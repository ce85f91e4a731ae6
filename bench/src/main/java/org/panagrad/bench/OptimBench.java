package org.panagrad.bench;

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
import org.panagrad.Panagrad;
import org.panagrad.Tensor;
import org.panagrad.kernels.Kernels;

/**
 * One optimizer update over every parameter of the 784-128-64-10 MLP ({@link Mlp}, 109,386 floats), with the
 * kernels torch.optim's defaults map to: Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8) and SGD with momentum 0.9.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class OptimBench {
    @Param({"native", "java"})
    public String backend;

    private Kernels k;
    private MemorySegment[] p, g, m, v, buf;
    private long[] n;
    private long step;

    /** Selects the backend; creates parameters, random gradients and zeroed optimizer state. */
    @Setup(Level.Trial)
    public void setUp() {
        BenchSupport.useBackend(backend);
        k = Panagrad.kernels();
        Panagrad.manualSeed(4);
        Mlp mlp = new Mlp();
        int c = mlp.params.length;
        p = new MemorySegment[c];
        g = new MemorySegment[c];
        m = new MemorySegment[c];
        v = new MemorySegment[c];
        buf = new MemorySegment[c];
        n = new long[c];
        keep = new Tensor[c * 5];
        for (int i = 0; i < c; i++) {
            Tensor param = mlp.params[i];
            int[] shape = param.shape();
            Tensor[] ts = {param, Tensor.randn(shape).mul(1e-2f), Tensor.zeros(shape), Tensor.zeros(shape), Tensor.zeros(shape)};
            System.arraycopy(ts, 0, keep, 5 * i, 5);
            p[i] = ts[0].segment();
            g[i] = ts[1].segment();
            m[i] = ts[2].segment();
            v[i] = ts[3].segment();
            buf[i] = ts[4].segment();
            n[i] = param.numel();
        }
    }

    // Strong references: the segments above belong to these tensors.
    private Tensor[] keep;

    /** {@code torch.optim.Adam.step()} over all parameters. */
    @Benchmark
    public void adam() {
        step++;
        for (int i = 0; i < p.length; i++) {
            k.optimAdam(n[i], p[i], g[i], m[i], v[i], MemorySegment.NULL, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, step, false, false);
        }
    }

    /** {@code torch.optim.SGD(lr=0.01, momentum=0.9).step()} over all parameters. */
    @Benchmark
    public void sgdMomentum() {
        boolean first = step++ == 0;
        for (int i = 0; i < p.length; i++) {
            k.optimSgd(n[i], p[i], g[i], buf[i], 1e-2f, 0.9f, 0f, 0f, false, first);
        }
    }
}

package org.panagrad.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The GEMM shapes panagrad benchmarks, by name: squares {@code 128x128x128} … {@code 1024x1024x1024} and the
 * forward and backward products of the 784-128-64-10 MLP at batch 64 and 256 ({@code mlp<layer>_<fwd|dx|dw>_b<batch>}).
 * The C harness ({@code bench/c/gemm_bench.c}) and {@code bench/python/torch_bench.py} use the same names and transposes.
 */
public final class GemmShapes {
    /**
     * One product {@code C[m,n] = op(A)[m,k] * op(B)[k,n]}, row-major.
     *
     * @param name   e.g. {@code mlp1_dw_b64}
     * @param transA A is stored as [k, m]
     * @param transB B is stored as [n, k]
     */
    public record Shape(String name, int m, int n, int k, boolean transA, boolean transB) {
        /** Floating-point operations of one product: {@code 2 m n k}. */
        public double flops() {
            return 2.0 * m * n * k;
        }
    }

    /** Every shape, in table order. */
    public static final Map<String, Shape> ALL = new LinkedHashMap<>();

    static {
        for (int s : new int[] {128, 256, 512, 1024}) add(new Shape(s + "x" + s + "x" + s, s, s, s, false, false));
        for (int batch : new int[] {64, 256}) {
            int[][] layers = {{784, 128}, {128, 64}, {64, 10}};
            for (int i = 0; i < layers.length; i++) {
                int fin = layers[i][0], fout = layers[i][1];
                String p = "mlp" + (i + 1) + "_";
                add(new Shape(p + "fwd_b" + batch, batch, fout, fin, false, true)); // y = x W^T
                add(new Shape(p + "dx_b" + batch, batch, fin, fout, false, false)); // dx = dy W
                add(new Shape(p + "dw_b" + batch, fout, fin, batch, true, false)); // dW = dy^T x
            }
        }
    }

    private GemmShapes() {}

    private static void add(Shape s) {
        ALL.put(s.name(), s);
    }

    /** The shape called {@code name}. */
    public static Shape get(String name) {
        Shape s = ALL.get(name);
        if (s == null) throw new IllegalArgumentException("GemmShapes: unknown shape '" + name + "', known: " + ALL.keySet());
        return s;
    }
}

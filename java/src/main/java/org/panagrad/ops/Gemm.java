package org.panagrad.ops;

import java.util.Arrays;
import org.panagrad.Autograd;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;
import org.panagrad.kernels.Kernels;

/**
 * Matrix products (kernel {@code pg_gemm}: OpenBLAS sgemm, or the blocked Java twin). Backward passes use the
 * transpose flags, never a transposed copy: for {@code C = A B}, {@code dA = dC B^T} and {@code dB = A^T dC}.
 */
public final class Gemm {
    private Gemm() {}

    private static Kernels k() {
        return Panagrad.kernels();
    }

    /**
     * Matrix product with torch.matmul's shapes: [m,k] x [k,n] = [m,n]; a 1-D left operand is a row vector and a
     * 1-D right operand a column vector (their axis is dropped from the result); a left operand with more than
     * two axes [..., m, k] is multiplied as a stack of matrices by a 2-D right operand.
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        a.checkAlive("matmul");
        b.checkAlive("matmul");
        int[] as = a.shape(), bs = b.shape();
        if (as.length == 0 || bs.length == 0 || bs.length > 2) {
            throw new IllegalArgumentException("matmul: " + Arrays.toString(as) + " x " + Arrays.toString(bs)
                    + ": need a left operand with >= 1 axes and a 1-D or 2-D right operand");
        }
        int kA = as[as.length - 1];
        int kB = bs[0];
        if (kA != kB) {
            throw new IllegalArgumentException("matmul: " + Arrays.toString(as) + " x " + Arrays.toString(bs)
                    + ": inner dimensions differ (" + kA + " != " + kB + ")");
        }
        int n = bs.length == 2 ? bs[1] : 1;
        int rows = Math.toIntExact(Tensor.numel(Arrays.copyOf(as, as.length - 1)));
        int[] outShape;
        if (as.length == 1) outShape = bs.length == 2 ? new int[] {n} : new int[] {};
        else {
            outShape = Arrays.copyOf(as, bs.length == 2 ? as.length : as.length - 1);
            if (bs.length == 2) outShape[as.length - 1] = n;
        }
        int m = rows, kk = kA;
        // Leading dimensions must be >= 1 for BLAS even when an extent is 0.
        int lk = Math.max(1, kk), ln = Math.max(1, n);
        Tensor out = Tensor.empty(outShape);
        k().gemm(false, false, m, n, kk, 1f, a.segment(), lk, b.segment(), ln, 0f, out.segment(), ln);
        return Autograd.record(out, "MmBackward", new Tensor[] {a, b}, g -> {
            Tensor ga = null, gb = null;
            if (a.requiresGrad()) {
                ga = Tensor.empty(as);
                k().gemm(false, true, m, kk, n, 1f, g.segment(), ln, b.segment(), ln, 0f, ga.segment(), lk);
            }
            if (b.requiresGrad()) {
                gb = Tensor.empty(bs);
                k().gemm(true, false, kk, n, m, 1f, a.segment(), lk, g.segment(), ln, 0f, gb.segment(), ln);
            }
            return new Tensor[] {ga, gb};
        });
    }

    /**
     * The fully connected layer {@code y = x W^T + b} in one op: x [..., in], W [out, in], b [out] or null.
     * The bias is broadcast into y and the product accumulated onto it (beta = 1), so no intermediate exists.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        x.checkAlive("linear");
        weight.checkAlive("linear");
        int[] xs = x.shape(), ws = weight.shape();
        if (ws.length != 2 || xs.length == 0 || xs[xs.length - 1] != ws[1]) {
            throw new IllegalArgumentException("linear: input " + Arrays.toString(xs) + " and weight " + Arrays.toString(ws)
                    + ": need weight [out, in] and input [..., in]"
                    + (ws.length == 2 && xs.length > 0 ? " (in: " + xs[xs.length - 1] + " != " + ws[1] + ")" : ""));
        }
        int in = ws[1], outF = ws[0];
        if (bias != null) {
            bias.checkAlive("linear");
            if (bias.dim() != 1 || bias.shape(0) != outF) {
                throw new IllegalArgumentException("linear: bias " + Arrays.toString(bias.shape()) + " does not match weight "
                        + Arrays.toString(ws) + " (need [" + outF + "])");
            }
        }
        int rows = Math.toIntExact(Tensor.numel(Arrays.copyOf(xs, xs.length - 1)));
        int li = Math.max(1, in), lo = Math.max(1, outF);
        int[] outShape = xs.clone();
        outShape[xs.length - 1] = outF;
        Tensor y = Tensor.empty(outShape);
        float beta = 0f;
        if (bias != null) {
            k().elementwiseExpand(1, rows, outF, bias.segment(), y.segment());
            beta = 1f;
        }
        k().gemm(false, true, rows, outF, in, 1f, x.segment(), li, weight.segment(), li, beta, y.segment(), lo);
        return Autograd.record(y, "LinearBackward", new Tensor[] {x, weight, bias}, g -> {
            Tensor gx = null, gw = null, gb = null;
            if (x.requiresGrad()) {
                gx = Tensor.empty(xs);
                k().gemm(false, false, rows, in, outF, 1f, g.segment(), lo, weight.segment(), li, 0f, gx.segment(), li);
            }
            if (weight.requiresGrad()) {
                gw = Tensor.empty(ws);
                k().gemm(true, false, outF, in, rows, 1f, g.segment(), lo, x.segment(), li, 0f, gw.segment(), li);
            }
            if (bias != null && bias.requiresGrad()) {
                gb = Tensor.empty(outF);
                k().reduceSumAxis(1, rows, outF, g.segment(), gb.segment());
            }
            return new Tensor[] {gx, gw, gb};
        });
    }

    /** Transpose of a 2-D tensor (a copy); a 1-D tensor is returned as is, like torch. */
    public static Tensor transpose(Tensor x) {
        x.checkAlive("t");
        if (x.dim() == 1) return x;
        if (x.dim() != 2) {
            throw new IllegalArgumentException("t: needs a 1-D or 2-D tensor, got shape " + Arrays.toString(x.shape()));
        }
        int r = x.shape(0), c = x.shape(1);
        Tensor out = Tensor.empty(c, r);
        k().gemmTranspose(r, c, x.segment(), out.segment());
        return Autograd.record(out, "TBackward", new Tensor[] {x}, g -> {
            Tensor gx = Tensor.empty(r, c);
            k().gemmTranspose(c, r, g.segment(), gx.segment());
            return new Tensor[] {gx};
        });
    }
}

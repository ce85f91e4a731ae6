package org.panagrad.ops;

import java.util.Arrays;
import org.panagrad.Autograd;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;
import org.panagrad.kernels.Kernels;

/**
 * The elementwise ops (kernels in {@code native/src/elementwise.c}, {@code Kernels.elementwise*}): each op's
 * forward and backward side by side. Binary ops broadcast numpy-style; their backward sums the gradient back
 * to each input's shape. Backward functions keep only what they need: the output for exp, sqrt, sigmoid,
 * tanh; the inputs for mul, div, log, abs, pow, relu.
 */
public final class Elementwise {
    private Elementwise() {}

    private static Kernels k() {
        return Panagrad.kernels();
    }

    // ---- binary ----------------------------------------------------------------------------------

    public static Tensor add(Tensor a, Tensor b) {
        Tensor out = binary("add", a, b, Kernels::elementwiseAdd, Kernels::elementwiseAddBcast);
        int[] as = a.shape(), bs = b.shape();
        return Autograd.record(out, "AddBackward", new Tensor[] {a, b},
                g -> new Tensor[] {Broadcast.reduceTo(g, as), Broadcast.reduceTo(g, bs)});
    }

    public static Tensor sub(Tensor a, Tensor b) {
        Tensor out = binary("sub", a, b, Kernels::elementwiseSub, Kernels::elementwiseSubBcast);
        int[] as = a.shape(), bs = b.shape();
        return Autograd.record(out, "SubBackward", new Tensor[] {a, b},
                g -> new Tensor[] {Broadcast.reduceTo(g, as), b.requiresGrad() ? Broadcast.reduceTo(neg(g), bs) : null});
    }

    public static Tensor mul(Tensor a, Tensor b) {
        Tensor out = binary("mul", a, b, Kernels::elementwiseMul, Kernels::elementwiseMulBcast);
        return Autograd.record(out, "MulBackward", new Tensor[] {a, b}, g -> new Tensor[] {
                a.requiresGrad() ? Broadcast.reduceTo(mul(g, b), a.shape()) : null,
                b.requiresGrad() ? Broadcast.reduceTo(mul(g, a), b.shape()) : null});
    }

    public static Tensor div(Tensor a, Tensor b) {
        Tensor out = binary("div", a, b, Kernels::elementwiseDiv, Kernels::elementwiseDivBcast);
        return Autograd.record(out, "DivBackward", new Tensor[] {a, b}, g -> new Tensor[] {
                a.requiresGrad() ? Broadcast.reduceTo(div(g, b), a.shape()) : null,
                // d(a/b)/db = -a/b^2 = -out/b
                b.requiresGrad() ? Broadcast.reduceTo(neg(div(mul(g, out), b)), b.shape()) : null});
    }

    interface SameShapeKernel {
        void run(Kernels k, long n, java.lang.foreign.MemorySegment a, java.lang.foreign.MemorySegment b,
                 java.lang.foreign.MemorySegment out);
    }

    interface BcastKernel {
        void run(Kernels k, long d0, long d1, long d2, long d3, java.lang.foreign.MemorySegment a, long as0, long as1,
                 long as2, long as3, java.lang.foreign.MemorySegment b, long bs0, long bs1, long bs2, long bs3,
                 java.lang.foreign.MemorySegment out);
    }

    private static Tensor binary(String op, Tensor a, Tensor b, SameShapeKernel same, BcastKernel bcast) {
        a.checkAlive(op);
        b.checkAlive(op);
        int[] as = a.shape(), bs = b.shape();
        if (Arrays.equals(as, bs)) {
            Tensor out = Tensor.empty(as);
            same.run(k(), out.numel(), a.segment(), b.segment(), out.segment());
            return out;
        }
        Tensor out = Tensor.empty(Broadcast.shape(op, as, bs));
        if (out.numel() > 0) {
            Kernels kk = k();
            Broadcast.run((d0, d1, d2, d3, sa, a0, a1, a2, a3, sb, b0, b1, b2, b3, so) ->
                    bcast.run(kk, d0, d1, d2, d3, sa, a0, a1, a2, a3, sb, b0, b1, b2, b3, so), a, b, out);
        }
        return out;
    }

    // ---- scalar operand --------------------------------------------------------------------------

    /** {@code x * scale + shift}: add, sub, mul, div and rsub by a float. */
    public static Tensor affine(Tensor x, float scale, float shift, String gradFn) {
        x.checkAlive(opName(gradFn));
        Tensor out = Tensor.empty(x.shape());
        k().elementwiseAffine(x.numel(), x.segment(), scale, shift, out.segment());
        return Autograd.record(out, gradFn, new Tensor[] {x}, g -> new Tensor[] {scale(g, scale)});
    }

    /** {@code s / x}. */
    public static Tensor rdiv(float s, Tensor x) {
        x.checkAlive("rdiv");
        Tensor out = Tensor.empty(x.shape());
        k().elementwiseRdivScalar(x.numel(), s, x.segment(), out.segment());
        // d(s/x)/dx = -s/x^2 = -out/x
        return Autograd.record(out, "RdivBackward", new Tensor[] {x}, g -> new Tensor[] {neg(div(mul(g, out), x))});
    }

    private static Tensor scale(Tensor g, float s) {
        Tensor out = Tensor.empty(g.shape());
        k().elementwiseAffine(g.numel(), g.segment(), s, 0f, out.segment());
        return out;
    }

    // ---- unary -----------------------------------------------------------------------------------

    public static Tensor neg(Tensor x) {
        Tensor out = unary("neg", x, Kernels::elementwiseNeg);
        return Autograd.record(out, "NegBackward", new Tensor[] {x}, g -> new Tensor[] {neg(g)});
    }

    public static Tensor exp(Tensor x) {
        Tensor out = unary("exp", x, Kernels::elementwiseExp);
        return Autograd.record(out, "ExpBackward", new Tensor[] {x},
                g -> new Tensor[] {backward(out, g, Kernels::elementwiseExpBackward)});
    }

    public static Tensor log(Tensor x) {
        Tensor out = unary("log", x, Kernels::elementwiseLog);
        return Autograd.record(out, "LogBackward", new Tensor[] {x},
                g -> new Tensor[] {backward(x, g, Kernels::elementwiseLogBackward)});
    }

    public static Tensor sqrt(Tensor x) {
        Tensor out = unary("sqrt", x, Kernels::elementwiseSqrt);
        return Autograd.record(out, "SqrtBackward", new Tensor[] {x},
                g -> new Tensor[] {backward(out, g, Kernels::elementwiseSqrtBackward)});
    }

    public static Tensor abs(Tensor x) {
        Tensor out = unary("abs", x, Kernels::elementwiseAbs);
        return Autograd.record(out, "AbsBackward", new Tensor[] {x},
                g -> new Tensor[] {backward(x, g, Kernels::elementwiseAbsBackward)});
    }

    public static Tensor pow(Tensor x, float p) {
        x.checkAlive("pow");
        if (Float.isNaN(p)) throw new IllegalArgumentException("pow: exponent is NaN");
        Tensor out = Tensor.empty(x.shape());
        k().elementwisePow(x.numel(), x.segment(), p, out.segment());
        return Autograd.record(out, "PowBackward", new Tensor[] {x}, g -> {
            Tensor gx = Tensor.empty(x.shape());
            k().elementwisePowBackward(x.numel(), x.segment(), p, g.segment(), gx.segment());
            return new Tensor[] {gx};
        });
    }

    public static Tensor relu(Tensor x) {
        Tensor out = unary("relu", x, Kernels::elementwiseRelu);
        return Autograd.record(out, "ReluBackward", new Tensor[] {x},
                g -> new Tensor[] {backward(x, g, Kernels::elementwiseReluBackward)});
    }

    public static Tensor sigmoid(Tensor x) {
        Tensor out = unary("sigmoid", x, Kernels::elementwiseSigmoid);
        return Autograd.record(out, "SigmoidBackward", new Tensor[] {x},
                g -> new Tensor[] {backward(out, g, Kernels::elementwiseSigmoidBackward)});
    }

    public static Tensor tanh(Tensor x) {
        Tensor out = unary("tanh", x, Kernels::elementwiseTanh);
        return Autograd.record(out, "TanhBackward", new Tensor[] {x},
                g -> new Tensor[] {backward(out, g, Kernels::elementwiseTanhBackward)});
    }

    interface UnaryKernel {
        void run(Kernels k, long n, java.lang.foreign.MemorySegment x, java.lang.foreign.MemorySegment out);
    }

    interface UnaryBackwardKernel {
        void run(Kernels k, long n, java.lang.foreign.MemorySegment saved, java.lang.foreign.MemorySegment gy,
                 java.lang.foreign.MemorySegment gx);
    }

    private static Tensor unary(String op, Tensor x, UnaryKernel kernel) {
        x.checkAlive(op);
        Tensor out = Tensor.empty(x.shape());
        kernel.run(k(), x.numel(), x.segment(), out.segment());
        return out;
    }

    private static Tensor backward(Tensor saved, Tensor g, UnaryBackwardKernel kernel) {
        Tensor gx = Tensor.empty(saved.shape());
        kernel.run(k(), saved.numel(), saved.segment(), g.segment(), gx.segment());
        return gx;
    }

    private static String opName(String gradFn) {
        String base = gradFn.endsWith("Backward") ? gradFn.substring(0, gradFn.length() - "Backward".length()) : gradFn;
        return base.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + base.substring(1);
    }
}

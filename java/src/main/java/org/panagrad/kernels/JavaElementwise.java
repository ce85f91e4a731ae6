package org.panagrad.kernels;

import static org.panagrad.kernels.JavaMath.BO;
import static org.panagrad.kernels.JavaMath.F;
import static org.panagrad.kernels.JavaMath.NATIVE;
import static org.panagrad.kernels.JavaMath.bound;
import static org.panagrad.kernels.JavaMath.get;
import static org.panagrad.kernels.JavaMath.load;
import static org.panagrad.kernels.JavaMath.set;
import static org.panagrad.kernels.JavaMath.store;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Elementwise kernels of {@link JavaKernels} (twin of {@code native/src/elementwise.c}). Each op is its own
 * loop (a shared loop taking a lambda would not inline the vector code): full vectors through the Vector
 * API, then the same formula on scalars for the tail. Loops over exp/log/sigmoid/tanh store inline with the
 * native-class test of {@link JavaMath#store} (a store helper after that much inlined math would not inline). Every loop reads element i before writing it, so an
 * output may be one of the inputs.
 */
final class JavaElementwise {
    private JavaElementwise() {}

    static final int L = JavaMath.L;

    static void fill(long n, float value, MemorySegment out) {
        if (n <= 0) return;
        if (Float.floatToRawIntBits(value) == 0) { // +0: a byte fill (memset)
            out.asSlice(0, n << 2).fill((byte) 0);
            return;
        }
        FloatVector v = FloatVector.broadcast(F, value);
        long i = 0;
        for (long e = bound(n); i < e; i += L) store(v, out, i);
        for (; i < n; i++) set(out, i, value);
    }

    static void expand(long outer, long n, long inner, MemorySegment x, MemorySegment out) {
        if (outer <= 0 || n <= 0 || inner <= 0) return;
        long bytes = inner << 2;
        for (long o = 0; o < outer; o++) {
            long xo = o * inner, oo = o * n * inner;
            if (inner == 1) {
                float v = get(x, xo);
                FloatVector vv = FloatVector.broadcast(F, v);
                long k = 0;
                for (long e = bound(n); k < e; k += L) store(vv, out, oo + k);
                for (; k < n; k++) set(out, oo + k, v);
            } else {
                // copy handles overlap: with n == 1, out may be x itself.
                for (long k = 0; k < n; k++) MemorySegment.copy(x, xo << 2, out, (oo + k * inner) << 2, bytes);
            }
        }
    }

    // ---- binary, same shape ---------------------------------------------------------------------

    static void add(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) store(load(a, i).add(load(b, i)), out, i);
        for (; i < n; i++) set(out, i, get(a, i) + get(b, i));
    }

    static void sub(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) store(load(a, i).sub(load(b, i)), out, i);
        for (; i < n; i++) set(out, i, get(a, i) - get(b, i));
    }

    static void mul(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) store(load(a, i).mul(load(b, i)), out, i);
        for (; i < n; i++) set(out, i, get(a, i) * get(b, i));
    }

    static void div(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) store(load(a, i).div(load(b, i)), out, i);
        for (; i < n; i++) set(out, i, get(a, i) / get(b, i));
    }

    // ---- binary, broadcast ----------------------------------------------------------------------

    static final int ADD = 0, SUB = 1, MUL = 2, DIV = 3;

    /**
     * Outer axes that continue the innermost one in both inputs (or have size 1) are folded into it first
     * (the output is contiguous), so equal shapes become one long row and the vector row loop does the work.
     */
    static void bcast(int op, long d0, long d1, long d2, long d3, MemorySegment a, long as0, long as1, long as2,
                      long as3, MemorySegment b, long bs0, long bs1, long bs2, long bs3, MemorySegment out) {
        if (d0 <= 0 || d1 <= 0 || d2 <= 0 || d3 <= 0) return;
        long[] d = {d0, d1, d2, d3}, as = {as0, as1, as2, as3}, bs = {bs0, bs1, bs2, bs3};
        for (int j = 2; j >= 0 && (d[j] == 1 || (as[j] == as[3] * d[3] && bs[j] == bs[3] * d[3])); j--) {
            d[3] *= d[j];
            d[j] = 1;
        }
        for (long i0 = 0; i0 < d[0]; i0++)
            for (long i1 = 0; i1 < d[1]; i1++)
                for (long i2 = 0; i2 < d[2]; i2++)
                    row(op, d[3], a, i0 * as[0] + i1 * as[1] + i2 * as[2], as[3],
                            b, i0 * bs[0] + i1 * bs[1] + i2 * bs[2], bs[3], out, ((i0 * d[1] + i1) * d[2] + i2) * d[3]);
    }

    /** One output row of a broadcast op; the stride patterns that occur in practice get vector loops. */
    private static void row(int op, long d, MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs,
                            MemorySegment out, long oo) {
        if (as == 1 && bs == 1) {
            MemorySegment av = a.asSlice(ao << 2), bv = b.asSlice(bo << 2), ov = out.asSlice(oo << 2);
            switch (op) {
                case ADD -> add(d, av, bv, ov);
                case SUB -> sub(d, av, bv, ov);
                case MUL -> mul(d, av, bv, ov);
                default -> div(d, av, bv, ov);
            }
        } else if (as == 1 && bs == 0) {
            rowScalarRight(op, d, a, ao, get(b, bo), out, oo);
        } else if (as == 0 && bs == 1) {
            rowScalarLeft(op, d, get(a, ao), b, bo, out, oo);
        } else {
            for (long i = 0; i < d; i++) set(out, oo + i, apply(op, get(a, ao + i * as), get(b, bo + i * bs)));
        }
    }

    private static float apply(int op, float x, float y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            default -> x / y;
        };
    }

    private static void rowScalarRight(int op, long d, MemorySegment a, long ao, float y, MemorySegment out, long oo) {
        long i = 0, e = bound(d);
        switch (op) {
            case ADD -> { for (; i < e; i += L) store(load(a, ao + i).add(y), out, oo + i); }
            case SUB -> { for (; i < e; i += L) store(load(a, ao + i).sub(y), out, oo + i); }
            case MUL -> { for (; i < e; i += L) store(load(a, ao + i).mul(y), out, oo + i); }
            default -> { for (; i < e; i += L) store(load(a, ao + i).div(y), out, oo + i); }
        }
        for (; i < d; i++) set(out, oo + i, apply(op, get(a, ao + i), y));
    }

    private static void rowScalarLeft(int op, long d, float x, MemorySegment b, long bo, MemorySegment out, long oo) {
        long i = 0, e = bound(d);
        FloatVector xv = FloatVector.broadcast(F, x);
        switch (op) {
            case ADD -> { for (; i < e; i += L) store(xv.add(load(b, bo + i)), out, oo + i); }
            case SUB -> { for (; i < e; i += L) store(xv.sub(load(b, bo + i)), out, oo + i); }
            case MUL -> { for (; i < e; i += L) store(xv.mul(load(b, bo + i)), out, oo + i); }
            default -> { for (; i < e; i += L) store(xv.div(load(b, bo + i)), out, oo + i); }
        }
        for (; i < d; i++) set(out, oo + i, apply(op, x, get(b, bo + i)));
    }

    // ---- scalar operand ---------------------------------------------------------------------------

    static void affine(long n, MemorySegment a, float scale, float shift, MemorySegment out) {
        long i = 0;
        // One fused multiply-add, as the C loop compiles (-ffp-contract=fast).
        FloatVector sc = FloatVector.broadcast(F, scale), sh = FloatVector.broadcast(F, shift);
        for (long e = bound(n); i < e; i += L) store(load(a, i).fma(sc, sh), out, i);
        for (; i < n; i++) set(out, i, Math.fma(get(a, i), scale, shift));
    }

    static void rdivScalar(long n, float s, MemorySegment a, MemorySegment out) {
        FloatVector sv = FloatVector.broadcast(F, s);
        long i = 0;
        for (long e = bound(n); i < e; i += L) store(sv.div(load(a, i)), out, i);
        for (; i < n; i++) set(out, i, s / get(a, i));
    }

    // ---- unary forward ----------------------------------------------------------------------------

    static void neg(long n, MemorySegment x, MemorySegment out) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) store(load(x, i).neg(), out, i);
        for (; i < n; i++) set(out, i, -get(x, i));
    }

    static void exp(long n, MemorySegment x, MemorySegment out) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) {
            FloatVector v = JavaMath.exp(load(x, i));
            if (out.getClass() == NATIVE) v.intoMemorySegment(out, i << 2, BO); else v.intoMemorySegment(out, i << 2, BO);
        }
        if (i < n) { // the tail as one masked vector: the same values, cheaper than a scalar exp per element
            VectorMask<Float> in = F.indexInRange(i, n);
            FloatVector v = JavaMath.exp(load(x, i, in));
            if (out.getClass() == NATIVE) v.intoMemorySegment(out, i << 2, BO, in); else v.intoMemorySegment(out, i << 2, BO, in);
        }
    }

    static void log(long n, MemorySegment x, MemorySegment out) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) {
            FloatVector v = JavaMath.log(load(x, i));
            if (out.getClass() == NATIVE) v.intoMemorySegment(out, i << 2, BO); else v.intoMemorySegment(out, i << 2, BO);
        }
        if (i < n) { // the tail as one masked vector: the same values, cheaper than a scalar log per element
            VectorMask<Float> in = F.indexInRange(i, n);
            FloatVector v = JavaMath.log(load(x, i, in));
            if (out.getClass() == NATIVE) v.intoMemorySegment(out, i << 2, BO, in); else v.intoMemorySegment(out, i << 2, BO, in);
        }
    }

    static void sqrt(long n, MemorySegment x, MemorySegment out) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) store(load(x, i).lanewise(VectorOperators.SQRT), out, i);
        for (; i < n; i++) set(out, i, (float) Math.sqrt(get(x, i)));
    }

    static void abs(long n, MemorySegment x, MemorySegment out) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) store(load(x, i).abs(), out, i);
        for (; i < n; i++) set(out, i, Math.abs(get(x, i)));
    }

    /** {@code x < 0 ? 0 : x}: NaN passes through (as torch.relu), -0 stays -0 (as the C kernel). */
    static void relu(long n, MemorySegment x, MemorySegment out) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) {
            FloatVector v = load(x, i);
            store(v.blend(0.0f, v.compare(VectorOperators.LT, 0.0f)), out, i);
        }
        for (; i < n; i++) {
            float v = get(x, i);
            set(out, i, v < 0.0f ? 0.0f : v);
        }
    }

    static void sigmoid(long n, MemorySegment x, MemorySegment out) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) {
            FloatVector v = JavaMath.sigmoid(load(x, i));
            if (out.getClass() == NATIVE) v.intoMemorySegment(out, i << 2, BO); else v.intoMemorySegment(out, i << 2, BO);
        }
        if (i < n) { // the tail as one masked vector: the same values, cheaper than a scalar sigmoid per element
            VectorMask<Float> in = F.indexInRange(i, n);
            FloatVector v = JavaMath.sigmoid(load(x, i, in));
            if (out.getClass() == NATIVE) v.intoMemorySegment(out, i << 2, BO, in); else v.intoMemorySegment(out, i << 2, BO, in);
        }
    }

    static void tanh(long n, MemorySegment x, MemorySegment out) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) {
            FloatVector v = JavaMath.tanh(load(x, i));
            if (out.getClass() == NATIVE) v.intoMemorySegment(out, i << 2, BO); else v.intoMemorySegment(out, i << 2, BO);
        }
        if (i < n) { // the tail as one masked vector: the same values, cheaper than a scalar tanh per element
            VectorMask<Float> in = F.indexInRange(i, n);
            FloatVector v = JavaMath.tanh(load(x, i, in));
            if (out.getClass() == NATIVE) v.intoMemorySegment(out, i << 2, BO, in); else v.intoMemorySegment(out, i << 2, BO, in);
        }
    }

    /** The square is exact as x * x and vectorises; other powers go through {@link JavaMath#pow}. */
    static void pow(long n, MemorySegment x, float p, MemorySegment out) {
        if (p == 2.0f) {
            mul(n, x, x, out);
        } else {
            for (long i = 0; i < n; i++) set(out, i, JavaMath.pow(get(x, i), p));
        }
    }

    // ---- unary backward ---------------------------------------------------------------------------

    /** gx = gy * y (also the sigmoid/tanh building block: a plain product). */
    static void expBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) store(load(gy, i).mul(load(y, i)), gx, i);
        for (; i < n; i++) set(gx, i, get(gy, i) * get(y, i));
    }

    static void logBackward(long n, MemorySegment x, MemorySegment gy, MemorySegment gx) {
        div(n, gy, x, gx);
    }

    /** gx = gy * 0.5 / y, evaluated left to right as in C. */
    static void sqrtBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) store(load(gy, i).mul(0.5f).div(load(y, i)), gx, i);
        for (; i < n; i++) set(gx, i, get(gy, i) * 0.5f / get(y, i));
    }

    /** gx = gy * sign(x), sign(0) = sign(NaN) = 0. */
    static void absBackward(long n, MemorySegment x, MemorySegment gy, MemorySegment gx) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) {
            FloatVector v = load(x, i), g = load(gy, i);
            FloatVector r = FloatVector.zero(F).blend(g, v.compare(VectorOperators.GT, 0.0f))
                    .blend(g.neg(), v.compare(VectorOperators.LT, 0.0f));
            store(r, gx, i);
        }
        for (; i < n; i++) {
            float v = get(x, i), g = get(gy, i);
            set(gx, i, v > 0.0f ? g : (v < 0.0f ? -g : 0.0f));
        }
    }

    static void powBackward(long n, MemorySegment x, float p, MemorySegment gy, MemorySegment gx) {
        if (p == 0.0f) {
            // torch masks p == 0 to 0 even where x^(p-1) is inf.
            fill(n, 0.0f, gx);
        } else if (p == 2.0f) {
            long i = 0;
            for (long e = bound(n); i < e; i += L) store(load(gy, i).mul(2.0f).mul(load(x, i)), gx, i);
            for (; i < n; i++) set(gx, i, get(gy, i) * 2.0f * get(x, i));
        } else {
            float q = p - 1.0f;
            for (long i = 0; i < n; i++) set(gx, i, get(gy, i) * p * JavaMath.pow(get(x, i), q));
        }
    }

    static void reluBackward(long n, MemorySegment x, MemorySegment gy, MemorySegment gx) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) {
            FloatVector v = load(x, i), g = load(gy, i);
            store(FloatVector.zero(F).blend(g, v.compare(VectorOperators.GT, 0.0f)), gx, i);
        }
        for (; i < n; i++) set(gx, i, get(x, i) > 0.0f ? get(gy, i) : 0.0f);
    }

    /** gx = gy * y * (1 - y). */
    static void sigmoidBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) {
            FloatVector v = load(y, i);
            store(load(gy, i).mul(v).mul(v.neg().add(1.0f)), gx, i);
        }
        for (; i < n; i++) {
            float v = get(y, i);
            set(gx, i, get(gy, i) * v * (1.0f - v));
        }
    }

    /** gx = gy * (1 - y*y), 1 - y*y fused: exact where y is near +-1 and it cancels. */
    static void tanhBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx) {
        long i = 0;
        FloatVector one = FloatVector.broadcast(F, 1.0f);
        for (long e = bound(n); i < e; i += L) {
            FloatVector v = load(y, i);
            store(load(gy, i).mul(v.neg().fma(v, one)), gx, i);
        }
        for (; i < n; i++) {
            float v = get(y, i);
            set(gx, i, get(gy, i) * Math.fma(-v, v, 1.0f));
        }
    }
}

package org.panagrad.kernels;

import static org.panagrad.kernels.JavaMath.BO;
import static org.panagrad.kernels.JavaMath.F;
import static org.panagrad.kernels.JavaMath.bound;
import static org.panagrad.kernels.JavaMath.get;
import static org.panagrad.kernels.JavaMath.load;
import static org.panagrad.kernels.JavaMath.set;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sums and maxima (twin of {@code native/src/reduce.c}), and the row reductions the softmax and loss
 * kernels share. Float sums are accumulated in double: four floats widen to four doubles per vector step.
 */
final class JavaReduce {
    private JavaReduce() {}

    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
    private static final int L = JavaMath.L;
    /** Columns summed at a time when the reduced axis is not the last one. */
    private static final int BLOCK = 256;

    private static DoubleVector wide(MemorySegment s, long i) {
        return (DoubleVector) FloatVector.fromMemorySegment(F4, s, i << 2, BO).convertShape(VectorOperators.F2D, D4, 0);
    }

    /** sum(x[off .. off+n)) in double. */
    static double sum(MemorySegment x, long off, long n) {
        DoubleVector s0 = DoubleVector.zero(D4), s1 = DoubleVector.zero(D4);
        long i = 0;
        for (long e = n - n % 8; i < e; i += 8) {
            s0 = s0.add(wide(x, off + i));
            s1 = s1.add(wide(x, off + i + 4));
        }
        double s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += get(x, off + i);
        return s;
    }

    /** sum(a[off+i] * b[off+i]) for i < n, in double. */
    static double dot(MemorySegment a, MemorySegment b, long off, long n) {
        DoubleVector s0 = DoubleVector.zero(D4), s1 = DoubleVector.zero(D4);
        long i = 0;
        for (long e = n - n % 8; i < e; i += 8) {
            s0 = wide(a, off + i).fma(wide(b, off + i), s0);
            s1 = wide(a, off + i + 4).fma(wide(b, off + i + 4), s1);
        }
        double s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += (double) get(a, off + i) * get(b, off + i);
        return s;
    }

    /** max(x[off .. off+n)), n >= 1; NaN if any element is NaN (Math.max semantics). */
    static float max(MemorySegment x, long off, long n) {
        long i = 0;
        float m;
        if (n >= L) {
            FloatVector acc = load(x, off);
            for (long e = bound(n); i < e; i += L) acc = acc.max(load(x, off + i));
            m = acc.reduceLanes(VectorOperators.MAX);
        } else {
            m = get(x, off);
        }
        for (; i < n; i++) m = Math.max(m, get(x, off + i));
        return m;
    }

    /** sum(exp(x[off+i] - m)) for i < n, the exps in float as everywhere, summed in double. */
    static double sumExp(MemorySegment x, long off, long n, float m) {
        DoubleVector s0 = DoubleVector.zero(D4);
        long i = 0;
        for (long e = n - n % 4; i < e; i += 4) {
            FloatVector v = FloatVector.fromMemorySegment(F4, x, (off + i) << 2, BO).sub(m);
            s0 = s0.add((DoubleVector) JavaMath.exp(v).convertShape(VectorOperators.F2D, D4, 0));
        }
        double s = s0.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += JavaMath.exp(get(x, off + i) - m);
        return s;
    }

    // ---- kernels ----------------------------------------------------------------------------------

    static void sumAll(long n, MemorySegment x, MemorySegment out) {
        set(out, 0, (float) sum(x, 0, Math.max(n, 0)));
    }

    /** Column blocks are read whole before written: with n == 1 out may be x. */
    static void sumAxis(long outer, long n, long inner, MemorySegment x, MemorySegment out) {
        if (outer <= 0 || inner <= 0) return;
        if (inner == 1) {
            for (long o = 0; o < outer; o++) set(out, o, (float) sum(x, o * n, Math.max(n, 0)));
            return;
        }
        double[] acc = new double[BLOCK];
        for (long o = 0; o < outer; o++) {
            for (long i0 = 0; i0 < inner; i0 += BLOCK) {
                int w = (int) Math.min(BLOCK, inner - i0);
                long base = o * n * inner + i0;
                java.util.Arrays.fill(acc, 0, w, 0.0);
                for (long k = 0; k < n; k++) {
                    long row = base + k * inner;
                    int j = 0;
                    for (; j + 4 <= w; j += 4) {
                        DoubleVector.fromArray(D4, acc, j).add(wide(x, row + j)).intoArray(acc, j);
                    }
                    for (; j < w; j++) acc[j] += get(x, row + j);
                }
                long ob = o * inner + i0;
                for (int j = 0; j < w; j++) set(out, ob + j, (float) acc[j]);
            }
        }
    }

    /**
     * Max and first argmax along the middle axis. NaN counts as the maximum (as torch.max): once the running
     * value is NaN it stays; ties keep the first index since only a strictly greater value replaces it.
     */
    static void maxAxis(long outer, long n, long inner, MemorySegment x, MemorySegment max, MemorySegment argmax) {
        if (outer <= 0 || n <= 0 || inner <= 0) return;
        if (inner == 1) {
            for (long o = 0; o < outer; o++) {
                long off = o * n;
                float best = max(x, off, n);
                long at = 0;
                if (best != best) {
                    while (get(x, off + at) == get(x, off + at)) at++;
                } else {
                    while (get(x, off + at) != best) at++;
                }
                float v = get(x, off + at);
                set(max, o, v);
                set(argmax, o, (float) at);
            }
            return;
        }
        for (long o = 0; o < outer; o++) {
            long base = o * n * inner, ob = o * inner;
            // Row 0 first, element by element: with n == 1 the outputs may alias x.
            for (long j = 0; j < inner; j++) {
                float v = get(x, base + j);
                set(max, ob + j, v);
                set(argmax, ob + j, 0.0f);
            }
            for (long k = 1; k < n; k++) {
                long row = base + k * inner;
                float kf = (float) k;
                long j = 0;
                for (long e = bound(inner); j < e; j += L) {
                    FloatVector v = load(x, row + j), best = load(max, ob + j);
                    var take = v.compare(VectorOperators.GT, best)
                            .or(v.test(VectorOperators.IS_NAN).andNot(best.test(VectorOperators.IS_NAN)));
                    JavaMath.store(best.blend(v, take), max, ob + j);
                    JavaMath.store(load(argmax, ob + j).blend(kf, take), argmax, ob + j);
                }
                for (; j < inner; j++) {
                    float v = get(x, row + j), best = get(max, ob + j);
                    if (v > best || (v != v && best == best)) {
                        set(max, ob + j, v);
                        set(argmax, ob + j, kf);
                    }
                }
            }
        }
    }
}

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
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sums and maxima (twin of {@code native/src/reduce.c}), and the row reductions the softmax and loss
 * kernels share. Float sums are accumulated in double: four floats widen to four doubles per vector step.
 */
final class JavaReduce {
    private JavaReduce() {}

    /** Half-width floats widen to full-width doubles lane for lane (one vcvtps2pd). */
    private static final VectorSpecies<Float> FH =
            VectorSpecies.of(float.class, VectorShape.forBitSize(Math.max(64, F.vectorBitSize() / 2)));
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, VectorShape.forBitSize(FH.vectorBitSize() * 2));
    private static final int LD = D.length();
    private static final int L = JavaMath.L;
    /** Columns summed at a time when the reduced axis is not the last one. */
    private static final int BLOCK = 256;

    private static DoubleVector wide(MemorySegment s, long i) {
        return (DoubleVector) FloatVector.fromMemorySegment(FH, s, i << 2, BO).convertShape(VectorOperators.F2D, D, 0);
    }

    /** sum(x[off .. off+n)) in double. */
    static double sum(MemorySegment x, long off, long n) {
        DoubleVector s0 = DoubleVector.zero(D), s1 = DoubleVector.zero(D);
        long i = 0;
        for (long e = n - n % (2 * LD); i < e; i += 2 * LD) {
            s0 = s0.add(wide(x, off + i));
            s1 = s1.add(wide(x, off + i + LD));
        }
        double s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += get(x, off + i);
        return s;
    }

    /** sum(a[off+i] * b[off+i]) for i < n, in double. */
    static double dot(MemorySegment a, MemorySegment b, long off, long n) {
        DoubleVector s0 = DoubleVector.zero(D), s1 = DoubleVector.zero(D);
        long i = 0;
        for (long e = n - n % (2 * LD); i < e; i += 2 * LD) {
            s0 = wide(a, off + i).fma(wide(b, off + i), s0);
            s1 = wide(a, off + i + LD).fma(wide(b, off + i + LD), s1);
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

    /**
     * Max for softmax and cross-entropy, which subtract it before exp: compare and blend, as C's pg_max (NaN
     * is not picked up, but a NaN in the row makes the row's results NaN anyway), cheaper than Java's max.
     */
    static float softMax(MemorySegment x, long off, long n) {
        long i = 0;
        float m;
        if (n >= L) {
            FloatVector acc = load(x, off);
            for (long e = bound(n); i < e; i += L) {
                FloatVector v = load(x, off + i);
                acc = acc.blend(v, v.compare(VectorOperators.GT, acc));
            }
            m = acc.reduceLanes(VectorOperators.MAX);
        } else {
            m = get(x, off);
        }
        for (; i < n; i++) {
            float v = get(x, off + i);
            m = v > m ? v : m;
        }
        return m;
    }

    /**
     * sum(exp(x[off+i] - m)) for i < n: the exps at full vector width, summed per lane as an unevaluated
     * float pair hi + lo (TwoSum keeps each addition's rounding error in lo), so the result is as accurate as
     * a double sum and s - 1 keeps the tiny terms next to the max's 1. The vector exp is only ever used at
     * the one species F, so its compiled code is never shared between vector shapes.
     */
    static double sumExp(MemorySegment x, long off, long n, float m, float[] scratch) {
        FloatVector hi = FloatVector.zero(F), lo = hi;
        long i = 0;
        for (long e = bound(n); i < e; i += L) {
            FloatVector v = JavaMath.exp(load(x, off + i).sub(m));
            FloatVector t = hi.add(v), z = t.sub(hi);
            lo = lo.add(hi.sub(t.sub(z)).add(v.sub(z)));
            hi = t;
        }
        return pairTotal(hi, lo, scratch) + sumExpTail(x, off + i, n - i, m);
    }

    /** sum(hi) + sum(lo) over the lanes, in double, through scratch (2 * L floats; lane(j) would be slow). */
    static double pairTotal(FloatVector hi, FloatVector lo, float[] scratch) {
        hi.intoArray(scratch, 0);
        lo.intoArray(scratch, L);
        double t = 0.0;
        for (int j = 0; j < 2 * L; j++) t += scratch[j];
        return t;
    }

    private static double sumExpTail(MemorySegment x, long off, long n, float m) {
        double s = 0.0;
        for (long i = 0; i < n; i++) s += JavaMath.exp(get(x, off + i) - m);
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
                long k = 0;
                // Four rows per pass over the accumulators: a quarter of their loads and stores.
                for (; k + 4 <= n; k += 4) {
                    long r0 = base + k * inner, r1 = r0 + inner, r2 = r1 + inner, r3 = r2 + inner;
                    int j = 0;
                    for (; j + LD <= w; j += LD) {
                        DoubleVector.fromArray(D, acc, j).add(wide(x, r0 + j)).add(wide(x, r1 + j)).add(wide(x, r2 + j))
                                .add(wide(x, r3 + j)).intoArray(acc, j);
                    }
                    for (; j < w; j++) acc[j] += (double) get(x, r0 + j) + get(x, r1 + j) + get(x, r2 + j) + get(x, r3 + j);
                }
                for (; k < n; k++) {
                    long row = base + k * inner;
                    int j = 0;
                    for (; j + LD <= w; j += LD) {
                        DoubleVector.fromArray(D, acc, j).add(wide(x, row + j)).intoArray(acc, j);
                    }
                    for (; j < w; j++) acc[j] += get(x, row + j);
                }
                long ob = o * inner + i0;
                for (int j = 0; j < w; j++) set(out, ob + j, (float) acc[j]);
            }
        }
    }

    /** Max and argmax of short rows, L rows across the lanes (the whole group is read before it is written). */
    private static void maxShortRows(long rows, int n, MemorySegment x, MemorySegment max, MemorySegment argmax) {
        JavaRowGroups g = JavaRowGroups.get();
        float[] t = g.cols, mv = g.lane, av = g.lane2;
        for (long r0 = 0; r0 < rows; r0 += L) {
            int w = (int) Math.min(L, rows - r0);
            g.load(x, r0, w, n);
            FloatVector best = FloatVector.fromArray(F, t, 0), arg = FloatVector.zero(F);
            for (int k = 1; k < n; k++) {
                FloatVector v = FloatVector.fromArray(F, t, k * L);
                var take = v.compare(VectorOperators.GT, best)
                        .or(v.test(VectorOperators.IS_NAN).andNot(best.test(VectorOperators.IS_NAN)));
                best = best.blend(v, take);
                arg = arg.blend((float) k, take);
            }
            if (w == L) {
                JavaMath.store(best, max, r0);
                JavaMath.store(arg, argmax, r0);
            } else {
                best.intoArray(mv, 0);
                arg.intoArray(av, 0);
                for (int j = 0; j < w; j++) {
                    set(max, r0 + j, mv[j]);
                    set(argmax, r0 + j, av[j]);
                }
            }
        }
    }

    /**
     * Max and first argmax along the middle axis. NaN counts as the maximum (as torch.max): once the running
     * value is NaN it stays; ties keep the first index since only a strictly greater value replaces it.
     */
    static void maxAxis(long outer, long n, long inner, MemorySegment x, MemorySegment max, MemorySegment argmax) {
        if (outer <= 0 || n <= 0 || inner <= 0) return;
        if (inner == 1 && n < JavaRowGroups.SHORT) {
            maxShortRows(outer, (int) n, x, max, argmax);
            return;
        }
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

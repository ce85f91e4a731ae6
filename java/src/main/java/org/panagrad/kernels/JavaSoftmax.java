package org.panagrad.kernels;

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
 * Softmax and log-softmax over the middle axis of x viewed as [outer, n, inner], and their backward passes
 * (twin of {@code native/src/softmax.c}). The max along the axis is subtracted before exp; sums are in
 * double. Rows (inner == 1) run vectorised along the row; otherwise each column is reduced with a stride.
 * Every input element of a row or column is read before its output is written, so outputs may alias inputs.
 */
final class JavaSoftmax {
    private JavaSoftmax() {}

    private static final int L = JavaMath.L;

    // ---- softmax: y = exp(x - max) / sum --------------------------------------------------------

    static void softmax(long outer, long n, long inner, MemorySegment x, MemorySegment y) {
        if (outer <= 0 || n <= 0 || inner <= 0) return;
        if (inner == 1 && n < JavaRowGroups.SHORT) {
            shortRows(outer, (int) n, x, y, false);
            return;
        }
        if (inner == 1) {
            float[] scratch = JavaRowGroups.get().out;
            for (long o = 0; o < outer; o++) {
                long off = o * n;
                float m = JavaReduce.softMax(x, off, n);
                scale(y, off, n, (float) (1.0 / expStore(x, y, off, n, m, scratch)));
            }
            return;
        }
        columns(outer, n, inner, x, y, false);
    }

    /** Softmax or log-softmax of rows shorter than {@link JavaRowGroups#SHORT}, L rows across the lanes. */
    private static void shortRows(long rows, int n, MemorySegment x, MemorySegment y, boolean log) {
        JavaRowGroups g = JavaRowGroups.get();
        float[] t = g.cols, o = g.out, a = g.lane, b = g.lane2;
        for (long r0 = 0; r0 < rows; r0 += L) {
            int w = (int) Math.min(L, rows - r0);
            g.load(x, r0, w, n);
            FloatVector mx = FloatVector.fromArray(JavaMath.F, t, 0);
            for (int k = 1; k < n; k++) {
                FloatVector v = FloatVector.fromArray(JavaMath.F, t, k * L);
                mx = mx.blend(v, v.compare(VectorOperators.GT, mx));
            }
            // sum(exp(x - max)) per lane as hi + lo (TwoSum): as exact as double, see JavaReduce.sumExp.
            FloatVector hi = FloatVector.zero(JavaMath.F), lo = hi;
            for (int k = 0; k < n; k++) {
                FloatVector e = JavaMath.exp(FloatVector.fromArray(JavaMath.F, t, k * L).sub(mx));
                if (!log) e.intoArray(o, k * L);
                FloatVector u = hi.add(e), z = u.sub(hi);
                lo = lo.add(hi.sub(u.sub(z)).add(e.sub(z)));
                hi = u;
            }
            hi.intoArray(a, 0);
            lo.intoArray(b, 0);
            // Per row: 1 / sum (softmax) or log(sum) (log-softmax), in double.
            for (int j = 0; j < L; j++) {
                double sum = (double) a[j] + b[j];
                a[j] = log ? (float) Math.log(sum) : (float) (1.0 / sum);
            }
            FloatVector f = FloatVector.fromArray(JavaMath.F, a, 0);
            if (log) {
                for (int k = 0; k < n; k++) FloatVector.fromArray(JavaMath.F, t, k * L).sub(mx).sub(f).intoArray(o, k * L);
            } else {
                for (int k = 0; k < n; k++) FloatVector.fromArray(JavaMath.F, o, k * L).mul(f).intoArray(o, k * L);
            }
            g.store(y, r0, w, n);
        }
    }

    /** y = exp(x - m) over a row, returning sum(y) (summed as a TwoSum float pair, as exact as double). */
    private static double expStore(MemorySegment x, MemorySegment y, long off, long n, float m, float[] scratch) {
        FloatVector hi = FloatVector.zero(JavaMath.F), lo = hi;
        // Full vectors unmasked (per-iteration masks cost a tenth on long rows), then the tail as one masked
        // vector (a scalar exp per tail element costs more). Stores inline after the math: see JavaMath.store.
        long i = 0;
        for (long e = bound(n); i < e; i += L) {
            FloatVector v = JavaMath.exp(load(x, off + i).sub(m));
            if (y.getClass() == JavaMath.NATIVE) v.intoMemorySegment(y, off + i << 2, JavaMath.BO);
            else v.intoMemorySegment(y, off + i << 2, JavaMath.BO);
            FloatVector t = hi.add(v), z = t.sub(hi);
            lo = lo.add(hi.sub(t.sub(z)).add(v.sub(z)));
            hi = t;
        }
        if (i < n) {
            VectorMask<Float> in = JavaMath.F.indexInRange(i, n);
            FloatVector v = JavaMath.exp(load(x, off + i, in).sub(m));
            v = FloatVector.zero(JavaMath.F).blend(v, in);
            if (y.getClass() == JavaMath.NATIVE) v.intoMemorySegment(y, off + i << 2, JavaMath.BO, in);
            else v.intoMemorySegment(y, off + i << 2, JavaMath.BO, in);
            FloatVector t = hi.add(v), z = t.sub(hi);
            lo = lo.add(hi.sub(t.sub(z)).add(v.sub(z)));
            hi = t;
        }
        return JavaReduce.pairTotal(hi, lo, scratch);
    }

    private static void scale(MemorySegment y, long off, long n, float f) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) store(load(y, off + i).mul(f), y, off + i);
        for (; i < n; i++) set(y, off + i, get(y, off + i) * f);
    }

    /** Columns reduced at a time when the axis is not the last one: per-column state in small arrays. */
    private static final int CB = 256;

    private static final class Cols {
        final float[] mx = new float[CB], hi = new float[CB], lo = new float[CB];
    }

    private static final ThreadLocal<Cols> COLS = ThreadLocal.withInitial(Cols::new);

    /** Softmax or log-softmax along a strided axis (inner > 1), vectorised across CB neighbouring columns. */
    private static void columns(long outer, long n, long inner, MemorySegment x, MemorySegment y, boolean log) {
        Cols c = COLS.get();
        for (long o = 0; o < outer; o++)
            for (long j0 = 0; j0 < inner; j0 += CB) {
                columnBlock(n, inner, x, y, o * n * inner + j0, (int) Math.min(CB, inner - j0), log, c);
            }
    }

    /**
     * Columns base .. base+w of x viewed as [n, inner]: their max, sum(exp(x - max)) as TwoSum float pairs,
     * then y. A column is read whole before it is written, so y may be x.
     */
    private static void columnBlock(long n, long inner, MemorySegment x, MemorySegment y, long base, int w, boolean log,
                                    Cols c) {
        float[] mx = c.mx, hi = c.hi, lo = c.lo;
        int wv = w - w % L;
        MemorySegment.copy(x, JavaMath.FL, base << 2, mx, 0, w);
        for (long k = 1; k < n; k++) {
            long row = base + k * inner;
            int j = 0;
            for (; j < wv; j += L) {
                FloatVector m = FloatVector.fromArray(JavaMath.F, mx, j), v = load(x, row + j);
                m.blend(v, v.compare(VectorOperators.GT, m)).intoArray(mx, j);
            }
            for (; j < w; j++) {
                float v = get(x, row + j);
                mx[j] = v > mx[j] ? v : mx[j];
            }
        }
        java.util.Arrays.fill(hi, 0, w, 0.0f);
        java.util.Arrays.fill(lo, 0, w, 0.0f);
        for (long k = 0; k < n; k++) {
            long row = base + k * inner;
            int j = 0;
            for (; j < wv; j += L) {
                FloatVector e = JavaMath.exp(load(x, row + j).sub(FloatVector.fromArray(JavaMath.F, mx, j)));
                if (!log) { // inline store after the math: see JavaMath.store
                    if (y.getClass() == JavaMath.NATIVE) e.intoMemorySegment(y, row + j << 2, JavaMath.BO);
                    else e.intoMemorySegment(y, row + j << 2, JavaMath.BO);
                }
                FloatVector h = FloatVector.fromArray(JavaMath.F, hi, j);
                FloatVector t = h.add(e), z = t.sub(h);
                FloatVector.fromArray(JavaMath.F, lo, j).add(h.sub(t.sub(z)).add(e.sub(z))).intoArray(lo, j);
                t.intoArray(hi, j);
            }
            for (; j < w; j++) {
                float e = JavaMath.exp(get(x, row + j) - mx[j]);
                if (!log) set(y, row + j, e);
                float h = hi[j], t = h + e, z = t - h;
                lo[j] += (h - (t - z)) + (e - z);
                hi[j] = t;
            }
        }
        // hi becomes 1 / sum (softmax) or log(sum) (log-softmax), from the pair in double.
        for (int j = 0; j < w; j++) {
            double sum = (double) hi[j] + lo[j];
            hi[j] = log ? (float) Math.log(sum) : (float) (1.0 / sum);
        }
        for (long k = 0; k < n; k++) {
            long row = base + k * inner;
            int j = 0;
            if (log) {
                for (; j < wv; j += L) {
                    store(load(x, row + j).sub(FloatVector.fromArray(JavaMath.F, mx, j)).sub(FloatVector.fromArray(JavaMath.F, hi, j)),
                            y, row + j);
                }
                for (; j < w; j++) set(y, row + j, (get(x, row + j) - mx[j]) - hi[j]);
            } else {
                for (; j < wv; j += L) store(load(y, row + j).mul(FloatVector.fromArray(JavaMath.F, hi, j)), y, row + j);
                for (; j < w; j++) set(y, row + j, get(y, row + j) * hi[j]);
            }
        }
    }

    // ---- log-softmax: y = (x - max) - log(sum exp(x - max)) -------------------------------------
    // The two terms are subtracted separately: y stays exact where x is the max and the sum is near 1.

    static void logSoftmax(long outer, long n, long inner, MemorySegment x, MemorySegment y) {
        if (outer <= 0 || n <= 0 || inner <= 0) return;
        if (inner == 1 && n < JavaRowGroups.SHORT) {
            shortRows(outer, (int) n, x, y, true);
            return;
        }
        if (inner == 1) {
            float[] scratch = JavaRowGroups.get().out;
            for (long o = 0; o < outer; o++) {
                long off = o * n;
                float m = JavaReduce.softMax(x, off, n);
                float ls = (float) Math.log(JavaReduce.sumExp(x, off, n, m, scratch));
                long i = 0;
                for (long e = bound(n); i < e; i += L) store(load(x, off + i).sub(m).sub(ls), y, off + i);
                for (; i < n; i++) set(y, off + i, (get(x, off + i) - m) - ls);
            }
            return;
        }
        columns(outer, n, inner, x, y, true);
    }

    // ---- softmax backward: gx = y * (gy - sum(gy * y)) ------------------------------------------

    static void softmaxBackward(long outer, long n, long inner, MemorySegment y, MemorySegment gy, MemorySegment gx) {
        if (outer <= 0 || n <= 0 || inner <= 0) return;
        if (inner == 1 && n < JavaRowGroups.SHORT) {
            backwardShortRows(outer, (int) n, y, gy, gx, false);
            return;
        }
        if (inner == 1) {
            for (long o = 0; o < outer; o++) {
                long off = o * n;
                float dot = (float) JavaReduce.dot(gy, y, off, n);
                long i = 0;
                for (long e = bound(n); i < e; i += L) {
                    store(load(y, off + i).mul(load(gy, off + i).sub(dot)), gx, off + i);
                }
                for (; i < n; i++) set(gx, off + i, get(y, off + i) * (get(gy, off + i) - dot));
            }
            return;
        }
        for (long o = 0; o < outer; o++) {
            for (long j = 0; j < inner; j++) {
                long base = o * n * inner + j;
                double s = 0.0;
                for (long k = 0; k < n; k++) s += (double) get(gy, base + k * inner) * get(y, base + k * inner);
                float dot = (float) s;
                for (long k = 0; k < n; k++) {
                    long at = base + k * inner;
                    set(gx, at, get(y, at) * (get(gy, at) - dot));
                }
            }
        }
    }

    /**
     * Backward of softmax (gx = y * (gy - sum(gy * y))) or log-softmax (gx = gy - exp(y) * sum(gy)) for rows
     * shorter than {@link JavaRowGroups#SHORT}, L rows across the lanes; the row sums are short float sums.
     */
    private static void backwardShortRows(long rows, int n, MemorySegment y, MemorySegment gy, MemorySegment gx,
                                          boolean log) {
        JavaRowGroups g = JavaRowGroups.get();
        float[] ty = g.cols, tg = g.cols2, o = g.out;
        for (long r0 = 0; r0 < rows; r0 += L) {
            int w = (int) Math.min(L, rows - r0);
            g.load(y, r0, w, n, ty);
            g.load(gy, r0, w, n, tg);
            FloatVector s = FloatVector.zero(JavaMath.F);
            for (int k = 0; k < n; k++) {
                FloatVector gk = FloatVector.fromArray(JavaMath.F, tg, k * L);
                s = log ? s.add(gk) : gk.fma(FloatVector.fromArray(JavaMath.F, ty, k * L), s);
            }
            for (int k = 0; k < n; k++) {
                FloatVector yk = FloatVector.fromArray(JavaMath.F, ty, k * L), gk = FloatVector.fromArray(JavaMath.F, tg, k * L);
                (log ? JavaMath.exp(yk).neg().fma(s, gk) : yk.mul(gk.sub(s))).intoArray(o, k * L);
            }
            g.store(gx, r0, w, n);
        }
    }

    // ---- log-softmax backward: gx = gy - exp(y) * sum(gy) ---------------------------------------

    static void logSoftmaxBackward(long outer, long n, long inner, MemorySegment y, MemorySegment gy,
                                   MemorySegment gx) {
        if (outer <= 0 || n <= 0 || inner <= 0) return;
        if (inner == 1 && n < JavaRowGroups.SHORT) {
            backwardShortRows(outer, (int) n, y, gy, gx, true);
            return;
        }
        if (inner == 1) {
            for (long o = 0; o < outer; o++) {
                long off = o * n;
                float sum = (float) JavaReduce.sum(gy, off, n);
                FloatVector sv = FloatVector.broadcast(JavaMath.F, sum);
                long i = 0;
                for (long e = bound(n); i < e; i += L) {
                    // Loads first and the store inline: see JavaMath.store.
                    FloatVector g = load(gy, off + i);
                    FloatVector v = JavaMath.exp(load(y, off + i)).neg().fma(sv, g);
                    if (gx.getClass() == JavaMath.NATIVE) v.intoMemorySegment(gx, off + i << 2, JavaMath.BO);
                    else v.intoMemorySegment(gx, off + i << 2, JavaMath.BO);
                }
                for (; i < n; i++) set(gx, off + i, Math.fma(-JavaMath.exp(get(y, off + i)), sum, get(gy, off + i)));
            }
            return;
        }
        for (long o = 0; o < outer; o++) {
            for (long j = 0; j < inner; j++) {
                long base = o * n * inner + j;
                double s = 0.0;
                for (long k = 0; k < n; k++) s += get(gy, base + k * inner);
                float sum = (float) s;
                for (long k = 0; k < n; k++) {
                    long at = base + k * inner;
                    set(gx, at, Math.fma(-JavaMath.exp(get(y, at)), sum, get(gy, at)));
                }
            }
        }
    }
}

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
import jdk.incubator.vector.VectorOperators;

/**
 * Losses (twin of {@code native/src/loss.c}): cross-entropy, NLL, binary cross-entropy on probabilities
 * and on logits, one-hot. A row's scalars (label, gloss, stats) are read before the row is written: with
 * cols == 1 an output has the size of those inputs and may alias them. With cols == 0 no label is valid,
 * so there are no rows to do.
 */
final class JavaLoss {
    private JavaLoss() {}

    private static final int L = JavaMath.L;

    /** Labels are floats holding whole numbers, range-checked by the caller. */
    private static long label(MemorySegment labels, long r) {
        return (long) get(labels, r);
    }

    /**
     * loss = logsumexp(x) - x[label]. From the row max m, s = sum(exp(x - m)) >= 1: log(s) as log1p(s - 1),
     * with s - 1 exact in double, keeps the tiny loss of a confident prediction accurate, and
     * (m - x[label]) + log(s) has no cancellation when the label holds the max. stats[r] = (m, log(s)) kept
     * apart: their float sum would lose log(s)'s low digits once |m| is large (all of them at |m| ~ 1e7).
     */
    static void crossEntropy(long rows, long cols, MemorySegment logits, MemorySegment labels, MemorySegment loss,
                             MemorySegment stats) {
        if (cols <= 0) return;
        if (cols < JavaRowGroups.SHORT) {
            crossEntropyShort(rows, (int) cols, logits, labels, loss, stats);
            return;
        }
        float[] scratch = JavaRowGroups.get().out;
        for (long r = 0; r < rows; r++) {
            long off = r * cols;
            float target = get(logits, off + label(labels, r));
            float m = JavaReduce.softMax(logits, off, cols);
            double s = JavaReduce.sumExp(logits, off, cols, m, scratch);
            float logS = JavaMath.log1p((float) (s - 1.0));
            set(stats, 2 * r, m);
            set(stats, 2 * r + 1, logS);
            set(loss, r, (float) (((double) m - target) + logS));
        }
    }

    /** Rows shorter than {@link JavaRowGroups#SHORT}, L at a time across the vector lanes. */
    private static void crossEntropyShort(long rows, int n, MemorySegment logits, MemorySegment labels,
                                          MemorySegment loss, MemorySegment stats) {
        JavaRowGroups g = JavaRowGroups.get();
        float[] t = g.cols, sums = g.lane, comps = g.lane2, mxs = g.lane3, tg = g.out;
        for (long r0 = 0; r0 < rows; r0 += L) {
            int w = (int) Math.min(L, rows - r0);
            g.load(logits, r0, w, n);
            FloatVector mx = FloatVector.fromArray(F, t, 0);
            for (int k = 1; k < n; k++) {
                FloatVector v = FloatVector.fromArray(F, t, k * L);
                mx = mx.blend(v, v.compare(VectorOperators.GT, mx));
            }
            // sum(exp(x - max)) per lane as hi + lo (TwoSum): as exact as double, see JavaReduce.sumExp.
            FloatVector hi = FloatVector.zero(F), lo = hi;
            for (int k = 0; k < n; k++) {
                FloatVector v = JavaMath.exp(FloatVector.fromArray(F, t, k * L).sub(mx));
                FloatVector u = hi.add(v), z = u.sub(hi);
                lo = lo.add(hi.sub(u.sub(z)).add(v.sub(z)));
                hi = u;
            }
            // The targets first: with n == 1 the outputs may alias the labels.
            for (int j = 0; j < L; j++) tg[j] = j < w ? g.block[j * n + (int) label(labels, r0 + j)] : 0.0f;
            hi.intoArray(sums, 0);
            lo.intoArray(comps, 0);
            mx.intoArray(mxs, 0);
            crossEntropyFinish(r0, w, sums, comps, mxs, tg, loss, stats);
        }
    }

    /**
     * stats = (max, log(s)), loss = (max - target) + log(s) for a group, from s = hi + lo. Its own method taking
     * arrays: with the exp loop in the same compilation, the vector log would not fit C2's budget and box.
     */
    private static void crossEntropyFinish(long r0, int w, float[] hiA, float[] loA, float[] mxA, float[] tg,
                                           MemorySegment loss, MemorySegment stats) {
        FloatVector mx = FloatVector.fromArray(F, mxA, 0);
        // s - 1 = (hi - 1) + lo, hi - 1 exact for hi in [1, 2] where it matters.
        FloatVector logS = JavaMath.log1p(FloatVector.fromArray(F, hiA, 0).sub(1.0f).add(FloatVector.fromArray(F, loA, 0)));
        FloatVector lossV = mx.sub(FloatVector.fromArray(F, tg, 0)).add(logS);
        logS.intoArray(hiA, 0);
        lossV.intoArray(loA, 0);
        for (int j = 0; j < w; j++) {
            set(stats, 2 * (r0 + j), mxA[j]);
            set(stats, 2 * (r0 + j) + 1, hiA[j]);
            set(loss, r0 + j, loA[j]);
        }
    }

    /**
     * glogits[r,c] = gloss[r] * (exp((x[r,c] - m) - log_s) - (c == label[r])) with (m, log_s) = stats[r]:
     * (x - m) - log_s is torch's log_softmax, rounded the same way.
     */
    static void crossEntropyBackward(long rows, long cols, MemorySegment logits, MemorySegment labels,
                                     MemorySegment stats, MemorySegment gloss, MemorySegment glogits) {
        if (cols <= 0) return;
        if (cols < JavaRowGroups.SHORT) {
            crossEntropyBackwardShort(rows, (int) cols, logits, labels, stats, gloss, glogits);
            return;
        }
        for (long r = 0; r < rows; r++) {
            long off = r * cols;
            long lab = label(labels, r);
            float g = get(gloss, r), m = get(stats, 2 * r), l = get(stats, 2 * r + 1), xl = get(logits, off + lab);
            long c = 0;
            for (long e = bound(cols); c < e; c += L) {
                FloatVector v = JavaMath.exp(load(logits, off + c).sub(m).sub(l)).mul(g);
                // Inline store after the math: see JavaMath.store.
                if (glogits.getClass() == NATIVE) v.intoMemorySegment(glogits, c + off << 2, BO);
                else v.intoMemorySegment(glogits, c + off << 2, BO);
            }
            for (; c < cols; c++) set(glogits, off + c, g * JavaMath.exp((get(logits, off + c) - m) - l));
            set(glogits, off + lab, g * (JavaMath.exp((xl - m) - l) - 1.0f));
        }
    }

    /** Short rows in groups; a group's per-row inputs are all read before its rows are written. */
    private static void crossEntropyBackwardShort(long rows, int n, MemorySegment logits, MemorySegment labels,
                                                  MemorySegment stats, MemorySegment gloss, MemorySegment glogits) {
        JavaRowGroups g = JavaRowGroups.get();
        float[] t = g.cols, o = g.out, gl = g.lane, ls = g.lane2, ms = g.lane3;
        int[] lab = g.labels;
        for (long r0 = 0; r0 < rows; r0 += L) {
            int w = (int) Math.min(L, rows - r0);
            g.load(logits, r0, w, n);
            for (int j = 0; j < L; j++) {
                gl[j] = j < w ? get(gloss, r0 + j) : 0.0f;
                ms[j] = j < w ? get(stats, 2 * (r0 + j)) : 0.0f;
                ls[j] = j < w ? get(stats, 2 * (r0 + j) + 1) : 0.0f;
                lab[j] = j < w ? (int) label(labels, r0 + j) : 0;
            }
            FloatVector gv = FloatVector.fromArray(F, gl, 0), mv = FloatVector.fromArray(F, ms, 0);
            FloatVector lv = FloatVector.fromArray(F, ls, 0);
            // exp first, the label's minus one on the same exp, then the scale: g * (exp - 1) as written.
            for (int k = 0; k < n; k++) {
                JavaMath.exp(FloatVector.fromArray(F, t, k * L).sub(mv).sub(lv)).intoArray(o, k * L);
            }
            for (int j = 0; j < w; j++) o[lab[j] * L + j] -= 1.0f;
            for (int k = 0; k < n; k++) FloatVector.fromArray(F, o, k * L).mul(gv).intoArray(o, k * L);
            g.store(glogits, r0, w, n);
        }
    }

    static void nll(long rows, long cols, MemorySegment logp, MemorySegment labels, MemorySegment loss) {
        if (cols <= 0) return;
        for (long r = 0; r < rows; r++) set(loss, r, -get(logp, r * cols + label(labels, r)));
    }

    static void nllBackward(long rows, long cols, MemorySegment labels, MemorySegment gloss, MemorySegment glogp) {
        if (cols <= 0) return;
        for (long r = 0; r < rows; r++) {
            long lab = label(labels, r);
            float g = get(gloss, r);
            glogp.asSlice((r * cols) << 2, cols << 2).fill((byte) 0);
            set(glogp, r * cols + lab, -g);
        }
    }

    /** Elements per pass of the two-pass kernels below (the scratch block stays in L1). */
    private static final int BLOCK = 2048;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[BLOCK]);

    /*
     * A loop evaluating two vector logs/exps inlines past C2's node budget, and what is left out is then
     * called with boxed vectors. So these kernels run in blocks of two passes, each pass its own method
     * taking only segments and arrays (cheap to call when not inlined), the first writing into a scratch
     * block the second reads. Each block's inputs are read before its outputs are written: out may alias.
     */

    /**
     * -(z*log(p) + (1-z)*log(1-p)), each log clamped at -100 as torch does (finite loss at p = 0 or 1);
     * log1p(-p) is log(1 - p) without rounding 1 - p. Comparisons keep NaN.
     */
    static void bce(long n, MemorySegment p, MemorySegment z, MemorySegment loss) {
        float[] buf = SCRATCH.get();
        for (long b0 = 0; b0 < n; b0 += BLOCK) {
            int w = (int) Math.min(BLOCK, n - b0);
            logOneMinusClamped(p, b0, w, buf);
            bceFinish(p, z, loss, b0, w, buf);
        }
    }

    /** buf[i] = max(log1p(-p[b0+i]), -100). */
    private static void logOneMinusClamped(MemorySegment p, long b0, int w, float[] buf) {
        int i = 0;
        for (int e = w - w % L; i < e; i += L) {
            FloatVector lq = JavaMath.log1p(load(p, b0 + i).neg());
            lq.blend(-100.0f, lq.compare(VectorOperators.LT, -100.0f)).intoArray(buf, i);
        }
        for (; i < w; i++) {
            float lq = JavaMath.log1p(-get(p, b0 + i));
            buf[i] = lq < -100.0f ? -100.0f : lq;
        }
    }

    /** loss = -(z * max(log(p), -100) + (1 - z) * buf). */
    private static void bceFinish(MemorySegment p, MemorySegment z, MemorySegment loss, long b0, int w, float[] buf) {
        int i = 0;
        for (int e = w - w % L; i < e; i += L) {
            FloatVector zv = load(z, b0 + i), lq = FloatVector.fromArray(F, buf, i);
            FloatVector lp = JavaMath.log(load(p, b0 + i));
            lp = lp.blend(-100.0f, lp.compare(VectorOperators.LT, -100.0f));
            FloatVector v = zv.fma(lp, zv.neg().add(1.0f).mul(lq)).neg();
            // Inline store after the math: see JavaMath.store.
            if (loss.getClass() == NATIVE) v.intoMemorySegment(loss, b0 + i << 2, BO);
            else v.intoMemorySegment(loss, b0 + i << 2, BO);
        }
        for (; i < w; i++) {
            float zi = get(z, b0 + i), lp = JavaMath.log(get(p, b0 + i));
            lp = lp < -100.0f ? -100.0f : lp;
            set(loss, b0 + i, -Math.fma(zi, lp, (1.0f - zi) * buf[i]));
        }
    }

    /** gp = gloss * (p - z) / max((1-p)*p, 1e-12). */
    static void bceBackward(long n, MemorySegment p, MemorySegment z, MemorySegment gloss, MemorySegment gp) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) {
            FloatVector pv = load(p, i);
            FloatVector d = pv.neg().add(1.0f).mul(pv);
            d = d.blend(1e-12f, d.compare(VectorOperators.LT, 1e-12f));
            store(load(gloss, i).mul(pv.sub(load(z, i))).div(d), gp, i);
        }
        for (; i < n; i++) {
            float pi = get(p, i);
            float d = (1.0f - pi) * pi;
            d = d < 1e-12f ? 1e-12f : d;
            set(gp, i, get(gloss, i) * (pi - get(z, i)) / d);
        }
    }

    /** max(x,0) - x*z + log(1 + exp(-|x|)): exp never overflows, log1p keeps the tail for large |x|. */
    static void bceWithLogits(long n, MemorySegment x, MemorySegment z, MemorySegment loss) {
        float[] buf = SCRATCH.get();
        for (long b0 = 0; b0 < n; b0 += BLOCK) {
            int w = (int) Math.min(BLOCK, n - b0);
            expMinusAbs(x, b0, w, buf);
            bceWithLogitsFinish(x, z, loss, b0, w, buf);
        }
    }

    /** buf[i] = exp(-|x[b0+i]|). */
    private static void expMinusAbs(MemorySegment x, long b0, int w, float[] buf) {
        int i = 0;
        for (int e = w - w % L; i < e; i += L) JavaMath.exp(load(x, b0 + i).abs().neg()).intoArray(buf, i);
        for (; i < w; i++) buf[i] = JavaMath.exp(-Math.abs(get(x, b0 + i)));
    }

    /** loss = max(x, 0) - x*z + log1p(buf), x*z fused: pos - x*z cancels for z near 1. */
    private static void bceWithLogitsFinish(MemorySegment x, MemorySegment z, MemorySegment loss, long b0, int w,
                                            float[] buf) {
        int i = 0;
        for (int e = w - w % L; i < e; i += L) {
            FloatVector v = load(x, b0 + i);
            FloatVector pos = v.blend(0.0f, v.compare(VectorOperators.LE, 0.0f).or(v.test(VectorOperators.IS_NAN)));
            FloatVector t = JavaMath.log1p(FloatVector.fromArray(F, buf, i));
            store(v.neg().fma(load(z, b0 + i), pos).add(t), loss, b0 + i);
        }
        for (; i < w; i++) {
            float v = get(x, b0 + i);
            float pos = v > 0.0f ? v : 0.0f;
            set(loss, b0 + i, Math.fma(-v, get(z, b0 + i), pos) + JavaMath.log1p(buf[i]));
        }
    }

    /** gx = gloss * (sigmoid(x) - z). */
    static void bceWithLogitsBackward(long n, MemorySegment x, MemorySegment z, MemorySegment gloss,
                                      MemorySegment gx) {
        long i = 0;
        for (long e = bound(n); i < e; i += L) {
            // Loads first and the store inline: helpers after the inlined sigmoid would not inline (JavaMath.store).
            FloatVector gv = load(gloss, i), zv = load(z, i);
            FloatVector v = gv.mul(JavaMath.sigmoid(load(x, i)).sub(zv));
            if (gx.getClass() == NATIVE) v.intoMemorySegment(gx, i << 2, BO); else v.intoMemorySegment(gx, i << 2, BO);
        }
        for (; i < n; i++) set(gx, i, get(gloss, i) * (JavaMath.sigmoid(get(x, i)) - get(z, i)));
    }

    static void oneHot(long rows, long classes, MemorySegment labels, MemorySegment out) {
        if (classes <= 0) return;
        for (long r = 0; r < rows; r++) {
            long lab = label(labels, r);
            out.asSlice((r * classes) << 2, classes << 2).fill((byte) 0);
            set(out, r * classes + lab, 1.0f);
        }
    }
}

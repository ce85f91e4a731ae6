package org.panagrad.ops;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;

/**
 * numpy broadcasting for the binary elementwise ops: the output shape, the collapsed strided view the
 * {@code *_bcast} kernels take (at most four axes per call), and the reduction of a gradient back to an
 * input's shape.
 */
final class Broadcast {
    private Broadcast() {}

    /** The broadcast shape of a and b, or an exception naming the op and both shapes. */
    static int[] shape(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " cannot be broadcast together (axis " + (i - rank) + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Which strided kernel to run: one of the four binary ops. */
    interface StridedKernel {
        void run(long d0, long d1, long d2, long d3, MemorySegment a, long as0, long as1, long as2, long as3,
                 MemorySegment b, long bs0, long bs1, long bs2, long bs3, MemorySegment out);
    }

    /**
     * out = a op b with broadcasting, out contiguous of shape {@code outShape}. Axes are collapsed so the
     * common patterns (row vector, column vector, scalar) take one kernel call; patterns that still need more
     * than four axes loop over the leading ones.
     */
    static void run(StridedKernel kernel, Tensor a, Tensor b, Tensor out) {
        int[] os = out.shape();
        int rank = os.length;
        long[] sa = strides(a.shape(), rank);
        long[] sb = strides(b.shape(), rank);
        // Collapse: drop size-1 axes, merge neighbours whose strides are contiguous for both operands.
        long[] dims = new long[rank];
        long[] ca = new long[rank];
        long[] cb = new long[rank];
        int k = 0;
        for (int i = 0; i < rank; i++) {
            if (os[i] == 1) continue;
            if (k > 0 && ca[k - 1] == sa[i] * os[i] && cb[k - 1] == sb[i] * os[i]) {
                dims[k - 1] *= os[i];
                ca[k - 1] = sa[i];
                cb[k - 1] = sb[i];
            } else {
                dims[k] = os[i];
                ca[k] = sa[i];
                cb[k] = sb[i];
                k++;
            }
        }
        runCollapsed(kernel, Arrays.copyOf(dims, k), Arrays.copyOf(ca, k), Arrays.copyOf(cb, k),
                a.segment(), b.segment(), out.segment(), 0, 0, 0, 0);
    }

    private static void runCollapsed(StridedKernel kernel, long[] d, long[] sa, long[] sb, MemorySegment a,
                                     MemorySegment b, MemorySegment out, int axis, long offA, long offB, long offOut) {
        int left = d.length - axis;
        if (left <= 4) {
            long[] dd = {1, 1, 1, 1}, aa = {0, 0, 0, 0}, bb = {0, 0, 0, 0};
            for (int i = 0; i < left; i++) {
                dd[4 - left + i] = d[axis + i];
                aa[4 - left + i] = sa[axis + i];
                bb[4 - left + i] = sb[axis + i];
            }
            kernel.run(dd[0], dd[1], dd[2], dd[3],
                    a.asSlice(offA * Float.BYTES), aa[0], aa[1], aa[2], aa[3],
                    b.asSlice(offB * Float.BYTES), bb[0], bb[1], bb[2], bb[3],
                    out.asSlice(offOut * Float.BYTES));
            return;
        }
        long block = 1;
        for (int i = axis + 1; i < d.length; i++) block *= d[i];
        for (long i = 0; i < d[axis]; i++) {
            runCollapsed(kernel, d, sa, sb, a, b, out, axis + 1, offA + i * sa[axis], offB + i * sb[axis], offOut + i * block);
        }
    }

    /** Element strides of a shape right-aligned in {@code rank} axes, 0 along broadcast (size-1 or missing) axes. */
    private static long[] strides(int[] shape, int rank) {
        long[] s = new long[rank];
        long stride = 1;
        for (int i = rank - 1; i >= 0; i--) {
            int j = i - (rank - shape.length);
            int size = j >= 0 ? shape[j] : 1;
            s[i] = size == 1 ? 0 : stride;
            stride *= size;
        }
        return s;
    }

    /**
     * Sums {@code g} (of the broadcast output's shape) over the axes along which an input of shape
     * {@code target} was broadcast, giving a tensor of shape {@code target}. Returns g itself when no axis was.
     */
    static Tensor reduceTo(Tensor g, int[] target) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, target)) return g;
        int rank = gs.length;
        int pad = rank - target.length;
        long[] cur = new long[rank];
        for (int i = 0; i < rank; i++) cur[i] = gs[i];
        Tensor t = g;
        // From the last run of reduced axes to the first, so earlier axis positions stay valid.
        int i = rank - 1;
        while (i >= 0) {
            if (!reduced(gs, target, pad, i)) {
                i--;
                continue;
            }
            int end = i + 1;
            while (i >= 0 && reduced(gs, target, pad, i)) i--;
            int start = i + 1;
            long outer = 1, n = 1, inner = 1;
            for (int j = 0; j < start; j++) outer *= cur[j];
            for (int j = start; j < end; j++) n *= cur[j];
            for (int j = end; j < rank; j++) inner *= cur[j];
            Tensor next = Tensor.empty(Math.toIntExact(outer * inner));
            Panagrad.kernels().reduceSumAxis(outer, n, inner, t.segment(), next.segment());
            if (t != g) t.close();
            t = next;
            for (int j = start; j < end; j++) cur[j] = 1;
        }
        Tensor shaped = Tensor.alias(t, 0, target);
        if (t != g) t.close();
        return shaped;
    }

    private static boolean reduced(int[] gs, int[] target, int pad, int i) {
        int td = i - pad >= 0 ? target[i - pad] : 1;
        return td == 1 && gs[i] != 1;
    }
}

package org.panagrad.kernels;

import static org.panagrad.kernels.JavaMath.F;
import static org.panagrad.kernels.JavaMath.FL;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Short rows (softmax or cross-entropy over 10 classes, say) waste most of each vector on tails and on the
 * final combination of lanes, once per row. Kernels over rows shorter than {@link #SHORT} therefore take
 * {@link #L} rows at a time: the group is copied from the segment in one block, and gathered into columns
 * ({@code t[k*L + j]} = row j, element k) where the loops run across rows at full width and a reduction along
 * the row is a plain elementwise accumulation (the C kernels do the same, see {@code pg_internal.h}).
 */
final class JavaRowGroups {

    /** Rows shorter than this are processed in groups. */
    static final int SHORT = 64;
    static final int L = JavaMath.L;

    /** Per-thread scratch: the block of rows as stored, its columns, an output in columns, the gather map. */
    final float[] block = new float[SHORT * L];
    final float[] cols = new float[SHORT * L];
    final float[] cols2 = new float[SHORT * L];
    final float[] out = new float[SHORT * L];
    final float[] lane = new float[L];
    final float[] lane2 = new float[L];
    final float[] lane3 = new float[L];
    final int[] labels = new int[L];
    private final int[] map = new int[L];
    private int mapN = -1;

    private static final ThreadLocal<JavaRowGroups> SCRATCH = ThreadLocal.withInitial(JavaRowGroups::new);

    static JavaRowGroups get() {
        return SCRATCH.get();
    }

    /**
     * Rows r0 .. r0+w of x (rows of length n &lt; SHORT) into {@link #block} (rows beyond w zero) and their
     * columns into {@link #cols}.
     */
    void load(MemorySegment x, long r0, int w, int n) {
        load(x, r0, w, n, cols);
    }

    /** As {@link #load(MemorySegment, long, int, int)}, the columns into dst. */
    void load(MemorySegment x, long r0, int w, int n, float[] dst) {
        MemorySegment.copy(x, FL, (r0 * n) << 2, block, 0, w * n);
        if (w < L) java.util.Arrays.fill(block, w * n, L * n, 0.0f);
        if (mapN != n) {
            for (int j = 0; j < L; j++) map[j] = j * n;
            mapN = n;
        }
        for (int k = 0; k < n; k++) FloatVector.fromArray(F, block, k, map, 0).intoArray(dst, k * L);
    }

    /** {@link #out} (columns) back to rows r0 .. r0+w of y. */
    void store(MemorySegment y, long r0, int w, int n) {
        float[] o = out, b = block;
        if (w == L && mapN == n) {
            // A full group: each column scattered back into the rows (faster than element moves on AVX-512).
            for (int k = 0; k < n; k++) FloatVector.fromArray(F, o, k * L).intoArray(b, k, map, 0);
        } else {
            for (int j = 0; j < w; j++)
                for (int k = 0; k < n; k++) b[j * n + k] = o[k * L + j];
        }
        MemorySegment.copy(b, 0, y, FL, (r0 * n) << 2, w * n);
    }
}

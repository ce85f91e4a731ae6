package org.panagrad.kernels;

import static org.panagrad.kernels.JavaMath.BO;
import static org.panagrad.kernels.JavaMath.F;
import static org.panagrad.kernels.JavaMath.FL;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Matrix product and transposition of {@link JavaKernels} (twin of {@code native/src/gemm.c}, which calls
 * OpenBLAS). The product is blocked the BLIS way: a KC x NC block of op(B) is packed into panels NR columns
 * wide, an MC x KC block of op(A) into panels MR rows high (both zero-padded, transposition handled while
 * packing), and an MR x NR register-blocked micro-kernel (Vector API FMAs, 6 rows x 2 vectors: 12
 * accumulators, 2 B vectors and an A broadcast fill the 16 AVX2 registers) computes each tile of C over the
 * KC panel. Products at most one vector wide, or shallow ones (k &lt;= {@link #SMALL_K}), skip the blocking
 * (see {@link #small}): there the panels would be mostly padding. Large products are split over a small
 * fixed thread pool by rows (or columns when C is wide), each thread packing into its own thread-local buffers.
 */
final class JavaGemm {

    /** Micro-tile: MR rows by NR = 2 vectors of columns. */
    static final int MR = 6;
    static final int L = JavaMath.L;
    static final int NR = 2 * L;
    /** Depth of a packed block: an MR x KC panel of A and a KC x NR panel of B sit in L1. */
    static final int KC = 256;
    /** Rows of A packed at a time (fits L2 with room to spare). */
    static final int MC = 16 * MR;
    /** Columns of B packed at a time. */
    static final int NC = 2048;
    /** Below this many multiply-adds (m*n*k) one thread does it all: handing work over costs more. */
    static final long PARALLEL_MIN = 1L << 20;

    private final Object lock = new Object();
    private volatile int threads = 1;
    private ExecutorService pool;

    /** An unstarted thread: segments it may access are not confined to their creator, so workers may use them. */
    private static final Thread PROBE = new Thread(() -> { });

    private static boolean shared(MemorySegment s) {
        return s.isAccessibleBy(PROBE);
    }

    /** Per-thread packing buffers, grown on demand and kept: no allocation per call. */
    private static final class Buffers {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    void setThreads(int n) {
        synchronized (lock) {
            if (n == threads && (n == 1 || pool != null)) return;
            ExecutorService old = pool;
            pool = n > 1 ? Executors.newFixedThreadPool(n - 1, r -> {
                Thread t = new Thread(r, "panagrad-gemm");
                t.setDaemon(true);
                return t;
            }) : null;
            threads = n;
            if (old != null) old.shutdown(); // running parts finish; the pool's threads then exit
        }
    }

    int threads() {
        return threads;
    }

    // ---- gemm -------------------------------------------------------------------------------------

    void gemm(boolean ta, boolean tb, long m, long n, long k, float alpha, MemorySegment a, long lda,
              MemorySegment b, long ldb, float beta, MemorySegment c, long ldc) {
        if (m <= 0 || n <= 0) return;
        // As BLAS: A and B are not referenced when alpha == 0 or k == 0.
        if (k <= 0 || alpha == 0.0f) {
            scaleC((int) m, (int) n, beta, c, 0, ldc);
            return;
        }
        int mi = Math.toIntExact(m), ni = Math.toIntExact(n), ki = Math.toIntExact(k);
        boolean fits = ni <= L || (ki <= SMALL_K && ni <= SMALL_N);
        if (fits && ((!ta && tb) || threads <= 1 || m * n * k < PARALLEL_MIN)) {
            // C at most one vector wide (a classifier's last layer, x * W^T with 10 outputs) or a shallow
            // product (its dx = g * W, depth 10): the blocked path's panels of NR columns would be mostly
            // padding, and its packing and tile round trips cost more than the few multiply-adds. (Serial:
            // large ones still go to the threads, except x * W^T, which has always run on one.)
            small(ta, tb, mi, ni, ki, alpha, a, lda, b, ldb, beta, c, ldc, BUFFERS.get());
            return;
        }
        if (!ta && tb && n < NR) {
            // x * W^T with W a little over one vector high: each C[i, j] is a dot product of two contiguous rows.
            rowDots(mi, ni, ki, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        int t = threads;
        ExecutorService p;
        synchronized (lock) {
            p = pool;
        }
        if (t <= 1 || p == null || m * n * k < PARALLEL_MIN || !shared(a) || !shared(b) || !shared(c)) {
            serial(ta, tb, mi, ni, ki, alpha, a, 0, lda, b, 0, ldb, beta, c, 0, ldc, BUFFERS.get());
            return;
        }
        // Split the longer side of C into parts aligned to the micro-tile.
        boolean byRows = m >= n;
        int unit = byRows ? MR : NR;
        int size = byRows ? mi : ni;
        int tiles = (size + unit - 1) / unit;
        int parts = Math.min(t, tiles);
        int per = (tiles + parts - 1) / parts * unit;
        List<Future<?>> futures = new ArrayList<>(parts - 1);
        try {
            for (int s = per; s < size; s += per) {
                int s0 = s, len = Math.min(per, size - s);
                futures.add(p.submit(() -> part(byRows, s0, len, ta, tb, mi, ni, ki, alpha, a, lda, b, ldb, beta, c, ldc)));
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The pool was replaced by setThreads meanwhile: do the rest here.
            for (int s = per * (futures.size() + 1); s < size; s += per) {
                part(byRows, s, Math.min(per, size - s), ta, tb, mi, ni, ki, alpha, a, lda, b, ldb, beta, c, ldc);
            }
        }
        part(byRows, 0, Math.min(per, size), ta, tb, mi, ni, ki, alpha, a, lda, b, ldb, beta, c, ldc);
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("gemm: interrupted while waiting for worker threads", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) throw re;
                if (cause instanceof Error err) throw err;
                throw new IllegalStateException("gemm: worker failed", cause);
            }
        }
    }

    /** Rows [s, s+len) of C (or columns, when !byRows) as a gemm of their own. */
    private static void part(boolean byRows, int s, int len, boolean ta, boolean tb, int m, int n, int k, float alpha,
                             MemorySegment a, long lda, MemorySegment b, long ldb, float beta, MemorySegment c, long ldc) {
        Buffers buf = BUFFERS.get();
        if (byRows) {
            long aOff = ta ? s : (long) s * lda;
            serial(ta, tb, len, n, k, alpha, a, aOff, lda, b, 0, ldb, beta, c, (long) s * ldc, ldc, buf);
        } else {
            long bOff = tb ? (long) s * ldb : s;
            serial(ta, tb, m, len, k, alpha, a, 0, lda, b, bOff, ldb, beta, c, s, ldc, buf);
        }
    }

    /** Depth and width up to which {@link #small} beats packing (op(B) is then at most 16 KB). */
    static final int SMALL_K = 32, SMALL_N = 128;

    /**
     * C = alpha * op(A) * op(B) + beta * C without blocking: op(B) is copied once into a zero-padded k x np
     * array (np = n rounded up to vectors), then each vector of C over 8 rows at a time accumulates
     * op(A)[i, p] * op(B)[p, :] over the whole depth, 8 independent FMA chains to hide their latency.
     */
    private static void small(boolean ta, boolean tb, int m, int n, int k, float alpha, MemorySegment a, long lda,
                              MemorySegment b, long ldb, float beta, MemorySegment c, long ldc, Buffers buf) {
        int np = (n + L - 1) / L * L;
        if (buf.b.length < k * np) buf.b = new float[k * np];
        float[] bp = buf.b;
        packSmallB(tb, n, k, b, ldb, np, bp);
        // op(A)[i, p] at i * rs + p * ps.
        long rs = ta ? 1 : lda, ps = ta ? lda : 1;
        int i = 0;
        for (; i + 8 <= m; i += 8) {
            for (int j = 0; j < np; j += L) small8(i, j, n, k, a, rs, ps, bp, np, alpha, beta, c, ldc, buf.tile);
        }
        for (; i < m; i++) {
            for (int j = 0; j < np; j += L) {
                FloatVector acc = FloatVector.zero(F);
                long ai = i * rs;
                for (int p = 0; p < k; p++, ai += ps) {
                    acc = FloatVector.fromArray(F, bp, p * np + j).fma(FloatVector.broadcast(F, a.get(FL, ai << 2)), acc);
                }
                acc.intoArray(buf.tile, 0);
                putRows(buf.tile, 1, c, (long) i * ldc + j, ldc, n - j, alpha, beta);
            }
        }
    }

    /** op(B) into bp[p * np + j], columns n .. np zero. */
    private static void packSmallB(boolean tb, int n, int k, MemorySegment b, long ldb, int np, float[] bp) {
        if (tb) {
            // op(B)[p, j] = B[j, p]: read B's rows contiguously, write with stride np.
            for (int j = 0; j < n; j++) {
                long row = (long) j * ldb;
                for (int p = 0; p < k; p++) bp[p * np + j] = b.get(FL, (row + p) << 2);
            }
            if (np > n) for (int p = 0; p < k; p++) java.util.Arrays.fill(bp, p * np + n, p * np + np, 0.0f);
        } else {
            for (int p = 0; p < k; p++) {
                MemorySegment.copy(b, FL, ((long) p * ldb) << 2, bp, p * np, n);
                java.util.Arrays.fill(bp, p * np + n, p * np + np, 0.0f);
            }
        }
    }

    /** Rows i .. i+8 of C, columns j .. j+L (clipped to n). */
    private static void small8(int i, int j, int n, int k, MemorySegment a, long rs, long ps, float[] bp, int np,
                               float alpha, float beta, MemorySegment c, long ldc, float[] tile) {
        FloatVector z = FloatVector.zero(F);
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z, c6 = z, c7 = z;
        long a0 = i * rs;
        for (int p = 0; p < k; p++, a0 += ps) {
            FloatVector bv = FloatVector.fromArray(F, bp, p * np + j);
            c0 = bv.fma(FloatVector.broadcast(F, a.get(FL, a0 << 2)), c0);
            c1 = bv.fma(FloatVector.broadcast(F, a.get(FL, (a0 + rs) << 2)), c1);
            c2 = bv.fma(FloatVector.broadcast(F, a.get(FL, (a0 + 2 * rs) << 2)), c2);
            c3 = bv.fma(FloatVector.broadcast(F, a.get(FL, (a0 + 3 * rs) << 2)), c3);
            c4 = bv.fma(FloatVector.broadcast(F, a.get(FL, (a0 + 4 * rs) << 2)), c4);
            c5 = bv.fma(FloatVector.broadcast(F, a.get(FL, (a0 + 5 * rs) << 2)), c5);
            c6 = bv.fma(FloatVector.broadcast(F, a.get(FL, (a0 + 6 * rs) << 2)), c6);
            c7 = bv.fma(FloatVector.broadcast(F, a.get(FL, (a0 + 7 * rs) << 2)), c7);
        }
        // Through the tile: a helper taking the vectors would not always inline, and would box them.
        c0.intoArray(tile, 0);
        c1.intoArray(tile, L);
        c2.intoArray(tile, 2 * L);
        c3.intoArray(tile, 3 * L);
        c4.intoArray(tile, 4 * L);
        c5.intoArray(tile, 5 * L);
        c6.intoArray(tile, 6 * L);
        c7.intoArray(tile, 7 * L);
        putRows(tile, 8, c, (long) i * ldc + j, ldc, n - j, alpha, beta);
    }

    /**
     * C[r, 0 .. min(w, L)] = alpha * tile[r] + beta * C[r, ..] for rows r &lt; rows from element co (stride ldc),
     * C not read when beta == 0; the same roundings as {@link #store}.
     */
    private static void putRows(float[] tile, int rows, MemorySegment c, long co, long ldc, int w, float alpha,
                                float beta) {
        VectorMask<Float> in = F.indexInRange(0, w);
        FloatVector va = FloatVector.broadcast(F, alpha);
        for (int r = 0; r < rows; r++, co += ldc) {
            FloatVector t = FloatVector.fromArray(F, tile, r * L);
            FloatVector v = beta == 0.0f ? t.mul(va) : t.fma(va, JavaMath.load(c, co, in).mul(beta));
            JavaMath.store(v, c, co, in);
        }
    }

    /** C[i, j] = alpha * dot(A[i, :], B[j, :]) + beta * C[i, j] (C not read when beta == 0), for op(B) = B^T. */
    private static void rowDots(int m, int n, int k, float alpha, MemorySegment a, long lda, MemorySegment b, long ldb,
                                float beta, MemorySegment c, long ldc) {
        int e = k - k % L;
        for (int i = 0; i < m; i++) {
            long ai = (long) i * lda;
            int j = 0;
            // Four rows of B at a time: independent accumulators share each load of A's row.
            for (; j + 4 <= n; j += 4) {
                long b0 = (long) j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
                FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
                for (int p = 0; p < e; p += L) {
                    FloatVector av = FloatVector.fromMemorySegment(F, a, (ai + p) << 2, BO);
                    s0 = av.fma(FloatVector.fromMemorySegment(F, b, (b0 + p) << 2, BO), s0);
                    s1 = av.fma(FloatVector.fromMemorySegment(F, b, (b1 + p) << 2, BO), s1);
                    s2 = av.fma(FloatVector.fromMemorySegment(F, b, (b2 + p) << 2, BO), s2);
                    s3 = av.fma(FloatVector.fromMemorySegment(F, b, (b3 + p) << 2, BO), s3);
                }
                dotStore(s0.reduceLanes(VectorOperators.ADD), e, k, a, ai, b, b0, alpha, beta, c, (long) i * ldc + j);
                dotStore(s1.reduceLanes(VectorOperators.ADD), e, k, a, ai, b, b1, alpha, beta, c, (long) i * ldc + j + 1);
                dotStore(s2.reduceLanes(VectorOperators.ADD), e, k, a, ai, b, b2, alpha, beta, c, (long) i * ldc + j + 2);
                dotStore(s3.reduceLanes(VectorOperators.ADD), e, k, a, ai, b, b3, alpha, beta, c, (long) i * ldc + j + 3);
            }
            for (; j < n; j++) {
                long bj = (long) j * ldb;
                FloatVector acc = FloatVector.zero(F);
                for (int p = 0; p < e; p += L) {
                    acc = FloatVector.fromMemorySegment(F, a, (ai + p) << 2, BO)
                            .fma(FloatVector.fromMemorySegment(F, b, (bj + p) << 2, BO), acc);
                }
                dotStore(acc.reduceLanes(VectorOperators.ADD), e, k, a, ai, b, bj, alpha, beta, c, (long) i * ldc + j);
            }
        }
    }

    /** Adds the scalar tail p in [e, k) to a dot product and stores alpha * dot + beta * C at element at. */
    private static void dotStore(float sum, int e, int k, MemorySegment a, long ai, MemorySegment b, long bj, float alpha,
                                 float beta, MemorySegment c, long at) {
        for (int p = e; p < k; p++) sum = Math.fma(a.get(FL, (ai + p) << 2), b.get(FL, (bj + p) << 2), sum);
        float v = alpha * sum;
        c.set(FL, at << 2, beta == 0.0f ? v : Math.fma(beta, c.get(FL, at << 2), v));
    }

    /** C = beta * C, not reading C when beta == 0 (NaNs in C must not survive, as in BLAS). */
    private static void scaleC(int m, int n, float beta, MemorySegment c, long cOff, long ldc) {
        for (int r = 0; r < m; r++) {
            long row = cOff + r * ldc;
            if (beta == 0.0f) {
                c.asSlice(row << 2, (long) n << 2).fill((byte) 0);
            } else if (beta != 1.0f) {
                JavaElementwise.affine(n, c.asSlice(row << 2), beta, 0.0f, c.asSlice(row << 2));
            }
        }
    }

    /** One thread's gemm on a sub-matrix of C; offsets are in elements. */
    static void serial(boolean ta, boolean tb, int m, int n, int k, float alpha, MemorySegment a, long aOff, long lda,
                       MemorySegment b, long bOff, long ldb, float beta, MemorySegment c, long cOff, long ldc,
                       Buffers buf) {
        int ncMax = Math.min(NC, (n + NR - 1) / NR * NR);
        int kcMax = Math.min(KC, k);
        int mcMax = Math.min(MC, (m + MR - 1) / MR * MR);
        if (buf.b.length < ncMax * kcMax) buf.b = new float[ncMax * kcMax];
        if (buf.a.length < mcMax * kcMax) buf.a = new float[mcMax * kcMax];
        float[] ap = buf.a, bp = buf.b;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                // The first depth block applies beta; the others accumulate.
                float bt = pc == 0 ? beta : 1.0f;
                packB(tb, b, bOff, ldb, pc, kc, jc, nc, bp);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(ta, a, aOff, lda, ic, mc, pc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bo = jr * kc;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            long co = cOff + (long) (ic + ir) * ldc + jc + jr;
                            kernel(kc, ap, ir * kc, bp, bo, c, co, ldc, mr, nr, alpha, bt, buf.tile);
                        }
                    }
                }
            }
        }
    }

    /** op(B)[pc..pc+kc, jc..jc+nc] into panels of NR columns: bp[panel*kc*NR + p*NR + j], zero-padded. */
    private static void packB(boolean tb, MemorySegment b, long bOff, long ldb, int pc, int kc, int jc, int nc,
                              float[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = jr * kc;
            if (!tb) {
                // Rows of B are contiguous: copy NR floats per depth step.
                long row = bOff + (long) pc * ldb + jc + jr;
                if (nr == NR) {
                    for (int p = 0; p < kc; p++, row += ldb) {
                        int d = base + p * NR;
                        FloatVector.fromMemorySegment(F, b, row << 2, BO).intoArray(bp, d);
                        FloatVector.fromMemorySegment(F, b, (row + L) << 2, BO).intoArray(bp, d + L);
                    }
                } else {
                    for (int p = 0; p < kc; p++, row += ldb) {
                        int d = base + p * NR;
                        for (int j = 0; j < nr; j++) bp[d + j] = b.get(FL, (row + j) << 2);
                        for (int j = nr; j < NR; j++) bp[d + j] = 0.0f;
                    }
                }
            } else {
                // op(B)[p, j] = B[j, p]: each column of the panel is a contiguous row of B.
                for (int j = 0; j < NR; j++) {
                    if (j < nr) {
                        long col = bOff + (long) (jc + jr + j) * ldb + pc;
                        for (int p = 0; p < kc; p++) bp[base + p * NR + j] = b.get(FL, (col + p) << 2);
                    } else {
                        for (int p = 0; p < kc; p++) bp[base + p * NR + j] = 0.0f;
                    }
                }
            }
        }
    }

    /** op(A)[ic..ic+mc, pc..pc+kc] into panels of MR rows: ap[panel*kc*MR + p*MR + i], zero-padded. */
    private static void packA(boolean ta, MemorySegment a, long aOff, long lda, int ic, int mc, int pc, int kc,
                              float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = ir * kc;
            if (!ta) {
                for (int i = 0; i < MR; i++) {
                    if (i < mr) {
                        long row = aOff + (long) (ic + ir + i) * lda + pc;
                        for (int p = 0; p < kc; p++) ap[base + p * MR + i] = a.get(FL, (row + p) << 2);
                    } else {
                        for (int p = 0; p < kc; p++) ap[base + p * MR + i] = 0.0f;
                    }
                }
            } else {
                // op(A)[i, p] = A[p, i]: the MR values of one depth step are contiguous in A.
                for (int p = 0; p < kc; p++) {
                    long row = aOff + (long) (pc + p) * lda + ic + ir;
                    int d = base + p * MR;
                    for (int i = 0; i < mr; i++) ap[d + i] = a.get(FL, (row + i) << 2);
                    for (int i = mr; i < MR; i++) ap[d + i] = 0.0f;
                }
            }
        }
    }

    /**
     * C[0..mr, 0..nr] (at co, row stride ldc) = alpha * Ap * Bp + beta * C over depth kc; C not read when
     * beta == 0. The MR x NR accumulators stay in registers over the depth loop, then go to C through tile.
     */
    private static void kernel(int kc, float[] ap, int ao, float[] bp, int bo, MemorySegment c, long co, long ldc,
                               int mr, int nr, float alpha, float beta, float[] tile) {
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z,
                c50 = z, c51 = z;
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR, ai = ao + p * MR;
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector av = FloatVector.broadcast(F, ap[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(F, ap[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(F, ap[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        // The tile goes through a small array: passing vectors to a helper that is not inlined would box them.
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        store(tile, c, co, ldc, mr, nr, alpha, beta);
    }

    /** C[i, j] = alpha * tile[i, j] + beta * C[i, j] for i < mr, j < nr; C not read when beta == 0. */
    private static void store(float[] tile, MemorySegment c, long co, long ldc, int mr, int nr, float alpha, float beta) {
        FloatVector va = FloatVector.broadcast(F, alpha), vb = FloatVector.broadcast(F, beta);
        for (int i = 0; i < mr; i++) {
            long row = co + i * ldc;
            int j = 0;
            if (nr == NR) {
                for (; j < NR; j += L) {
                    FloatVector t = FloatVector.fromArray(F, tile, i * NR + j);
                    // Stored directly, not through JavaMath.store: in this method C2 did not inline that helper,
                    // and boxing the vector cost 1.4x at 512^3 (1240 -> 1750 us).
                    long at = (row + j) << 2;
                    if (beta == 0.0f) {
                        t.mul(va).intoMemorySegment(c, at, BO);
                    } else if (beta == 1.0f) {
                        t.fma(va, FloatVector.fromMemorySegment(F, c, at, BO)).intoMemorySegment(c, at, BO);
                    } else {
                        t.fma(va, FloatVector.fromMemorySegment(F, c, at, BO).mul(vb)).intoMemorySegment(c, at, BO);
                    }
                }
            }
            for (; j < nr; j++) {
                long at = (row + j) << 2;
                float v = tile[i * NR + j];
                if (beta == 0.0f) {
                    c.set(FL, at, alpha * v);
                } else if (beta == 1.0f) {
                    c.set(FL, at, Math.fma(alpha, v, c.get(FL, at)));
                } else {
                    c.set(FL, at, Math.fma(alpha, v, beta * c.get(FL, at)));
                }
            }
        }
    }

    // ---- transpose --------------------------------------------------------------------------------

    /**
     * L x L tiles: L rows of the tile are read as vectors into a small array, transposed there, and written
     * as L vectors of the output; the edges that do not fill a tile go element by element.
     */
    static void transpose(long rows, long cols, MemorySegment x, MemorySegment out) {
        if (rows <= 0 || cols <= 0) return;
        if (rows == 1 || cols == 1) {
            MemorySegment.copy(x, 0, out, 0, (rows * cols) << 2);
            return;
        }
        JavaRowGroups g = JavaRowGroups.get();
        float[] tin = g.block, tout = g.out;
        long rb = rows - rows % L, cb = cols - cols % L;
        for (long r0 = 0; r0 < rb; r0 += L) {
            for (long c0 = 0; c0 < cb; c0 += L) {
                for (int i = 0; i < L; i++) {
                    FloatVector.fromMemorySegment(F, x, ((r0 + i) * cols + c0) << 2, BO).intoArray(tin, i * L);
                }
                for (int i = 0; i < L; i++)
                    for (int j = 0; j < L; j++) tout[j * L + i] = tin[i * L + j];
                for (int j = 0; j < L; j++) {
                    JavaMath.store(FloatVector.fromArray(F, tout, j * L), out, (c0 + j) * rows + r0);
                }
            }
            for (long r = r0; r < r0 + L; r++)
                for (long cc = cb; cc < cols; cc++) out.set(FL, (cc * rows + r) << 2, x.get(FL, (r * cols + cc) << 2));
        }
        for (long r = rb; r < rows; r++)
            for (long cc = 0; cc < cols; cc++) out.set(FL, (cc * rows + r) << 2, x.get(FL, (r * cols + cc) << 2));
    }
}

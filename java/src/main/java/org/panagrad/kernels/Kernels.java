package org.panagrad.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The raw kernels of panagrad: whole-tensor operations on float32 {@link MemorySegment}s, no autograd.
 *
 * <p>Each method mirrors one C function of {@code native/include/panagrad.h}: {@code pg_<family>_<op>} is
 * {@code <family><Op>} here, so {@code pg_elementwise_relu_backward} is {@link #elementwiseReluBackward}.
 * Two implementations exist: {@link NativeKernels} (through the jextract bindings, OpenBLAS for GEMM)
 * and {@link JavaKernels} (pure Java). They must agree within float tolerance.
 *
 * <p>Contract shared by both: every segment is contiguous, row-major float32 and large enough for the
 * sizes given; callers (the {@code org.panagrad} tensor layer) check shapes and label ranges first, so
 * kernels do no validation. Sizes are element counts. An output may alias an input of the same size
 * unless the method says otherwise. Backward kernels write, never accumulate into, their gradient.
 * Class labels are floats holding whole numbers in range.
 */
public interface Kernels {

    /** Which implementation this is: {@code "native"} or {@code "java"}. */
    String name();

    /** Threads this implementation may use for one kernel (OpenBLAS threads, or the Java GEMM pool). */
    void runtimeSetThreads(int threads);

    int runtimeThreads();

    /** A one-line description of the BLAS (native) or of the Java SIMD path (java). */
    String runtimeBlasInfo();

    // ---- gemm ---------------------------------------------------------------------------------

    /**
     * {@code C[m,n] = alpha * op(A) * op(B) + beta * C}, row-major; {@code op(X) = X^T} when {@code trans*} is true.
     * op(A) is [m,k], op(B) is [k,n]; lda, ldb, ldc are row strides of A, B, C as stored.
     * When beta == 0, C is not read (NaNs in C do not propagate).
     */
    void gemm(boolean transA, boolean transB, long m, long n, long k, float alpha,
              MemorySegment a, long lda, MemorySegment b, long ldb, float beta, MemorySegment c, long ldc);

    /** {@code out[c,r] = x[r,c]} for x of shape [rows, cols]; out must not alias x. */
    void gemmTranspose(long rows, long cols, MemorySegment x, MemorySegment out);

    // ---- elementwise --------------------------------------------------------------------------

    void elementwiseFill(long n, float value, MemorySegment out);

    /** {@code out[o,k,i] = x[o,i]} for x viewed as [outer, inner] and out as [outer, n, inner]. */
    void elementwiseExpand(long outer, long n, long inner, MemorySegment x, MemorySegment out);

    void elementwiseAdd(long n, MemorySegment a, MemorySegment b, MemorySegment out);

    void elementwiseSub(long n, MemorySegment a, MemorySegment b, MemorySegment out);

    void elementwiseMul(long n, MemorySegment a, MemorySegment b, MemorySegment out);

    void elementwiseDiv(long n, MemorySegment a, MemorySegment b, MemorySegment out);

    /**
     * Broadcast binary ops. {@code out} is contiguous [d0,d1,d2,d3]; a and b are read at
     * {@code i0*s0 + i1*s1 + i2*s2 + i3*s3} with their own strides (0 along broadcast axes).
     */
    void elementwiseAddBcast(long d0, long d1, long d2, long d3,
                             MemorySegment a, long as0, long as1, long as2, long as3,
                             MemorySegment b, long bs0, long bs1, long bs2, long bs3, MemorySegment out);

    void elementwiseSubBcast(long d0, long d1, long d2, long d3,
                             MemorySegment a, long as0, long as1, long as2, long as3,
                             MemorySegment b, long bs0, long bs1, long bs2, long bs3, MemorySegment out);

    void elementwiseMulBcast(long d0, long d1, long d2, long d3,
                             MemorySegment a, long as0, long as1, long as2, long as3,
                             MemorySegment b, long bs0, long bs1, long bs2, long bs3, MemorySegment out);

    void elementwiseDivBcast(long d0, long d1, long d2, long d3,
                             MemorySegment a, long as0, long as1, long as2, long as3,
                             MemorySegment b, long bs0, long bs1, long bs2, long bs3, MemorySegment out);

    /** {@code out[i] = a[i] * scale + shift}. */
    void elementwiseAffine(long n, MemorySegment a, float scale, float shift, MemorySegment out);

    /** {@code out[i] = s / a[i]}. */
    void elementwiseRdivScalar(long n, float s, MemorySegment a, MemorySegment out);

    void elementwiseNeg(long n, MemorySegment x, MemorySegment out);

    void elementwiseExp(long n, MemorySegment x, MemorySegment out);

    void elementwiseLog(long n, MemorySegment x, MemorySegment out);

    void elementwiseSqrt(long n, MemorySegment x, MemorySegment out);

    void elementwiseAbs(long n, MemorySegment x, MemorySegment out);

    /** {@code out[i] = x[i]^p} (C {@code powf} semantics). */
    void elementwisePow(long n, MemorySegment x, float p, MemorySegment out);

    void elementwiseRelu(long n, MemorySegment x, MemorySegment out);

    void elementwiseSigmoid(long n, MemorySegment x, MemorySegment out);

    void elementwiseTanh(long n, MemorySegment x, MemorySegment out);

    /** {@code gx = gy * y}, y the output of exp. */
    void elementwiseExpBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx);

    /** {@code gx = gy / x}. */
    void elementwiseLogBackward(long n, MemorySegment x, MemorySegment gy, MemorySegment gx);

    /** {@code gx = gy * 0.5 / y}, y the output of sqrt. */
    void elementwiseSqrtBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx);

    /** {@code gx = gy * sign(x)} (sign(0) = 0). */
    void elementwiseAbsBackward(long n, MemorySegment x, MemorySegment gy, MemorySegment gx);

    /** {@code gx = gy * p * x^(p-1)} (0 where p == 0). */
    void elementwisePowBackward(long n, MemorySegment x, float p, MemorySegment gy, MemorySegment gx);

    /** {@code gx = x > 0 ? gy : 0}. */
    void elementwiseReluBackward(long n, MemorySegment x, MemorySegment gy, MemorySegment gx);

    /** {@code gx = gy * y * (1 - y)}, y the output of sigmoid. */
    void elementwiseSigmoidBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx);

    /** {@code gx = gy * (1 - y*y)}, y the output of tanh. */
    void elementwiseTanhBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx);

    // ---- reduce -------------------------------------------------------------------------------

    /** {@code out[0] = sum(x[0..n))}, accumulated in double. */
    void reduceSum(long n, MemorySegment x, MemorySegment out);

    /** {@code out[o,i] = sum_k x[o,k,i]} for x viewed as [outer, n, inner]. */
    void reduceSumAxis(long outer, long n, long inner, MemorySegment x, MemorySegment out);

    /** Max over the middle axis of x viewed as [outer, n, inner], n >= 1: values, and first index of the max as float. */
    void reduceMaxAxis(long outer, long n, long inner, MemorySegment x, MemorySegment max, MemorySegment argmax);

    // ---- softmax ------------------------------------------------------------------------------

    /** Softmax over the middle axis of x viewed as [outer, n, inner]. */
    void softmax(long outer, long n, long inner, MemorySegment x, MemorySegment y);

    /** {@code gx = y * (gy - sum(gy * y))} along the axis. */
    void softmaxBackward(long outer, long n, long inner, MemorySegment y, MemorySegment gy, MemorySegment gx);

    /** Log-softmax over the middle axis of x viewed as [outer, n, inner]. */
    void softmaxLog(long outer, long n, long inner, MemorySegment x, MemorySegment y);

    /** {@code gx = gy - exp(y) * sum(gy)} along the axis, y the log-softmax output. */
    void softmaxLogBackward(long outer, long n, long inner, MemorySegment y, MemorySegment gy, MemorySegment gx);

    // ---- loss ---------------------------------------------------------------------------------

    /**
     * {@code loss[r] = logsumexp(x[r,:]) - x[r,label[r]]}. stats, {@code [rows, 2]} floats, keeps for backward
     * the row max {@code m = stats[r,0]} and {@code log(sum(exp(x[r,:] - m))) = stats[r,1]} apart (their float
     * sum, logsumexp, would lose the low digits of the log-sum for large logits). Example: logits
     * {@code [1e7, 1e7+1, 1e7+2]} give {@code stats = [1e7+2, 0.407606]}.
     */
    void lossCrossEntropy(long rows, long cols, MemorySegment logits, MemorySegment labels,
                          MemorySegment loss, MemorySegment stats);

    /**
     * {@code glogits[r,c] = gloss[r] * (exp((x[r,c] - m) - s) - (c == label[r]))} with {@code (m, s) = stats[r,:]}
     * from {@link #lossCrossEntropy}: {@code (x - m) - s} is the log-softmax, accurate for any |x|.
     */
    void lossCrossEntropyBackward(long rows, long cols, MemorySegment logits, MemorySegment labels,
                                  MemorySegment stats, MemorySegment gloss, MemorySegment glogits);

    /** {@code loss[r] = -logp[r, label[r]]}. */
    void lossNll(long rows, long cols, MemorySegment logp, MemorySegment labels, MemorySegment loss);

    /** {@code glogp = 0} except {@code glogp[r, label[r]] = -gloss[r]}. */
    void lossNllBackward(long rows, long cols, MemorySegment labels, MemorySegment gloss, MemorySegment glogp);

    /** {@code loss = -(z*log(p) + (1-z)*log(1-p))}, each log clamped at -100. */
    void lossBce(long n, MemorySegment p, MemorySegment z, MemorySegment loss);

    /** {@code gp = gloss * (p - z) / max((1-p)*p, 1e-12)}. */
    void lossBceBackward(long n, MemorySegment p, MemorySegment z, MemorySegment gloss, MemorySegment gp);

    /** {@code loss = max(x,0) - x*z + log(1 + exp(-|x|))}. */
    void lossBceWithLogits(long n, MemorySegment x, MemorySegment z, MemorySegment loss);

    /** {@code gx = gloss * (sigmoid(x) - z)}. */
    void lossBceWithLogitsBackward(long n, MemorySegment x, MemorySegment z, MemorySegment gloss, MemorySegment gx);

    /** {@code out[r, label[r]] = 1}, else 0; out is [rows, classes]. */
    void lossOneHot(long rows, long classes, MemorySegment labels, MemorySegment out);

    // ---- optim --------------------------------------------------------------------------------
    // Hyper-parameters are double, as torch's Python floats: coefficients such as 1 - beta2 are formed in
    // double and rounded to float once (1 - 0.999 = 1e-3, not the 9.99987e-4 of 1 - 0.999f); the
    // per-element arithmetic is float.

    /** torch.optim.SGD update of one parameter; see {@code pg_optim_sgd}. buf may be NULL when momentum == 0. */
    void optimSgd(long n, MemorySegment p, MemorySegment g, MemorySegment buf, double lr, double momentum,
                  double dampening, double weightDecay, boolean nesterov, boolean first);

    /** torch.optim.Adam / AdamW (decoupled) update of one parameter at step >= 1; vmax may be NULL unless amsgrad. */
    void optimAdam(long n, MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, MemorySegment vmax,
                   double lr, double beta1, double beta2, double eps, double weightDecay, long step, boolean amsgrad,
                   boolean decoupled);

    /** torch.optim.RMSprop update of one parameter; gradAvg NULL unless centered, buf NULL unless momentum > 0. */
    void optimRmsprop(long n, MemorySegment p, MemorySegment g, MemorySegment squareAvg, MemorySegment gradAvg,
                      MemorySegment buf, double lr, double alpha, double eps, double weightDecay, double momentum,
                      boolean centered);
}

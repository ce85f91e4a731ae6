package org.panagrad.kernels;

import java.lang.foreign.MemorySegment;
import org.panagrad.NativeLibrary;
import org.panagrad.bindings.panagrad_h;

/**
 * {@link Kernels} through the jextract bindings of {@code libpanagrad.so}: the C kernels, OpenBLAS for GEMM.
 * The only class that touches {@code org.panagrad.bindings}. Every method is one downcall for the whole
 * tensor; arguments were checked by the caller.
 */
public final class NativeKernels implements Kernels {

    /**
     * Loads the library and checks its ABI version.
     *
     * @throws UnsatisfiedLinkError when the library cannot be loaded or is of another version
     */
    public NativeKernels() {
        NativeLibrary.load();
        int version = panagrad_h.pg_runtime_version();
        if (version != NativeLibrary.ABI_VERSION) {
            throw new UnsatisfiedLinkError("libpanagrad.so at " + NativeLibrary.loadedFrom() + " has ABI version "
                    + version + ", this panagrad jar needs " + NativeLibrary.ABI_VERSION + "; rebuild the native library");
        }
    }

    private static int flag(boolean b) {
        return b ? 1 : 0;
    }

    @Override public String name() { return "native"; }

    @Override public void runtimeSetThreads(int threads) { panagrad_h.pg_runtime_set_threads(threads); }

    @Override public int runtimeThreads() { return panagrad_h.pg_runtime_threads(); }

    @Override public String runtimeBlasInfo() {
        return panagrad_h.pg_runtime_blas_info().reinterpret(4096).getString(0);
    }

    @Override
    public void gemm(boolean transA, boolean transB, long m, long n, long k, float alpha, MemorySegment a, long lda,
                     MemorySegment b, long ldb, float beta, MemorySegment c, long ldc) {
        panagrad_h.pg_gemm(flag(transA), flag(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    @Override public void gemmTranspose(long rows, long cols, MemorySegment x, MemorySegment out) {
        panagrad_h.pg_gemm_transpose(rows, cols, x, out);
    }

    @Override public void elementwiseFill(long n, float value, MemorySegment out) {
        panagrad_h.pg_elementwise_fill(n, value, out);
    }

    @Override public void elementwiseExpand(long outer, long n, long inner, MemorySegment x, MemorySegment out) {
        panagrad_h.pg_elementwise_expand(outer, n, inner, x, out);
    }

    @Override public void elementwiseAdd(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        panagrad_h.pg_elementwise_add(n, a, b, out);
    }

    @Override public void elementwiseSub(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        panagrad_h.pg_elementwise_sub(n, a, b, out);
    }

    @Override public void elementwiseMul(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        panagrad_h.pg_elementwise_mul(n, a, b, out);
    }

    @Override public void elementwiseDiv(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        panagrad_h.pg_elementwise_div(n, a, b, out);
    }

    @Override
    public void elementwiseAddBcast(long d0, long d1, long d2, long d3, MemorySegment a, long as0, long as1, long as2,
                                    long as3, MemorySegment b, long bs0, long bs1, long bs2, long bs3, MemorySegment out) {
        panagrad_h.pg_elementwise_add_bcast(d0, d1, d2, d3, a, as0, as1, as2, as3, b, bs0, bs1, bs2, bs3, out);
    }

    @Override
    public void elementwiseSubBcast(long d0, long d1, long d2, long d3, MemorySegment a, long as0, long as1, long as2,
                                    long as3, MemorySegment b, long bs0, long bs1, long bs2, long bs3, MemorySegment out) {
        panagrad_h.pg_elementwise_sub_bcast(d0, d1, d2, d3, a, as0, as1, as2, as3, b, bs0, bs1, bs2, bs3, out);
    }

    @Override
    public void elementwiseMulBcast(long d0, long d1, long d2, long d3, MemorySegment a, long as0, long as1, long as2,
                                    long as3, MemorySegment b, long bs0, long bs1, long bs2, long bs3, MemorySegment out) {
        panagrad_h.pg_elementwise_mul_bcast(d0, d1, d2, d3, a, as0, as1, as2, as3, b, bs0, bs1, bs2, bs3, out);
    }

    @Override
    public void elementwiseDivBcast(long d0, long d1, long d2, long d3, MemorySegment a, long as0, long as1, long as2,
                                    long as3, MemorySegment b, long bs0, long bs1, long bs2, long bs3, MemorySegment out) {
        panagrad_h.pg_elementwise_div_bcast(d0, d1, d2, d3, a, as0, as1, as2, as3, b, bs0, bs1, bs2, bs3, out);
    }

    @Override public void elementwiseAffine(long n, MemorySegment a, float scale, float shift, MemorySegment out) {
        panagrad_h.pg_elementwise_affine(n, a, scale, shift, out);
    }

    @Override public void elementwiseRdivScalar(long n, float s, MemorySegment a, MemorySegment out) {
        panagrad_h.pg_elementwise_rdiv_scalar(n, s, a, out);
    }

    @Override public void elementwiseNeg(long n, MemorySegment x, MemorySegment out) {
        panagrad_h.pg_elementwise_neg(n, x, out);
    }

    @Override public void elementwiseExp(long n, MemorySegment x, MemorySegment out) {
        panagrad_h.pg_elementwise_exp(n, x, out);
    }

    @Override public void elementwiseLog(long n, MemorySegment x, MemorySegment out) {
        panagrad_h.pg_elementwise_log(n, x, out);
    }

    @Override public void elementwiseSqrt(long n, MemorySegment x, MemorySegment out) {
        panagrad_h.pg_elementwise_sqrt(n, x, out);
    }

    @Override public void elementwiseAbs(long n, MemorySegment x, MemorySegment out) {
        panagrad_h.pg_elementwise_abs(n, x, out);
    }

    @Override public void elementwisePow(long n, MemorySegment x, float p, MemorySegment out) {
        panagrad_h.pg_elementwise_pow(n, x, p, out);
    }

    @Override public void elementwiseRelu(long n, MemorySegment x, MemorySegment out) {
        panagrad_h.pg_elementwise_relu(n, x, out);
    }

    @Override public void elementwiseSigmoid(long n, MemorySegment x, MemorySegment out) {
        panagrad_h.pg_elementwise_sigmoid(n, x, out);
    }

    @Override public void elementwiseTanh(long n, MemorySegment x, MemorySegment out) {
        panagrad_h.pg_elementwise_tanh(n, x, out);
    }

    @Override public void elementwiseExpBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx) {
        panagrad_h.pg_elementwise_exp_backward(n, y, gy, gx);
    }

    @Override public void elementwiseLogBackward(long n, MemorySegment x, MemorySegment gy, MemorySegment gx) {
        panagrad_h.pg_elementwise_log_backward(n, x, gy, gx);
    }

    @Override public void elementwiseSqrtBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx) {
        panagrad_h.pg_elementwise_sqrt_backward(n, y, gy, gx);
    }

    @Override public void elementwiseAbsBackward(long n, MemorySegment x, MemorySegment gy, MemorySegment gx) {
        panagrad_h.pg_elementwise_abs_backward(n, x, gy, gx);
    }

    @Override public void elementwisePowBackward(long n, MemorySegment x, float p, MemorySegment gy, MemorySegment gx) {
        panagrad_h.pg_elementwise_pow_backward(n, x, p, gy, gx);
    }

    @Override public void elementwiseReluBackward(long n, MemorySegment x, MemorySegment gy, MemorySegment gx) {
        panagrad_h.pg_elementwise_relu_backward(n, x, gy, gx);
    }

    @Override public void elementwiseSigmoidBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx) {
        panagrad_h.pg_elementwise_sigmoid_backward(n, y, gy, gx);
    }

    @Override public void elementwiseTanhBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx) {
        panagrad_h.pg_elementwise_tanh_backward(n, y, gy, gx);
    }

    @Override public void reduceSum(long n, MemorySegment x, MemorySegment out) {
        panagrad_h.pg_reduce_sum(n, x, out);
    }

    @Override public void reduceSumAxis(long outer, long n, long inner, MemorySegment x, MemorySegment out) {
        panagrad_h.pg_reduce_sum_axis(outer, n, inner, x, out);
    }

    @Override
    public void reduceMaxAxis(long outer, long n, long inner, MemorySegment x, MemorySegment max, MemorySegment argmax) {
        panagrad_h.pg_reduce_max_axis(outer, n, inner, x, max, argmax);
    }

    @Override public void softmax(long outer, long n, long inner, MemorySegment x, MemorySegment y) {
        panagrad_h.pg_softmax(outer, n, inner, x, y);
    }

    @Override
    public void softmaxBackward(long outer, long n, long inner, MemorySegment y, MemorySegment gy, MemorySegment gx) {
        panagrad_h.pg_softmax_backward(outer, n, inner, y, gy, gx);
    }

    @Override public void softmaxLog(long outer, long n, long inner, MemorySegment x, MemorySegment y) {
        panagrad_h.pg_softmax_log(outer, n, inner, x, y);
    }

    @Override
    public void softmaxLogBackward(long outer, long n, long inner, MemorySegment y, MemorySegment gy, MemorySegment gx) {
        panagrad_h.pg_softmax_log_backward(outer, n, inner, y, gy, gx);
    }

    @Override
    public void lossCrossEntropy(long rows, long cols, MemorySegment logits, MemorySegment labels, MemorySegment loss,
                                 MemorySegment stats) {
        panagrad_h.pg_loss_cross_entropy(rows, cols, logits, labels, loss, stats);
    }

    @Override
    public void lossCrossEntropyBackward(long rows, long cols, MemorySegment logits, MemorySegment labels,
                                         MemorySegment stats, MemorySegment gloss, MemorySegment glogits) {
        panagrad_h.pg_loss_cross_entropy_backward(rows, cols, logits, labels, stats, gloss, glogits);
    }

    @Override
    public void lossNll(long rows, long cols, MemorySegment logp, MemorySegment labels, MemorySegment loss) {
        panagrad_h.pg_loss_nll(rows, cols, logp, labels, loss);
    }

    @Override
    public void lossNllBackward(long rows, long cols, MemorySegment labels, MemorySegment gloss, MemorySegment glogp) {
        panagrad_h.pg_loss_nll_backward(rows, cols, labels, gloss, glogp);
    }

    @Override public void lossBce(long n, MemorySegment p, MemorySegment z, MemorySegment loss) {
        panagrad_h.pg_loss_bce(n, p, z, loss);
    }

    @Override
    public void lossBceBackward(long n, MemorySegment p, MemorySegment z, MemorySegment gloss, MemorySegment gp) {
        panagrad_h.pg_loss_bce_backward(n, p, z, gloss, gp);
    }

    @Override public void lossBceWithLogits(long n, MemorySegment x, MemorySegment z, MemorySegment loss) {
        panagrad_h.pg_loss_bce_with_logits(n, x, z, loss);
    }

    @Override
    public void lossBceWithLogitsBackward(long n, MemorySegment x, MemorySegment z, MemorySegment gloss,
                                          MemorySegment gx) {
        panagrad_h.pg_loss_bce_with_logits_backward(n, x, z, gloss, gx);
    }

    @Override public void lossOneHot(long rows, long classes, MemorySegment labels, MemorySegment out) {
        panagrad_h.pg_loss_one_hot(rows, classes, labels, out);
    }

    @Override
    public void optimSgd(long n, MemorySegment p, MemorySegment g, MemorySegment buf, double lr, double momentum,
                         double dampening, double weightDecay, boolean nesterov, boolean first) {
        panagrad_h.pg_optim_sgd(n, p, g, buf, lr, momentum, dampening, weightDecay, flag(nesterov), flag(first));
    }

    @Override
    public void optimAdam(long n, MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v,
                          MemorySegment vmax, double lr, double beta1, double beta2, double eps, double weightDecay,
                          long step, boolean amsgrad, boolean decoupled) {
        panagrad_h.pg_optim_adam(n, p, g, m, v, vmax, lr, beta1, beta2, eps, weightDecay, step, flag(amsgrad),
                flag(decoupled));
    }

    @Override
    public void optimRmsprop(long n, MemorySegment p, MemorySegment g, MemorySegment squareAvg, MemorySegment gradAvg,
                             MemorySegment buf, double lr, double alpha, double eps, double weightDecay, double momentum,
                             boolean centered) {
        panagrad_h.pg_optim_rmsprop(n, p, g, squareAvg, gradAvg, buf, lr, alpha, eps, weightDecay, momentum,
                flag(centered));
    }
}

package org.panagrad.kernels;

import java.lang.foreign.MemorySegment;

/** Placeholder: the pure-Java kernels are being written. */
public final class JavaKernels implements Kernels {
    @Override public String name() { throw new UnsupportedOperationException("not yet"); }
    @Override public void runtimeSetThreads(int threads) { throw new UnsupportedOperationException("not yet"); }
    @Override public int runtimeThreads() { throw new UnsupportedOperationException("not yet"); }
    @Override public String runtimeBlasInfo() { throw new UnsupportedOperationException("not yet"); }
    @Override public void gemm(boolean transA, boolean transB, long m, long n, long k, float alpha, MemorySegment a, long lda, MemorySegment b, long ldb, float beta, MemorySegment c, long ldc) { throw new UnsupportedOperationException("not yet"); }
    @Override public void gemmTranspose(long rows, long cols, MemorySegment x, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseFill(long n, float value, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseExpand(long outer, long n, long inner, MemorySegment x, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseAdd(long n, MemorySegment a, MemorySegment b, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseSub(long n, MemorySegment a, MemorySegment b, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseMul(long n, MemorySegment a, MemorySegment b, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseDiv(long n, MemorySegment a, MemorySegment b, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseAddBcast(long d0, long d1, long d2, long d3, MemorySegment a, long as0, long as1, long as2, long as3, MemorySegment b, long bs0, long bs1, long bs2, long bs3, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseSubBcast(long d0, long d1, long d2, long d3, MemorySegment a, long as0, long as1, long as2, long as3, MemorySegment b, long bs0, long bs1, long bs2, long bs3, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseMulBcast(long d0, long d1, long d2, long d3, MemorySegment a, long as0, long as1, long as2, long as3, MemorySegment b, long bs0, long bs1, long bs2, long bs3, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseDivBcast(long d0, long d1, long d2, long d3, MemorySegment a, long as0, long as1, long as2, long as3, MemorySegment b, long bs0, long bs1, long bs2, long bs3, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseAffine(long n, MemorySegment a, float scale, float shift, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseRdivScalar(long n, float s, MemorySegment a, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseNeg(long n, MemorySegment x, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseExp(long n, MemorySegment x, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseLog(long n, MemorySegment x, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseSqrt(long n, MemorySegment x, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseAbs(long n, MemorySegment x, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwisePow(long n, MemorySegment x, float p, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseRelu(long n, MemorySegment x, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseSigmoid(long n, MemorySegment x, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseTanh(long n, MemorySegment x, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseExpBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseLogBackward(long n, MemorySegment x, MemorySegment gy, MemorySegment gx) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseSqrtBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseAbsBackward(long n, MemorySegment x, MemorySegment gy, MemorySegment gx) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwisePowBackward(long n, MemorySegment x, float p, MemorySegment gy, MemorySegment gx) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseReluBackward(long n, MemorySegment x, MemorySegment gy, MemorySegment gx) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseSigmoidBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx) { throw new UnsupportedOperationException("not yet"); }
    @Override public void elementwiseTanhBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx) { throw new UnsupportedOperationException("not yet"); }
    @Override public void reduceSum(long n, MemorySegment x, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void reduceSumAxis(long outer, long n, long inner, MemorySegment x, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void reduceMaxAxis(long outer, long n, long inner, MemorySegment x, MemorySegment max, MemorySegment argmax) { throw new UnsupportedOperationException("not yet"); }
    @Override public void softmax(long outer, long n, long inner, MemorySegment x, MemorySegment y) { throw new UnsupportedOperationException("not yet"); }
    @Override public void softmaxBackward(long outer, long n, long inner, MemorySegment y, MemorySegment gy, MemorySegment gx) { throw new UnsupportedOperationException("not yet"); }
    @Override public void softmaxLog(long outer, long n, long inner, MemorySegment x, MemorySegment y) { throw new UnsupportedOperationException("not yet"); }
    @Override public void softmaxLogBackward(long outer, long n, long inner, MemorySegment y, MemorySegment gy, MemorySegment gx) { throw new UnsupportedOperationException("not yet"); }
    @Override public void lossCrossEntropy(long rows, long cols, MemorySegment logits, MemorySegment labels, MemorySegment loss, MemorySegment lse) { throw new UnsupportedOperationException("not yet"); }
    @Override public void lossCrossEntropyBackward(long rows, long cols, MemorySegment logits, MemorySegment labels, MemorySegment lse, MemorySegment gloss, MemorySegment glogits) { throw new UnsupportedOperationException("not yet"); }
    @Override public void lossNll(long rows, long cols, MemorySegment logp, MemorySegment labels, MemorySegment loss) { throw new UnsupportedOperationException("not yet"); }
    @Override public void lossNllBackward(long rows, long cols, MemorySegment labels, MemorySegment gloss, MemorySegment glogp) { throw new UnsupportedOperationException("not yet"); }
    @Override public void lossBce(long n, MemorySegment p, MemorySegment z, MemorySegment loss) { throw new UnsupportedOperationException("not yet"); }
    @Override public void lossBceBackward(long n, MemorySegment p, MemorySegment z, MemorySegment gloss, MemorySegment gp) { throw new UnsupportedOperationException("not yet"); }
    @Override public void lossBceWithLogits(long n, MemorySegment x, MemorySegment z, MemorySegment loss) { throw new UnsupportedOperationException("not yet"); }
    @Override public void lossBceWithLogitsBackward(long n, MemorySegment x, MemorySegment z, MemorySegment gloss, MemorySegment gx) { throw new UnsupportedOperationException("not yet"); }
    @Override public void lossOneHot(long rows, long classes, MemorySegment labels, MemorySegment out) { throw new UnsupportedOperationException("not yet"); }
    @Override public void optimSgd(long n, MemorySegment p, MemorySegment g, MemorySegment buf, float lr, float momentum, float dampening, float weightDecay, boolean nesterov, boolean first) { throw new UnsupportedOperationException("not yet"); }
    @Override public void optimAdam(long n, MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, MemorySegment vmax, float lr, float beta1, float beta2, float eps, float weightDecay, long step, boolean amsgrad, boolean decoupled) { throw new UnsupportedOperationException("not yet"); }
    @Override public void optimRmsprop(long n, MemorySegment p, MemorySegment g, MemorySegment squareAvg, MemorySegment gradAvg, MemorySegment buf, float lr, float alpha, float eps, float weightDecay, float momentum, boolean centered) { throw new UnsupportedOperationException("not yet"); }
}

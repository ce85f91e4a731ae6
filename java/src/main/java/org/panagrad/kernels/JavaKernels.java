package org.panagrad.kernels;

import java.lang.foreign.MemorySegment;

/**
 * {@link Kernels} in pure Java: the fallback when {@code libpanagrad.so} is not available, and the twin the
 * native kernels are tested against. Hot loops use the Vector API ({@code jdk.incubator.vector}, so the JVM
 * needs {@code --add-modules jdk.incubator.vector}) with a scalar tail; GEMM is a packed, register-blocked
 * micro-kernel split over a small thread pool ({@link #runtimeSetThreads}). Semantics follow
 * {@code native/src/*.c} exactly (NaN handling, clamps, beta == 0 not reading C, the torch optimizer
 * formulas); the work is done by package-private classes named after the kernel families:
 * {@link JavaGemm}, {@link JavaElementwise}, {@link JavaReduce}, {@link JavaSoftmax}, {@link JavaLoss},
 * {@link JavaOptim}, with exp/log/tanh in {@link JavaMath}.
 *
 * <pre>{@code
 * Kernels k = Panagrad.kernels(Backend.JAVA);
 * k.elementwiseAdd(n, a, b, out);   // out[i] = a[i] + b[i]
 * }</pre>
 */
public final class JavaKernels implements Kernels {

    private final JavaGemm gemm = new JavaGemm();

    /** Kernels whose GEMM may use every available processor until {@link #runtimeSetThreads} says otherwise. */
    public JavaKernels() {
        gemm.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public void runtimeSetThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("runtimeSetThreads: threads must be >= 1, got " + threads);
        gemm.setThreads(threads);
    }

    @Override
    public int runtimeThreads() {
        return gemm.threads();
    }

    @Override
    public String runtimeBlasInfo() {
        return "pure Java, Vector API " + JavaMath.F.vectorBitSize() + "-bit (" + JavaMath.L + " floats), GEMM "
                + JavaGemm.MR + "x" + JavaGemm.NR + " micro-kernel"; // Panagrad.describe() adds the thread count
    }

    @Override
    public void gemm(boolean transA, boolean transB, long m, long n, long k, float alpha, MemorySegment a, long lda,
                     MemorySegment b, long ldb, float beta, MemorySegment c, long ldc) {
        gemm.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    @Override
    public void gemmTranspose(long rows, long cols, MemorySegment x, MemorySegment out) {
        JavaGemm.transpose(rows, cols, x, out);
    }

    @Override
    public void elementwiseFill(long n, float value, MemorySegment out) {
        JavaElementwise.fill(n, value, out);
    }

    @Override
    public void elementwiseExpand(long outer, long n, long inner, MemorySegment x, MemorySegment out) {
        JavaElementwise.expand(outer, n, inner, x, out);
    }

    @Override
    public void elementwiseAdd(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        JavaElementwise.add(n, a, b, out);
    }

    @Override
    public void elementwiseSub(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        JavaElementwise.sub(n, a, b, out);
    }

    @Override
    public void elementwiseMul(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        JavaElementwise.mul(n, a, b, out);
    }

    @Override
    public void elementwiseDiv(long n, MemorySegment a, MemorySegment b, MemorySegment out) {
        JavaElementwise.div(n, a, b, out);
    }

    @Override
    public void elementwiseAddBcast(long d0, long d1, long d2, long d3, MemorySegment a, long as0, long as1, long as2,
                                    long as3, MemorySegment b, long bs0, long bs1, long bs2, long bs3,
                                    MemorySegment out) {
        JavaElementwise.bcast(JavaElementwise.ADD, d0, d1, d2, d3, a, as0, as1, as2, as3, b, bs0, bs1, bs2, bs3, out);
    }

    @Override
    public void elementwiseSubBcast(long d0, long d1, long d2, long d3, MemorySegment a, long as0, long as1, long as2,
                                    long as3, MemorySegment b, long bs0, long bs1, long bs2, long bs3,
                                    MemorySegment out) {
        JavaElementwise.bcast(JavaElementwise.SUB, d0, d1, d2, d3, a, as0, as1, as2, as3, b, bs0, bs1, bs2, bs3, out);
    }

    @Override
    public void elementwiseMulBcast(long d0, long d1, long d2, long d3, MemorySegment a, long as0, long as1, long as2,
                                    long as3, MemorySegment b, long bs0, long bs1, long bs2, long bs3,
                                    MemorySegment out) {
        JavaElementwise.bcast(JavaElementwise.MUL, d0, d1, d2, d3, a, as0, as1, as2, as3, b, bs0, bs1, bs2, bs3, out);
    }

    @Override
    public void elementwiseDivBcast(long d0, long d1, long d2, long d3, MemorySegment a, long as0, long as1, long as2,
                                    long as3, MemorySegment b, long bs0, long bs1, long bs2, long bs3,
                                    MemorySegment out) {
        JavaElementwise.bcast(JavaElementwise.DIV, d0, d1, d2, d3, a, as0, as1, as2, as3, b, bs0, bs1, bs2, bs3, out);
    }

    @Override
    public void elementwiseAffine(long n, MemorySegment a, float scale, float shift, MemorySegment out) {
        JavaElementwise.affine(n, a, scale, shift, out);
    }

    @Override
    public void elementwiseRdivScalar(long n, float s, MemorySegment a, MemorySegment out) {
        JavaElementwise.rdivScalar(n, s, a, out);
    }

    @Override
    public void elementwiseNeg(long n, MemorySegment x, MemorySegment out) {
        JavaElementwise.neg(n, x, out);
    }

    @Override
    public void elementwiseExp(long n, MemorySegment x, MemorySegment out) {
        JavaElementwise.exp(n, x, out);
    }

    @Override
    public void elementwiseLog(long n, MemorySegment x, MemorySegment out) {
        JavaElementwise.log(n, x, out);
    }

    @Override
    public void elementwiseSqrt(long n, MemorySegment x, MemorySegment out) {
        JavaElementwise.sqrt(n, x, out);
    }

    @Override
    public void elementwiseAbs(long n, MemorySegment x, MemorySegment out) {
        JavaElementwise.abs(n, x, out);
    }

    @Override
    public void elementwisePow(long n, MemorySegment x, float p, MemorySegment out) {
        JavaElementwise.pow(n, x, p, out);
    }

    @Override
    public void elementwiseRelu(long n, MemorySegment x, MemorySegment out) {
        JavaElementwise.relu(n, x, out);
    }

    @Override
    public void elementwiseSigmoid(long n, MemorySegment x, MemorySegment out) {
        JavaElementwise.sigmoid(n, x, out);
    }

    @Override
    public void elementwiseTanh(long n, MemorySegment x, MemorySegment out) {
        JavaElementwise.tanh(n, x, out);
    }

    @Override
    public void elementwiseExpBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx) {
        JavaElementwise.expBackward(n, y, gy, gx);
    }

    @Override
    public void elementwiseLogBackward(long n, MemorySegment x, MemorySegment gy, MemorySegment gx) {
        JavaElementwise.logBackward(n, x, gy, gx);
    }

    @Override
    public void elementwiseSqrtBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx) {
        JavaElementwise.sqrtBackward(n, y, gy, gx);
    }

    @Override
    public void elementwiseAbsBackward(long n, MemorySegment x, MemorySegment gy, MemorySegment gx) {
        JavaElementwise.absBackward(n, x, gy, gx);
    }

    @Override
    public void elementwisePowBackward(long n, MemorySegment x, float p, MemorySegment gy, MemorySegment gx) {
        JavaElementwise.powBackward(n, x, p, gy, gx);
    }

    @Override
    public void elementwiseReluBackward(long n, MemorySegment x, MemorySegment gy, MemorySegment gx) {
        JavaElementwise.reluBackward(n, x, gy, gx);
    }

    @Override
    public void elementwiseSigmoidBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx) {
        JavaElementwise.sigmoidBackward(n, y, gy, gx);
    }

    @Override
    public void elementwiseTanhBackward(long n, MemorySegment y, MemorySegment gy, MemorySegment gx) {
        JavaElementwise.tanhBackward(n, y, gy, gx);
    }

    @Override
    public void reduceSum(long n, MemorySegment x, MemorySegment out) {
        JavaReduce.sumAll(n, x, out);
    }

    @Override
    public void reduceSumAxis(long outer, long n, long inner, MemorySegment x, MemorySegment out) {
        JavaReduce.sumAxis(outer, n, inner, x, out);
    }

    @Override
    public void reduceMaxAxis(long outer, long n, long inner, MemorySegment x, MemorySegment max,
                              MemorySegment argmax) {
        JavaReduce.maxAxis(outer, n, inner, x, max, argmax);
    }

    @Override
    public void softmax(long outer, long n, long inner, MemorySegment x, MemorySegment y) {
        JavaSoftmax.softmax(outer, n, inner, x, y);
    }

    @Override
    public void softmaxBackward(long outer, long n, long inner, MemorySegment y, MemorySegment gy, MemorySegment gx) {
        JavaSoftmax.softmaxBackward(outer, n, inner, y, gy, gx);
    }

    @Override
    public void softmaxLog(long outer, long n, long inner, MemorySegment x, MemorySegment y) {
        JavaSoftmax.logSoftmax(outer, n, inner, x, y);
    }

    @Override
    public void softmaxLogBackward(long outer, long n, long inner, MemorySegment y, MemorySegment gy,
                                   MemorySegment gx) {
        JavaSoftmax.logSoftmaxBackward(outer, n, inner, y, gy, gx);
    }

    @Override
    public void lossCrossEntropy(long rows, long cols, MemorySegment logits, MemorySegment labels, MemorySegment loss, MemorySegment stats) {
        JavaLoss.crossEntropy(rows, cols, logits, labels, loss, stats);
    }

    @Override
    public void lossCrossEntropyBackward(long rows, long cols, MemorySegment logits, MemorySegment labels, MemorySegment stats, MemorySegment gloss, MemorySegment glogits) {
        JavaLoss.crossEntropyBackward(rows, cols, logits, labels, stats, gloss, glogits);
    }

    @Override
    public void lossNll(long rows, long cols, MemorySegment logp, MemorySegment labels, MemorySegment loss) {
        JavaLoss.nll(rows, cols, logp, labels, loss);
    }

    @Override
    public void lossNllBackward(long rows, long cols, MemorySegment labels, MemorySegment gloss, MemorySegment glogp) {
        JavaLoss.nllBackward(rows, cols, labels, gloss, glogp);
    }

    @Override
    public void lossBce(long n, MemorySegment p, MemorySegment z, MemorySegment loss) {
        JavaLoss.bce(n, p, z, loss);
    }

    @Override
    public void lossBceBackward(long n, MemorySegment p, MemorySegment z, MemorySegment gloss, MemorySegment gp) {
        JavaLoss.bceBackward(n, p, z, gloss, gp);
    }

    @Override
    public void lossBceWithLogits(long n, MemorySegment x, MemorySegment z, MemorySegment loss) {
        JavaLoss.bceWithLogits(n, x, z, loss);
    }

    @Override
    public void lossBceWithLogitsBackward(long n, MemorySegment x, MemorySegment z, MemorySegment gloss,
                                          MemorySegment gx) {
        JavaLoss.bceWithLogitsBackward(n, x, z, gloss, gx);
    }

    @Override
    public void lossOneHot(long rows, long classes, MemorySegment labels, MemorySegment out) {
        JavaLoss.oneHot(rows, classes, labels, out);
    }

    @Override
    public void optimSgd(long n, MemorySegment p, MemorySegment g, MemorySegment buf, double lr, double momentum, double dampening, double weightDecay, boolean nesterov, boolean first) {
        JavaOptim.sgd(n, p, g, buf, lr, momentum, dampening, weightDecay, nesterov, first);
    }

    @Override
    public void optimAdam(long n, MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, MemorySegment vmax, double lr, double beta1, double beta2, double eps, double weightDecay, long step, boolean amsgrad, boolean decoupled) {
        JavaOptim.adam(n, p, g, m, v, vmax, lr, beta1, beta2, eps, weightDecay, step, amsgrad, decoupled);
    }

    @Override
    public void optimRmsprop(long n, MemorySegment p, MemorySegment g, MemorySegment squareAvg, MemorySegment gradAvg, MemorySegment buf, double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
        JavaOptim.rmsprop(n, p, g, squareAvg, gradAvg, buf, lr, alpha, eps, weightDecay, momentum, centered);
    }
}

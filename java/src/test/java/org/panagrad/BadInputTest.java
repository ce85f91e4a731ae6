package org.panagrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.panagrad.ops.Gemm;
import org.panagrad.ops.Loss;

/**
 * Bad input to every public Tensor op and factory: each row is (case, code, exception type, message pattern). The
 * message must name the op and the shapes or the offending value (DESIGN.md, "Bad input"), and the check must come
 * before any kernel runs, so nothing is half-done: the row's code is run, and afterwards the tensors involved are
 * still intact (see {@link #failedOpsLeaveInputsIntact}).
 */
class BadInputTest {

    private static Tensor ones(int... shape) {
        return Tensor.ones(shape);
    }

    private static Tensor closed(int... shape) {
        Tensor t = Tensor.ones(shape);
        t.close();
        return t;
    }

    private static Arguments row(String name, Executable code, Class<? extends Throwable> type, String regex) {
        return Arguments.of(name, code, type, regex);
    }

    private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;
    private static final Class<IllegalStateException> ISE = IllegalStateException.class;
    private static final Class<IndexOutOfBoundsException> IOOBE = IndexOutOfBoundsException.class;

    /** Every other op on a released [2, 3] tensor: each must name itself in the "was released" message. */
    static Stream<Arguments> closedCases() {
        java.util.Map<String, java.util.function.Consumer<Tensor>> ops = new java.util.LinkedHashMap<>();
        ops.put("sub", t -> t.sub(ones(2, 3)));
        ops.put("div", t -> ones(2, 3).div(t));
        ops.put("rsub", t -> t.rsub(1f));
        ops.put("rdiv", t -> t.rdiv(1f));
        ops.put("pow", t -> t.pow(2f));
        ops.put("neg", Tensor::neg);
        ops.put("log", Tensor::log);
        ops.put("sqrt", Tensor::sqrt);
        ops.put("abs", Tensor::abs);
        ops.put("sigmoid", Tensor::sigmoid);
        ops.put("tanh", Tensor::tanh);
        ops.put("norm", Tensor::norm);
        ops.put("max", t -> t.max(0));
        ops.put("logSoftmax", t -> t.logSoftmax(1));
        ops.put("flatten", Tensor::flatten);
        ops.put("fill", t -> t.fill(0f));
        ops.put("getFloat", t -> t.getFloat(0, 0));
        ops.put("setFloat", t -> t.setFloat(1f, 0, 0));
        ops.put("segment", Tensor::segment);
        ops.put("allFinite", Tensor::allFinite);
        ops.put("requiresGrad", t -> t.requiresGrad(true));
        ops.put("nll", t -> Loss.nll(t, Tensor.of(0, 1)));
        ops.put("bce", t -> Loss.bce(Tensor.full(0.5f, 2, 3), t));
        ops.put("bceWithLogits", t -> Loss.bceWithLogits(t, ones(2, 3)));
        ops.put("multinomial", t -> Tensor.multinomial(t, 1, true));
        ops.put("normal", t -> Tensor.normal(t, ones(2, 3)));
        return ops.entrySet().stream().map(e -> row(e.getKey() + " closed", () -> e.getValue().accept(closed(2, 3)), ISE,
                e.getKey() + ": tensor of shape \\[2, 3\\] was released \\(closed, or its MemoryScope ended\\); "
                        + "keep it with MemoryScope.keep or create it outside the scope"));
    }

    static Stream<Arguments> cases() {
        return Stream.concat(closedCases(), table());
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // ---- broadcasting binary ops
                row("add [3,4]+[3]", () -> ones(3, 4).add(ones(3)), IAE,
                        "add: shapes \\[3, 4\\] and \\[3\\] cannot be broadcast together \\(axis -1: 4 vs 3\\)"),
                row("sub [3,4]-[2,4]", () -> ones(3, 4).sub(ones(2, 4)), IAE,
                        "sub: shapes \\[3, 4\\] and \\[2, 4\\] cannot be broadcast together \\(axis -2: 3 vs 2\\)"),
                row("mul [2,3,4]*[5,1,4]", () -> ones(2, 3, 4).mul(ones(5, 1, 4)), IAE,
                        "mul: shapes \\[2, 3, 4\\] and \\[5, 1, 4\\] cannot be broadcast together \\(axis -3: 2 vs 5\\)"),
                row("div [0]/[2]", () -> ones(0).div(ones(2)), IAE,
                        "div: shapes \\[0\\] and \\[2\\] cannot be broadcast together \\(axis -1: 0 vs 2\\)"),
                row("pow NaN exponent", () -> ones(2).pow(Float.NaN), IAE, "pow: exponent is NaN"),
                row("set shape mismatch", () -> ones(2).set(ones(3)), IAE,
                        "set: values of shape \\[3\\] cannot be copied into a tensor of shape \\[2\\]"),

                // ---- matmul / linear / t
                row("matmul inner dims", () -> ones(64, 783).matmul(ones(784, 128)), IAE,
                        "matmul: \\[64, 783\\] x \\[784, 128\\]: inner dimensions differ \\(783 != 784\\)"),
                row("matmul vector inner dims", () -> ones(3).matmul(ones(4)), IAE,
                        "matmul: \\[3\\] x \\[4\\]: inner dimensions differ \\(3 != 4\\)"),
                row("matmul 0-D left", () -> Tensor.scalar(1).matmul(ones(1, 2)), IAE,
                        "matmul: \\[\\] x \\[1, 2\\]: need a left operand with >= 1 axes and a 1-D or 2-D right operand"),
                row("matmul 3-D right", () -> ones(2, 3).matmul(ones(3, 4, 5)), IAE,
                        "matmul: \\[2, 3\\] x \\[3, 4, 5\\]: need a left operand .*1-D or 2-D right operand"),
                row("linear in features", () -> Gemm.linear(ones(2, 3), ones(4, 5), null), IAE,
                        "linear: input \\[2, 3\\] and weight \\[4, 5\\]: need weight \\[out, in\\] and input \\[..., in\\] \\(in: 3 != 5\\)"),
                row("linear 1-D weight", () -> Gemm.linear(ones(2, 3), ones(3), null), IAE,
                        "linear: input \\[2, 3\\] and weight \\[3\\]: need weight \\[out, in\\].*"),
                row("linear bias", () -> Gemm.linear(ones(2, 3), ones(4, 3), ones(3)), IAE,
                        "linear: bias \\[3\\] does not match weight \\[4, 3\\] \\(need \\[4\\]\\)"),
                row("t on 3-D", () -> ones(2, 3, 4).t(), IAE, "t: needs a 1-D or 2-D tensor, got shape \\[2, 3, 4\\]"),
                row("t on 0-D", () -> Tensor.scalar(1).t(), IAE, "t: needs a 1-D or 2-D tensor, got shape \\[\\]"),

                // ---- dims of reductions and softmax
                row("sum dim 2 of [2,3]", () -> ones(2, 3).sum(2), IAE,
                        "sum: dim 2 is out of range for a tensor of shape \\[2, 3\\] \\(valid: -2 to 1\\)"),
                row("sum dim -3 of [2,3]", () -> ones(2, 3).sum(-3, true), IAE,
                        "sum: dim -3 is out of range for a tensor of shape \\[2, 3\\] \\(valid: -2 to 1\\)"),
                row("mean dim of 0-D", () -> Tensor.scalar(1).mean(0), IAE,
                        "mean: dim 0 is out of range for a tensor of shape \\[\\] \\(valid: none\\)"),
                row("softmax dim 2", () -> ones(2, 3).softmax(2), IAE,
                        "softmax: dim 2 is out of range for a tensor of shape \\[2, 3\\] \\(valid: -2 to 1\\)"),
                row("logSoftmax dim -2 of 1-D", () -> ones(4).logSoftmax(-2), IAE,
                        "logSoftmax: dim -2 is out of range for a tensor of shape \\[4\\] \\(valid: -1 to 0\\)"),
                row("argmax dim 1 of 1-D", () -> ones(4).argmax(1), IAE,
                        "argmax: dim 1 is out of range for a tensor of shape \\[4\\] \\(valid: -1 to 0\\)"),
                row("argmax over empty dim", () -> ones(3, 0).argmax(1), IAE, "argmax: dim 1 of shape \\[3, 0\\] is empty"),
                row("max dim 5", () -> ones(2, 3).max(5), IAE,
                        "max: dim 5 is out of range for a tensor of shape \\[2, 3\\] \\(valid: -2 to 1\\)"),
                row("max over empty dim", () -> ones(0, 3).max(0), IAE, "max: dim 0 of shape \\[0, 3\\] is empty"),
                row("shape(dim) out of range", () -> ones(2, 3).shape(2), IAE,
                        "shape: dim 2 is out of range for a tensor of shape \\[2, 3\\].*"),

                // ---- reshape / get / item / element access
                row("reshape wrong size", () -> ones(2, 3).reshape(4, 2), IAE,
                        "reshape: shape \\[2, 3\\] \\(6 elements\\) cannot be viewed as \\[4, 2\\] \\(8 elements\\)"),
                row("reshape two -1", () -> ones(2, 3).reshape(-1, -1), IAE,
                        "reshape: \\[2, 3\\] to \\[-1, -1\\]: only one axis can be -1"),
                row("reshape -2", () -> ones(2, 3).reshape(-2, -3), IAE, "reshape: \\[2, 3\\] to \\[-2, -3\\]: negative size -2"),
                row("reshape -1 not dividing", () -> ones(2, 3).reshape(4, -1), IAE,
                        "reshape: cannot infer the -1 axis of \\[4, -1\\] for a tensor of shape \\[2, 3\\] \\(6 elements\\)"),
                row("reshape -1 with a 0 axis", () -> ones(0, 3).reshape(0, -1), IAE,
                        "reshape: cannot infer the -1 axis of \\[0, -1\\] for a tensor of shape \\[0, 3\\] \\(0 elements\\)"),
                row("get out of range", () -> ones(3, 2).get(3), IOOBE,
                        "get: index 3 is out of range for axis 0 of size 3 \\(shape \\[3, 2\\]\\)"),
                row("get negative out of range", () -> ones(3, 2).get(-4), IOOBE,
                        "get: index -4 is out of range for axis 0 of size 3 \\(shape \\[3, 2\\]\\)"),
                row("get on empty axis", () -> ones(0, 2).get(0), IOOBE,
                        "get: index 0 is out of range for axis 0 of size 0 \\(shape \\[0, 2\\]\\)"),
                row("get on 0-D", () -> Tensor.scalar(1).get(0), IAE, "get: cannot index a 0-D tensor"),
                row("item on [2,2]", () -> ones(2, 2).item(), IAE,
                        "item: tensor of shape \\[2, 2\\] has 4 elements; item\\(\\) needs exactly one"),
                row("item on [0]", () -> ones(0).item(), IAE, "item: tensor of shape \\[0\\] has 0 elements; item\\(\\) needs exactly one"),
                row("getFloat index count", () -> ones(2, 3).getFloat(1), IAE, "getFloat: 1 indices for a tensor of shape \\[2, 3\\]"),
                row("getFloat out of range", () -> ones(2, 3).getFloat(0, 3), IOOBE,
                        "getFloat: index 3 is out of range for axis 1 of size 3 \\(shape \\[2, 3\\]\\)"),
                row("setFloat out of range", () -> ones(2, 3).setFloat(1f, -3, 0), IOOBE,
                        "setFloat: index -3 is out of range for axis 0 of size 2 \\(shape \\[2, 3\\]\\)"),
                row("alias outside", () -> Tensor.alias(ones(4), 2, 3), IAE,
                        "alias: elements \\[2, 5\\) are outside a tensor of 4 elements"),

                // ---- autograd
                row("backward gradient shape", () -> ones(2).requiresGrad(true).mul(2).backward(ones(3)), IAE,
                        "backward: gradient of shape \\[3\\] does not match the output's shape \\[2\\]"),
                row("backward twice", () -> {
                    Tensor y = ones(2).requiresGrad(true).exp().sum();
                    y.backward();
                    y.backward();
                }, ISE, "backward: the graph through SumBackward was already freed by an earlier backward\\(\\).*retain the graph"),
                row("backward without grad", () -> ones(2).sum().backward(), ISE,
                        "backward: tensor of shape \\[\\] does not require grad.*"),
                row("requiresGrad(false) on a result", () -> ones(2).requiresGrad(true).exp().requiresGrad(false), ISE,
                        "requiresGrad\\(false\\): only leaves can stop requiring grad; this tensor comes from ExpBackward \\(use detach\\(\\)\\)"),

                // ---- factories
                row("zeros negative", () -> Tensor.zeros(2, -1), IAE, "zeros: negative size in shape \\[2, -1\\]"),
                row("ones negative", () -> Tensor.ones(-3), IAE, "ones: negative size in shape \\[-3\\]"),
                row("full negative", () -> Tensor.full(1f, 4, -2), IAE, "full: negative size in shape \\[4, -2\\]"),
                row("rand negative", () -> Tensor.rand(-1, 2), IAE, "rand: negative size in shape \\[-1, 2\\]"),
                row("randn negative", () -> Tensor.randn(3, -5), IAE, "randn: negative size in shape \\[3, -5\\]"),
                row("empty negative", () -> Tensor.empty(-1), IAE, "empty: negative size in shape \\[-1\\]"),
                row("zeros too many elements", () -> Tensor.zeros(1 << 30, 1 << 30, 1 << 30), IAE,
                        "zeros: shape \\[1073741824, 1073741824, 1073741824\\] has too many elements"),
                row("fromArray count", () -> Tensor.fromArray(new float[5], 2, 3), IAE,
                        "fromArray: shape \\[2, 3\\] holds 6 elements but 5 values were given"),
                row("fromArray negative", () -> Tensor.fromArray(new float[0], 0, -1), IAE, "fromArray: negative size in shape \\[0, -1\\]"),
                row("of ragged rows", () -> Tensor.of(new float[][] {{1, 2}, {3}}), IAE, "of: row 1 has 1 values, row 0 has 2"),
                row("uniform low > high", () -> Tensor.uniform(2, 1, 3), IAE, "uniform: need finite low <= high, got 2.0, 1.0"),
                row("uniform negative size", () -> Tensor.uniform(0, 1, -3), IAE, "uniform: negative size in shape \\[-3\\]"),
                row("arange step 0", () -> Tensor.arange(0, 5, 0), IAE,
                        "arange: start, end and step must be finite and step non-zero, got 0.0, 5.0, 0.0"),
                row("arange step NaN", () -> Tensor.arange(0, 5, Float.NaN), IAE, "arange: .* got 0.0, 5.0, NaN"),
                row("arange infinite end", () -> Tensor.arange(0, Float.POSITIVE_INFINITY, 1), IAE, "arange: .* got 0.0, Infinity, 1.0"),
                row("arange too many", () -> Tensor.arange(0, 1e10f, 1e-3f), IAE, "arange: [0-9]+ elements is too many"),
                row("normal negative std", () -> Tensor.normal(0f, -1f, 3), IAE, "normal: std must be finite and >= 0, got -1.0"),
                row("normal NaN std", () -> Tensor.normal(0f, Float.NaN, 3), IAE, "normal: std must be finite and >= 0, got NaN"),
                row("normal infinite mean", () -> Tensor.normal(Float.POSITIVE_INFINITY, 1f, 3), IAE,
                        "normal: mean must be finite, got Infinity"),
                row("normal(Tensor, Tensor) negative std", () -> Tensor.normal(ones(3), Tensor.of(1, -2, 1)), IAE,
                        "normal: std must be finite and >= 0, got -2.0"),
                row("normal(Tensor, Tensor) counts", () -> Tensor.normal(ones(3), ones(2)), IAE,
                        "normal: mean \\[3\\] and std \\[2\\] must have the same number of elements"),
                row("normal(float, Tensor) NaN std", () -> Tensor.normal(0f, Tensor.of(1, Float.NaN)), IAE,
                        "normal: std must be finite and >= 0, got NaN"),
                row("bernoulli p > 1", () -> Tensor.bernoulli(Tensor.of(0.5f, 1.5f)), IAE,
                        "bernoulli: probabilities must be in \\[0, 1\\], element 1 is 1.5"),
                row("bernoulli p < 0", () -> Tensor.bernoulli(Tensor.of(-0.1f)), IAE,
                        "bernoulli: probabilities must be in \\[0, 1\\], element 0 is -0.1"),
                row("bernoulli NaN", () -> Tensor.bernoulli(Tensor.of(0f, 0f, Float.NaN)), IAE,
                        "bernoulli: probabilities must be in \\[0, 1\\], element 2 is NaN"),
                row("multinomial too many without replacement", () -> Tensor.multinomial(Tensor.of(1, 0, 2), 3, false), IAE,
                        "multinomial: cannot draw 3 samples without replacement from 2 categories with non-zero weight"),
                row("multinomial negative weight", () -> Tensor.multinomial(Tensor.of(1, -1, 2), 1, true), IAE,
                        "multinomial: weights must be finite and >= 0, row 0 has -1.0"),
                row("multinomial infinite weight", () -> Tensor.multinomial(Tensor.of(new float[][] {{1, 1}, {1, Float.POSITIVE_INFINITY}}), 1, true), IAE,
                        "multinomial: weights must be finite and >= 0, row 1 has Infinity"),
                row("multinomial all zero", () -> Tensor.multinomial(Tensor.of(0, 0, 0), 1, true), IAE,
                        "multinomial: row 0 has no positive weight"),
                row("multinomial 0 samples", () -> Tensor.multinomial(Tensor.of(1, 2), 0, true), IAE,
                        "multinomial: samples must be >= 1, got 0"),
                row("multinomial 3-D weights", () -> Tensor.multinomial(ones(2, 2, 2), 1, true), IAE,
                        "multinomial: weights must be 1-D or 2-D, got shape \\[2, 2, 2\\]"),
                row("multinomial too many samples", () -> Tensor.multinomial(ones(4, 3), Integer.MAX_VALUE, true), IAE,
                        "multinomial: 4 rows x 2147483647 samples is too many"),

                // ---- oneHot and the fused losses
                row("oneHot label = classes", () -> Tensor.oneHot(Tensor.of(0, 3), 3), IAE,
                        "oneHot: label 3.0 at index 1 is not a class index in \\[0, 3\\)"),
                row("oneHot negative label", () -> Tensor.oneHot(Tensor.of(-1), 3), IAE,
                        "oneHot: label -1.0 at index 0 is not a class index in \\[0, 3\\)"),
                row("oneHot fractional label", () -> Tensor.oneHot(Tensor.of(1.5f), 3), IAE,
                        "oneHot: label 1.5 at index 0 is not a class index in \\[0, 3\\)"),
                row("oneHot NaN label", () -> Tensor.oneHot(Tensor.of(Float.NaN), 3), IAE,
                        "oneHot: label NaN at index 0 is not a class index in \\[0, 3\\)"),
                row("oneHot 0 classes", () -> Tensor.oneHot(Tensor.of(0), 0), IAE, "oneHot: classes must be >= 1, got 0"),
                row("oneHot negative classes", () -> Tensor.oneHot(Tensor.of(0), -2), IAE, "oneHot: classes must be >= 1, got -2"),
                row("oneHot 2-D labels", () -> Tensor.oneHot(ones(2, 1), 3), IAE, "oneHot: labels must be 1-D, got shape \\[2, 1\\]"),
                row("crossEntropy label out of range", () -> Loss.crossEntropy(ones(2, 3), Tensor.of(0, 3)), IAE,
                        "crossEntropy: label 3.0 at index 1 is not a class index in \\[0, 3\\)"),
                row("crossEntropy negative label", () -> Loss.crossEntropy(ones(2, 3), Tensor.of(-1, 0)), IAE,
                        "crossEntropy: label -1.0 at index 0 is not a class index in \\[0, 3\\)"),
                row("crossEntropy fractional label", () -> Loss.crossEntropy(ones(2, 3), Tensor.of(0, 0.5f)), IAE,
                        "crossEntropy: label 0.5 at index 1 is not a class index in \\[0, 3\\)"),
                row("crossEntropy wrong length", () -> Loss.crossEntropy(ones(2, 3), Tensor.of(0, 1, 2)), IAE,
                        "crossEntropy: input \\[2, 3\\] needs 2 class indices, got labels of shape \\[3\\]"),
                row("crossEntropy 2-D labels", () -> Loss.crossEntropy(ones(2, 3), ones(2, 1)), IAE,
                        "crossEntropy: input \\[2, 3\\] needs 2 class indices, got labels of shape \\[2, 1\\]"),
                row("crossEntropy 3-D logits", () -> Loss.crossEntropy(ones(2, 3, 4), Tensor.of(0, 1)), IAE,
                        "crossEntropy: input must be \\[batch, classes\\] or \\[classes\\], got \\[2, 3, 4\\]"),
                row("crossEntropy no classes", () -> Loss.crossEntropy(ones(2, 0), Tensor.of(0, 0)), IAE,
                        "crossEntropy: input \\[2, 0\\] has no classes"),
                row("nll label out of range", () -> Loss.nll(ones(1, 4), Tensor.of(4)), IAE,
                        "nll: label 4.0 at index 0 is not a class index in \\[0, 4\\)"),
                row("nll wrong length", () -> Loss.nll(ones(3, 4), Tensor.of(0)), IAE,
                        "nll: input \\[3, 4\\] needs 3 class indices, got labels of shape \\[1\\]"),
                row("bce shapes", () -> Loss.bce(Tensor.full(0.5f, 2, 3), Tensor.zeros(3, 2)), IAE,
                        "bce: input \\[2, 3\\] and target \\[3, 2\\] must have the same shape"),
                row("bce input above 1", () -> Loss.bce(Tensor.of(0.5f, 1.5f), Tensor.of(0, 1)), IAE,
                        "bce: input values must be in \\[0.0, 1.0\\], element 1 is 1.5 \\(use BCEWithLogitsLoss for raw scores\\)"),
                row("bce input NaN", () -> Loss.bce(Tensor.of(Float.NaN), Tensor.of(0)), IAE,
                        "bce: input values must be in \\[0.0, 1.0\\], element 0 is NaN.*"),
                row("bceWithLogits shapes", () -> Loss.bceWithLogits(ones(4), ones(4, 1)), IAE,
                        "bceWithLogits: input \\[4\\] and target \\[4, 1\\] must have the same shape"),

                // ---- released tensors
                row("add closed left", () -> closed(2, 2).add(ones(2, 2)), ISE,
                        "add: tensor of shape \\[2, 2\\] was released \\(closed, or its MemoryScope ended\\).*"),
                row("add closed right", () -> ones(2, 2).add(closed(2)), ISE, "add: tensor of shape \\[2\\] was released.*"),
                row("mul scalar closed", () -> closed(3).mul(2f), ISE, "mul: tensor of shape \\[3\\] was released.*"),
                row("exp closed", () -> closed(3).exp(), ISE, "exp: tensor of shape \\[3\\] was released.*"),
                row("matmul closed", () -> ones(2, 3).matmul(closed(3, 4)), ISE, "matmul: tensor of shape \\[3, 4\\] was released.*"),
                row("linear closed bias", () -> Gemm.linear(ones(2, 3), ones(4, 3), closed(4)), ISE,
                        "linear: tensor of shape \\[4\\] was released.*"),
                row("sum closed", () -> closed(3).sum(), ISE, "sum: tensor of shape \\[3\\] was released.*"),
                row("mean dim closed", () -> closed(2, 3).mean(1), ISE, "mean: tensor of shape \\[2, 3\\] was released.*"),
                row("softmax closed", () -> closed(2, 3).softmax(1), ISE, "softmax: tensor of shape \\[2, 3\\] was released.*"),
                row("argmax closed", () -> closed(2, 3).argmax(1), ISE, "argmax: tensor of shape \\[2, 3\\] was released.*"),
                row("reshape closed", () -> closed(2, 3).reshape(6), ISE, "reshape: tensor of shape \\[2, 3\\] was released.*"),
                row("t closed", () -> closed(2, 3).t(), ISE, "t: tensor of shape \\[2, 3\\] was released.*"),
                row("get closed", () -> closed(2, 3).get(0), ISE, "get: tensor of shape \\[2, 3\\] was released.*"),
                row("item closed", () -> closed(1).item(), ISE, "item: tensor of shape \\[1\\] was released.*"),
                row("toFloatArray closed", () -> closed(2).toFloatArray(), ISE, "toFloatArray: tensor of shape \\[2\\] was released.*"),
                row("detach closed", () -> closed(2).detach(), ISE, "detach: tensor of shape \\[2\\] was released.*"),
                row("backward closed root", () -> {
                    Tensor y = ones(2).requiresGrad(true).exp();
                    y.close();
                    y.backward();
                }, ISE, "backward: tensor of shape \\[2\\] was released.*"),
                row("set from closed", () -> ones(2).set(closed(2)), ISE, "set: tensor of shape \\[2\\] was released.*"),
                row("crossEntropy closed labels", () -> Loss.crossEntropy(ones(2, 3), closed(2)), ISE,
                        "crossEntropy: tensor of shape \\[2\\] was released.*"),
                row("oneHot closed", () -> Tensor.oneHot(closed(2), 3), ISE, "oneHot: tensor of shape \\[2\\] was released.*"),
                row("bernoulli closed", () -> Tensor.bernoulli(closed(2)), ISE, "bernoulli: tensor of shape \\[2\\] was released.*"),
                row("backward closed gradient", () -> ones(2).requiresGrad(true).exp().backward(closed(2)), ISE,
                        "backward: tensor of shape \\[2\\] was released.*"),
                row("tensor of a closed scope", () -> {
                    Tensor t;
                    try (MemoryScope s = MemoryScope.open()) {
                        t = Tensor.ones(3);
                    }
                    t.relu();
                }, ISE, "relu: tensor of shape \\[3\\] was released \\(closed, or its MemoryScope ended\\).*"),
                row("backward after the scope of an intermediate closed", () -> {
                    Tensor x = Tensor.ones(3).requiresGrad(true);
                    Tensor y;
                    try (MemoryScope s = MemoryScope.open()) {
                        y = s.keep(x.exp().sum()); // exp's output, saved for its backward, is released with the scope
                    }
                    y.backward();
                }, ISE, ".*tensor of shape \\[3\\] was released.*"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputThrowsAClearException(String name, Executable code, Class<? extends Throwable> type, String regex) {
        Throwable e = assertThrows(type, code, name);
        assertEquals(type, e.getClass(), name + ": exact exception type");
        assertNotNull(e.getMessage(), name + ": message");
        assertTrue(Pattern.compile(regex, Pattern.DOTALL).matcher(e.getMessage()).matches(),
                name + ": message\n  " + e.getMessage() + "\ndoes not match\n  " + regex);
    }

    @Test
    void zeroSizesAreValidShapesNotErrors() {
        // As in torch: 0 is a size like any other; only negative sizes are rejected.
        assertEquals(0, Tensor.zeros(0).numel());
        assertArrayEquals(new int[] {3, 0}, Tensor.ones(3, 0).shape());
        assertEquals(0, Tensor.rand(0, 5).numel());
        assertEquals(0, Tensor.arange(5, 0, 1).numel()); // numpy: an empty range, not an error
        assertArrayEquals(new float[] {0, 0, 0}, Tensor.ones(3, 0).sum(1).toFloatArray());
        assertArrayEquals(new int[] {0, 3}, Tensor.oneHot(Tensor.zeros(0), 3).shape());
        assertArrayEquals(new int[] {0}, Loss.crossEntropy(Tensor.zeros(0, 3), Tensor.zeros(0)).shape());
    }

    @Test
    void failedOpsLeaveInputsIntact() {
        // The checks run before any kernel: a rejected op neither writes its inputs nor consumes the random stream.
        Tensor a = Tensor.of(1, 2, 3);
        assertThrows(IAE, () -> a.set(Tensor.of(9, 9)));
        assertThrows(IAE, () -> Loss.crossEntropy(a.reshape(1, 3), Tensor.of(7)));
        assertArrayEquals(new float[] {1, 2, 3}, a.toFloatArray());
        Panagrad.manualSeed(11);
        float first = Tensor.rand(1).item();
        Panagrad.manualSeed(11);
        assertThrows(IAE, () -> Tensor.normal(Tensor.zeros(3), Tensor.of(1, 1, -1)));
        assertThrows(IAE, () -> Tensor.bernoulli(Tensor.of(0.5f, 2f)));
        assertEquals(first, Tensor.rand(1).item(), "a rejected sampler must not advance the generator");
    }

    @Test
    void aMemoryScopeIsConfinedToItsThread() throws Exception {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor t = Tensor.ones(2);
            for (Executable other : new Executable[] {() -> scope.keep(t), scope::close}) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> CompletableFuture.runAsync(() -> {
                    try {
                        other.execute();
                    } catch (Throwable x) {
                        throw new java.util.concurrent.CompletionException(x);
                    }
                }).get());
                Throwable cause = e.getCause();
                assertEquals(ISE, cause.getClass());
                assertTrue(cause.getMessage().matches("MemoryScope\\.(keep|close): scope belongs to thread '.+', called from '.+'"),
                        cause.getMessage());
            }
            assertArrayEquals(new float[] {1, 1}, t.toFloatArray(), "the failed close from another thread released nothing");
        }
    }
}

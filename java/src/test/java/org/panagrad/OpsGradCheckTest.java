package org.panagrad;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.panagrad.TestSupport.awayFromZero;
import static org.panagrad.TestSupport.positive;
import static org.panagrad.TestSupport.random;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.panagrad.ops.Gemm;
import org.panagrad.ops.Loss;

/**
 * Every differentiable op against central finite differences (in double) on seeded random inputs, including
 * broadcasting patterns, on the active backend (the suite runs once per backend).
 */
class OpsGradCheckTest {

    record Case(String name, Function<Tensor[], Tensor> f, Tensor[] inputs) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case c(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        for (Tensor t : inputs) t.requiresGrad(true);
        return new Case(name, f, inputs);
    }

    /** Like c, but only the first input requires grad (labels, targets). */
    static Case c1(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        inputs[0].requiresGrad(true);
        return new Case(name, f, inputs);
    }

    static final int[][][] BROADCASTS = {
            {{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{3, 4}, {3, 1}}, {{4}, {3, 4}}, {{3, 1}, {1, 4}},
            {{2, 3, 4}, {3, 1}}, {{2, 1, 4}, {1, 3, 1}}, {{3, 4}, {}}, {{}, {3, 4}},
            {{2, 1, 3, 1, 2, 1}, {1, 2, 1, 2, 1, 3}}, // six alternating axes: more than one kernel call
    };

    static Stream<Arguments> cases() {
        List<Case> cs = new ArrayList<>();
        long seed = 100;
        for (int[][] shapes : BROADCASTS) {
            String s = java.util.Arrays.toString(shapes[0]) + " op " + java.util.Arrays.toString(shapes[1]);
            cs.add(c("add " + s, in -> in[0].add(in[1]), random(seed++, 2, shapes[0]), random(seed++, 2, shapes[1])));
            cs.add(c("sub " + s, in -> in[0].sub(in[1]), random(seed++, 2, shapes[0]), random(seed++, 2, shapes[1])));
            cs.add(c("mul " + s, in -> in[0].mul(in[1]), random(seed++, 2, shapes[0]), random(seed++, 2, shapes[1])));
            cs.add(c("div " + s, in -> in[0].div(in[1]), random(seed++, 2, shapes[0]), awayFromZero(seed++, 0.5f, 2f, shapes[1])));
        }
        cs.add(c("add scalar", in -> in[0].add(3f), random(seed++, 2, 3, 5)));
        cs.add(c("sub scalar", in -> in[0].sub(3f), random(seed++, 2, 3, 5)));
        cs.add(c("rsub scalar", in -> in[0].rsub(3f), random(seed++, 2, 3, 5)));
        cs.add(c("mul scalar", in -> in[0].mul(-2.5f), random(seed++, 2, 3, 5)));
        cs.add(c("div scalar", in -> in[0].div(4f), random(seed++, 2, 3, 5)));
        cs.add(c("rdiv scalar", in -> in[0].rdiv(2f), awayFromZero(seed++, 0.5f, 2f, 3, 5)));
        for (float p : new float[] {2, 3, 0.5f, -1, 1.5f, 0}) {
            cs.add(c("pow " + p, in -> in[0].pow(p), positive(seed++, 0.5f, 2f, 4, 3)));
        }
        cs.add(c("pow 2 of negatives", in -> in[0].pow(2), random(seed++, 2, 7)));
        cs.add(c("neg", in -> in[0].neg(), random(seed++, 2, 2, 3)));
        cs.add(c("exp", in -> in[0].exp(), random(seed++, 2, 2, 3)));
        cs.add(c("log", in -> in[0].log(), positive(seed++, 0.5f, 3f, 2, 3)));
        cs.add(c("sqrt", in -> in[0].sqrt(), positive(seed++, 0.5f, 3f, 2, 3)));
        cs.add(c("abs", in -> in[0].abs(), awayFromZero(seed++, 0.1f, 2f, 2, 3)));
        cs.add(c("relu", in -> in[0].relu(), awayFromZero(seed++, 0.1f, 2f, 4, 5)));
        cs.add(c("sigmoid", in -> in[0].sigmoid(), random(seed++, 4, 4, 5)));
        cs.add(c("tanh", in -> in[0].tanh(), random(seed++, 2, 4, 5)));
        cs.add(c("matmul 2x2", in -> in[0].matmul(in[1]), random(seed++, 1, 3, 4), random(seed++, 1, 4, 5)));
        cs.add(c("matmul 1x2", in -> in[0].matmul(in[1]), random(seed++, 1, 4), random(seed++, 1, 4, 5)));
        cs.add(c("matmul 2x1", in -> in[0].matmul(in[1]), random(seed++, 1, 3, 4), random(seed++, 1, 4)));
        cs.add(c("matmul 1x1", in -> in[0].matmul(in[1]), random(seed++, 1, 4), random(seed++, 1, 4)));
        cs.add(c("matmul 3x2", in -> in[0].matmul(in[1]), random(seed++, 1, 2, 3, 4), random(seed++, 1, 4, 2)));
        cs.add(c("linear", in -> Gemm.linear(in[0], in[1], in[2]), random(seed++, 1, 5, 4), random(seed++, 1, 3, 4), random(seed++, 1, 3)));
        cs.add(c("linear no bias", in -> Gemm.linear(in[0], in[1], null), random(seed++, 1, 5, 4), random(seed++, 1, 3, 4)));
        cs.add(c("linear 3-D input", in -> Gemm.linear(in[0], in[1], in[2]), random(seed++, 1, 2, 5, 4), random(seed++, 1, 3, 4), random(seed++, 1, 3)));
        cs.add(c("t", in -> in[0].t(), random(seed++, 1, 3, 4)));
        cs.add(c("sum", in -> in[0].sum(), random(seed++, 1, 3, 4)));
        cs.add(c("mean", in -> in[0].mean(), random(seed++, 1, 3, 4)));
        for (int d = -3; d < 3; d++) {
            int dim = d;
            cs.add(c("sum dim " + d, in -> in[0].sum(dim), random(seed++, 1, 2, 3, 4)));
            cs.add(c("mean dim " + d + " keepDim", in -> in[0].mean(dim, true), random(seed++, 1, 2, 3, 4)));
            cs.add(c("softmax dim " + d, in -> in[0].softmax(dim), random(seed++, 2, 2, 3, 4)));
            cs.add(c("logSoftmax dim " + d, in -> in[0].logSoftmax(dim), random(seed++, 2, 2, 3, 4)));
            cs.add(c("max dim " + d, in -> in[0].max(dim), TestSupport.distinct(seed++, 2, 3, 4)));
        }
        cs.add(c("norm", in -> in[0].norm(), random(seed++, 1, 3, 4)));
        cs.add(c("reshape", in -> in[0].reshape(4, -1).mul(in[0].reshape(4, 3)), random(seed++, 1, 3, 4)));
        cs.add(c("flatten", in -> in[0].flatten().exp(), random(seed++, 1, 2, 3, 2)));
        cs.add(c("get", in -> in[0].get(1).mul(in[0].get(-1)), random(seed++, 1, 3, 4)));
        Tensor labels = Tensor.of(0, 2, 1, 4, 4);
        cs.add(c1("crossEntropy", in -> Loss.crossEntropy(in[0], in[1]), random(seed++, 3, 5, 5), labels));
        cs.add(c1("nll of logSoftmax", in -> Loss.nll(in[0].logSoftmax(1), in[1]), random(seed++, 3, 5, 5), labels));
        cs.add(c1("bce", in -> Loss.bce(in[0], in[1]), positive(seed++, 0.05f, 0.95f, 6), Tensor.of(0, 1, 1, 0, 0.3f, 1)));
        cs.add(c1("bceWithLogits", in -> Loss.bceWithLogits(in[0], in[1]), random(seed++, 4, 6), Tensor.of(0, 1, 1, 0, 0.3f, 1)));
        cs.add(c("composite mlp", in -> in[0].matmul(in[1]).relu().matmul(in[2]).logSoftmax(1).mean(),
                random(seed++, 1, 4, 6), random(seed++, 1, 6, 5), random(seed++, 1, 5, 3)));
        return cs.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(Case tc) {
        GradCheck.Result r = GradCheck.check(tc.f(), 1e-2, 2e-3, 2e-2, tc.inputs());
        assertTrue(r.passed(), tc.name() + " on " + Panagrad.backend() + ": " + r);
        assertTrue(r.elementsChecked() > 0 || java.util.Arrays.stream(tc.inputs()).allMatch(t -> t.numel() == 0));
    }
}

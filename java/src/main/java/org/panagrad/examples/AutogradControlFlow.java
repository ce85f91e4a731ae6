package org.panagrad.examples;

import java.util.ArrayList;
import java.util.List;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;

/**
 * Tutorial 001 (MXNet, "automatic differentiation with autograd") retold with panagrad.
 *
 * <ol>
 *   <li>{@code attachGrad()} gives a tensor a zero gradient; {@code Y = 2·X·X} is recorded; {@code Y.backward()}
 *       (a non-scalar, so its sum is differentiated) leaves {@code dY/dX = 4X} in {@code X.grad()}.</li>
 *   <li>Control flow is plain Java. {@link #f} doubles its input until the norm reaches 1000, then picks one
 *       element depending on the sign of the sum. Only the operations that actually ran are recorded, so the
 *       gradient is {@code 2^k} on the picked element and 0 on the other: the same as {@code c / a} there.</li>
 *   <li>{@code norm()} is the l2 norm, {@code sqrt(Σ x²)}; {@code sum()} adds every element.</li>
 * </ol>
 *
 * <pre>{@code
 * var r = AutogradControlFlow.run(Tensor.of(0.9273255f, -0.45468742f));
 * r.c();      // 949.5813 (b[0] after 10 doublings)
 * r.aGrad();  // [1024, 0]
 * }</pre>
 */
public final class AutogradControlFlow {
    private AutogradControlFlow() {}

    /** The value the loop in {@link #f} doubles towards. */
    public static final float NORM_LIMIT = 1000f;

    /**
     * The first part of the tutorial.
     *
     * @param gradBefore {@code X.grad()} right after {@code attachGrad()} (zeros), row-major
     * @param y          {@code Y = 2·X·X}
     * @param gradAfter  {@code X.grad()} after {@code Y.backward()}: 4X
     * @param yGradFn    the op that produced Y, as autograd names it
     */
    public record Basics(float[] gradBefore, float[] y, float[] gradAfter, String yGradFn) {}

    /**
     * One call of {@link #f} with its gradient.
     *
     * @param a        the input
     * @param trace    every intermediate {@code b} the loop printed, with its sum and norm
     * @param sums     the sum of each traced b
     * @param norms    the norm of each traced b
     * @param doublings how many times the input was doubled in total
     * @param picked   which element of b was returned (0 when the sum was non-negative, else 1)
     * @param c        the returned element
     * @param aGrad    {@code dc/da}
     * @param cOverA   {@code c / a} elementwise, which equals the gradient on the picked element
     */
    public record Result(float[] a, List<String> trace, float[] sums, float[] norms, int doublings, int picked, float c, float[] aGrad, float[] cOverA) {}

    /** The side notes: the l2 norm and the sum of {@code [[2, 4], [7, 5]]}. */
    public record NormAndSum(float norm, float normByHand, float sum) {}

    /** {@code X = [[1, 2], [3, 4]]}, {@code Y = 2X²}, backward. */
    public static Basics basics() {
        Tensor x = Tensor.of(new float[][] {{1, 2}, {3, 4}}).attachGrad();   // grad starts as zeros
        float[] before = x.grad().toFloatArray();
        Tensor y = x.mul(x).mul(2f);
        y.backward();                                                      // non-scalar: sum().backward()
        return new Basics(before, y.toFloatArray(), x.grad().toFloatArray(), y.gradFn());
    }

    /** The tutorial's dynamic function without the prints: {@code c = f(a)}. */
    public static Tensor f(Tensor a) {
        return f(a, null, null, null);
    }

    /**
     * The tutorial's dynamic function. The loop condition and the branch read values with {@code item()}, which
     * autograd does not see; the multiplications that ran and the element picked by {@code get} are recorded.
     *
     * @param a     a 1-D tensor of two elements
     * @param trace receives one line per doubling (b, its sum and its norm), like the tutorial's prints; may be null
     * @param sums  receives the sum of b after each doubling in the loop; may be null
     * @param norms receives the norm of b after each doubling in the loop; may be null
     */
    public static Tensor f(Tensor a, List<String> trace, List<Float> sums, List<Float> norms) {
        if (a.dim() != 1 || a.shape(0) != 2) {
            throw new IllegalArgumentException("AutogradControlFlow.f: expected a 1-D tensor of 2 elements, got shape "
                    + java.util.Arrays.toString(a.shape()));
        }
        Tensor b = a.mul(2f);
        while (b.norm().item() < NORM_LIMIT) {
            b = b.mul(2f);
            float sum = b.sum().item(), norm = b.norm().item();
            if (trace != null) trace.add(b + "  sum " + sum + "  norm " + norm);
            if (sums != null) sums.add(sum);
            if (norms != null) norms.add(norm);
        }
        return b.sum().item() >= 0 ? b.get(0) : b.get(1);
    }

    /** Runs {@link #f} on {@code a} (copied, with a gradient attached) and backpropagates from its result. */
    public static Result run(Tensor input) {
        Tensor a = input.detach().mul(1f).attachGrad();   // a fresh leaf, so the caller's tensor is untouched
        List<String> trace = new ArrayList<>();
        List<Float> sums = new ArrayList<>(), norms = new ArrayList<>();
        Tensor c = f(a, trace, sums, norms);
        c.backward();
        float[] av = a.toFloatArray(), grad = a.grad().toFloatArray();
        float cv = c.item();
        int picked = grad[0] != 0 ? 0 : 1;
        // f doubles once before the loop and once per traced line.
        return new Result(av, trace, toArray(sums), toArray(norms), trace.size() + 1, picked, cv, grad, new float[] {cv / av[0], cv / av[1]});
    }

    private static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = values.get(i);
        return out;
    }

    /** Runs {@link #f} on two numbers drawn uniformly from [-1, 1) with {@code seed}, as the tutorial does. */
    public static Result run(long seed) {
        Panagrad.manualSeed(seed);
        return run(Tensor.uniform(-1f, 1f, 2));
    }

    /** The side notes on {@code norm()} and {@code sum()}. */
    public static NormAndSum normAndSum() {
        Tensor x = Tensor.of(new float[][] {{2, 4}, {7, 5}});
        float byHand = (float) Math.sqrt(2 * 2 + 4 * 4 + 7 * 7 + 5 * 5);   // sqrt(94)
        return new NormAndSum(x.norm().item(), byHand, x.sum().item());
    }

    /** Prints the tutorial's cells. Optional argument: the seed for the random input (default: the notebook's input). */
    public static void main(String[] args) {
        Basics b = basics();
        System.out.println("X.grad before backward: " + Tensor.fromArray(b.gradBefore(), 2, 2));
        System.out.println("Y = 2*X*X:              " + Tensor.fromArray(b.y(), 2, 2) + "  (" + b.yGradFn() + ")");
        System.out.println("X.grad after backward:  " + Tensor.fromArray(b.gradAfter(), 2, 2));

        Result r = args.length > 0 ? run(Long.parseLong(args[0])) : run(Tensor.of(0.9273255f, -0.45468742f));
        System.out.println("\na = " + Tensor.of(r.a()));
        r.trace().forEach(System.out::println);
        System.out.println("Done: " + r.doublings() + " doublings, picked b[" + r.picked() + "]");
        System.out.println("c      = " + r.c());
        System.out.println("a.grad = " + Tensor.of(r.aGrad()));
        System.out.println("c / a  = " + Tensor.of(r.cOverA()));

        NormAndSum ns = normAndSum();
        System.out.println("\n[[2, 4], [7, 5]].norm() = " + ns.norm() + "  (sqrt(94) = " + ns.normByHand() + ")");
        System.out.println("[[2, 4], [7, 5]].sum()  = " + ns.sum());
    }
}

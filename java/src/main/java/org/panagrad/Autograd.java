package org.panagrad;

import java.util.ArrayList;
import java.util.Arrays;

/**
 * Reverse-mode automatic differentiation on a tape.
 *
 * <p>Every op on a tensor that requires grad records a node (its {@code gradFn}: a name, its inputs and a
 * backward function that keeps only what it needs). {@link Tensor#backward()} walks the nodes reachable
 * from the output once each, in reverse topological order, and accumulates into the {@code .grad} of the
 * leaves; the graph is freed afterwards. Control flow is plain Java: only what ran is recorded.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new float[][] {{1, 2}, {3, 4}}).requiresGrad(true);
 * Tensor y = x.mul(x).mul(2);        // y = 2x^2
 * y.backward();                      // non-scalar: same as y.sum().backward()
 * x.grad();                          // 4x = [[4, 8], [12, 16]]
 * try (var g = Autograd.noGrad()) {  // nothing recorded inside
 *     x.set(x.sub(x.grad().mul(0.1f)));
 * }
 * }</pre>
 *
 * <p>Custom differentiable ops use {@link #record}: compute the output with tensor ops or kernels, then
 * attach a {@link BackwardFunction} returning the gradient of each input.
 */
public final class Autograd {
    private Autograd() {}

    /** Gradient of each input of a recorded op, given the gradient of its output; null where none is needed. */
    @FunctionalInterface
    public interface BackwardFunction {
        Tensor[] apply(Tensor gradOutput);
    }

    /** A grad-mode scope: {@code try (var g = Autograd.noGrad()) { ... }}; close restores the previous mode. */
    public static final class GradMode implements AutoCloseable {
        private final boolean previous;
        private boolean closed;

        private GradMode(boolean enabled) {
            previous = ENABLED.get()[0];
            ENABLED.get()[0] = enabled;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            ENABLED.get()[0] = previous;
        }
    }

    /** Per thread: [0] grad mode on, [1] running a backward pass (anomaly detection checks node gradients then). */
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true, false});
    private static volatile boolean anomalyDetection = Boolean.getBoolean("panagrad.detectAnomaly");

    /** Disables recording on this thread until the returned scope is closed (PyTorch's {@code torch.no_grad()}). */
    public static GradMode noGrad() {
        return new GradMode(false);
    }

    /** Enables recording on this thread until the returned scope is closed (Gluon's {@code autograd.record()}). */
    public static GradMode enableGrad() {
        return new GradMode(true);
    }

    /** Whether ops on this thread are recorded. */
    public static boolean isGradEnabled() {
        return ENABLED.get()[0];
    }

    /**
     * Opt-in anomaly detection (PyTorch's {@code detect_anomaly}): every op checks its forward output, and
     * backward checks each gradient it computes, for NaN or infinity, and throws {@link ArithmeticException}
     * naming the op that produced it, the first bad element and, for gradients, the input index:
     * <pre>{@code
     * anomaly detected: LogBackward produced a non-finite value in its forward output: element 1 of shape [2] is NaN
     * anomaly detected: SqrtBackward produced a non-finite value in its gradient for input 0: element 0 of shape [1] is Infinity
     * }</pre>
     *
     * <p>The forward check covers every op that goes through {@link #record}, also when no input requires grad
     * or grad mode is off: a NaN made while preparing data or targets (say {@code x.log()} of a raw feature)
     * is reported at the op that made it, not several ops later where it reaches the loss's graph. Ops run
     * <em>inside</em> a backward function are not checked one by one; the gradient the node returns is, so a
     * non-finite gradient is blamed on the node whose backward made it, with the input it belongs to.
     *
     * <p>Process-wide, as in PyTorch. Costs one pass over each output and gradient while on; when off, a
     * single field read per op and no allocation. Off by default; {@code -Dpanagrad.detectAnomaly=true} turns
     * it on at start-up. Prefer the scoped form {@link #detectAnomaly()}.
     */
    public static void setAnomalyDetection(boolean enabled) {
        anomalyDetection = enabled;
    }

    /** Whether anomaly detection is on (see {@link #setAnomalyDetection}). */
    public static boolean anomalyDetection() {
        return anomalyDetection;
    }

    /**
     * Turns anomaly detection on until the returned scope is closed, then restores the previous setting
     * (scopes nest): {@code try (var a = Autograd.detectAnomaly()) { loss.backward(); }}.
     * See {@link #setAnomalyDetection} for what is checked.
     */
    public static AnomalyMode detectAnomaly() {
        return new AnomalyMode(true);
    }

    /**
     * Sets anomaly detection to {@code enabled} until the returned scope is closed (PyTorch's
     * {@code set_detect_anomaly(mode)}): {@code detectAnomaly(false)} switches it off for a block inside a
     * checked region.
     */
    public static AnomalyMode detectAnomaly(boolean enabled) {
        return new AnomalyMode(enabled);
    }

    /** An anomaly-detection scope from {@link #detectAnomaly()}; close restores the previous setting. Idempotent. */
    public static final class AnomalyMode implements AutoCloseable {
        private final boolean previous;
        private boolean closed;

        private AnomalyMode(boolean enabled) {
            previous = anomalyDetection;
            anomalyDetection = enabled;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            anomalyDetection = previous;
        }
    }

    /**
     * Records {@code output} as computed by the op {@code name} from {@code inputs}, when grad mode is on and
     * any input requires grad; otherwise returns {@code output} untouched.
     *
     * @param name     the {@code gradFn} name, e.g. {@code "MulBackward"}
     * @param inputs   the op's tensor inputs (nulls allowed for non-tensor operands)
     * @param backward gradient of each input (same order and shape as {@code inputs}) from the output gradient
     * @return output, now requiring grad with a {@code gradFn} when recorded
     */
    public static Tensor record(Tensor output, String name, Tensor[] inputs, BackwardFunction backward) {
        // Inside a backward function the node's returned gradients are checked instead (see setAnomalyDetection).
        if (anomalyDetection && !ENABLED.get()[1]) checkFinite(output, name, "forward output");
        if (!isGradEnabled()) return output;
        boolean needed = false;
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad) {
                needed = true;
                break;
            }
        }
        if (!needed) return output;
        output.requiresGrad = true;
        output.gradFn = new Node(name, inputs, backward);
        return output;
    }

    /** One recorded op. Freed (inputs and backward dropped) after a backward pass unless the graph is retained. */
    static final class Node {
        final String name;
        Tensor[] inputs;
        BackwardFunction backward;
        boolean freed;
        Tensor pending;
        boolean pendingOwned;
        int mark;

        Node(String name, Tensor[] inputs, BackwardFunction backward) {
            this.name = name;
            this.inputs = inputs;
            this.backward = backward;
        }
    }

    private static final java.util.concurrent.atomic.AtomicInteger EPOCH = new java.util.concurrent.atomic.AtomicInteger();

    static void backward(Tensor root, Tensor gradient, boolean retainGraph) {
        if (!root.requiresGrad) {
            throw new IllegalStateException("backward: tensor of shape " + Arrays.toString(root.shape())
                    + " does not require grad: no input had requiresGrad(true), or it was computed under Autograd.noGrad()");
        }
        root.checkAlive("backward");
        if (gradient == null) {
            gradient = Tensor.full(1f, root.shape());
        } else {
            gradient.checkAlive("backward");
            if (!Arrays.equals(gradient.shape(), root.shape())) {
                throw new IllegalArgumentException("backward: gradient of shape " + Arrays.toString(gradient.shape())
                        + " does not match the output's shape " + Arrays.toString(root.shape()));
            }
        }
        boolean[] mode = ENABLED.get();
        boolean wasInBackward = mode[1];
        mode[1] = true;
        try (var g = noGrad()) {
            if (root.gradFn == null) {
                accumulateLeaf(root, gradient);
                return;
            }
            ArrayList<Node> order = topologicalOrder(root.gradFn);
            root.gradFn.pending = gradient;
            root.gradFn.pendingOwned = false;
            for (int k = order.size() - 1; k >= 0; k--) {
                Node node = order.get(k);
                Tensor grad = node.pending;
                boolean owned = node.pendingOwned;
                node.pending = null;
                if (grad != null) runNode(node, grad, owned);
                if (!retainGraph) {
                    node.inputs = null;
                    node.backward = null;
                    node.freed = true;
                }
            }
        } finally {
            mode[1] = wasInBackward;
        }
    }

    private static void runNode(Node node, Tensor grad, boolean owned) {
        Tensor[] grads = node.backward.apply(grad);
        Tensor[] inputs = node.inputs;
        for (int i = 0; i < inputs.length; i++) {
            Tensor input = inputs[i];
            if (input == null || !input.requiresGrad || grads == null || i >= grads.length || grads[i] == null) continue;
            // A released input has lost its gradFn (close() drops it) and would pass for a leaf: the gradient would
            // silently stop here instead of reaching the leaves behind it.
            input.checkAlive("backward");
            Tensor gi = grads[i];
            if (!Arrays.equals(gi.shape(), input.shape())) {
                throw new IllegalStateException(node.name + ": backward produced a gradient of shape "
                        + Arrays.toString(gi.shape()) + " for an input of shape " + Arrays.toString(input.shape()));
            }
            if (anomalyDetection) checkFinite(gi, node.name, "gradient for input " + i);
            if (input.gradFn != null) {
                Node target = input.gradFn;
                if (target.freed) continue;
                if (target.pending == null) {
                    target.pending = gi;
                    target.pendingOwned = false;
                } else if (target.pendingOwned) {
                    target.pending.addInPlace(gi);
                } else {
                    target.pending = target.pending.add(gi);
                    target.pendingOwned = true;
                }
            } else {
                accumulateLeaf(input, gi);
            }
        }
        if (owned) {
            boolean passedOn = false;
            if (grads != null) for (Tensor g : grads) passedOn |= g == grad;
            if (!passedOn) grad.close();
        }
    }

    /** Adds {@code g} into the leaf's {@code .grad}, which lives outside any scope so it survives the step. */
    private static void accumulateLeaf(Tensor leaf, Tensor g) {
        if (leaf.grad == null) {
            leaf.grad = MemoryScope.outside(() -> Tensor.empty(leaf.shape()));
            leaf.grad.copyFrom(g);
        } else if (leaf.gradIsZero) {
            leaf.grad.copyFrom(g);
        } else {
            leaf.grad.addInPlace(g);
        }
        leaf.gradIsZero = false;
    }

    private static ArrayList<Node> topologicalOrder(Node root) {
        int mark = EPOCH.incrementAndGet();
        ArrayList<Node> order = new ArrayList<>();
        ArrayList<Node> stack = new ArrayList<>();
        ArrayList<Integer> next = new ArrayList<>();
        checkNotFreed(root);
        root.mark = mark;
        stack.add(root);
        next.add(0);
        while (!stack.isEmpty()) {
            int top = stack.size() - 1;
            Node node = stack.get(top);
            int i = next.get(top);
            Tensor[] inputs = node.inputs;
            if (i < inputs.length) {
                next.set(top, i + 1);
                Tensor in = inputs[i];
                if (in != null && in.gradFn != null && in.requiresGrad && in.gradFn.mark != mark) {
                    checkNotFreed(in.gradFn);
                    in.gradFn.mark = mark;
                    stack.add(in.gradFn);
                    next.add(0);
                }
            } else {
                order.add(node);
                stack.remove(top);
                next.remove(top);
            }
        }
        return order; // post-order: inputs before the nodes that use them
    }

    private static void checkNotFreed(Node node) {
        if (node.freed) {
            throw new IllegalStateException("backward: the graph through " + node.name + " was already freed by an "
                    + "earlier backward(); recompute the forward pass, or call backward(gradient, true) to retain the graph");
        }
    }

    static void checkFinite(Tensor t, String op, String what) {
        t.checkAlive(op);
        java.lang.foreign.MemorySegment data = t.segment();
        for (long i = 0, n = t.numel(); i < n; i++) {
            float v = data.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i);
            if (!Float.isFinite(v)) {
                throw new ArithmeticException("anomaly detected: " + op + " produced a non-finite value in its " + what
                        + ": element " + i + " of shape " + Arrays.toString(t.shape()) + " is " + v);
            }
        }
    }
}

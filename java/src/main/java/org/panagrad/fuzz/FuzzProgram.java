package org.panagrad.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A random straight-line program of tensor ops, as data: leaves (inputs with a shape, a value domain and a data
 * seed) and ops that name earlier nodes as operands. Kept as data, not as code, so that the same program runs on
 * two backends and can be shrunk (drop an op, shrink a size) and re-validated.
 *
 * <p>{@link #infer} is the single place that knows each op's shape rule and keeps values in a safe range: it
 * tracks, per node, a bound on |value|, a positive lower bound when the value is known positive, and whether it is
 * a probability safely inside (0, 1). Generation only emits ops that {@code infer} accepts, and a shrunk program
 * is only tried if it still passes, so log/sqrt/pow/div only ever see positive inputs and exp cannot overflow.
 */
final class FuzzProgram {

    /** Value domains of leaves. */
    enum Domain {
        /** uniform in [-2, 2), requires grad */
        GENERAL,
        /** uniform in [0.5, 2), requires grad */
        POSITIVE,
        /** uniform in [0, 1), a bce target, no grad */
        TARGET,
        /** whole numbers in [0, classes), class labels, no grad */
        LABELS,
        /** like GENERAL, but about a quarter of the elements are NaN, +-inf or -0, requires grad */
        SPECIAL
    }

    /**
     * One node. For a leaf: {@code op = "leaf"}, {@code ints} its shape, {@code domain}, {@code classes} for labels and
     * {@code seed} for its data. For an op: the operand node ids in {@code args}, and in {@code ints} / {@code f} its
     * parameters (dim and keepDim, reshape target, get index; pow exponent or scalar operand).
     */
    record Node(String op, int[] args, int[] ints, float f, Domain domain, int classes, long seed) {
        static Node leaf(int[] shape, Domain domain, int classes, long seed) {
            return new Node("leaf", new int[0], shape, 0f, domain, classes, seed);
        }

        static Node op(String op, int[] args, int[] ints, float f) {
            return new Node(op, args, ints, f, null, 0, 0);
        }

        boolean isLeaf() {
            return op.equals("leaf");
        }

        /** Labels and targets: operands of a loss, never differentiated, never a sink of the program. */
        boolean isAux() {
            return isLeaf() && (domain == Domain.TARGET || domain == Domain.LABELS);
        }

        boolean requiresGrad() {
            return isLeaf() && (domain == Domain.GENERAL || domain == Domain.POSITIVE || domain == Domain.SPECIAL);
        }

        /** Whether {@code ints} holds sizes (so shrinking may change them) rather than dims or indices. */
        boolean intsAreSizes() {
            return isLeaf() || op.equals("reshape");
        }
    }

    /**
     * What {@link #infer} knows about a node's value: shape, |value| <= hi, value >= lo when lo > 0, whether it is
     * a probability safely inside (0, 1), and whether it may hold NaN (then the bounds apply to the other elements).
     */
    record Val(int[] shape, double hi, double lo, boolean prob, boolean nan) {
        Val(int[] shape, double hi, double lo, boolean prob) {
            this(shape, hi, lo, prob, false);
        }

        long numel() {
            long n = 1;
            for (int d : shape) n *= d;
            return n;
        }

        int rank() {
            return shape.length;
        }
    }

    /** Largest |value| bound an op may produce; beyond it the op is not generated (float error would dominate). */
    static final double MAX_HI = 1e4;

    final List<Node> nodes;

    FuzzProgram(List<Node> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    // ---- shape and range rules ------------------------------------------------------------------------------------

    /** Infers every node's value, or returns null when the program is invalid (bad shapes or unsafe ranges). */
    Val[] analyze() {
        Val[] vals = new Val[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            for (int a : n.args) if (a < 0 || a >= i) return null;
            vals[i] = infer(n, vals);
            if (vals[i] == null) return null;
        }
        return sinks().length == 0 ? null : vals;
    }

    /** The value of {@code n} given its operands' values, or null when the op is invalid or unsafe there. */
    static Val infer(Node n, Val[] vals) {
        if (n.isLeaf()) {
            for (int d : n.ints) if (d < 0) return null;
            return switch (n.domain) {
                case GENERAL -> new Val(n.ints, 2, 0, false);
                case POSITIVE -> new Val(n.ints, 2, 0.5, false);
                case TARGET -> new Val(n.ints, 1, 0, false);
                case SPECIAL -> new Val(n.ints, 2, 0, false, true); // the bounds hold for its finite elements
                // hi of labels is their class count, which classification() matches against the logits' columns
                case LABELS -> n.ints.length == 1 && n.classes >= 1 ? new Val(n.ints, n.classes, 0, false) : null;
            };
        }
        Val a = vals[n.args[0]];
        Val out = switch (n.op) {
            case "add", "sub", "mul", "div" -> binary(n.op, a, vals[n.args[1]]);
            case "add_s" -> v(a.shape, a.hi + Math.abs(n.f), a.lo > 0 && n.f >= 0 ? a.lo + n.f : 0);
            case "mul_s" -> v(a.shape, a.hi * Math.abs(n.f), n.f > 0 ? a.lo * n.f : 0);
            case "rdiv_s" -> a.lo >= 0.1 && n.f > 0 ? v(a.shape, n.f / a.lo, n.f / a.hi) : null;
            case "neg", "abs", "relu" -> v(a.shape, a.hi, 0);
            case "exp" -> a.hi <= 6 ? v(a.shape, Math.exp(a.hi), Math.exp(-a.hi)) : null;
            case "log" -> a.lo >= 0.01 ? v(a.shape, Math.max(Math.abs(Math.log(a.lo)), Math.abs(Math.log(a.hi))), 0) : null;
            case "sqrt" -> a.lo >= 0.01 ? v(a.shape, Math.sqrt(a.hi), Math.sqrt(a.lo)) : null;
            case "sigmoid" -> {
                double lo = 1 / (1 + Math.exp(a.hi));
                yield new Val(a.shape, 1, lo, lo >= 1e-3);
            }
            case "tanh" -> v(a.shape, 1, a.lo > 0 ? Math.tanh(a.lo) : 0);
            case "pow" -> pow(a, n.f);
            case "sum_all" -> v(new int[0], a.hi * Math.max(1, a.numel()), a.numel() > 0 ? a.lo * a.numel() : 0);
            case "mean_all" -> v(new int[0], a.hi, a.lo);
            case "sum", "mean" -> {
                int d = dim(a, n.ints[0]);
                if (d < 0) yield null;
                int size = a.shape[d];
                int[] s = reduced(a.shape, d, n.ints[1] != 0);
                yield n.op.equals("sum") ? v(s, a.hi * Math.max(1, size), a.lo * size) : v(s, a.hi, a.lo);
            }
            case "softmax" -> {
                int d = dim(a, n.ints[0]);
                if (d < 0) yield null;
                int size = a.shape[d];
                double lo = size > 0 ? Math.exp(-2 * a.hi) / size : 0;
                yield new Val(a.shape, 1, lo, size >= 2 && lo >= 1e-3);
            }
            case "max", "argmax" -> {
                int d = dim(a, n.ints[0]);
                if (d < 0 || a.shape[d] == 0) yield null; // both reject an empty axis
                int[] s = reduced(a.shape, d, false);
                yield n.op.equals("max") ? v(s, a.hi, a.lo) : v(s, a.shape[d] - 1, 0);
            }
            case "norm" -> v(new int[0], a.hi * Math.sqrt(Math.max(1, a.numel())), 0);
            case "logSoftmax" -> {
                int d = dim(a, n.ints[0]);
                yield d < 0 ? null : v(a.shape, 2 * a.hi + Math.log(Math.max(1, a.shape[d])), 0);
            }
            case "matmul" -> matmul(a, vals[n.args[1]]);
            case "linear" -> linear(a, vals[n.args[1]], n.args.length > 2 ? vals[n.args[2]] : null);
            case "reshape" -> reshape(a, n.ints);
            case "t" -> a.rank() == 1 || a.rank() == 2 ? v(a.rank() == 1 ? a.shape : new int[] {a.shape[1], a.shape[0]}, a.hi, a.lo) : null;
            case "get" -> a.rank() >= 1 && n.ints[0] >= -a.shape[0] && n.ints[0] < a.shape[0]
                    ? v(Arrays.copyOfRange(a.shape, 1, a.rank()), a.hi, a.lo) : null;
            case "crossEntropy", "nll" -> classification(n, a, vals);
            case "bce" -> a.prob && sameShapeTarget(vals, n, a) ? v(a.shape, -Math.log(a.lo) + 1, 0) : null;
            case "bceWithLogits" -> sameShapeTarget(vals, n, a) ? v(a.shape, 2 * a.hi + 1, 0) : null;
            default -> throw new IllegalStateException("unknown op " + n.op);
        };
        if (out == null || !(out.hi <= MAX_HI)) return null;
        // NaN enters through a mean over no elements (0/0) and spreads; bce rejects it, so no prob-safety then.
        boolean nan = n.op.startsWith("mean") && emptyMean(n, a);
        for (int arg : n.args) nan |= vals[arg].nan;
        return nan ? new Val(out.shape, out.hi, out.lo, false, true) : out;
    }

    private static boolean emptyMean(Node n, Val a) {
        return n.op.equals("mean_all") ? a.numel() == 0 : a.shape[dim(a, n.ints[0])] == 0;
    }

    private static Val v(int[] shape, double hi, double lo) {
        return new Val(shape, hi, lo, false);
    }

    private static Val binary(String op, Val a, Val b) {
        int[] s = broadcast(a.shape, b.shape);
        if (s == null) return null;
        return switch (op) {
            case "add" -> v(s, a.hi + b.hi, a.lo > 0 && b.lo > 0 ? a.lo + b.lo : 0);
            case "sub" -> v(s, a.hi + b.hi, 0);
            case "mul" -> v(s, a.hi * b.hi, a.lo * b.lo);
            default -> b.lo >= 0.1 ? v(s, a.hi / b.lo, a.lo > 0 ? a.lo / b.hi : 0) : null; // div by a positive value only
        };
    }

    private static Val pow(Val a, float p) {
        if (p == 2 || p == 3) return v(a.shape, Math.pow(a.hi, p), Math.pow(a.lo, p));
        if (a.lo < 0.1) return null; // fractional and negative exponents on positive values only
        double x = Math.pow(a.hi, p), y = Math.pow(a.lo, p);
        return v(a.shape, Math.max(x, y), Math.min(x, y));
    }

    private static Val matmul(Val a, Val b) {
        if (a.rank() < 1 || b.rank() < 1 || b.rank() > 2 || a.shape[a.rank() - 1] != b.shape[0]) return null;
        int k = b.shape[0];
        int[] s;
        if (a.rank() == 1) s = b.rank() == 2 ? new int[] {b.shape[1]} : new int[0];
        else {
            s = Arrays.copyOf(a.shape, b.rank() == 2 ? a.rank() : a.rank() - 1);
            if (b.rank() == 2) s[a.rank() - 1] = b.shape[1];
        }
        return v(s, a.hi * b.hi * Math.max(1, k), a.lo * b.lo * k);
    }

    private static Val linear(Val x, Val w, Val b) {
        if (w.rank() != 2 || x.rank() < 1 || x.shape[x.rank() - 1] != w.shape[1]) return null;
        if (b != null && (b.rank() != 1 || b.shape[0] != w.shape[0])) return null;
        int[] s = x.shape.clone();
        s[s.length - 1] = w.shape[0];
        return v(s, x.hi * w.hi * Math.max(1, w.shape[1]) + (b == null ? 0 : b.hi), 0);
    }

    private static Val reshape(Val a, int[] target) {
        long known = 1;
        int infer = -1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1) {
                if (infer >= 0) return null;
                infer = i;
            } else if (target[i] < 0) return null;
            else known *= target[i];
        }
        int[] s = target.clone();
        if (infer >= 0) {
            if (known == 0 || a.numel() % known != 0) return null;
            s[infer] = (int) (a.numel() / known);
        } else if (known != a.numel()) return null;
        return v(s, a.hi, a.lo);
    }

    private static Val classification(Node n, Val a, Val[] vals) {
        if (a.rank() != 1 && a.rank() != 2) return null;
        int cols = a.shape[a.rank() - 1];
        int rows = a.rank() == 2 ? a.shape[0] : 1;
        Val y = vals[n.args[1]];
        if (cols < 1 || y.rank() != 1 || y.shape[0] != rows || y.hi != cols) return null; // labels' hi is their classes
        return v(new int[] {rows}, n.op.equals("nll") ? a.hi : 2 * a.hi + Math.log(cols), 0);
    }

    private static boolean sameShapeTarget(Val[] vals, Node n, Val a) {
        return Arrays.equals(vals[n.args[1]].shape, a.shape);
    }

    private static int dim(Val a, int dim) {
        int r = a.rank();
        int d = dim < 0 ? dim + r : dim;
        return d >= 0 && d < r ? d : -1;
    }

    private static int[] reduced(int[] shape, int d, boolean keep) {
        if (keep) {
            int[] s = shape.clone();
            s[d] = 1;
            return s;
        }
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != d) s[j++] = shape[i];
        return s;
    }

    static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (da != db && da != 1 && db != 1) return null;
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Structural rules {@link #infer} cannot see from values alone: labels and targets are used only as the second
     * operand of the loss that takes them (labels by crossEntropy/nll, targets by bce/bceWithLogits), and such
     * operands are of that kind.
     */
    boolean auxOperandsOk() {
        for (Node n : nodes) {
            for (int i = 0; i < n.args.length; i++) {
                Node a = nodes.get(n.args[i]);
                boolean wantLabels = i == 1 && (n.op.equals("crossEntropy") || n.op.equals("nll"));
                boolean wantTarget = i == 1 && (n.op.equals("bce") || n.op.equals("bceWithLogits"));
                boolean isLabels = a.isLeaf() && a.domain == Domain.LABELS;
                boolean isTarget = a.isLeaf() && a.domain == Domain.TARGET;
                if (wantLabels != isLabels || wantTarget != isTarget) return false;
            }
        }
        return true;
    }

    /** Whether the program is well formed: every op valid with safe ranges, aux operands in place, a sink exists. */
    boolean valid() {
        return auxOperandsOk() && analyze() != null;
    }

    /** Nodes whose value nothing else uses (except labels and targets): they make up the final scalar. */
    int[] sinks() {
        boolean[] used = new boolean[nodes.size()];
        for (Node n : nodes) for (int a : n.args) used[a] = true;
        return java.util.stream.IntStream.range(0, nodes.size())
                .filter(i -> !used[i] && !nodes.get(i).isAux()).toArray();
    }

    int ops() {
        return (int) nodes.stream().filter(n -> !n.isLeaf()).count();
    }

    // ---- shrinking transforms -----------------------------------------------------------------------------------

    /**
     * Without op node {@code i}: its users take its first operand instead, and leaves nothing uses any more go too.
     * The result may be invalid (callers check {@link #valid()}).
     */
    FuzzProgram dropOp(int i) {
        Node dropped = nodes.get(i);
        if (dropped.isLeaf()) return null;
        int replacement = dropped.args[0];
        List<Node> out = new ArrayList<>();
        for (int j = 0; j < nodes.size(); j++) {
            if (j == i) continue;
            Node n = nodes.get(j);
            int[] args = n.args.clone();
            for (int k = 0; k < args.length; k++) {
                if (args[k] == i) args[k] = replacement;
                if (args[k] > i) args[k]--;
            }
            out.add(new Node(n.op, args, n.ints, n.f, n.domain, n.classes, n.seed));
        }
        return new FuzzProgram(out).withoutUnusedLeaves();
    }

    /** Removes leaves no op uses, as long as some node remains. */
    FuzzProgram withoutUnusedLeaves() {
        FuzzProgram p = this;
        boolean changed = true;
        while (changed && p.nodes.size() > 1) {
            changed = false;
            boolean[] used = new boolean[p.nodes.size()];
            for (Node n : p.nodes) for (int a : n.args) used[a] = true;
            boolean anyOp = p.ops() > 0;
            for (int j = 0; j < p.nodes.size(); j++) {
                if (p.nodes.get(j).isLeaf() && !used[j] && (anyOp || p.nodes.get(j).isAux())) {
                    p = p.removeNode(j);
                    changed = true;
                    break;
                }
            }
        }
        return p;
    }

    private FuzzProgram removeNode(int i) {
        List<Node> out = new ArrayList<>();
        for (int j = 0; j < nodes.size(); j++) {
            if (j == i) continue;
            Node n = nodes.get(j);
            int[] args = n.args.clone();
            for (int k = 0; k < args.length; k++) if (args[k] > i) args[k]--;
            out.add(new Node(n.op, args, n.ints, n.f, n.domain, n.classes, n.seed));
        }
        return new FuzzProgram(out);
    }

    /** Every size (in leaf shapes, label class counts and reshape targets) greater than 1, largest first. */
    int[] sizes() {
        TreeSet<Integer> s = new TreeSet<>();
        for (Node n : nodes) {
            if (n.intsAreSizes()) for (int d : n.ints) if (d > 1) s.add(d);
            if (n.isLeaf() && n.domain == Domain.LABELS && n.classes > 1) s.add(n.classes);
        }
        return s.descendingSet().stream().mapToInt(Integer::intValue).toArray();
    }

    /** Every occurrence of size {@code from} replaced by {@code to}, so that sizes that must agree keep agreeing. */
    FuzzProgram withSize(int from, int to) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            int[] ints = n.ints.clone();
            if (n.intsAreSizes()) for (int k = 0; k < ints.length; k++) if (ints[k] == from) ints[k] = to;
            int classes = n.classes == from ? to : n.classes;
            out.add(new Node(n.op, n.args, ints, n.f, n.domain, classes, n.seed));
        }
        return new FuzzProgram(out);
    }

    // ---- generation ---------------------------------------------------------------------------------------------

    private static final String[] OPS = {
        "add", "sub", "mul", "div", "add_s", "mul_s", "rdiv_s", "neg", "exp", "log", "sqrt", "abs", "relu", "sigmoid",
        "tanh", "pow", "sum_all", "mean_all", "sum", "mean", "softmax", "logSoftmax", "matmul", "linear", "reshape",
        "t", "get", "crossEntropy", "nll", "bce", "bceWithLogits", "max", "argmax", "norm"};
    private static final int[] SIZES = {1, 1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 33}; // odd sizes hit SIMD and blocking tails

    /** A random valid program with 1 to {@code maxOps} ops. */
    static FuzzProgram generate(SplittableRandom r, int maxOps) {
        List<Node> nodes = new ArrayList<>();
        int leaves = 1 + r.nextInt(2);
        for (int i = 0; i < leaves; i++) {
            int u = r.nextInt(12);
            Domain d = u == 0 ? Domain.SPECIAL : u <= 4 ? Domain.POSITIVE : Domain.GENERAL;
            nodes.add(Node.leaf(randomShape(r), d, 0, r.nextLong()));
        }
        int ops = 1 + r.nextInt(maxOps);
        for (int k = 0; k < ops; k++) {
            for (int attempt = 0; attempt < 20; attempt++) {
                if (tryAddOp(r, nodes)) break;
            }
        }
        FuzzProgram p = new FuzzProgram(nodes);
        if (!p.valid()) throw new IllegalStateException("generator produced an invalid program:\n" + p.describe());
        return p;
    }

    private static int size(SplittableRandom r) {
        return r.nextInt(25) == 0 ? 0 : SIZES[r.nextInt(SIZES.length)];
    }

    private static int[] randomShape(SplittableRandom r) {
        int u = r.nextInt(10);
        int rank = u == 0 ? 0 : u <= 3 ? 1 : u <= 7 ? 2 : 3;
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) s[i] = size(r);
        return s;
    }

    /** Appends one random op (and any leaves it needs) if the choice is valid here; false leaves nodes as they were. */
    private static boolean tryAddOp(SplittableRandom r, List<Node> nodes) {
        int before = nodes.size();
        Val[] vals = new FuzzProgram(nodes).analyzeUnchecked();
        // Operand: the newest value half the time, otherwise any non-aux value.
        int a = r.nextBoolean() ? before - 1 : r.nextInt(before);
        if (nodes.get(a).isAux()) return false;
        Val va = vals[a];
        String op = OPS[r.nextInt(OPS.length)];
        int rank = va.rank();
        Node node = switch (op) {
            case "add", "sub", "mul", "div" -> {
                int b = partner(r, nodes, vals, va, op.equals("div"));
                yield Node.op(op, r.nextBoolean() ? new int[] {a, b} : new int[] {b, a}, new int[0], 0f);
            }
            case "add_s" -> Node.op(op, new int[] {a}, new int[0], new float[] {-1f, 0.5f, 2f}[r.nextInt(3)]);
            case "mul_s" -> Node.op(op, new int[] {a}, new int[0], new float[] {-2f, 0.5f, 3f}[r.nextInt(3)]);
            case "rdiv_s" -> Node.op(op, new int[] {a}, new int[0], new float[] {1f, 2f}[r.nextInt(2)]);
            case "pow" -> Node.op(op, new int[] {a}, new int[0], new float[] {2f, 3f, 0.5f, -1f, 1.5f, -0.5f}[r.nextInt(6)]);
            case "sum", "mean" -> rank == 0 ? null
                    : Node.op(op, new int[] {a}, new int[] {r.nextInt(-rank, rank), r.nextInt(2)}, 0f);
            case "softmax", "logSoftmax", "max", "argmax" -> rank == 0 ? null
                    : Node.op(op, new int[] {a}, new int[] {r.nextInt(-rank, rank)}, 0f);
            case "matmul" -> {
                if (rank == 0) yield null;
                int k = va.shape[rank - 1];
                int[] bs = r.nextInt(4) == 0 ? new int[] {k} : new int[] {k, size(r)};
                int b = addLeaf(r, nodes, bs, Domain.GENERAL, 0);
                yield Node.op(op, new int[] {a, b}, new int[0], 0f);
            }
            case "linear" -> {
                if (rank == 0) yield null;
                int out = size(r);
                int w = addLeaf(r, nodes, new int[] {out, va.shape[rank - 1]}, Domain.GENERAL, 0);
                yield r.nextInt(4) == 0 ? Node.op(op, new int[] {a, w}, new int[0], 0f)
                        : Node.op(op, new int[] {a, w, addLeaf(r, nodes, new int[] {out}, Domain.GENERAL, 0)}, new int[0], 0f);
            }
            case "reshape" -> Node.op(op, new int[] {a}, reshapeTarget(r, va.shape), 0f);
            case "get" -> rank == 0 || va.shape[0] == 0 ? null
                    : Node.op(op, new int[] {a}, new int[] {r.nextInt(-va.shape[0], va.shape[0])}, 0f);
            case "crossEntropy", "nll" -> {
                if (rank != 1 && rank != 2 || va.shape[rank - 1] < 1) yield null;
                int rows = rank == 2 ? va.shape[0] : 1;
                int y = addLeaf(r, nodes, new int[] {rows}, Domain.LABELS, va.shape[rank - 1]);
                yield Node.op(op, new int[] {a, y}, new int[0], 0f);
            }
            case "bce", "bceWithLogits" -> {
                int p = a;
                if (op.equals("bce") && !va.prob) { // bce needs probabilities: squash through a sigmoid first
                    nodes.add(Node.op("sigmoid", new int[] {a}, new int[0], 0f));
                    p = nodes.size() - 1;
                    Val vp = infer(nodes.get(p), new FuzzProgram(nodes).analyzeUnchecked());
                    if (vp == null || !vp.prob) yield null;
                }
                int z = addLeaf(r, nodes, va.shape, Domain.TARGET, 0);
                yield Node.op(op, new int[] {p, z}, new int[0], 0f);
            }
            default -> Node.op(op, new int[] {a}, new int[0], 0f);
        };
        if (node != null) {
            nodes.add(node);
            FuzzProgram p = new FuzzProgram(nodes);
            if (p.auxOperandsOk() && infer(node, p.analyzeUnchecked()) != null) return true;
        }
        while (nodes.size() > before) nodes.remove(nodes.size() - 1);
        return false;
    }

    /** Values of a program known to be valid up to its last node (during generation). */
    private Val[] analyzeUnchecked() {
        Val[] vals = new Val[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) vals[i] = infer(nodes.get(i), vals);
        return vals;
    }

    /** A second operand broadcastable with {@code va}: an existing value if one fits, else a new leaf. */
    private static int partner(SplittableRandom r, List<Node> nodes, Val[] vals, Val va, boolean positive) {
        if (r.nextInt(3) == 0) {
            for (int attempt = 0; attempt < 4; attempt++) {
                int b = r.nextInt(vals.length);
                if (!nodes.get(b).isAux() && broadcast(vals[b].shape, va.shape) != null) return b;
            }
        }
        int[] s = va.shape;
        int keep = r.nextInt(s.length + 1);
        List<Integer> shape = new ArrayList<>();
        if (r.nextInt(5) == 0) shape.add(size(r)); // an extra leading axis broadcasts the other operand too
        for (int i = s.length - keep; i < s.length; i++) shape.add(r.nextInt(3) == 0 ? 1 : s[i]);
        int[] bs = shape.stream().mapToInt(Integer::intValue).toArray();
        if (broadcast(bs, s) == null) bs = new int[0];
        return addLeaf(r, nodes, bs, positive || r.nextInt(3) == 0 ? Domain.POSITIVE : Domain.GENERAL, 0);
    }

    private static int addLeaf(SplittableRandom r, List<Node> nodes, int[] shape, Domain d, int classes) {
        nodes.add(Node.leaf(shape, d, classes, r.nextLong()));
        return nodes.size() - 1;
    }

    private static int[] reshapeTarget(SplittableRandom r, int[] s) {
        long n = 1;
        for (int d : s) n *= d;
        int pick = r.nextInt(5);
        if (pick == 0) return new int[] {-1};
        if (pick == 1 && s.length >= 2) { // merge the first two axes
            int[] t = new int[s.length - 1];
            t[0] = s[0] * s[1];
            System.arraycopy(s, 2, t, 1, s.length - 2);
            return t;
        }
        if (pick == 2 && n > 0 && n % 2 == 0) return new int[] {2, -1};
        if (pick == 3) { // a unit axis in front
            int[] t = new int[s.length + 1];
            t[0] = 1;
            System.arraycopy(s, 0, t, 1, s.length);
            return t;
        }
        return n <= Integer.MAX_VALUE ? new int[] {(int) n, 1} : new int[] {-1};
    }

    // ---- printing -----------------------------------------------------------------------------------------------

    /** The program as numbered lines of Java-like calls with each value's shape. */
    String describe() {
        Val[] vals = analyzeUnchecked();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            String shape = vals[i] == null ? "<invalid>" : Arrays.toString(vals[i].shape);
            sb.append("  v").append(i).append(" = ");
            if (n.isLeaf()) {
                sb.append(switch (n.domain) {
                    case GENERAL -> "uniform(-2, 2) " + Arrays.toString(n.ints) + ", requiresGrad";
                    case POSITIVE -> "uniform(0.5, 2) " + Arrays.toString(n.ints) + ", requiresGrad";
                    case TARGET -> "uniform(0, 1) " + Arrays.toString(n.ints) + " (target)";
                    case LABELS -> "labels " + Arrays.toString(n.ints) + " in [0, " + n.classes + ")";
                    case SPECIAL -> "uniform(-2, 2) with NaN/inf/-0 " + Arrays.toString(n.ints) + ", requiresGrad";
                }).append("  (data seed ").append(n.seed).append(")");
            } else {
                sb.append(call(n)).append("  -> ").append(shape);
            }
            sb.append('\n');
        }
        StringBuilder loss = new StringBuilder("  loss = ");
        int[] sinks = sinks();
        for (int k = 0; k < sinks.length; k++) {
            if (k > 0) loss.append(" + ");
            loss.append("v").append(sinks[k]).append(".mul(w").append(sinks[k]).append(").sum()");
        }
        sb.append(loss).append("   (w: fixed random weights); loss.backward()\n");
        return sb.toString();
    }

    private static String call(Node n) {
        String a = "v" + n.args[0];
        String b = n.args.length > 1 ? "v" + n.args[1] : "";
        return switch (n.op) {
            case "add", "sub", "mul", "div", "matmul" -> a + "." + n.op + "(" + b + ")";
            case "add_s" -> a + ".add(" + n.f + "f)";
            case "mul_s" -> a + ".mul(" + n.f + "f)";
            case "rdiv_s" -> a + ".rdiv(" + n.f + "f)";
            case "pow" -> a + ".pow(" + n.f + "f)";
            case "sum_all" -> a + ".sum()";
            case "mean_all" -> a + ".mean()";
            case "sum", "mean" -> a + "." + n.op + "(" + n.ints[0] + ", " + (n.ints[1] != 0) + ")";
            case "softmax", "logSoftmax", "get", "max", "argmax" -> a + "." + n.op + "(" + n.ints[0] + ")";
            case "reshape" -> a + ".reshape(" + Arrays.toString(n.ints).replaceAll("[\\[\\]]", "") + ")";
            case "linear" -> "Gemm.linear(" + a + ", " + b + ", " + (n.args.length > 2 ? "v" + n.args[2] : "null") + ")";
            case "crossEntropy", "nll", "bce", "bceWithLogits" -> "Loss." + n.op + "(" + a + ", " + b + ")";
            default -> a + "." + n.op + "()";
        };
    }
}

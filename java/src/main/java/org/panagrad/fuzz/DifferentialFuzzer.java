package org.panagrad.fuzz;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.panagrad.Autograd;
import org.panagrad.Backend;
import org.panagrad.MemoryScope;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;
import org.panagrad.fuzz.FuzzProgram.Domain;
import org.panagrad.fuzz.FuzzProgram.Node;
import org.panagrad.ops.Gemm;
import org.panagrad.ops.Loss;

/**
 * Differential fuzzer of the two backends: random programs of tensor ops run on a reference backend (NATIVE) and
 * on a candidate (JAVA), and every op's output, the final loss and every input's gradient must agree.
 *
 * <p>A program (seeded, so reproducible) has 1-3 input leaves of random shapes (sizes 0 and 1 included), then up
 * to 8 ops drawn from: broadcasting add/sub/mul/div and their scalar forms, pow/exp/log/sqrt/abs/relu/sigmoid/tanh
 * (log, sqrt, div and fractional pow only on values known to be positive), sum/mean over all or one dim,
 * softmax/logSoftmax over a dim, matmul, {@code Gemm.linear}, reshape/t/get, and the fused losses crossEntropy/nll
 * (with valid labels) and bce/bceWithLogits (with targets in [0, 1]). The values nothing else uses are combined as
 * {@code loss = sum_i (v_i * w_i).sum()} with fixed random weights {@code w_i}, and {@code loss.backward()} runs.
 * Inputs are built from their own seeds with {@link Tensor#fromArray}, so both backends see the same bits.
 *
 * <p>Agreement: NaN where the other has NaN, the same infinities, and otherwise
 * {@code |a - b| <= rtol |ref| + atol max(1, max|ref|)} per tensor (plus float rounding of the value's a-priori
 * bound for op outputs), i.e. relative to each element and absolute relative to the tensor's magnitude, so
 * cancellation noise in small elements of a large tensor is tolerated. Two kinds of program are ill-conditioned
 * rather than wrong, and are regenerated from the same random stream (counted as rejected): those whose relu/abs
 * inputs fall on different sides of 0 on the two backends (gradients legitimately 0 vs 1), and those where the
 * reference itself, rerun with about 8 ulps of noise on every op's output, moves a result by at least a quarter
 * of the difference seen (cancellation, e.g. a gradient that is analytically ~0 but summed from large terms).
 *
 * <p>The first failing program is shrunk (drop ops, shrink sizes, while it still fails the same way) and reported
 * with its seed, both the original and the minimal op sequence with shapes. Program {@code i} of a campaign with
 * seed {@code s} has seed {@code s + i}, so {@code run(failure.seed(), 1)} reproduces it.
 *
 * <pre>{@code
 * DifferentialFuzzer.Result r = new DifferentialFuzzer().run(1, 1000);
 * System.out.println(r.summary());              // 1000 programs, 0 crashes, 0 disagreements
 * }</pre>
 * From the command line: {@code java ... org.panagrad.fuzz.DifferentialFuzzer [N] [seed] [candidate-backend]}.
 */
public final class DifferentialFuzzer {

    /**
     * A hook run on the candidate backend after each op (for testing the fuzzer itself): it may change the op's
     * output in place, e.g. {@code out.segment().setAtIndex(JAVA_FLOAT, 0, 42f)}, to simulate a wrong kernel.
     */
    @FunctionalInterface
    public interface Perturbation {
        /**
         * @param op  the op's name as printed in a reproduction ({@code "sigmoid"}, {@code "matmul"}, {@code "add_s"}...)
         * @param out the op's output on the candidate backend
         */
        void afterOp(String op, Tensor out);
    }

    /**
     * The first failing program of a campaign.
     *
     * @param seed      the program's seed: {@code run(seed, 1)} runs it again
     * @param kind      {@code "crash"} (an unexpected exception) or {@code "disagreement"}
     * @param detail    what went wrong: the exception, or the first element that differs
     * @param program   the program as generated
     * @param minimal   the shrunk program that still fails the same way, and its detail
     */
    public record Failure(long seed, String kind, String detail, String program, String minimal) {
        /** A multi-line report: kind, seed, detail, the minimal reproduction and the original program. */
        public String report() {
            return kind + " in program seed " + seed + " (rerun: DifferentialFuzzer 1 " + seed + ")\n"
                    + "  " + detail.replace("\n", "\n  ") + "\n"
                    + "minimal reproduction:\n" + minimal
                    + "original program:\n" + program;
        }
    }

    /**
     * Counts of a campaign.
     *
     * @param programs      programs compared
     * @param crashes       programs where a backend threw an unexpected exception
     * @param disagreements programs whose outputs or gradients differ beyond tolerance
     * @param rejected      ill-conditioned programs regenerated (relu/abs inputs straddling 0, or results as
     *                      sensitive to rounding as the difference seen), not failures
     * @param firstFailure  the first failing program, shrunk, or null
     */
    public record Result(int programs, int crashes, int disagreements, int rejected, Failure firstFailure) {
        /** True when nothing crashed and nothing disagreed. */
        public boolean passed() {
            return crashes == 0 && disagreements == 0;
        }

        /** {@code "N programs, C crashes, D disagreements"}. */
        public String summary() {
            return programs + " programs, " + crashes + " crashes, " + disagreements + " disagreements";
        }
    }

    private static final int MAX_OPS = 8;
    private static final int SHRINK_BUDGET = 400;

    private final Backend reference;
    private final Backend candidate;
    private Perturbation perturbation;
    private PrintStream progress;
    private double rtol = 1e-4;
    private double atol = 1e-5;

    /** NATIVE as the reference, JAVA as the candidate. */
    public DifferentialFuzzer() {
        this(Backend.NATIVE, Backend.JAVA);
    }

    /** Compares {@code candidate} against {@code reference} (the same backend twice is allowed, with a perturbation). */
    public DifferentialFuzzer(Backend reference, Backend candidate) {
        this.reference = Objects.requireNonNull(reference, "reference");
        this.candidate = Objects.requireNonNull(candidate, "candidate");
    }

    /** Installs a hook run after each op on the candidate backend (null removes it); returns this. */
    public DifferentialFuzzer perturbation(Perturbation p) {
        this.perturbation = p;
        return this;
    }

    /** Prints progress lines to {@code out} (null: silent, the default); returns this. */
    public DifferentialFuzzer progress(PrintStream out) {
        this.progress = out;
        return this;
    }

    /**
     * Sets the relative and absolute tolerances; returns this. The defaults, 1e-4 and 1e-5, are about ten times
     * the largest difference seen between NATIVE and JAVA over 10^5 programs.
     */
    public DifferentialFuzzer tolerance(double rtol, double atol) {
        if (!(rtol >= 0) || !(atol >= 0)) {
            throw new IllegalArgumentException("tolerance: rtol and atol must be >= 0, got " + rtol + ", " + atol);
        }
        this.rtol = rtol;
        this.atol = atol;
        return this;
    }

    /**
     * Runs programs with seeds {@code seed, seed+1, ..., seed+programs-1} on both backends and compares them.
     * The active backend is restored afterwards.
     */
    public Result run(long seed, int programs) {
        if (programs < 0) throw new IllegalArgumentException("run: programs must be >= 0, got " + programs);
        Backend saved = Panagrad.backend();
        int crashes = 0, disagreements = 0, rejected = 0;
        Failure first = null;
        long start = System.nanoTime();
        try {
            for (int i = 0; i < programs; i++) {
                long programSeed = seed + i;
                SplittableRandom r = new SplittableRandom(programSeed);
                Verdict v = null;
                FuzzProgram p = null;
                for (int attempt = 0; attempt < 5; attempt++) {
                    p = FuzzProgram.generate(r, MAX_OPS);
                    v = check(p);
                    if (!v.illConditioned) break;
                    rejected++;
                }
                if (v.kind != null) {
                    if (v.kind.equals("crash")) crashes++;
                    else disagreements++;
                    if (first == null) {
                        first = failure(programSeed, p, v);
                        if (progress != null) progress.println("FAIL " + first.report());
                    }
                }
                if (progress != null && ((i + 1) % Math.max(1, programs / 10) == 0 || i + 1 == programs)) {
                    progress.printf("%d/%d programs, %d crashes, %d disagreements, %d rejected (%.1f s)%n", i + 1, programs,
                            crashes, disagreements, rejected, (System.nanoTime() - start) / 1e9);
                }
            }
        } finally {
            Panagrad.setBackend(saved);
        }
        return new Result(programs, crashes, disagreements, rejected, first);
    }

    // ---- one program on one backend ---------------------------------------------------------------------------

    /** What a backend computed: every op's output, the loss, every grad-requiring leaf's gradient, relu/abs inputs. */
    private static final class Outcome {
        final List<float[]> values = new ArrayList<>();
        final List<float[]> grads = new ArrayList<>();
        final List<float[]> kinkInputs = new ArrayList<>();
        /** Per max/argmax op: its input and the index it picked in each slice. */
        final List<float[][]> maxInputs = new ArrayList<>();
        float[] loss;
        Throwable error;
    }

    private Outcome execute(FuzzProgram p, Backend backend, Perturbation hook) {
        Outcome o = new Outcome();
        Panagrad.setBackend(backend);
        List<Tensor> leaves = new ArrayList<>();
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor[] v = new Tensor[p.nodes.size()];
            for (int i = 0; i < v.length; i++) {
                Node n = p.nodes.get(i);
                if (n.isLeaf()) {
                    v[i] = leaf(n);
                    if (n.requiresGrad()) leaves.add(v[i]);
                    continue;
                }
                if (n.op().equals("relu") || n.op().equals("abs")) o.kinkInputs.add(v[n.args()[0]].toFloatArray());
                v[i] = apply(n, v);
                if (n.op().equals("max") || n.op().equals("argmax")) {
                    try (var g = Autograd.noGrad()) {
                        Tensor in = v[n.args()[0]];
                        o.maxInputs.add(new float[][] {in.toFloatArray(), in.argmax(n.ints()[0]).toFloatArray()});
                    }
                }
                if (hook != null) hook.afterOp(n.op(), v[i]);
                o.values.add(v[i].toFloatArray());
            }
            Tensor loss = null;
            for (int s : p.sinks()) {
                Tensor w = Tensor.fromArray(values(new SplittableRandom(0x9E3779B97F4A7C15L * (s + 1) ^ p.nodes.get(s).seed()),
                        Domain.GENERAL, 0, v[s].numel()), v[s].shape());
                Tensor term = v[s].mul(w).sum();
                loss = loss == null ? term : loss.add(term);
            }
            o.loss = loss.toFloatArray();
            if (loss.requiresGrad()) loss.backward();
            for (Tensor leaf : leaves) {
                Tensor g = leaf.grad();
                o.grads.add(g == null ? null : g.toFloatArray());
                if (g != null) g.close(); // leaf gradients live outside the scope; free them now
                leaf.clearGrad();
            }
        } catch (Throwable t) {
            o.error = t;
        }
        return o;
    }

    private static Tensor leaf(Node n) {
        long count = Tensor.numel(n.ints());
        Tensor t = Tensor.fromArray(values(new SplittableRandom(n.seed()), n.domain(), n.classes(), count), n.ints());
        return n.requiresGrad() ? t.requiresGrad(true) : t;
    }

    private static float[] values(SplittableRandom r, Domain d, int classes, long count) {
        float[] x = new float[Math.toIntExact(count)];
        for (int i = 0; i < x.length; i++) {
            x[i] = switch (d) {
                case GENERAL -> (float) (r.nextDouble() * 4 - 2);
                case POSITIVE -> (float) (0.5 + r.nextDouble() * 1.5);
                case TARGET -> (float) r.nextDouble();
                case LABELS -> r.nextInt(classes);
                case SPECIAL -> switch (r.nextInt(16)) {
                    case 0 -> Float.NaN;
                    case 1 -> Float.POSITIVE_INFINITY;
                    case 2 -> Float.NEGATIVE_INFINITY;
                    case 3 -> -0f;
                    default -> (float) (r.nextDouble() * 4 - 2);
                };
            };
        }
        return x;
    }

    private static Tensor apply(Node n, Tensor[] v) {
        Tensor a = v[n.args()[0]];
        Tensor b = n.args().length > 1 ? v[n.args()[1]] : null;
        int[] k = n.ints();
        return switch (n.op()) {
            case "add" -> a.add(b);
            case "sub" -> a.sub(b);
            case "mul" -> a.mul(b);
            case "div" -> a.div(b);
            case "add_s" -> a.add(n.f());
            case "mul_s" -> a.mul(n.f());
            case "rdiv_s" -> a.rdiv(n.f());
            case "neg" -> a.neg();
            case "exp" -> a.exp();
            case "log" -> a.log();
            case "sqrt" -> a.sqrt();
            case "abs" -> a.abs();
            case "relu" -> a.relu();
            case "sigmoid" -> a.sigmoid();
            case "tanh" -> a.tanh();
            case "pow" -> a.pow(n.f());
            case "sum_all" -> a.sum();
            case "mean_all" -> a.mean();
            case "sum" -> a.sum(k[0], k[1] != 0);
            case "mean" -> a.mean(k[0], k[1] != 0);
            case "softmax" -> a.softmax(k[0]);
            case "logSoftmax" -> a.logSoftmax(k[0]);
            case "matmul" -> a.matmul(b);
            case "linear" -> Gemm.linear(a, b, n.args().length > 2 ? v[n.args()[2]] : null);
            case "reshape" -> a.reshape(k);
            case "t" -> a.t();
            case "get" -> a.get(k[0]);
            case "max" -> a.max(k[0]);
            case "argmax" -> a.argmax(k[0]);
            case "norm" -> a.norm();
            case "crossEntropy" -> Loss.crossEntropy(a, b);
            case "nll" -> Loss.nll(a, b);
            case "bce" -> Loss.bce(a, b);
            case "bceWithLogits" -> Loss.bceWithLogits(a, b);
            default -> throw new IllegalStateException("unknown op " + n.op());
        };
    }

    // ---- comparing the two backends ---------------------------------------------------------------------------

    /** The verdict on one program: kind null when the backends agree. */
    private record Verdict(String kind, String detail, boolean illConditioned) {}

    private Verdict check(FuzzProgram p) {
        Outcome ref = execute(p, reference, null);
        Outcome cand = execute(p, candidate, perturbation);
        if (ref.error != null) return new Verdict("crash", "on " + reference + ": " + describe(ref.error), false);
        if (cand.error != null) return new Verdict("crash", "on " + candidate + ": " + describe(cand.error), false);
        String d = differences(p, ref, cand, null);
        if (d == null) return new Verdict(null, null, false);
        // Forward values agree; if a relu/abs input changed sign between backends, a 0-vs-1 gradient is legitimate.
        for (int k = 0; k < ref.kinkInputs.size(); k++) {
            float[] a = ref.kinkInputs.get(k), b = cand.kinkInputs.get(k);
            for (int j = 0; j < a.length; j++) {
                if (Math.signum(a[j]) != Math.signum(b[j]) && !(Float.isNaN(a[j]) && Float.isNaN(b[j]))) {
                    return new Verdict(null, null, true);
                }
            }
        }
        // Same for a max/argmax whose two backends picked different elements that are equal within rounding.
        for (int k = 0; k < ref.maxInputs.size(); k++) {
            if (nearTiePicked(p, k, ref.maxInputs.get(k), cand.maxInputs.get(k))) return new Verdict(null, null, true);
        }
        // Is the program itself that sensitive to rounding? Rerun the reference with a few ulps of noise on every
        // op's output; where that moves a result as much as the candidate differs, the difference is cancellation
        // (e.g. a gradient that is analytically ~0 summed from large terms), not a wrong kernel.
        Outcome slack = sensitivity(p, ref);
        if (slack != null && differences(p, ref, cand, slack) == null) return new Verdict(null, null, true);
        return new Verdict("disagreement", d, false);
    }

    /** Whether, in some slice, the backends' max picks differ but the reference values there tie within 1e-5. */
    private static boolean nearTiePicked(FuzzProgram p, int which, float[][] ref, float[][] cand) {
        int seen = -1;
        Node node = null;
        FuzzProgram.Val in = null;
        FuzzProgram.Val[] vals = p.analyze();
        for (Node n : p.nodes) {
            if ((n.op().equals("max") || n.op().equals("argmax")) && ++seen == which) {
                node = n;
                in = vals[n.args()[0]];
                break;
            }
        }
        int[] s = in.shape();
        int d = node.ints()[0] < 0 ? node.ints()[0] + s.length : node.ints()[0];
        long inner = 1;
        for (int i = d + 1; i < s.length; i++) inner *= s[i];
        int n = s[d];
        float[] x = ref[0];
        for (int j = 0; j < ref[1].length; j++) {
            int a = (int) ref[1][j], b = (int) cand[1][j];
            if (a == b) continue;
            long o = j / inner, i = j % inner;
            float xa = x[(int) ((o * n + a) * inner + i)], xb = x[(int) ((o * n + b) * inner + i)];
            if (!Float.isNaN(xa) && !Float.isNaN(xb) && Math.abs(xa - xb) <= 1e-5 * Math.max(1, Math.abs(xa))) return true;
        }
        return false;
    }

    /** Relative noise per op output of the sensitivity runs: about 8 float ulps. */
    private static final double NOISE = 1e-6;
    /** How many times the noisy runs' deviation a difference may be and still count as rounding. */
    private static final double SLACK = 4;

    /**
     * Per element, {@code SLACK} times the largest deviation of two noisy reference runs from the clean one
     * (in an Outcome's layout), or null if a noisy run failed.
     */
    private Outcome sensitivity(FuzzProgram p, Outcome ref) {
        Outcome slack = null;
        for (long noiseSeed = 1; noiseSeed <= 2; noiseSeed++) {
            SplittableRandom r = new SplittableRandom(noiseSeed);
            Outcome noisy = execute(p, reference, (op, out) -> {
                if (op.equals("reshape") || op.equals("get") || op.equals("t")) return; // views: their input got noise already
                var seg = out.segment();
                for (long i = 0; i < out.numel(); i++) {
                    float x = seg.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i);
                    seg.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, (float) (x * (1 + NOISE * (2 * r.nextDouble() - 1))));
                }
            });
            if (noisy.error != null) return null;
            if (slack == null) {
                slack = new Outcome();
                slack.loss = new float[ref.loss.length];
                for (float[] v : ref.values) slack.values.add(new float[v.length]);
                for (float[] g : ref.grads) slack.grads.add(g == null ? null : new float[g.length]);
            }
            widen(slack.loss, ref.loss, noisy.loss);
            for (int k = 0; k < ref.values.size(); k++) widen(slack.values.get(k), ref.values.get(k), noisy.values.get(k));
            for (int k = 0; k < ref.grads.size(); k++) {
                if (ref.grads.get(k) != null && noisy.grads.get(k) != null) widen(slack.grads.get(k), ref.grads.get(k), noisy.grads.get(k));
            }
        }
        return slack;
    }

    private static void widen(float[] slack, float[] ref, float[] noisy) {
        for (int i = 0; i < slack.length; i++) {
            double dev = Math.abs((double) ref[i] - noisy[i]);
            if (Double.isNaN(dev)) dev = 0; // NaN/inf patterns are compared exactly, never relaxed
            slack[i] = (float) Math.max(slack[i], SLACK * dev);
        }
    }

    /** The first difference between two outcomes beyond tolerance (plus per-element {@code slack}, if given), or null. */
    private String differences(FuzzProgram p, Outcome ref, Outcome cand, Outcome slack) {
        FuzzProgram.Val[] vals = p.analyze();
        int opIndex = 0;
        for (int i = 0; i < p.nodes.size(); i++) {
            if (p.nodes.get(i).isLeaf()) continue;
            String what = "output of v" + i + " (" + p.nodes.get(i).op() + ", shape " + Arrays.toString(vals[i].shape()) + ")";
            String d = compare(ref.values.get(opIndex), cand.values.get(opIndex), vals[i].hi(), what,
                    slack == null ? null : slack.values.get(opIndex));
            if (d != null) return d;
            opIndex++;
        }
        String d = compare(ref.loss, cand.loss, 0, "loss", slack == null ? null : slack.loss);
        if (d != null) return d;
        int g = 0;
        for (int i = 0; i < p.nodes.size(); i++) {
            if (!p.nodes.get(i).requiresGrad()) continue;
            float[] a = ref.grads.get(g), b = cand.grads.get(g);
            float[] sl = slack == null ? null : slack.grads.get(g);
            g++;
            if ((a == null) != (b == null)) {
                return "gradient of v" + i + ": " + (a == null ? "none" : "present") + " on " + reference + " but "
                        + (b == null ? "none" : "present") + " on " + candidate;
            }
            if (a != null) {
                d = compare(a, b, 0, "gradient of v" + i + " (shape " + Arrays.toString(vals[i].shape()) + ")", sl);
                if (d != null) return d;
            }
        }
        return null;
    }

    /** Null when {@code cand} matches {@code ref}, else a description of the first differing element. */
    private String compare(float[] ref, float[] cand, double bound, String what, float[] slack) {
        if (ref.length != cand.length) {
            return what + ": " + ref.length + " elements on " + reference + " but " + cand.length + " on " + candidate;
        }
        double max = 0;
        for (float x : ref) if (Float.isFinite(x)) max = Math.max(max, Math.abs(x));
        double floor = atol * Math.max(1, max) + 1e-6 * bound;
        for (int i = 0; i < ref.length; i++) {
            float a = ref[i], b = cand[i];
            boolean ok;
            if (Float.isNaN(a) || Float.isNaN(b)) ok = Float.isNaN(a) && Float.isNaN(b);
            else if (Float.isInfinite(a) || Float.isInfinite(b)) ok = a == b;
            else ok = Math.abs((double) a - b) <= rtol * Math.abs(a) + floor + (slack == null ? 0 : slack[i]);
            if (!ok) {
                return what + ", element " + i + ": " + a + " on " + reference + " vs " + b + " on " + candidate
                        + (Float.isFinite(a) && Float.isFinite(b) ? " (tolerance " + (float) (rtol * Math.abs(a) + floor) + ")"
                                : " (NaN and infinities must match exactly)") + "\n" + reference + ": " + head(ref)
                        + "\n" + candidate + ": " + head(cand);
            }
        }
        return null;
    }

    private static String head(float[] v) {
        String s = Arrays.toString(Arrays.copyOf(v, Math.min(v.length, 8)));
        return v.length > 8 ? s.substring(0, s.length() - 1) + ", ... (" + v.length + " elements)]" : s;
    }

    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(t.toString());
        StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < Math.min(6, st.length); i++) sb.append("\n    at ").append(st[i]);
        return sb.toString();
    }

    // ---- shrinking --------------------------------------------------------------------------------------------

    private Failure failure(long seed, FuzzProgram p, Verdict v) {
        FuzzProgram best = p;
        Verdict bestVerdict = v;
        int budget = SHRINK_BUDGET;
        boolean progressMade = true;
        while (progressMade && budget > 0) {
            progressMade = false;
            List<FuzzProgram> candidates = new ArrayList<>();
            for (int i = best.nodes.size() - 1; i >= 0; i--) {
                FuzzProgram c = best.dropOp(i);
                if (c != null) candidates.add(c);
            }
            for (int s : best.sizes()) {
                candidates.add(best.withSize(s, s / 2));
                if (s / 2 != 1) candidates.add(best.withSize(s, 1));
            }
            for (FuzzProgram c : candidates) {
                if (budget-- <= 0) break;
                if (!c.valid()) continue;
                Verdict cv = check(c);
                if (v.kind.equals(cv.kind) && !cv.illConditioned) {
                    best = c;
                    bestVerdict = cv;
                    progressMade = true;
                    break;
                }
            }
        }
        String minimal = best.describe() + "  => " + bestVerdict.detail.replace("\n", "\n     ") + "\n";
        return new Failure(seed, v.kind, v.detail, p.describe(), minimal);
    }

    // ---- command line -----------------------------------------------------------------------------------------

    /**
     * {@code DifferentialFuzzer [N] [seed] [candidate]}: runs N programs (default 1000) from seed (default: the
     * time) comparing NATIVE with the candidate backend (default java), prints progress and then
     * {@code "N programs, 0 crashes, 0 disagreements"} or the first failure; exits with 1 on failure.
     */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : System.currentTimeMillis();
        Backend cand = args.length > 2 ? Backend.parse(args[2]) : Backend.JAVA;
        System.out.println("differential fuzzing: " + n + " programs from seed " + seed + ", " + Backend.NATIVE + " vs " + cand);
        Result r = new DifferentialFuzzer(Backend.NATIVE, cand).progress(System.out).run(seed, n);
        System.out.println(r.summary() + (r.rejected() > 0 ? " (" + r.rejected() + " ill-conditioned programs regenerated)" : ""));
        if (!r.passed()) {
            System.out.println(r.firstFailure().report());
            System.exit(1);
        }
    }
}

package org.panagrad;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.panagrad.ops.Elementwise;
import org.panagrad.ops.Gemm;
import org.panagrad.ops.Loss;
import org.panagrad.ops.Reduce;
import org.panagrad.ops.Shape;
import org.panagrad.ops.Softmax;

/**
 * An n-dimensional array of float32 in off-heap memory, with reverse-mode autograd.
 *
 * <p>Data is contiguous and row-major in a native {@link MemorySegment}, so the C kernels read it in place.
 * Ops return new tensors; binary ops broadcast numpy-style; every math op is differentiable and recorded
 * when an input {@linkplain #requiresGrad() requires grad} (see {@link Autograd}).
 *
 * <pre>{@code
 * Tensor w = Tensor.randn(3, 2).requiresGrad(true);
 * Tensor x = Tensor.of(new float[][] {{1, 2, 3}});
 * Tensor loss = x.matmul(w).relu().sum();
 * loss.backward();
 * System.out.println(w.grad());
 * }</pre>
 *
 * <p>Memory: a tensor made inside a {@link MemoryScope} is released when the scope closes; otherwise when it
 * becomes unreachable, or at once by {@link #close()}. Using a released tensor throws
 * {@link IllegalStateException}. Class labels are float tensors holding whole numbers.
 */
public final class Tensor implements AutoCloseable {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private final int[] shape;
    private final long size;
    private MemorySegment data;
    private Storage storage;
    MemoryScope scope;

    boolean requiresGrad;
    Tensor grad;
    /** The grad buffer holds zeros logically (after zeroGrad), so the next backward may overwrite it. */
    boolean gradIsZero;
    Autograd.Node gradFn;

    private Tensor(int[] shape, long size, MemorySegment data, Storage storage) {
        this.shape = shape;
        this.size = size;
        this.data = data;
        this.storage = storage;
        MemoryScope s = MemoryScope.current();
        this.scope = s;
        if (s != null) s.register(this);
    }

    // ---- creation -------------------------------------------------------------------------------

    /**
     * An uninitialised tensor of the given shape (contents are whatever the allocator's cache held).
     * Mostly for op implementations, which overwrite every element.
     */
    public static Tensor empty(int... shape) {
        return allocate("empty", shape);
    }

    /** {@link #empty} for the factory {@code op}, which the shape check's message names. */
    private static Tensor allocate(String op, int[] shape) {
        int[] s = checkShape(op, shape);
        long n = numel(s);
        boolean gcManaged = MemoryScope.current() == null;
        Storage st = Storage.allocate(n * Float.BYTES, gcManaged);
        return new Tensor(s, n, st.block.asSlice(0, n * Float.BYTES), st);
    }

    /**
     * A tensor sharing {@code base}'s memory from element {@code offset}, with another shape; not recorded by
     * autograd. For implementing view-like ops (see {@link org.panagrad.ops.Shape}).
     */
    public static Tensor alias(Tensor base, long offset, int... shape) {
        base.checkAlive("alias");
        int[] s = checkShape("alias", shape);
        long n = numel(s);
        if (offset < 0 || offset + n > base.size) {
            throw new IllegalArgumentException("alias: elements [" + offset + ", " + (offset + n) + ") are outside a tensor of "
                    + base.size + " elements");
        }
        base.storage.retain();
        return new Tensor(s, n, base.data.asSlice(offset * Float.BYTES, n * Float.BYTES), base.storage);
    }

    /** A 1-D tensor holding {@code values}. */
    public static Tensor of(float... values) {
        Tensor t = empty(values.length);
        MemorySegment.copy(values, 0, t.data, F, 0, values.length);
        return t;
    }

    /** A 2-D tensor from rows of equal length. */
    public static Tensor of(float[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("of: row " + r + " has " + rows[r].length + " values, row 0 has " + cols);
            }
        }
        Tensor t = empty(rows.length, cols);
        for (int r = 0; r < rows.length; r++) MemorySegment.copy(rows[r], 0, t.data, F, (long) r * cols * Float.BYTES, cols);
        return t;
    }

    /** A tensor of the given shape holding {@code values} in row-major order. */
    public static Tensor fromArray(float[] values, int... shape) {
        int[] s = checkShape("fromArray", shape);
        if (numel(s) != values.length) {
            throw new IllegalArgumentException("fromArray: shape " + Arrays.toString(s) + " holds " + numel(s)
                    + " elements but " + values.length + " values were given");
        }
        Tensor t = empty(s);
        MemorySegment.copy(values, 0, t.data, F, 0, values.length);
        return t;
    }

    /** A scalar (0-dimensional) tensor. */
    public static Tensor scalar(float value) {
        Tensor t = empty();
        t.data.set(F, 0, value);
        return t;
    }

    /** A tensor of zeros. */
    public static Tensor zeros(int... shape) {
        return fill("zeros", 0f, shape);
    }

    /** A tensor of ones. */
    public static Tensor ones(int... shape) {
        return fill("ones", 1f, shape);
    }

    /** A tensor of the given shape with every element {@code value}. */
    public static Tensor full(float value, int... shape) {
        return fill("full", value, shape);
    }

    private static Tensor fill(String op, float value, int[] shape) {
        Tensor t = allocate(op, shape);
        Panagrad.kernels().elementwiseFill(t.size, value, t.data);
        return t;
    }

    /** Zeros shaped like {@code other}. */
    public static Tensor zerosLike(Tensor other) {
        return zeros(other.shape);
    }

    /** {@code start, start+step, ...} while below {@code end} (above, for a negative step), like numpy. */
    public static Tensor arange(float start, float end, float step) {
        if (step == 0 || !Float.isFinite(step) || !Float.isFinite(start) || !Float.isFinite(end)) {
            throw new IllegalArgumentException("arange: start, end and step must be finite and step non-zero, got "
                    + start + ", " + end + ", " + step);
        }
        long n = Math.max(0, (long) Math.ceil(((double) end - start) / step));
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("arange: " + n + " elements is too many");
        Tensor t = empty((int) n);
        for (long i = 0; i < n; i++) t.data.setAtIndex(F, i, (float) (start + i * (double) step));
        return t;
    }

    /** {@code arange(0, end, 1)}. */
    public static Tensor arange(int end) {
        return arange(0, end, 1);
    }

    /** Uniform samples in [0, 1). */
    public static Tensor rand(int... shape) {
        Tensor t = allocate("rand", shape);
        RandomSource.fillUniform(t.data, t.size, 0f, 1f);
        return t;
    }

    /** Uniform samples in [low, high). */
    public static Tensor uniform(float low, float high, int... shape) {
        if (!(low <= high) || !Float.isFinite(low) || !Float.isFinite(high)) {
            throw new IllegalArgumentException("uniform: need finite low <= high, got " + low + ", " + high);
        }
        Tensor t = allocate("uniform", shape);
        RandomSource.fillUniform(t.data, t.size, low, high);
        return t;
    }

    /** Standard normal samples. */
    public static Tensor randn(int... shape) {
        return normal("randn", 0f, 1f, shape);
    }

    /** Normal samples with the given mean and standard deviation. */
    public static Tensor normal(float mean, float std, int... shape) {
        return normal("normal", mean, std, shape);
    }

    private static Tensor normal(String op, float mean, float std, int[] shape) {
        if (!Float.isFinite(mean)) throw new IllegalArgumentException(op + ": mean must be finite, got " + mean);
        checkStd(op, std);
        Tensor t = allocate(op, shape);
        RandomSource.fillNormal(t.data, t.size, mean, std);
        return t;
    }

    /**
     * One normal sample per element: {@code out[i] ~ N(mean[i], std[i])}. As in torch, the shapes need not
     * match but the element counts must; the result has {@code mean}'s shape.
     */
    public static Tensor normal(Tensor mean, Tensor std) {
        mean.checkAlive("normal");
        std.checkAlive("normal");
        if (mean.size != std.size) {
            throw new IllegalArgumentException("normal: mean " + Arrays.toString(mean.shape) + " and std "
                    + Arrays.toString(std.shape) + " must have the same number of elements");
        }
        checkStds("normal", std); // all of them before sampling, so a rejected call leaves the generator as it was
        Tensor t = empty(mean.shape);
        RandomSource.withGenerator(r -> {
            for (long i = 0; i < t.size; i++) {
                float s = std.data.getAtIndex(F, i);
                t.data.setAtIndex(F, i, (float) (mean.data.getAtIndex(F, i) + s * RandomSource.nextNormal(r)));
            }
        });
        return t;
    }

    /** One normal sample per element of {@code std}, all with the same mean. */
    public static Tensor normal(float mean, Tensor std) {
        std.checkAlive("normal");
        if (!Float.isFinite(mean)) throw new IllegalArgumentException("normal: mean must be finite, got " + mean);
        checkStds("normal", std);
        Tensor t = empty(std.shape);
        RandomSource.withGenerator(r -> {
            for (long i = 0; i < t.size; i++) {
                float s = std.data.getAtIndex(F, i);
                t.data.setAtIndex(F, i, (float) (mean + s * RandomSource.nextNormal(r)));
            }
        });
        return t;
    }

    /** 1 with probability {@code p[i]}, else 0; every p must be in [0, 1]. */
    public static Tensor bernoulli(Tensor p) {
        p.checkAlive("bernoulli");
        for (long i = 0; i < p.size; i++) {
            float v = p.data.getAtIndex(F, i);
            if (!(v >= 0f && v <= 1f)) {
                throw new IllegalArgumentException("bernoulli: probabilities must be in [0, 1], element " + i + " is " + v);
            }
        }
        Tensor t = empty(p.shape);
        RandomSource.withGenerator(r -> {
            for (long i = 0; i < t.size; i++) {
                t.data.setAtIndex(F, i, RandomSource.nextUniform(r) < p.data.getAtIndex(F, i) ? 1f : 0f);
            }
        });
        return t;
    }

    /**
     * Draws {@code samples} category indices from the (unnormalised, non-negative) weights of a 1-D tensor,
     * or of each row of a 2-D one, as torch.multinomial. Without replacement a category is drawn at most
     * once, so {@code samples} may not exceed the number of categories with non-zero weight.
     *
     * @return indices as floats, shape [samples] or [rows, samples]
     */
    public static Tensor multinomial(Tensor weights, int samples, boolean replacement) {
        weights.checkAlive("multinomial");
        if (weights.dim() != 1 && weights.dim() != 2) {
            throw new IllegalArgumentException("multinomial: weights must be 1-D or 2-D, got shape " + Arrays.toString(weights.shape));
        }
        int rows = weights.dim() == 1 ? 1 : weights.shape[0];
        int k = weights.shape[weights.dim() - 1];
        if (samples < 1) throw new IllegalArgumentException("multinomial: samples must be >= 1, got " + samples);
        if ((long) rows * samples > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("multinomial: " + rows + " rows x " + samples + " samples is too many");
        }
        float[] w = weights.toFloatArray();
        for (int r = 0; r < rows; r++) {
            int positive = 0;
            double total = 0;
            for (int j = 0; j < k; j++) {
                float v = w[r * k + j];
                if (!(v >= 0) || !Float.isFinite(v)) {
                    throw new IllegalArgumentException("multinomial: weights must be finite and >= 0, row " + r + " has " + v);
                }
                if (v > 0) positive++;
                total += v;
            }
            if (total <= 0) throw new IllegalArgumentException("multinomial: row " + r + " has no positive weight");
            if (!replacement && samples > positive) {
                throw new IllegalArgumentException("multinomial: cannot draw " + samples + " samples without replacement from "
                        + positive + " categories with non-zero weight");
            }
        }
        float[] out = new float[rows * samples];
        RandomSource.withGenerator(r -> {
            double[] cw = new double[k];
            for (int row = 0; row < rows; row++) {
                for (int j = 0; j < k; j++) cw[j] = w[row * k + j];
                for (int s = 0; s < samples; s++) {
                    double total = 0;
                    for (int j = 0; j < k; j++) total += cw[j];
                    double u = ((r.nextLong() >>> 11) * 0x1.0p-53) * total;
                    int pick = -1;
                    double acc = 0;
                    for (int j = 0; j < k; j++) {
                        if (cw[j] <= 0) continue;
                        acc += cw[j];
                        pick = j;
                        if (u < acc) break;
                    }
                    out[row * samples + s] = pick;
                    if (!replacement) cw[pick] = 0;
                }
            }
        });
        return weights.dim() == 1 ? fromArray(out, samples) : fromArray(out, rows, samples);
    }

    /** One-hot rows for class indices: [n] labels give [n, classes]. Not differentiable. */
    public static Tensor oneHot(Tensor labels, int classes) {
        return Loss.oneHot(labels, classes);
    }

    // ---- reading -------------------------------------------------------------------------------

    /** The shape (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of one axis; negative counts from the end. */
    public int shape(int dim) {
        return shape[normalizeDim("shape", dim)];
    }

    /** Number of axes. */
    public int dim() {
        return shape.length;
    }

    /** Number of elements. */
    public long numel() {
        return size;
    }

    /** The single element of a one-element tensor. */
    public float item() {
        checkAlive("item");
        if (size != 1) {
            throw new IllegalArgumentException("item: tensor of shape " + Arrays.toString(shape) + " has " + size
                    + " elements; item() needs exactly one");
        }
        return data.get(F, 0);
    }

    /** The element at a full index (one per axis; negative counts from the end). */
    public float getFloat(int... index) {
        checkAlive("getFloat");
        return data.getAtIndex(F, flatIndex("getFloat", index));
    }

    /** Sets the element at a full index; not recorded by autograd. */
    public void setFloat(float value, int... index) {
        checkAlive("setFloat");
        data.setAtIndex(F, flatIndex("setFloat", index), value);
    }

    /** A row-major copy of the data. */
    public float[] toFloatArray() {
        checkAlive("toFloatArray");
        if (size > Integer.MAX_VALUE - 8) throw new IllegalStateException("toFloatArray: " + size + " elements do not fit a Java array");
        float[] out = new float[(int) size];
        MemorySegment.copy(data, F, 0, out, 0, (int) size);
        return out;
    }

    /**
     * The off-heap data, valid until this tensor is released: for kernels, custom ops and interop. Writing to
     * it is not recorded by autograd.
     */
    public MemorySegment segment() {
        checkAlive("segment");
        return data;
    }

    // ---- in place (not recorded) ---------------------------------------------------------------

    /** Copies {@code values} (same shape) into this tensor; not recorded, for hand-written updates under noGrad. */
    public Tensor set(Tensor values) {
        checkAlive("set");
        values.checkAlive("set");
        if (!Arrays.equals(shape, values.shape)) {
            throw new IllegalArgumentException("set: values of shape " + Arrays.toString(values.shape)
                    + " cannot be copied into a tensor of shape " + Arrays.toString(shape));
        }
        copyFrom(values);
        return this;
    }

    /** Sets every element to {@code value}; not recorded. */
    public Tensor fill(float value) {
        checkAlive("fill");
        Panagrad.kernels().elementwiseFill(size, value, data);
        return this;
    }

    void copyFrom(Tensor src) {
        MemorySegment.copy(src.data, 0, data, 0, size * Float.BYTES);
    }

    void addInPlace(Tensor g) {
        Panagrad.kernels().elementwiseAdd(size, data, g.data, data);
    }

    // ---- autograd ------------------------------------------------------------------------------

    /** Marks this tensor as a leaf whose gradient backward() should compute; returns this. */
    public Tensor requiresGrad(boolean requires) {
        checkAlive("requiresGrad");
        if (!requires && gradFn != null) {
            throw new IllegalStateException("requiresGrad(false): only leaves can stop requiring grad; this tensor comes from "
                    + gradFn.name + " (use detach())");
        }
        requiresGrad = requires;
        return this;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Gluon's attach_grad: requires grad, with a zero gradient ready. */
    public Tensor attachGrad() {
        checkAlive("attachGrad");
        requiresGrad(true);
        zeroGrad();
        return this;
    }

    /** The accumulated gradient; null until a backward pass reached this tensor (or attachGrad / zeroGrad). */
    public Tensor grad() {
        return grad;
    }

    /** Sets the gradient to zeros, keeping its memory for the next backward pass. */
    public void zeroGrad() {
        checkAlive("zeroGrad"); // a released parameter in an optimizer's list is a bug to report, not to give a gradient
        if (grad == null) {
            grad = MemoryScope.outside(() -> zeros(shape));
        } else {
            grad.fill(0f);
        }
        gradIsZero = true;
    }

    /** Drops the gradient (torch's {@code zero_grad(set_to_none=True)}). */
    public void clearGrad() {
        grad = null;
        gradIsZero = false;
    }

    /** Backpropagates from this tensor; on a non-scalar it acts as {@code sum().backward()} (Gluon). */
    public void backward() {
        Autograd.backward(this, null, false);
    }

    /** Backpropagates with the head gradient {@code gradient} (same shape as this tensor). */
    public void backward(Tensor gradient) {
        Autograd.backward(this, gradient, false);
    }

    /** Backpropagates, keeping the graph for another backward pass when {@code retainGraph}. */
    public void backward(Tensor gradient, boolean retainGraph) {
        Autograd.backward(this, gradient, retainGraph);
    }

    /** The same data without history: does not require grad, shares memory. */
    public Tensor detach() {
        checkAlive("detach");
        return alias(this, 0, shape);
    }

    /** Name of the op that produced this tensor, e.g. {@code "MulBackward"}; null for leaves. */
    public String gradFn() {
        return gradFn == null ? null : gradFn.name;
    }

    /** True when created by the user rather than by a recorded op. */
    public boolean isLeaf() {
        return gradFn == null;
    }

    // ---- shape ---------------------------------------------------------------------------------

    /** Same data, new shape with the same number of elements; one axis may be -1 (inferred). */
    public Tensor reshape(int... newShape) {
        return Shape.reshape(this, newShape);
    }

    /** Flattens all axes after the first: [n, ...] to [n, rest]. */
    public Tensor flatten() {
        return Shape.flatten(this);
    }

    /** The transpose of a 2-D tensor (a copy). */
    public Tensor t() {
        return Gemm.transpose(this);
    }

    /** Element {@code i} along the first axis (negative counts from the end); differentiable. */
    public Tensor get(int i) {
        return Shape.get(this, i);
    }

    // ---- math ----------------------------------------------------------------------------------

    public Tensor add(Tensor other) { return Elementwise.add(this, other); }

    public Tensor add(float value) { return Elementwise.affine(this, 1f, value, "AddBackward"); }

    public Tensor sub(Tensor other) { return Elementwise.sub(this, other); }

    public Tensor sub(float value) { return Elementwise.affine(this, 1f, -value, "SubBackward"); }

    /** {@code value - this}. */
    public Tensor rsub(float value) { return Elementwise.affine(this, -1f, value, "RsubBackward"); }

    public Tensor mul(Tensor other) { return Elementwise.mul(this, other); }

    public Tensor mul(float value) { return Elementwise.affine(this, value, 0f, "MulBackward"); }

    public Tensor div(Tensor other) { return Elementwise.div(this, other); }

    public Tensor div(float value) { return Elementwise.affine(this, 1f / value, 0f, "DivBackward"); }

    /** {@code value / this}. */
    public Tensor rdiv(float value) { return Elementwise.rdiv(value, this); }

    public Tensor pow(float exponent) { return Elementwise.pow(this, exponent); }

    public Tensor neg() { return Elementwise.neg(this); }

    public Tensor exp() { return Elementwise.exp(this); }

    public Tensor log() { return Elementwise.log(this); }

    public Tensor sqrt() { return Elementwise.sqrt(this); }

    public Tensor abs() { return Elementwise.abs(this); }

    public Tensor relu() { return Elementwise.relu(this); }

    public Tensor sigmoid() { return Elementwise.sigmoid(this); }

    public Tensor tanh() { return Elementwise.tanh(this); }

    /** Matrix product: 2-D x 2-D, 1-D operands as vectors, and [..., m, k] x [k, n] over leading axes. */
    public Tensor matmul(Tensor other) { return Gemm.matmul(this, other); }

    /** Sum of all elements (a scalar tensor). */
    public Tensor sum() { return Reduce.sum(this); }

    /** Sum over one axis, which is removed. */
    public Tensor sum(int dim) { return Reduce.sum(this, dim, false); }

    /** Sum over one axis, kept with size 1 when {@code keepDim}. */
    public Tensor sum(int dim, boolean keepDim) { return Reduce.sum(this, dim, keepDim); }

    /** Mean of all elements. */
    public Tensor mean() { return Reduce.mean(this); }

    /** Mean over one axis, which is removed. */
    public Tensor mean(int dim) { return Reduce.mean(this, dim, false); }

    public Tensor mean(int dim, boolean keepDim) { return Reduce.mean(this, dim, keepDim); }

    /** Euclidean (L2) norm of all elements: {@code sqrt(sum(x^2))}. */
    public Tensor norm() { return Reduce.norm(this); }

    /** Maximum over one axis (differentiable: the gradient goes to the first maximum). */
    public Tensor max(int dim) { return Reduce.max(this, dim); }

    /** Index of the maximum along {@code dim} (first one on ties), as floats; not differentiable. */
    public Tensor argmax(int dim) { return Reduce.argmax(this, dim); }

    public Tensor softmax(int dim) { return Softmax.softmax(this, dim); }

    public Tensor logSoftmax(int dim) { return Softmax.logSoftmax(this, dim); }

    // ---- lifetime ------------------------------------------------------------------------------

    /** Releases this tensor's memory now (shared memory goes when its last tensor is released). Idempotent. */
    @Override
    public void close() {
        if (data == null) return;
        data = null;
        Storage s = storage;
        storage = null;
        gradFn = null;
        s.release();
    }

    /** Whether {@link #close()} (or the closing of its scope) released this tensor. */
    public boolean isReleased() {
        return data == null;
    }

    Storage storageForScopes() {
        return storage;
    }

    /** Throws {@link IllegalStateException} if this tensor was released; {@code op} names the caller. */
    public void checkAlive(String op) {
        if (data == null) {
            throw new IllegalStateException(op + ": tensor of shape " + Arrays.toString(shape)
                    + " was released (closed, or its MemoryScope ended); keep it with MemoryScope.keep or create it outside the scope");
        }
    }

    /** True when no element is NaN or infinite. */
    public boolean allFinite() {
        checkAlive("allFinite");
        for (long i = 0; i < size; i++) {
            if (!Float.isFinite(data.getAtIndex(F, i))) return false;
        }
        return true;
    }

    /** numpy/torch-style text, summarised past 1000 elements, with requiresGrad / gradFn when set. */
    @Override
    public String toString() {
        if (data == null) return "tensor(<released>, shape=" + Arrays.toString(shape) + ")";
        return TensorFormat.format(this);
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** Number of elements of a shape. */
    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /** {@code dim} in [0, rank), accepting negative values as counted from the end. */
    public int normalizeDim(String op, int dim) {
        int rank = shape.length;
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) {
            throw new IllegalArgumentException(op + ": dim " + dim + " is out of range for a tensor of shape "
                    + Arrays.toString(shape) + " (valid: " + (rank == 0 ? "none" : "-" + rank + " to " + (rank - 1)) + ")");
        }
        return d;
    }

    private long flatIndex(String op, int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(op + ": " + index.length + " indices for a tensor of shape " + Arrays.toString(shape));
        }
        long flat = 0;
        for (int i = 0; i < index.length; i++) {
            int k = index[i] < 0 ? index[i] + shape[i] : index[i];
            if (k < 0 || k >= shape[i]) {
                throw new IndexOutOfBoundsException(op + ": index " + index[i] + " is out of range for axis " + i
                        + " of size " + shape[i] + " (shape " + Arrays.toString(shape) + ")");
            }
            flat = flat * shape[i] + k;
        }
        return flat;
    }

    private static int[] checkShape(String op, int[] shape) {
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException(op + ": negative size in shape " + Arrays.toString(shape));
        }
        try {
            numel(shape);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(op + ": shape " + Arrays.toString(shape) + " has too many elements");
        }
        return shape.clone();
    }

    private static void checkStds(String op, Tensor std) {
        for (long i = 0; i < std.size; i++) checkStd(op, std.data.getAtIndex(F, i));
    }

    private static void checkStd(String op, float std) {
        if (!(std >= 0) || !Float.isFinite(std)) {
            throw new IllegalArgumentException(op + ": std must be finite and >= 0, got " + std);
        }
    }
}

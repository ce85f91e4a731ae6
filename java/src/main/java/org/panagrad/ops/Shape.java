package org.panagrad.ops;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.panagrad.Autograd;
import org.panagrad.Tensor;

/** Shape ops: views that share the input's memory (reshape, flatten, get) and their backward. */
public final class Shape {
    private Shape() {}

    /** Same data under a new shape with as many elements; one entry may be -1 and is inferred. */
    public static Tensor reshape(Tensor x, int... shape) {
        x.checkAlive("reshape");
        int[] xs = x.shape();
        int[] s = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape: " + Arrays.toString(xs) + " to " + Arrays.toString(shape) + ": only one axis can be -1");
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape: " + Arrays.toString(xs) + " to " + Arrays.toString(shape) + ": negative size " + s[i]);
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || x.numel() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot infer the -1 axis of " + Arrays.toString(shape)
                        + " for a tensor of shape " + Arrays.toString(xs) + " (" + x.numel() + " elements)");
            }
            s[infer] = Math.toIntExact(x.numel() / known);
            known *= s[infer];
        }
        if (known != x.numel()) {
            throw new IllegalArgumentException("reshape: shape " + Arrays.toString(xs) + " (" + x.numel()
                    + " elements) cannot be viewed as " + Arrays.toString(shape) + " (" + known + " elements)");
        }
        Tensor out = Tensor.alias(x, 0, s);
        return Autograd.record(out, "ReshapeBackward", new Tensor[] {x}, g -> new Tensor[] {Tensor.alias(g, 0, xs)});
    }

    /** [n, d1, d2, ...] to [n, d1*d2*...]; a 1-D tensor stays as it is. */
    public static Tensor flatten(Tensor x) {
        x.checkAlive("flatten");
        if (x.dim() <= 1) return x;
        int n = x.shape(0);
        return reshape(x, n, Math.toIntExact(n == 0 ? Tensor.numel(Arrays.copyOfRange(x.shape(), 1, x.dim())) : x.numel() / n));
    }

    /** Element {@code i} of the first axis, sharing memory (negative counts from the end). */
    public static Tensor get(Tensor x, int i) {
        x.checkAlive("get");
        int[] xs = x.shape();
        if (xs.length == 0) throw new IllegalArgumentException("get: cannot index a 0-D tensor");
        int k = i < 0 ? i + xs[0] : i;
        if (k < 0 || k >= xs[0]) {
            throw new IndexOutOfBoundsException("get: index " + i + " is out of range for axis 0 of size " + xs[0]
                    + " (shape " + Arrays.toString(xs) + ")");
        }
        int[] rest = Arrays.copyOfRange(xs, 1, xs.length);
        long row = Tensor.numel(rest);
        Tensor out = Tensor.alias(x, k * row, rest);
        return Autograd.record(out, "SelectBackward", new Tensor[] {x}, g -> {
            Tensor gx = Tensor.zeros(xs);
            MemorySegment.copy(g.segment(), 0, gx.segment(), k * row * Float.BYTES, row * Float.BYTES);
            return new Tensor[] {gx};
        });
    }
}

package org.panagrad;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;

/**
 * torch-style text for tensors: {@code tensor([[1., 2.],\n        [3., 4.]], requiresGrad=true)}. Whole
 * numbers print as {@code 1.}, others with four decimals, or in scientific notation when the magnitudes span
 * too much; past {@value #THRESHOLD} elements each axis shows its first and last {@value #EDGE} entries.
 */
final class TensorFormat {
    static final int THRESHOLD = 1000;
    static final int EDGE = 3;
    private static final String PREFIX = "tensor(";

    private TensorFormat() {}

    static String format(Tensor t) {
        int[] shape = t.shape();
        MemorySegment data = t.segment();
        boolean summarise = t.numel() > THRESHOLD;
        Style style = Style.of(data, shape, summarise);
        StringBuilder sb = new StringBuilder(PREFIX);
        if (shape.length == 0) sb.append(style.format(data.get(ValueLayout.JAVA_FLOAT, 0)).strip());
        else appendAxis(sb, data, shape, 0, 0, style, summarise);
        if (t.gradFn != null) sb.append(", gradFn=<").append(t.gradFn.name).append('>');
        else if (t.requiresGrad) sb.append(", requiresGrad=true");
        return sb.append(')').toString();
    }

    private static void appendAxis(StringBuilder sb, MemorySegment data, int[] shape, int axis, long offset, Style style,
                                   boolean summarise) {
        int n = shape[axis];
        long stride = 1;
        for (int i = axis + 1; i < shape.length; i++) stride *= shape[i];
        sb.append('[');
        boolean last = axis == shape.length - 1;
        String sep = last ? ", " : "," + "\n".repeat(shape.length - axis - 1) + " ".repeat(PREFIX.length() + axis + 1);
        for (int i = 0; i < n; i++) {
            if (summarise && n > 2 * EDGE && i == EDGE) {
                sb.append("...").append(sep);
                i = n - EDGE;
            }
            if (last) sb.append(style.format(data.getAtIndex(ValueLayout.JAVA_FLOAT, offset + i)));
            else appendAxis(sb, data, shape, axis + 1, offset + i * stride, style, summarise);
            if (i < n - 1) sb.append(sep);
        }
        sb.append(']');
    }

    /** One number format for the whole tensor, chosen from the values shown, padded to a common width. */
    private record Style(int kind, int width) {
        static final int INTEGER = 0, FIXED = 1, SCIENTIFIC = 2;

        static Style of(MemorySegment data, int[] shape, boolean summarise) {
            boolean integral = true;
            double maxAbs = 0, minAbs = Double.POSITIVE_INFINITY;
            long n = 1;
            for (int d : shape) n *= d;
            for (long i = 0; i < n; i++) {
                if (summarise && !shown(shape, i)) continue;
                float v = data.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                if (!Float.isFinite(v)) continue;
                if (v != Math.rint(v)) integral = false;
                double a = Math.abs(v);
                maxAbs = Math.max(maxAbs, a);
                if (a > 0) minAbs = Math.min(minAbs, a);
            }
            int kind = integral && maxAbs < 1e8 ? INTEGER
                    : (maxAbs >= 1e8 || (minAbs < 1e-4) || (minAbs != Double.POSITIVE_INFINITY && maxAbs / minAbs > 1000))
                    ? SCIENTIFIC : FIXED;
            Style probe = new Style(kind, 0);
            int width = 0;
            for (long i = 0; i < n; i++) {
                if (summarise && !shown(shape, i)) continue;
                float v = data.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                if (Float.isFinite(v)) width = Math.max(width, probe.format(v).length()); // as torch: nan/inf don't widen
            }
            return new Style(kind, width);
        }

        String format(float v) {
            String s;
            if (Float.isNaN(v)) s = "nan";
            else if (Float.isInfinite(v)) s = v > 0 ? "inf" : "-inf";
            else s = switch (kind) {
                case INTEGER -> String.format(Locale.ROOT, "%.0f.", v);
                case FIXED -> String.format(Locale.ROOT, "%.4f", v);
                default -> String.format(Locale.ROOT, "%.4e", v);
            };
            return width > s.length() ? " ".repeat(width - s.length()) + s : s;
        }

        /** Whether flat index i is printed when summarising (within the edge items of every axis). */
        private static boolean shown(int[] shape, long i) {
            for (int axis = shape.length - 1; axis >= 0; axis--) {
                int d = shape[axis];
                long k = i % d;
                i /= d;
                if (d > 2 * EDGE && k >= EDGE && k < d - EDGE) return false;
            }
            return true;
        }
    }
}

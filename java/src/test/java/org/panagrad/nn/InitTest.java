package org.panagrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;

/** Init against torch.nn.init's formulas: bounds, mean and standard deviation of a large tensor. */
class InitTest {
    static final int OUT = 500, IN = 400; // fanIn 400, fanOut 500, 200k samples

    record Stats(double min, double max, double mean, double std) {}

    static Stats stats(Tensor t) {
        float[] v = t.toFloatArray();
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE, sum = 0, sq = 0;
        for (float f : v) {
            min = Math.min(min, f);
            max = Math.max(max, f);
            sum += f;
            sq += (double) f * f;
        }
        double mean = sum / v.length;
        return new Stats(min, max, mean, Math.sqrt(sq / v.length - mean * mean));
    }

    static void assertUniform(Tensor t, double a, double b) {
        Stats s = stats(t);
        double width = b - a, n = t.numel();
        assertTrue(s.min() >= a && s.max() <= b, s + " outside [" + a + ", " + b + "]");
        assertTrue(s.min() < a + 0.001 * width && s.max() > b - 0.001 * width, s + " does not reach the bounds " + a + ", " + b);
        assertEquals((a + b) / 2, s.mean(), 5 * width / Math.sqrt(12 * n), "mean");
        assertEquals(width / Math.sqrt(12), s.std(), 0.01 * width / Math.sqrt(12), "std");
    }

    static void assertNormal(Tensor t, double mean, double std) {
        Stats s = stats(t);
        assertEquals(mean, s.mean(), 5 * std / Math.sqrt(t.numel()), "mean");
        assertEquals(std, s.std(), 0.01 * std, "std");
        assertTrue(s.max() > mean + 3.5 * std && s.min() < mean - 3.5 * std, "tails of " + s);
    }

    @Test
    void uniformAndNormal() {
        Panagrad.manualSeed(1);
        Tensor t = Tensor.empty(OUT, IN);
        assertSame(t, Init.uniform(t, -0.5, 2));
        assertUniform(t, -0.5, 2);
        assertSame(t, Init.normal(t, 3, 0.25));
        assertNormal(t, 3, 0.25);
    }

    @Test
    void xavier() {
        Panagrad.manualSeed(2);
        Tensor t = Tensor.empty(OUT, IN);
        double bound = 1.5 * Math.sqrt(6.0 / (IN + OUT));
        assertUniform(Init.xavierUniform(t, 1.5), -bound, bound);
        assertNormal(Init.xavierNormal(t, 2.0), 0, 2.0 * Math.sqrt(2.0 / (IN + OUT)));
    }

    @Test
    void kaiming() {
        Panagrad.manualSeed(3);
        Tensor t = Tensor.empty(OUT, IN);
        double bound = Math.sqrt(2.0) * Math.sqrt(3.0 / IN); // a = 0: ReLU gain
        assertUniform(Init.kaimingUniform(t), -bound, bound);
        assertNormal(Init.kaimingNormal(t), 0, Math.sqrt(2.0) / Math.sqrt(IN));
        assertNormal(Init.kaimingNormal(t, 0, Init.FanMode.FAN_OUT, "relu"), 0, Math.sqrt(2.0) / Math.sqrt(OUT));
        // torch's Linear default: a = sqrt(5) gives bound 1/sqrt(fanIn).
        double linear = 1 / Math.sqrt(IN);
        assertUniform(Init.kaimingUniform(t, Math.sqrt(5), Init.FanMode.FAN_IN, "leaky_relu"), -linear, linear);
        double tanh = 5.0 / 3 * Math.sqrt(3.0 / OUT);
        assertUniform(Init.kaimingUniform(t, 0, Init.FanMode.FAN_OUT, "tanh"), -tanh, tanh);
    }

    @Test
    void constants() {
        Tensor t = Tensor.empty(3, 2);
        assertArrayEquals(new float[6], Init.zeros(t).toFloatArray());
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, Init.ones(t).toFloatArray());
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, Init.constant(t, 0.5).toFloatArray());
    }

    @Test
    void fans() {
        assertArrayEquals(new int[] {400, 500}, Init.fans("test", Tensor.empty(500, 400)));
        // [out, in, k1, k2]: the receptive field multiplies both fans.
        assertArrayEquals(new int[] {3 * 5 * 2, 4 * 5 * 2}, Init.fans("test", Tensor.empty(4, 3, 5, 2)));
        var e = assertThrows(IllegalArgumentException.class, () -> Init.xavierUniform(Tensor.empty(7), 1));
        assertTrue(e.getMessage().contains("xavierUniform") && e.getMessage().contains("[7]"), e.getMessage());
    }

    @Test
    void badArguments() {
        Tensor t = Tensor.empty(2, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> Init.kaimingUniform(t, 0, Init.FanMode.FAN_IN, "swish"));
        assertTrue(e.getMessage().contains("'swish'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Init.uniform(t, 1, 0));
        assertTrue(e.getMessage().contains("a=1.0") && e.getMessage().contains("b=0.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Init.normal(t, 0, -1));
        assertTrue(e.getMessage().contains("std=-1.0"), e.getMessage());
    }

    @Test
    void seededInitReproduces() {
        Tensor a = Tensor.empty(10, 10), b = Tensor.empty(10, 10);
        Panagrad.manualSeed(77);
        Init.xavierNormal(a, 1);
        Panagrad.manualSeed(77);
        Init.xavierNormal(b, 1);
        assertArrayEquals(a.toFloatArray(), b.toFloatArray());
    }
}

package org.panagrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sampling: reproducible under manualSeed, identical on both backends, with the right distributions. */
class RandomTest {

    private static float[] draw(long seed) {
        Panagrad.manualSeed(seed);
        float[] a = Tensor.rand(50).toFloatArray();
        float[] b = Tensor.randn(50).toFloatArray();
        float[] c = Tensor.normal(Tensor.arange(1, 11, 1), Tensor.arange(1, 0, -0.1f)).toFloatArray();
        float[] d = Tensor.normal(0.5f, Tensor.arange(1, 6, 1)).toFloatArray();
        float[] e = Tensor.bernoulli(Tensor.rand(4, 4)).toFloatArray();
        float[] f = Tensor.multinomial(Tensor.of(10, 10, 13, 10, 34, 45, 65, 67, 87, 89, 87, 34), 3, false).toFloatArray();
        float[] g = Tensor.multinomial(Tensor.of(10, 10, 13, 10, 34, 45, 65, 67, 87, 89, 87, 34), 5, true).toFloatArray();
        float[] all = new float[a.length + b.length + c.length + d.length + e.length + f.length + g.length];
        int k = 0;
        for (float[] part : new float[][] {a, b, c, d, e, f, g}) for (float v : part) all[k++] = v;
        return all;
    }

    @Test
    void sameSeedSameNumbersOnBothBackends() {
        float[] first = draw(2020);
        assertArrayEquals(first, draw(2020));
        assertFalse(java.util.Arrays.equals(first, draw(2021)));
        if (Panagrad.nativeAvailable()) {
            assertArrayEquals(TestSupport.on(Backend.JAVA, () -> draw(7)), TestSupport.on(Backend.NATIVE, () -> draw(7)));
        }
    }

    @Test
    void uniformAndNormalMoments() {
        Panagrad.manualSeed(1);
        float[] u = Tensor.rand(200_000).toFloatArray();
        double mean = 0, min = 1, max = 0;
        for (float v : u) {
            mean += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        mean /= u.length;
        assertEquals(0.5, mean, 0.005);
        assertTrue(min >= 0 && max < 1);
        float[] n = Tensor.normal(3f, 2f, 200_000).toFloatArray();
        double m = 0, s = 0;
        for (float v : n) m += v;
        m /= n.length;
        for (float v : n) s += (v - m) * (v - m);
        s = Math.sqrt(s / n.length);
        assertEquals(3, m, 0.02);
        assertEquals(2, s, 0.02);
    }

    @Test
    void bernoulliFrequency() {
        Panagrad.manualSeed(3);
        float[] b = Tensor.bernoulli(Tensor.full(0.3f, 100_000)).toFloatArray();
        double ones = 0;
        for (float v : b) {
            assertTrue(v == 0 || v == 1);
            ones += v;
        }
        assertEquals(0.3, ones / b.length, 0.01);
        assertThrows(IllegalArgumentException.class, () -> Tensor.bernoulli(Tensor.of(0.5f, 1.5f)));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void multinomialWithoutReplacementDrawsDistinctPositiveCategories(long seed) {
        Panagrad.manualSeed(seed);
        Tensor w = Tensor.of(0, 1, 2, 0, 3, 4);
        float[] s = Tensor.multinomial(w, 4, false).toFloatArray();
        Set<Float> seen = new HashSet<>();
        for (float v : s) {
            assertTrue(v != 0 && v != 3, "zero-weight category drawn");
            assertTrue(seen.add(v), "drawn twice without replacement");
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.multinomial(w, 5, false));
        assertTrue(e.getMessage().contains("4 categories"), e.getMessage());
    }

    @Test
    void multinomialWithReplacementFollowsTheWeights() {
        Panagrad.manualSeed(9);
        float[] s = Tensor.multinomial(Tensor.of(1, 3), 40_000, true).toFloatArray();
        double ones = 0;
        for (float v : s) ones += v;
        assertEquals(0.75, ones / s.length, 0.01);
        Tensor rows = Tensor.multinomial(Tensor.of(new float[][] {{1, 0}, {0, 1}}), 3, true);
        assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1}, rows.toFloatArray());
    }

    @Test
    void normalShapesFollowTorch() {
        assertArrayEquals(new int[] {10}, Tensor.normal(Tensor.arange(1, 11, 1), Tensor.arange(1, 0, -0.1f)).shape());
        assertArrayEquals(new int[] {5}, Tensor.normal(0.5f, Tensor.arange(1, 6, 1)).shape());
        assertThrows(IllegalArgumentException.class, () -> Tensor.normal(Tensor.zeros(3), Tensor.ones(4)));
        assertThrows(IllegalArgumentException.class, () -> Tensor.normal(0f, Tensor.of(-1f)));
    }
}

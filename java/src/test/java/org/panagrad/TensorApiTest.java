package org.panagrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Creation, reading, shapes, views, in-place updates and the autograd flags of {@link Tensor}. */
class TensorApiTest {

    @Test
    void creation() {
        assertArrayEquals(new float[] {1, 2, 3}, Tensor.of(1, 2, 3).toFloatArray());
        Tensor m = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new int[] {2, 3}, m.shape());
        assertEquals(6f, m.getFloat(1, 2));
        assertEquals(4f, m.getFloat(-1, 0));
        assertArrayEquals(new float[] {0, 0, 0, 0}, Tensor.zeros(2, 2).toFloatArray());
        assertArrayEquals(new float[] {1, 1, 1}, Tensor.ones(3).toFloatArray());
        assertArrayEquals(new float[] {7, 7}, Tensor.full(7, 2).toFloatArray());
        assertArrayEquals(new float[] {1, 1.5f, 2, 2.5f}, Tensor.arange(1, 3, 0.5f).toFloatArray());
        assertArrayEquals(new float[] {1, 0.9f, 0.8f}, Tensor.arange(1, 0.75f, -0.1f).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0, 1, 2}, Tensor.arange(3).toFloatArray());
        assertEquals(0, Tensor.arange(3, 1, 1).numel());
        assertEquals(0, Tensor.zeros(0, 5).numel());
        Tensor s = Tensor.scalar(2.5f);
        assertEquals(0, s.dim());
        assertEquals(2.5f, s.item());
    }

    @Test
    void badShapesAndIndicesAreRejectedWithTheirShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[][] {{1, 2}, {3}}));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
        assertTrue(e.getMessage().contains("[2, -1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.fromArray(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2, 2).item());
        assertEquals("item: tensor of shape [2, 2] has 4 elements; item() needs exactly one", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2, 3).reshape(4, 2));
        assertTrue(e.getMessage().startsWith("reshape: shape [2, 3] (6 elements) cannot be viewed as [4, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2, 3).reshape(-1, -1));
        assertTrue(e.getMessage().contains("only one axis can be -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2, 3).sum(2));
        assertEquals("sum: dim 2 is out of range for a tensor of shape [2, 3] (valid: -2 to 1)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(64, 783).matmul(Tensor.ones(784, 128)));
        assertEquals("matmul: [64, 783] x [784, 128]: inner dimensions differ (783 != 784)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(3, 4).add(Tensor.ones(3)));
        assertEquals("add: shapes [3, 4] and [3] cannot be broadcast together (axis -1: 4 vs 3)", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.ones(3, 2).get(3));
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.ones(3, 2).getFloat(0, 2));
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2).set(Tensor.ones(3)));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());
    }

    @Test
    void reshapeAndGetShareMemory() {
        Tensor x = Tensor.arange(6).reshape(2, 3);
        assertArrayEquals(new int[] {2, 3}, x.shape());
        assertArrayEquals(new int[] {3, 2}, x.reshape(-1, 2).shape());
        Tensor row = x.get(1);
        assertArrayEquals(new float[] {3, 4, 5}, row.toFloatArray());
        row.set(Tensor.of(9, 9, 9));
        assertArrayEquals(new float[] {0, 1, 2, 9, 9, 9}, x.toFloatArray());
        assertArrayEquals(new float[] {0, 9, 1, 9, 2, 9}, x.t().toFloatArray());
        assertArrayEquals(new int[] {2, 6}, Tensor.zeros(2, 3, 2).flatten().shape());
    }

    @Test
    void detachSharesDataWithoutHistory() {
        Tensor x = Tensor.of(1, 2).requiresGrad(true);
        Tensor y = x.mul(3);
        Tensor d = y.detach();
        assertFalse(d.requiresGrad());
        assertNull(d.gradFn());
        assertArrayEquals(y.toFloatArray(), d.toFloatArray());
        assertTrue(x.isLeaf());
        assertFalse(y.isLeaf());
    }

    @Test
    void noGradScopesNest() {
        Tensor x = Tensor.of(1, 2).requiresGrad(true);
        try (var outer = Autograd.noGrad()) {
            assertFalse(x.mul(2).requiresGrad());
            try (var inner = Autograd.enableGrad()) {
                assertTrue(x.mul(2).requiresGrad());
                try (var innermost = Autograd.noGrad()) {
                    assertFalse(x.mul(2).requiresGrad());
                }
                assertTrue(x.mul(2).requiresGrad());
            }
            assertFalse(x.mul(2).requiresGrad());
        }
        assertTrue(x.mul(2).requiresGrad());
        assertTrue(Autograd.isGradEnabled());
    }

    @Test
    void secondBackwardThroughAFreedGraphIsAnError() {
        Tensor x = Tensor.of(1, 2).requiresGrad(true);
        Tensor y = x.mul(x).sum();
        y.backward();
        var e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("already freed"), e.getMessage());
        // retaining the graph allows a second pass, which accumulates
        Tensor z = x.mul(x).sum();
        x.zeroGrad();
        z.backward(null, true);
        z.backward();
        assertArrayEquals(new float[] {4, 8}, x.grad().toFloatArray());
    }

    @Test
    void backwardChecksItsArguments() {
        Tensor x = Tensor.of(1, 2).requiresGrad(true);
        Tensor y = x.mul(2);
        var e = assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(3)));
        assertEquals("backward: gradient of shape [3] does not match the output's shape [2]", e.getMessage());
        var s = assertThrows(IllegalStateException.class, () -> Tensor.of(1, 2).sum().backward());
        assertTrue(s.getMessage().contains("does not require grad"), s.getMessage());
    }

    @Test
    void gradIsNullUntilBackwardReachesIt() {
        Tensor a = Tensor.of(1, 2).requiresGrad(true);
        Tensor b = Tensor.of(3, 4).requiresGrad(true);
        assertNull(a.grad());
        a.mul(2).sum().backward();
        assertArrayEquals(new float[] {2, 2}, a.grad().toFloatArray());
        assertNull(b.grad());
    }

    @Test
    void backwardOnALeaf() {
        Tensor a = Tensor.of(1, 2).requiresGrad(true);
        a.backward(Tensor.of(5, 6));
        assertArrayEquals(new float[] {5, 6}, a.grad().toFloatArray());
    }

    @Test
    void sharedSubexpressionsAccumulate() {
        Tensor x = Tensor.of(2f).requiresGrad(true);
        Tensor y = x.mul(x);          // y = x^2
        Tensor z = y.add(y).mul(y);   // z = 2y * y = 2x^4, dz/dx = 8x^3 = 64
        z.backward();
        assertEquals(64f, x.grad().item(), 1e-4f);
        Tensor w = Tensor.of(3f).requiresGrad(true);
        w.add(w).backward(); // the same tensor twice as operands
        assertEquals(2f, w.grad().item());
    }

    @Test
    void setAndFillAreNotRecorded() {
        Tensor w = Tensor.of(1, 2).requiresGrad(true);
        try (var g = Autograd.noGrad()) {
            w.set(w.mul(2));
        }
        assertTrue(w.isLeaf());
        assertArrayEquals(new float[] {2, 4}, w.toFloatArray());
        Tensor t = Tensor.zeros(3).fill(4);
        assertArrayEquals(new float[] {4, 4, 4}, t.toFloatArray());
    }

    @Test
    void oneHotAndArgmax() {
        Tensor labels = Tensor.of(2, 0, 1);
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0}, Tensor.oneHot(labels, 3).toFloatArray());
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.oneHot(Tensor.of(3), 3));
        assertTrue(e.getMessage().contains("[0, 3)"), e.getMessage());
        Tensor m = Tensor.of(new float[][] {{1, 5, 5}, {7, 2, 3}});
        assertArrayEquals(new float[] {1, 0}, m.argmax(1).toFloatArray());
        assertArrayEquals(new float[] {1, 0, 0}, m.argmax(0).toFloatArray());
        assertFalse(m.requiresGrad(true).argmax(1).requiresGrad());
    }

    @Test
    void releasedTensorsFailClearly() {
        Tensor t = Tensor.ones(2, 2);
        Tensor view = t.reshape(4);
        t.close();
        assertTrue(t.isReleased());
        var e = assertThrows(IllegalStateException.class, t::item);
        assertTrue(e.getMessage().startsWith("item: tensor of shape [2, 2] was released"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> t.add(1));
        assertThrows(IllegalStateException.class, t::toFloatArray);
        assertArrayEquals(new float[] {1, 1, 1, 1}, view.toFloatArray(), "a view keeps the shared memory alive");
        t.close(); // idempotent
        assertEquals("tensor(<released>, shape=[2, 2])", t.toString());
    }

    @Test
    void requiresGradFalseOnlyOnLeaves() {
        Tensor x = Tensor.of(1).requiresGrad(true);
        Tensor y = x.mul(2);
        assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
        assertSame(x, x.requiresGrad(false));
        assertNotSame(y, y.detach());
    }
}

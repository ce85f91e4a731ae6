package org.panagrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.panagrad.ops.Gemm;
import org.panagrad.ops.Loss;

/**
 * Anomaly detection ({@link Autograd#detectAnomaly()}, PyTorch's {@code detect_anomaly}): a non-finite forward
 * output or gradient throws {@link ArithmeticException} naming the op, the pass and (for gradients) the input; off by
 * default, scoped, and free when off.
 */
class AnomalyDetectionTest {

    @BeforeEach
    @AfterEach
    void offBetweenTests() {
        Autograd.setAnomalyDetection(false);
    }

    @Test
    void logOfANegativeNumberIsReportedInTheForwardPass() {
        Tensor x = Tensor.of(1f, -1f).requiresGrad(true);
        try (var a = Autograd.detectAnomaly()) {
            ArithmeticException e = assertThrows(ArithmeticException.class, x::log);
            assertEquals("anomaly detected: LogBackward produced a non-finite value in its forward output: "
                    + "element 1 of shape [2] is NaN", e.getMessage());
        }
    }

    @Test
    void theForwardCheckAlsoCoversTensorsThatDoNotRequireGrad() {
        // Documented choice: a NaN made while preparing inputs is reported where it is made, also under noGrad.
        try (var a = Autograd.detectAnomaly()) {
            var e = assertThrows(ArithmeticException.class, () -> Tensor.of(4f, 0f, -4f).log());
            assertEquals("anomaly detected: LogBackward produced a non-finite value in its forward output: "
                    + "element 1 of shape [3] is -Infinity", e.getMessage());
            try (var g = Autograd.noGrad()) {
                var e2 = assertThrows(ArithmeticException.class, () -> Tensor.of(1f).div(Tensor.of(0f)));
                assertTrue(e2.getMessage().startsWith("anomaly detected: DivBackward produced a non-finite value in its "
                        + "forward output: element 0 of shape [1] is Infinity"), e2.getMessage());
            }
        }
    }

    @Test
    void aNaNMadeOnlyInBackwardNamesTheOpAndTheInput() {
        // sqrt(0) = 0 is fine; its derivative 1 / (2 sqrt(0)) is not.
        Tensor x = Tensor.of(0f, 4f).requiresGrad(true);
        try (var a = Autograd.detectAnomaly()) {
            Tensor y = x.sqrt();
            assertEquals(2f, y.getFloat(1));
            var e = assertThrows(ArithmeticException.class, () -> y.sum().backward());
            assertEquals("anomaly detected: SqrtBackward produced a non-finite value in its gradient for input 0: "
                    + "element 0 of shape [2] is Infinity", e.getMessage());
        }
    }

    @Test
    void aDivBackwardOverflowIsBlamedOnDivAndItsSecondInputNotOnTheOpsInsideTheBackward() {
        // a / b = 1e20 is finite; d(a/b)/db = -a / b^2 = -1e40 overflows float. The backward computes it with div and
        // neg, whose own outputs must not be reported as a forward anomaly.
        Tensor a = Tensor.of(1f, 1f).requiresGrad(true);
        Tensor b = Tensor.of(1e-20f, 1f).requiresGrad(true);
        try (var s = Autograd.detectAnomaly()) {
            Tensor q = a.div(b);
            assertEquals(1e20f, q.getFloat(0), 1e14f);
            var e = assertThrows(ArithmeticException.class, () -> q.sum().backward());
            assertEquals("anomaly detected: DivBackward produced a non-finite value in its gradient for input 1: "
                    + "element 0 of shape [2] is -Infinity", e.getMessage());
            // The failed backward left the forward check working (the "in backward" flag was restored).
            var f = assertThrows(ArithmeticException.class, () -> Tensor.of(-1f).sqrt());
            assertTrue(f.getMessage().contains("SqrtBackward produced a non-finite value in its forward output"), f.getMessage());
        }
    }

    @Test
    void offByDefaultNaNsPropagateSilently() {
        assertFalse(Boolean.getBoolean("panagrad.detectAnomaly"), "the suite runs without -Dpanagrad.detectAnomaly");
        Autograd.setAnomalyDetection(Boolean.getBoolean("panagrad.detectAnomaly")); // the start-up default
        assertFalse(Autograd.anomalyDetection());
        Tensor x = Tensor.of(-1f, 0f).requiresGrad(true);
        Tensor y = x.log();
        assertTrue(Float.isNaN(y.getFloat(0)));
        assertEquals(Float.NEGATIVE_INFINITY, y.getFloat(1));
        Tensor z = Tensor.of(0f).requiresGrad(true);
        z.sqrt().backward();
        assertEquals(Float.POSITIVE_INFINITY, z.grad().item());
    }

    @Test
    void theScopeRestoresThePreviousSettingAndNests() {
        assertFalse(Autograd.anomalyDetection());
        try (var outer = Autograd.detectAnomaly()) {
            assertTrue(Autograd.anomalyDetection());
            try (var inner = Autograd.detectAnomaly(false)) {
                assertFalse(Autograd.anomalyDetection());
                assertTrue(Float.isNaN(Tensor.of(-1f).log().item()), "switched off inside");
                try (var innermost = Autograd.detectAnomaly()) {
                    assertTrue(Autograd.anomalyDetection());
                }
                assertFalse(Autograd.anomalyDetection());
            }
            assertTrue(Autograd.anomalyDetection());
            outer.close();
            outer.close(); // idempotent: a second close must not restore anything twice
            assertFalse(Autograd.anomalyDetection());
        }
        assertFalse(Autograd.anomalyDetection());
        // Restored also when the block throws.
        assertThrows(ArithmeticException.class, () -> {
            try (var a = Autograd.detectAnomaly()) {
                Tensor.of(-2f).log();
            }
        });
        assertFalse(Autograd.anomalyDetection());
        Autograd.setAnomalyDetection(true);
        try (var a = Autograd.detectAnomaly(false)) {
            assertFalse(Autograd.anomalyDetection());
        }
        assertTrue(Autograd.anomalyDetection(), "a scope restores an 'on' set with the setter, too");
    }

    /** A small MLP step: linear, relu, linear, cross-entropy, backward, SGD by hand. */
    private static float step(Tensor x, Tensor y, Tensor w1, Tensor b1, Tensor w2) {
        try (var scope = MemoryScope.open()) {
            Tensor loss = Loss.crossEntropy(Gemm.linear(Gemm.linear(x, w1, b1).relu(), w2, null), y).mean();
            loss.backward();
            try (var g = Autograd.noGrad()) {
                for (Tensor p : new Tensor[] {w1, b1, w2}) {
                    p.set(p.sub(p.grad().mul(0.05f)));
                    p.zeroGrad();
                }
            }
            return loss.item();
        }
    }

    @Test
    void theCheckAllocatesNoNativeMemoryAndDoesNotChangeResults() {
        Panagrad.manualSeed(3);
        Tensor w1 = Tensor.randn(16, 8).mul(0.3f).requiresGrad(true);
        Tensor b1 = Tensor.zeros(16).requiresGrad(true);
        Tensor w2 = Tensor.randn(4, 16).mul(0.3f).requiresGrad(true);
        Tensor x = Tensor.randn(12, 8);
        Tensor y = Tensor.of(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3);
        Tensor[] params = {w1, b1, w2};
        float[][] start = new float[3][];
        for (int i = 0; i < 3; i++) start[i] = params[i].toFloatArray();
        for (int i = 0; i < 5; i++) step(x, y, w1, b1, w2); // warm the allocator's cache

        float[] losses = new float[2];
        long[] allocations20Steps = new long[2];
        for (int mode = 0; mode < 2; mode++) {
            for (int i = 0; i < 3; i++) {
                try (Tensor v = Tensor.fromArray(start[i], params[i].shape())) { // closed: back to the cache now
                    params[i].set(v);
                }
            }
            try (var a = Autograd.detectAnomaly(mode == 1)) {
                MemoryStats before = Memory.stats();
                for (int i = 0; i < 20; i++) losses[mode] = step(x, y, w1, b1, w2);
                MemoryStats after = Memory.stats();
                assertEquals(before.freshAllocations(), after.freshAllocations(),
                        "fresh native allocations with detection " + (mode == 1 ? "on" : "off"));
                long total = (after.freshAllocations() + after.reusedAllocations())
                        - (before.freshAllocations() + before.reusedAllocations());
                allocations20Steps[mode] = total;
            }
        }
        assertTrue(allocations20Steps[0] > 0);
        assertEquals(allocations20Steps[0], allocations20Steps[1], "native allocations in 20 steps, detection off vs on");
        assertEquals(losses[0], losses[1], 0f, "detection must not change the numbers");
    }
}

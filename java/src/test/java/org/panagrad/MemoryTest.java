package org.panagrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.panagrad.ops.Gemm;
import org.panagrad.ops.Loss;

/** Scopes release deterministically; a training-like loop reaches a steady state with no fresh allocations. */
class MemoryTest {

    @Test
    void scopeReleasesWhatItCreated() {
        Tensor outside = Tensor.ones(100);
        Tensor kept;
        Tensor inside;
        long before = Memory.stats().bytesInUse();
        try (var scope = MemoryScope.open()) {
            inside = outside.mul(2);
            kept = scope.keep(inside.add(1));
            assertTrue(Memory.stats().bytesInUse() > before);
        }
        assertTrue(inside.isReleased());
        assertFalse(kept.isReleased());
        assertFalse(outside.isReleased());
        assertEquals(3f, kept.getFloat(7));
        var e = assertThrows(IllegalStateException.class, () -> inside.getFloat(0));
        assertTrue(e.getMessage().contains("was released"), e.getMessage());
    }

    @Test
    void scopesNestAndCloseInnermostFirst() {
        try (var outer = MemoryScope.open()) {
            Tensor a = Tensor.ones(3);
            Tensor b;
            try (var inner = MemoryScope.open()) {
                b = inner.keep(a.add(1)); // handed to the outer scope
                var e = assertThrows(IllegalStateException.class, outer::close);
                assertTrue(e.getMessage().contains("innermost first"), e.getMessage());
            }
            assertFalse(b.isReleased());
            assertEquals(2f, b.getFloat(0));
        }
    }

    @Test
    void outsideCreatesSurvivingTensors() {
        Tensor survivor;
        try (var scope = MemoryScope.open()) {
            survivor = MemoryScope.outside(() -> Tensor.zeros(4));
        }
        assertFalse(survivor.isReleased());
    }

    @Test
    void leafGradientsSurviveTheStepScope() {
        Tensor w = Tensor.randn(4, 3).requiresGrad(true);
        try (var step = MemoryScope.open()) {
            Tensor x = Tensor.ones(2, 3);
            x.matmul(w.t()).sum().backward();
        }
        assertFalse(w.grad().isReleased());
        assertEquals(2f, w.grad().getFloat(0, 0));
    }

    @Test
    void trainingStepsReachASteadyState() {
        Panagrad.manualSeed(5);
        Tensor w1 = Tensor.randn(32, 20).mul(0.1f).requiresGrad(true);
        Tensor b1 = Tensor.zeros(32).requiresGrad(true);
        Tensor w2 = Tensor.randn(5, 32).mul(0.1f).requiresGrad(true);
        Tensor x = Tensor.randn(16, 20);
        Tensor y = Tensor.of(0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0);
        long freshAfterWarmup = 0, inUseAfterWarmup = 0;
        float first = 0, last = 0;
        for (int step = 0; step < 200; step++) {
            try (var scope = MemoryScope.open()) {
                Tensor loss = Loss.crossEntropy(Gemm.linear(Gemm.linear(x, w1, b1).relu(), w2, null), y).mean();
                loss.backward();
                try (var g = Autograd.noGrad()) {
                    for (Tensor p : new Tensor[] {w1, b1, w2}) {
                        p.set(p.sub(p.grad().mul(0.1f)));
                        p.zeroGrad();
                    }
                }
                if (step == 0) first = loss.item();
                last = loss.item();
            }
            if (step == 10) {
                freshAfterWarmup = Memory.stats().freshAllocations();
                inUseAfterWarmup = Memory.stats().bytesInUse();
            }
        }
        assertEquals(freshAfterWarmup, Memory.stats().freshAllocations(), "fresh native allocations after warm-up");
        // In use may shrink (cleaners of earlier tests' tensors run concurrently) but must not grow.
        assertTrue(Memory.stats().bytesInUse() <= inUseAfterWarmup, "native bytes in use grew after warm-up: "
                + inUseAfterWarmup + " -> " + Memory.stats().bytesInUse());
        assertTrue(last < first * 0.5, "the loop should learn: " + first + " -> " + last);
    }

    @Test
    void unscopedTensorsAreReleasedByTheGarbageCollector() throws InterruptedException {
        long before = Memory.stats().bytesInUse();
        for (int i = 0; i < 100; i++) Tensor.zeros(10_000);
        long grown = Memory.stats().bytesInUse();
        assertTrue(grown - before >= 100 * 40_000L);
        for (int i = 0; i < 50 && Memory.stats().bytesInUse() > before + 40_000L * 10; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(Memory.stats().bytesInUse() <= before + 40_000L * 10, "cleaners should release unreachable tensors: "
                + Memory.stats());
    }

    @Test
    void sizeClassesRoundUpByAtMostAQuarter() {
        for (long b = 1; b < 10_000_000; b = b * 3 / 2 + 1) {
            int c = NativeAllocator.sizeClass(b);
            long size = NativeAllocator.classBytes(c);
            assertTrue(size >= b, b + " -> " + size);
            assertTrue(size <= Math.max(64, b * 1.25 + 64), b + " -> " + size);
            assertEquals(c, NativeAllocator.sizeClass(size));
        }
    }
}

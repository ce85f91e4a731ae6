package org.panagrad.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.panagrad.Backend;
import org.panagrad.Memory;
import org.panagrad.Panagrad;

/**
 * The differential fuzzer: NATIVE and JAVA agree on 2000 random programs, and the fuzzer itself detects, reports
 * and shrinks a deliberately wrong candidate. Each test compares both backends itself, so it runs only in the
 * surefire execution whose active backend is NATIVE (the java-backend execution skips it).
 */
class DifferentialFuzzerTest {

    @BeforeEach
    void onlyInTheNativeExecution() {
        Assumptions.assumeTrue(Panagrad.backend() == Backend.NATIVE, "compares both backends; runs once, in the native execution");
    }

    private static boolean javaBackendImplemented() {
        try {
            Panagrad.kernels(Backend.JAVA).name();
            return true;
        } catch (RuntimeException e) { // the placeholder JavaKernels throws UnsupportedOperationException
            return false;
        }
    }

    @Test
    void nativeAndJavaAgreeOnTwoThousandPrograms() {
        Assumptions.assumeTrue(javaBackendImplemented(), "JavaKernels is still a placeholder");
        DifferentialFuzzer.Result r = new DifferentialFuzzer(Backend.NATIVE, Backend.JAVA).run(20261130L, 2000);
        assertEquals(2000, r.programs());
        assertTrue(r.passed(), () -> r.summary() + "\n" + r.firstFailure().report());
        assertEquals("2000 programs, 0 crashes, 0 disagreements", r.summary());
        assertNull(r.firstFailure());
    }

    @Test
    void nativeAgreesWithItselfExactly() {
        // Same kernels, same inputs: any disagreement would be nondeterminism or a fuzzer bug; nothing is ill-conditioned.
        DifferentialFuzzer.Result r = new DifferentialFuzzer(Backend.NATIVE, Backend.NATIVE).tolerance(0, 0).run(99, 300);
        assertTrue(r.passed(), () -> r.summary() + "\n" + r.firstFailure().report());
        assertEquals(0, r.rejected());
    }

    @Test
    void roundingNoiseOfAFewUlpsIsNotADisagreement() {
        // A correct but differently rounded candidate: every op's output off by up to 8 ulps (relative 1e-6), as a
        // different summation order or exp implementation would be. None of it may count as a disagreement.
        SplittableRandom noise = new SplittableRandom(3);
        DifferentialFuzzer.Perturbation rounding = (op, out) -> {
            if (op.equals("reshape") || op.equals("get") || op.equals("t")) return; // views share their input's noise
            var s = out.segment();
            for (long i = 0; i < out.numel(); i++) {
                float x = s.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (x * (1 + 1e-6 * (2 * noise.nextDouble() - 1))));
            }
        };
        DifferentialFuzzer.Result r = new DifferentialFuzzer(Backend.NATIVE, Backend.NATIVE).perturbation(rounding).run(77, 1000);
        assertTrue(r.passed(), () -> r.summary() + "\n" + r.firstFailure().report());
        assertTrue(r.rejected() <= 10, "ill-conditioned programs are rare: " + r.rejected());
    }

    @Test
    void aPerturbedKernelIsDetectedReportedWithItsSeedAndShrunk() {
        // A "wrong sigmoid" on the candidate: its first output element is halved (still a probability, so a bce
        // after it accepts it: the fuzzer must see a disagreement, not a crash).
        DifferentialFuzzer.Perturbation wrongSigmoid = (op, out) -> {
            if (op.equals("sigmoid") && out.numel() > 0) {
                var s = out.segment();
                s.setAtIndex(ValueLayout.JAVA_FLOAT, 0, s.getAtIndex(ValueLayout.JAVA_FLOAT, 0) * 0.5f);
            }
        };
        long seed = 5000;
        DifferentialFuzzer.Result r = new DifferentialFuzzer(Backend.NATIVE, Backend.NATIVE).perturbation(wrongSigmoid).run(seed, 200);
        assertEquals(0, r.crashes());
        assertTrue(r.disagreements() > 0, r.summary());
        DifferentialFuzzer.Failure f = r.firstFailure();
        assertNotNull(f);
        assertEquals("disagreement", f.kind());
        assertTrue(f.seed() >= seed && f.seed() < seed + 200, "seed " + f.seed());
        assertTrue(f.detail().contains("sigmoid"), f.detail());
        assertTrue(f.report().contains("program seed " + f.seed()), f.report());
        assertTrue(f.program().contains(".sigmoid()"), f.program());
        // Shrunk to the one op at fault, applied to a single-element leaf.
        long opLines = f.minimal().lines().filter(l -> l.contains("  -> ")).count();
        assertEquals(1, opLines, f.minimal());
        assertTrue(f.minimal().contains(".sigmoid()  -> "), f.minimal());
        assertTrue(f.minimal().matches("(?s).*uniform\\(-?[0-9.]+, 2\\) \\[(1(, 1)*)?\\].*"), f.minimal());

        // The reported seed reproduces the failure on its own, and without the perturbation it passes.
        DifferentialFuzzer.Result again = new DifferentialFuzzer(Backend.NATIVE, Backend.NATIVE).perturbation(wrongSigmoid).run(f.seed(), 1);
        assertEquals(1, again.disagreements());
        assertEquals(f.seed(), again.firstFailure().seed());
        assertEquals(f.program(), again.firstFailure().program());
        assertTrue(new DifferentialFuzzer(Backend.NATIVE, Backend.NATIVE).run(f.seed(), 1).passed());
    }

    @Test
    void anExceptionOnOneBackendIsACrash() {
        DifferentialFuzzer.Perturbation throwingExp = (op, out) -> {
            if (op.equals("exp")) throw new IllegalStateException("simulated kernel failure");
        };
        DifferentialFuzzer.Result r = new DifferentialFuzzer(Backend.NATIVE, Backend.NATIVE).perturbation(throwingExp).run(1, 200);
        assertTrue(r.crashes() > 0, r.summary());
        assertEquals("crash", r.firstFailure().kind());
        assertTrue(r.firstFailure().detail().contains("simulated kernel failure"), r.firstFailure().detail());
        assertTrue(r.firstFailure().minimal().contains(".exp()"), r.firstFailure().minimal());
    }

    @Test
    void aCampaignDoesNotGrowNativeMemory() {
        DifferentialFuzzer f = new DifferentialFuzzer(Backend.NATIVE, Backend.NATIVE);
        f.run(1, 100); // warm the allocator's cache with the size classes programs use
        long inUse = Memory.stats().bytesInUse();
        long fresh = Memory.stats().freshBytes();
        DifferentialFuzzer.Result r = f.run(1, 100); // the same programs again
        assertTrue(r.passed(), r.summary());
        // Every program's tensors are released when its scope closes; leaf gradients are closed by the fuzzer.
        // (bytesInUse may drop if a garbage-collected tensor of another test is released meanwhile.)
        assertTrue(Memory.stats().bytesInUse() <= inUse, "in use before " + inUse + ", after " + Memory.stats().bytesInUse());
        assertEquals(fresh, Memory.stats().freshBytes(), "a repeated campaign must be served from the cache");
    }
}

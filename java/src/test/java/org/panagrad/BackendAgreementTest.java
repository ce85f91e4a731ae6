package org.panagrad;

import static org.panagrad.TestSupport.assertClose;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every op of {@link OpsGradCheckTest} gives the same values and gradients on the native and Java backends. */
class BackendAgreementTest {

    @BeforeEach
    void needsNative() {
        TestSupport.assumeNative();
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cases() {
        return OpsGradCheckTest.cases();
    }

    private static List<float[]> run(Backend backend, OpsGradCheckTest.Case tc) {
        return TestSupport.on(backend, () -> {
            for (Tensor t : tc.inputs()) if (t.requiresGrad()) t.clearGrad();
            Tensor out = tc.f().apply(tc.inputs());
            Tensor w = TestSupport.random(7, 1, out.shape());
            out.mul(w).sum().backward();
            List<float[]> result = new ArrayList<>();
            result.add(out.toFloatArray());
            for (Tensor t : tc.inputs()) {
                if (t.requiresGrad()) result.add(t.grad() == null ? new float[0] : t.grad().toFloatArray());
            }
            return result;
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void nativeAndJavaAgree(OpsGradCheckTest.Case tc) {
        List<float[]> nat = run(Backend.NATIVE, tc);
        List<float[]> java = run(Backend.JAVA, tc);
        assertClose(nat.get(0), java.get(0), 1e-5, 1e-5, tc.name() + ": forward values");
        for (int i = 1; i < nat.size(); i++) {
            assertClose(nat.get(i), java.get(i), 1e-4, 1e-5, tc.name() + ": gradient of input " + (i - 1));
        }
    }
}

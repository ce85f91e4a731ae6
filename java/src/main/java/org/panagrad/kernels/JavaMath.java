package org.panagrad.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Shared pieces of the Java kernels: the float vector species, segment access, and branch-free exp, log,
 * log1p, sigmoid and tanh in a scalar and a vector form that compute the same operations in the same
 * order (so a tail element gets the value a full vector would give). They port {@code pg_expf},
 * {@code pg_logf}, ... of {@code native/src/pg_internal.h} (Cephes polynomials, about 1 ulp), with
 * every {@code a * b + c} written as a fused multiply-add, as the C build ({@code -ffp-contract=fast}) does.
 */
final class JavaMath {
    private JavaMath() {}

    /** The widest float vector of this CPU (8 lanes on AVX2). */
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector. */
    static final int L = F.length();
    static final ByteOrder BO = ByteOrder.nativeOrder();
    static final ValueLayout.OfFloat FL = JAVA_FLOAT_UNALIGNED;

    /** Largest multiple of the vector length not above n. */
    static long bound(long n) {
        return n - n % L;
    }

    static float get(MemorySegment s, long i) {
        return s.get(FL, i << 2);
    }

    static void set(MemorySegment s, long i, float v) {
        s.set(FL, i << 2, v);
    }

    static FloatVector load(MemorySegment s, long i) {
        return FloatVector.fromMemorySegment(F, s, i << 2, BO);
    }

    /**
     * A full vector into s at element i. Why the class test: the Vector API's fallback for reinterpreting lanes
     * (viewAsIntegralLanes, run by exp/log/tanh until C2 compiles them) stores into a byte[] segment through
     * the same JDK method as this store, so that method's shared type profile sees heap and native segments.
     * C2 then inlines both cases into every kernel loop, the store's base becomes "maybe an object", and the
     * loops lose their unrolling: 1.5-1.7x slower once any exp has run (JDK 25). Under the test s has the
     * exact native class, so C2 binds the JDK's virtual calls without consulting that profile (the two
     * branches are the same call on purpose: only the type C2 knows for s differs).
     * Loops that store after exp/log/tanh write this test inline instead of calling here: the inlined math
     * reaches C2's node budget (NodeCountInliningCutoff), a helper called after it is left as a call, and
     * its vector argument is boxed (2-3x slower); the Vector API's own methods are force-inlined past it.
     */
    static void store(FloatVector v, MemorySegment s, long i) {
        if (s.getClass() == NATIVE) {
            v.intoMemorySegment(s, i << 2, BO);
        } else {
            v.intoMemorySegment(s, i << 2, BO);
        }
    }

    /** Lanes of s from element i where m is set (others 0); bound to the native class as {@link #store}. */
    static FloatVector load(MemorySegment s, long i, VectorMask<Float> m) {
        if (s.getClass() == NATIVE) {
            return FloatVector.fromMemorySegment(F, s, i << 2, BO, m);
        }
        return FloatVector.fromMemorySegment(F, s, i << 2, BO, m);
    }

    /** The lanes of v where m is set into s from element i; bound to the native class as {@link #store}. */
    static void store(FloatVector v, MemorySegment s, long i, VectorMask<Float> m) {
        if (s.getClass() == NATIVE) {
            v.intoMemorySegment(s, i << 2, BO, m);
        } else {
            v.intoMemorySegment(s, i << 2, BO, m);
        }
    }

    /** The class of off-heap segments (see {@link #store}). */
    static final Class<?> NATIVE = MemorySegment.ofAddress(0).getClass();

    // ---- exp ------------------------------------------------------------------------------------

    private static final float SHIFTER = 0x1.8p23f;
    private static final int SHIFTER_BITS = Float.floatToRawIntBits(SHIFTER);
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float E0 = 1.9875691500e-4f, E1 = 1.3981999507e-3f, E2 = 8.3334519073e-3f,
            E3 = 4.1665795894e-2f, E4 = 1.6666665459e-1f, E5 = 5.0000001201e-1f;

    /** exp(x): NaN, +-inf, overflow and gradual underflow as {@code expf}. */
    static float exp(float x) {
        // Clamp so the scaling below stays in range; the comparisons keep NaN.
        x = x > 89.0f ? 89.0f : x;
        x = x < -104.0f ? -104.0f : x;
        // n = round(x / ln2) with the 1.5*2^23 shifter: no float-to-int conversion.
        float t = Math.fma(x, LOG2E, SHIFTER);
        int n = Float.floatToRawIntBits(t) - SHIFTER_BITS;
        float k = t - SHIFTER;
        float r = Math.fma(-k, LN2_HI, x); // Cody-Waite: ln2 in two parts
        r = Math.fma(-k, LN2_LO, r);
        float r2 = r * r;
        float p = E0;
        p = Math.fma(p, r, E1);
        p = Math.fma(p, r, E2);
        p = Math.fma(p, r, E3);
        p = Math.fma(p, r, E4);
        p = Math.fma(p, r, E5);
        p = Math.fma(p, r2, r) + 1.0f;
        // 2^n in two halves so that n in [-150, 128] never leaves the normal exponent range.
        int n1 = (n + (n >>> 31)) >> 1, n2 = n - n1;
        float s1 = Float.intBitsToFloat((n1 + 127) << 23);
        float s2 = Float.intBitsToFloat((n2 + 127) << 23);
        return p * s1 * s2;
    }

    /** Vector {@link #exp(float)}. */
    static FloatVector exp(FloatVector x) {
        // Compare and blend, as the C comparisons (NaN fails both and stays): cheaper than Java's min/max.
        x = x.blend(89.0f, x.compare(VectorOperators.GT, 89.0f));
        x = x.blend(-104.0f, x.compare(VectorOperators.LT, -104.0f));
        FloatVector t = x.fma(LOG2E, SHIFTER);
        IntVector n = t.viewAsIntegralLanes().sub(SHIFTER_BITS);
        FloatVector nk = t.neg().add(SHIFTER);
        FloatVector r = nk.fma(nk.broadcast(LN2_HI), x);
        r = nk.fma(nk.broadcast(LN2_LO), r);
        FloatVector p = r.fma(E0, E1);
        p = p.fma(r, p.broadcast(E2));
        p = p.fma(r, p.broadcast(E3));
        p = p.fma(r, p.broadcast(E4));
        p = p.fma(r, p.broadcast(E5));
        p = p.fma(r.mul(r), r).add(1.0f);
        IntVector n1 = n.add(n.lanewise(VectorOperators.LSHR, 31)).lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = n.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).viewAsFloatingLanes();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).viewAsFloatingLanes();
        return p.mul(s1).mul(s2);
    }

    /*
     * Constants as vectors: C2 inlines the Vector API only so deep (MaxInlineLevel) and a method only so
     * big, and a vector helper left as a call boxes its arguments (an order of magnitude slower); a static
     * final vector is a load, where a float operand costs a broadcast call chain.
     */
    private static FloatVector v(float c) {
        return FloatVector.broadcast(F, c);
    }

    private static final FloatVector V_ONE = v(1.0f), V_89 = v(89.0f), V_M104 = v(-104.0f), V_LOG2E = v(LOG2E),
            V_SHIFTER = v(SHIFTER), V_LN2_HI = v(LN2_HI), V_LN2_LO = v(LN2_LO), V_E0 = v(E0), V_E1 = v(E1),
            V_E2 = v(E2), V_E3 = v(E3), V_E4 = v(E4), V_E5 = v(E5);

    // ---- log ------------------------------------------------------------------------------------

    private static final float SQRTH = 0.707106781186547524f;
    private static final float G0 = 7.0376836292e-2f, G1 = -1.1514610310e-1f, G2 = 1.1676998740e-1f,
            G3 = -1.2420140846e-1f, G4 = 1.4249322787e-1f, G5 = -1.6668057665e-1f, G6 = 2.0000714765e-1f,
            G7 = -2.4999993993e-1f, G8 = 3.3333331174e-1f;

    /** log(x): subnormals normalised, log(0) = -inf, log(x < 0) = NaN, log(inf) = inf, NaN stays NaN. */
    static float log(float x) {
        boolean sub = x < 0x1p-126f;
        float xs = sub ? x * 0x1p23f : x;
        int bits = Float.floatToRawIntBits(xs);
        int e = ((bits >>> 23) & 0xff) - 126 - (sub ? 23 : 0);
        float m = Float.intBitsToFloat((bits & 0x007fffff) | 0x3f000000); // mantissa in [0.5, 1)
        boolean small = m < SQRTH; // keep m - 1 in [-0.29, 0.41]
        e -= small ? 1 : 0;
        m = small ? m + m - 1.0f : m - 1.0f;
        float ef = (float) e;
        float z = m * m;
        float y = G0;
        y = Math.fma(y, m, G1);
        y = Math.fma(y, m, G2);
        y = Math.fma(y, m, G3);
        y = Math.fma(y, m, G4);
        y = Math.fma(y, m, G5);
        y = Math.fma(y, m, G6);
        y = Math.fma(y, m, G7);
        y = Math.fma(y, m, G8);
        y = y * m * z;
        y = Math.fma(ef, LN2_LO, y);
        y = Math.fma(-0.5f, z, y);
        float r = Math.fma(ef, LN2_HI, m + y);
        r = x == Float.POSITIVE_INFINITY ? x : r;
        r = x < 0.0f ? Float.NaN : r;
        r = x == 0.0f ? Float.NEGATIVE_INFINITY : r;
        return x != x ? x : r;
    }

    private static final FloatVector V_G0 = v(G0), V_G1 = v(G1), V_G2 = v(G2), V_G3 = v(G3), V_G4 = v(G4),
            V_G5 = v(G5), V_G6 = v(G6), V_G7 = v(G7), V_G8 = v(G8), V_HALF = v(0.5f), V_SQRTH = v(SQRTH),
            V_TINY = v(0x1p-126f), V_2P23 = v(0x1p23f), V_BIAS = v(0x1p23f + 126.0f), V_23 = v(23.0f),
            V_ZERO = v(0.0f), V_INF = v(Float.POSITIVE_INFINITY), V_NINF = v(Float.NEGATIVE_INFINITY),
            V_NAN = v(Float.NaN);

    /** Vector {@link #log(float)}. */
    static FloatVector log(FloatVector x) {
        VectorMask<Float> sub = x.lt(V_TINY);
        IntVector bits = x.blend(x.mul(V_2P23), sub).viewAsIntegralLanes();
        // The exponent field as a float without a conversion: bits of 2^23 | k are the float 2^23 + k.
        FloatVector ef = bits.lanewise(VectorOperators.LSHR, 23).or(0x4B000000).viewAsFloatingLanes()
                .sub(V_BIAS);
        ef = ef.blend(ef.sub(V_23), sub);
        FloatVector m = bits.and(0x007fffff).or(0x3f000000).viewAsFloatingLanes();
        VectorMask<Float> small = m.lt(V_SQRTH);
        ef = ef.blend(ef.sub(V_ONE), small);
        m = m.blend(m.add(m), small).sub(V_ONE);
        FloatVector z = m.mul(m);
        FloatVector y = m.fma(V_G0, V_G1).fma(m, V_G2).fma(m, V_G3).fma(m, V_G4).fma(m, V_G5).fma(m, V_G6)
                .fma(m, V_G7).fma(m, V_G8);
        y = ef.fma(V_LN2_LO, y.mul(m).mul(z));
        y = z.neg().fma(V_HALF, y);
        FloatVector r = ef.fma(V_LN2_HI, m.add(y));
        r = r.blend(x, x.eq(V_INF));
        r = r.blend(V_NAN, x.lt(V_ZERO));
        r = r.blend(V_NINF, x.eq(V_ZERO));
        return r.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** log(1 + x) for x >= -1 keeping small x: log(u) * x / (u - 1) with u = 1 + x rounded (Goldberg). */
    static float log1p(float x) {
        float u = 1.0f + x;
        float d = u - 1.0f;
        return d == 0.0f ? x : log(u) * (x / d);
    }

    /** Vector {@link #log1p(float)}. */
    static FloatVector log1p(FloatVector x) {
        FloatVector u = x.add(V_ONE);
        FloatVector d = u.sub(V_ONE);
        return log(u).mul(x.div(d)).blend(x, d.eq(V_ZERO));
    }

    // ---- sigmoid, tanh --------------------------------------------------------------------------

    /** Stable logistic: exp of -|x| only, so +-1000 give 1 and 0, never inf/inf. */
    static float sigmoid(float x) {
        float e = exp(-Math.abs(x));
        return (x >= 0.0f ? 1.0f : e) / (1.0f + e);
    }

    static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.abs().neg());
        FloatVector num = e.blend(V_ONE, x.compare(VectorOperators.GE, V_ZERO));
        return num.div(e.add(V_ONE));
    }

    private static final float T0 = -5.70498872745e-3f, T1 = 2.06390887954e-2f, T2 = -5.37397155531e-2f,
            T3 = 1.33314422036e-1f, T4 = -3.33332819422e-1f;
    private static final FloatVector V_T0 = v(T0), V_T1 = v(T1), V_T2 = v(T2), V_T3 = v(T3), V_T4 = v(T4),
            V_TWO = v(2.0f), V_TANH_SMALL = v(0.625f);

    /** tanh: odd polynomial near 0 (where the exp form cancels), 1 - 2 / (e^2|x| + 1) elsewhere (Cephes). */
    static float tanh(float x) {
        float a = Math.abs(x);
        float s = x * x;
        float p = T0;
        p = Math.fma(p, s, T1);
        p = Math.fma(p, s, T2);
        p = Math.fma(p, s, T3);
        p = Math.fma(p, s, T4);
        float small = Math.fma(p * s, x, x);
        float big = 1.0f - 2.0f / (exp(a + a) + 1.0f);
        big = x < 0.0f ? -big : big;
        return a < 0.625f ? small : big;
    }

    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector s = x.mul(x);
        FloatVector p = s.fma(V_T0, V_T1).fma(s, V_T2).fma(s, V_T3).fma(s, V_T4);
        FloatVector small = p.mul(s).fma(x, x);
        FloatVector big = V_ONE.sub(V_TWO.div(exp(a.add(a)).add(V_ONE)));
        // x's sign onto the (non-negative) big branch by bits: cheaper than a second blend.
        big = big.viewAsIntegralLanes().or(x.viewAsIntegralLanes().and(0x80000000)).viewAsFloatingLanes();
        return big.blend(small, a.lt(V_TANH_SMALL));
    }

    // ---- pow ------------------------------------------------------------------------------------

    /**
     * C {@code powf}: through double (exact for float arguments up to one final rounding), with the
     * cases where C99 and {@link Math#pow} differ fixed up: pow(1, y) = 1 and pow(-1, +-inf) = 1.
     */
    static float pow(float x, float p) {
        if (x == 1.0f) return 1.0f;
        if (x == -1.0f && Float.isInfinite(p)) return 1.0f;
        return (float) Math.pow(x, p);
    }
}

package org.panagrad;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * The one random generator behind tensors, initialisers, dropout and shuffling; seeded by
 * {@link Panagrad#manualSeed(long)}. Numbers are drawn in Java, so both backends see the same values.
 * SplittableRandom's algorithm (SplitMix64) is fixed by its specification, so seeds reproduce across JDKs.
 */
public final class RandomSource {
    private static SplittableRandom random = new SplittableRandom();

    private RandomSource() {}

    static synchronized void seed(long seed) {
        random = new SplittableRandom(seed);
    }

    /** A new generator split off the global one: reproducible under a seed, independent afterwards. */
    public static synchronized SplittableRandom split() {
        return random.split();
    }

    /** Uniform in [0, 1). */
    public static synchronized float uniform() {
        return nextUniform(random);
    }

    /** Standard normal. */
    public static synchronized float normal() {
        return (float) nextNormal(random);
    }

    /** Fills {@code n} floats of {@code out} uniformly in [low, high). */
    static synchronized void fillUniform(MemorySegment out, long n, float low, float high) {
        float width = high - low;
        for (long i = 0; i < n; i++) out.setAtIndex(ValueLayout.JAVA_FLOAT, i, low + width * nextUniform(random));
    }

    /** Fills {@code n} floats of {@code out} with normal values of the given mean and standard deviation. */
    static synchronized void fillNormal(MemorySegment out, long n, float mean, float std) {
        for (long i = 0; i < n; i++) out.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (mean + std * nextNormal(random)));
    }

    static float nextUniform(SplittableRandom r) {
        return (r.nextInt() >>> 8) * 0x1.0p-24f;
    }

    /** Box-Muller written out (not nextGaussian) so the sequence is ours and stable. */
    static double nextNormal(SplittableRandom r) {
        double u1 = (r.nextLong() >>> 11) * 0x1.0p-53;
        double u2 = (r.nextLong() >>> 11) * 0x1.0p-53;
        return Math.sqrt(-2.0 * Math.log1p(-u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** Runs {@code body} with the global generator held, for bulk draws that must stay in sequence. */
    static synchronized void withGenerator(java.util.function.Consumer<SplittableRandom> body) {
        body.accept(random);
    }
}

package org.panagrad.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.panagrad.Backend;
import org.panagrad.Panagrad;

/**
 * Helpers shared by the JMH benchmarks: backend selection from the {@code backend} parameter and seeded
 * random off-heap buffers for the kernel-level benchmarks.
 */
public final class BenchSupport {
    /** The JVM flags every panagrad JVM needs (root pom property {@code panagrad.jvm.flags}); the runner passes the pom's value. */
    public static final String[] JVM_FLAGS = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"};

    private BenchSupport() {}

    /**
     * Switches panagrad to the backend named by a benchmark's {@code backend} parameter ({@code native} or
     * {@code java}) and applies {@code -Dpanagrad.threads} (default 1) to it.
     *
     * @throws IllegalStateException when the backend cannot be used (e.g. libpanagrad.so missing)
     */
    public static void useBackend(String backend) {
        Panagrad.setBackend(Backend.parse(backend));
        Panagrad.setThreads(Integer.getInteger("panagrad.threads", 1));
    }

    /** A 64-byte aligned segment of {@code count} floats, uniform in [-1, 1) from {@code seed}. */
    public static MemorySegment randomSegment(Arena arena, long count, long seed) {
        MemorySegment s = arena.allocate(count * Float.BYTES, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < count; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() * 2 - 1));
        return s;
    }
}

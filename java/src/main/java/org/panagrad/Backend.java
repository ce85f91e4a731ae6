package org.panagrad;

/** Where the kernels run: C + OpenBLAS through FFM ({@link #NATIVE}), or pure Java ({@link #JAVA}). */
public enum Backend {
    /** libpanagrad.so: C kernels and OpenBLAS, called through the Foreign Function &amp; Memory API. */
    NATIVE,
    /** The pure-Java twin of every kernel (Vector API when {@code jdk.incubator.vector} is enabled). */
    JAVA;

    /** Parses {@code native} or {@code java}, case-insensitively. */
    public static Backend parse(String name) {
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "native" -> NATIVE;
            case "java" -> JAVA;
            default -> throw new IllegalArgumentException("unknown panagrad backend '" + name + "': use native or java");
        };
    }
}

package org.panagrad;

import org.panagrad.kernels.JavaKernels;
import org.panagrad.kernels.Kernels;
import org.panagrad.kernels.NativeKernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * Global settings of panagrad: the active backend, the random seed and the number of threads.
 *
 * <p>The backend is {@link Backend#NATIVE} when {@code libpanagrad.so} loads, otherwise {@link Backend#JAVA}
 * with one warning saying why. Choose it with {@code -Dpanagrad.backend=native|java} or the environment
 * variable {@code PANAGRAD_BACKEND}; asking for {@code native} explicitly makes a load failure an error
 * instead of a fallback. Threads: {@code -Dpanagrad.threads=N} or {@link #setThreads(int)} (default: all
 * available processors), applied to OpenBLAS and to the Java GEMM pool alike.
 *
 * <pre>{@code
 * Panagrad.manualSeed(42);
 * System.out.println(Panagrad.backend());   // NATIVE
 * }</pre>
 */
public final class Panagrad {
    private static final Logger LOG = LoggerFactory.getLogger(Panagrad.class);

    private static volatile Kernels kernels;
    private static volatile Backend backend;
    private static Kernels nativeKernels;
    private static Kernels javaKernels;
    private static Throwable nativeFailure;
    private static int threads;

    static {
        String requested = System.getProperty("panagrad.backend");
        if (requested == null || requested.isBlank()) requested = System.getenv("PANAGRAD_BACKEND");
        threads = Integer.getInteger("panagrad.threads", Runtime.getRuntime().availableProcessors());
        if (threads < 1) throw new IllegalArgumentException("-Dpanagrad.threads must be >= 1, got " + threads);
        if (requested != null && !requested.isBlank()) {
            setBackend(Backend.parse(requested));
        } else {
            try {
                setBackend(Backend.NATIVE);
            } catch (IllegalStateException e) {
                warn("panagrad: native backend unavailable (" + e.getCause().getMessage()
                        + "); using the pure-Java backend. Build libpanagrad.so with CMake or set -Dpanagrad.backend=java to silence this.");
                setBackend(Backend.JAVA);
            }
        }
        LOG.info("panagrad backend: {} ({})", backend, kernels.runtimeBlasInfo());
    }

    private Panagrad() {}

    /** The active backend. */
    public static Backend backend() {
        return backend;
    }

    /** The kernels of the active backend; what every op calls. */
    public static Kernels kernels() {
        return kernels;
    }

    /** The kernels of a given backend (loading the native library if needed), without switching to it. */
    public static synchronized Kernels kernels(Backend which) {
        if (which == Backend.JAVA) {
            if (javaKernels == null) {
                javaKernels = new JavaKernels();
                javaKernels.runtimeSetThreads(threads);
            }
            return javaKernels;
        }
        if (nativeKernels == null) {
            if (nativeFailure != null) throw new IllegalStateException("native backend unavailable: " + nativeFailure.getMessage(), nativeFailure);
            try {
                nativeKernels = new NativeKernels();
                nativeKernels.runtimeSetThreads(threads);
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                nativeFailure = e;
                throw new IllegalStateException("native backend unavailable: " + e.getMessage(), e);
            }
        }
        return nativeKernels;
    }

    /**
     * Switches the backend for all threads. Tensors are off-heap in both, so existing tensors keep working.
     *
     * @throws IllegalStateException when {@code NATIVE} is asked for and libpanagrad.so cannot be loaded
     */
    public static synchronized void setBackend(Backend which) {
        Kernels k = kernels(which);
        kernels = k;
        backend = which;
    }

    /** True when libpanagrad.so is (or can be) loaded. */
    public static boolean nativeAvailable() {
        try {
            kernels(Backend.NATIVE);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Seeds the generator behind {@code rand}, {@code randn}, initialisers, dropout and shuffling. */
    public static void manualSeed(long seed) {
        RandomSource.seed(seed);
    }

    /** Threads one kernel may use (OpenBLAS and the Java GEMM pool). */
    public static synchronized int threads() {
        return threads;
    }

    /** Sets the threads one kernel may use, on both backends. */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("setThreads: threads must be >= 1, got " + n);
        threads = n;
        if (javaKernels != null) javaKernels.runtimeSetThreads(n);
        if (nativeKernels != null) nativeKernels.runtimeSetThreads(n);
    }

    /** One line describing the active backend, e.g. for logs and benchmark reports. */
    public static String describe() {
        return backend + " (" + kernels.runtimeBlasInfo() + ", " + threads + " thread" + (threads == 1 ? "" : "s") + ")";
    }

    private static void warn(String message) {
        LOG.warn(message);
        // Without an SLF4J provider the warning would vanish; the fallback must be visible.
        if (LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory) System.err.println("WARNING: " + message);
    }
}

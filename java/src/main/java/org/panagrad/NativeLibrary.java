package org.panagrad;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Finds and loads {@code libpanagrad.so} once per JVM.
 *
 * <p>Where it looks, in order: the system property {@code panagrad.library.path} (the file itself, or a
 * directory holding it), then the copy bundled in the panagrad jar for linux-x86_64, which is extracted
 * to a content-addressed file under {@code java.io.tmpdir} so any number of JVMs can share it. The
 * jextract bindings carry no library path of their own: they look symbols up in the libraries loaded
 * by this class loader, which is what {@link System#load} here provides.
 */
public final class NativeLibrary {
    /** The ABI version the Java side was written against; {@code pg_runtime_version()} must return it. */
    public static final int ABI_VERSION = 2;

    private static final String RESOURCE = "/org/panagrad/native/linux-x86_64/libpanagrad.so";
    private static volatile Path loadedFrom;
    private static volatile Throwable failure;
    private static boolean attempted;

    private NativeLibrary() {}

    /**
     * Loads the library if not done yet.
     *
     * @return where it was loaded from
     * @throws UnsatisfiedLinkError with the reason when it cannot be found or loaded
     */
    public static synchronized Path load() {
        if (loadedFrom != null) return loadedFrom;
        if (attempted) throw asError(failure);
        attempted = true;
        try {
            Path path = locate();
            System.load(path.toAbsolutePath().toString());
            loadedFrom = path;
            return path;
        } catch (Throwable t) {
            failure = t;
            throw asError(t);
        }
    }

    /** Where the library was loaded from, or null if it is not loaded. */
    public static Path loadedFrom() {
        return loadedFrom;
    }

    private static UnsatisfiedLinkError asError(Throwable t) {
        if (t instanceof UnsatisfiedLinkError u) return u;
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(String.valueOf(t.getMessage()));
        e.initCause(t);
        return e;
    }

    private static Path locate() throws IOException {
        String configured = System.getProperty("panagrad.library.path");
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (Files.isDirectory(p)) p = p.resolve("libpanagrad.so");
            if (!Files.isRegularFile(p)) {
                throw new UnsatisfiedLinkError("-Dpanagrad.library.path=" + configured + ": no libpanagrad.so there");
            }
            return p;
        }
        String os = System.getProperty("os.name", "").toLowerCase();
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new UnsatisfiedLinkError("no bundled libpanagrad.so for " + os + "/" + arch
                    + "; build it with CMake and pass -Dpanagrad.library.path=<dir>");
        }
        byte[] bytes;
        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new UnsatisfiedLinkError("libpanagrad.so is not bundled in this jar (it was built before "
                        + "`cmake --build build`); build the native library first or pass -Dpanagrad.library.path=<dir>");
            }
            bytes = in.readAllBytes();
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "panagrad-" + System.getProperty("user.name", "user"));
        Files.createDirectories(dir);
        Path target = dir.resolve("libpanagrad-" + sha256(bytes).substring(0, 16) + ".so");
        if (!Files.isRegularFile(target) || Files.size(target) != bytes.length) {
            // Write beside and rename so a concurrent JVM never loads a half-written file.
            Path tmp = Files.createTempFile(dir, "libpanagrad", ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return target;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

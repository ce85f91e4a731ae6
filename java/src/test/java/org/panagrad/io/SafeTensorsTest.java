package org.panagrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.panagrad.MemoryScope;
import org.panagrad.Tensor;
import org.panagrad.TestSupport;

/** The safetensors format: round trips, interop with a numpy implementation, and every corrupt-file case. */
class SafeTensorsTest {
    @TempDir
    Path dir;

    static final String PYTHON = "/usr/bin/python3";

    static Map<String, Tensor> sample() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", TestSupport.random(1, 2f, 3, 4));
        m.put("b", Tensor.of(0.5f, -1.25f, 3f));
        m.put("s", Tensor.scalar(7.5f));
        m.put("none", Tensor.zeros(0, 5));
        m.put("cube", TestSupport.random(2, 1f, 2, 3, 2));
        return m;
    }

    @Test
    void roundTripKeepsValuesShapesOrderAndMetadata() throws IOException {
        Path p = dir.resolve("m.safetensors");
        Map<String, Tensor> in = sample();
        SafeTensors.write(p, in, Map.of("epoch", "4", "note", "héllo \"quoted\""));
        long headerLen = ByteBuffer.wrap(Files.readAllBytes(p), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + headerLen) % 8, "header padded to 8-byte alignment");
        assertEquals(8 + headerLen + 4L * (12 + 3 + 1 + 0 + 12), Files.size(p));
        SafeTensors.Contents c = SafeTensors.read(p);
        assertEquals(List.of("w", "b", "s", "none", "cube"), new ArrayList<>(c.tensors().keySet()));
        for (String k : in.keySet()) {
            assertArrayEquals(in.get(k).shape(), c.tensors().get(k).shape(), k);
            assertArrayEquals(in.get(k).toFloatArray(), c.tensors().get(k).toFloatArray(), k);
        }
        assertEquals(Map.of("epoch", "4", "note", "héllo \"quoted\""), c.metadata());
        assertEquals(Map.of("w", List.of(3, 4)).get("w"), Arrays.stream(SafeTensors.shapes(p).get("w")).boxed().toList());
        assertFalse(hasTempFiles(), "no temporary file left behind");
        // The atomic rename keeps the permissions any new file gets (umask), not a temp file's owner-only ones.
        Path plain = Files.write(dir.resolve("plain"), new byte[1]);
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(p));
    }

    @Test
    void exactBytesOfASmallFile() throws IOException {
        Path p = dir.resolve("a.safetensors");
        SafeTensors.write(p, Map.of("a", Tensor.of(1f, -2f)));
        byte[] b = Files.readAllBytes(p);
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        int padded = (json.length() + 7) / 8 * 8;
        ByteBuffer expected = ByteBuffer.allocate(8 + padded + 8).order(ByteOrder.LITTLE_ENDIAN);
        expected.putLong(padded).put((json + " ".repeat(padded - json.length())).getBytes(StandardCharsets.US_ASCII));
        expected.putFloat(1f).putFloat(-2f);
        assertArrayEquals(expected.array(), b);
    }

    @Test
    void readsTheFileWrittenByNumpy() throws IOException, URISyntaxException, InterruptedException {
        Path p = Path.of(getClass().getResource("/io/numpy_written.safetensors").toURI());
        SafeTensors.Contents c = SafeTensors.read(p);
        // Offset order, not the header's key order (the script lists keys in another order on purpose).
        assertEquals(List.of("bias", "layer.weight", "cube", "scalar", "empty"), new ArrayList<>(c.tensors().keySet()));
        assertArrayEquals(new float[] {0.1f, -0.2f, 0.3f}, c.tensors().get("bias").toFloatArray());
        assertArrayEquals(new int[] {2, 3}, c.tensors().get("layer.weight").shape());
        assertArrayEquals(new float[] {-1f, -0.5f, 0f, 0.5f, 1f, 1.5f}, c.tensors().get("layer.weight").toFloatArray());
        assertArrayEquals(new int[] {2, 2, 2}, c.tensors().get("cube").shape());
        // numpy printed these (%.9g): 0 0.142857149 0.571428597 1.28571427 2.28571439 3.57142854 5.14285707 7
        assertArrayEquals(new float[] {0f, 0.142857149f, 0.571428597f, 1.28571427f, 2.28571439f, 3.57142854f, 5.14285707f, 7f},
                c.tensors().get("cube").toFloatArray());
        assertArrayEquals(new int[] {}, c.tensors().get("scalar").shape());
        assertEquals(3.5f, c.tensors().get("scalar").item());
        assertArrayEquals(new int[] {0, 4}, c.tensors().get("empty").shape());
        assertEquals(Map.of("format", "pt", "epoch", "3"), c.metadata());

        // When Python with numpy is here, the committed file is exactly what the committed script writes.
        Assumptions.assumeTrue(pythonWithNumpy(), "no /usr/bin/python3 with numpy");
        Path again = dir.resolve("again.safetensors");
        run(PYTHON, script().toString(), "write", again.toString());
        assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(again));
    }

    /** What the numpy reader printed for {@link #writeForPython} when run by hand (and by this test when it can). */
    static final String PYTHON_SAYS = """
            model.w F32 [2, 2] 2.75 1.5 -2 0.25 3
            optim.m F32 [3] -7.124 0.00100000005 -7.125 0
            s F32 [] -0.333333343 -0.333333343
            e F32 [0] 0\s
            big F32 [2, 3, 4] 276 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23
            __metadata__ epoch=12 lr=0.001
            """;

    static Path writeForPython(Path p) throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("model.w", Tensor.of(new float[][] {{1.5f, -2f}, {0.25f, 3f}}));
        m.put("optim.m", Tensor.of(1e-3f, -7.125f, 0f));
        m.put("s", Tensor.scalar(-1f / 3f));
        m.put("e", Tensor.zeros(0));
        m.put("big", Tensor.arange(0, 24, 1).reshape(2, 3, 4));
        SafeTensors.write(p, m, Map.of("epoch", "12", "lr", "0.001"));
        return p;
    }

    @Test
    void numpyReaderReadsOurFile() throws IOException, InterruptedException, URISyntaxException {
        Path p = writeForPython(dir.resolve("ours.safetensors"));
        Assumptions.assumeTrue(pythonWithNumpy(), "no /usr/bin/python3 with numpy");
        assertEquals(PYTHON_SAYS, run(PYTHON, script().toString(), "read", p.toString()));
    }

    // ---- corrupt files -------------------------------------------------------------------------

    /** A file made of a header (padded to 8 if asked) and data, by hand. */
    Path raw(String name, String json, byte[] data) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.writeBytes(h);
        out.writeBytes(data);
        return Files.write(dir.resolve(name), out.toByteArray());
    }

    static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    void rejects(Path p, String regex) {
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(p));
        assertTrue(e.getMessage().startsWith("safetensors: " + p + ": "), "names the file: " + e.getMessage());
        assertTrue(Pattern.compile(regex).matcher(e.getMessage()).find(), "/" + regex + "/ in: " + e.getMessage());
        // The header-only reader and Checkpoint.loadInto validate the same way.
        assertThrows(IOException.class, () -> SafeTensors.shapes(p));
        assertThrows(IOException.class, () -> Checkpoint.loadInto(p, Map.of()));
    }

    @Test
    void everyTruncationIsRejected() throws IOException {
        Path full = dir.resolve("full.safetensors");
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("a", Tensor.of(1f, 2f));
        m.put("b", Tensor.of(new float[][] {{3f}, {4f}}));
        SafeTensors.write(full, m);
        byte[] b = Files.readAllBytes(full);
        long headerLen = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        for (int cut = 0; cut < b.length; cut++) {
            Path p = Files.write(dir.resolve("cut" + cut), Arrays.copyOf(b, cut));
            String expected = cut < 8 ? "file is " + cut + " bytes, too short for the 8-byte header length"
                    : cut < 8 + headerLen ? "header length " + headerLen + " exceeds the " + (cut - 8) + " bytes after the length field"
                    : "go past the end of the " + (cut - 8 - headerLen) + "-byte data section";
            rejects(p, Pattern.quote(expected));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON          | {\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}!!   | header is not valid JSON",
            "cut JSON          | {\"a\":{\"dtype\":\"F32\",\"shape\":[2]                          | header is not valid JSON",
            "two values        | {\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}} {} | header is not valid JSON",
            "duplicate name    | {\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}} | header is not valid JSON.*Duplicate field 'a'",
            "not an object     | [1,2,3]                                                          | header does not start with '\\{'",
            "entry not object  | {\"a\":5}                                                        | tensor 'a': entry is NUMBER, expected an object",
            "extra key         | {\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}} | tensor 'a': unexpected key 'x'",
            "no dtype          | {\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}                   | tensor 'a': missing or non-string dtype",
            "F16               | {\"a\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]}}  | tensor 'a': dtype F16 is not supported \\(panagrad reads F32 only\\)",
            "I64               | {\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}  | tensor 'a': dtype I64 is not supported",
            "negative dim      | {\"a\":{\"dtype\":\"F32\",\"shape\":[-1,2],\"data_offsets\":[0,8]}} | tensor 'a': shape \\[-1,2\\] must hold integers in \\[0, 2\\^31 - 1\\], dimension 0 is -1",
            "fractional dim    | {\"a\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}} | tensor 'a': shape \\[2.5\\] must hold integers",
            "huge dim          | {\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296],\"data_offsets\":[0,8]}} | dimension 0 is 4294967296",
            "shape vs bytes    | {\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,8]}} | tensor 'a': shape \\[2, 3\\] needs 24 bytes of F32 but data_offsets \\[0, 8\\] span 8",
            "offsets reversed  | {\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}  | tensor 'a': data_offsets \\[8, 0\\] end before they begin",
            "negative offset   | {\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}} | tensor 'a': data_offsets \\[-8,0\\] must be non-negative integers",
            "three offsets     | {\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,9]}} | tensor 'a': data_offsets must be \\[begin, end\\]",
            "overlap           | {\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}} | tensor 'b' data_offsets \\[4, 12\\] overlap tensor 'a' \\[0, 8\\]",
            "same range        | {\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}} | overlap tensor 'a'",
            "gap               | {\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}} | tensor 'b' starts at 8 but the previous tensor 'a' ends at 4 \\(gap",
            "not from zero     | {\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}  | tensor 'a' starts at 4 but the previous tensors end at 0",
            "past the end      | {\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}} | tensor 'a' data_offsets \\[0, 16\\] go past the end of the 12-byte data section",
            "metadata number   | {\"__metadata__\":{\"epoch\":3},\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}} | metadata 'epoch' is 3, not a string",
            "metadata list     | {\"__metadata__\":[1],\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}} | __metadata__ must be an object of strings",
    })
    void corruptHeadersAreRejected(String what, String json, String regex) throws IOException {
        rejects(raw(what.replace(' ', '_'), json.strip(), new byte[12]), regex);
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        Path p = dir.resolve("t.safetensors");
        SafeTensors.write(p, Map.of("a", Tensor.of(1f, 2f)));
        Files.write(p, new byte[] {1, 2, 3, 4}, java.nio.file.StandardOpenOption.APPEND);
        rejects(p, "data section is 12 bytes but the tensors cover 8 \\(4 trailing bytes\\)");
        // An empty file, and a header made only of the length.
        rejects(Files.write(dir.resolve("empty"), new byte[0]), "file is 0 bytes, too short");
        rejects(raw("nohead", "", new byte[0]), "header length 0 is too short for a JSON object");
    }

    @Test
    void oversizedOrNegativeHeaderLengthsAreRejected() throws IOException {
        for (long n : new long[] {1L << 40, -1L, (100L << 20) + 1}) {
            byte[] b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putLong(n).put("{}".getBytes()).array();
            Path p = Files.write(dir.resolve("len" + Long.toUnsignedString(n)), b);
            rejects(p, "header length " + Long.toUnsignedString(n) + " is larger than the 104857600-byte limit");
        }
        byte[] b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN).putLong(33).array();
        rejects(Files.write(dir.resolve("len33"), b), "header length 33 exceeds the 32 bytes after the length field");
    }

    @Test
    void nothingIsCreatedWhenValidationFails() throws IOException {
        // Valid first tensor, broken second: no tensor may be made (the scope stays empty).
        Path p = raw("late", "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "BF16", "[2]", 4, 8) + "}", new byte[8]);
        try (MemoryScope scope = MemoryScope.open()) {
            assertThrows(IOException.class, () -> SafeTensors.read(p));
            assertEquals(0, scope.size(), "tensors created before validation finished");
        }
    }

    @Test
    void readTensorsBelongToTheCurrentScope() throws IOException {
        Path p = dir.resolve("s.safetensors");
        SafeTensors.write(p, Map.of("a", Tensor.of(4f)));
        Tensor a;
        try (MemoryScope scope = MemoryScope.open()) {
            a = SafeTensors.read(p).tensors().get("a");
            assertEquals(4f, a.item());
        }
        assertTrue(a.isReleased());
    }

    // ---- atomic writes -------------------------------------------------------------------------

    @Test
    void interruptedWriteLeavesThePreviousFileIntact() throws IOException {
        Path p = dir.resolve("atomic.safetensors");
        SafeTensors.write(p, Map.of("v", Tensor.of(1f, 2f, 3f)), Map.of("version", "1"));
        byte[] before = Files.readAllBytes(p);
        Map<String, Tensor> next = new LinkedHashMap<>();
        next.put("v", Tensor.of(9f, 9f, 9f));
        next.put("w", Tensor.ones(1000));
        IOException e = assertThrows(IOException.class, () -> SafeTensors.write(p, next, Map.of("version", "2"), (name, bytes) -> {
            if (name.equals("v")) throw new IOException("disk full (injected) after " + bytes + " bytes");
        }));
        assertTrue(e.getMessage().startsWith("disk full (injected)"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(p), "old file untouched");
        assertEquals("1", SafeTensors.read(p).metadata().get("version"));
        assertFalse(hasTempFiles(), "temporary file deleted");

        // A RuntimeException midway behaves the same.
        assertThrows(IllegalStateException.class, () -> SafeTensors.write(p, next, Map.of(), (name, bytes) -> {
            throw new IllegalStateException("boom");
        }));
        assertArrayEquals(before, Files.readAllBytes(p));
        assertFalse(hasTempFiles());

        // Without a failure the file is replaced.
        SafeTensors.write(p, next, Map.of("version", "2"));
        assertArrayEquals(new float[] {9f, 9f, 9f}, SafeTensors.read(p).tensors().get("v").toFloatArray());
    }

    @Test
    void badArgumentsFailBeforeAnythingIsWritten() throws IOException {
        Path p = dir.resolve("x.safetensors");
        Tensor released = Tensor.of(1f);
        released.close();
        var e = assertThrows(IllegalStateException.class, () -> SafeTensors.write(p, Map.of("r", released)));
        assertTrue(e.getMessage().contains("SafeTensors.write (tensor 'r')"), e.getMessage());
        var name = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(p, Map.of("__metadata__", Tensor.of(1f))));
        assertTrue(name.getMessage().contains("invalid tensor name '__metadata__'"), name.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(p, Map.of("", Tensor.of(1f))));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count(), "nothing written");
        }
    }

    boolean hasTempFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp"));
        }
    }

    static Path script() throws URISyntaxException {
        return Path.of(SafeTensorsTest.class.getResource("/io/safetensors_numpy.py").toURI());
    }

    static boolean pythonWithNumpy() {
        if (!Files.isExecutable(Path.of(PYTHON))) return false;
        try {
            Process pr = new ProcessBuilder(PYTHON, "-c", "import numpy").redirectErrorStream(true).start();
            pr.getInputStream().readAllBytes();
            return pr.waitFor(60, TimeUnit.SECONDS) && pr.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process pr = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(pr.waitFor(60, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, pr.exitValue(), "python failed: " + out);
        return out;
    }
}

package org.panagrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.panagrad.Tensor;

/** IDX files: round trips (plain and gzipped) and every malformed-file case. */
class IdxTest {
    @TempDir
    Path dir;

    static byte[] randomBytes(long seed, int n) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** A header {@code 00 00 type ndims} plus big-endian sizes, then the data. */
    static byte[] idx(int type, int[] shape, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(0);
        out.write(type);
        out.write(shape.length);
        for (int s : shape) {
            out.write(s >>> 24);
            out.write(s >>> 16);
            out.write(s >>> 8);
            out.write(s);
        }
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void roundTripImagesAndLabels(boolean gz) throws IOException {
        byte[] pixels = randomBytes(1, 5 * 3 * 4);
        pixels[0] = 0;
        pixels[1] = (byte) 255;
        pixels[2] = (byte) 128;
        byte[] labels = {3, 0, 9, 255 - 256, 7};
        Path images = dir.resolve(gz ? "img.gz" : "img");
        Path labelsFile = dir.resolve(gz ? "lab.gz" : "lab");
        Idx.write(images, new int[] {5, 3, 4}, pixels, gz);
        Idx.write(labelsFile, new int[] {5}, labels, gz);
        byte[] head = Files.readAllBytes(images);
        assertEquals(gz, (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b, "gzip magic iff gzipped");

        Tensor x = Idx.readImages(images);
        assertArrayEquals(new int[] {5, 3, 4}, x.shape());
        float[] v = x.toFloatArray();
        for (int i = 0; i < pixels.length; i++) assertEquals((pixels[i] & 0xff) / 255f, v[i], 1e-7f, "pixel " + i);
        assertEquals(0f, v[0]);
        assertEquals(1f, v[1]);
        assertEquals(128 / 255f, v[2], 1e-7f);

        // torchvision Normalize((0.5,), (0.5,)): 0 -> -1, 255 -> 1, 128 -> 0.003921...
        float[] n = Idx.readImages(images, Idx.Normalization.HALF).toFloatArray();
        assertEquals(-1f, n[0], 1e-6f);
        assertEquals(1f, n[1], 1e-6f);
        assertEquals((128 / 255f - 0.5f) / 0.5f, n[2], 1e-6f);
        float[] m = Idx.readImages(images, new Idx.Normalization(0.2860f, 0.3530f)).toFloatArray();
        for (int i = 0; i < pixels.length; i++) assertEquals(((pixels[i] & 0xff) / 255f - 0.2860f) / 0.3530f, m[i], 1e-5f);

        assertArrayEquals(new float[] {3, 0, 9, 255, 7}, Idx.readLabels(labelsFile).toFloatArray());
        Idx.Array raw = Idx.read(images, 3);
        assertArrayEquals(pixels, raw.data());
        assertEquals(60, raw.numel());
    }

    @Test
    void emptyDataIsFine() throws IOException {
        Path p = file("empty-set", idx(8, new int[] {0, 28, 28}, new byte[0]));
        assertArrayEquals(new int[] {0, 28, 28}, Idx.readImages(p).shape());
    }

    /** Asserts the read fails with an IOException whose message names the file and matches {@code regex}. */
    void rejects(Path p, boolean images, String regex) {
        IOException e = assertThrows(IOException.class, () -> {
            if (images) Idx.readImages(p);
            else Idx.readLabels(p);
        });
        assertTrue(e.getMessage().contains(p.toString()), "message names the file: " + e.getMessage());
        assertTrue(Pattern.compile(regex).matcher(e.getMessage()).find(), "message /" + regex + "/ in: " + e.getMessage());
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void malformedFilesAreRejected(boolean gz) throws IOException {
        byte[] good = idx(8, new int[] {2, 3, 4}, randomBytes(2, 24));
        java.util.function.Function<byte[], byte[]> enc = b -> {
            try {
                return gz ? gzip(b) : b;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        };
        String s = gz ? ".gz" : "";
        rejects(file("empty" + s, enc.apply(new byte[0])), true, gz ? "truncated|empty" : "file is empty");
        rejects(file("short" + s, enc.apply(new byte[] {0, 0, 8})), true, "truncated: 3 bytes, shorter than the 4-byte magic");
        // Not IDX at all (a zip file's magic).
        rejects(file("zip" + s, enc.apply(new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0})), true,
                "bad magic number 0x504b0304, expected 0x00000803.*not an IDX file");
        // IDX of floats (type 0x0d) is not supported.
        rejects(file("float" + s, enc.apply(idx(0x0d, new int[] {1, 1, 1}, new byte[4]))), true,
                "bad magic number 0x00000d03.*element type 0x0d is not supported");
        // A labels file read as images, and images read as labels: wrong number of dimensions.
        Path labels = file("labels" + s, enc.apply(idx(8, new int[] {3}, new byte[] {1, 2, 3})));
        rejects(labels, true, "bad magic number 0x00000801, expected 0x00000803 \\(unsigned bytes, 3 dimensions\\); the file has 1 dimension$");
        Path images = file("images" + s, enc.apply(good));
        rejects(images, false, "bad magic number 0x00000803, expected 0x00000801.*the file has 3 dimensions");
        // Header cut inside the sizes.
        rejects(file("cut-header" + s, enc.apply(Arrays.copyOf(good, 10))), true,
                "truncated: 10 bytes, shorter than the 16-byte header of a 3-dimensional file");
        // Data truncated by one byte, and by all of it.
        rejects(file("cut-data" + s, enc.apply(Arrays.copyOf(good, good.length - 1))), true,
                "truncated: sizes \\[2, 3, 4\\] need 40 bytes but the file has 39");
        rejects(file("no-data" + s, enc.apply(Arrays.copyOf(good, 16))), true, "need 40 bytes but the file has 16");
        // Trailing bytes.
        rejects(file("trailing" + s, enc.apply(Arrays.copyOf(good, good.length + 3))), true,
                "3 trailing bytes after the 40 bytes that sizes \\[2, 3, 4\\] need");
        // Sizes that disagree with the data (dims say 2x3x5 = 30 bytes, 24 present).
        rejects(file("dims" + s, enc.apply(idx(8, new int[] {2, 3, 5}, randomBytes(3, 24)))), true, "need 46 bytes but the file has 40");
        // A size above 2^31 - 1.
        rejects(file("huge" + s, enc.apply(idx(8, new int[] {-1, 1, 1}, new byte[0]))), true, "dimension 0 has size 4294967295");
        rejects(file("toomany" + s, enc.apply(idx(8, new int[] {65536, 65536, 2}, new byte[0]))), true, "more than 2\\^31 elements");
    }

    @Test
    void truncatedAndCorruptGzipStreams() throws IOException {
        byte[] gz = gzip(idx(8, new int[] {4, 5, 6}, randomBytes(4, 120)));
        for (int cut : new int[] {2, 10, gz.length / 2, gz.length - 1}) {
            rejects(file("cut" + cut + ".gz", Arrays.copyOf(gz, cut)), true, "truncated gzip stream|corrupt gzip stream");
        }
        byte[] bad = gz.clone();
        bad[3] = (byte) 0xff; // reserved flag bits set
        bad[gz.length / 2] ^= 0x5a;
        rejects(file("corrupt.gz", bad), true, "gzip stream");
    }

    @Test
    void missingFileNamesIt() {
        Path p = dir.resolve("nope-idx3-ubyte");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Idx.readImages(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("IDX file not found"), e.getMessage());
    }

    @Test
    void badNormalizationAndWriteArguments() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Idx.Normalization(0.5f, 0f));
        assertTrue(e.getMessage().contains("std finite and > 0, got mean 0.5, std 0.0"), e.getMessage());
        var w = assertThrows(IllegalArgumentException.class, () -> Idx.write(dir.resolve("x"), new int[] {2, 2}, new byte[3], false));
        assertTrue(w.getMessage().contains("shape [2, 2] holds 4 bytes but 3 were given"), w.getMessage());
    }
}

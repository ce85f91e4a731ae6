package org.panagrad.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.panagrad.Tensor;

/**
 * Reader (and writer) of IDX files, the format of MNIST and Fashion-MNIST: a big-endian header
 * {@code 0x00 0x00 <type> <ndims>}, one 32-bit big-endian size per axis, then the data row-major. Only unsigned
 * bytes (type {@code 0x08}) are supported: magic {@code 0x00000801} for labels {@code [n]} and
 * {@code 0x00000803} for images {@code [n, rows, cols]}. Files may be gzipped (detected by the gzip magic
 * {@code 1f 8b}, not by the name).
 *
 * <p>Every file is validated before any tensor is made: magic, number of axes, and that the file holds exactly
 * the bytes its sizes promise (a truncated file or one with trailing bytes is rejected, naming the file).
 *
 * <pre>{@code
 * Tensor images = Idx.readImages(Path.of("train-images-idx3-ubyte.gz"), Idx.Normalization.NONE); // [60000, 28, 28] in [0, 1]
 * Tensor labels = Idx.readLabels(Path.of("train-labels-idx1-ubyte.gz"));                          // [60000], 0..9
 * }</pre>
 */
public final class Idx {
    /** Magic number of a 1-D unsigned-byte IDX file (labels). */
    public static final int LABELS_MAGIC = 0x00000801;
    /** Magic number of a 3-D unsigned-byte IDX file (images). */
    public static final int IMAGES_MAGIC = 0x00000803;

    private static final int UBYTE = 0x08;

    private Idx() {}

    /**
     * How pixel bytes become floats: {@code x = (byte / 255 - mean) / std}, torchvision's
     * {@code ToTensor()} followed by {@code Normalize((mean,), (std,))}.
     *
     * @param mean subtracted after scaling to [0, 1]
     * @param std  divides afterwards; finite and > 0
     */
    public record Normalization(float mean, float std) {
        /** Pixels scaled to [0, 1] only. */
        public static final Normalization NONE = new Normalization(0f, 1f);
        /** {@code Normalize((0.5,), (0.5,))}: pixels in [-1, 1]. */
        public static final Normalization HALF = new Normalization(0.5f, 0.5f);

        /** Checks that both numbers are finite and std is positive. */
        public Normalization {
            if (!Float.isFinite(mean) || !Float.isFinite(std) || !(std > 0)) {
                throw new IllegalArgumentException("Idx.Normalization: mean must be finite and std finite and > 0, got mean "
                        + mean + ", std " + std);
            }
        }
    }

    /** The raw contents of an unsigned-byte IDX file: its axis sizes and its data (row-major). */
    public record Array(int[] shape, byte[] data) {
        /** Number of elements. */
        public long numel() {
            return Tensor.numel(shape);
        }
    }

    /**
     * Reads and validates an unsigned-byte IDX file with {@code ndims} axes.
     *
     * @throws IOException if the file cannot be read, is not IDX, has another number of axes, or is truncated or
     *                     longer than its header says; the message names the file
     */
    public static Array read(Path file, int ndims) throws IOException {
        String where = "IDX file " + file;
        try (InputStream in = open(file)) {
            // Streamed: the header first, then exactly the promised bytes into one array, then a check for more.
            byte[] magicBytes = in.readNBytes(4);
            if (magicBytes.length == 0) throw new IOException(where + ": file is empty");
            if (magicBytes.length < 4) {
                throw new IOException(where + ": truncated: " + magicBytes.length + " bytes, shorter than the 4-byte magic number");
            }
            int magic = bigEndianInt(magicBytes, 0);
            int expectedMagic = (UBYTE << 8) | ndims;
            if (magic != expectedMagic) {
                throw new IOException(where + ": bad magic number 0x" + String.format("%08x", magic) + ", expected 0x"
                        + String.format("%08x", expectedMagic) + " (unsigned bytes, " + ndims + " dimension" + (ndims == 1 ? "" : "s")
                        + ")" + describeMagic(magic));
            }
            int header = 4 + 4 * ndims;
            byte[] sizes = in.readNBytes(4 * ndims);
            if (sizes.length < 4 * ndims) {
                throw new IOException(where + ": truncated: " + (4 + sizes.length) + " bytes, shorter than the " + header
                        + "-byte header of a " + ndims + "-dimensional file");
            }
            int[] shape = new int[ndims];
            for (int d = 0; d < ndims; d++) {
                shape[d] = bigEndianInt(sizes, 4 * d);
                if (shape[d] < 0) {
                    throw new IOException(where + ": dimension " + d + " has size " + Integer.toUnsignedString(shape[d])
                            + ", more than 2^31 - 1");
                }
            }
            if (overflows(shape)) {
                throw new IOException(where + ": sizes " + Arrays.toString(shape) + " hold more than 2^31 elements, too many for one array");
            }
            int n = (int) Tensor.numel(shape);
            long expected = header + (long) n;
            byte[] data = in.readNBytes(n);
            if (data.length < n) {
                throw new IOException(where + ": truncated: sizes " + Arrays.toString(shape) + " need " + expected + " bytes but the "
                        + "file has " + (header + data.length));
            }
            long trailing = in.transferTo(OutputStream.nullOutputStream());
            if (trailing > 0) {
                throw new IOException(where + ": " + trailing + " trailing bytes after the " + expected
                        + " bytes that sizes " + Arrays.toString(shape) + " need");
            }
            return new Array(shape, data);
        } catch (EOFException e) {
            throw new IOException(where + ": truncated gzip stream", e);
        } catch (ZipException e) {
            throw new IOException(where + ": corrupt gzip stream: " + e.getMessage(), e);
        }
    }

    /**
     * Reads an images file ({@code 0x00000803}) as a float tensor {@code [n, rows, cols]}, pixels scaled to [0, 1],
     * made in the caller's current {@link org.panagrad.MemoryScope}.
     */
    public static Tensor readImages(Path file) throws IOException {
        return readImages(file, Normalization.NONE);
    }

    /** Reads an images file as {@code [n, rows, cols]} floats {@code (byte / 255 - mean) / std}. */
    public static Tensor readImages(Path file, Normalization norm) throws IOException {
        Array a = read(file, 3);
        return toTensor(a, 1f / (255f * norm.std()), -norm.mean() / norm.std());
    }

    /** Reads a labels file ({@code 0x00000801}) as a float tensor {@code [n]} of whole numbers 0..255. */
    public static Tensor readLabels(Path file) throws IOException {
        return toTensor(read(file, 1), 1f, 0f);
    }

    /** {@code byte * scale + shift} for every element, written straight into a new tensor. */
    static Tensor toTensor(Array a, float scale, float shift) {
        Tensor t = Tensor.empty(a.shape());
        MemorySegment s = t.segment();
        byte[] d = a.data();
        // Load-time conversion, once per file: a lookup table avoids a multiply per pixel.
        float[] table = new float[256];
        for (int v = 0; v < 256; v++) table[v] = v * scale + shift;
        for (int i = 0; i < d.length; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, table[d[i] & 0xff]);
        return t;
    }

    /**
     * Writes an unsigned-byte IDX file (gzipped when {@code gzip}); {@code data} holds {@code numel(shape)} bytes.
     * For tests and for exporting data in MNIST's format.
     */
    public static void write(Path file, int[] shape, byte[] data, boolean gzip) throws IOException {
        if (shape.length == 0 || shape.length > 255) {
            throw new IllegalArgumentException("Idx.write: need 1 to 255 dimensions, got " + shape.length);
        }
        if (Tensor.numel(shape) != data.length) {
            throw new IllegalArgumentException("Idx.write: shape " + Arrays.toString(shape) + " holds " + Tensor.numel(shape)
                    + " bytes but " + data.length + " were given");
        }
        try (OutputStream raw = Files.newOutputStream(file); OutputStream out = gzip ? new GZIPOutputStream(raw) : raw) {
            byte[] header = new byte[4 + 4 * shape.length];
            header[2] = UBYTE;
            header[3] = (byte) shape.length;
            for (int d = 0; d < shape.length; d++) putBigEndianInt(header, 4 + 4 * d, shape[d]);
            out.write(header);
            out.write(data);
        }
    }

    /** The file's bytes, decompressed when it starts with the gzip magic {@code 1f 8b}. */
    private static InputStream open(Path file) throws IOException {
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "IDX file not found");
        }
        try {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private static boolean overflows(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
            if (n > Integer.MAX_VALUE - 64) return true; // the data must fit one Java array
        }
        return false;
    }

    private static String describeMagic(int magic) {
        if ((magic >>> 16) != 0) return "; not an IDX file (IDX files start with two zero bytes)";
        int type = (magic >>> 8) & 0xff;
        if (type != UBYTE) return "; element type 0x" + String.format("%02x", type) + " is not supported (only 0x08, unsigned byte)";
        return "; the file has " + (magic & 0xff) + " dimension" + ((magic & 0xff) == 1 ? "" : "s");
    }

    private static int bigEndianInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    private static void putBigEndianInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}

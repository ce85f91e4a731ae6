package org.panagrad.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.panagrad.Tensor;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format, float32 only:
 *
 * <pre>
 * [8 bytes] N, the header length, unsigned little-endian
 * [N bytes] JSON: {"__metadata__": {"k": "v", ...}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
 *           padded with spaces so that 8 + N is a multiple of 8
 * [rest]    the tensors' bytes, little-endian, each at [begin, end) of this section, back to back
 * </pre>
 *
 * <pre>{@code
 * SafeTensors.write(Path.of("w.safetensors"), Map.of("weight", w), Map.of("epoch", "3"));
 * SafeTensors.Contents c = SafeTensors.read(Path.of("w.safetensors"));
 * Tensor w2 = c.tensors().get("weight");
 * }</pre>
 *
 * <p>Writes are atomic: the bytes go to a temporary file in the same directory, which is flushed to disk and then
 * renamed over the target, so a crash or error leaves either the old file or the new one, never a mix. Reads
 * validate the whole header (sizes, dtype, shapes, offsets: contiguous, in bounds, no overlap, exactly covering
 * the data) before creating any tensor; errors name the file and the tensor.
 */
public final class SafeTensors {
    /** The header key holding string metadata. */
    public static final String METADATA_KEY = "__metadata__";
    /** Largest header accepted (the reference implementation's limit). */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final java.security.SecureRandom TEMP_NAMES = new java.security.SecureRandom();
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private SafeTensors() {}

    /** What a file holds: tensors in file order, and the string metadata (empty when there is none). */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /** One tensor's header entry, validated: {@code [begin, end)} is relative to the data section. */
    record Entry(String name, int[] shape, long begin, long end) {
        long numel() {
            return Tensor.numel(shape);
        }
    }

    /** A validated header: entries sorted by offset, metadata, and where the data section starts. */
    record Header(List<Entry> entries, Map<String, String> metadata, long dataStart, long fileSize) {}

    /** Called by {@link #write} after each tensor's bytes (package-private: tests inject failures with it). */
    @FunctionalInterface
    interface WriteObserver {
        void afterTensor(String name, long bytesWritten) throws IOException;
    }

    // ---- writing -------------------------------------------------------------------------------

    /** Writes {@code tensors} (in the map's iteration order) without metadata. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} (in the map's iteration order) and {@code metadata} atomically: on any failure the
     * temporary file is deleted and an existing {@code file} is left as it was.
     *
     * @throws IllegalArgumentException for an empty or reserved name, or a null value
     * @throws IllegalStateException    for a released tensor
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, (name, bytes) -> {});
    }

    static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, WriteObserver observer) throws IOException {
        String where = "safetensors: " + file;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException(where + ": invalid tensor name '" + name + "' (empty or reserved)");
            }
            if (e.getValue() == null) throw new IllegalArgumentException(where + ": tensor '" + name + "' is null");
            e.getValue().checkAlive("SafeTensors.write (tensor '" + name + "')");
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException(where + ": metadata entry " + e.getKey() + "=" + e.getValue() + " has a null key or value");
            }
        }
        byte[] header = headerBytes(tensors, metadata);

        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        // Not Files.createTempFile: it makes the file owner-only (0600), and the rename would carry that over.
        Path tmp = dir.resolve("." + absolute.getFileName() + "." + Long.toHexString(TEMP_NAMES.nextLong()) + ".tmp");
        FileChannel opened = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
        try {
            try (FileChannel ch = opened) {
                ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
                writeFully(ch, prefix);
                writeFully(ch, ByteBuffer.wrap(header));
                long written = 8 + header.length;
                for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                    written += writeTensor(ch, e.getValue());
                    observer.afterTensor(e.getKey(), written);
                }
                ch.force(true); // data on disk before the rename makes it visible
            }
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                t.addSuppressed(suppressed);
            }
            throw t;
        }
        syncDirectory(dir);
    }

    private static byte[] headerBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            ObjectNode info = root.putObject(e.getKey());
            info.put("dtype", "F32");
            ArrayNode shape = info.putArray("shape");
            for (int d : t.shape()) shape.add(d);
            long bytes = t.numel() * Float.BYTES;
            info.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("safetensors: cannot serialise the header", e);
        }
        int padded = (json.length + 7) & ~7; // 8 + N stays 8-byte aligned, so float data is aligned too
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static long writeTensor(FileChannel ch, Tensor t) throws IOException {
        MemorySegment seg = t.segment();
        long bytes = t.numel() * Float.BYTES;
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            // Straight from off-heap memory to the file, in chunks a ByteBuffer can address.
            for (long off = 0; off < bytes; off += 1L << 30) {
                writeFully(ch, seg.asSlice(off, Math.min(1L << 30, bytes - off)).asByteBuffer());
            }
        } else {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment le = arena.allocate(Math.max(bytes, 1));
                MemorySegment.copy(seg, ValueLayout.JAVA_FLOAT, 0, le, LE_FLOAT, 0, t.numel());
                for (long off = 0; off < bytes; off += 1L << 30) {
                    writeFully(ch, le.asSlice(off, Math.min(1L << 30, bytes - off)).asByteBuffer());
                }
            }
        }
        return bytes;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    /** Makes the rename itself durable; not every file system lets a directory be opened, which is harmless. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort
        }
    }

    // ---- reading -------------------------------------------------------------------------------

    /**
     * Reads every tensor (in file order) into new tensors made in the caller's current
     * {@link org.panagrad.MemoryScope}, after validating the whole file.
     *
     * @throws IOException when the file cannot be read or is not a valid float32 safetensors file; the message
     *                     names the file and, where there is one, the tensor
     */
    public static Contents read(Path file) throws IOException {
        return read(file, h -> {});
    }

    /** A check of a validated header that may reject it before any tensor is made. */
    @FunctionalInterface
    interface HeaderCheck {
        void check(Header header) throws IOException;
    }

    static Contents read(Path file, HeaderCheck extraCheck) throws IOException {
        try (FileChannel ch = open(file); Arena arena = Arena.ofConfined()) {
            Header h = readHeader(file, ch);
            extraCheck.check(h);
            MemorySegment mapped = map(ch, h, arena);
            Map<String, Tensor> out = new LinkedHashMap<>();
            try {
                for (Entry e : h.entries()) {
                    Tensor t = Tensor.empty(e.shape());
                    out.put(e.name(), t);
                    copyInto(mapped, h, e, t);
                }
            } catch (RuntimeException ex) {
                out.values().forEach(Tensor::close);
                throw ex;
            }
            return new Contents(Collections.unmodifiableMap(out), h.metadata());
        }
    }

    /** Reads only the header: names, shapes and metadata, validated against the file's size. */
    public static Map<String, int[]> shapes(Path file) throws IOException {
        try (FileChannel ch = open(file)) {
            Map<String, int[]> out = new LinkedHashMap<>();
            for (Entry e : readHeader(file, ch).entries()) out.put(e.name(), e.shape());
            return out;
        }
    }

    static FileChannel open(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "safetensors: file not found");
        }
    }

    /** Copies one validated entry's bytes from the mapped file into {@code t} (same element count). */
    static void copyInto(MemorySegment mapped, Header h, Entry e, Tensor t) {
        MemorySegment.copy(mapped, LE_FLOAT, h.dataStart() + e.begin(), t.segment(), ValueLayout.JAVA_FLOAT, 0, e.numel());
    }

    /** Maps the whole file (read-only) into {@code arena}; call after {@link #readHeader} accepted it. */
    static MemorySegment map(FileChannel ch, Header h, Arena arena) throws IOException {
        return ch.map(FileChannel.MapMode.READ_ONLY, 0, h.fileSize(), arena);
    }

    /** Reads and validates the header; creates nothing. */
    static Header readHeader(Path file, FileChannel ch) throws IOException {
        String where = "safetensors: " + file;
        long size = ch.size();
        if (size < 8) {
            throw new IOException(where + ": file is " + size + " bytes, too short for the 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long n = lenBuf.flip().getLong();
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new IOException(where + ": header length " + Long.toUnsignedString(n) + " is larger than the "
                    + MAX_HEADER_BYTES + "-byte limit (corrupt or not a safetensors file)");
        }
        if (n > size - 8) {
            throw new IOException(where + ": header length " + n + " exceeds the " + (size - 8) + " bytes after the length field (truncated file?)");
        }
        if (n < 2) throw new IOException(where + ": header length " + n + " is too short for a JSON object");
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        readFully(ch, hb, 8);
        byte[] headerBytes = hb.array();
        if (headerBytes[0] != '{') {
            throw new IOException(where + ": header does not start with '{' (corrupt or not a safetensors file)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IOException(where + ": header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) throw new IOException(where + ": header is not a JSON object");

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            JsonNode v = f.getValue();
            if (name.equals(METADATA_KEY)) {
                if (!v.isObject()) throw new IOException(where + ": " + METADATA_KEY + " must be an object of strings");
                for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
                    Map.Entry<String, JsonNode> kv = m.next();
                    if (!kv.getValue().isTextual()) {
                        throw new IOException(where + ": metadata '" + kv.getKey() + "' is " + kv.getValue() + ", not a string");
                    }
                    metadata.put(kv.getKey(), kv.getValue().textValue());
                }
                continue;
            }
            entries.add(parseEntry(where + ": tensor '" + name + "'", name, v));
        }

        long dataLen = size - 8 - n;
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry prev = null;
        for (Entry e : entries) {
            if (e.begin() < expected) {
                throw new IOException(where + ": tensor '" + e.name() + "' data_offsets [" + e.begin() + ", " + e.end() + "] overlap tensor '"
                        + prev.name() + "' [" + prev.begin() + ", " + prev.end() + "]");
            }
            if (e.begin() > expected) {
                throw new IOException(where + ": tensor '" + e.name() + "' starts at " + e.begin() + " but the previous tensor"
                        + (prev == null ? "s end" : " '" + prev.name() + "' ends") + " at " + expected + " (gap in the data section)");
            }
            if (e.end() > dataLen) {
                throw new IOException(where + ": tensor '" + e.name() + "' data_offsets [" + e.begin() + ", " + e.end()
                        + "] go past the end of the " + dataLen + "-byte data section (truncated file?)");
            }
            expected = e.end();
            prev = e;
        }
        if (expected != dataLen) {
            throw new IOException(where + ": data section is " + dataLen + " bytes but the tensors cover " + expected
                    + " (" + (dataLen - expected) + " trailing bytes)");
        }
        return new Header(List.copyOf(entries), Collections.unmodifiableMap(metadata), 8 + n, size);
    }

    private static Entry parseEntry(String where, String name, JsonNode v) throws IOException {
        if (!v.isObject()) throw new IOException(where + ": entry is " + v.getNodeType() + ", expected an object");
        for (Iterator<String> k = v.fieldNames(); k.hasNext(); ) {
            String key = k.next();
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw new IOException(where + ": unexpected key '" + key + "' (expected dtype, shape, data_offsets)");
            }
        }
        JsonNode dtype = v.get("dtype");
        if (dtype == null || !dtype.isTextual()) throw new IOException(where + ": missing or non-string dtype");
        if (!dtype.textValue().equals("F32")) {
            throw new IOException(where + ": dtype " + dtype.textValue() + " is not supported (panagrad reads F32 only)");
        }
        JsonNode shapeNode = v.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) throw new IOException(where + ": missing shape array");
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw new IOException(where + ": shape " + shapeNode + " must hold integers in [0, 2^31 - 1], dimension " + i + " is " + d);
            }
            shape[i] = d.intValue();
        }
        long numel;
        try {
            numel = Tensor.numel(shape);
            Math.multiplyExact(numel, Float.BYTES);
        } catch (ArithmeticException e) {
            throw new IOException(where + ": shape " + Arrays.toString(shape) + " has too many elements");
        }
        JsonNode off = v.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2) throw new IOException(where + ": data_offsets must be [begin, end]");
        for (JsonNode o : off) {
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.longValue() < 0) {
                throw new IOException(where + ": data_offsets " + off + " must be non-negative integers");
            }
        }
        long begin = off.get(0).longValue(), end = off.get(1).longValue();
        if (end < begin) throw new IOException(where + ": data_offsets [" + begin + ", " + end + "] end before they begin");
        if (end - begin != numel * Float.BYTES) {
            throw new IOException(where + ": shape " + Arrays.toString(shape) + " needs " + numel * Float.BYTES + " bytes of F32 but data_offsets ["
                    + begin + ", " + end + "] span " + (end - begin));
        }
        return new Entry(name, shape, begin, end);
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            int r = ch.read(b, p);
            if (r < 0) throw new IOException("unexpected end of file at byte " + p);
            p += r;
        }
    }
}

package org.panagrad.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.panagrad.MemoryScope;
import org.panagrad.Tensor;

/**
 * Training checkpoints: model parameters and optimizer state in ONE {@link SafeTensors} file, names prefixed
 * {@value #MODEL_PREFIX} and {@value #OPTIM_PREFIX}, plus string metadata (epoch, learning rate, ...).
 *
 * <pre>{@code
 * Checkpoint.save(Path.of("ckpt.safetensors"), model.namedParameters(), optimizer.stateDict(), Map.of("epoch", "5"));
 * // later, into a freshly built model of the same architecture:
 * Checkpoint.loadInto(Path.of("ckpt.safetensors"), model.namedParameters());
 * Checkpoint.State s = Checkpoint.load(Path.of("ckpt.safetensors"));
 * optimizer.loadStateDict(s.optimizerState());
 * }</pre>
 *
 * <p>Saving is atomic (an interrupted save leaves the previous checkpoint intact), and {@link #loadInto} checks
 * every name and shape before copying anything, so a failed load leaves the model untouched.
 */
public final class Checkpoint {
    /** Prefix of parameter names in the file. */
    public static final String MODEL_PREFIX = "model.";
    /** Prefix of optimizer-state names in the file. */
    public static final String OPTIM_PREFIX = "optim.";

    private Checkpoint() {}

    /** A loaded checkpoint: parameters and optimizer state (names without prefixes, file order) and metadata. */
    public record State(Map<String, Tensor> parameters, Map<String, Tensor> optimizerState, Map<String, String> metadata) {}

    /** Saves parameters only. */
    public static void save(Path file, Map<String, Tensor> parameters) throws IOException {
        save(file, parameters, Map.of(), Map.of());
    }

    /**
     * Saves {@code parameters} and {@code optimizerState} (each may be empty) with {@code metadata}, atomically:
     * the file is replaced only once the new one is completely on disk.
     */
    public static void save(Path file, Map<String, Tensor> parameters, Map<String, Tensor> optimizerState, Map<String, String> metadata)
            throws IOException {
        save(file, parameters, optimizerState, metadata, (name, bytes) -> {});
    }

    static void save(Path file, Map<String, Tensor> parameters, Map<String, Tensor> optimizerState, Map<String, String> metadata,
                     SafeTensors.WriteObserver observer) throws IOException {
        Map<String, Tensor> all = new LinkedHashMap<>();
        parameters.forEach((k, v) -> all.put(MODEL_PREFIX + k, v));
        optimizerState.forEach((k, v) -> all.put(OPTIM_PREFIX + k, v));
        SafeTensors.write(file, all, metadata, observer);
    }

    /**
     * Loads a checkpoint into new tensors created outside any {@link MemoryScope} (they are parameters and state,
     * which outlive training steps).
     *
     * @throws IOException when the file is invalid or holds a name with neither prefix
     */
    public static State load(Path file) throws IOException {
        SafeTensors.Contents c;
        try {
            c = MemoryScope.outside(() -> {
                try {
                    return SafeTensors.read(file, h -> {
                        for (SafeTensors.Entry e : h.entries()) {
                            if (!e.name().startsWith(MODEL_PREFIX) && !e.name().startsWith(OPTIM_PREFIX)) {
                                throw new IOException("Checkpoint: " + file + ": tensor '" + e.name() + "' has neither the '" + MODEL_PREFIX
                                        + "' nor the '" + OPTIM_PREFIX + "' prefix; not a panagrad checkpoint (use SafeTensors.read for plain files)");
                            }
                        }
                    });
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        Map<String, Tensor> model = new LinkedHashMap<>(), optim = new LinkedHashMap<>();
        c.tensors().forEach((name, t) -> {
            if (name.startsWith(MODEL_PREFIX)) model.put(name.substring(MODEL_PREFIX.length()), t);
            else optim.put(name.substring(OPTIM_PREFIX.length()), t);
        });
        return new State(Collections.unmodifiableMap(model), Collections.unmodifiableMap(optim), c.metadata());
    }

    /**
     * Copies the checkpoint's parameters into {@code parameters} (e.g. {@code model.namedParameters()}), in place
     * and not recorded by autograd. Every name and shape is checked first; on any mismatch nothing is copied.
     *
     * @throws IllegalArgumentException naming missing, unexpected and wrongly shaped parameters
     * @throws IOException              when the file is invalid
     */
    public static void loadInto(Path file, Map<String, Tensor> parameters) throws IOException {
        loadInto(file, parameters, null);
    }

    /**
     * Like {@link #loadInto(Path, Map)} for parameters and optimizer state together (e.g. an optimizer's
     * existing state tensors): both are checked before either is written.
     */
    public static void loadInto(Path file, Map<String, Tensor> parameters, Map<String, Tensor> optimizerState) throws IOException {
        try (FileChannel ch = SafeTensors.open(file); Arena arena = Arena.ofConfined()) {
            SafeTensors.Header h = SafeTensors.readHeader(file, ch);
            Map<String, Tensor> targets = new LinkedHashMap<>();
            parameters.forEach((k, v) -> targets.put(MODEL_PREFIX + k, v));
            if (optimizerState != null) optimizerState.forEach((k, v) -> targets.put(OPTIM_PREFIX + k, v));

            List<String> problems = new ArrayList<>();
            TreeSet<String> unexpected = new TreeSet<>();
            Map<String, SafeTensors.Entry> inFile = new LinkedHashMap<>();
            for (SafeTensors.Entry e : h.entries()) {
                boolean relevant = e.name().startsWith(MODEL_PREFIX) || (optimizerState != null && e.name().startsWith(OPTIM_PREFIX));
                if (!relevant) continue;
                inFile.put(e.name(), e);
                if (!targets.containsKey(e.name())) unexpected.add(e.name());
            }
            TreeSet<String> missing = new TreeSet<>();
            for (Map.Entry<String, Tensor> t : targets.entrySet()) {
                SafeTensors.Entry e = inFile.get(t.getKey());
                if (e == null) {
                    missing.add(t.getKey());
                    continue;
                }
                Tensor target = t.getValue();
                if (target == null) {
                    problems.add(t.getKey() + " is null in the target");
                } else if (target.isReleased()) {
                    problems.add(t.getKey() + " was released in the target");
                } else if (!Arrays.equals(target.shape(), e.shape())) {
                    problems.add(t.getKey() + ": file has shape " + Arrays.toString(e.shape()) + ", target has "
                            + Arrays.toString(target.shape()));
                }
            }
            if (!missing.isEmpty()) problems.add(0, "missing from the file: " + missing);
            if (!unexpected.isEmpty()) problems.add(missing.isEmpty() ? 0 : 1, "unexpected in the file (no such target): " + unexpected);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Checkpoint.loadInto: " + file + " does not match the target; nothing was loaded: "
                        + String.join("; ", problems));
            }
            MemorySegment mapped = SafeTensors.map(ch, h, arena);
            for (Map.Entry<String, Tensor> t : targets.entrySet()) {
                SafeTensors.copyInto(mapped, h, inFile.get(t.getKey()), t.getValue());
            }
        }
    }
}

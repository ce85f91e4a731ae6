package org.panagrad;

import java.util.ArrayList;
import java.util.function.Supplier;

/**
 * Releases, deterministically, every tensor created inside it, which is what makes a training step reuse
 * the same native memory step after step:
 *
 * <pre>{@code
 * for (Batch batch : loader) {
 *     try (var step = MemoryScope.open()) {
 *         optimizer.zeroGrad();
 *         Tensor loss = criterion.forward(model.forward(batch.x()), batch.y());
 *         loss.backward();
 *         optimizer.step();
 *         total += loss.item();
 *     }   // activations, gradients of intermediates and the loss go back to the allocator here
 * }
 * }</pre>
 *
 * <p>Parameters, their {@code .grad} and optimizer state are created outside any scope (see
 * {@link #outside(Supplier)}), so they survive. A tensor needed after the scope can be handed to the enclosing
 * scope with {@link #keep(Tensor)}. Tensors created with no scope open are released by the garbage collector
 * once unreachable, or by {@link Tensor#close()}. Scopes belong to the thread that opened them and nest.
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<MemoryScope> CURRENT = new ThreadLocal<>();

    private final MemoryScope parent;
    private final Thread owner = Thread.currentThread();
    private final ArrayList<Tensor> tensors = new ArrayList<>();
    private boolean closed;

    private MemoryScope(MemoryScope parent) {
        this.parent = parent;
    }

    /** Opens a scope nested in the current one (if any) on this thread. */
    public static MemoryScope open() {
        MemoryScope s = new MemoryScope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /** The innermost open scope of this thread, or null. */
    static MemoryScope current() {
        return CURRENT.get();
    }

    /**
     * Runs {@code body} as if no scope were open: what it creates lives until closed or garbage collected.
     * Used for parameters, gradients of leaves and optimizer state created lazily inside a training step.
     */
    public static <T> T outside(Supplier<T> body) {
        MemoryScope saved = CURRENT.get();
        if (saved == null) return body.get();
        CURRENT.remove();
        try {
            return body.get();
        } finally {
            CURRENT.set(saved);
        }
    }

    void register(Tensor t) {
        tensors.add(t);
    }

    /**
     * Hands {@code t} to the enclosing scope (or, at the outermost scope, to the garbage collector) so it
     * survives this scope's close.
     *
     * @return t
     */
    public Tensor keep(Tensor t) {
        checkOwner("keep");
        if (t.scope != this) return t; // already outlives this scope
        t.scope = parent;
        if (parent != null) parent.register(t);
        else t.storageForScopes().ensureCleaner();
        return t;
    }

    /** Number of tensors this scope will release on close (including ones already closed by hand). */
    public int size() {
        return tensors.size();
    }

    /** Releases every tensor created in this scope and not kept. Scopes must close innermost first. */
    @Override
    public void close() {
        if (closed) return;
        checkOwner("close");
        if (CURRENT.get() != this) {
            throw new IllegalStateException("MemoryScope.close: an inner scope opened after this one is still open; close scopes innermost first");
        }
        closed = true;
        CURRENT.set(parent);
        if (parent == null) CURRENT.remove();
        for (Tensor t : tensors) {
            if (t.scope == this) t.close();
        }
        tensors.clear();
    }

    private void checkOwner(String what) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("MemoryScope." + what + ": scope belongs to thread '" + owner.getName()
                    + "', called from '" + Thread.currentThread().getName() + "'");
        }
        if (closed) throw new IllegalStateException("MemoryScope." + what + ": scope is already closed");
    }
}

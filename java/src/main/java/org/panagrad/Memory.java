package org.panagrad;

/**
 * Native memory of panagrad: counters of the caching allocator and a way to give cached memory back.
 * See {@link MemoryScope} for releasing the tensors of a training step deterministically.
 */
public final class Memory {
    private Memory() {}

    /** A snapshot of the allocator's counters. */
    public static MemoryStats stats() {
        return NativeAllocator.INSTANCE.stats();
    }

    /** Returns every cached (released, unused) block to the operating system. */
    public static void trim() {
        NativeAllocator.INSTANCE.trim();
    }
}

package org.panagrad;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;

/**
 * A block of native memory shared by a tensor and its views (reshape, get, detach), counted by the tensors
 * that are not yet closed. The block goes back to the allocator when the count drops to zero, or, for
 * storages reachable from no scope, when the garbage collector finds them unreachable.
 */
final class Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    final MemorySegment block;
    private int refs = 1;
    private Cleaner.Cleanable cleanable;
    private boolean released;

    Storage(MemorySegment block) {
        this.block = block;
    }

    static Storage allocate(long bytes, boolean gcManaged) {
        Storage s = new Storage(NativeAllocator.INSTANCE.allocate(bytes));
        if (gcManaged) s.ensureCleaner();
        return s;
    }

    /** Lets the garbage collector release the block once this storage is unreachable. */
    synchronized void ensureCleaner() {
        if (cleanable != null || released || block.byteSize() == 0) return;
        MemorySegment b = block; // the action must not capture this storage
        cleanable = CLEANER.register(this, () -> NativeAllocator.INSTANCE.release(b));
    }

    synchronized void retain() {
        if (released) throw new IllegalStateException("storage already released");
        refs++;
    }

    synchronized void release() {
        if (released) return;
        if (--refs > 0) return;
        released = true;
        if (cleanable != null) cleanable.clean();
        else NativeAllocator.INSTANCE.release(block);
    }
}

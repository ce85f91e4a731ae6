package org.panagrad;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayDeque;

/**
 * The caching allocator behind every tensor: 64-byte aligned blocks from libc, rounded up to size classes
 * (four per power of two, so at most 25% slack) and kept in per-class free lists when released, so a
 * training loop that allocates the same shapes every step reaches a steady state with no fresh
 * allocations. Thread-safe; the lock is uncontended in the common case.
 */
final class NativeAllocator {
    private static final long ALIGN = 64;
    private static final int CLASSES = 256;
    private static final MethodHandle ALIGNED_ALLOC;
    private static final MethodHandle FREE;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        ALIGNED_ALLOC = linker.downcallHandle(libc.findOrThrow("aligned_alloc"),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        FREE = linker.downcallHandle(libc.findOrThrow("free"), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    }

    static final NativeAllocator INSTANCE = new NativeAllocator();

    @SuppressWarnings("unchecked")
    private final ArrayDeque<MemorySegment>[] free = new ArrayDeque[CLASSES];
    private final long cacheLimit = Long.getLong("panagrad.memory.cacheLimit", 4L << 30);
    private long bytesInUse, bytesCached, freshAllocations, freshBytes, reused, liveBlocks;
    /** In-use bytes above which a fresh allocation first asks the GC to run cleaners of unreachable tensors. */
    private long gcThreshold = Long.getLong("panagrad.memory.gcThreshold", 1L << 30);

    private NativeAllocator() {
        for (int i = 0; i < CLASSES; i++) free[i] = new ArrayDeque<>();
    }

    /** Size class index of a byte count > 0: four classes per power of two, the smallest 64 bytes. */
    static int sizeClass(long bytes) {
        long b = Math.max(bytes, ALIGN);
        int log = 63 - Long.numberOfLeadingZeros(b - 1); // b - 1 < 2^(log+1)
        if (log < 6) return 0;
        // Within [2^log, 2^(log+1)): quarter steps.
        long quarter = 1L << (log - 2);
        long steps = (b - 1 - (1L << log)) / quarter; // 0..3
        return (log - 6) * 4 + (int) steps + 1;
    }

    static long classBytes(int cls) {
        if (cls == 0) return ALIGN;
        int log = (cls - 1) / 4 + 6;
        int step = (cls - 1) % 4;
        return (1L << log) + (long) (step + 1) * (1L << (log - 2));
    }

    /** A block of at least {@code bytes} bytes (never zero-filled). */
    MemorySegment allocate(long bytes) {
        if (bytes == 0) return MemorySegment.NULL;
        int cls = sizeClass(bytes);
        long size = classBytes(cls);
        synchronized (this) {
            MemorySegment cached = free[cls].pollLast();
            if (cached != null) {
                bytesCached -= size;
                bytesInUse += size;
                reused++;
                liveBlocks++;
                return cached;
            }
        }
        maybeCollect(size);
        MemorySegment block = malloc(size);
        synchronized (this) {
            bytesInUse += size;
            freshAllocations++;
            freshBytes += size;
            liveBlocks++;
        }
        return block;
    }

    /** Gives a block back; it is cached for reuse unless the cache is over its limit. */
    void release(MemorySegment block) {
        if (block.byteSize() == 0) return;
        long size = block.byteSize();
        int cls = sizeClass(size);
        boolean keep;
        synchronized (this) {
            bytesInUse -= size;
            liveBlocks--;
            keep = bytesCached + size <= cacheLimit;
            if (keep) {
                free[cls].addLast(block);
                bytesCached += size;
            }
        }
        if (!keep) freeNow(block);
    }

    /** Returns every cached block to the operating system. */
    void trim() {
        ArrayDeque<MemorySegment> all = new ArrayDeque<>();
        synchronized (this) {
            for (ArrayDeque<MemorySegment> q : free) {
                all.addAll(q);
                q.clear();
            }
            bytesCached = 0;
        }
        for (MemorySegment s : all) freeNow(s);
    }

    synchronized MemoryStats stats() {
        return new MemoryStats(bytesInUse, bytesCached, freshAllocations, freshBytes, reused, liveBlocks);
    }

    /**
     * Tensors made outside a {@link MemoryScope} are released by a Cleaner once unreachable, but the GC does not
     * see native memory; like direct ByteBuffers, ask it to run when in-use bytes keep growing.
     */
    private void maybeCollect(long size) {
        long inUse;
        synchronized (this) {
            inUse = bytesInUse;
        }
        if (inUse + size <= gcThreshold) return;
        System.gc();
        for (int i = 0; i < 20; i++) {
            synchronized (this) {
                if (bytesInUse + size <= gcThreshold || bytesCached >= size) break;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        synchronized (this) {
            gcThreshold = Math.max(gcThreshold, 2 * bytesInUse);
        }
    }

    private static MemorySegment malloc(long size) {
        MemorySegment p;
        try {
            p = (MemorySegment) ALIGNED_ALLOC.invokeExact(ALIGN, size);
        } catch (Throwable t) {
            throw new IllegalStateException("aligned_alloc failed", t);
        }
        if (p.address() == 0) {
            throw new OutOfMemoryError("panagrad: cannot allocate " + size + " bytes of native memory ("
                    + INSTANCE.stats() + ")");
        }
        return p.reinterpret(size);
    }

    private static void freeNow(MemorySegment block) {
        try {
            FREE.invokeExact(block);
        } catch (Throwable t) {
            throw new IllegalStateException("free failed", t);
        }
    }
}

package org.panagrad;

/**
 * A snapshot of panagrad's native memory, from {@link Memory#stats()}.
 *
 * @param bytesInUse        bytes held by live tensors (rounded up to size classes)
 * @param bytesCached       bytes released by tensors and kept for reuse
 * @param freshAllocations  blocks ever requested from the operating system
 * @param freshBytes        bytes ever requested from the operating system
 * @param reusedAllocations allocations served from the cache
 * @param liveBlocks        blocks currently held by tensors
 */
public record MemoryStats(long bytesInUse, long bytesCached, long freshAllocations, long freshBytes,
                          long reusedAllocations, long liveBlocks) {
    /** Bytes taken from the operating system and not given back: in use plus cached. */
    public long bytesReserved() {
        return bytesInUse + bytesCached;
    }

    @Override
    public String toString() {
        return String.format("in use %.1f MiB (%d blocks), cached %.1f MiB, fresh allocations %d (%.1f MiB), reused %d",
                bytesInUse / 1048576.0, liveBlocks, bytesCached / 1048576.0, freshAllocations, freshBytes / 1048576.0,
                reusedAllocations);
    }
}

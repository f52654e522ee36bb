package org.kmemdump.core.internal;

import java.util.Map;
import java.util.TreeMap;

/**
 * First-fit allocation of the arena file's zone space, in {@value #GRANULE}-byte granules (so 64-bit
 * fields in zones are aligned), with neighbouring free blocks merged on free. The bookkeeping lives
 * on the heap: an outside reader finds zones through the backends' tables, never through this.
 *
 * <p>Not thread-safe: {@link DumpArena} serializes it.
 */
final class ArenaAllocator {
    static final long GRANULE = 64;

    /** Free blocks by offset: offset to length. */
    private final TreeMap<Long, Long> free = new TreeMap<>();
    private long freeBytes;

    ArenaAllocator(long start, long end) {
        long first = roundUp(start);
        if (end > first) {
            free.put(first, end - first);
            freeBytes = end - first;
        }
    }

    static long roundUp(long size) {
        return (size + GRANULE - 1) & -GRANULE;
    }

    /** @return the offset of a block of at least {@code size} bytes, or -1 if none is large enough */
    long allocate(long size) {
        long length = roundUp(size);
        for (Map.Entry<Long, Long> block : free.entrySet()) {
            // copy out first: TreeMap.remove may reuse this entry for its successor
            long offset = block.getKey();
            long available = block.getValue();
            if (available >= length) {
                free.remove(offset);
                if (available > length) {
                    free.put(offset + length, available - length);
                }
                freeBytes -= length;
                return offset;
            }
        }
        return -1;
    }

    /** Returns a block from {@link #allocate(long)} of the same {@code size}. */
    void free(long offset, long size) {
        long length = roundUp(size);
        Map.Entry<Long, Long> before = free.floorEntry(offset);
        if (before != null && before.getKey() + before.getValue() > offset) {
            throw new IllegalStateException("block at " + offset + " is already free");
        }
        freeBytes += length;
        if (before != null && before.getKey() + before.getValue() == offset) {
            offset = before.getKey();
            length += before.getValue();
        }
        Long after = free.get(offset + length);
        if (after != null) {
            free.remove(offset + length);
            length += after;
        }
        free.put(offset, length);
    }

    long freeBytes() {
        return freeBytes;
    }

    long largestFreeBlock() {
        return free.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }
}

package org.kmemdump.core.internal;

import java.util.Map;
import java.util.TreeMap;

/**
 * First-fit allocation of the arena file's zone space, in {@value #GRANULE}-byte granules (so 64-bit
 * fields in zones are aligned), with neighbouring free blocks merged on free. The bookkeeping lives
 * on the heap: an outside reader finds zones through the backends' tables, never through this.
 *
 * <p>Any size is answered without changing anything unless a block is handed out: a size larger
 * than the whole zone space (up to {@code Long.MAX_VALUE}) is refused before it is rounded, so the
 * rounding never wraps.
 *
 * <p>Not thread-safe: {@link DumpArena} serializes it.
 */
final class ArenaAllocator {
    static final long GRANULE = 64;

    /** Free blocks by offset: offset to length. */
    private final TreeMap<Long, Long> free = new TreeMap<>();
    private final long first;
    private final long end;
    private long freeBytes;

    ArenaAllocator(long start, long end) {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("zone space " + start + ".." + end + " is not a range of file offsets");
        }
        this.first = roundUp(start);
        this.end = end;
        if (end > first) {
            free.put(first, end - first);
            freeBytes = end - first;
        }
    }

    /** @return {@code size} rounded up to whole granules; {@code size} is at most the zone space, so this never wraps */
    static long roundUp(long size) {
        return Math.addExact(size, GRANULE - 1) & -GRANULE;
    }

    /**
     * @return the offset of a block of at least {@code size} bytes, or -1 if none is large enough
     * @throws IllegalArgumentException if {@code size} is below 1
     */
    long allocate(long size) {
        if (size < 1) {
            throw new IllegalArgumentException("block size " + size + " must be at least 1 byte");
        }
        if (size > end - first) {
            return -1;
        }
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

    /**
     * Returns a block from {@link #allocate(long)} of the same {@code size}.
     *
     * @throws IllegalStateException if that cannot be an allocated block: free in part or whole, or
     *                               outside the zone space; nothing changes then
     */
    void free(long offset, long size) {
        if (offset < first || (offset - first) % GRANULE != 0 || size < 1 || size > end - offset || roundUp(size) > end - offset) {
            throw new IllegalStateException("block at " + offset + " of " + size + " bytes lies outside the zone space "
                    + first + ".." + end);
        }
        long length = roundUp(size);
        Map.Entry<Long, Long> before = free.floorEntry(offset);
        Map.Entry<Long, Long> next = free.ceilingEntry(offset);
        if (before != null && before.getKey() + before.getValue() > offset || next != null && next.getKey() < offset + length) {
            throw new IllegalStateException("block at " + offset + " of " + size + " bytes is already free");
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

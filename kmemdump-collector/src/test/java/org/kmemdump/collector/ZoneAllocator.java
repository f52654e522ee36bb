package org.kmemdump.collector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

/**
 * Hands out consecutive slices of a mapped arena file, as the runtime carves zones from its dump
 * arena, so a test's zones (the coreimage's too) live in the file.
 */
final class ZoneAllocator implements SegmentAllocator {
    private final MemorySegment file;
    private long next;

    ZoneAllocator(MemorySegment file, long start) {
        this.file = file;
        this.next = start;
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        long at = (file.address() + next + byteAlignment - 1) / byteAlignment * byteAlignment - file.address();
        MemorySegment slice = file.asSlice(at, byteSize);
        next = at + byteSize;
        return slice;
    }
}

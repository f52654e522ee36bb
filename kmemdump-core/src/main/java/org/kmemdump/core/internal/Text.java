package org.kmemdump.core.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.nio.charset.StandardCharsets;

/** Text held in zones: UTF-8, NUL-padded to the zone's size, so C tools read it as a string. */
final class Text {
    private Text() {
    }

    /** @return a zone holding exactly {@code text} and a terminating NUL */
    static MemorySegment allocate(SegmentAllocator memory, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        MemorySegment zone = memory.allocate(bytes.length + 1L);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, zone, 0, bytes.length);
        return zone;
    }

    /**
     * Writes as much of {@code text} as fits with a terminating NUL, zeroes the rest.
     *
     * @return the number of text bytes written
     */
    static int write(MemorySegment zone, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int length = (int) Math.min(bytes.length, zone.byteSize() - 1);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, zone, 0, length);
        zone.asSlice(length).fill((byte) 0);
        return length;
    }
}

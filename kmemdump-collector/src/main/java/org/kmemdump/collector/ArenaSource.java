package org.kmemdump.collector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.MinidumpTable.Region;

/** Regions that lie in the arena file, read from its read-only mapping at {@code address - base_address}. */
final class ArenaSource implements Source {
    private static final String CHANGED = "the arena file shrank while it was read (replaced or truncated by another process?)";

    private final MemorySegment file;
    private final ArenaFile.Header header;
    private final MemorySegment chunk = Arena.ofAuto().allocate(CHUNK);

    ArenaSource(MemorySegment file, ArenaFile.Header header) {
        this.file = file;
        this.header = header;
    }

    /** @return whether the region's whole range lies in the arena file's zone part */
    boolean holds(Region region) {
        return header.holds(region.address(), region.size());
    }

    @Override
    public String label() {
        return "arena";
    }

    @Override
    public String copy(Region region, Sink sink) throws Failure {
        long offset = header.offsetOf(region.address());
        for (long at = 0; at < region.size(); ) {
            int length = (int) Math.min(CHUNK, region.size() - at);
            try {
                // through our own buffer: a fault on a shrunk mapping then hits this read, not the output's write
                MemorySegment.copy(file, offset + at, chunk, 0, length);
            } catch (InternalError | IndexOutOfBoundsException e) {
                return CHANGED;
            }
            sink.accept(chunk.asSlice(0, length).asByteBuffer());
            at += length;
        }
        return null;
    }

    @Override
    public String probe(Region region) {
        return null; // holds() checked the range against the file's length
    }

    /** @return a heap copy of a region that {@link #holds}; the caller bounds its size */
    byte[] snapshot(Region region) {
        try {
            return file.asSlice(header.offsetOf(region.address()), region.size()).toArray(ValueLayout.JAVA_BYTE);
        } catch (InternalError | IndexOutOfBoundsException e) {
            return null;
        }
    }
}

package org.kmemdump.collector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;

import org.kmemdump.format.ArenaFile;

/**
 * Regions that lie in the arena file, read from its read-only mapping at {@code address - base_address}.
 * Its holes are passed on as holes, never read: on tmpfs a read through the mapping would allocate
 * them, and a sparse arena of a TiB would be copied as a TiB of zeros. The data goes from the file
 * to a sink that {@link Sink#takesFiles takes files} by the kernel's copy, else through one native buffer.
 */
final class ArenaSource implements Source {
    private static final String CHANGED = "the arena file shrank while it was read (replaced or truncated by another process?)";

    private final MemorySegment file;
    private final FileChannel channel;
    private final ArenaFile.Header header;
    private final Extents extents;
    private final MemorySegment chunk = Arena.ofAuto().allocate(CHUNK);

    /**
     * @param channel the same file, for the kernel's copies, or {@code null} to read through the mapping
     * @param extents where the file held data when the collection started
     */
    ArenaSource(MemorySegment file, FileChannel channel, ArenaFile.Header header, Extents extents) {
        this.file = file;
        this.channel = channel;
        this.header = header;
        this.extents = extents;
    }

    /** @return whether the region's whole range lies in the arena file's zone part */
    boolean holds(Zone zone) {
        return header.holds(zone.address(), zone.size());
    }

    @Override
    public String label() {
        return "arena";
    }

    @Override
    public Outcome copy(Zone zone, Sink sink) throws Failure {
        long offset = header.offsetOf(zone.address());
        for (long at = 0; at < zone.size(); ) {
            long data = extents.dataFrom(offset + at) - offset;
            if (data > at) {
                long hole = Math.min(data, zone.size()) - at;
                sink.skip(hole);
                at += hole;
                continue;
            }
            int length = (int) Math.min(Math.min(CHUNK, zone.size() - at), extents.holeFrom(offset + at) - offset - at);
            if (channel != null && sink.takesFiles()) {
                if (sink.transfer(channel, offset + at, length) < length) {
                    return Outcome.lost(CHANGED);
                }
                at += length;
                continue;
            }
            try {
                // through our own buffer: a fault on a shrunk mapping then hits this read, not the output's write
                MemorySegment.copy(file, offset + at, chunk, 0, length);
            } catch (InternalError | IndexOutOfBoundsException e) {
                return Outcome.lost(CHANGED);
            }
            sink.accept(chunk.asSlice(0, length).asByteBuffer());
            at += length;
        }
        return Outcome.OK;
    }

    @Override
    public Outcome probe(Zone zone) {
        return Outcome.OK; // holds() checked the range against the file's length
    }

    /** @return a heap copy of a region that {@link #holds}; the caller bounds its size */
    byte[] snapshot(Zone zone) {
        try {
            return extents.copy(file, header.offsetOf(zone.address()), (int) zone.size());
        } catch (InternalError | IndexOutOfBoundsException e) {
            return null;
        }
    }
}

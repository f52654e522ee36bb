package org.kmemdump.collector;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Optional;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.SnapshotBuffers;

/**
 * A snapshot zone ({@link SnapshotBuffers}: the threads or the components zone) of the runtime,
 * found under its well-known id in the arena's zone directory: it must lie in the arena's zone
 * area, 8-byte aligned, and hold a header {@link SnapshotBuffers#open} accepts against the zone's
 * size and content. The snapshot is a slice of the arena
 * file's read-only mapping: a live owner's rewrites show through it, and the checksums keep a
 * rewrite caught midway from being read.
 *
 * @param where the zone, for messages
 */
public record SnapshotZone(SnapshotBuffers zone, String where) {
    /**
     * @param what the zone's contents, for messages ("components")
     * @throws Failure (exit 3) naming why there is no usable snapshot zone {@code id} of {@code content}
     */
    public static SnapshotZone find(DumpInput input, int id, SnapshotBuffers.Content content, String what) throws Failure {
        DirectoryListing listing = input.zoneDirectory();
        if (!listing.usable()) {
            throw Failure.input(listing.problem() + ": no " + what + " zone to read");
        }
        Optional<DirectoryListing.Listed> listed = listing.zones().stream().filter(each -> each.id() == id).findFirst();
        if (listed.isEmpty()) {
            throw Failure.input(input.arenaPath() + ": the zone directory lists no zone " + id + " (" + what
                    + "): the runtime did not register it (disabled, or a runtime without it)");
        }
        ArenaFile.Header header = input.header();
        DirectoryListing.Listed zone = listed.get();
        if (!header.holds(zone.address(), zone.size())) {
            throw Failure.input("the arena's zone directory lists " + zone.describe() + ", which is not in the arena's zone area");
        }
        long offset = header.offsetOf(zone.address());
        if (offset % Long.BYTES != 0) {
            throw Failure.input("the arena's zone directory lists " + zone.describe() + ", which is not 8-byte aligned");
        }
        String where = "the " + what + " zone, " + zone.describe();
        return of(input.arenaFile().asSlice(offset, zone.size()), content, where, input.arenaPath());
    }

    /** @throws Failure (exit 3) naming why the core holds no usable snapshot zone {@code id} */
    public static SnapshotZone find(CoreFile core, int id, SnapshotBuffers.Content content, String what) throws Failure {
        CoreFile.CoreZone zone = core.zone(id, what);
        return of(zone.bytes(), content, zone.where(), core.path());
    }

    private static SnapshotZone of(MemorySegment bytes, SnapshotBuffers.Content content, String where, Path file) throws Failure {
        try {
            return new SnapshotZone(SnapshotBuffers.open(bytes, content, where), where);
        } catch (IllegalArgumentException e) {
            throw Failure.input(e.getMessage());
        } catch (InternalError | IndexOutOfBoundsException e) { // a shrunk mapping faults
            throw Failure.input(file + ": the file shrank while " + where + " was read");
        }
    }

    /** @throws Failure (exit 3) when neither buffer holds a whole snapshot, or the file shrank */
    public SnapshotBuffers.Snapshot newest() throws Failure {
        SnapshotBuffers.Snapshot newest;
        try {
            newest = zone.newest();
        } catch (InternalError | IndexOutOfBoundsException e) {
            throw Failure.input(where + ": the arena file shrank while it was read");
        }
        if (newest == null) {
            throw Failure.input(where + ": holds no whole snapshot (none written yet, or both buffers torn)");
        }
        return newest;
    }
}

package org.kmemdump.collector;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.ThreadsSnapshot;

/**
 * The runtime's threads snapshot: zone {@value KnownZones#THREADS} of the arena's zone directory,
 * which must lie in the arena's zone area, 8-byte aligned, with a header {@link ThreadsSnapshot#open}
 * accepts against the zone's size. Read from the arena file's mapping, so it works on a dead,
 * stopped or live owner: {@link ThreadsSnapshot#newest} copies each half and keeps only what its
 * checksum vouches for, so a rewrite under the read is never shown torn.
 *
 * @param where the zone, for messages
 */
public record ThreadsZone(ThreadsSnapshot.Snapshot snapshot, String where) {
    /** @throws Failure (exit 3) when there is no zone 8, it is not a threads zone, or it holds no whole snapshot, saying why */
    public static ThreadsZone read(DumpInput input) throws Failure {
        DirectoryListing listing = input.zoneDirectory();
        if (!listing.usable()) {
            throw Failure.input(listing.problem() + ": no threads zone to read");
        }
        Optional<DirectoryListing.Listed> zone = listing.zones().stream().filter(each -> each.id() == KnownZones.THREADS).findFirst();
        if (zone.isEmpty()) {
            throw Failure.input("the arena's zone directory lists no zone " + KnownZones.THREADS
                    + " (threads): the runtime had no threads zone (threads.size 0?) or had not started it");
        }
        ArenaFile.Header header = input.header();
        DirectoryListing.Listed listed = zone.get();
        if (!header.holds(listed.address(), listed.size())) {
            throw Failure.input("the arena's zone directory lists " + listed.describe() + ", which is not in the arena's zone area");
        }
        long offset = header.offsetOf(listed.address());
        String where = "the threads zone at " + Sizes.hex(listed.address());
        if (offset % Long.BYTES != 0) {
            throw Failure.input(where + " is not 8-byte aligned: no threads zone starts there");
        }
        return of(input.arenaFile().asSlice(offset, listed.size()), where, input.arenaPath());
    }

    /** @throws Failure (exit 3) when the core holds no whole threads zone, or it holds no whole snapshot */
    public static ThreadsZone read(CoreFile core) throws Failure {
        CoreFile.CoreZone zone = core.zone(KnownZones.THREADS, "threads");
        return of(zone.bytes(), zone.where(), core.path());
    }

    private static ThreadsZone of(MemorySegment bytes, String where, Path file) throws Failure {
        try {
            ThreadsSnapshot zoneBytes = ThreadsSnapshot.open(bytes, where);
            ThreadsSnapshot.Snapshot newest = zoneBytes.newest();
            if (newest == null) {
                throw Failure.input(where + ": no whole snapshot (none written yet, or both halves torn or corrupt)");
            }
            return new ThreadsZone(newest, where);
        } catch (IllegalArgumentException e) {
            throw Failure.input(e.getMessage());
        } catch (InternalError | IndexOutOfBoundsException e) { // a shrunk mapping faults
            throw Failure.input(file + ": the file shrank while the threads zone was read");
        }
    }

    /** @return when the snapshot was taken, and how long before the owner's last heartbeat and before now */
    public String age(ArenaFile.Header header, long now) {
        return age(now) + (header.heartbeat() > 0 ? ", " + seconds(header.heartbeat() - snapshot.time()) + " before the owner's last heartbeat"
                : "");
    }

    /** @return when the snapshot was taken, and how long before now */
    public String age(long now) {
        long time = snapshot.time();
        return "snapshot " + snapshot.sequence() + " taken " + Instant.ofEpochMilli(time) + ", " + seconds(now - time) + " ago";
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** @return the snapshot's time and age on one line, or why there is none: for {@code inspect} */
    static String describe(DumpInput input) {
        try {
            return read(input).age(input.header(), System.currentTimeMillis());
        } catch (Failure failure) {
            return "none (" + failure.getMessage() + ")";
        }
    }
}

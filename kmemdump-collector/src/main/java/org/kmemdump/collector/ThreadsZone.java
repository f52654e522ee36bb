package org.kmemdump.collector;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.SnapshotBuffers;
import org.kmemdump.format.ThreadsSnapshot;

/**
 * The runtime's threads snapshot: the newest whole snapshot of zone {@value KnownZones#THREADS},
 * found as every snapshot zone is ({@link SnapshotZone}), its payload decoded by
 * {@link ThreadsSnapshot#decode}. Read from the arena file's mapping (a dead, stopped or live
 * owner; the buffers' checksums keep a rewrite under the read from being shown torn) or from a
 * collected core.
 *
 * @param where the zone, for messages
 */
public record ThreadsZone(ThreadsSnapshot.Snapshot snapshot, String where) {
    /** @throws Failure (exit 3) when there is no zone 8, it is not a threads zone, or it holds no whole snapshot, saying why */
    public static ThreadsZone read(DumpInput input) throws Failure {
        return decode(SnapshotZone.find(input, KnownZones.THREADS, SnapshotBuffers.Content.THREADS, KnownZones.THREADS_NAME));
    }

    /** @throws Failure (exit 3) when the core holds no whole threads zone, or it holds no whole snapshot */
    public static ThreadsZone read(CoreFile core) throws Failure {
        return decode(SnapshotZone.find(core, KnownZones.THREADS, SnapshotBuffers.Content.THREADS, KnownZones.THREADS_NAME));
    }

    private static ThreadsZone decode(SnapshotZone zone) throws Failure {
        SnapshotBuffers.Snapshot newest = zone.newest();
        ThreadsSnapshot.Snapshot threads = ThreadsSnapshot.decode(newest);
        if (threads == null) {
            throw Failure.input(zone.where() + ": snapshot " + newest.sequence() + " passes its checksum but its thread records do not add up");
        }
        return new ThreadsZone(threads, zone.where());
    }

    /** @return when the snapshot was taken, and how long before the owner's last heartbeat and before now */
    public String age(ArenaFile.Header header, long now) {
        return SnapshotTime.age(snapshot.sequence(), snapshot.time(), header.heartbeat(), now);
    }

    /** @return when the snapshot was taken, and how long before now (a core carries no heartbeat) */
    public String age(long now) {
        return SnapshotTime.age(snapshot.sequence(), snapshot.time(), 0, now);
    }
}

package org.kmemdump.collector;

import org.kmemdump.format.TextSnapshot;

/**
 * When one of the runtime's snapshot zones was last written, for {@code inspect}.
 *
 * @param zone     the zone's name ("components")
 * @param sequence the newest whole snapshot's number, 0 when there is none
 * @param timeMs   when it was taken, ms since the epoch; 0 when there is none
 * @param problem  why there is none, or {@code null}
 */
public record SnapshotTime(String zone, long sequence, long timeMs, String problem) {
    /** Never throws: a missing or corrupt zone is a problem to show, like any other inspected part. */
    static SnapshotTime of(DumpInput input, int id, String name) {
        try {
            TextSnapshot.Snapshot newest = SnapshotZone.find(input, id, name).newest();
            return new SnapshotTime(name, newest.sequence(), newest.time(), null);
        } catch (Failure failure) {
            return new SnapshotTime(name, 0, 0, failure.getMessage());
        }
    }
}

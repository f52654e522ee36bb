package org.kmemdump.collector;

import java.time.Instant;
import java.util.Locale;

import org.kmemdump.format.SnapshotBuffers;

/**
 * When one of the runtime's snapshot zones (threads, components) was last written, for {@code inspect}.
 *
 * @param zone     the zone's name ("threads", "components")
 * @param sequence the newest whole snapshot's number, 0 when there is none
 * @param timeMs   when it was taken, ms since the epoch; 0 when there is none
 * @param problem  why there is none, or {@code null}
 */
public record SnapshotTime(String zone, long sequence, long timeMs, String problem) {
    /** Never throws: a missing or corrupt zone is a problem to show, like any other inspected part. */
    static SnapshotTime of(DumpInput input, int id, SnapshotBuffers.Content content, String name) {
        try {
            SnapshotBuffers.Snapshot newest = SnapshotZone.find(input, id, content, name).newest();
            return new SnapshotTime(name, newest.sequence(), newest.time(), null);
        } catch (Failure failure) {
            return new SnapshotTime(name, 0, 0, failure.getMessage());
        }
    }

    /** @return when the snapshot was taken and how old it is, or why there is none, on one line */
    public String describe(long heartbeat, long now) {
        return problem != null ? "none (" + problem + ")" : age(sequence, timeMs, heartbeat, now);
    }

    /**
     * @param heartbeat the owner's last heartbeat, ms since the epoch; 0 if it never wrote one
     * @return e.g. "snapshot 3 taken 2026-...Z, 4.2 s ago, 1.0 s before the owner's last heartbeat"
     */
    static String age(long sequence, long time, long heartbeat, long now) {
        return "snapshot " + sequence + " taken " + Instant.ofEpochMilli(time) + ", " + seconds(now - time) + " ago"
                + (heartbeat > 0 ? ", " + seconds(heartbeat - time) + " before the owner's last heartbeat" : "");
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}

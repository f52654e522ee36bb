package org.kmemdump.collector;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.kmemdump.format.KnownZones;
import org.kmemdump.format.LogRing;

/**
 * Reads the runtime's log ring of a run, live, stopped or dead, from its kmemdump directory, a
 * crash entry or a collected ELF core. Only records {@link LogRing#walk} vouches for are returned
 * (whole, checksummed, at the position they claim): a record torn by a kill, or garbage, never.
 */
public final class LogReader {
    /**
     * The newest records of a ring.
     *
     * @param entries  up to the number asked for, oldest first
     * @param lost     how many records before or between them the ring no longer holds whole
     * @param note     one line saying where the ring was found when that is worth telling (the zone
     *                 directory stood in for kinfo), or {@code null}
     * @param incomplete whether what was read was a defect's second best (a kinfo record that was there but unusable)
     */
    public record Tail(List<LogRing.Entry> entries, long lost, String note, boolean incomplete) {
        /** @return the newest record's sequence number, 0 when there is none */
        public long newest() {
            long newest = 0;
            for (LogRing.Entry entry : entries) {
                newest = Math.max(newest, entry.sequence());
            }
            return newest;
        }
    }

    private LogReader() {
    }

    /**
     * @param path    a kmemdump directory, a crash entry, or an ELF core
     * @param records how many of the newest records to return (0 or more)
     * @throws Failure (exit 3) when there is no readable log ring, saying why
     */
    public static Tail last(Path path, int records) throws Failure {
        Optional<Path> core = CoreFile.of(path);
        if (core.isPresent()) {
            try (CoreFile file = CoreFile.open(core.get())) {
                return last(file, records);
            }
        }
        try (DumpInput input = DumpInput.open(path)) {
            OwnerProcess owner = OwnerProcess.of(input.header());
            return last(input, LogRingLocation.find(input, KinfoFile.read(input.directory(), owner.memoryReadable())), records);
        }
    }

    /** @throws Failure (exit 3) when the core holds no whole log ring zone, or its ring is corrupt */
    public static Tail last(CoreFile core, int records) throws Failure {
        CoreFile.CoreZone zone = core.zone(KnownZones.LOG, "log ring");
        LogRing ring;
        try {
            ring = LogRing.open(zone.bytes(), zone.where());
        } catch (IllegalArgumentException e) {
            throw Failure.input(e.getMessage());
        }
        return tail(walk(ring, zone.where(), LogRing.Present.ALL, newest(records)), records, null, false);
    }

    /** @throws Failure (exit 3) when the located ring cannot be walked, prefixed with why it is where it is */
    public static Tail last(DumpInput input, LogRingLocation location, int records) throws Failure {
        try {
            return tail(walk(location, input, newest(records)), records, location.note(), location.kinfoDefect());
        } catch (Failure failure) { // still one line: why the zone directory was used, then why it did not help
            throw location.note() == null ? failure : Failure.input(location.note() + "; " + failure.getMessage());
        }
    }

    private static Tail tail(LogRing.Walk walk, int records, String note, boolean incomplete) {
        List<LogRing.Entry> entries = walk.entries();
        return new Tail(List.copyOf(entries.subList(Math.max(0, entries.size() - records), entries.size())), walk.lost(), note,
                incomplete);
    }

    /**
     * Walks only the bytes the arena file holds now: the holes of a sparse file are skipped, never
     * read (on tmpfs that would allocate them), so a ring whose header claims a TiB costs what it holds.
     *
     * @throws Failure (exit 3) when the ring's head is impossible or the file shrank under the walk
     */
    public static LogRing.Walk walk(LogRingLocation location, DumpInput input) throws Failure {
        return walk(location, input, Integer.MAX_VALUE);
    }

    private static LogRing.Walk walk(LogRingLocation location, DumpInput input, int newest) throws Failure {
        try {
            return walk(location.ring(), location.where(), input.present(location.ring()), newest);
        } catch (InternalError | IndexOutOfBoundsException e) { // a shrunk mapping faults
            throw Failure.input(location.where() + ": the log ring changed or its file shrank while it was read");
        }
    }

    /** The newest records to walk for a tail of {@code records}: at least one, for a follower to go on from. */
    private static int newest(int records) {
        return Math.max(1, records);
    }

    /**
     * @param newest how many of the newest records: found from the head backwards, so a large ring
     *               costs no more than a small one; {@link Integer#MAX_VALUE} walks the whole window
     * @throws Failure (exit 3) when the ring's head is impossible (negative, not 8-aligned, so near
     *                 2^63 that positions would overflow) or the ring changed under the walk
     */
    private static LogRing.Walk walk(LogRing ring, String where, LogRing.Present present, int newest) throws Failure {
        try {
            long head = ring.head();
            if (head < 0 || head % Long.BYTES != 0 || head > Long.MAX_VALUE - 2 * ring.capacity()) {
                throw Failure.input(where + ": head " + head + " is impossible (it must be 0 or more, a multiple of 8"
                        + " and leave room to count " + ring.capacity() + " more bytes)");
            }
            return newest == Integer.MAX_VALUE ? ring.walk(present) : ring.newest(newest, present);
        } catch (InternalError | IndexOutOfBoundsException e) { // a shrunk mapping faults; a head changed under the walk
            throw Failure.input(where + ": the log ring changed or its file shrank while it was read");
        }
    }
}

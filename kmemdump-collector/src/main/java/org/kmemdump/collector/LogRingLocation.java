package org.kmemdump.collector;

import java.util.Optional;

import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.KinfoRecord;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.LogRing;

/**
 * Where the runtime's log ring is: the zone the kinfo record's log pointer names, else zone 7 of
 * the arena's zone directory. Either must lie in the arena's zone area, 8-byte aligned, and hold a
 * ring header {@link LogRing#open} accepts against the zone's size. The ring is a slice of the
 * arena file's read-only mapping, never copied: the owner's appends show through it.
 *
 * @param ring      the ring
 * @param where     the ring and where its pointer came from, for messages
 * @param note      the one line that says the zone directory stood in for kinfo, and why; {@code null}
 *                  when kinfo named the ring
 * @param kinfoDefect whether a kinfo record was there but could not be used: a defect, unlike no
 *                  file, a file never written, or a valid record that points at no log ring (the
 *                  kinfo backend clears its pointers while another backend is active)
 */
public record LogRingLocation(LogRing ring, String where, String note, boolean kinfoDefect) {
    private static final String DIRECTORY_ZONE = "zone " + KnownZones.LOG + " of the arena's zone directory";

    /** @throws Failure (exit 3) when neither kinfo nor the zone directory names a valid log ring, saying why for each */
    public static LogRingLocation find(DumpInput input, KinfoFile kinfo) throws Failure {
        String kinfoProblem;
        boolean defect = false;
        if (!kinfo.found()) {
            kinfoProblem = "no kinfo record (" + kinfo.problem() + ")";
        } else if (!kinfo.valid()) {
            kinfoProblem = kinfo.problem();
            defect = !kinfo.neverWritten();
        } else if (KinfoFile.none(kinfo.contents().log())) {
            kinfoProblem = kinfo.path() + ": the kinfo record points at no log ring (the kinfo backend is not the active one,"
                    + " or no log ring is registered)";
        } else {
            KinfoRecord.Pointer log = kinfo.contents().log();
            Attempt attempt = open(input, log, kinfo.path() + ": the JVM extension's log ring pointer " + KinfoFile.describe(log),
                    "named by " + kinfo.path());
            if (attempt.ring() != null) {
                return new LogRingLocation(attempt.ring(), attempt.where(), null, false);
            }
            kinfoProblem = attempt.problem();
            defect = true;
        }
        Attempt directory = fromDirectory(input);
        if (directory.ring() == null) {
            throw Failure.input(kinfoProblem + "; " + directory.problem() + ": no log ring to read");
        }
        return new LogRingLocation(directory.ring(), directory.where(), kinfoProblem + ": the log ring is " + DIRECTORY_ZONE
                + (defect ? " instead" : ""), defect);
    }

    /** @param where the ring, for messages */
    private record Attempt(LogRing ring, String where, String problem) {
        static Attempt failed(String problem) {
            return new Attempt(null, null, problem);
        }
    }

    private static String ringAt(long address, String named) {
        return "the log ring at " + Sizes.hex(address) + " (" + named + ")";
    }

    private static Attempt fromDirectory(DumpInput input) {
        DirectoryListing listing = input.zoneDirectory();
        if (!listing.usable()) {
            return Attempt.failed(listing.problem());
        }
        Optional<DirectoryListing.Listed> zone = listing.zones().stream().filter(each -> each.id() == KnownZones.LOG).findFirst();
        if (zone.isEmpty()) {
            return Attempt.failed("the arena's zone directory lists no zone " + KnownZones.LOG);
        }
        return open(input, new KinfoRecord.Pointer(zone.get().address(), zone.get().size()),
                "the arena's zone directory lists " + zone.get().describe() + ", which", DIRECTORY_ZONE);
    }

    /**
     * @param pointer names the pointer and its value, for messages
     * @param named   says where the pointer came from, for a message about the ring it points at
     */
    private static Attempt open(DumpInput input, KinfoRecord.Pointer zone, String pointer, String named) {
        ArenaFile.Header header = input.header();
        if (!header.holds(zone.address(), zone.size())) {
            return Attempt.failed(pointer + " is not in the arena's zone area");
        }
        long offset = header.offsetOf(zone.address());
        if (offset % Long.BYTES != 0) {
            return Attempt.failed(pointer + " is not 8-byte aligned: no log ring starts there");
        }
        String where = ringAt(zone.address(), named);
        try {
            return new Attempt(LogRing.open(input.arenaFile().asSlice(offset, zone.size()), where), where, null);
        } catch (IllegalArgumentException e) {
            return Attempt.failed(e.getMessage());
        } catch (InternalError | IndexOutOfBoundsException e) { // a shrunk mapping faults
            return Attempt.failed(input.arenaPath() + ": the arena file shrank while the log ring was read");
        }
    }
}

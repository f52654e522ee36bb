package org.kmemdump.collector;

import java.nio.file.Path;
import java.util.List;

import org.kmemdump.format.ArenaFile;

/**
 * What {@link Inspection} found in a kmemdump directory, for {@link InspectText} and
 * {@link InspectJson}: who owns it and in what state, the sources of the zones, every zone with
 * where its bytes are and whether they can be read now, and the kinfo record.
 *
 * @param heartbeatAgeMs   how long ago the owner's heartbeat was written; {@code null} when never
 * @param zones            every zone, in ascending id order; empty when there is nothing to collect
 * @param notes            zone directory entries that were ignored, lost or disagree with the table
 * @param nothingToCollect why {@code collect} would find nothing, or {@code null}
 * @param warning          what makes the directory incomplete besides its zones, or {@code null}
 * @param snapshots        when each of the runtime's snapshot zones (threads, components) was last written, or why it
 *                         cannot be read
 * @param end              how the run ended, as far as it can be known
 */
public record InspectReport(Path directory, Path arenaPath, ArenaFile.Header header, OwnerProcess owner, Long heartbeatAgeMs,
        KinfoFile kinfo, ZoneDirectory zoneDirectory, Table table, Sources sources, List<ZoneResult> zones, List<String> notes,
        String nothingToCollect, String warning, List<SnapshotTime> snapshots, RunEnd end) {
    /**
     * The arena's zone directory.
     *
     * @param listed  how many valid entries it has, ignored ones included
     * @param ignored how many entries were ignored
     * @param summary all of it on one line
     */
    public record ZoneDirectory(boolean usable, String problem, int listed, int ignored, String summary) {
    }

    /**
     * The minidump table in smem.
     *
     * @param state    {@code dumpable}, {@code not found}, {@code not dumpable} or {@code corrupt}
     * @param problem  why the reader would skip it, or {@code null}
     * @param summary  its state on one line
     * @param asStored the table as stored, or {@code null} when there is none to show
     */
    public record Table(String state, boolean dumpable, String problem, String summary, String asStored) {
    }

    /**
     * Where the zones come from.
     *
     * @param directoryUnused why the zone directory added nothing, or {@code null}
     */
    public record Sources(String summary, int tableRegions, boolean directoryUsed, String directoryUnused, int onlyInDirectory) {
    }

    /** @return why the kinfo record is a defect (not valid, a pointer outside the arena), or {@code null} */
    public String kinfoDefect() {
        return kinfo.defect(header);
    }

    /**
     * @return the one line that says what is wrong: why there is nothing to collect, a corrupt
     *         table, directory entries not used, a kinfo defect; {@code null} when nothing is
     */
    public String problems() {
        String kinfoDefect = kinfoDefect();
        String first = nothingToCollect != null ? nothingToCollect : warning;
        if (first == null) {
            return kinfoDefect;
        }
        return first + (kinfoDefect == null ? "" : "; " + kinfoDefect);
    }

    /** @return whether every zone is readable (or sensitive, left out by design) and nothing is wrong */
    public boolean complete() {
        return problems() == null && zones.stream().allMatch(zone -> zone.outcome().ok() || zone.outcome().withheld());
    }
}
